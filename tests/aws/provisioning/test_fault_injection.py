"""Fault injection: every IAM call that create, apply and revoke make fails in turn.

For each operation the calls it makes on a fault-free run are pinned first; then, for every
call number N and every fault, the Nth call answers with the fault (and, for a persistent
fault, so do its retries). The operation must then either finish with the spec fully in place
(the fault was transient and retried) or raise a ProvisioningError that names the step, the
operation and the AWS code, after which: for create, nothing of the role exists; for apply and
revoke, running the operation again finishes the job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeVar

import attrs
import pytest
from botocore.exceptions import ClientError

from tests.provisioning_support import (
    NO_WAIT,
    WRITE_PREFIXES,
    CallRecorder,
    drift,
    drift_spec,
    full_spec,
    managed_arn,
    moto_iam_restore,
    moto_iam_snapshot,
)
from xaccess.aws.provisioning import Change, apply, create, plan, revoke
from xaccess.errors import ProvisioningError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from mypy_boto3_iam import IAMClient


T = TypeVar("T")


@attrs.frozen
class Fault:
    """An error code, how many consecutive attempts answer with it, and whether xaccess should
    recover by retrying."""

    code: str
    times: int
    recovers: bool

    def __str__(self) -> str:
        return f"{self.code}x{self.times}"


FAULTS: Final = (
    Fault("Throttling", 2, recovers=True),
    Fault("ServiceFailure", NO_WAIT.attempts, recovers=False),  # every retry fails too
    Fault("LimitExceeded", 1, recovers=False),
    Fault("MalformedPolicyDocument", 1, recovers=False),
    Fault("AccessDenied", 1, recovers=False),
)
#: Transient faults that a single retry absorbs.
ONE_OFF_FAULTS: Final = (
    Fault("ServiceFailure", 1, recovers=True),
    Fault("ConcurrentModification", 1, recovers=True),
    Fault("ServiceUnavailable", 1, recovers=True),
)

CREATE_CALLS: Final = [
    "CreateRole",
    "PutRolePolicy",
    "PutRolePolicy",
    "AttachRolePolicy",
    "AttachRolePolicy",
]
APPLY_CALLS: Final = [
    "GetRole",
    "ListRoleTags",
    "ListRolePolicies",
    "ListAttachedRolePolicies",
    "GetRolePolicy",
    "GetRolePolicy",
    "UpdateAssumeRolePolicy",
    "UpdateRole",
    "DetachRolePolicy",
    "DeleteRolePolicy",
    "DeleteRolePolicy",  # Logs, whose old text must not meet the new boundary
    "PutRolePermissionsBoundary",
    "PutRolePolicy",
    "AttachRolePolicy",
    "UntagRole",
    "TagRole",
]
REVOKE_CALLS: Final = [
    "GetRole",
    "ListRoleTags",
    "ListRolePolicies",
    "ListAttachedRolePolicies",
    "ListInstanceProfilesForRole",
    "DeleteRolePolicy",
    "DeleteRolePolicy",
    "DetachRolePolicy",
    "DetachRolePolicy",
    "ListPolicies",
    "RemoveRoleFromInstanceProfile",
    "DeleteRole",
]


def _role_exists(iam: IAMClient, name: str) -> bool:
    return name in {role["RoleName"] for role in iam.list_roles()["Roles"]}


def _outcome(call: Callable[[], T]) -> tuple[T | None, ProvisioningError | None]:
    """Run ``call``; return its result, or the ProvisioningError it raised."""
    try:
        return call(), None
    except ProvisioningError as err:
        return None, err


def _check_error(err: ProvisioningError, fault: Fault, operation: str, where: str) -> None:
    """The error names the AWS code, the operation and the step, and keeps botocore's error."""
    assert (fault.code, operation) == (err.code, err.operation), where
    assert err.step, where
    assert err.step in str(err), where
    assert fault.code in str(err), where
    assert isinstance(err.__cause__, ClientError), where
    assert "testing" not in str(err), where  # the fake credentials never show


# --- create ----------------------------------------------------------------------------------


