"""Edge cases of provisioning: lost answers, the order of changes, IAM's rewriting, errors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import NoCredentialsError, ReadTimeoutError

from tests.provisioning_support import (
    ACCOUNT,
    EXTERNAL_ID,
    NEXT_EXTERNAL_ID,
    NO_WAIT,
    VENDOR,
    CallRecorder,
    full_spec,
    iam_client,
    identity_policy,
    managed_arn,
    trust_policy,
)
from xaccess.aws.provisioning import (
    TrustPolicyChange,
    apply,
    create,
    plan,
    revoke,
)
from xaccess.errors import AWSError, ProvisioningError
from xaccess.policy import PolicyDocument, Request, evaluate
from xaccess.rolespec import RoleSpec

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


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


# --- plan: IAM's rewriting is not a change, real differences are -------------------------------


def test_non_ascii_text_in_a_policy_round_trips_without_a_change(iam: IAMClient) -> None:
    """A resource with Latin-1 characters, sent \\u-escaped and stored decoded, is no change."""
    spec = RoleSpec(
        role_name="Accents",
        trust_policy=trust_policy(EXTERNAL_ID),
        inline_policies={
            "Read": identity_policy("s3:GetObject", resource="arn:aws:s3:::caf\xe9/*")
        },
    )
    create(iam, spec, retry=NO_WAIT)

    assert plan(iam, spec, retry=NO_WAIT).is_empty


@pytest.mark.parametrize(
    "condition",
    [
        {"StringLike": {"sts:ExternalId": EXTERNAL_ID}},
        {"StringEqualsIfExists": {"sts:ExternalId": EXTERNAL_ID}},
        {"StringEquals": {"sts:ExternalId": [EXTERNAL_ID, NEXT_EXTERNAL_ID]}},
        {"StringEquals": {"sts:ExternalId": EXTERNAL_ID.upper()}},
        None,
    ],
    ids=["like", "if-exists", "extra-id", "other-case", "no-condition"],
)
def test_a_weakened_trust_policy_is_a_change_and_apply_restores_it(
    iam: IAMClient, condition: dict[str, Any] | None
) -> None:
    """Another operator, another or a missing external ID shows in the plan and is repaired."""
    spec = full_spec()
    create(iam, spec, retry=NO_WAIT)
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": VENDOR},
        "Action": "sts:AssumeRole",
    }
    if condition is not None:
        statement["Condition"] = condition
    iam.update_assume_role_policy(
        RoleName="AcmeAudit",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )

    changes = plan(iam, spec, retry=NO_WAIT).changes

    assert [TrustPolicyChange] == [type(c) for c in changes]
    apply(iam, spec, retry=NO_WAIT)
    assert plan(iam, spec, retry=NO_WAIT).is_empty


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


# --- errors ----------------------------------------------------------------------------------


def test_missing_credentials_are_a_wrapped_error(iam: IAMClient) -> None:
    """NoCredentialsError is not retried and comes out as an AWSError keeping it as cause."""
    calls: list[bool] = []

    def no_credentials(**_: Any) -> None:
        calls.append(True)
        raise NoCredentialsError

    iam.meta.events.register("before-call.iam.*", no_credentials)

    with pytest.raises(AWSError) as caught:
        revoke(iam, "AcmeAudit", retry=NO_WAIT)

    assert [True] == calls
    assert ("NoCredentialsError", "GetRole") == (caught.value.code, caught.value.operation)
    assert isinstance(caught.value.__cause__, NoCredentialsError)
