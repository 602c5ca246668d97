"""apply() that changes who is trusted never hands the new trustee the old permissions.

Each case converges a role from an old spec (one vendor, broad permissions) to a new spec
(another vendor, other permissions), with every write call failing in turn. After each failure
the role is read back and judged with the evaluator: a principal that only the new spec trusts
may do at most what the new spec allows, and the old trustee at most what the old spec allows.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

import attrs
import pytest

from tests.provisioning_support import (
    ACCOUNT,
    EXTERNAL_ID,
    NEXT_EXTERNAL_ID,
    NO_WAIT,
    VENDOR,
    WRITE_PREFIXES,
    CallRecorder,
    iam_client,
    identity_policy,
    managed_arn,
    moto_iam_restore,
    moto_iam_snapshot,
    trust_policy,
)
from xaccess.aws.provisioning import apply, create, plan
from xaccess.errors import ProvisioningError
from xaccess.policy import PolicyDocument, Request, evaluate
from xaccess.rolespec import RoleSpec

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_iam import IAMClient

NEW_VENDOR: Final = "444455556666"
ROLE: Final = "Handover"
#: What the old and new specs grant between them, and more.
PROBES: Final = (
    "iam:CreateUser",
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "ec2:RunInstances",
)
#: Managed policies by name: the actions each allows on any resource.
MANAGED: Final = {
    "AdminAll": ["iam:*"],
    "ReadLogs": ["s3:GetObject"],
    "WriteLogs": ["s3:PutObject"],
    "OldBoundary": ["s3:*", "iam:*"],
    "NewBoundary": ["s3:*", "ec2:*"],
}
ANYWHERE: Final = "*"


def _document(actions: list[str]) -> PolicyDocument:
    return identity_policy(*actions, resource=ANYWHERE)


def _specs(old_boundary: str | None, new_boundary: str | None) -> tuple[RoleSpec, RoleSpec]:
    old = RoleSpec(
        role_name=ROLE,
        trust_policy=trust_policy(EXTERNAL_ID, vendor=VENDOR),
        inline_policies={
            "Admin": _document(["iam:*"]),
            "Keep": _document(["s3:GetObject"]),
            "Rewrite": _document(["ec2:*"]),
        },
        managed_policy_arns=[managed_arn("AdminAll"), managed_arn("ReadLogs")],
        permissions_boundary=old_boundary and managed_arn(old_boundary),
    )
    new = RoleSpec(
        role_name=ROLE,
        trust_policy=trust_policy(NEXT_EXTERNAL_ID, vendor=NEW_VENDOR),
        inline_policies={
            "Keep": _document(["s3:GetObject"]),
            "Rewrite": _document(["s3:ListBucket"]),
            "Added": _document(["s3:PutObject"]),
        },
        managed_policy_arns=[managed_arn("ReadLogs"), managed_arn("WriteLogs")],
        permissions_boundary=new_boundary and managed_arn(new_boundary),
    )
    return old, new


@attrs.frozen
class Grants:
    """A role's trust policy, permission policies and boundary, as documents."""

    trust: PolicyDocument
    permissions: tuple[PolicyDocument, ...]
    boundary: PolicyDocument | None

    def trusts(self, vendor: str) -> bool:
        """Whether a role of ``vendor`` may assume the role with either external ID."""
        caller = f"arn:aws:iam::{vendor}:role/Scanner"
        vendor_side = _document(["sts:AssumeRole"])
        return any(
            evaluate(
                Request(
                    principal=caller,
                    action="sts:AssumeRole",
                    resource=f"arn:aws:iam::{ACCOUNT}:role/{ROLE}",
                    context={"sts:ExternalId": external_id},
                ),
                identity_policies=[vendor_side],
                resource_policy=self.trust,
            ).allowed
            for external_id in (EXTERNAL_ID, NEXT_EXTERNAL_ID)
        )

    def allowed(self) -> frozenset[str]:
        """The probe actions a session of the role may do."""
        session = f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/probe"
        return frozenset(
            action
            for action in PROBES
            if evaluate(
                Request(principal=session, action=action, resource=ANYWHERE),
                identity_policies=self.permissions,
                permissions_boundary=self.boundary,
            ).allowed
        )


