"""Fleet against the strict STS double: each customer's own external ID, enforced per target."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.aws.fleet_support import (
    REGION,
    SESSION_NAME,
    caller_arn,
    create_customer_role,
    customer_account,
    external_id,
    vendor_session,
)
from xaccess.aws.fleet import Fleet, Target
from xaccess.errors import AssumeRoleDenied, ValidationError

if TYPE_CHECKING:
    from xaccess.testing import StrictSTS


def test_each_target_is_assumed_with_its_own_external_id(strict_sts: StrictSTS) -> None:
    """Right IDs work; a wrong, a missing or another customer's ID is that target's denial."""
    right = [create_customer_role(index) for index in range(3)]
    wrong = create_customer_role(3)
    wrong = Target(wrong.role_arn, "fleet-ext-wrong-0123456789abcdef", name="wrong")
    missing = create_customer_role(4)
    missing = Target(missing.role_arn, None, name="missing")
    swapped = create_customer_role(5)
    swapped = Target(swapped.role_arn, external_id(0), name="swapped")
    fleet = Fleet(
        [*right, wrong, missing, swapped],
        session_name=SESSION_NAME,
        base_session=vendor_session(),
        region_name=REGION,
        max_workers=4,
    )

    results = {result.target.label: result for result in fleet.map(caller_arn)}

    for index in range(3):
        result = results[f"customer-{index}"]
        assert result.ok
        assert result.value == (
            f"arn:aws:sts::{customer_account(index)}:assumed-role/VendorAccess/{SESSION_NAME}"
        )
    for label in ("wrong", "missing", "swapped"):
        assert isinstance(results[label].error, AssumeRoleDenied)
        assert results[label].value is None
    sent = {attempt.role_arn: attempt.external_id for attempt in strict_sts.attempts}
    assert sent[str(right[1].role_arn)] == external_id(1)
    assert sent[str(missing.role_arn)] is None
    assert sent[str(swapped.role_arn)] == external_id(0)


def test_a_role_that_does_not_exist_is_a_denial_of_that_target_only(
    strict_sts: StrictSTS,
) -> None:
    """A customer who deleted the role gets AssumeRoleDenied; the other customers go on."""
    present = create_customer_role(0)
    absent = Target(f"arn:aws:iam::{customer_account(9)}:role/Gone", external_id(9), name="gone")
    fleet = Fleet([absent, present], session_name=SESSION_NAME, base_session=vendor_session())

    results = {result.target.label: result for result in fleet.map(caller_arn)}

    assert results["customer-0"].ok
    error = results["gone"].error
    assert isinstance(error, AssumeRoleDenied)
    assert any("does not exist" in cause for cause in error.likely_causes)
    assert [a.allowed for a in strict_sts.attempts if a.role_arn.endswith(":role/Gone")] == [False]


def test_verify_reports_each_target_and_finds_the_open_role(strict_sts: StrictSTS) -> None:
    """verify() passes a safe role, flags one open to the confused deputy, refuses no ID."""
    safe = create_customer_role(0)
    open_role = create_customer_role(1, requires_external_id=False)
    no_id = Target(create_customer_role(2).role_arn, None, name="no-id")
    fleet = Fleet(
        [safe, open_role, no_id],
        session_name=SESSION_NAME,
        base_session=vendor_session(),
        region_name=REGION,
    )
    progress: list[tuple[int, int]] = []

    results = {r.target.label: r for r in fleet.verify(progress=lambda *a: progress.append(a))}

    safe_report = results["customer-0"].value
    open_report = results["customer-1"].value
    assert safe_report is not None
    assert safe_report.ok
    assert open_report is not None
    assert open_report.confused_deputy
    assert isinstance(results["no-id"].error, ValidationError)
    assert sorted(progress) == [(1, 3), (2, 3), (3, 3)]
    assert strict_sts.attempts
