"""Shared helpers of the strict STS tests: accounts, the ``Aws`` driver, trust policies."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs
import boto3

from xaccess.testing import session_for
from xaccess.testing._sessions import quick_session

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import pytest
    from botocore.exceptions import ClientError
    from mypy_boto3_iam.client import IAMClient
    from mypy_boto3_sts.client import STSClient
    from mypy_boto3_sts.type_defs import AssumeRoleResponseTypeDef


CUSTOMER = "123456789012"  # moto's default account
VENDOR = "111122223333"
OTHER = "444455556666"
VENDOR_ROLE = f"arn:aws:iam::{VENDOR}:role/VendorWorker"
EXTERNAL_ID = "3f1c9a7e5b2d4c6e8f0a1b3c5d7e9f1a"
ROLE_NAME = "AcmeAuditAccess"
ROLE_ARN = f"arn:aws:iam::{CUSTOMER}:role/{ROLE_NAME}"
READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


@attrs.frozen
class Aws:
    """moto in one mode: ``endpoint_url`` is None in-process and the server's URL otherwise."""

    endpoint_url: str | None

    def sts(self, session: boto3.Session | None = None) -> STSClient:
        return (session or default_session()).client(
            "sts", region_name="us-east-1", endpoint_url=self.endpoint_url
        )

    def iam(self) -> IAMClient:
        return default_session().client(
            "iam", region_name="us-east-1", endpoint_url=self.endpoint_url
        )

    def create_role(
        self,
        trust: Mapping[str, Any],
        *,
        name: str = ROLE_NAME,
        max_session_duration: int = 3600,
    ) -> str:
        """Create a role in the customer (default) account and return its ARN."""
        return self.iam().create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(trust),
            MaxSessionDuration=max_session_duration,
        )["Role"]["Arn"]

    def act_as(self, principal_arn: str, **kwargs: Any) -> boto3.Session:
        return session_for(principal_arn, endpoint_url=self.endpoint_url, **kwargs)

    def assume(
        self, session: boto3.Session | None = None, role_arn: str = ROLE_ARN, **kwargs: Any
    ) -> AssumeRoleResponseTypeDef:
        kwargs.setdefault("RoleSessionName", "acme-audit")
        return self.sts(session).assume_role(RoleArn=role_arn, **kwargs)


def default_session() -> boto3.Session:
    """The default session (default credentials), sharing the strict STS's model loader."""
    if boto3.DEFAULT_SESSION is None:
        boto3.DEFAULT_SESSION = quick_session(boto3.Session)
    return boto3.DEFAULT_SESSION


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    """The code, HTTP status and message of a ClientError."""
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def session_of(response: AssumeRoleResponseTypeDef) -> boto3.Session:
    """A session with the credentials an AssumeRole returned."""
    credentials = response["Credentials"]
    return quick_session(
        boto3.Session,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def denied_message(caller: str, role_arn: str = ROLE_ARN, action: str = "sts:AssumeRole") -> str:
    """The message of an AccessDenied as STS words it."""
    return f"User: {caller} is not authorized to perform: {action} on resource: {role_arn}"


def trust_policy(
    principal: str | Sequence[str] = f"arn:aws:iam::{VENDOR}:root",
    *,
    external_id: str | None = EXTERNAL_ID,
    actions: Sequence[str] = ("sts:AssumeRole",),
    conditions: Mapping[str, Mapping[str, Any]] | None = None,
    extra: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """A trust policy allowing ``principal``, requiring ``external_id`` when given."""
    condition: dict[str, Any] = {key: dict(value) for key, value in (conditions or {}).items()}
    if external_id is not None:
        condition.setdefault("StringEquals", {})["sts:ExternalId"] = external_id
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal if isinstance(principal, str) else list(principal)},
        "Action": list(actions),
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement, *extra]}


def delete_role(iam: IAMClient, name: str) -> None:
    """Delete a role and its inline policies, as IAM requires."""
    for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
    iam.delete_role(RoleName=name)


def any_caller_of(account: str) -> dict[str, Any]:
    """A trust policy for every principal of one account (no identity policy needed in it)."""
    return trust_policy(
        "*", external_id=None, conditions={"StringEquals": {"aws:PrincipalAccount": account}}
    )
