"""Known answers for AWS's rules beyond statement matching, each citing its AWS page.

- Account principals delegate to identity policies in every resource-based policy
  (IAM User Guide, "AWS JSON policy elements: Principal", section "AWS account principals";
  AWS KMS Developer Guide, "Default key policy", "Allows access to the AWS account and
  enables IAM policies").
- AWS-owned resources cannot be changed by anyone's policy (IAM User Guide, "AWS managed
  policies"; "Using service-linked roles"; IAM Identity Center User Guide, the roles it
  creates under ``/aws-reserved/``; AWS KMS Developer Guide, "Aliases in AWS KMS").
- ``sts:GetCallerIdentity`` needs no permission (AWS STS API Reference, "GetCallerIdentity":
  "No permissions are required to perform this operation").
- ``NotPrincipal`` works with ``Deny`` only, is matched against the caller's whole chain and
  always applies to a caller with a permissions boundary (IAM User Guide, "AWS JSON policy
  elements: NotPrincipal"; "Permissions boundaries for IAM entities").
"""

from __future__ import annotations

from typing import Any

import pytest

from xaccess.policy import Outcome, PolicyDocument, Request, evaluate

ACCOUNT = "111122223333"
OTHER = "444455556666"
BOB = f"arn:aws:iam::{ACCOUNT}:user/Bob"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Reader/s1"
QUEUE = f"arn:aws:sqs:us-east-2:{ACCOUNT}:orders"
KEY = f"arn:aws:kms:us-east-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def doc(*statements: dict[str, Any]) -> PolicyDocument:
    """A 2012-10-17 policy document from statement dicts in IAM JSON form."""
    return PolicyDocument.from_dict({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    """An Allow statement."""
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def req(action: str, resource: str, principal: str = BOB) -> Request:
    """A request without context."""
    return Request(principal=principal, action=action, resource=resource)


# -- account principals delegate to identity policies ---------------------------------

_QUEUE_ROOT = doc(
    allow("sqs:SendMessage", QUEUE, Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
)
_QUEUE_ID = doc(allow("sqs:SendMessage", QUEUE, Principal={"AWS": ACCOUNT}))
_QUEUE_BOB = doc(allow("sqs:SendMessage", QUEUE, Principal={"AWS": BOB}))
_SEND = doc(allow("sqs:SendMessage"))
_RECEIVE = doc(allow("sqs:ReceiveMessage"))
_KEY_DEFAULT = doc(
    allow(
        "kms:*",
        Sid="EnableIAMUserPermissions",
        Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    )
)
_DECRYPT = doc(allow("kms:Decrypt"))

DELEGATION: list[tuple[str, Request, dict[str, Any], Outcome]] = [
    # Principal page: naming the account "delegates authority to the account"; an
    # administrator must then grant access to an identity. Same account too.
    (
        "queue-root-alone",
        req("sqs:SendMessage", QUEUE),
        {"resource_policy": _QUEUE_ROOT},
        Outcome.IMPLICIT_DENY,
    ),
    (
        "queue-account-id-alone",
        req("sqs:SendMessage", QUEUE),
        {"resource_policy": _QUEUE_ID},
        Outcome.IMPLICIT_DENY,
    ),
    (
        "queue-root-session-alone",
        req("sqs:SendMessage", QUEUE, SESSION),
        {"resource_policy": _QUEUE_ROOT},
        Outcome.IMPLICIT_DENY,
    ),
    (
        "queue-root-with-identity",
        req("sqs:SendMessage", QUEUE),
        {"resource_policy": _QUEUE_ROOT, "identity_policies": [_SEND]},
        Outcome.ALLOW,
    ),
    (
        "queue-root-identity-other-action",
        req("sqs:SendMessage", QUEUE),
        {"resource_policy": _QUEUE_ROOT, "identity_policies": [_RECEIVE]},
        Outcome.IMPLICIT_DENY,
    ),
    # Naming the user itself grants it without an identity policy (same account).
    (
        "queue-user-alone",
        req("sqs:SendMessage", QUEUE),
        {"resource_policy": _QUEUE_BOB},
        Outcome.ALLOW,
    ),
    # KMS default key policy: the root statement lets IAM policies grant access to the key.
    (
        "kms-default-key-policy-alone",
        req("kms:Decrypt", KEY),
        {"resource_policy": _KEY_DEFAULT},
        Outcome.IMPLICIT_DENY,
    ),
    (
        "kms-default-key-policy-with-identity",
        req("kms:Decrypt", KEY),
        {"resource_policy": _KEY_DEFAULT, "identity_policies": [_DECRYPT]},
        Outcome.ALLOW,
    ),
]


@pytest.mark.parametrize(
    ("request_", "policies", "expected"),
    [case[1:] for case in DELEGATION],
    ids=[case[0] for case in DELEGATION],
)
def test_account_principal_delegates(
    request_: Request, policies: dict[str, Any], expected: Outcome
) -> None:
    """A resource policy naming only the account needs an identity-policy allow as well."""
    assert expected == evaluate(request_, **policies).outcome


def test_account_delegation_reason_names_the_policy() -> None:
    """The implicit deny says the resource policy names only the account."""
    decision = evaluate(req("sqs:SendMessage", QUEUE), resource_policy=_QUEUE_ROOT)
    assert "the resource policy names only the account" in str(decision)


# -- AWS-owned resources ---------------------------------------------------------------

_EVERYTHING = doc(allow("*"))
_MANAGED = "arn:aws:iam::aws:policy/AdministratorAccess"
_CUSTOMER_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/Mine"
_SLR = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/"
    "elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk"
)
_SSO = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/"
    "sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"
)
_ROLE = f"arn:aws:iam::{ACCOUNT}:role/Mine"
_AWS_ALIAS = f"arn:aws:kms:us-east-2:{ACCOUNT}:alias/aws/s3"
_MY_ALIAS = f"arn:aws:kms:us-east-2:{ACCOUNT}:alias/mine"

AWS_OWNED = [
    ("iam:CreatePolicyVersion", _MANAGED, "AWS managed policy"),
    ("iam:DeletePolicy", _MANAGED, "AWS managed policy"),
    ("iam:DeletePolicyVersion", _MANAGED, "AWS managed policy"),
    ("iam:SetDefaultPolicyVersion", _MANAGED, "AWS managed policy"),
    ("iam:TagPolicy", _MANAGED, "AWS managed policy"),
    ("iam:UntagPolicy", _MANAGED, "AWS managed policy"),
    ("iam:DeleteRole", _SLR, "service-linked role"),
    ("iam:AttachRolePolicy", _SLR, "service-linked role"),
    ("iam:PutRolePolicy", _SLR, "service-linked role"),
    ("iam:UpdateAssumeRolePolicy", _SLR, "service-linked role"),
    ("iam:DeleteRole", _SSO, "IAM Identity Center"),
    ("iam:PutRolePolicy", _SSO, "IAM Identity Center"),
    ("kms:DeleteAlias", _AWS_ALIAS, "alias/aws/"),
    ("kms:UpdateAlias", _AWS_ALIAS, "alias/aws/"),
    ("kms:CreateAlias", _AWS_ALIAS, "alias/aws/"),
]


@pytest.mark.parametrize(("action", "resource", "why"), AWS_OWNED)
def test_aws_owned_resources_are_denied_whatever_the_policies(
    action: str, resource: str, why: str
) -> None:
    """Changing an AWS-owned resource is denied even with iam:*-style allows, and says why."""
    decision = evaluate(req(action, resource), identity_policies=[_EVERYTHING])
    assert decision.outcome is Outcome.EXPLICIT_DENY
    assert why in str(decision)


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("iam:GetPolicy", _MANAGED),
        ("iam:AttachRolePolicy", _ROLE),
        ("iam:DeletePolicy", _CUSTOMER_POLICY),
        ("iam:GetRole", _SLR),
        ("kms:DeleteAlias", _MY_ALIAS),
    ],
)
def test_reading_or_customer_resources_follow_the_policies(action: str, resource: str) -> None:
    """Reading AWS-owned resources, and changing the customer's own, follow the policies."""
    assert evaluate(req(action, resource), identity_policies=[_EVERYTHING]).allowed
    assert not evaluate(req(action, resource)).allowed


