"""Tests for AssumeRoleClient's arguments: every one checked before any AWS call."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from tests.aws.sts_recorder import (  # noqa: F401 - fixtures
    BASE_KEY_ID,
    BASE_SECRET,
    EXTERNAL_ID,
    REGION,
    ROLE,
    ROLE_ACCOUNT,
    SESSION_NAME,
    SESSION_POLICY,
    Answer,
    StsRecorder,
    assert_no_secret,
    deny,
    make,
    new_session,
    requires_external_id,
)
from xaccess.aws.assume import (
    AssumeRoleClient,
)
from xaccess.errors import (
    PolicySizeError,
    ValidationError,
)
from xaccess.policy import PolicyDocument

if TYPE_CHECKING:
    import boto3

    from tests.support import FakeClock


ALL_OPTIONS: dict[str, Any] = {
    "duration_seconds": dt.timedelta(hours=1),
    "region_name": "eu-central-1",
    "source_identity": "alice",
    "tags": {"customer": "acme", "tier": "gold"},
    "transitive_tag_keys": ["customer"],
    "policy": SESSION_POLICY,
    "policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    "strict": True,
    "propagation_grace": dt.timedelta(seconds=60),
}


def test_valid_arguments_make_no_aws_call(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Making a client, with every option, calls no AWS API."""
    client = make(base, clock, **ALL_OPTIONS)

    assert 0 == len(sts.calls)
    assert ROLE == str(client.role_arn)
    assert (SESSION_NAME, 3600) == (client.session_name, client.duration_seconds)


def test_repr_names_the_role_and_session_but_not_the_external_id(
    base: boto3.Session, clock: FakeClock
) -> None:
    """The client's repr says which role it assumes, without the external ID."""
    text = repr(make(base, clock))

    assert ROLE in text
    assert SESSION_NAME in text
    assert EXTERNAL_ID not in text


def test_external_id_must_be_passed_explicitly() -> None:
    """Leaving out external_id is a TypeError: None must be written out to opt out."""
    with pytest.raises(TypeError, match="external_id"):
        AssumeRoleClient(role_arn=ROLE, session_name=SESSION_NAME)  # type: ignore[call-arg]


