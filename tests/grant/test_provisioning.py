"""ThirdPartyGrant.create / plan / apply: a grant provisioned end to end, judged by strict STS."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from tests.provisioning_support import (
    ACCOUNT,
    EXTERNAL_ID,
    NEXT_EXTERNAL_ID,
    NO_WAIT,
    VENDOR,
    CallRecorder,
)
from xaccess import AccountQuotas, ThirdPartyGrant
from xaccess.aws.provisioning import InlinePolicyChange, TrustPolicyChange
from xaccess.errors import PolicySizeError, RoleNotManaged, ValidationError
from xaccess.policy import PolicyDocument
from xaccess.rolespec import MANAGED_TAG_KEY
from xaccess.testing import session_for, strict_sts

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

SCANNER = f"arn:aws:iam::{VENDOR}:role/Scanner"
LOGS = ["arn:aws:s3:::acme-logs", "arn:aws:s3:::acme-logs/*"]


def _grant(external_id: str = EXTERNAL_ID) -> ThirdPartyGrant:
    return ThirdPartyGrant(
        role_name="AcmeAuditAccess",
        trusted_principal=SCANNER,
        external_id=external_id,
        description="Read access for Example Vendor",
    ).allow(["s3:GetObject", "s3:ListBucket"], LOGS)


def _assume(role_arn: str, external_id: str | None) -> str:
    """Assume the role as the vendor's Scanner role; return "allowed" or STS's error code."""
    sts = session_for(SCANNER).client("sts")
    try:
        if external_id is None:
            sts.assume_role(RoleArn=role_arn, RoleSessionName="audit")
        else:
            sts.assume_role(RoleArn=role_arn, RoleSessionName="audit", ExternalId=external_id)
    except ClientError as err:
        return str(err.response["Error"]["Code"])
    return "allowed"


def test_create_puts_the_grants_documents_in_iam(iam: IAMClient) -> None:
    """The role IAM holds after create() has the grant's trust policy, policies and tags."""
    grant = _grant()

    role = grant.create(iam, retry=NO_WAIT)

    stored = iam.get_role(RoleName="AcmeAuditAccess")["Role"]
    assert (role.role_arn, True) == (grant.role_arn(ACCOUNT), role.created)
    assert grant.trust_policy() == PolicyDocument.from_dict(stored["AssumeRolePolicyDocument"])
    assert "Read access for Example Vendor" == stored["Description"]
    (policy,) = grant.permission_policies()
    assert [policy.name] == iam.list_role_policies(RoleName="AcmeAuditAccess")["PolicyNames"]
    text = iam.get_role_policy(RoleName="AcmeAuditAccess", PolicyName=policy.name)
    assert policy.document == PolicyDocument.from_dict(text["PolicyDocument"])
    tags = iam.list_role_tags(RoleName="AcmeAuditAccess")["Tags"]
    assert MANAGED_TAG_KEY in {tag["Key"] for tag in tags}


