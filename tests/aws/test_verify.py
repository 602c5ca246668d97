"""Tests for xaccess.aws.verify: the onboarding check and its report, against moto."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from tests.aws.sts_recorder import (  # noqa: F401 - fixtures
    BASE_KEY_ID,
    BASE_SECRET,
    EXTERNAL_ID,
    REGION,
    ROLE,
    ROLE_ACCOUNT,
    SESSION_NAME,
    SESSION_POLICY,
    Answer,
    StsRecorder,
    assert_no_secret,
    deny,
    make,
    new_session,
    requires_external_id,
)
from xaccess.aws.assume import (
    VerificationCheck,
    VerificationReport,
)
from xaccess.errors import (
    AssumeRoleDenied,
    AWSError,
    ConfusedDeputyRisk,
    ValidationError,
)

if TYPE_CHECKING:
    import boto3

    from tests.support import FakeClock

CHECK_NAMES = (
    "assume_with_external_id",
    "caller_identity",
    "assume_without_external_id",
    "assume_with_wrong_external_id",
)


def test_verify_on_plain_moto_reports_a_confused_deputy(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """moto accepts any AssumeRole, so verify() finds the role open to the confused deputy."""
    report = make(base, clock).verify()

    assert isinstance(report, VerificationReport)
    assert CHECK_NAMES == tuple(check.name for check in report.checks)
    assert ("passed", "passed", "failed", "failed") == tuple(c.outcome for c in report.checks)
    assert not report.ok
    assert report.confused_deputy
    with pytest.raises(ConfusedDeputyRisk, match="without an external ID and with a wrong"):
        report.raise_for_status()
    text = str(report)
    assert text.startswith(f"verification of {ROLE}: FAILED: confused deputy risk")
    assert "3. assume the role without an external ID: failed" in text
    assert "STS issued credentials (discarded)" in text


def test_verify_passes_when_the_trust_policy_requires_the_external_id(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A role that denies a missing or wrong external ID passes all four steps."""
    sts.answer = requires_external_id
    client = make(base, clock, tags={"customer": "acme"})

    report = client.verify()

    assert report.ok, str(report)
    assert not report.confused_deputy
    report.raise_for_status()
    assert all(check.passed for check in report.checks)
    assert str(report).startswith(f"verification of {ROLE}: passed")
    bodies = sts.bodies()
    assert [EXTERNAL_ID, None] == [body.get("ExternalId") for body in bodies[:2]]
    assert bodies[2]["ExternalId"] != EXTERNAL_ID
    assert [3600, 900, 900] == [body["DurationSeconds"] for body in bodies]
    assert ["acme", None, None] == [body.get("Tags.member.1.Value") for body in bodies]
    client.credentials()  # the credentials of step 1 are cached
    assert 3 == sts.count()


def test_verify_reports_a_role_that_cannot_be_assumed(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """When step 1 is denied, step 2 is skipped and raise_for_status raises the denial."""
    sts.answer = deny()

    report = make(base, clock).verify()

    assert ("failed", "skipped", "passed", "passed") == tuple(c.outcome for c in report.checks)
    assert not report.ok
    assert not report.confused_deputy
    assert isinstance(report.check("assume_with_external_id").error, AssumeRoleDenied)
    with pytest.raises(AssumeRoleDenied):
        report.raise_for_status()
    assert "AccessDenied: STS denied" in report.check("assume_with_external_id").observed


def test_verify_reports_unexpected_identity(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Credentials that belong to someone else fail step 2."""
    client = make(base, clock)
    sts.answer = requires_external_id
    other = "arn:aws:sts::999999999999:assumed-role/Other/x"

    def identity(**kwargs: Any) -> Any:
        if kwargs["model"].name == "GetCallerIdentity":
            parsed = {
                "Arn": other,
                "Account": "999999999999",
                "UserId": "AROA:x",
                "ResponseMetadata": {"HTTPStatusCode": 200},
            }
            return AWSResponse(kwargs["params"]["url"], 200, HTTPHeaders(), None), parsed
        return None

    base.events.register_first("before-call.sts.GetCallerIdentity", identity)
    report = client.verify()

    check = report.check("caller_identity")
    assert ("failed", other) == (check.outcome, check.observed)
    with pytest.raises(AWSError) as raised:
        report.raise_for_status()
    assert ("UnexpectedIdentity", "GetCallerIdentity") == (
        raised.value.code,
        raised.value.operation,
    )


def test_verify_reports_a_failed_identity_call(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A failing GetCallerIdentity with the new credentials fails step 2 with its error."""

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "GetCallerIdentity":
            return 403, "InvalidClientTokenId", "The security token is invalid"
        return requires_external_id(operation, body)

    sts.answer = answer

    report = make(base, clock).verify()

    check = report.check("caller_identity")
    assert "failed" == check.outcome
    assert isinstance(check.error, AWSError)
    assert "InvalidClientTokenId" == check.error.code
    with pytest.raises(AWSError, match="InvalidClientTokenId"):
        report.raise_for_status()


def test_verify_reports_an_inconclusive_probe(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A probe that fails with another error than AccessDenied fails verification."""

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "AssumeRole" and "ExternalId" not in body:
            return 400, "Throttling", "Rate exceeded"
        return requires_external_id(operation, body)

    sts.answer = answer

    report = make(base, clock).verify()

    check = report.check("assume_without_external_id")
    assert ("failed", False) == (check.outcome, check.confused_deputy)
    assert "could not be checked" in check.observed
    assert not report.ok
    with pytest.raises(AWSError, match="Throttling"):
        report.raise_for_status()


def test_verify_needs_an_external_id(base: boto3.Session, clock: FakeClock) -> None:
    """verify() refuses a client without an external ID."""
    with pytest.raises(ValidationError) as raised:
        make(base, clock, external_id=None).verify()

    assert "external_id" == raised.value.field


def test_report_lookup_of_an_unknown_step_is_a_key_error() -> None:
    """VerificationReport.check raises KeyError for a step it does not have."""
    report = VerificationReport(
        role_arn=ROLE,
        checks=(VerificationCheck("caller_identity", "skipped", "x", "y"),),
    )

    with pytest.raises(KeyError):
        report.check("assume_with_external_id")
    assert "check who the new credentials are (GetCallerIdentity)" == report.checks[0].title


def test_verify_does_not_cache_credentials_of_an_unexpected_identity(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Credentials that GetCallerIdentity says belong to someone else are never served."""
    client = make(base, clock)
    sts.answer = requires_external_id

    def other_identity(**kwargs: Any) -> Any:
        parsed = {
            "Arn": "arn:aws:sts::999999999999:assumed-role/Other/x",
            "Account": "999999999999",
            "UserId": "AROA:x",
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }
        return AWSResponse(kwargs["params"]["url"], 200, HTTPHeaders(), None), parsed

    base.events.register_first("before-call.sts.GetCallerIdentity", other_identity)
    report = client.verify()
    issued = sts.count()
    client.credentials()

    assert "failed" == report.check("caller_identity").outcome
    assert issued + 1 == sts.count()
