"""Known answers for AWS's rules beyond statement matching, each citing its AWS page.

- Account principals delegate to identity policies in every resource-based policy
  (IAM User Guide, "AWS JSON policy elements: Principal", section "AWS account principals";
  AWS KMS Developer Guide, "Default key policy", "Allows access to the AWS account and
  enables IAM policies").
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
