"""Who is calling: the credentials AWS refuses that moto lets through, and deleted callers."""

from __future__ import annotations

import json

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.testing.helpers import (
    CUSTOMER,
    ROLE_ARN,
    ROLE_NAME,
    Aws,
    any_caller_of,
    default_session,
    delete_role,
    denied_message,
    error_of,
    session_of,
    trust_policy,
)
from xaccess.testing import StrictSTS, strict_sts


def test_an_unsigned_request_is_refused(in_process: Aws) -> None:
    """An unsigned request is not moto's default identity: STS asks for a signature."""
    # In-process only: a moto server cannot tell that an unsigned request is meant for STS.
    in_process.create_role(any_caller_of(CUSTOMER))
    unsigned = default_session().client(
        "sts", region_name="us-east-1", config=Config(signature_version=UNSIGNED)
    )
    with strict_sts() as strict, pytest.raises(ClientError) as excinfo:
        unsigned.assume_role(RoleArn=ROLE_ARN, RoleSessionName="anonymous")
    expected = ("MissingAuthenticationToken", 403, "Request is missing Authentication Token")
    assert expected == error_of(excinfo)
    assert ("", None) == (strict.attempts[-1].caller_arn, strict.attempts[-1].denied_action)


def test_an_inactive_access_key_is_refused(aws: Aws, strict: StrictSTS) -> None:
    """An IAM user's deactivated access key no longer authenticates anything."""
    alice = f"arn:aws:iam::{CUSTOMER}:user/alice"
    aws.create_role(trust_policy(alice, external_id=None))
    session = aws.act_as(alice)
    aws.assume(session)
    credentials = session.get_credentials()
    assert credentials is not None
    aws.iam().update_access_key(
        UserName="alice", AccessKeyId=credentials.access_key, Status="Inactive"
    )
    with pytest.raises(ClientError) as excinfo:
        aws.assume(session)
    message = "The security token included in the request is invalid."
    assert ("InvalidClientTokenId", 403, message) == error_of(excinfo)


def test_a_user_deleted_and_created_again_is_neither_signer_nor_trusted(
    aws: Aws, strict: StrictSTS
) -> None:
    """A deleted user's key (moto keeps it) is invalid; a new user of that name is not trusted."""
    alice = f"arn:aws:iam::{CUSTOMER}:user/alice"
    aws.create_role(trust_policy(alice, external_id=None))
    old = aws.act_as(alice, policies={})
    aws.assume(old)
    aws.iam().delete_user(UserName="alice")
    with pytest.raises(ClientError) as excinfo:
        aws.assume(old)
    message = "The security token included in the request is invalid."
    assert ("InvalidClientTokenId", 403, message) == error_of(excinfo)
    assert "user was deleted" in strict.attempts[-1].reason

    with pytest.raises(ClientError) as excinfo:
        aws.assume(aws.act_as(alice, policies={}))
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]


def test_credentials_of_another_partition_are_refused(in_process: Aws) -> None:
    """A session issued in aws-cn is not a credential in aws (nor moto's default identity)."""
    china_iam = default_session().client("iam", region_name="cn-north-1")
    china_iam.create_role(
        RoleName="Hub",
        AssumeRolePolicyDocument=json.dumps(trust_policy("*", external_id=None)),
    )
    in_process.create_role(any_caller_of(CUSTOMER))
    china_sts = default_session().client("sts", region_name="cn-north-1")
    with strict_sts() as strict:
        china = china_sts.assume_role(
            RoleArn=f"arn:aws-cn:iam::{CUSTOMER}:role/Hub", RoleSessionName="cn"
        )
        with pytest.raises(ClientError) as excinfo:
            in_process.assume(session_of(china))
    assert ("InvalidClientTokenId", 403) == error_of(excinfo)[:2]
    assert "another partition" in strict.attempts[-1].reason


def test_a_role_in_another_partition_is_not_found(in_process: Aws) -> None:
    """STS in one partition does not assume a role of another, whatever its trust policy."""
    china_iam = default_session().client("iam", region_name="cn-north-1")
    china_iam.create_role(
        RoleName=ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps(trust_policy("*", external_id=None)),
    )
    china_role = f"arn:aws-cn:iam::{CUSTOMER}:role/{ROLE_NAME}"
    with strict_sts() as strict, pytest.raises(ClientError) as excinfo:
        in_process.assume(role_arn=china_role)
    caller = f"arn:aws:iam::{CUSTOMER}:user/moto"
    assert ("AccessDenied", 403, denied_message(caller, china_role)) == error_of(excinfo)
    assert "partition" in strict.attempts[-1].reason


def test_a_session_of_a_deleted_role_is_refused(aws: Aws, strict: StrictSTS) -> None:
    """Once its role is deleted a session has no permissions, even if the role comes back."""
    worker = f"arn:aws:iam::{CUSTOMER}:role/Worker"
    named = aws.act_as(worker, policies={})
    aws.create_role(trust_policy(worker, external_id=None))
    old = aws.act_as(worker)
    aws.create_role(any_caller_of(CUSTOMER), name="Open")
    open_arn = f"arn:aws:iam::{CUSTOMER}:role/Open"
    aws.assume(old, role_arn=open_arn)
    delete_role(aws.iam(), "Worker")

    for session, role_arn in ((named, ROLE_ARN), (old, open_arn)):
        with pytest.raises(ClientError) as excinfo:
            aws.assume(session, role_arn=role_arn)
        assert ("AccessDenied", 403) == error_of(excinfo)[:2]
        assert "no longer exists" in strict.attempts[-1].reason

    new = aws.act_as(worker)  # the role again, as a new role
    with pytest.raises(ClientError):
        aws.assume(old, role_arn=open_arn)
    assert "created again" in strict.attempts[-1].reason
    aws.assume(new, role_arn=open_arn)
