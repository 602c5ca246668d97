"""Planning: plan() reads a role and lists what apply() would change, IAM's rewriting aside."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from tests.provisioning_support import (
    ACCOUNT,
    EXTERNAL_ID,
    NEXT_EXTERNAL_ID,
    NO_WAIT,
    VENDOR,
    CallRecorder,
    drift,
    drift_spec,
    full_spec,
    identity_policy,
    managed_arn,
    trust_policy,
)
from xaccess.aws.provisioning import (
    RoleCreation,
    TagChange,
    TrustPolicyChange,
    apply,
    create,
    plan,
)
from xaccess.errors import AWSError, ProvisioningError
from xaccess.policy import PolicyDocument
from xaccess.rolespec import MANAGED_TAG_KEY, MANAGED_TAG_VALUE, RoleSpec

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


def _unmanaged_role(iam: IAMClient, name: str, **extra: Any) -> None:
    iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=trust_policy(EXTERNAL_ID).to_json(), **extra
    )


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


def test_plan_lists_a_path_change_that_apply_cannot_make(iam: IAMClient) -> None:
    """The review says why a path change is refused."""
    create(iam, full_spec(), retry=NO_WAIT)

    text = str(plan(iam, full_spec(path="/elsewhere/"), retry=NO_WAIT))

    assert "! path / -> /elsewhere/: IAM cannot move a role; revoke it and create it again" in text


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
