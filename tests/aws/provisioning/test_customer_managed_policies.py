"""Large grants: the customer-managed policies create, plan, apply and revoke make and own.

Fault injection covers every IAM call of create, apply and revoke with customer-managed
policies: each either recovers, or fails with the role and its policies rolled back (create),
or fails in a state that grants nothing neither spec grants, and running it again finishes
(apply, revoke).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final

import pytest

from tests.provisioning_support import (
    ACCOUNT,
    NO_WAIT,
    SMALL_QUOTAS,
    CallRecorder,
    large_grant,
    large_spec,
    moto_iam_restore,
    moto_iam_snapshot,
    owned_policy_names,
    role_documents,
)
from xaccess.aws.provisioning import OwnedPolicyChange, apply, create, plan, revoke
from xaccess.errors import ProvisioningError
from xaccess.policy import PolicyDocument, Request, evaluate

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_iam import IAMClient

    from xaccess.rolespec import RoleSpec

OLD: Final = range(8)
NEW: Final = range(4, 14)
#: (code, consecutive failures, whether a retry absorbs it)
FAULTS: Final = (("Throttling", 2, True), ("AccessDenied", 1, False))


def _arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/vendor/{name}"


@functools.cache
def _requests() -> tuple[Request, ...]:
    return tuple(
        Request(
            principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/Big/session",
            action=action,
            resource=resource,
        )
        for i in range(16)
        for action in (f"s3:Get{i}", f"s3:List{i % 3}", "s3:DeleteBucket")
        for resource in (f"arn:aws:s3:::b{i}/k0", f"arn:aws:s3:::b{i}/k2", "arn:aws:s3:::b99")
    )


def _allowed(documents: list[PolicyDocument]) -> set[Request]:
    return {r for r in _requests() if evaluate(r, identity_policies=documents).allowed}


def _spec_allows(spec: RoleSpec) -> set[Request]:
    documents = [d for _, d in spec.inline_policies] + [d for _, d in spec.managed_policies]
    return _allowed(documents)


def test_create_makes_tagged_policies_under_the_role_path_and_attaches_them(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """create() makes each customer-managed policy, tagged as xaccess's, and attaches it."""
    spec = large_spec("Big", OLD)
    assert 2 == len(spec.managed_policies)

    role = create(iam, spec, retry=NO_WAIT)

    names = ["Big-managed-0", "Big-managed-1"]
    assert [_arn(n) for n in names] == sorted(
        p["PolicyArn"]
        for p in iam.list_attached_role_policies(RoleName="Big")["AttachedPolicies"]
        if "Big-managed" in p["PolicyArn"]
    )
    tags = iam.list_policy_tags(PolicyArn=_arn(names[0]))["Tags"]
    assert {("xaccess:managed", "true"), ("xaccess:role", "Big")} <= {
        (t["Key"], t["Value"]) for t in tags
    }
    assert "/vendor/" == iam.get_policy(PolicyArn=_arn(names[1]))["Policy"]["Path"]
    assert 2 == sum(isinstance(c, OwnedPolicyChange) for c in role.changes)
    assert _spec_allows(spec) == _allowed(role_documents(iam, "Big"))
    recorder.reset()
    assert apply(iam, spec, retry=NO_WAIT).changes == ()
    assert [] == recorder.writes