BIG_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": [f"arn:aws:s3:::bucket-{i:04}/*" for i in range(80)],
        }
    ],
}


ARN = "arn:aws:iam::aws:policy/"


BAD_ARGUMENTS: list[tuple[str, dict[str, Any]]] = [
    ("role_arn", {"role_arn": "arn:aws:iam::4444:role/X"}),
    ("role_arn", {"role_arn": "arn:aws:sts::444455556666:assumed-role/X/s"}),
    ("role_arn", {"role_arn": "arn:aws-moon:iam::444455556666:role/X"}),
    ("role_arn", {"role_arn": "arn:aws:iam::444455556666:role//X"}),
    ("role_arn", {"role_arn": "arn:aws:iam::444455556666:role/bad name"}),
    ("role_arn", {"role_arn": 444455556666}),
    ("external_id", {"external_id": "x"}),
    ("external_id", {"external_id": "has space"}),
    ("external_id", {"external_id": "x" * 1225}),
    ("external_id", {"external_id": 12345678}),
    ("session_name", {"session_name": "s"}),
    ("session_name", {"session_name": "bad name"}),
    ("session_name", {"session_name": "x" * 65}),
    ("duration_seconds", {"duration_seconds": 899}),
    ("duration_seconds", {"duration_seconds": 43201}),
    ("duration_seconds", {"duration_seconds": True}),
    ("duration_seconds", {"duration_seconds": 3600.0}),
    ("duration_seconds", {"duration_seconds": dt.timedelta(seconds=900.5)}),
    ("source_identity", {"source_identity": "aws:me"}),
    ("source_identity", {"source_identity": "x"}),
    ("source_identity", {"source_identity": "x" * 65}),
    ("tags[0].key", {"tags": {"aws:key": "v"}}),
    ("tags[0].value", {"tags": {"k": "v" * 257}}),
    ("tags", {"tags": {f"k{i}": "v" for i in range(51)}}),
    ("tags", {"tags": {"Key": "a", "key": "b"}}),
    ("tags", {"tags": "k=v"}),
    ("transitive_tag_keys[0]", {"tags": {"a": "b"}, "transitive_tag_keys": ["c"]}),
    ("transitive_tag_keys[0]", {"tags": {"a": "b"}, "transitive_tag_keys": [1]}),
    ("transitive_tag_keys", {"tags": {"a": "b"}, "transitive_tag_keys": "a"}),
    ("transitive_tag_keys", {"tags": {"a": "b"}, "transitive_tag_keys": ["a", "a"]}),
    ("policy", {"policy": "{not json"}),
    ("policy", {"policy": {"Version": "2012-10-17", "Statement": []}}),
    ("policy", {"policy": 42}),
    (
        "policy",
        {
            "policy": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Principal": "*"}],
            }
        },
    ),
    ("policy", {"policy": BIG_POLICY}),
    ("policy_arns", {"policy_arns": [f"{ARN}P{i}" for i in range(11)]}),
    ("policy_arns", {"policy_arns": f"{ARN}P"}),
    ("policy_arns", {"policy_arns": [f"{ARN}P", f"{ARN}P"]}),
    ("policy_arns[0]", {"policy_arns": ["not-an-arn"]}),
    ("policy_arns[0]", {"policy_arns": ["arn:aws-cn:iam::aws:policy/ReadOnlyAccess"]}),
    ("region_name", {"region_name": "EU-WEST-1"}),
    ("region_name", {"region_name": "cn-north-1"}),
    ("region_name", {"region_name": 5}),
    ("region_name", {"region_name": "aws-global"}),
    ("use_global_endpoint", {"use_global_endpoint": "yes"}),
    (
        "use_global_endpoint",
        {"role_arn": "arn:aws-cn:iam::444455556666:role/X", "use_global_endpoint": True},
    ),
    ("sts_endpoint_url", {"sts_endpoint_url": "ftp://example.com"}),
    ("sts_endpoint_url", {"sts_endpoint_url": "not a url"}),
    ("sts_endpoint_url", {"sts_endpoint_url": 8080}),
    ("sts_endpoint_url", {"sts_endpoint_url": "http://[::1"}),
    ("sts_endpoint_url", {"sts_endpoint_url": "https://sts.example.com:99999/"}),
    ("sts_endpoint_url", {"sts_endpoint_url": "https://sts example.com/"}),
    ("sts_endpoint_url", {"sts_endpoint_url": "https://x", "use_global_endpoint": True}),
    ("strict", {"strict": 1}),
    ("propagation_grace", {"propagation_grace": -1}),
    ("propagation_grace", {"propagation_grace": "60"}),
    ("propagation_grace", {"propagation_grace": float("nan")}),
    ("clock", {"clock": 5}),
    ("sleep", {"sleep": "later"}),
    ("base_session", {"base_session": "session"}),
]


@pytest.mark.parametrize(
    ("field", "arguments"),
    BAD_ARGUMENTS,
    ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_ARGUMENTS)],
)
def test_bad_argument_raises_validation_error_before_any_aws_call(
    base: boto3.Session,
    sts: StsRecorder,
    clock: FakeClock,
    field: str,
    arguments: dict[str, Any],
) -> None:
    """Every invalid argument raises ValidationError naming it, and no STS call is made."""
    with pytest.raises(ValidationError) as raised:
        make(base, clock, **arguments)

    assert field == raised.value.field
    assert 0 == len(sts.calls)


def test_session_policy_and_arns_over_2048_characters_is_a_size_error(
    base: boto3.Session, clock: FakeClock
) -> None:
    """Inline policy plus policy ARNs over 2048 characters raises PolicySizeError."""
    arns = [f"{ARN}{i}{'P' * 127}" for i in range(10)]
    medium = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::bucket-{i:04}/*" for i in range(20)],
            }
        ],
    }
    make(base, clock, policy_arns=arns)  # 1520 characters of ARNs alone fit
    make(base, clock, policy=medium)

    with pytest.raises(PolicySizeError) as raised:
        make(base, clock, policy_arns=arns, policy=medium)
    with pytest.raises(PolicySizeError):
        make(base, clock, policy=PolicyDocument.from_dict(BIG_POLICY))

    assert ("policy", 2048) == (raised.value.field, raised.value.limit)
    assert raised.value.size == sum(map(len, arns)) + PolicyDocument.from_dict(medium).size()


def test_base_session_region_in_another_partition_is_refused(aws: None, clock: FakeClock) -> None:
    """A base session whose region is in another partition than the role is refused."""
    with pytest.raises(ValidationError) as raised:
        make(new_session(region_name="cn-north-1"), clock)

    assert "base_session.region_name" == raised.value.field


def test_no_region_anywhere_is_refused_before_any_call(
    aws: None, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    """Without region_name or a base-session region, credentials() refuses before calling STS."""
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    base = new_session()
    recorder = StsRecorder(base)
    client = make(base, clock)

    with pytest.raises(ValidationError) as raised:
        client.credentials()

    assert "region_name" == raised.value.field
    assert 0 == len(recorder.calls)


def test_default_base_session_is_made_on_first_use(aws: None, clock: FakeClock) -> None:
    """Without base_session the client makes boto3.Session() itself, with its region."""
    client = AssumeRoleClient(
        role_arn=ROLE, external_id=EXTERNAL_ID, session_name=SESSION_NAME, clock=clock
    )

    credentials = client.credentials()

    assert credentials.assumed_role_arn.endswith(f":assumed-role/AcmeAudit/{SESSION_NAME}")
