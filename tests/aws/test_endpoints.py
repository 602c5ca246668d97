"""Tests for xaccess.aws._endpoints through AssumeRoleClient: which STS endpoint and region."""

from __future__ import annotations

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
from xaccess.errors import (
    AssumeRoleDenied,
    ValidationError,
)

if TYPE_CHECKING:
    import boto3

    from tests.support import FakeClock
    from xaccess.aws.assume import (
        AssumeRoleClient,
    )


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