def test_apply_updates_versions_adds_and_removes_policies_then_makes_no_writes(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """A changed packing gives new default versions, new policies and deleted ones; a second
    apply makes no write."""
    create(iam, large_spec("Big", OLD), retry=NO_WAIT)
    grown = large_spec("Big", range(20))
    assert len(grown.managed_policies) > 2

    apply(iam, grown, retry=NO_WAIT)

    assert _spec_allows(grown) == _allowed(role_documents(iam, "Big"))
    versions = iam.list_policy_versions(PolicyArn=_arn("Big-managed-0"))["Versions"]
    assert 2 == len(versions)
    recorder.reset()
    assert plan(iam, grown, retry=NO_WAIT).is_empty
    assert apply(iam, grown, retry=NO_WAIT).changes == ()
    assert [] == recorder.writes
    apply(iam, large_spec("Big", OLD), retry=NO_WAIT)
    assert ["Big-managed-0", "Big-managed-1"] == [
        n for n in owned_policy_names(iam) if n.startswith("Big")
    ]


def test_apply_keeps_at_most_five_versions_deleting_the_oldest_non_default(
    iam: IAMClient,
) -> None:
    """At IAM's limit of five versions, the oldest non-default one is deleted first."""
    create(iam, large_spec("Big", OLD), retry=NO_WAIT)
    specs = [large_spec("Big", OLD), large_spec("Big", range(1, 9))]
    for round_ in range(7):
        apply(iam, specs[round_ % 2], retry=NO_WAIT)
        versions = iam.list_policy_versions(PolicyArn=_arn("Big-managed-0"))["Versions"]
        assert len(versions) <= 5
    ids = {v["VersionId"] for v in versions}
    assert "v1" not in ids
    assert plan(iam, specs[0], retry=NO_WAIT).is_empty


def test_plan_lists_policy_changes_with_their_diffs(iam: IAMClient) -> None:
    """plan() shows created, updated and deleted customer-managed policies."""
    create(iam, large_spec("Big", range(20)), retry=NO_WAIT)

    text = str(plan(iam, large_spec("Big", OLD), retry=NO_WAIT))

    assert "~ customer-managed policy /vendor/Big-managed-0 (new default version)" in text
    assert "- customer-managed policy /vendor/Big-managed-2" in text
    assert "- managed policy " + _arn("Big-managed-0") in text


def test_revoke_detaches_and_deletes_the_policies_and_is_idempotent(iam: IAMClient) -> None:
    """revoke() deletes the role's customer-managed policies with their versions."""
    create(iam, large_spec("Big", OLD), retry=NO_WAIT)
    apply(iam, large_spec("Big", range(1, 9)), retry=NO_WAIT)

    result = revoke(iam, "Big", retry=NO_WAIT)

    assert (_arn("Big-managed-0"), _arn("Big-managed-1")) == result.deleted_managed_policies
    assert [] == [n for n in owned_policy_names(iam) if n.startswith("Big")]
    assert not revoke(iam, "Big", retry=NO_WAIT).existed


def test_policies_of_the_same_name_without_xaccess_tags_are_left_alone(iam: IAMClient) -> None:
    """A policy named like the role's but not tagged as xaccess's is never touched."""
    document = PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:Get1", "Resource": "*"}],
        }
    )
    iam.create_policy(
        PolicyName="Small-managed-0", Path="/vendor/", PolicyDocument=document.to_json()
    )
    create(iam, large_spec("Small", range(1), deny=False), retry=NO_WAIT)

    revoke(iam, "Small", retry=NO_WAIT)

    assert "Small-managed-0" in owned_policy_names(iam)


def test_a_grant_lays_out_managed_policies_by_the_quotas_given() -> None:
    """grant.role_spec(quotas=...) carries the managed policies; the defaults need none."""
    grant = large_grant("Big", OLD)

    assert () == grant.role_spec().managed_policies
    assert 2 == len(grant.role_spec(quotas=SMALL_QUOTAS).managed_policies)


# --- fault injection ----------------------------------------------------------------------


def _failure(run: Callable[[], object]) -> ProvisioningError | None:
    """The ProvisioningError ``run`` raises, or ``None``."""
    try:
        run()
    except ProvisioningError as err:
        return err
    return None


def _calls(iam: IAMClient, run: object) -> list[str]:
    recorder = CallRecorder().install(iam)
    recorder.reset()
    run()  # type: ignore[operator]
    return list(recorder.calls)


@pytest.mark.parametrize(("code", "times", "recovers"), FAULTS)
def test_create_with_managed_policies_rolls_back_whichever_call_fails(
    iam: IAMClient, code: str, times: int, recovers: bool
) -> None:
    """A fault at any call of create is retried away or leaves neither role nor policy."""
    spec = large_spec("Big", OLD)
    snapshot = moto_iam_snapshot()
    calls = _calls(iam, lambda: create(iam, spec, retry=NO_WAIT))
    assert 2 == calls.count("CreatePolicy")
    recorder = CallRecorder().install(iam)
    for n in range(1, len(calls) + 1):
        moto_iam_restore(snapshot)
        recorder.reset(fail_at=n, code=code, times=times)
        where = f"create, call {n} ({calls[n - 1]}) fails with {code}"
        err = _failure(lambda: create(iam, spec, retry=NO_WAIT))
        recorder.reset()
        if err is not None:
            assert not recovers, where
            assert (code, calls[n - 1]) == (err.code, err.operation), where
            assert () == err.left_behind, where
            assert [] == [p for p in owned_policy_names(iam) if p.startswith("Big")], where
            assert "Big" not in {r["RoleName"] for r in iam.list_roles()["Roles"]}, where
        else:
            assert recovers, where
            assert plan(iam, spec, retry=NO_WAIT).is_empty, where


