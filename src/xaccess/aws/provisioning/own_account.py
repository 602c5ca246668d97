"""Third-party roles: refuse a trust policy that trusts the role's own account.

A role for a third party must trust another account. With ``third_party=True``,
:func:`~xaccess.aws.provisioning.create`, :func:`~xaccess.aws.provisioning.plan` and
:func:`~xaccess.aws.provisioning.apply` first ask STS (``GetCallerIdentity``, with the IAM
client's credentials, region and endpoint) which account the IAM client works in; the role is
made there. A trust policy whose ``Allow`` statements name that account is then refused with
:class:`~xaccess.errors.ValidationError` before any IAM call: as an account ID, a root, role,
user or assumed-role ARN in ``Principal``, or as a value of an ``aws:PrincipalAccount`` or
``aws:PrincipalArn`` condition with a positive operator (wildcards in condition values are
matched; ``StringNotEquals`` and the other negated operators only exclude, so they are not).
``Principal: "*"`` names no account and is judged by its conditions alone.
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import boto3

from xaccess.aws.provisioning._failures import failure
from xaccess.errors import AWSError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_iam import IAMClient

    from xaccess.aws.provisioning.reads import IAMReader
    from xaccess.policy import PolicyDocument, Statement
    from xaccess.rolespec import RoleSpec

__all__ = ["client_account", "refuse_own_account", "refuse_own_account_trust"]

#: Hosts of AWS's own endpoints; any other IAM endpoint (moto, LocalStack) serves STS too.
_AWS_HOSTS: Final = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")
_ACCOUNT_KEYS: Final = ("aws:principalaccount", "aws:principalarn")
_ACCOUNT_ID_LENGTH: Final = 12


def _sts_endpoint(iam: IAMClient) -> str | None:
    """The IAM client's endpoint if it is not AWS's own, else None (STS resolves its own)."""
    host = urlsplit(iam.meta.endpoint_url).hostname or ""
    return None if host.endswith(_AWS_HOSTS) else iam.meta.endpoint_url


def _caller_account(iam: IAMClient) -> str:
    """GetCallerIdentity with the IAM client's credentials, region, endpoint and config."""
    # botocore has no public way to read a client's credentials; _get_credentials is the
    # accessor botocore itself offers (the credentials never leave this function).
    credentials = iam._get_credentials()  # type: ignore[attr-defined]
    frozen = None if credentials is None else credentials.get_frozen_credentials()
    session = boto3.session.Session(
        aws_access_key_id=None if frozen is None else frozen.access_key,
        aws_secret_access_key=None if frozen is None else frozen.secret_key,
        aws_session_token=None if frozen is None else frozen.token,
        region_name=iam.meta.region_name,
    )
    sts = session.client("sts", endpoint_url=_sts_endpoint(iam), config=iam.meta.config)
    return str(sts.get_caller_identity()["Account"])


def client_account(session: IAMReader) -> str:
    """The account the IAM client works in (retried; AWSError if STS fails)."""
    account = session.call("GetCallerIdentity", lambda: _caller_account(session.iam))
    if len(account) != _ACCOUNT_ID_LENGTH or not account.isdigit():
        raise AWSError(
            f"GetCallerIdentity answered {account!r}, which is not an account ID",
            code="InvalidResponse",
            operation="GetCallerIdentity",
        )
    return account


def _account_of(value: str) -> str | None:
    """The account part of an account ID or ARN (may hold wildcards), else None."""
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        return parts[4] if len(parts) == 6 else None
    if len(value) == _ACCOUNT_ID_LENGTH and value.isdigit():
        return value
    return None


def _named_accounts(statement: Statement) -> Iterator[tuple[str, str]]:
    """(where, account pattern) for every account the Allow ``statement`` admits by name."""
    if statement.principal is not None:
        for value in statement.principal.aws:
            account = _account_of(value)
            if account is not None:
                yield f"Principal {value}", account
    for condition in statement.conditions:
        if condition.key.lower() not in _ACCOUNT_KEYS or "Not" in condition.operator:
            continue
        for raw in condition.values:
            account = _account_of(str(raw))
            if account is not None:
                yield f"condition {condition.key} {raw}", account


def refuse_own_account(trust: PolicyDocument, account: str) -> None:
    """Raise ValidationError if ``trust`` admits principals of ``account`` by name."""
    for index, statement in enumerate(trust.statements):
        if statement.effect != "Allow":
            continue
        for where, pattern in _named_accounts(statement):
            if fnmatch.fnmatchcase(account, pattern):
                raise ValidationError(
                    "spec.trust_policy",
                    f"statement {index} trusts account {account} ({where}), the account of "
                    "the IAM client, where the role is made; a third-party role must trust "
                    "another account",
                )


def refuse_own_account_trust(session: IAMReader, spec: RoleSpec, *, doing: str | None) -> None:
    """Find the IAM client's account and refuse a spec whose trust policy names it.

    ``doing`` (``"Creating"``, ``"Applying the spec to"``) turns an STS failure into a
    ProvisioningError that says nothing was changed; with ``None`` the AWSError is raised.
    """
    try:
        account = client_account(session)
    except AWSError as err:
        if doing is None:
            raise
        step = "find the account of the IAM client"
        raise failure(
            err,
            f"{doing} role {spec.role_name} failed at step '{step}': {err}. Nothing was changed.",
            step=step,
        ) from err.__cause__
    refuse_own_account(spec.trust_policy, account)
