"""Applying a spec: the order of changes, drift repair, adoption, rotation, convergence."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
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
    full_spec,
    iam_client,
    identity_policy,
    make_policies,
    managed_arn,
    trust_policy,
)
from xaccess.aws.provisioning import (
    InlinePolicyChange,
    PathChange,
    PermissionsBoundaryChange,
    RoleNotManaged,
    SettingChange,
    TrustPolicyChange,
    apply,
    create,
    plan,
    revoke,
)
from xaccess.errors import ProvisioningError
from xaccess.policy import PolicyDocument, Request, evaluate
from xaccess.rolespec import MANAGED_TAG_KEY, MANAGED_TAG_VALUE, RoleSpec
from xaccess.testing import session_for, strict_sts

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


def _tags(iam: IAMClient, name: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}


def _unmanaged_role(iam: IAMClient, name: str, **extra: Any) -> None:
    iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=trust_policy(EXTERNAL_ID).to_json(), **extra
    )


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


# --- apply: no intermediate state grants more than the old or the new state -------------------


def _make_document_policy(iam: IAMClient, name: str, action: str) -> str:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
    }
    return iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))["Policy"]["Arn"]


def _allows(name: str, action: str) -> bool:
    """Whether a session of role ``name``, as IAM holds it now, may do ``action`` on ``*``."""
    reader = iam_client()
    role = reader.get_role(RoleName=name)["Role"]
    documents = [
        PolicyDocument.from_dict(
            reader.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
        )
        for policy in reader.list_role_policies(RoleName=name)["PolicyNames"]
    ]

    def managed(arn: str) -> PolicyDocument:
        version = reader.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        got = reader.get_policy_version(PolicyArn=arn, VersionId=version)
        document = got["PolicyVersion"]["Document"]
        return PolicyDocument.from_dict(document if isinstance(document, dict) else {})

    documents += [
        managed(p["PolicyArn"])
        for p in reader.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    ]
    boundary_arn = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
    decision = evaluate(
        Request(
            principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/probe",
            action=action,
            resource="*",
        ),
        identity_policies=documents,
        permissions_boundary=None if boundary_arn is None else managed(boundary_arn),
    )
    return decision.allowed


def _watch(iam: IAMClient, name: str, action: str) -> list[tuple[str, bool]]:
    """After every write call, record whether the role may do ``action``."""
    seen: list[tuple[str, bool]] = []

    def probe(model: Any, **_: Any) -> None:
        if not model.name.startswith(("Get", "List")):
            seen.append((model.name, _allows(name, action)))

    iam.meta.events.register("after-call.iam.*", probe)
    return seen


@pytest.mark.parametrize(
    ("new_boundary", "new_name"),
    [(None, "Read"), ("AllowAll", "Read"), (None, "Admin"), ("AllowAll", "Admin")],
)
def test_changing_the_boundary_never_grants_what_neither_state_grants(
    iam: IAMClient, new_boundary: str | None, new_name: str
) -> None:
    """Removing or widening the boundary while removing or rewriting a broad policy never
    exposes that policy unbounded, not even between two calls."""
    _make_document_policy(iam, "AllowAll", "*")
    boundary = _make_document_policy(iam, "ReadBoundary", "s3:GetObject")
    old = RoleSpec(
        role_name="Bounded",
        trust_policy=trust_policy(EXTERNAL_ID),
        inline_policies={"Admin": identity_policy("iam:*", resource="*")},
        permissions_boundary=boundary,
    )
    new = RoleSpec(
        role_name="Bounded",
        trust_policy=trust_policy(EXTERNAL_ID),
        inline_policies={new_name: identity_policy("s3:GetObject", resource="*")},
        permissions_boundary=new_boundary and managed_arn(new_boundary),
    )
    create(iam, old, retry=NO_WAIT)
    assert not _allows("Bounded", "iam:CreateUser")
    seen = _watch(iam, "Bounded", "iam:CreateUser")

    apply(iam, new, retry=NO_WAIT)

    assert not _allows("Bounded", "iam:CreateUser")
    assert _allows("Bounded", "s3:GetObject")
    assert len(seen) >= 2
    assert [] == [operation for operation, allowed in seen if allowed]


def test_setting_a_boundary_comes_before_adding_permissions(iam: IAMClient) -> None:
    """A new boundary bounds the new permissions from the moment they are added."""
    boundary = _make_document_policy(iam, "ReadBoundary", "s3:GetObject")
    create(iam, RoleSpec(role_name="Later", trust_policy=trust_policy(EXTERNAL_ID)), retry=NO_WAIT)
    seen = _watch(iam, "Later", "iam:CreateUser")

    apply(
        iam,
        RoleSpec(
            role_name="Later",
            trust_policy=trust_policy(EXTERNAL_ID),
            inline_policies={"Admin": identity_policy("iam:*", resource="*")},
            permissions_boundary=boundary,
        ),
        retry=NO_WAIT,
    )

    assert ["PutRolePermissionsBoundary", "PutRolePolicy"] == [op for op, _ in seen]
    assert [] == [operation for operation, allowed in seen if allowed]


def test_a_trust_policy_without_the_external_id_is_tightened_first(iam: IAMClient) -> None:
    """Converging a role whose trust policy lacks the external ID fixes the trust policy
    before any other write."""
    loose = PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    create(iam, full_spec(), retry=NO_WAIT)
    iam.update_assume_role_policy(RoleName="AcmeAudit", PolicyDocument=loose.to_json())
    iam.put_role_policy(
        RoleName="AcmeAudit", PolicyName="Extra", PolicyDocument=identity_policy("s3:*").to_json()
    )
    recorder = CallRecorder().install(iam)

    apply(iam, full_spec(description="changed"), retry=NO_WAIT)

    assert "UpdateAssumeRolePolicy" == recorder.writes[0]
