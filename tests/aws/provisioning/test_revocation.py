"""Revoking a role: stripping what it holds, ownership, idempotence, conflicts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.provisioning_support import (
    ACCOUNT,
    EXTERNAL_ID,
    NO_WAIT,
    CallRecorder,
    full_spec,
    iam_client,
    managed_arn,
    run_once,
    trust_policy,
)
from xaccess.aws.provisioning import (
    RoleNotManaged,
    apply,
    create,
    revoke,
)
from xaccess.errors import ProvisioningError
from xaccess.rolespec import RoleSpec

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


def _unmanaged_role(iam: IAMClient, name: str, **extra: Any) -> None:
    iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=trust_policy(EXTERNAL_ID).to_json(), **extra
    )


def _role_exists(name: str) -> bool:
    try:
        iam_client().get_role(RoleName=name)
    except iam_client().exceptions.NoSuchEntityException:
        return False
    return True


# --- revoke ----------------------------------------------------------------------------------


def test_revoke_removes_the_role_and_everything_attached(iam: IAMClient) -> None:
    """Inline policies, attachments and instance profile membership go; the profile stays."""
    create(iam, full_spec(), retry=NO_WAIT)
    iam.create_instance_profile(InstanceProfileName="Profile")
    iam.add_role_to_instance_profile(InstanceProfileName="Profile", RoleName="AcmeAudit")

    result = revoke(iam, "AcmeAudit", retry=NO_WAIT)

    assert (True, f"arn:aws:iam::{ACCOUNT}:role/AcmeAudit") == (result.existed, result.role_arn)
    assert (("List", "Logs"), (managed_arn("AuditOne"), managed_arn("AuditTwo")), ("Profile",)) == (
        result.deleted_inline_policies,
        result.detached_managed_policies,
        result.removed_from_instance_profiles,
    )
    assert [] == iam.list_roles()["Roles"]
    assert [] == iam.get_instance_profile(InstanceProfileName="Profile")["InstanceProfile"]["Roles"]


def test_revoking_a_missing_role_succeeds(iam: IAMClient, recorder: CallRecorder) -> None:
    """Revoke is idempotent: a role that is not there is success after one GetRole."""
    result = revoke(iam, "Nobody", retry=NO_WAIT)

    assert (False, None) == (result.existed, result.role_arn)
    assert ["GetRole"] == recorder.calls


def test_revoke_refuses_an_unmanaged_role_unless_forced(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """Without the ownership tag the role is kept, unless force=True."""
    _unmanaged_role(iam, "Theirs")
    recorder.reset()

    with pytest.raises(RoleNotManaged, match="force=True"):
        revoke(iam, "Theirs", retry=NO_WAIT)
    assert [] == recorder.writes

    assert revoke(iam, "Theirs", force=True, retry=NO_WAIT).existed
    assert [] == iam.list_roles()["Roles"]


def test_revoke_strips_again_when_something_is_attached_meanwhile(iam: IAMClient) -> None:
    """DeleteConflict (a policy attached concurrently) makes revoke strip the role again."""
    create(iam, full_spec(), retry=NO_WAIT)
    other = iam_client()
    attached: list[bool] = []

    def attach_first(**_: Any) -> None:
        if not attached:
            attached.append(True)
            other.attach_role_policy(RoleName="AcmeAudit", PolicyArn=managed_arn("AuditThree"))

    iam.meta.events.register("before-call.iam.DeleteRole", attach_first)

    result = revoke(iam, "AcmeAudit", retry=NO_WAIT)

    assert managed_arn("AuditThree") in result.detached_managed_policies
    assert [] == iam.list_roles()["Roles"]


def test_revoke_gives_up_when_deletion_keeps_conflicting(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """A DeleteRole that always conflicts ends in a ProvisioningError, not a loop."""
    create(iam, full_spec(), retry=NO_WAIT)
    # Each round lists three things and the customer-managed policies, and the first also
    # removes four; then DeleteRole.
    recorder.reset(also=dict.fromkeys((11, 16, 21, 26), "DeleteConflict"))

    with pytest.raises(ProvisioningError) as caught:
        revoke(iam, "AcmeAudit", retry=NO_WAIT)

    assert ("DeleteConflict", "DeleteRole", ("role AcmeAudit",)) == (
        caught.value.code,
        caught.value.operation,
        caught.value.left_behind,
    )


def test_revoke_succeeds_when_someone_else_deletes_the_role_part_way(iam: IAMClient) -> None:
    """A role that disappears while revoke lists its parts counts as revoked."""
    create(iam, full_spec(), retry=NO_WAIT)
    other = iam_client()

    def delete_first(**_: Any) -> None:
        revoke(other, "AcmeAudit", retry=NO_WAIT)

    iam.meta.events.register("before-call.iam.ListRolePolicies", delete_first)

    assert revoke(iam, "AcmeAudit", retry=NO_WAIT).existed


# --- revoke and tags -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag", [{"Key": "XAccess:Managed", "Value": "true"}, {"Key": "xaccess:managed", "Value": "1"}]
)
def test_revoke_and_apply_refuse_a_look_alike_ownership_tag(
    iam: IAMClient, tag: dict[str, str]
) -> None:
    """Only the exact ownership tag marks a role as managed."""
    iam.create_role(
        RoleName="LookAlike",
        AssumeRolePolicyDocument=trust_policy(EXTERNAL_ID).to_json(),
        Tags=[tag],  # type: ignore[list-item]
    )

    with pytest.raises(ProvisioningError):
        revoke(iam, "LookAlike", retry=NO_WAIT)
    with pytest.raises(ProvisioningError):
        apply(
            iam,
            RoleSpec(role_name="LookAlike", trust_policy=trust_policy(EXTERNAL_ID)),
            retry=NO_WAIT,
        )
    assert _role_exists("LookAlike")


def test_a_tag_key_that_changes_only_in_case_is_renamed(iam: IAMClient) -> None:
    """Tag keys compare exactly: the old spelling is removed before the new one is set, so the
    role never holds both (IAM refuses keys that differ only in case)."""
    create(iam, full_spec(tags={"Team": "security"}), retry=NO_WAIT)
    recorder = CallRecorder().install(iam)

    result = apply(iam, full_spec(tags={"team": "security"}), retry=NO_WAIT)

    assert ["- tag Team (was 'security')", "+ tag team = 'security'"] == [
        str(c) for c in result.changes
    ]
    assert ["UntagRole", "TagRole"] == recorder.writes
    tags = {t["Key"] for t in iam.list_role_tags(RoleName="AcmeAudit")["Tags"]}
    assert {"team", "xaccess:managed"} == tags


def test_revoke_twice_is_success_both_times(iam: IAMClient) -> None:
    """The second revoke finds nothing and says so."""
    create(iam, full_spec(), retry=NO_WAIT)

    first = revoke(iam, "AcmeAudit", retry=NO_WAIT)
    second = revoke(iam, "AcmeAudit", retry=NO_WAIT)

    assert (True, False) == (first.existed, second.existed)


def test_revoke_skips_parts_that_are_already_gone(iam: IAMClient) -> None:
    """NoSuchEntity while removing a part, or the role itself, is not an error."""
    create(iam, full_spec(), retry=NO_WAIT)
    other = iam_client()
    remove_logs = run_once(
        lambda: other.delete_role_policy(RoleName="AcmeAudit", PolicyName="List")
    )
    delete_role = run_once(lambda: other.delete_role(RoleName="AcmeAudit"))
    iam.meta.events.register("before-call.iam.DeleteRolePolicy", remove_logs)
    iam.meta.events.register("before-call.iam.DeleteRole", delete_role)

    result = revoke(iam, "AcmeAudit", retry=NO_WAIT)

    assert result.existed
    assert ("List", "Logs") == result.deleted_inline_policies
    assert [] == iam.list_roles()["Roles"]
