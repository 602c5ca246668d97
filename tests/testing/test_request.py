"""How the strict STS reads AssumeRole requests and checks them against the STS API model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.testing.helpers import (
    CUSTOMER,
    ROLE_ARN,
    ROLE_NAME,
    Aws,
    default_session,
    denied_message,
    error_of,
    trust_policy,
)
from xaccess.testing import StrictSTS, strict_sts
from xaccess.testing._request import AssumeRoleRequest

if TYPE_CHECKING:
    from collections.abc import Mapping


# --- request validation ----------------------------------------------------------------------


def test_invalid_parameters_are_validation_errors(aws: Aws, strict: StrictSTS) -> None:
    """Values the STS API model forbids are refused before anything else, as STS does."""
    aws.create_role(trust_policy())
    with pytest.raises(ClientError) as excinfo:
        aws.assume(ExternalId="has space", DurationSeconds=43201)
    message = (
        "2 validation errors detected: Value 'has space' at 'externalId' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: [\w+=,.@:/-]*; "
        "Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have "
        "value less than or equal to 43200"
    )
    assert ("ValidationError", 400, message) == error_of(excinfo)


def test_a_role_arn_that_is_not_a_role_is_a_validation_error(aws: Aws, strict: StrictSTS) -> None:
    """A RoleArn that is not an IAM role ARN gives ValidationError."""
    with pytest.raises(ClientError) as excinfo:
        aws.assume(role_arn=f"arn:aws:iam::{CUSTOMER}:user/alice")
    assert ("ValidationError", 400, "Request ARN is invalid") == error_of(excinfo)


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("roleArn", "arn:aws:iam::1:r", "have length greater than or equal to 20"),
        ("roleSessionName", "x", "have length greater than or equal to 2"),
        ("roleSessionName", "x" * 65, "have length less than or equal to 64"),
        ("externalId", "é" * 3, r"satisfy regular expression pattern: [\w+=,.@:/-]*"),
        ("sourceIdentity", "a b", r"satisfy regular expression pattern: [\w+=,.@-]*"),
        ("durationSeconds", 899, "have value greater than or equal to 900"),
    ],
)
def test_parameter_constraints(
    in_process: Aws, field: str, value: str | int, constraint: str
) -> None:
    """Each model constraint is checked server-side even when the client does not check it."""
    parameters: dict[str, Any] = {
        "roleArn": {"role_arn": value},
        "roleSessionName": {"RoleSessionName": value},
        "externalId": {"ExternalId": value},
        "sourceIdentity": {"SourceIdentity": value},
        "durationSeconds": {"DurationSeconds": value},
    }[field]
    sts = default_session().client(
        "sts", region_name="us-east-1", config=Config(parameter_validation=False)
    )
    role_arn = parameters.pop("role_arn", ROLE_ARN)
    parameters.setdefault("RoleSessionName", "valid-name")
    with strict_sts(), pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, **parameters)
    message = (
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
        f"constraint: Member must {constraint}"
    )
    assert ("ValidationError", 400, message) == error_of(excinfo)


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (
            [{"Key": "team", "Value": "a"}, {"Key": "Team", "Value": "b"}],
            (
                "1 validation error detected: Duplicate tag keys found. Please note that Tag keys "
                "are case insensitive."
            ),
        ),
        (
            [{"Key": f"k{index}", "Value": "v"} for index in range(51)],
            (
                "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member "
                "must have length less than or equal to 50"
            ),
        ),
    ],
)
def test_session_tag_constraints(in_process: Aws, tags: list[Any], message: str) -> None:
    """Duplicate (ignoring case) and too many session tags are ValidationErrors."""
    sts = default_session().client(
        "sts", region_name="us-east-1", config=Config(parameter_validation=False)
    )
    with strict_sts(), pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="s1", Tags=tags)
    assert ("ValidationError", 400, message) == error_of(excinfo)


@pytest.mark.parametrize(
    "role_arn",
    [
        f"arn:aws-foo:iam::{CUSTOMER}:role/{ROLE_NAME}",
        f"arn:aws:iam::987654321098:role/{ROLE_NAME}",
        f"arn:aws:iam::{CUSTOMER}:role/other/{ROLE_NAME}",
    ],
    ids=["unknown-partition", "unknown-account", "other-path"],
)
def test_roles_that_do_not_exist(in_process: Aws, role_arn: str) -> None:
    """Unknown partitions, accounts never used and other paths name no role."""
    in_process.create_role(trust_policy(f"arn:aws:iam::{CUSTOMER}:root", external_id=None))
    with strict_sts(), pytest.raises(ClientError) as excinfo:
        in_process.assume(role_arn=role_arn)
    caller = f"arn:aws:iam::{CUSTOMER}:user/moto"
    assert ("AccessDenied", 403, denied_message(caller, role_arn)) == error_of(excinfo)


class _FakeResponse:
    """The attributes of moto's response handler that the strict STS reads."""

    current_account = CUSTOMER
    partition = "aws"
    region = "eu-west-1"
    querystring: Mapping[str, list[str]] = {
        "Action": ["AssumeRole"],
        "RoleArn": [ROLE_ARN],
        "RoleSessionName": ["s1"],
        "ExternalId": ["e1"],
        "DurationSeconds": ["1800"],
        "SourceIdentity": ["alice"],
        "Policy": ["{}"],
        "Tags.member.2.Key": ["b"],
        "Tags.member.2.Value": ["2"],
        "Tags.member.1.Key": ["a"],
        "Tags.member.1.Value": ["1"],
        "TransitiveTagKeys.member.1": ["a"],
        "PolicyArns.member.1.arn": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    }

    def get_access_key(self) -> str:
        return "AKIAEXAMPLE"


class _BareResponse(_FakeResponse):
    querystring: Mapping[str, list[str]] = {"RoleArn": [ROLE_ARN], "RoleSessionName": ["s1"]}


def test_absent_query_parameters_stay_absent() -> None:
    """Optional parameters missing from the query string are None or empty."""
    request = AssumeRoleRequest.from_response(_BareResponse())
    assert (None, None, None, (), (), ()) == (
        request.external_id,
        request.duration_seconds,
        request.source_identity,
        request.tags,
        request.transitive_tag_keys,
        request.policy_arns,
    )


def test_query_parameters_are_read_without_moto_parsing() -> None:
    """Without moto's parsed parameters, the query string is read (tags in member order)."""
    request = AssumeRoleRequest.from_response(_FakeResponse())
    assert (
        ROLE_ARN,
        "s1",
        "e1",
        1800,
        "alice",
        (("a", "1"), ("b", "2")),
        ("a",),
        ("arn:aws:iam::aws:policy/ReadOnlyAccess",),
        "eu-west-1",
    ) == (
        request.role_arn,
        request.session_name,
        request.external_id,
        request.duration_seconds,
        request.source_identity,
        request.tags,
        request.transitive_tag_keys,
        request.policy_arns,
        request.region,
    )


def test_a_presigned_request_is_read_as_signed() -> None:
    """A presigned request carries its access key in X-Amz-Credential; none at all is unsigned."""

    class Presigned(_BareResponse):
        headers: Mapping[str, str] = {}
        querystring: Mapping[str, list[str]] = {
            **_BareResponse.querystring,
            "X-Amz-Credential": ["ASIAEXAMPLEKEY/20260101/us-east-1/sts/aws4_request"],
        }

    class Unsigned(_BareResponse):
        headers: Mapping[str, str] = {}

    assert "ASIAEXAMPLEKEY" == AssumeRoleRequest.from_response(Presigned()).access_key
    assert AssumeRoleRequest.from_response(Unsigned()).access_key is None