def _of_spec(spec: RoleSpec) -> Grants:
    def managed(arn: str) -> PolicyDocument:
        return _document(MANAGED[arn.rsplit("/", 1)[1]])

    boundary = spec.permissions_boundary
    return Grants(
        trust=spec.trust_policy,
        permissions=(
            *(document for _name, document in spec.inline_policies),
            *(managed(arn) for arn in spec.managed_policy_arns),
        ),
        boundary=None if boundary is None else managed(boundary),
    )


def _observed(reader: IAMClient) -> Grants:
    """The role as IAM holds it now."""
    role = reader.get_role(RoleName=ROLE)["Role"]
    inline = [
        PolicyDocument.from_dict(
            reader.get_role_policy(RoleName=ROLE, PolicyName=name)["PolicyDocument"]
        )
        for name in reader.list_role_policies(RoleName=ROLE)["PolicyNames"]
    ]
    attached = reader.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    managed = [_document(MANAGED[p["PolicyName"]]) for p in attached]
    boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
    return Grants(
        trust=PolicyDocument.from_dict(role["AssumeRolePolicyDocument"]),
        permissions=(*inline, *managed),
        boundary=None if boundary is None else _document(MANAGED[boundary.rsplit("/", 1)[1]]),
    )


def _overreach(now: Grants, old: Grants, new: Grants) -> Mapping[str, frozenset[str]]:
    """What each trustee may do now beyond the spec that trusts it."""
    excess: dict[str, frozenset[str]] = {}
    allowed = now.allowed()
    if now.trusts(NEW_VENDOR) and not old.trusts(NEW_VENDOR):
        excess["new trustee"] = allowed - new.allowed()
    if now.trusts(VENDOR) and not new.trusts(VENDOR):
        excess["old trustee"] = allowed - old.allowed()
    return {who: actions for who, actions in excess.items() if actions}


@pytest.mark.parametrize(
    ("old_boundary", "new_boundary"),
    [(None, None), (None, "NewBoundary"), ("OldBoundary", None), ("OldBoundary", "NewBoundary")],
)
def test_no_failure_part_way_hands_a_trustee_more_than_its_spec(
    iam: IAMClient, old_boundary: str | None, new_boundary: str | None
) -> None:
    """Whichever write call of apply() fails, the new trustee holds at most the new spec's
    permissions and the old trustee at most the old spec's; apply() again converges."""
    for name, actions in MANAGED.items():
        iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(_document(actions).to_dict()))
    old, new = _specs(old_boundary, new_boundary)
    create(iam, old, retry=NO_WAIT)
    snapshot = moto_iam_snapshot()
    recorder = CallRecorder().install(iam)
    apply(iam, new, retry=NO_WAIT)
    writes = [n for n, call in enumerate(recorder.calls, 1) if call.startswith(WRITE_PREFIXES)]
    calls = list(recorder.calls)
    old_grants, new_grants = _of_spec(old), _of_spec(new)
    assert {"iam:CreateUser"} <= old_grants.allowed() - new_grants.allowed()

    overreach = {}
    for n in writes:
        moto_iam_restore(snapshot)
        recorder.reset(fail_at=n, code="AccessDenied")
        with pytest.raises(ProvisioningError):
            apply(iam, new, retry=NO_WAIT)
        found = _overreach(_observed(iam_client()), old_grants, new_grants)
        if found:
            overreach[f"call {n} ({calls[n - 1]}) failed"] = found
        recorder.reset()
        apply(iam, new, retry=NO_WAIT)
        assert plan(iam, new, retry=NO_WAIT).is_empty

    assert {} == overreach
    assert len(writes) >= 6
