"""Tests for xaccess.aws.provisioning against moto in-process: create, plan, apply, revoke."""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from tests import strategies as pst
from tests.provisioning_support import (
    ACCOUNT,
    EXTERNAL_ID,
    NEXT_EXTERNAL_ID,
    NO_WAIT,
    VENDOR,
    CallRecorder,
    apply_concurrently,
    drift,
    drift_spec,
    full_spec,
    iam_client,
    identity_policy,
    make_policies,
    managed_arn,
    trust_policy,
)
from xaccess.aws import provisioning
from xaccess.aws._retry import RetryPolicy, call_with_retry
from xaccess.aws.provisioning import (
    InlinePolicyChange,
    PathChange,
    PermissionsBoundaryChange,
    RoleCreation,
    RoleNotManaged,
    SettingChange,
    TagChange,
    TrustPolicyChange,
    apply,
    create,
    plan,
    revoke,
)
from xaccess.errors import AWSError, ProvisioningError, ValidationError
from xaccess.policy import PolicyDocument
from xaccess.rolespec import MANAGED_TAG_KEY, MANAGED_TAG_VALUE, RoleSpec, canonical_policy
from xaccess.testing import session_for, strict_sts

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_iam import IAMClient


def _tags(iam: IAMClient, name: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}


def _unmanaged_role(iam: IAMClient, name: str, **extra: Any) -> None:
    iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=trust_policy(EXTERNAL_ID).to_json(), **extra
    )


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


# --- plan ------------------------------------------------------------------------------------


def test_plan_for_a_missing_role_creates_it(iam: IAMClient, recorder: CallRecorder) -> None:
    """Planning a role that does not exist lists its creation; only GetRole is called."""
    result = plan(iam, full_spec(), retry=NO_WAIT)

    assert (False, None, True) == (result.role_exists, result.role_arn, result.managed)
    assert RoleCreation(role_name="AcmeAudit", path="/") == result.changes[0]
    assert str(result).startswith("Plan for role AcmeAudit (does not exist yet): 12 changes\n")
    assert ["GetRole"] == recorder.calls


def test_plan_after_create_is_empty(iam: IAMClient) -> None:
    """A freshly created role needs no change."""
    spec = full_spec()
    create(iam, spec, retry=NO_WAIT)

    result = plan(iam, spec, retry=NO_WAIT)

    assert result.is_empty
    assert (True, True) == (result.role_exists, result.managed)
    assert f"Plan for role AcmeAudit (arn:aws:iam::{ACCOUNT}:role/AcmeAudit): no changes" == str(
        result
    )


def test_drift_shows_in_the_plan_and_apply_repairs_it(iam: IAMClient) -> None:
    """Hand edits to trust, settings, boundary, policies and tags are listed, then undone."""
    spec = drift_spec("Drifted")
    create(iam, spec, retry=NO_WAIT)
    drift(iam, "Drifted")

    drifted = plan(iam, spec, retry=NO_WAIT)

    assert [
        "~ trust policy",
        "~ description: 'edited by hand' -> 'Audit access'",
        "~ max session duration: 3600 -> 7200",
        f"- managed policy {managed_arn('AuditTwo')}",
        "- inline policy Extra",
        f"~ permissions boundary {managed_arn('AuditThree')} -> {managed_arn('Boundary')}",
        "~ inline policy Logs",
        f"+ managed policy {managed_arn('AuditOne')}",
        "- tag stray (was '')",
        "~ tag team: 'x' -> 'security'",
    ] == [str(change) for change in drifted.changes]
    text = str(drifted)
    assert f'-           "{NEXT_EXTERNAL_ID}"' not in text  # a one-line change, not a list
    assert f'-           "sts:ExternalId": "{NEXT_EXTERNAL_ID}"' in text
    assert f'+           "sts:ExternalId": "{EXTERNAL_ID}"' in text
    assert '-       "Action": "s3:*",' in text

    result = apply(iam, spec, retry=NO_WAIT)

    assert drifted.changes == result.changes
    assert plan(iam, spec, retry=NO_WAIT).is_empty


