"""Creating a role all or nothing: rollback, lost answers, concurrent creators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from tests.provisioning_support import (
    ACCOUNT,
    EXTERNAL_ID,
    NEXT_EXTERNAL_ID,
    NO_WAIT,
    CallRecorder,
    full_spec,
    iam_client,
    managed_arn,
    run_once,
    trust_policy,
)
from xaccess.aws.provisioning import (
    apply,
    create,
    plan,
)
from xaccess.errors import ProvisioningError
from xaccess.policy import PolicyDocument
from xaccess.rolespec import MANAGED_TAG_KEY, MANAGED_TAG_VALUE, RoleSpec, canonical_policy

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


def _tags(iam: IAMClient, name: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}


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


def _lose_every_answer(iam: IAMClient, operation: str) -> list[str]:
    """Make every ``operation`` take effect in moto but time out on the way back."""
    lost: list[str] = []

    def time_out(**_: Any) -> None:
        lost.append(operation)
        raise ReadTimeoutError(endpoint_url="https://iam.amazonaws.com/")

    iam.meta.events.register(f"after-call.iam.{operation}", time_out)
    return lost


# --- create ----------------------------------------------------------------------------------


def test_create_puts_every_part_of_the_spec_in_place(iam: IAMClient) -> None:
    """After create, IAM's own answers match the spec field by field."""
    spec = full_spec()

    result = create(iam, spec, retry=NO_WAIT)

    role = iam.get_role(RoleName=spec.role_name)["Role"]
    assert (f"arn:aws:iam::{ACCOUNT}:role/AcmeAudit", "/", True) == (
        result.role_arn,
        role["Path"],
        result.created,
    )
    assert result.role_id == role["RoleId"]
    assert canonical_policy(spec.trust_policy) == canonical_policy(
        PolicyDocument.from_dict(role["AssumeRolePolicyDocument"])
    )
    assert (spec.description, spec.max_session_duration, spec.permissions_boundary) == (
        role["Description"],
        role["MaxSessionDuration"],
        role["PermissionsBoundary"]["PermissionsBoundaryArn"],
    )
    inline = {
        name: PolicyDocument.from_dict(
            iam.get_role_policy(RoleName=spec.role_name, PolicyName=name)["PolicyDocument"]
        )
        for name in iam.list_role_policies(RoleName=spec.role_name)["PolicyNames"]
    }
    assert dict(spec.inline_policies) == inline
    attached = iam.list_attached_role_policies(RoleName=spec.role_name)["AttachedPolicies"]
    assert sorted(spec.managed_policy_arns) == sorted(p["PolicyArn"] for p in attached)
    assert {"team": "security", "vendor": "acme", MANAGED_TAG_KEY: MANAGED_TAG_VALUE} == _tags(
        iam, spec.role_name
    )


def test_create_reports_everything_it_created(iam: IAMClient) -> None:
    """The result lists the role, its trust policy, settings, policies and tags as changes."""
    result = create(iam, full_spec(), retry=NO_WAIT)

    assert [
        "+ role AcmeAudit (path /)",
        "+ trust policy",
        "+ description 'Read-only audit access for Acme'",
        "+ max session duration 7200",
        f"+ permissions boundary {managed_arn('Boundary')}",
        "+ inline policy List",
        "+ inline policy Logs",
        f"+ managed policy {managed_arn('AuditOne')}",
        f"+ managed policy {managed_arn('AuditTwo')}",
        "+ tag team = 'security'",
        "+ tag vendor = 'acme'",
        f"+ tag {MANAGED_TAG_KEY} = 'true'",
    ] == [str(change) for change in result.changes]
    assert result.changed


def test_create_with_a_path_and_no_optional_parts(iam: IAMClient, recorder: CallRecorder) -> None:
    """A minimal spec is one CreateRole call; the path is part of the ARN."""
    spec = RoleSpec(role_name="Minimal", path="/vendors/", trust_policy=trust_policy(EXTERNAL_ID))

    result = create(iam, spec, retry=NO_WAIT)

    assert ["CreateRole"] == recorder.calls
    assert f"arn:aws:iam::{ACCOUNT}:role/vendors/Minimal" == result.role_arn
    assert "Description" not in iam.get_role(RoleName="Minimal")["Role"] or not iam.get_role(
        RoleName="Minimal"
    )["Role"].get("Description")