def _create_case(
    iam: IAMClient, recorder: CallRecorder, snapshot: object, n: int, fault: Fault
) -> str:
    moto_iam_restore(snapshot)
    name = "Created"
    spec = full_spec(name)
    recorder.reset(fail_at=n, code=fault.code, times=fault.times)
    where = f"create, call {n} ({CREATE_CALLS[n - 1]}) fails with {fault}"
    result, err = _outcome(lambda: create(iam, spec, retry=NO_WAIT))
    recorder.reset()
    if err is not None:
        assert not fault.recovers, f"{where}: {err}"
        _check_error(err, fault, CREATE_CALLS[n - 1], where)
        assert not _role_exists(iam, name), where
        assert () == err.left_behind, where
        if n == 1:
            assert () == err.rolled_back, where
            assert "Nothing was created" in str(err), where
        else:
            done = [f"inline policy {p}" for p in ("List", "Logs")] + [
                f"managed policy {managed_arn(p)}" for p in ("AuditOne", "AuditTwo")
            ]
            assert [*reversed(done[: n - 2]), f"role {name}"] == list(err.rolled_back), where
            assert "Rolled back" in str(err), where
        return "rolled back"
    assert fault.recovers, where
    assert result is not None, where
    assert result.created, where
    assert plan(iam, spec, retry=NO_WAIT).is_empty, where
    return "recovered"


@pytest.mark.parametrize("fault", FAULTS + ONE_OFF_FAULTS, ids=str)
def test_create_fails_cleanly_or_recovers_whichever_call_fails(
    iam: IAMClient, fault: Fault
) -> None:
    """A fault at any call of create is retried away or leaves no trace of the role."""
    recorder = CallRecorder().install(iam)
    snapshot = moto_iam_snapshot()
    create(iam, full_spec("Created"), retry=NO_WAIT)
    assert CREATE_CALLS == recorder.calls

    cases = range(1, len(CREATE_CALLS) + 1)
    outcomes = [_create_case(iam, recorder, snapshot, n, fault) for n in cases]

    expected = "recovered" if fault.recovers else "rolled back"
    assert [expected] * len(CREATE_CALLS) == outcomes


def test_create_reports_what_could_not_be_rolled_back(iam: IAMClient) -> None:
    """When the rollback fails too, left_behind names what remains and revoke removes it."""
    recorder = CallRecorder().install(iam)
    # Call 4 (the first attach) fails; the rollback then fails to delete the role.
    rollback = ["DeleteRolePolicy", "DeleteRolePolicy", "DeleteRole"]
    recorder.reset(fail_at=4, code="AccessDenied", also={4 + len(rollback): "AccessDenied"})

    with pytest.raises(ProvisioningError) as caught:
        create(iam, full_spec("Stuck"), retry=NO_WAIT)

    err = caught.value
    assert [*CREATE_CALLS[:4], *rollback] == recorder.calls
    assert ("inline policy Logs", "inline policy List") == err.rolled_back
    assert ("role Stuck (DeleteRole failed with AccessDenied)",) == err.left_behind
    assert "Could not roll back" in str(err)
    assert "revoke()" in str(err)
    recorder.reset()
    assert revoke(iam, "Stuck", retry=NO_WAIT).existed
    assert not _role_exists(iam, "Stuck")


# --- apply -----------------------------------------------------------------------------------


#: How many changes each write call of the drifted apply makes, in order: UpdateRole makes
#: two, and deleting Logs before the boundary is replaced is only half of changing it.
APPLY_STEP_SIZES: Final = (1, 2, 1, 1, 0, 1, 1, 1, 1, 1)


def _targets(changes: Sequence[Change]) -> list[tuple[object, ...]]:
    """What each change writes, whatever it found before: a policy deleted part way through
    being rewritten is then put as new rather than replaced."""
    return [
        (type(c).__name__, *(v for k, v in attrs.asdict(c, recurse=False).items() if k != "before"))
        for c in changes
    ]