def test_how_iam_stores_a_policy_is_not_a_change(iam: IAMClient) -> None:
    """Account IDs stored as root ARNs, reordered lists and list-vs-string spellings are not
    differences."""
    spec = RoleSpec(
        role_name="Rewritten",
        trust_policy=PolicyDocument.from_dict(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {"AWS": [VENDOR, "444455556666"]},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": ["one-id", "two-id"]}},
                },
            }
        ),
        inline_policies={"Read": identity_policy("s3:GetObject", "s3:ListBucket")},
    )
    create(iam, spec, retry=NO_WAIT)
    stored_trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Principal": {
                    "AWS": ["arn:aws:iam::444455556666:root", f"arn:aws:iam::{VENDOR}:root"]
                },
                "Effect": "Allow",
                "Action": ["sts:AssumeRole"],
                "Condition": {"StringEquals": {"sts:ExternalId": ["two-id", "one-id"]}},
            }
        ],
    }
    iam.update_assume_role_policy(RoleName="Rewritten", PolicyDocument=json.dumps(stored_trust))
    stored_read = {
        "Statement": {
            "Resource": ["arn:aws:s3:::acme-logs/*"],
            "Action": ["s3:ListBucket", "s3:GetObject"],
            "Effect": "Allow",
        },
        "Version": "2012-10-17",
    }
    iam.put_role_policy(
        RoleName="Rewritten", PolicyName="Read", PolicyDocument=json.dumps(stored_read)
    )

    assert plan(iam, spec, retry=NO_WAIT).is_empty


def test_an_unreadable_stored_policy_is_replaced(iam: IAMClient) -> None:
    """A trust policy IAM holds as text that is not a policy (moto stores anything) is shown
    and replaced."""
    spec = RoleSpec(role_name="Odd", trust_policy=trust_policy(EXTERNAL_ID))
    iam.create_role(
        RoleName="Odd",
        AssumeRolePolicyDocument="not a policy",
        Tags=[{"Key": MANAGED_TAG_KEY, "Value": MANAGED_TAG_VALUE}],
    )

    before = plan(iam, spec, retry=NO_WAIT)

    change = before.changes[0]
    assert isinstance(change, TrustPolicyChange)
    assert "not a policy" == change.before
    assert "- (not a readable policy: 'not a policy')" in str(before)
    apply(iam, spec, retry=NO_WAIT)
    assert plan(iam, spec, retry=NO_WAIT).is_empty


def test_plan_marks_an_unmanaged_role(iam: IAMClient) -> None:
    """A role without the ownership tag is flagged, and the tag shows as a change."""
    _unmanaged_role(iam, "AcmeAudit")

    result = plan(iam, RoleSpec(role_name="AcmeAudit", trust_policy=trust_policy(EXTERNAL_ID)))

    assert not result.managed
    assert [TagChange(key=MANAGED_TAG_KEY, before=None, after=MANAGED_TAG_VALUE)] == list(
        result.changes[-1:]
    )
    assert "apply() changes it only with adopt=True" in str(result)


def test_plan_read_failures_are_aws_errors(iam: IAMClient, recorder: CallRecorder) -> None:
    """plan() only reads, so a refused read is an AWSError with the code and operation."""
    recorder.reset(fail_at=1, code="AccessDenied")

    with pytest.raises(AWSError) as caught:
        plan(iam, full_spec(), retry=NO_WAIT)

    assert not isinstance(caught.value, ProvisioningError)
    assert ("AccessDenied", "GetRole") == (caught.value.code, caught.value.operation)
    assert isinstance(caught.value.__cause__, ClientError)


# --- apply -----------------------------------------------------------------------------------


def test_apply_creates_a_missing_role(iam: IAMClient) -> None:
    """apply() on a missing role creates it, all or nothing."""
    result = apply(iam, full_spec(), retry=NO_WAIT)

    assert result.created
    assert plan(iam, full_spec(), retry=NO_WAIT).is_empty


def test_a_second_apply_makes_no_write_call(iam: IAMClient, recorder: CallRecorder) -> None:
    """Once the role matches, apply() only reads."""
    spec = full_spec()
    apply(iam, spec, retry=NO_WAIT)
    recorder.reset()

    result = apply(iam, spec, retry=NO_WAIT)

    assert [] == recorder.writes
    assert (False, ()) == (result.created, result.changes)
    assert [
        "GetRole",
        "ListRoleTags",
        "ListRolePolicies",
        "ListAttachedRolePolicies",
        "GetRolePolicy",
        "GetRolePolicy",
    ] == recorder.calls


def test_apply_refuses_an_unmanaged_role(iam: IAMClient, recorder: CallRecorder) -> None:
    """A role without the ownership tag is refused, with no write call."""
    _unmanaged_role(iam, "AcmeAudit")
    recorder.reset()

    with pytest.raises(RoleNotManaged) as caught:
        apply(iam, full_spec(), retry=NO_WAIT)

    assert ("RoleNotManaged", "check ownership") == (caught.value.code, caught.value.step)
    assert "adopt=True" in str(caught.value)
    assert [] == recorder.writes