def test_create_refuses_an_existing_role_and_points_to_apply(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """A different role of the same name is an EntityAlreadyExists error naming apply()."""
    _unmanaged_role(iam, "AcmeAudit")
    recorder.reset()

    with pytest.raises(ProvisioningError) as caught:
        create(iam, full_spec(), retry=NO_WAIT)

    err = caught.value
    assert ("EntityAlreadyExists", "CreateRole", "create role") == (
        err.code,
        err.operation,
        err.step,
    )
    assert "apply()" in str(err)
    assert isinstance(err.__cause__, ClientError)
    assert ["CreateRole"] == recorder.writes
    assert {} == _tags(iam, "AcmeAudit")


def test_create_refuses_a_managed_role_with_another_trust_policy(iam: IAMClient) -> None:
    """Another managed role of that name (different trust policy) is not a concurrent twin."""
    create(iam, full_spec(trust_policy=trust_policy(NEXT_EXTERNAL_ID)), retry=NO_WAIT)

    with pytest.raises(ProvisioningError, match="already exists"):
        create(iam, full_spec(), retry=NO_WAIT)


def test_create_converges_when_a_concurrent_creator_made_the_same_role(iam: IAMClient) -> None:
    """EntityAlreadyExists from a twin creation of the same spec is converged, not an error."""
    spec = full_spec()
    create(iam, spec, retry=NO_WAIT)
    # The other creator is part way: one inline policy and one attachment are still missing.
    iam.delete_role_policy(RoleName="AcmeAudit", PolicyName="Logs")
    iam.detach_role_policy(RoleName="AcmeAudit", PolicyArn=managed_arn("AuditTwo"))

    result = create(iam, spec, retry=NO_WAIT)

    assert not result.created
    assert ["+ inline policy Logs", f"+ managed policy {managed_arn('AuditTwo')}"] == [
        str(c) for c in result.changes
    ]
    assert plan(iam, spec, retry=NO_WAIT).is_empty


def test_create_after_an_ambiguous_create_role_converges(iam: IAMClient) -> None:
    """CreateRole that failed after taking effect, then EntityAlreadyExists on retry, converges."""
    spec = full_spec()
    answered: list[bool] = []

    def lose_first_answer(http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
        if not answered:  # the role was created, but the client sees a 500
            answered.append(True)
            http_response.status_code = 500
            parsed["Error"] = {"Code": "ServiceFailure", "Message": "lost"}

    iam.meta.events.register("after-call.iam.CreateRole", lose_first_answer)

    result = create(iam, spec, retry=NO_WAIT)

    assert not result.created
    assert plan(iam, spec, retry=NO_WAIT).is_empty


# --- create: all or nothing when an answer is lost ---------------------------------------------


@pytest.mark.parametrize("operation", ["PutRolePolicy", "AttachRolePolicy"])
def test_create_rolls_back_a_step_that_took_effect_but_whose_answer_was_lost(
    iam: IAMClient, operation: str
) -> None:
    """A policy put or attached whose answer never arrives is removed too, so no role is left."""
    lost = _lose_every_answer(iam, operation)

    with pytest.raises(ProvisioningError) as caught:
        create(iam, full_spec(), retry=NO_WAIT)

    assert lost
    assert (operation, "ReadTimeoutError") == (caught.value.operation, caught.value.code)
    assert () == caught.value.left_behind
    assert "role AcmeAudit" in caught.value.rolled_back
    assert not _role_exists("AcmeAudit")


def test_create_role_whose_answers_are_all_lost_leaves_no_partial_role(iam: IAMClient) -> None:
    """CreateRole that took effect but timed out on every attempt is found and completed,
    not reported as "nothing was created" with a role lacking its policies left behind."""
    lost = _lose_every_answer(iam, "CreateRole")
    spec = full_spec()

    result = create(iam, spec, retry=NO_WAIT)

    assert 5 == len(lost)
    assert "AcmeAudit" == result.role_name
    assert plan(iam_client(), spec, retry=NO_WAIT).is_empty


def test_a_lost_create_role_that_cannot_be_checked_says_the_role_may_exist(
    iam: IAMClient,
) -> None:
    """When CreateRole timed out and GetRole fails too, the error does not claim that nothing
    was created."""
    _lose_every_answer(iam, "CreateRole")
    recorder = CallRecorder().install(iam)
    recorder.reset(fail_at=6, code="AccessDenied")  # the GetRole after five CreateRole attempts

    with pytest.raises(ProvisioningError) as caught:
        create(iam, full_spec(), retry=NO_WAIT)

    assert ["CreateRole"] * 5 + ["GetRole"] == recorder.calls
    assert ("CreateRole", "ReadTimeoutError") == (caught.value.operation, caught.value.code)
    assert ("role AcmeAudit (if CreateRole took effect)",) == caught.value.left_behind
    assert "Nothing was created" not in str(caught.value)
    assert _role_exists("AcmeAudit")


def test_apply_after_create_role_answers_are_all_lost_completes_the_role(iam: IAMClient) -> None:
    """apply() whose CreateRole took effect but never answered finishes the role it made."""
    _lose_every_answer(iam, "CreateRole")
    spec = full_spec()

    result = apply(iam, spec, retry=NO_WAIT)

    assert "AcmeAudit" == result.role_name
    assert plan(iam_client(), spec, retry=NO_WAIT).is_empty


def test_create_rollback_counts_what_is_already_gone_as_rolled_back(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """An undo step answered NoSuchEntity (someone removed it first) has nothing to undo."""
    other = iam_client()
    remove_logs = run_once(
        lambda: other.delete_role_policy(RoleName="AcmeAudit", PolicyName="Logs")
    )
    iam.meta.events.register("before-call.iam.DeleteRolePolicy", remove_logs)
    recorder.reset(fail_at=4, code="LimitExceeded")  # the first attach

    with pytest.raises(ProvisioningError) as caught:
        create(iam, full_spec(), retry=NO_WAIT)

    assert (
        "inline policy Logs",
        "inline policy List",
        "role AcmeAudit",
    ) == caught.value.rolled_back
    assert [] == iam.list_roles()["Roles"]


def test_create_reports_a_failure_to_read_the_existing_role(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """After EntityAlreadyExists, a refused GetRole is reported as a read failure."""
    _unmanaged_role(iam, "AcmeAudit")
    recorder.reset(fail_at=2, code="AccessDenied")  # CreateRole, then GetRole

    with pytest.raises(ProvisioningError) as caught:
        create(iam, full_spec(), retry=NO_WAIT)

    assert ("AccessDenied", "GetRole", "read role AcmeAudit") == (
        caught.value.code,
        caught.value.operation,
        caught.value.step,
    )
    assert "Nothing was changed" in str(caught.value)