@pytest.mark.parametrize(("code", "times", "recovers"), FAULTS)
def test_apply_with_managed_policies_never_widens_and_converges_whichever_call_fails(
    iam: IAMClient, code: str, times: int, recovers: bool
) -> None:
    """A fault at any call of apply leaves the role granting nothing that neither the old nor
    the new spec grants; apply again converges it."""
    old, new = large_spec("Big", OLD), large_spec("Big", NEW)
    create(iam, old, retry=NO_WAIT)
    either = _spec_allows(old) | _spec_allows(new)
    snapshot = moto_iam_snapshot()
    calls = _calls(iam, lambda: apply(iam, new, retry=NO_WAIT))
    assert "CreatePolicyVersion" in calls
    recorder = CallRecorder().install(iam)
    for n in range(1, len(calls) + 1):
        moto_iam_restore(snapshot)
        recorder.reset(fail_at=n, code=code, times=times)
        where = f"apply, call {n} ({calls[n - 1]}) fails with {code}"
        err = _failure(lambda: apply(iam, new, retry=NO_WAIT))
        recorder.reset()
        if err is not None:
            assert not recovers, where
            assert (code, calls[n - 1]) == (err.code, err.operation), where
            assert _allowed(role_documents(iam, "Big")) <= either, where
            apply(iam, new, retry=NO_WAIT)
        recorder.reset()
        assert plan(iam, new, retry=NO_WAIT).is_empty, where
        assert _spec_allows(new) == _allowed(role_documents(iam, "Big")), where


@pytest.mark.parametrize(("code", "times", "recovers"), FAULTS)
def test_revoke_with_managed_policies_finishes_on_retry_whichever_call_fails(
    iam: IAMClient, code: str, times: int, recovers: bool
) -> None:
    """A fault at any call of revoke is retried away, or revoke again removes every policy."""
    create(iam, large_spec("Big", OLD), retry=NO_WAIT)
    apply(iam, large_spec("Big", NEW), retry=NO_WAIT)
    snapshot = moto_iam_snapshot()
    calls = _calls(iam, lambda: revoke(iam, "Big", retry=NO_WAIT))
    assert "DeletePolicyVersion" in calls
    recorder = CallRecorder().install(iam)
    for n in range(1, len(calls) + 1):
        moto_iam_restore(snapshot)
        recorder.reset(fail_at=n, code=code, times=times)
        where = f"revoke, call {n} ({calls[n - 1]}) fails with {code}"
        err = _failure(lambda: revoke(iam, "Big", retry=NO_WAIT))
        recorder.reset()
        if err is not None:
            assert not recovers, where
            assert (code, calls[n - 1]) == (err.code, err.operation), where
            revoke(iam, "Big", retry=NO_WAIT)
        recorder.reset()
        assert [] == [p for p in owned_policy_names(iam) if p.startswith("Big")], where
        assert "Big" not in {r["RoleName"] for r in iam.list_roles()["Roles"]}, where


def test_apply_refuses_before_any_write_when_a_foreign_policy_has_a_needed_name(
    iam: IAMClient,
) -> None:
    """A managed policy name taken by a policy xaccess did not make stops apply() before writing.

    This is a role deployed from a CloudFormation template of a large grant (whose policies
    carry no xaccess tags) and then applied to: apply() must neither detach the stack's
    policies nor fail half way on CreatePolicy.
    """
    create(iam, large_spec("Big", range(1), deny=False), retry=NO_WAIT)
    taken = iam.create_policy(
        PolicyName="Big-managed-0",
        Path="/vendor/",
        PolicyDocument=PolicyDocument.from_dict(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:Get1", "Resource": "*"}],
            }
        ).to_json(),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="Big", PolicyArn=taken)
    recorder = CallRecorder().install(iam)
    recorder.reset()

    with pytest.raises(ProvisioningError, match="Big-managed-0") as caught:
        apply(iam, large_spec("Big", OLD), retry=NO_WAIT)

    assert ("EntityAlreadyExists", []) == (caught.value.code, recorder.writes)
    attached = iam.list_attached_role_policies(RoleName="Big")["AttachedPolicies"]
    assert [taken] == [policy["PolicyArn"] for policy in attached]