def test_apply_adopts_an_unmanaged_role_when_asked(iam: IAMClient) -> None:
    """adopt=True takes the role over: the spec replaces its tags and it gets the ownership
    tag."""
    _unmanaged_role(iam, "AcmeAudit", Tags=[{"Key": "owner", "Value": "someone"}])

    result = apply(iam, full_spec(), adopt=True, retry=NO_WAIT)

    assert not result.created
    assert {"team": "security", "vendor": "acme", MANAGED_TAG_KEY: MANAGED_TAG_VALUE} == _tags(
        iam, "AcmeAudit"
    )
    assert plan(iam, full_spec(), retry=NO_WAIT).is_empty


def test_apply_refuses_to_move_a_role_to_another_path(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """IAM cannot change a role's path, so a path mismatch is refused before any write."""
    create(iam, full_spec(), retry=NO_WAIT)
    moved = full_spec(path="/elsewhere/", description="changed too")
    assert PathChange(before="/", after="/elsewhere/") == plan(iam, moved).changes[0]
    recorder.reset()

    with pytest.raises(ProvisioningError) as caught:
        apply(iam, moved, retry=NO_WAIT)

    assert "PathMismatch" == caught.value.code
    assert [] == recorder.writes


def test_update_role_keeps_the_setting_that_did_not_change(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """Changing only the description still sends the maximum session duration (moto and
    UpdateRole reset what is left out)."""
    create(iam, full_spec(), retry=NO_WAIT)
    recorder.reset()

    result = apply(iam, full_spec(description="New words"), retry=NO_WAIT)

    assert [
        SettingChange(setting="description", before=full_spec().description, after="New words")
    ] == list(result.changes)
    assert ["UpdateRole"] == recorder.writes
    role = iam.get_role(RoleName="AcmeAudit")["Role"]
    assert ("New words", 7200) == (role["Description"], role["MaxSessionDuration"])


@pytest.mark.parametrize(
    ("before", "after", "operation"),
    [
        (None, "Boundary", "PutRolePermissionsBoundary"),
        ("Boundary", "AuditThree", "PutRolePermissionsBoundary"),
        ("Boundary", None, "DeleteRolePermissionsBoundary"),
    ],
)
def test_apply_sets_changes_and_removes_the_boundary(
    iam: IAMClient, recorder: CallRecorder, before: str | None, after: str | None, operation: str
) -> None:
    """The permissions boundary is put, replaced or deleted as the spec says."""
    create(iam, full_spec(permissions_boundary=before and managed_arn(before)), retry=NO_WAIT)
    spec = full_spec(permissions_boundary=after and managed_arn(after))
    recorder.reset()

    result = apply(iam, spec, retry=NO_WAIT)

    assert [
        PermissionsBoundaryChange(
            before=before and managed_arn(before), after=after and managed_arn(after)
        )
    ] == list(result.changes)
    assert [operation] == recorder.writes
    assert plan(iam, spec, retry=NO_WAIT).is_empty


def test_apply_removes_everything_the_spec_does_not_list(iam: IAMClient) -> None:
    """Inline policies, attachments and tags not in the spec are removed."""
    create(iam, full_spec(), retry=NO_WAIT)
    bare = RoleSpec(role_name="AcmeAudit", trust_policy=trust_policy(EXTERNAL_ID))

    result = apply(iam, bare, retry=NO_WAIT)

    removed = {str(c) for c in result.changes}
    assert {
        "- inline policy List",
        "- inline policy Logs",
        f"- managed policy {managed_arn('AuditOne')}",
        "- tag team (was 'security')",
    } <= removed
    assert [] == iam.list_role_policies(RoleName="AcmeAudit")["PolicyNames"]
    assert {MANAGED_TAG_KEY: MANAGED_TAG_VALUE} == _tags(iam, "AcmeAudit")
    assert plan(iam, bare, retry=NO_WAIT).is_empty


def test_apply_failure_names_the_step_and_what_was_applied(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """A failed write stops apply; the error says what was and was not applied."""
    create(iam, full_spec(), retry=NO_WAIT)
    spec = full_spec(description="New", tags={"team": "red"})
    recorder.reset(fail_at=8, code="AccessDenied")  # 6 reads, UpdateRole, then UntagRole

    with pytest.raises(ProvisioningError) as caught:
        apply(iam, spec, retry=NO_WAIT)

    err = caught.value
    assert ("UntagRole", "remove tags vendor") == (err.operation, err.step)
    message = str(err)
    assert "Applied before the failure: update description and maximum session duration" in message
    assert "Not applied: remove tags vendor, set tags team" in message


def test_apply_recreates_a_role_deleted_while_it_runs(iam: IAMClient) -> None:
    """If the role disappears between reading and writing, apply starts again and creates it."""
    spec = full_spec()
    create(iam, spec, retry=NO_WAIT)
    other = iam_client()
    deleted: list[bool] = []

    def delete_role_first(**_: Any) -> None:
        if not deleted:
            deleted.append(True)
            revoke(other, "AcmeAudit", retry=NO_WAIT)

    iam.meta.events.register("before-call.iam.UpdateRole", delete_role_first)

    result = apply(iam, full_spec(description="New"), retry=NO_WAIT)

    assert result.created
    assert plan(iam, full_spec(description="New"), retry=NO_WAIT).is_empty


def test_apply_treats_an_already_removed_item_as_done(iam: IAMClient) -> None:
    """A policy someone else deletes between plan and delete is not an error."""
    create(iam, full_spec(), retry=NO_WAIT)
    other = iam_client()

    def remove_it_first(**_: Any) -> None:
        other.delete_role_policy(RoleName="AcmeAudit", PolicyName="Logs")

    iam.meta.events.register("before-call.iam.DeleteRolePolicy", remove_it_first)
    spec = full_spec(
        inline_policies={
            "List": identity_policy("s3:ListBucket", resource="arn:aws:s3:::acme-logs")
        }
    )

    result = apply(iam, spec, retry=NO_WAIT)

    assert [
        InlinePolicyChange(name="Logs", before=identity_policy("s3:GetObject"), after=None)
    ] == list(result.changes)


def test_attaching_a_policy_that_does_not_exist_fails_clearly(iam: IAMClient) -> None:
    """NoSuchEntity for a missing managed policy (not the role) is reported, not retried."""
    create(iam, full_spec(), retry=NO_WAIT)
    spec = full_spec(managed_policy_arns=[managed_arn("Missing")])

    with pytest.raises(ProvisioningError) as caught:
        apply(iam, spec, retry=NO_WAIT)

    assert ("NoSuchEntity", f"attach managed policy {managed_arn('Missing')}") == (
        caught.value.code,
        caught.value.step,
    )


def test_four_threads_applying_the_same_spec_end_with_one_role_in_that_state(
    iam: IAMClient,
) -> None:
    """Concurrent appliers converge: no unhandled error, one role, the spec's state."""
    spec = full_spec()

    results, errors = apply_concurrently(iam_client, spec)

    assert [] == errors
    assert 4 == len(results)
    assert {f"arn:aws:iam::{ACCOUNT}:role/AcmeAudit"} == {r.role_arn for r in results}
    assert 1 <= sum(r.created for r in results)
    assert ["AcmeAudit"] == [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert plan(iam, spec, retry=NO_WAIT).is_empty


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
    # Each round lists three things, and the first also removes four; then DeleteRole.
    recorder.reset(also=dict.fromkeys((10, 14, 18, 22), "DeleteConflict"))

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


# --- rotation --------------------------------------------------------------------------------


def _assume(role_arn: str, external_id: str) -> str:
    """Assume the role as the vendor's Scanner role; return "allowed" or STS's error code."""
    vendor = session_for(f"arn:aws:iam::{VENDOR}:role/Scanner")
    try:
        vendor.client("sts").assume_role(
            RoleArn=role_arn, RoleSessionName="audit", ExternalId=external_id
        )
    except ClientError as err:
        return str(err.response["Error"]["Code"])
    return "allowed"


def test_external_id_rotation_trusts_both_ids_then_only_the_new_one(iam: IAMClient) -> None:
    """Rotation: apply a trust policy with both IDs, let the vendor switch, then the new alone.

    Checked end to end with the strict STS: each stage admits exactly the IDs it lists.
    """
    old = full_spec(trust_policy=trust_policy(EXTERNAL_ID))
    both = full_spec(trust_policy=trust_policy(EXTERNAL_ID, NEXT_EXTERNAL_ID))
    new = full_spec(trust_policy=trust_policy(NEXT_EXTERNAL_ID))
    arn = apply(iam, old, retry=NO_WAIT).role_arn

    with strict_sts():
        assert ("allowed", "AccessDenied") == (
            _assume(arn, EXTERNAL_ID),
            _assume(arn, NEXT_EXTERNAL_ID),
        )

        step_one = apply(iam, both, retry=NO_WAIT)
        assert [TrustPolicyChange] == [type(c) for c in step_one.changes]
        assert ("allowed", "allowed") == (
            _assume(arn, EXTERNAL_ID),
            _assume(arn, NEXT_EXTERNAL_ID),
        )

        step_two = apply(iam, new, retry=NO_WAIT)
        assert [TrustPolicyChange] == [type(c) for c in step_two.changes]
        assert ("AccessDenied", "allowed") == (
            _assume(arn, EXTERNAL_ID),
            _assume(arn, NEXT_EXTERNAL_ID),
        )
        assert arn == step_two.role_arn


# --- input checking and errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda iam: create(iam, "AcmeAudit"),  # type: ignore[arg-type]
        lambda iam: plan(iam, {"role_name": "AcmeAudit"}),  # type: ignore[arg-type]
        lambda iam: apply(iam, None),  # type: ignore[arg-type]
        lambda iam: apply(iam, full_spec(), adopt="yes"),  # type: ignore[arg-type]
        lambda iam: apply(iam, full_spec(), retry=3),  # type: ignore[arg-type]
        lambda iam: revoke(iam, "not a role name!"),
        lambda iam: revoke(iam, "x" * 65),
        lambda iam: revoke(iam, "AcmeAudit", force=1),  # type: ignore[arg-type]
        lambda iam: create(iam, full_spec(tags={"aws:reserved": "x"})),
    ],
    ids=[
        "create-str",
        "plan-dict",
        "apply-none",
        "adopt",
        "retry",
        "name",
        "long",
        "force",
        "spec",
    ],
)
def test_bad_input_never_reaches_aws(iam: IAMClient, recorder: CallRecorder, call: Any) -> None:
    """Invalid arguments raise ValidationError before any AWS call is made."""
    with pytest.raises(ValidationError):
        call(iam)

    assert [] == recorder.calls


def test_connection_errors_are_retried_then_wrapped(iam: IAMClient) -> None:
    """A connection error is transient: retried, and wrapped with its class as the code."""
    failures = []

    def no_connection(**_: Any) -> None:
        failures.append(True)
        raise EndpointConnectionError(endpoint_url="https://iam.amazonaws.com/")

    iam.meta.events.register("before-call.iam.GetRole", no_connection)

    with pytest.raises(AWSError) as caught:
        plan(iam, full_spec(), retry=RetryPolicy(attempts=3, sleep=lambda _s: None))

    assert 3 == len(failures)
    assert ("EndpointConnectionError", "GetRole") == (caught.value.code, caught.value.operation)
    assert isinstance(caught.value.__cause__, EndpointConnectionError)


def test_logs_name_the_steps_and_never_the_credentials(
    iam: IAMClient, recorder: CallRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    """xaccess logs what it changes and retries, with no credential in any record."""
    recorder.reset(fail_at=1, code="Throttling")
    with caplog.at_level(logging.DEBUG, logger="xaccess"):
        create(iam, full_spec(), retry=NO_WAIT)
        revoke(iam, "AcmeAudit", retry=NO_WAIT)

    ours = [r.getMessage() for r in caplog.records if r.name.startswith("xaccess")]
    assert any("CreateRole failed with Throttling" in m for m in ours)
    assert any("created role" in m for m in ours)
    assert not any("testing" in m for m in ours)


# --- pagination ------------------------------------------------------------------------------


def test_list_calls_follow_markers(iam: IAMClient, recorder: CallRecorder) -> None:
    """With one item per page, plan and revoke still see every tag and attachment."""

    def one_per_page(params: dict[str, Any], **_: Any) -> None:
        params["MaxItems"] = 1

    iam.meta.events.register("provide-client-params.iam.ListRoleTags", one_per_page)
    iam.meta.events.register("provide-client-params.iam.ListAttachedRolePolicies", one_per_page)
    spec = full_spec()
    create(iam, spec, retry=NO_WAIT)
    recorder.reset()

    assert plan(iam, spec, retry=NO_WAIT).is_empty
    assert 3 <= recorder.calls.count("ListRoleTags")
    assert 2 <= recorder.calls.count("ListAttachedRolePolicies")
    assert 2 == len(revoke(iam, "AcmeAudit", retry=NO_WAIT).detached_managed_policies)


def test_inline_policy_and_instance_profile_lists_follow_markers() -> None:
    """ListRolePolicies and ListInstanceProfilesForRole pages are followed (moto does not page
    them, so botocore's Stubber plays IAM)."""
    client = iam_client()
    role = {
        "Path": "/",
        "RoleName": "Paged",
        "RoleId": "AROAEXAMPLEEXAMPLE01",
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/Paged",
        "CreateDate": "2026-01-01T00:00:00Z",
        "AssumeRolePolicyDocument": trust_policy(EXTERNAL_ID).to_json(),
        "MaxSessionDuration": 3600,
    }
    managed = [{"Key": MANAGED_TAG_KEY, "Value": MANAGED_TAG_VALUE}]
    read = identity_policy("s3:GetObject").to_json()
    with Stubber(client) as stub:
        stub.add_response("get_role", {"Role": role}, {"RoleName": "Paged"})
        stub.add_response("list_role_tags", {"Tags": managed, "IsTruncated": False})
        stub.add_response(
            "list_role_policies", {"PolicyNames": ["A"], "IsTruncated": True, "Marker": "m1"}
        )
        stub.add_response(
            "list_role_policies",
            {"PolicyNames": ["B"], "IsTruncated": False},
            {"RoleName": "Paged", "Marker": "m1"},
        )
        stub.add_response("list_attached_role_policies", {"AttachedPolicies": []})
        for name in ("A", "B"):
            stub.add_response(
                "get_role_policy", {"RoleName": "Paged", "PolicyName": name, "PolicyDocument": read}
            )
        spec = RoleSpec(
            role_name="Paged",
            trust_policy=trust_policy(EXTERNAL_ID),
            inline_policies={
                "A": identity_policy("s3:GetObject"),
                "B": identity_policy("s3:GetObject"),
            },
        )
        assert plan(client, spec, retry=NO_WAIT).is_empty

        stub.add_response("list_role_policies", {"PolicyNames": []})
        stub.add_response("list_attached_role_policies", {"AttachedPolicies": []})
        profile = {
            "Path": "/",
            "InstanceProfileId": "AIPAEXAMPLEEXAMPLE01",
            "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/P1",
            "CreateDate": "2026-01-01T00:00:00Z",
            "Roles": [],
        }
        stub.add_response(
            "list_instance_profiles_for_role",
            {
                "InstanceProfiles": [{**profile, "InstanceProfileName": "P1"}],
                "IsTruncated": True,
                "Marker": "m2",
            },
        )
        stub.add_response(
            "list_instance_profiles_for_role",
            {"InstanceProfiles": [{**profile, "InstanceProfileName": "P2"}], "IsTruncated": False},
            {"RoleName": "Paged", "Marker": "m2"},
        )
        for _ in ("P1", "P2"):
            stub.add_response("remove_role_from_instance_profile", {})
        stub.add_response("delete_role", {})
        session = provisioning._Session(client, NO_WAIT)
        progress = provisioning._Revocation("Paged")
        assert provisioning._strip_and_delete(session, progress)
        assert ["P1", "P2"] == progress.profiles


def test_a_pagination_marker_given_twice_is_an_error_not_an_endless_loop() -> None:
    """An IAM answer that repeats its marker would page forever; it is an AWSError instead."""
    calls: list[str | None] = []

    def fetch(marker: str | None) -> dict[str, object]:
        calls.append(marker)
        return {"PolicyNames": ["P"], "IsTruncated": True, "Marker": "again"}

    session = provisioning._Session(iam_client(), NO_WAIT)
    with pytest.raises(AWSError) as caught:
        session.pages("ListRolePolicies", fetch, "PolicyNames")

    assert ("RepeatedMarker", "ListRolePolicies") == (caught.value.code, caught.value.operation)
    assert [None, "again"] == calls


# --- retry policy ----------------------------------------------------------------------------


def _client_error(code: str, status: int = 400) -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": "x"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "GetRole")


def test_backoff_is_exponential_jittered_and_capped() -> None:
    """Waits double up to the cap and are scaled by the random factor."""
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, random=lambda: 0.5)

    assert [0.25, 0.5, 1.0, 1.5, 1.5] == [policy.delay(n) for n in range(1, 6)]


def test_transient_errors_are_retried_until_success() -> None:
    """Throttling, 5xx and ConcurrentModification are retried with the policy's waits."""
    waits: list[float] = []
    policy = RetryPolicy(attempts=5, base_delay=1.0, sleep=waits.append, random=lambda: 1.0)
    answers: list[Exception] = [
        _client_error("Throttling"),
        _client_error("SomethingNew", 502),
        _client_error("ConcurrentModification", 409),
    ]

    def call() -> str:
        if answers:
            raise answers.pop(0)
        return "done"

    assert "done" == call_with_retry(policy, "GetRole", call)
    assert [1.0, 2.0, 4.0] == waits


def test_retries_are_bounded() -> None:
    """After the last attempt the error is raised, wrapped, with botocore's as its cause."""
    calls = []

    def call() -> None:
        calls.append(True)
        raise _client_error("Throttling")

    with pytest.raises(AWSError) as caught:
        call_with_retry(RetryPolicy(attempts=3, sleep=lambda _s: None), "GetRole", call)

    assert 3 == len(calls)
    assert "Throttling" == caught.value.code
    assert isinstance(caught.value.__cause__, ClientError)


def test_permanent_errors_are_not_retried() -> None:
    """AccessDenied is raised at once."""
    calls = []

    def call() -> None:
        calls.append(True)
        raise _client_error("AccessDenied", 403)

    with pytest.raises(AWSError, match="GetRole failed with AccessDenied: x"):
        call_with_retry(NO_WAIT, "GetRole", call)
    assert 1 == len(calls)


@pytest.mark.parametrize(
    "changes",
    [{"attempts": 0}, {"attempts": 21}, {"attempts": True}, {"base_delay": -1}, {"max_delay": "1"}],
)
def test_retry_policy_rejects_nonsense(changes: dict[str, Any]) -> None:
    """Attempts and delays are range-checked."""
    with pytest.raises(ValidationError):
        RetryPolicy(**changes)


def test_default_retry_policy_sleeps_with_jitter() -> None:
    """The default policy waits between 0 and base_delay * 2**(n-1) seconds."""
    policy = RetryPolicy()

    assert all(0 <= policy.delay(n) <= min(5.0, 0.2 * 2 ** (n - 1)) for n in range(1, 8))


# --- properties ------------------------------------------------------------------------------

_POLICY_POOL = ("AuditOne", "AuditTwo", "AuditThree", "Boundary")
_tag_keys = st.sampled_from(["team", "Team2", "env", "cost-center", "owner", "app:name"])


@st.composite
def moto_specs(draw: st.DrawFn, name: str = "Generated", path: str = "/") -> RoleSpec:
    """Specs whose documents moto's policy validator accepts."""
    inline = draw(
        st.dictionaries(
            st.sampled_from(["Read", "Write", "List", "Admin"]),
            pst.documents(use="identity", moto=True),
            max_size=2,
        )
    )
    external_ids = draw(
        st.lists(
            st.sampled_from([EXTERNAL_ID, NEXT_EXTERNAL_ID, "ext-3"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    return RoleSpec(
        role_name=name,
        path=path,
        trust_policy=trust_policy(*external_ids),
        inline_policies=inline,
        managed_policy_arns=[
            managed_arn(p) for p in draw(st.sets(st.sampled_from(_POLICY_POOL[:3])))
        ],
        permissions_boundary=draw(st.none() | st.sampled_from(_POLICY_POOL).map(managed_arn)),
        description=draw(st.text("abc XYZ.-", max_size=30)),
        max_session_duration=draw(st.sampled_from([3600, 7200, 43200])),
        tags=draw(st.dictionaries(_tag_keys, st.text("abc123 ", max_size=8), max_size=4)),
    )


@pytest.fixture(scope="module")
def shared_iam() -> IAMClient:
    """One client for the property tests; each example starts its own moto state."""
    return iam_client()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=moto_specs(), second=moto_specs())
def test_apply_converges_from_any_managed_state(
    shared_iam: IAMClient, first: RoleSpec, second: RoleSpec
) -> None:
    """For any two specs of one role, applying the first and then the second leaves nothing to
    plan, and applying again writes nothing."""
    with mock_aws():
        make_policies(shared_iam)
        apply(shared_iam, first, retry=NO_WAIT)
        apply(shared_iam, second, retry=NO_WAIT)

        assert plan(shared_iam, second, retry=NO_WAIT).is_empty


# --- edge cases ------------------------------------------------------------------------------


def test_the_aws_package_loads_provisioning_names_lazily() -> None:
    """xaccess.aws resolves its names on first use and refuses unknown ones."""
    import xaccess.aws  # noqa: PLC0415

    assert provisioning.apply is xaccess.aws.apply
    assert {"apply", "create", "plan", "revoke", "RoleNotManaged"} <= set(dir(xaccess.aws))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = xaccess.aws.nothing


def test_plan_lists_a_path_change_that_apply_cannot_make(iam: IAMClient) -> None:
    """The review says why a path change is refused."""
    create(iam, full_spec(), retry=NO_WAIT)

    text = str(plan(iam, full_spec(path="/elsewhere/"), retry=NO_WAIT))

    assert "! path / -> /elsewhere/: IAM cannot move a role; revoke it and create it again" in text


def test_policies_boto3_could_not_decode_are_read_from_their_text() -> None:
    """URL-encoded JSON, plain JSON and invalid documents are all handled."""
    document = identity_policy("s3:GetObject")
    encoded = urllib.parse.quote(document.to_json(), safe="")

    assert document == provisioning._parse_policy(encoded)
    assert document == provisioning._parse_policy(document.to_json())
    assert '{"Statement": []}' == provisioning._parse_policy({"Statement": []})


def test_an_unexpected_role_arn_falls_back_to_the_aws_partition() -> None:
    """Canonical comparison needs a partition; an ARN that does not parse means aws."""
    observed = provisioning._Observed(
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


def test_a_policy_deleted_between_listing_and_reading_is_missing(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """GetRolePolicy answering NoSuchEntity means the policy is gone: plan puts it back."""
    create(iam, full_spec(), retry=NO_WAIT)
    recorder.reset(fail_at=5, code="NoSuchEntity")  # the first GetRolePolicy (List)

    result = plan(iam, full_spec(), retry=NO_WAIT)

    assert ["+ inline policy List"] == [str(c) for c in result.changes]


def test_a_failing_existence_check_is_reported(iam: IAMClient, recorder: CallRecorder) -> None:
    """When NoSuchEntity must be explained and GetRole then fails, that failure is reported."""
    create(iam, full_spec(), retry=NO_WAIT)
    # 6 reads, two detaches, the attach of a missing policy (NoSuchEntity), then GetRole.
    recorder.reset(fail_at=10, code="AccessDenied")

    with pytest.raises(ProvisioningError) as caught:
        apply(iam, full_spec(managed_policy_arns=[managed_arn("Missing")]), retry=NO_WAIT)

    assert ("AccessDenied", "GetRole") == (caught.value.code, caught.value.operation)


def test_apply_gives_up_when_the_role_keeps_appearing_and_vanishing(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """Reading finds no role, creating finds one, over and over: a bounded, clear failure."""
    flapping = {}
    for n in range(1, 9, 2):
        flapping[n] = "NoSuchEntity"
        flapping[n + 1] = "EntityAlreadyExists"
    recorder.reset(also=flapping)

    with pytest.raises(ProvisioningError) as caught:
        apply(iam, full_spec(), retry=NO_WAIT)

    assert ("ConcurrentModification", "converge") == (caught.value.code, caught.value.step)
    assert 8 == len(recorder.calls)


def _once(action: Callable[[], object]) -> Callable[..., None]:
    """An event handler that runs ``action`` the first time only."""
    done: list[bool] = []

    def handler(**_: Any) -> None:
        if not done:
            done.append(True)
            action()

    return handler


def test_create_rollback_counts_what_is_already_gone_as_rolled_back(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """An undo step answered NoSuchEntity (someone removed it first) has nothing to undo."""
    other = iam_client()
    remove_logs = _once(lambda: other.delete_role_policy(RoleName="AcmeAudit", PolicyName="Logs"))
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


def test_revoke_skips_parts_that_are_already_gone(iam: IAMClient) -> None:
    """NoSuchEntity while removing a part, or the role itself, is not an error."""
    create(iam, full_spec(), retry=NO_WAIT)
    other = iam_client()
    remove_logs = _once(lambda: other.delete_role_policy(RoleName="AcmeAudit", PolicyName="List"))
    delete_role = _once(lambda: other.delete_role(RoleName="AcmeAudit"))
    iam.meta.events.register("before-call.iam.DeleteRolePolicy", remove_logs)
    iam.meta.events.register("before-call.iam.DeleteRole", delete_role)

    result = revoke(iam, "AcmeAudit", retry=NO_WAIT)

    assert result.existed
    assert ("List", "Logs") == result.deleted_inline_policies
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
