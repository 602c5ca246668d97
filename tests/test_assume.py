"""Tests for xaccess.aws.assume: the vendor-side AssumeRoleClient, against moto.

moto accepts every AssumeRole, so behaviour that depends on STS refusing is driven by botocore
event hooks on the vendor's base session (:class:`StsRecorder`): they record each STS request
and can answer it with an error response instead of sending it. Time is simulated with
:class:`FakeClock`, injected as the client's clock and sleep; the client measures expiry from
the moment it sent the request plus ``DurationSeconds``, so moto's real-time ``Expiration``
does not matter.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs
import boto3
import botocore.credentials
import botocore.loaders
import botocore.session
import moto.sts.models
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import ClientError, EndpointConnectionError
from moto import mock_aws
from moto.server import ThreadedMotoServer

from xaccess.aws._credentials import ClientCredentials
from xaccess.aws.assume import (
    AssumeRoleClient,
    RoleChainingWarning,
    TemporaryCredentials,
    VerificationCheck,
    VerificationReport,
)
from xaccess.errors import (
    AssumeRoleDenied,
    AWSError,
    ConfusedDeputyRisk,
    PackedPolicyTooLarge,
    PolicySizeError,
    RegionDisabled,
    SessionDurationTooLong,
    ValidationError,
    XAccessError,
)
from xaccess.identifiers import Tag
from xaccess.policy import PolicyDocument

if TYPE_CHECKING:
    from pathlib import Path

ROLE = "arn:aws:iam::444455556666:role/AcmeAudit"
ROLE_ACCOUNT = "444455556666"
EXTERNAL_ID = "ext-0123456789abcdef0123"
SESSION_NAME = "vendor-audit"
REGION = "eu-west-1"
BASE_KEY_ID = "AKIAVENDORBASE000001"
BASE_SECRET = "base-secret-key-never-logged-0001"
START = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)

SESSION_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
}


_LOADER = botocore.loaders.create_loader()


def new_session(**kwargs: Any) -> boto3.Session:
    """A boto3 session sharing one model loader, so each test does not read the models again."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    return boto3.Session(botocore_session=core, **kwargs)


