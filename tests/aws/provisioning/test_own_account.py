"""third_party=True: create, plan and apply refuse a trust policy naming the role's own account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import pytest

from tests.provisioning_support import (
    ACCOUNT,
    EXTERNAL_ID,
    NO_WAIT,
    VENDOR,
    CallRecorder,
    iam_client,
    trust_policy,
)
from xaccess.aws.provisioning import apply, create, plan
from xaccess.aws.provisioning.own_account import client_account
from xaccess.aws.provisioning.reads import IAMReader
from xaccess.errors import AWSError, ProvisioningError, ValidationError
from xaccess.policy import PolicyDocument
from xaccess.rolespec import RoleSpec

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

NAME: Final = "ThirdParty"


def _trust(principal: str, **condition: Any) -> PolicyDocument:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
    }
    for operator, pair in condition.items():
        statement["Condition"][operator] = dict([pair])
    return PolicyDocument.from_dict({"Version": "2012-10-17", "Statement": [statement]})


def _spec(trust: PolicyDocument) -> RoleSpec:
    return RoleSpec(role_name=NAME, trust_policy=trust)


OWN_ACCOUNT_TRUSTS: Final = {
    "account ID": _trust(ACCOUNT),
    "root ARN": _trust(f"arn:aws:iam::{ACCOUNT}:root"),
    "role ARN": _trust(f"arn:aws:iam::{ACCOUNT}:role/Scanner"),
    "user ARN": _trust(f"arn:aws:iam::{ACCOUNT}:user/alice"),
    "aws:PrincipalAccount": _trust("*", StringEquals=("aws:PrincipalAccount", ACCOUNT)),
    "aws:PrincipalArn": _trust(
        f"arn:aws:iam::{VENDOR}:root",
        ArnLike=("aws:PrincipalArn", "arn:aws:iam::*:role/Scanner"),
    ),
}


@pytest.mark.parametrize("trust", OWN_ACCOUNT_TRUSTS.values(), ids=OWN_ACCOUNT_TRUSTS.keys())
@pytest.mark.parametrize("operation", [create, plan, apply], ids=["create", "plan", "apply"])
def test_a_trust_policy_naming_the_own_account_is_refused_before_any_iam_call(
    iam: IAMClient, recorder: CallRecorder, trust: PolicyDocument, operation: Any
) -> None:
    """An account ID, root/role/user ARN or account condition naming the IAM client's account
    is a ValidationError on spec.trust_policy; IAM is never called."""
    with pytest.raises(ValidationError) as caught:
        operation(iam, _spec(trust), third_party=True, retry=NO_WAIT)

    assert "spec.trust_policy" == caught.value.field
    assert ACCOUNT in str(caught.value)
    assert [] == recorder.calls


@pytest.mark.parametrize("operation", [create, apply], ids=["create", "apply"])
def test_a_vendor_trust_policy_is_provisioned_as_a_third_party_role(
    iam: IAMClient, operation: Any
) -> None:
    """A trust policy naming only another account passes, also with a negated account
    condition that excludes the own account."""
    trust = _trust(f"arn:aws:iam::{VENDOR}:root", StringNotEquals=("aws:PrincipalAccount", ACCOUNT))

    result = operation(iam, _spec(trust), third_party=True, retry=NO_WAIT)

    assert result.created
    assert plan(iam, _spec(trust), third_party=True, retry=NO_WAIT).is_empty


def test_without_third_party_the_own_account_may_be_trusted(iam: IAMClient) -> None:
    """The check is opt-in: by default a role may trust its own account, as before."""
    result = create(iam, _spec(OWN_ACCOUNT_TRUSTS["root ARN"]), retry=NO_WAIT)

    assert result.created


@pytest.mark.parametrize("value", [1, "true", None])
def test_third_party_must_be_a_bool(iam: IAMClient, recorder: CallRecorder, value: Any) -> None:
    """third_party=1 or "true" is a ValidationError naming the field, before any call."""
    with pytest.raises(ValidationError) as caught:
        apply(iam, _spec(trust_policy(EXTERNAL_ID)), third_party=value)

    assert "third_party" == caught.value.field
    assert [] == recorder.calls


def test_a_failing_caller_identity_is_a_provisioning_error(
    iam: IAMClient, recorder: CallRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When STS cannot say which account the client is in, nothing is changed and the error
    names the step; plan raises the AWSError itself."""
    sts_calls: list[str] = []

    def deny(*_: Any) -> str:
        sts_calls.append("GetCallerIdentity")
        raise AWSError("denied", code="AccessDenied", operation="GetCallerIdentity")

    monkeypatch.setattr("xaccess.aws.provisioning.own_account._caller_account", deny)
    with pytest.raises(ProvisioningError) as caught:
        create(iam, _spec(trust_policy(EXTERNAL_ID)), third_party=True, retry=NO_WAIT)
    with pytest.raises(AWSError) as planned:
        plan(iam, _spec(trust_policy(EXTERNAL_ID)), third_party=True, retry=NO_WAIT)

    assert "find the account of the IAM client" == caught.value.step
    assert "Nothing was changed" in str(caught.value)
    assert "AccessDenied" == planned.value.code
    assert [] == recorder.calls
    assert 2 == len(sts_calls)


def test_an_answer_that_is_not_an_account_id_is_refused(
    iam: IAMClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GetCallerIdentity answer without a 12-digit account is an AWSError, not a guess."""
    monkeypatch.setattr(
        "xaccess.aws.provisioning.own_account._caller_account", lambda _iam: "not-an-account"
    )

    with pytest.raises(AWSError) as caught:
        client_account(IAMReader(iam, NO_WAIT))

    assert ("InvalidResponse", "GetCallerIdentity") == (caught.value.code, caught.value.operation)


def test_over_http_the_sts_call_goes_to_the_iam_endpoint(moto_endpoint: str) -> None:
    """An IAM client with a custom endpoint (moto server) finds its account there."""
    client = iam_client(endpoint_url=moto_endpoint)

    assert ACCOUNT == client_account(IAMReader(client, NO_WAIT))
    with pytest.raises(ValidationError):
        create(client, _spec(OWN_ACCOUNT_TRUSTS["role ARN"]), third_party=True, retry=NO_WAIT)


def test_aws_endpoint_url_from_the_environment_is_used_for_sts(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With AWS_ENDPOINT_URL set (and no endpoint given to the client), STS goes there too."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    import boto3  # noqa: PLC0415 - a client that reads the environment

    client = boto3.Session().client("iam")

    assert moto_endpoint == client.meta.endpoint_url
    assert ACCOUNT == client_account(IAMReader(client, NO_WAIT))
