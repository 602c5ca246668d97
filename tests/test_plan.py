"""The pure desired-state diff: RoleState, the changes and Plan, without any AWS call."""

from __future__ import annotations

from typing import Any, Final

import pytest

from tests.provisioning_support import EXTERNAL_ID, NEXT_EXTERNAL_ID, VENDOR, identity_policy
from tests.provisioning_support import trust_policy as vendor_trust
from xaccess.plan import (
    InlinePolicyChange,
    ManagedPolicyChange,
    OwnedPolicy,
    OwnedPolicyChange,
    RoleState,
    TagChange,
    TrustPolicyChange,
    diff,
    trusts_new_principals,
)
from xaccess.policy import PolicyDocument
from xaccess.rolespec import MANAGED_TAG_KEY, MANAGED_TAG_VALUE, RoleSpec

OTHER_VENDOR: Final = "444455556666"
ARN: Final = "arn:aws:iam::123456789012:role/Handover"


def _state(**changes: Any) -> RoleState:
    fields: dict[str, Any] = {
        "arn": ARN,
        "role_id": "AROAEXAMPLEEXAMPLE01",
        "path": "/",
        "trust": vendor_trust(EXTERNAL_ID),
        "description": "",
        "max_session_duration": 3600,
        "boundary": None,
        "inline": (("Admin", identity_policy("iam:*")),),
        "managed_arns": (),
        "tags": ((MANAGED_TAG_KEY, MANAGED_TAG_VALUE),),
    }
    fields.update(changes)
    return RoleState(**fields)


def _with_deny(document: PolicyDocument) -> PolicyDocument:
    data = document.to_dict()
    data["Statement"].append(
        {
            "Effect": "Deny",
            "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:role/Intern"},
            "Action": "sts:AssumeRole",
        }
    )
    return PolicyDocument.from_dict(data)


def test_an_unexpected_role_arn_falls_back_to_the_aws_partition() -> None:
    """Canonical comparison needs a partition; an ARN that does not parse means aws."""
    observed = RoleState(
        arn="not-an-arn",
        role_id="AROA",
        path="/",
        trust="",
        description="",
        max_session_duration=3600,
        boundary=None,
        inline=(),
        managed_arns=(),
        tags=(),
    )

    assert "aws" == observed.partition


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (vendor_trust(EXTERNAL_ID), vendor_trust(NEXT_EXTERNAL_ID), False),
        (vendor_trust(EXTERNAL_ID), vendor_trust(EXTERNAL_ID, NEXT_EXTERNAL_ID), False),
        (vendor_trust(EXTERNAL_ID), vendor_trust(EXTERNAL_ID, vendor=VENDOR[:11] + "4"), True),
        (vendor_trust(EXTERNAL_ID), vendor_trust(EXTERNAL_ID, vendor=OTHER_VENDOR), True),
        (_with_deny(vendor_trust(EXTERNAL_ID)), vendor_trust(EXTERNAL_ID), True),
        (vendor_trust(EXTERNAL_ID), _with_deny(vendor_trust(EXTERNAL_ID)), False),
        ("not a policy", vendor_trust(EXTERNAL_ID), True),
    ],
    ids=[
        "new external ID",
        "second external ID",
        "another account",
        "another vendor",
        "deny dropped",
        "deny added",
        "unreadable before",
    ],
)
def test_a_new_principal_is_told_apart_from_a_new_external_id(
    before: PolicyDocument | str, after: PolicyDocument, expected: bool
) -> None:
    """Only a trust policy that may admit a principal the old one did not is a handover; a
    change of external ID or an added Deny keeps the trustees."""
    assert expected is trusts_new_principals(before, after, "aws")


def test_a_handover_changes_trust_between_the_removals_and_the_additions() -> None:
    """Trusting another vendor comes after the old permissions are removed and before the
    new ones are added; a new external ID for the same vendor comes first."""
    new_trust = vendor_trust(NEXT_EXTERNAL_ID, vendor=OTHER_VENDOR)
    spec = RoleSpec(
        role_name="Handover",
        trust_policy=new_trust,
        inline_policies={"Read": identity_policy("s3:GetObject")},
    )

    kinds = [type(c).__name__ for c in diff(spec, _state())]
    rotated = diff(_with_trust(spec, vendor_trust(NEXT_EXTERNAL_ID)), _state())

    assert ["InlinePolicyChange", "TrustPolicyChange", "InlinePolicyChange"] == kinds
    assert isinstance(rotated[0], TrustPolicyChange)
    assert not any(isinstance(c, ManagedPolicyChange) for c in rotated)
    assert isinstance(rotated[1], InlinePolicyChange)


def _with_trust(spec: RoleSpec, trust: PolicyDocument) -> RoleSpec:
    """``spec`` with another trust policy."""
    return RoleSpec(
        role_name=spec.role_name, trust_policy=trust, inline_policies=spec.inline_policies
    )


# --- customer-managed policies ------------------------------------------------------------------


def _owned(name: str, document: PolicyDocument, *, attached: bool = True) -> OwnedPolicy:
    return OwnedPolicy(
        name=name,
        path="/",
        arn=f"arn:aws:iam::123456789012:policy/{name}",
        document=document,
        attached=attached,
        versions=("v1", "v2", "v3", "v4"),
    )


def test_owned_policy_changes_detach_first_and_delete_the_oldest_version_at_five() -> None:
    """A changed policy is detached among the removals, gets a new version (dropping the oldest
    at IAM's five) and is attached again; a policy no longer wanted is deleted last."""
    old, new = identity_policy("s3:GetObject"), identity_policy("s3:PutObject")
    spec = RoleSpec(
        role_name="Handover",
        trust_policy=vendor_trust(EXTERNAL_ID),
        managed_policies={"Handover-managed-0": new},
    )
    observed = _state(
        inline=(),
        managed_arns=(
            "arn:aws:iam::123456789012:policy/Handover-managed-0",
            "arn:aws:iam::123456789012:policy/Handover-managed-1",
        ),
        owned=(_owned("Handover-managed-0", old), _owned("Handover-managed-1", old)),
    )

    changes = [c for c in diff(spec, observed) if not isinstance(c, TagChange)]

    assert [
        "- managed policy arn:aws:iam::123456789012:policy/Handover-managed-0",
        "- managed policy arn:aws:iam::123456789012:policy/Handover-managed-1",
        "~ customer-managed policy /Handover-managed-0 (new default version)",
        "- customer-managed policy /Handover-managed-1",
    ] == [str(c) for c in changes]
    update, delete = changes[2], changes[3]
    assert isinstance(update, OwnedPolicyChange)
    assert isinstance(delete, OwnedPolicyChange)
    assert ("v1",) == update.stale_versions
    assert ("v1", "v2", "v3", "v4") == delete.stale_versions
    assert any(line.startswith("+ ") for line in update.diff())


def test_an_unchanged_owned_policy_left_detached_is_attached_again() -> None:
    """An owned policy with the right text that is not attached only needs attaching."""
    document = identity_policy("s3:GetObject")
    spec = RoleSpec(
        role_name="Handover",
        trust_policy=vendor_trust(EXTERNAL_ID),
        managed_policies={"Handover-managed-0": document},
    )
    observed = _state(inline=(), owned=(_owned("Handover-managed-0", document, attached=False),))

    assert ["+ managed policy arn:aws:iam::123456789012:policy/Handover-managed-0"] == [
        str(c) for c in diff(spec, observed) if not isinstance(c, TagChange)
    ]