class FakeClock:
    """A clock and a sleep that only move when told to; sleeping advances the clock."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += dt.timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)


@attrs.frozen
class Call:
    operation: str
    body: dict[str, Any]
    url: str


Answer = Callable[[str, dict[str, Any]], "tuple[int, str, str] | None"]


class StsRecorder:
    """Records every STS request made through a session; ``answer`` may fail some of them.

    ``answer(operation, body)`` returns ``(status, code, message)`` to answer with that error
    instead of sending the request, or ``None`` to send it; it may also raise.
    """

    def __init__(self, session: boto3.Session) -> None:
        self.calls: list[Call] = []
        self.issued: list[str] = []  # secrets and tokens STS issued, to look for in output
        self.answer: Answer | None = None
        self.delay = 0.0
        self._lock = threading.Lock()
        session.events.register("before-call.sts", self._before)
        session.events.register("after-call.sts.AssumeRole", self._after)

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> Any:
        body = dict(params["body"])
        with self._lock:
            self.calls.append(Call(model.name, body, params["url"]))
        if self.delay:
            time.sleep(self.delay)
        if self.answer is None:
            return None
        result = self.answer(model.name, body)
        if result is None:
            return None
        status, code, message = result
        parsed = {
            "Error": {"Code": code, "Message": message, "Type": "Sender"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        return AWSResponse(params["url"], status, HTTPHeaders(), None), parsed

    def _after(self, parsed: dict[str, Any], **_: Any) -> None:
        credentials = parsed.get("Credentials")
        if credentials:
            with self._lock:
                self.issued += [credentials["SecretAccessKey"], credentials["SessionToken"]]

    def count(self, operation: str = "AssumeRole") -> int:
        with self._lock:
            return sum(call.operation == operation for call in self.calls)

    def bodies(self, operation: str = "AssumeRole") -> list[dict[str, Any]]:
        with self._lock:
            return [call.body for call in self.calls if call.operation == operation]


def deny(code: str = "AccessDenied", status: int = 403, message: str = "") -> Answer:
    """An answer refusing every AssumeRole with ``code``."""
    text = message or (
        f"User: arn:aws:iam::123456789012:user/vendor is not authorized to perform: "
        f"sts:AssumeRole on resource: {ROLE}"
    )

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        return (status, code, text) if operation == "AssumeRole" else None

    return answer


def requires_external_id(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
    """An answer that behaves like a trust policy requiring EXTERNAL_ID."""
    if operation == "AssumeRole" and body.get("ExternalId") != EXTERNAL_ID:
        return 403, "AccessDenied", "not authorized to perform: sts:AssumeRole"
    return None


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake vendor credentials and region, and no user configuration."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_STS",
        "AWS_STS_REGIONAL_ENDPOINTS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", BASE_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", BASE_SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


@pytest.fixture
def aws(aws_env: None) -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def base(aws: None) -> boto3.Session:
    return new_session(region_name=REGION)


@pytest.fixture
def sts(base: boto3.Session) -> StsRecorder:
    return StsRecorder(base)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(base: boto3.Session, clock: FakeClock, /, **kwargs: Any) -> AssumeRoleClient:
    arguments: dict[str, Any] = {
        "role_arn": ROLE,
        "external_id": EXTERNAL_ID,
        "session_name": SESSION_NAME,
        "base_session": base,
        "clock": clock,
        "sleep": clock.sleep,
    }
    arguments.update(kwargs)
    return AssumeRoleClient(**arguments)


# --- validation --------------------------------------------------------------------------------

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


# --- credentials -------------------------------------------------------------------------------


def test_credentials_are_assumed_once_and_cached(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """credentials() assumes the role with the external ID once, then serves the cache."""
    client = make(base, clock)

    first = client.credentials()
    clock.advance(60)
    second = client.credentials()

    assert first is second
    assert 1 == sts.count()
    body = sts.bodies()[0]
    assert (ROLE, SESSION_NAME, EXTERNAL_ID, 3600) == (
        body["RoleArn"],
        body["RoleSessionName"],
        body["ExternalId"],
        body["DurationSeconds"],
    )
    assert first.access_key_id.startswith("ASIA")
    assert f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/AcmeAudit/{SESSION_NAME}" == (
        first.assumed_role_arn
    )
    assert first.assumed_role_id.endswith(f":{SESSION_NAME}")
    assert ROLE_ACCOUNT == first.account_id
    assert dt.UTC == first.expiration.tzinfo


def test_temporary_credentials_never_show_the_secret_or_token(
    base: boto3.Session, clock: FakeClock
) -> None:
    """repr and str show the access key ID and expiry, never the secret or the token."""
    credentials = make(base, clock).credentials()

    for text in (repr(credentials), str(credentials), f"{credentials!r:>10}"):
        assert credentials.access_key_id in text
        assert credentials.secret_access_key not in text
        assert credentials.session_token not in text
    assert {
        "aws_access_key_id": credentials.access_key_id,
        "aws_secret_access_key": credentials.secret_access_key,
        "aws_session_token": credentials.session_token,
    } == credentials.to_boto3_kwargs()


def test_every_configured_parameter_is_sent(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Tags, transitive keys, source identity, session policy and policy ARNs reach STS."""
    client = make(
        base,
        clock,
        duration_seconds=dt.timedelta(minutes=15),
        source_identity="alice",
        tags=[Tag("customer", "acme"), Tag("tier", "gold")],
        transitive_tag_keys=("customer",),
        policy=PolicyDocument.from_dict(SESSION_POLICY).to_json(indent=2),
        policy_arns=["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    )

    client.credentials()

    body = sts.bodies()[0]
    assert 900 == body["DurationSeconds"]
    assert "alice" == body["SourceIdentity"]
    assert ("customer", "acme", "tier", "gold") == (
        body["Tags.member.1.Key"],
        body["Tags.member.1.Value"],
        body["Tags.member.2.Key"],
        body["Tags.member.2.Value"],
    )
    assert "customer" == body["TransitiveTagKeys.member.1"]
    assert PolicyDocument.from_dict(SESSION_POLICY).to_json() == body["Policy"]
    assert "arn:aws:iam::aws:policy/ReadOnlyAccess" == body["PolicyArns.member.1.arn"]


def test_external_id_none_sends_no_external_id(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """external_id=None, written out, assumes the role without an ExternalId."""
    make(base, clock, external_id=None).credentials()

    assert "ExternalId" not in sts.bodies()[0]


def test_32_threads_on_a_cold_client_make_one_assume_role(
    base: boto3.Session, sts: StsRecorder
) -> None:
    """However many threads ask at once, one AssumeRole is in flight and all share it."""
    sts.delay = 0.2
    client = AssumeRoleClient(
        role_arn=ROLE, external_id=EXTERNAL_ID, session_name=SESSION_NAME, base_session=base
    )
    barrier = threading.Barrier(32)
    results: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        barrier.wait()
        key = client.credentials().access_key_id
        with lock:
            results.append(key)

    threads = [threading.Thread(target=work) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert 1 == sts.count()
    assert 32 == len(results)
    assert 1 == len(set(results))


def test_900_second_credentials_serve_100_calls_over_10_minutes_with_one_assume_role(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """With 900 s credentials, a session's 100 calls over 10 minutes need one AssumeRole."""
    client = make(base, clock, duration_seconds=900)
    service = client.session().client("sts")

    arns = set()
    for _ in range(100):
        arns.add(service.get_caller_identity()["Arn"])
        clock.advance(5.99)

    assert 1 == sts.count()
    assert {f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/AcmeAudit/{SESSION_NAME}"} == arns

    clock.advance(600 - 599)  # 10 minutes after the first call: the 5-minute window opens
    service.get_caller_identity()
    assert 2 == sts.count()


def test_botocore_refreshable_assume_role_credentials_call_sts_on_every_request(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contrast: botocore's own assume-role credentials with 900 s refresh every call."""
    # botocore compares moto's Expiration with its own clock, so both run on the fake clock.
    monkeypatch.setattr(botocore.credentials, "_local_now", clock)
    monkeypatch.setattr(moto.sts.models, "utcnow", lambda: clock().replace(tzinfo=None))
    core = base._session
    fetcher = botocore.credentials.AssumeRoleCredentialFetcher(
        client_creator=core.create_client,
        source_credentials=core.get_credentials(),
        role_arn=ROLE,
        extra_args={
            "RoleSessionName": SESSION_NAME,
            "ExternalId": EXTERNAL_ID,
            "DurationSeconds": 900,
        },
    )
    credentials = botocore.credentials.DeferredRefreshableCredentials(
        refresh_using=fetcher.fetch_credentials, method="assume-role", time_fetcher=clock
    )
    for _ in range(10):
        credentials.get_frozen_credentials()
        clock.advance(6)

    assert 10 == sts.count()


def test_session_credentials_are_refreshable_and_come_from_the_client(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """session().get_credentials() is botocore-refreshable and reads the client's cache."""
    client = make(base, clock, duration_seconds=900)
    credentials = client.session().get_credentials()
    assert isinstance(credentials, botocore.credentials.RefreshableCredentials)
    assert isinstance(credentials, ClientCredentials)

    assert ROLE_ACCOUNT == credentials.account_id
    assert credentials.refresh_needed()
    assert 0 == sts.count()

    frozen = credentials.get_frozen_credentials()
    current = client.credentials()
    assert (
        current.access_key_id,
        current.secret_access_key,
        current.session_token,
        ROLE_ACCOUNT,
    ) == tuple(frozen)
    assert (current.access_key_id, current.secret_access_key, current.session_token) == (
        credentials.access_key,
        credentials.secret_key,
        credentials.token,
    )
    assert not credentials.refresh_needed()
    assert not credentials.refresh_needed(600)
    assert credentials.refresh_needed(901)
    assert 900 == pytest.approx(credentials._seconds_remaining())
    credentials._refresh()
    credentials._protected_refresh(is_mandatory=True)
    assert 1 == sts.count()
    assert current.secret_access_key not in repr(credentials)
    for name in ("access_key", "secret_key", "token", "account_id"):
        with pytest.raises(AttributeError):
            setattr(credentials, name, "x")


def test_all_sessions_of_a_client_share_its_credentials(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Many sessions and clients from one AssumeRoleClient cost one AssumeRole."""
    client = make(base, clock)

    for region in ("eu-west-1", "us-east-1", None):
        client.session(region_name=region).client("sts").get_caller_identity()
    client.client("s3", region_name="us-west-2").list_buckets()

    assert 1 == sts.count()


def test_session_region_defaults_to_the_client_region(
    base: boto3.Session, clock: FakeClock
) -> None:
    """session() uses the client's region unless told otherwise, in the role's partition."""
    client = make(base, clock, region_name="eu-central-1")

    assert "eu-central-1" == client.session().region_name
    assert "us-east-1" == client.session(region_name="us-east-1").region_name
    assert "ap-south-1" == client.client("sts", region_name="ap-south-1").meta.region_name
    with pytest.raises(ValidationError) as raised:
        client.session(region_name="cn-north-1")
    assert "region_name" == raised.value.field


def test_session_keeps_a_named_profile_of_the_base_session(
    aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    """A base session made with a profile passes the profile's settings on to session()."""
    config = tmp_path / "config"
    config.write_text("[profile vendor]\nregion = ap-southeast-2\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    client = make(new_session(profile_name="vendor"), clock)

    session = client.session()

    assert "ap-southeast-2" == session.region_name
    assert "vendor" == session.profile_name


# --- refresh -----------------------------------------------------------------------------------


def test_refresh_failure_keeps_valid_credentials_then_raises_once_expired(
    base: boto3.Session,
    sts: StsRecorder,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing refresh serves the still-valid credentials, backs off, and raises at expiry."""
    client = make(base, clock, duration_seconds=900)
    first = client.credentials()

    def fail_after_first(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "AssumeRole" and sts.count() >= 2:
            return 503, "ServiceUnavailable", "try later"
        return None

    sts.answer = fail_after_first
    clock.advance(650)  # in the 5-minute advisory window
    with caplog.at_level(logging.WARNING, logger="xaccess"):
        assert first is client.credentials()
    assert 2 == sts.count()
    assert "ServiceUnavailable" in caplog.text
    assert "stay valid for 250 s" in caplog.text

    assert first is client.credentials()  # backing off: no call on every request
    assert 2 == sts.count()

    clock.advance(61)  # past the longest first backoff (at most 1 s) and into the last minute
    assert first is client.credentials()
    assert 3 == sts.count()

    clock.advance(300)  # expired
    with pytest.raises(AWSError) as raised:
        client.credentials()
    assert "ServiceUnavailable" == raised.value.code
    assert isinstance(raised.value.__cause__, ClientError)

    sts.answer = None
    fresh = client.credentials()
    assert first.access_key_id != fresh.access_key_id


def test_backoff_grows_between_failed_refreshes(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Repeated refresh failures wait longer each time, never retrying on every call."""
    client = make(base, clock, duration_seconds=43200)
    client.credentials()
    sts.answer = deny("Throttling", 400, "Rate exceeded")
    clock.advance(43200 - 3000)  # 50 minutes left, inside the 60-minute advisory window

    attempts_at: list[float] = []
    for second in range(600):
        before = sts.count()
        client.credentials()
        if sts.count() > before:
            attempts_at.append(second)
        clock.advance(1)

    gaps = [b - a for a, b in itertools.pairwise(attempts_at)]
    assert len(attempts_at) < 25  # instead of 600 calls
    assert gaps[0] <= 2  # the first retry comes after 0.5-1 s
    assert all(gap >= 30 for gap in gaps[-3:])  # later ones 30-60 s apart
    assert max(gaps) <= 61


def test_credentials_refresh_in_the_advisory_window(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """3600 s credentials are refreshed from 15 minutes before expiry, not before."""
    client = make(base, clock)
    first = client.credentials()

    clock.advance(2699)
    assert first is client.credentials()
    clock.advance(1)
    second = client.credentials()

    assert first.access_key_id != second.access_key_id
    assert 2 == sts.count()


# --- endpoints ---------------------------------------------------------------------------------


def _url_of_first_call(client: AssumeRoleClient, sts: StsRecorder) -> str:
    sts.answer = deny()
    with pytest.raises(AssumeRoleDenied):
        client.credentials()
    return next(call.url for call in sts.calls if call.operation == "AssumeRole")


@pytest.mark.parametrize(
    ("kwargs", "url"),
    [
        ({}, "https://sts.eu-west-1.amazonaws.com/"),
        ({"region_name": "ap-southeast-2"}, "https://sts.ap-southeast-2.amazonaws.com/"),
        ({"use_global_endpoint": True}, "https://sts.amazonaws.com/"),
        ({"sts_endpoint_url": "http://127.0.0.1:1"}, "http://127.0.0.1:1/"),
        (
            {"role_arn": "arn:aws-cn:iam::444455556666:role/X", "region_name": "cn-north-1"},
            "https://sts.cn-north-1.amazonaws.com.cn/",
        ),
        (
            {"role_arn": "arn:aws-us-gov:iam::444455556666:role/X", "region_name": "us-gov-west-1"},
            "https://sts.us-gov-west-1.amazonaws.com/",
        ),
    ],
)
def test_sts_is_called_on_the_regional_endpoint(
    base: boto3.Session,
    sts: StsRecorder,
    clock: FakeClock,
    kwargs: dict[str, Any],
    url: str,
) -> None:
    """STS is called on the regional endpoint of the partition unless told otherwise."""
    assert url == _url_of_first_call(make(base, clock, **kwargs), sts)


def test_legacy_global_endpoint_configuration_is_overridden(
    aws: None, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    """AWS_STS_REGIONAL_ENDPOINTS=legacy does not send us-east-1 requests to the global host."""
    monkeypatch.setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy")
    base = new_session(region_name="us-east-1")
    assert "https://sts.amazonaws.com" == base.client("sts").meta.endpoint_url
    recorder = StsRecorder(base)

    assert "https://sts.us-east-1.amazonaws.com/" == _url_of_first_call(make(base, clock), recorder)


def test_an_endpoint_configured_for_sts_is_respected(
    aws: None, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    """An endpoint set through AWS_ENDPOINT_URL_STS (a VPC endpoint, say) is used."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "https://vpce-1.sts.eu-west-1.vpce.amazonaws.com")
    base = new_session(region_name=REGION)
    recorder = StsRecorder(base)

    assert "https://vpce-1.sts.eu-west-1.vpce.amazonaws.com/" == _url_of_first_call(
        make(base, clock), recorder
    )


# --- errors ------------------------------------------------------------------------------------


def test_access_denied_becomes_assume_role_denied_with_likely_causes(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """AccessDenied names the role, the caller and the likely causes, most likely first."""
    sts.answer = deny()
    client = make(base, clock)

    with pytest.raises(AssumeRoleDenied) as raised:
        client.credentials()

    error = raised.value
    caller = base.client("sts").get_caller_identity()["Arn"]  # moto: arn:aws:sts::...:user/moto
    assert (ROLE, "AccessDenied", "AssumeRole") == (error.role_arn, error.code, error.operation)
    assert caller == error.caller_arn
    assert isinstance(error.__cause__, ClientError)
    assert not isinstance(error, ClientError)
    causes = error.likely_causes
    assert 4 == len(causes)
    assert "external ID is wrong" in causes[0]
    assert f"trust policy does not name the caller {caller} (" in causes[1]
    assert "does not exist" in causes[2]
    assert "propagated" in causes[3]
    text = str(error)
    assert text.startswith(f"STS denied {caller} sts:AssumeRole on {ROLE}: User: ")
    assert "  1. the external ID is wrong" in text
    assert EXTERNAL_ID not in text


def test_access_denied_without_external_id_says_none_was_sent(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Without an external ID, the first likely cause is that the trust policy needs one."""
    sts.answer = deny()

    with pytest.raises(AssumeRoleDenied) as raised:
        make(base, clock, external_id=None).credentials()

    assert raised.value.likely_causes[0].startswith("no external ID was sent")


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        ("sts:TagSession", {"tags": {"customer": "acme"}}),
        ("sts:SetSourceIdentity", {"source_identity": "alice"}),
    ],
)
def test_denied_tag_session_or_source_identity_is_named_first(
    base: boto3.Session,
    sts: StsRecorder,
    clock: FakeClock,
    action: str,
    kwargs: dict[str, Any],
) -> None:
    """A denial naming sts:TagSession or sts:SetSourceIdentity puts that cause first."""
    sts.answer = deny(message=f"User: x is not authorized to perform: {action} on resource: {ROLE}")

    with pytest.raises(AssumeRoleDenied) as raised:
        make(base, clock, **kwargs).credentials()

    assert action in raised.value.likely_causes[0]


@pytest.mark.parametrize(
    ("code", "status", "message", "error_type"),
    [
        (
            "ValidationError",
            400,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            SessionDurationTooLong,
        ),
        (
            "PackedPolicyTooLarge",
            400,
            "Packed size of consumed policies exceeds 100% of limit",
            PackedPolicyTooLarge,
        ),
        (
            "RegionDisabledException",
            403,
            "STS is not activated in this region for account:444455556666.",
            RegionDisabled,
        ),
        ("ValidationError", 400, "1 validation error detected", AWSError),
        ("ExpiredToken", 400, "The security token included in the request is expired", AWSError),
    ],
)
def test_sts_errors_become_typed_errors(
    base: boto3.Session,
    sts: StsRecorder,
    clock: FakeClock,
    code: str,
    status: int,
    message: str,
    error_type: type[AWSError],
) -> None:
    """Each STS error code maps to its error class, with the code, operation and cause."""
    sts.answer = deny(code, status, message)

    with pytest.raises(AWSError) as raised:
        make(base, clock).credentials()

    error = raised.value
    assert error_type is type(error)
    assert (code, "AssumeRole") == (error.code, error.operation)
    assert message in str(error)
    assert ROLE in str(error)
    assert isinstance(error.__cause__, ClientError)


def test_connection_errors_become_aws_errors(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A botocore error that is not a response (no connection) is wrapped too."""

    def unreachable(operation: str, body: dict[str, Any]) -> None:
        raise EndpointConnectionError(endpoint_url="https://sts.eu-west-1.amazonaws.com/")

    sts.answer = unreachable

    with pytest.raises(AWSError) as raised:
        make(base, clock).credentials()

    assert ("EndpointConnectionError", "AssumeRole") == (raised.value.code, raised.value.operation)
    assert isinstance(raised.value.__cause__, EndpointConnectionError)


def test_caller_is_unknown_when_get_caller_identity_fails(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """If GetCallerIdentity fails too, the denial still comes, without a caller ARN."""

    def deny_all(operation: str, body: dict[str, Any]) -> tuple[int, str, str]:
        return 403, "AccessDenied", "denied"

    sts.answer = deny_all

    with pytest.raises(AssumeRoleDenied) as raised:
        make(base, clock).credentials()

    assert raised.value.caller_arn is None
    assert str(raised.value).startswith("STS denied this caller")


# --- role chaining -----------------------------------------------------------------------------


@pytest.fixture
def chained_base(aws: None) -> boto3.Session:
    """A base session that is itself an assumed-role session (role chaining)."""
    response = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn="arn:aws:iam::111122223333:role/VendorWorker", RoleSessionName="worker"
    )
    credentials = response["Credentials"]
    return new_session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def test_role_chaining_caps_the_duration_at_an_hour_with_a_warning(
    chained_base: boto3.Session, clock: FakeClock
) -> None:
    """From an assumed-role base session, 7200 s is lowered to 3600 s with a warning."""
    recorder = StsRecorder(chained_base)
    client = make(chained_base, clock, duration_seconds=7200)

    with pytest.warns(RoleChainingWarning, match="at most 3600 s when role chaining"):
        client.credentials()

    assert 3600 == recorder.bodies()[0]["DurationSeconds"]
    clock.advance(3000)  # past the refresh point of a one-hour credential
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.credentials()
    assert 2 == recorder.count()
    assert 1 == recorder.count("GetCallerIdentity")


def test_role_chaining_with_strict_raises_before_assuming(
    chained_base: boto3.Session, clock: FakeClock
) -> None:
    """With strict=True, role chaining above an hour raises SessionDurationTooLong."""
    recorder = StsRecorder(chained_base)
    client = make(chained_base, clock, duration_seconds=7200, strict=True)

    with pytest.raises(SessionDurationTooLong) as raised:
        client.credentials()

    assert ("ValidationError", "AssumeRole") == (raised.value.code, raised.value.operation)
    assert "role chaining" in str(raised.value)
    assert 0 == recorder.count()


def test_long_durations_from_a_user_are_not_capped(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A base session that is not an assumed role may ask for more than an hour."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make(base, clock, duration_seconds=43200).credentials()

    assert 43200 == sts.bodies()[0]["DurationSeconds"]


def test_durations_up_to_an_hour_need_no_identity_lookup(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Up to 3600 s the chaining cap cannot apply, so GetCallerIdentity is not called."""
    make(base, clock, duration_seconds=3600).credentials()

    assert 0 == sts.count("GetCallerIdentity")


# --- propagation -------------------------------------------------------------------------------


def deny_first(count: int, sts: StsRecorder) -> Answer:
    """An answer refusing the first ``count`` AssumeRole calls, as a new role does."""

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "AssumeRole" and sts.count() <= count:
            return 403, "AccessDenied", "not authorized to perform: sts:AssumeRole"
        return None

    return answer


def test_wait_until_assumable_retries_access_denied(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """wait_until_assumable retries AccessDenied every interval and caches the result."""
    sts.answer = deny_first(3, sts)
    client = make(base, clock)

    credentials = client.wait_until_assumable(60, interval=dt.timedelta(seconds=5))

    assert [5.0, 5.0, 5.0] == clock.slept
    assert 4 == sts.count()
    assert credentials is client.credentials()
    assert 4 == sts.count()


def test_wait_until_assumable_gives_up_after_the_timeout(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """When the role never becomes assumable, the last denial is raised with a note."""
    sts.answer = deny()
    client = make(base, clock)

    with pytest.raises(AssumeRoleDenied) as raised:
        client.wait_until_assumable(dt.timedelta(seconds=10), interval=4)

    assert [4.0, 4.0, 2.0] == clock.slept
    assert 4 == sts.count()
    assert ["still denied after 4 attempt(s) over 10 s (wait_until_assumable timeout 10 s)"] == (
        raised.value.__notes__
    )


def test_wait_until_assumable_raises_other_errors_at_once(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """An error other than AccessDenied is not waited out."""
    sts.answer = deny("ValidationError", 400, "DurationSeconds exceeds the MaxSessionDuration")

    with pytest.raises(SessionDurationTooLong):
        make(base, clock).wait_until_assumable(60)

    assert 1 == sts.count()
    assert [] == clock.slept


def test_propagation_grace_retries_access_denied_until_assumed(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """With propagation_grace, a just-created role's AccessDenied is retried with backoff."""
    sts.answer = deny_first(3, sts)
    client = make(base, clock, propagation_grace=60)

    credentials = client.credentials()

    assert 4 == sts.count()
    assert 3 == len(clock.slept)
    assert all(0 < delay <= 60 for delay in clock.slept)
    assert credentials.access_key_id.startswith("ASIA")


def test_without_propagation_grace_access_denied_is_raised_at_once(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """By default AccessDenied is never retried."""
    sts.answer = deny_first(3, sts)

    with pytest.raises(AssumeRoleDenied):
        make(base, clock).credentials()

    assert 1 == sts.count()
    assert [] == clock.slept


def test_propagation_grace_ends(base: boto3.Session, sts: StsRecorder, clock: FakeClock) -> None:
    """After the grace period the denial is raised; the waits never exceed the grace."""
    sts.answer = deny()

    with pytest.raises(AssumeRoleDenied):
        make(base, clock, propagation_grace=dt.timedelta(seconds=20)).credentials()

    assert 20 == pytest.approx(sum(clock.slept))
    assert sts.count() >= 3


def test_propagation_grace_ends_once_the_role_was_assumed(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A denial after the role was assumed once is not propagation and is not retried."""
    client = make(base, clock, duration_seconds=900, propagation_grace=3600)
    client.credentials()
    sts.answer = deny()
    clock.advance(900)

    with pytest.raises(AssumeRoleDenied):
        client.credentials()

    assert [] == clock.slept


# --- verify ------------------------------------------------------------------------------------

CHECK_NAMES = (
    "assume_with_external_id",
    "caller_identity",
    "assume_without_external_id",
    "assume_with_wrong_external_id",
)


def test_verify_on_plain_moto_reports_a_confused_deputy(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """moto accepts any AssumeRole, so verify() finds the role open to the confused deputy."""
    report = make(base, clock).verify()

    assert isinstance(report, VerificationReport)
    assert CHECK_NAMES == tuple(check.name for check in report.checks)
    assert ("passed", "passed", "failed", "failed") == tuple(c.outcome for c in report.checks)
    assert not report.ok
    assert report.confused_deputy
    with pytest.raises(ConfusedDeputyRisk, match="without an external ID and with a wrong"):
        report.raise_for_status()
    text = str(report)
    assert text.startswith(f"verification of {ROLE}: FAILED: confused deputy risk")
    assert "3. assume the role without an external ID: failed" in text
    assert "STS issued credentials (discarded)" in text


def test_verify_passes_when_the_trust_policy_requires_the_external_id(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A role that denies a missing or wrong external ID passes all four steps."""
    sts.answer = requires_external_id
    client = make(base, clock, tags={"customer": "acme"})

    report = client.verify()

    assert report.ok, str(report)
    assert not report.confused_deputy
    report.raise_for_status()
    assert all(check.passed for check in report.checks)
    assert str(report).startswith(f"verification of {ROLE}: passed")
    bodies = sts.bodies()
    assert [EXTERNAL_ID, None] == [body.get("ExternalId") for body in bodies[:2]]
    assert bodies[2]["ExternalId"] != EXTERNAL_ID
    assert [3600, 900, 900] == [body["DurationSeconds"] for body in bodies]
    assert ["acme", None, None] == [body.get("Tags.member.1.Value") for body in bodies]
    client.credentials()  # the credentials of step 1 are cached
    assert 3 == sts.count()


def test_verify_reports_a_role_that_cannot_be_assumed(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """When step 1 is denied, step 2 is skipped and raise_for_status raises the denial."""
    sts.answer = deny()

    report = make(base, clock).verify()

    assert ("failed", "skipped", "passed", "passed") == tuple(c.outcome for c in report.checks)
    assert not report.ok
    assert not report.confused_deputy
    assert isinstance(report.check("assume_with_external_id").error, AssumeRoleDenied)
    with pytest.raises(AssumeRoleDenied):
        report.raise_for_status()
    assert "AccessDenied: STS denied" in report.check("assume_with_external_id").observed


def test_verify_reports_unexpected_identity(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Credentials that belong to someone else fail step 2."""
    client = make(base, clock)
    sts.answer = requires_external_id
    other = "arn:aws:sts::999999999999:assumed-role/Other/x"

    def identity(**kwargs: Any) -> Any:
        if kwargs["model"].name == "GetCallerIdentity":
            parsed = {
                "Arn": other,
                "Account": "999999999999",
                "UserId": "AROA:x",
                "ResponseMetadata": {"HTTPStatusCode": 200},
            }
            return AWSResponse(kwargs["params"]["url"], 200, HTTPHeaders(), None), parsed
        return None

    base.events.register_first("before-call.sts.GetCallerIdentity", identity)
    report = client.verify()

    check = report.check("caller_identity")
    assert ("failed", other) == (check.outcome, check.observed)
    with pytest.raises(AWSError) as raised:
        report.raise_for_status()
    assert ("UnexpectedIdentity", "GetCallerIdentity") == (
        raised.value.code,
        raised.value.operation,
    )


def test_verify_reports_a_failed_identity_call(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A failing GetCallerIdentity with the new credentials fails step 2 with its error."""

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "GetCallerIdentity":
            return 403, "InvalidClientTokenId", "The security token is invalid"
        return requires_external_id(operation, body)

    sts.answer = answer

    report = make(base, clock).verify()

    check = report.check("caller_identity")
    assert "failed" == check.outcome
    assert isinstance(check.error, AWSError)
    assert "InvalidClientTokenId" == check.error.code
    with pytest.raises(AWSError, match="InvalidClientTokenId"):
        report.raise_for_status()


def test_verify_reports_an_inconclusive_probe(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A probe that fails with another error than AccessDenied fails verification."""

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "AssumeRole" and "ExternalId" not in body:
            return 400, "Throttling", "Rate exceeded"
        return requires_external_id(operation, body)

    sts.answer = answer

    report = make(base, clock).verify()

    check = report.check("assume_without_external_id")
    assert ("failed", False) == (check.outcome, check.confused_deputy)
    assert "could not be checked" in check.observed
    assert not report.ok
    with pytest.raises(AWSError, match="Throttling"):
        report.raise_for_status()


def test_verify_needs_an_external_id(base: boto3.Session, clock: FakeClock) -> None:
    """verify() refuses a client without an external ID."""
    with pytest.raises(ValidationError) as raised:
        make(base, clock, external_id=None).verify()

    assert "external_id" == raised.value.field


def test_report_lookup_of_an_unknown_step_is_a_key_error() -> None:
    """VerificationReport.check raises KeyError for a step it does not have."""
    report = VerificationReport(
        role_arn=ROLE,
        checks=(VerificationCheck("caller_identity", "skipped", "x", "y"),),
    )

    with pytest.raises(KeyError):
        report.check("assume_with_external_id")
    assert "check who the new credentials are (GetCallerIdentity)" == report.checks[0].title


# --- secrets -----------------------------------------------------------------------------------


def _assert_no_secret(texts: list[str], secrets: list[str]) -> None:
    assert secrets
    leaks = [
        (secret[:6], text[:120])
        for text in texts
        for secret in secrets
        if secret and secret in text
    ]
    assert [] == leaks


def test_no_secret_or_token_in_any_log_record_repr_str_or_error(
    base: boto3.Session,
    sts: StsRecorder,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """At DEBUG, across assume, use, refresh, failures and verify, no secret is ever output."""
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        client = make(base, clock, duration_seconds=900, tags={"customer": "acme"})
        credentials = client.credentials()
        texts += [repr(credentials), str(credentials), repr(client)]
        session = client.session()
        session.client("sts").get_caller_identity()
        session.client("s3").list_buckets()
        frozen = session.get_credentials()
        texts.append(repr(frozen))
        clock.advance(650)
        sts.answer = deny("ServiceUnavailable", 503, "try later")
        client.credentials()
        clock.advance(300)
        for call in (client.credentials, client.verify):
            try:
                call()
            except XAccessError as error:
                texts += [str(error), repr(error), str(error.__cause__)]
        sts.answer = None
        report = client.verify()  # plain moto: the probes get credentials, which are dropped
        texts += [str(report), repr(report)]
        with pytest.raises(ConfusedDeputyRisk) as raised:
            report.raise_for_status()
        texts.append(str(raised.value))

    texts += [record.getMessage() for record in caplog.records]
    texts += [caplog.text]
    assert any(record.name.startswith("botocore") for record in caplog.records)
    assert len(sts.issued) >= 8  # 2 + verify's step 1 and two probes, secret and token each
    _assert_no_secret(texts, [*sts.issued, BASE_SECRET])


# --- over HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def moto_server(aws_env: None) -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_over_http_with_a_threaded_moto_server(
    moto_server: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Against a moto server on 127.0.0.1, credentials, sessions and logs behave the same."""
    base = new_session(region_name=REGION)
    recorder = StsRecorder(base)
    client = make(base, clock, duration_seconds=900, sts_endpoint_url=moto_server)

    with caplog.at_level(logging.DEBUG):
        arns = {
            client.client("sts", endpoint_url=moto_server).get_caller_identity()["Arn"]
            for _ in range(5)
        }
        client.credentials()

    assert {f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/AcmeAudit/{SESSION_NAME}"} == arns
    assert 1 == recorder.count()
    assert recorder.calls[0].url.startswith(moto_server)
    _assert_no_secret([r.getMessage() for r in caplog.records], recorder.issued)


# --- details -----------------------------------------------------------------------------------


def _response(expiration: object) -> Any:
    return {
        "Credentials": {
            "AccessKeyId": "ASIAEXAMPLE",
            "SecretAccessKey": "secret",
            "SessionToken": "token",
            "Expiration": expiration,
        },
        "AssumedRoleUser": {
            "Arn": f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/R/s",
            "AssumedRoleId": "AROA:s",
        },
        "SourceIdentity": "alice",
        "PackedPolicySize": 7,
    }


def test_temporary_credentials_read_every_field_of_the_response() -> None:
    """A naive Expiration is read as UTC; source identity and packed size are kept."""
    credentials = TemporaryCredentials.from_response(_response(dt.datetime(2030, 1, 1, 12)))  # noqa: DTZ001

    assert dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC) == credentials.expiration
    assert ("alice", 7) == (credentials.source_identity, credentials.packed_policy_size)
    other_zone = dt.datetime(2030, 1, 1, 13, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert (
        credentials.expiration
        == TemporaryCredentials.from_response(_response(other_zone)).expiration
    )


def test_an_expiration_that_is_not_a_timestamp_is_an_aws_error() -> None:
    """A malformed STS response is reported as such, not as a TypeError later."""
    with pytest.raises(AWSError) as raised:
        TemporaryCredentials.from_response(_response("tomorrow"))

    assert "InvalidResponse" == raised.value.code


@pytest.mark.parametrize(
    ("region", "accepted"), [("eu-future-9", True), ("cn-future-9", False), ("zz-moon-1", True)]
)
def test_regions_botocore_does_not_list_yet_are_matched_by_partition_pattern(
    base: boto3.Session, clock: FakeClock, region: str, accepted: bool
) -> None:
    """A new region is placed in its partition by the partition's region pattern."""
    if accepted:
        make(base, clock, region_name=region)
    else:
        with pytest.raises(ValidationError, match="partition 'aws-cn'"):
            make(base, clock, region_name=region)


def test_global_endpoint_needs_no_region(
    aws: None, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    """With use_global_endpoint, a base session without a region is fine (us-east-1 signs)."""
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    base = new_session()
    recorder = StsRecorder(base)
    client = make(base, clock, use_global_endpoint=True)

    assert "https://sts.amazonaws.com/" == _url_of_first_call(client, recorder)
    assert "us-east-1" == client.session().region_name


def test_access_denied_without_a_message(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A denial with an empty message still lists the likely causes."""

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        return (403, "AccessDenied", "") if operation == "AssumeRole" else None

    sts.answer = answer

    with pytest.raises(AssumeRoleDenied) as raised:
        make(base, clock).credentials()

    assert str(raised.value).splitlines()[1] == "Likely causes, most likely first:"


# --- regressions -------------------------------------------------------------------------------


class _RawBody:
    """The raw HTTP body of an :class:`AWSResponse` made up in a test."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def test_no_secret_in_the_error_or_logs_when_a_response_cannot_be_parsed(
    base: boto3.Session, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A cut-off AssumeRole response: its secret and token are in no error text or log record."""
    secret, token = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYTRUNCATED", "IQoJb3JpZ2luX2VjTRUNCATED+/="
    body = (
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
        f"<Credentials><AccessKeyId>ASIATRUNCATED</AccessKeyId><SecretAccessKey>{secret}"
        f"</SecretAccessKey><SessionToken>{token}"
    ).encode()

    def cut_off(request: Any, **_: Any) -> Any:
        return AWSResponse(request.url, 200, HTTPHeaders(), _RawBody(body))

    base.events.register("before-send.sts.AssumeRole", cut_off)
    with caplog.at_level(logging.DEBUG), pytest.raises(AWSError) as raised:
        make(base, clock).credentials()

    assert "ResponseParserError" == raised.value.code
    texts = [
        "".join(traceback.format_exception(raised.value)),
        repr(raised.value.__cause__),
        caplog.text,
        *(record.getMessage() for record in caplog.records),
    ]
    _assert_no_secret(texts, [secret, token])


def test_role_chaining_is_detected_after_a_failed_identity_lookup(
    chained_base: boto3.Session, clock: FakeClock
) -> None:
    """A GetCallerIdentity that failed once does not turn off the one-hour cap for good."""
    recorder = StsRecorder(chained_base)

    def sts_like(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "GetCallerIdentity" and recorder.count("GetCallerIdentity") == 1:
            return 503, "ServiceUnavailable", "try later"
        if operation == "AssumeRole" and body["DurationSeconds"] > 3600:
            return 400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour limit"
        return None

    recorder.answer = sts_like
    client = make(chained_base, clock, duration_seconds=7200)

    with pytest.raises(SessionDurationTooLong):
        client.credentials()
    with pytest.warns(RoleChainingWarning):
        client.credentials()

    assert [7200, 3600] == [body["DurationSeconds"] for body in recorder.bodies()]


def test_base_credentials_that_call_back_into_the_client_raise_instead_of_hanging(
    base: boto3.Session, clock: FakeClock
) -> None:
    """A base credential provider that needs this client's own credentials is an error."""
    clients: list[AssumeRoleClient] = []

    def refresh() -> dict[str, str]:
        clients[0].credentials()  # never returns: the cycle is refused
        raise AssertionError

    expired = botocore.credentials.RefreshableCredentials.create_from_metadata(
        {
            "access_key": BASE_KEY_ID,
            "secret_key": BASE_SECRET,
            "token": "",
            "expiry_time": "2000-01-01T00:00:00Z",
        },
        refresh,
        "callback",
    )
    base._session._credentials = expired  # type: ignore[attr-defined]
    clients.append(make(base, clock))
    results: list[object] = []

    def run() -> None:
        try:
            results.append(clients[0].credentials())
        except XAccessError as error:
            results.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(30)

    assert not thread.is_alive(), "credentials() deadlocked"
    assert 1 == len(results)
    assert isinstance(results[0], XAccessError)
    assert "own credentials" in str(results[0])


def test_verify_does_not_cache_credentials_of_an_unexpected_identity(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Credentials that GetCallerIdentity says belong to someone else are never served."""
    client = make(base, clock)
    sts.answer = requires_external_id

    def other_identity(**kwargs: Any) -> Any:
        parsed = {
            "Arn": "arn:aws:sts::999999999999:assumed-role/Other/x",
            "Account": "999999999999",
            "UserId": "AROA:x",
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }
        return AWSResponse(kwargs["params"]["url"], 200, HTTPHeaders(), None), parsed

    base.events.register_first("before-call.sts.GetCallerIdentity", other_identity)
    report = client.verify()
    issued = sts.count()
    client.credentials()

    assert "failed" == report.check("caller_identity").outcome
    assert issued + 1 == sts.count()