def test_after_create_the_plan_is_empty_and_apply_writes_nothing(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """plan() after create() finds nothing to change, and apply() makes only read calls."""
    grant = _grant()
    grant.create(iam, retry=NO_WAIT)
    recorder.reset()

    assert grant.plan(iam, retry=NO_WAIT).is_empty
    result = grant.apply(iam, retry=NO_WAIT)

    assert ((), False) == (result.changes, result.created)
    assert [] == recorder.writes
    assert recorder.calls  # it did read the role


def test_apply_creates_a_missing_role_and_converges_a_changed_grant(iam: IAMClient) -> None:
    """apply() creates the role first time, then changes exactly what the grant changed."""
    created = _grant().apply(iam, retry=NO_WAIT)
    widened = _grant().allow("s3:GetObjectVersion", LOGS[1])

    changed = widened.apply(iam, retry=NO_WAIT)

    assert created.created
    assert not changed.created
    assert [InlinePolicyChange] == [type(change) for change in changed.changes]
    assert widened.plan(iam, retry=NO_WAIT).is_empty


def test_rotating_the_external_id_through_the_grant_never_locks_the_vendor_out(
    iam: IAMClient,
) -> None:
    """The rotation recipe on the grant: add the new ID, apply; remove the old, apply.

    With strict STS, each stage admits exactly the external IDs it trusts, and never a caller
    without one.
    """
    grant = _grant()
    arn = grant.apply(iam, retry=NO_WAIT).role_arn

    with strict_sts():
        assert ("allowed", "AccessDenied", "AccessDenied") == (
            _assume(arn, EXTERNAL_ID),
            _assume(arn, NEXT_EXTERNAL_ID),
            _assume(arn, None),
        )

        overlap = grant.add_external_id(NEXT_EXTERNAL_ID)
        step_one = overlap.apply(iam, retry=NO_WAIT)
        assert [TrustPolicyChange] == [type(change) for change in step_one.changes]
        assert ("allowed", "allowed", "AccessDenied") == (
            _assume(arn, EXTERNAL_ID),
            _assume(arn, NEXT_EXTERNAL_ID),
            _assume(arn, None),
        )

        rotated = overlap.remove_external_id(EXTERNAL_ID)
        step_two = rotated.apply(iam, retry=NO_WAIT)
        assert [TrustPolicyChange] == [type(change) for change in step_two.changes]
        assert ("AccessDenied", "allowed", "AccessDenied") == (
            _assume(arn, EXTERNAL_ID),
            _assume(arn, NEXT_EXTERNAL_ID),
            _assume(arn, None),
        )


def test_apply_refuses_a_role_it_does_not_manage_unless_adopting(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """A same-named role made by someone else is left alone unless adopt=True."""
    grant = _grant()
    iam.create_role(
        RoleName="AcmeAuditAccess", AssumeRolePolicyDocument=grant.trust_policy().to_json()
    )
    recorder.reset()

    with pytest.raises(RoleNotManaged):
        grant.apply(iam, retry=NO_WAIT)
    assert [] == recorder.writes

    adopted = grant.apply(iam, adopt=True, retry=NO_WAIT)
    assert not adopted.created
    assert grant.plan(iam, retry=NO_WAIT).is_empty


def test_a_grant_that_cannot_be_built_never_reaches_aws(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """A grant whose trust policy is over quota, or has no external ID, makes no AWS call."""
    too_big = ThirdPartyGrant(
        role_name="AcmeAuditAccess",
        trusted_principal=SCANNER,
        external_id=[f"{i:02d}" + "x" * 1000 for i in range(3)],
    )
    no_external_id = ThirdPartyGrant(role_name="AcmeAuditAccess", trusted_account=VENDOR)

    for grant, error in ((too_big, PolicySizeError), (no_external_id, ValidationError)):
        for provision in (grant.create, grant.plan, grant.apply):
            with pytest.raises(error):
                provision(iam, retry=NO_WAIT)

    assert [] == recorder.calls


def test_a_raised_trust_quota_reaches_provisioning(iam: IAMClient) -> None:
    """A grant for an account with a raised trust quota provisions its larger trust policy."""
    grant = ThirdPartyGrant(
        role_name="AcmeAuditAccess",
        trusted_principal=SCANNER,
        external_id=[f"{i:02d}" + "x" * 700 for i in range(3)],
        trust_policy_quota=4096,
    )
    assert grant.trust_policy().size() > 2048

    grant.create(iam, retry=NO_WAIT)

    stored = iam.get_role(RoleName="AcmeAuditAccess")["Role"]["AssumeRolePolicyDocument"]
    assert grant.trust_policy() == PolicyDocument.from_dict(stored)


@pytest.mark.parametrize("method", ["create", "plan", "apply"])
def test_a_grant_trusting_the_roles_own_account_is_refused_before_any_write(
    iam: IAMClient, recorder: CallRecorder, method: str
) -> None:
    """create/plan/apply refuse a grant whose trustee is the IAM client's own account."""
    grant = ThirdPartyGrant(
        role_name="AcmeAuditAccess", trusted_account=ACCOUNT, external_id=EXTERNAL_ID
    ).allow(["s3:GetObject"], LOGS)

    with pytest.raises(ValidationError, match=ACCOUNT):
        getattr(grant, method)(iam, retry=NO_WAIT)

    assert [] == recorder.writes
    assert [] == iam.list_roles()["Roles"]


def test_a_grant_over_the_managed_policies_quota_never_reaches_aws(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """Statements that need more managed policies than the quota allow make no AWS call."""
    grant = _grant().with_quotas(AccountQuotas(managed_policies_per_role=1))
    for i in range(400):
        grant = grant.allow(
            f"s3:Get{i}", f"arn:aws:s3:::acme-archive-{i:03d}/*", check_actions=False
        )

    for provision in (grant.create, grant.plan, grant.apply):
        with pytest.raises(PolicySizeError):
            provision(iam, retry=NO_WAIT)

    assert [] == recorder.calls


def test_live_quotas_reach_create_and_its_managed_policies(iam: IAMClient) -> None:
    """create(quotas=...) lays the grant out by those quotas and makes its managed policies."""
    grant = _grant()
    for i in range(12):
        grant = grant.allow(
            f"s3:Get{i}", f"arn:aws:s3:::acme-archive-{i:03d}/*", check_actions=False
        )
    quotas = AccountQuotas(inline_policies_size=400, managed_policy_size=400)

    role = grant.create(iam, quotas=quotas, retry=NO_WAIT)

    attached = iam.list_attached_role_policies(RoleName="AcmeAuditAccess")["AttachedPolicies"]
    names = sorted(p["PolicyName"] for p in attached)
    assert names[0] == "AcmeAuditAccess-managed-0"
    assert len(names) == len(
        [p for p in grant.permission_policies(quotas=quotas) if p.kind == "managed"]
    )
    assert role.created
    assert grant.plan(iam, quotas=quotas, retry=NO_WAIT).is_empty
    assert not grant.plan(iam, retry=NO_WAIT).is_empty  # the default quotas fit it inline