# -- sts:GetCallerIdentity -------------------------------------------------------------

_DENY_STS = doc({"Effect": "Deny", "Action": "sts:*", "Resource": "*"})


@pytest.mark.parametrize("principal", [BOB, SESSION, f"arn:aws:iam::{ACCOUNT}:root"])
def test_get_caller_identity_needs_no_permission(principal: str) -> None:
    """sts:GetCallerIdentity is allowed with no policy, and even against an explicit deny."""
    ask = req("sts:GetCallerIdentity", "*", principal)
    assert evaluate(ask).allowed
    decision = evaluate(ask, identity_policies=[_DENY_STS], scps=[_DENY_STS])
    assert decision.allowed
    assert "needs no permission" in str(decision)


# -- NotPrincipal ------------------------------------------------------------------------

_BUCKET = "arn:aws:s3:::acme-data/report.csv"
_READ = doc(allow("s3:GetObject"))


def _deny_all_but(*entries: str) -> PolicyDocument:
    """A bucket policy: Deny s3:* to everyone but ``entries``."""
    return doc(
        {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": list(entries)},
            "Action": "s3:*",
            "Resource": "*",
        }
    )


NOT_PRINCIPAL: list[tuple[str, Request, dict[str, Any], Outcome]] = [
    # The user and its account listed: exempt, so the identity policy decides.
    (
        "user-with-account-exempt",
        req("s3:GetObject", _BUCKET),
        {
            "resource_policy": _deny_all_but(BOB, f"arn:aws:iam::{ACCOUNT}:root"),
            "identity_policies": [_READ],
        },
        Outcome.ALLOW,
    ),
    # The user without its account: AWS may check the account first, so the Deny applies.
    (
        "user-without-account-denied",
        req("s3:GetObject", _BUCKET),
        {"resource_policy": _deny_all_but(BOB), "identity_policies": [_READ]},
        Outcome.EXPLICIT_DENY,
    ),
    # A session: account, role and session must all be listed.
    (
        "role-without-account-denied",
        req("s3:GetObject", _BUCKET, SESSION),
        {
            "resource_policy": _deny_all_but(f"arn:aws:iam::{ACCOUNT}:role/Reader", SESSION),
            "identity_policies": [_READ],
        },
        Outcome.EXPLICIT_DENY,
    ),
    (
        "session-chain-exempt",
        req("s3:GetObject", _BUCKET, SESSION),
        {
            "resource_policy": _deny_all_but(
                f"arn:aws:iam::{ACCOUNT}:root", f"arn:aws:iam::{ACCOUNT}:role/Reader", SESSION
            ),
            "identity_policies": [_READ],
        },
        Outcome.ALLOW,
    ),
    # A permissions boundary makes the Deny apply whatever NotPrincipal lists.
    (
        "boundary-always-denied",
        req("s3:GetObject", _BUCKET),
        {
            "resource_policy": _deny_all_but(BOB, f"arn:aws:iam::{ACCOUNT}:root"),
            "identity_policies": [_READ],
            "permissions_boundary": _READ,
        },
        Outcome.EXPLICIT_DENY,
    ),
    # NotPrincipal with Allow is not supported: it grants nothing.
    (
        "allow-not-principal-grants-nothing",
        req("s3:GetObject", _BUCKET),
        {"resource_policy": doc(allow("s3:*", NotPrincipal={"AWS": OTHER}))},
        Outcome.IMPLICIT_DENY,
    ),
]


@pytest.mark.parametrize(
    ("request_", "policies", "expected"),
    [case[1:] for case in NOT_PRINCIPAL],
    ids=[case[0] for case in NOT_PRINCIPAL],
)
def test_not_principal(request_: Request, policies: dict[str, Any], expected: Outcome) -> None:
    """NotPrincipal follows the IAM User Guide's rules for Deny, chains and boundaries."""
    assert expected == evaluate(request_, **policies).outcome