def _apply_case(
    iam: IAMClient,
    recorder: CallRecorder,
    probe: tuple[object, tuple[Change, ...]],
    n: int,
    fault: Fault,
) -> str:
    """Apply with call ``n`` failing.

    The fault-free probe proved that its changes bring the role to the spec. So after a failure
    it is enough that apply again makes exactly the changes the failed run did not make: the
    role has then had the same writes as in the probe.
    """
    snapshot, all_changes = probe
    moto_iam_restore(snapshot)
    spec = drift_spec("Drifted")
    recorder.reset(fail_at=n, code=fault.code, times=fault.times)
    where = f"apply, call {n} ({APPLY_CALLS[n - 1]}) fails with {fault}"
    result, err = _outcome(lambda: apply(iam, spec, retry=NO_WAIT))
    calls = list(recorder.calls)
    recorder.reset()
    if err is not None:
        assert not fault.recovers, f"{where}: {err}"
        _check_error(err, fault, APPLY_CALLS[n - 1], where)
        assert APPLY_CALLS[: n - 1] == calls[: n - 1], where
        assert len(calls) == n - 1 + fault.times, f"{where}: no call after the failure"
        writes_before = [c for c in APPLY_CALLS[: n - 1] if c.startswith(WRITE_PREFIXES)]
        done = sum(APPLY_STEP_SIZES[: len(writes_before)])
        if not writes_before and not APPLY_CALLS[n - 1].startswith(WRITE_PREFIXES):
            assert "Nothing was changed" in str(err), where
        else:
            assert "Not applied" in str(err), where
        again = apply(iam, spec, retry=NO_WAIT)  # still managed: no adopt needed
        assert _targets(all_changes[done:]) == _targets(again.changes), where
        return "converged on retry"
    assert fault.recovers, where
    assert result is not None, where
    assert all_changes == result.changes, where
    return "recovered"


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_apply_on_a_drifted_role_fails_cleanly_or_recovers_whichever_call_fails(
    iam: IAMClient, fault: Fault
) -> None:
    """A fault at any call of apply is retried away, or named in the error; apply again then
    makes exactly the changes that were missing."""
    recorder = CallRecorder().install(iam)
    create(iam, drift_spec("Drifted"), retry=NO_WAIT)
    drift(iam, "Drifted")
    snapshot = moto_iam_snapshot()
    recorder.reset()
    probe = apply(iam, drift_spec("Drifted"), retry=NO_WAIT)
    assert APPLY_CALLS == recorder.calls
    assert 10 == len(probe.changes)
    assert plan(iam, drift_spec("Drifted"), retry=NO_WAIT).is_empty

    cases = range(1, len(APPLY_CALLS) + 1)
    outcomes = [_apply_case(iam, recorder, (snapshot, probe.changes), n, fault) for n in cases]

    expected = "recovered" if fault.recovers else "converged on retry"
    assert [expected] * len(APPLY_CALLS) == outcomes


# --- revoke ----------------------------------------------------------------------------------


def _revoke_setup(iam: IAMClient, name: str) -> None:
    create(iam, full_spec(name), retry=NO_WAIT)
    iam.create_instance_profile(InstanceProfileName=f"{name}Profile")
    iam.add_role_to_instance_profile(InstanceProfileName=f"{name}Profile", RoleName=name)


def _revoke_case(
    iam: IAMClient, recorder: CallRecorder, snapshot: object, n: int, fault: Fault
) -> str:
    moto_iam_restore(snapshot)
    name = "Revoked"
    recorder.reset(fail_at=n, code=fault.code, times=fault.times)
    where = f"revoke, call {n} ({REVOKE_CALLS[n - 1]}) fails with {fault}"
    result, err = _outcome(lambda: revoke(iam, name, retry=NO_WAIT))
    calls = list(recorder.calls)
    recorder.reset()
    if err is not None:
        assert not fault.recovers, f"{where}: {err}"
        _check_error(err, fault, REVOKE_CALLS[n - 1], where)
        assert len(calls) == n - 1 + fault.times, f"{where}: no call after the failure"
        assert f"role {name}" == err.left_behind[0], where
        # The role still exists and is still managed (no force needed); this run deletes it.
        assert revoke(iam, name, retry=NO_WAIT).existed, where
        assert not _role_exists(iam, name), where
        return "finished on retry"
    assert fault.recovers, where
    assert result is not None, where
    assert (("List", "Logs"), (f"{name}Profile",)) == (
        result.deleted_inline_policies,
        result.removed_from_instance_profiles,
    ), where
    assert not _role_exists(iam, name), where
    return "recovered"


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_revoke_fails_cleanly_or_recovers_whichever_call_fails(
    iam: IAMClient, fault: Fault
) -> None:
    """A fault at any call of revoke is retried away, or named in the error with what is still
    in place; revoke again then deletes the role."""
    recorder = CallRecorder().install(iam)
    _revoke_setup(iam, "Revoked")
    snapshot = moto_iam_snapshot()
    recorder.reset()
    revoke(iam, "Revoked", retry=NO_WAIT)
    assert REVOKE_CALLS == recorder.calls

    cases = range(1, len(REVOKE_CALLS) + 1)
    outcomes = [_revoke_case(iam, recorder, snapshot, n, fault) for n in cases]

    expected = "recovered" if fault.recovers else "finished on retry"
    assert [expected] * len(REVOKE_CALLS) == outcomes
