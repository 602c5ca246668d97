"""The onboarding check: prove a customer's role requires the external ID, step by step.

:func:`verify` (what :meth:`~xaccess.aws.assume.AssumeRoleClient.verify` runs) assumes the role
with the external ID, checks whose credentials came back, then tries as an attacker would:
without an external ID and with a wrong one. :class:`VerificationReport` says what each step
expected and observed.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Final, Literal, TypeAlias

import attrs

from xaccess.aws import _retry
from xaccess.aws._clock import seconds
from xaccess.errors import (
    AssumeRoleDenied,
    AWSError,
    ConfusedDeputyRisk,
    ValidationError,
    XAccessError,
)
from xaccess.identifiers import AssumedRoleArn, new_external_id

if TYPE_CHECKING:
    from xaccess.aws.assume import AssumeRoleClient
    from xaccess.aws.credentials import TemporaryCredentials

__all__ = [
    "CheckName",
    "CheckOutcome",
    "VerificationCheck",
    "VerificationReport",
    "describe_error",
    "verify",
    "wait_until_assumable",
]

_LOG: Final = logging.getLogger(__name__)

CheckName: TypeAlias = Literal[
    "assume_with_external_id",
    "caller_identity",
    "assume_without_external_id",
    "assume_with_wrong_external_id",
]
"""The steps of :meth:`AssumeRoleClient.verify`, in the order they run.

.. versionadded:: 0.1.0
"""

CheckOutcome: TypeAlias = Literal["passed", "failed", "skipped"]
"""How one verification step ended.

.. versionadded:: 0.1.0
"""

_CHECK_TITLES: Final[dict[str, str]] = {
    "assume_with_external_id": "assume the role with the external ID",
    "caller_identity": "check who the new credentials are (GetCallerIdentity)",
    "assume_without_external_id": "assume the role without an external ID",
    "assume_with_wrong_external_id": "assume the role with a wrong, random external ID",
}
_PROBES: Final = frozenset({"assume_without_external_id", "assume_with_wrong_external_id"})


@attrs.frozen
class VerificationCheck:
    """The result of one step of :meth:`AssumeRoleClient.verify`.

    Attributes:
        name: Which step this is.
        outcome: ``"passed"`` when AWS answered as a safe, working role must; ``"failed"``
            otherwise; ``"skipped"`` when an earlier step made it pointless.
        expected: What a safe, working role makes AWS answer.
        observed: What AWS answered.
        error: The error behind a failure, when there was one (a failed probe that STS
            *allowed* has none: the danger is that no error came). Not compared.

    .. versionadded:: 0.1.0
    """

    name: CheckName
    outcome: CheckOutcome
    expected: str
    observed: str
    error: XAccessError | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def title(self) -> str:
        """A short description of what the step tries.

        .. versionadded:: 0.1.0
        """
        return _CHECK_TITLES[self.name]

    @property
    def passed(self) -> bool:
        """Whether the step passed.

        .. versionadded:: 0.1.0
        """
        return self.outcome == "passed"

    @property
    def confused_deputy(self) -> bool:
        """Whether this is a probe that STS wrongly allowed (no or wrong external ID accepted).

        .. versionadded:: 0.1.0
        """
        return self.name in _PROBES and self.outcome == "failed" and self.error is None


@attrs.frozen
class VerificationReport:
    """What :meth:`AssumeRoleClient.verify` tried and what happened, step by step.

    ``str(report)`` gives a readable account; :attr:`ok` the verdict; :meth:`raise_for_status`
    turns a failure into an exception.

    .. versionadded:: 0.1.0
    """

    role_arn: str
    checks: tuple[VerificationCheck, ...]

    @property
    def ok(self) -> bool:
        """Whether every step passed, so the role is assumable as configured and safe.

        .. versionadded:: 0.1.0
        """
        return all(check.passed for check in self.checks)

    @property
    def confused_deputy(self) -> bool:
        """Whether STS issued credentials without the external ID or with a wrong one.

        .. versionadded:: 0.1.0
        """
        return any(check.confused_deputy for check in self.checks)

    def check(self, name: CheckName) -> VerificationCheck:
        """Return the result of the step called ``name``.

        Raises:
            KeyError: If the report has no such step.

        .. versionadded:: 0.1.0
        """
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def raise_for_status(self) -> None:
        """Raise if verification failed; return ``None`` if it passed.

        Raises:
            ~xaccess.errors.ConfusedDeputyRisk: If the role can be assumed without the
                external ID or with a wrong one. Checked first: this is the failure that must
                stop onboarding.
            ~xaccess.errors.AWSError: The error of the first failed step otherwise, for example
                :class:`~xaccess.errors.AssumeRoleDenied` when the role cannot be assumed with
                the external ID.

        .. versionadded:: 0.1.0
        """
        risky = [check for check in self.checks if check.confused_deputy]
        if risky:
            what = " and ".join(check.title.removeprefix("assume the role ") for check in risky)
            raise ConfusedDeputyRisk(
                f"{self.role_arn} can be assumed {what}: its trust policy must require the "
                "external ID with a StringEquals condition on sts:ExternalId (not StringLike, "
                "not ...IfExists). Do not onboard this role."
            )
        for check in self.checks:
            if check.outcome == "failed" and check.error is not None:
                raise check.error

    def __str__(self) -> str:
        if self.ok:
            verdict = "passed"
        elif self.confused_deputy:
            verdict = "FAILED: confused deputy risk"
        else:
            verdict = "FAILED"
        lines = [f"verification of {self.role_arn}: {verdict}"]
        for number, check in enumerate(self.checks, start=1):
            lines.append(f"  {number}. {check.title}: {check.outcome}")
            lines.append(f"     expected: {check.expected}")
            lines.append(f"     observed: {check.observed}")
        return "\n".join(lines)


def describe_error(error: XAccessError) -> str:
    """The error's code and the first line of its message, for a report."""
    code = getattr(error, "code", None)
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return f"{code}: {first}" if code else first


def verify(client: AssumeRoleClient) -> VerificationReport:
    """Run the onboarding check for ``client``'s role; see :meth:`AssumeRoleClient.verify`.

    Raises:
        ~xaccess.errors.ValidationError: If the client has no external ID.

    .. versionadded:: 0.1.0
    """
    external_id = client._external_id
    role = client.role_arn
    if external_id is None:
        raise ValidationError(
            "external_id",
            "verify() needs an external ID: a role assumed without one cannot be "
            "protected against the confused deputy problem",
        )
    checks = [*_assume_and_identify(client, external_id)]
    checks.append(_probe(client, "assume_without_external_id", None))
    checks.append(_probe(client, "assume_with_wrong_external_id", new_external_id()))
    report = VerificationReport(role_arn=str(role), checks=tuple(checks))
    if report.ok:
        _LOG.info("verified %s: assumable with the external ID and only with it", role)
    else:
        _LOG.warning("verification of %s failed:\n%s", role, report)
    return report


def _assume_and_identify(client: AssumeRoleClient, external_id: str) -> list[VerificationCheck]:
    """Steps 1 and 2: assume with the external ID, then check whose credentials they are."""
    try:
        fetched = client._assume_for_verify(external_id)
    except XAccessError as error:
        return [
            VerificationCheck(
                name="assume_with_external_id",
                outcome="failed",
                expected="STS issues credentials",
                observed=describe_error(error),
                error=error,
            ),
            VerificationCheck(
                name="caller_identity",
                outcome="skipped",
                expected=f"the session belongs to {client.role_arn}",
                observed="not checked: there are no credentials",
            ),
        ]
    assumed = VerificationCheck(
        name="assume_with_external_id",
        outcome="passed",
        expected="STS issues credentials",
        observed=f"STS issued credentials for {fetched.value.assumed_role_arn}",
    )
    identity = _check_identity(client, fetched.value)
    if identity.passed:
        # Only credentials proven to be the role's session are served later.
        client._keep(fetched)
    return [assumed, identity]


def _check_identity(
    client: AssumeRoleClient, credentials: TemporaryCredentials
) -> VerificationCheck:
    role = client.role_arn
    expected = AssumedRoleArn(role.partition, role.account, role.name, client.session_name)
    want = f"an assumed-role session {expected}"
    try:
        arn = client._identity_of(credentials)
    except AWSError as error:
        return VerificationCheck(
            name="caller_identity",
            outcome="failed",
            expected=want,
            observed=describe_error(error),
            error=error,
        )
    try:
        actual = AssumedRoleArn.parse(arn)
    except ValidationError:
        actual = None
    same = actual is not None and (
        actual.partition,
        actual.account,
        actual.role_name,
        actual.session_name,
    ) == (expected.partition, expected.account, expected.role_name, expected.session_name)
    if same:
        return VerificationCheck(
            name="caller_identity", outcome="passed", expected=want, observed=f"{arn}"
        )
    mismatch = AWSError(
        f"the credentials for {role} belong to {arn}, expected {expected}",
        code="UnexpectedIdentity",
        operation="GetCallerIdentity",
    )
    return VerificationCheck(
        name="caller_identity", outcome="failed", expected=want, observed=arn, error=mismatch
    )


def _probe(client: AssumeRoleClient, name: CheckName, external_id: str | None) -> VerificationCheck:
    """Steps 3 and 4: an attacker's AssumeRole, which must be denied."""
    expected = "AccessDenied"
    try:
        # Whatever STS returns is dropped here: probe credentials are never kept or logged.
        client._probe_assume(external_id)
    except AssumeRoleDenied:
        return VerificationCheck(
            name=name, outcome="passed", expected=expected, observed="AccessDenied"
        )
    except XAccessError as error:
        return VerificationCheck(
            name=name,
            outcome="failed",
            expected=expected,
            observed=f"{describe_error(error)}; the role could not be checked",
            error=error,
        )
    what = "without an external ID" if external_id is None else "with a wrong external ID"
    _LOG.warning("%s can be assumed %s: open to the confused deputy problem", client.role_arn, what)
    why = (
        "the trust policy does not require the external ID"
        if external_id is None
        else "the trust policy accepts an external ID that is not the customer's"
    )
    return VerificationCheck(
        name=name,
        outcome="failed",
        expected=expected,
        observed=f"STS issued credentials (discarded): {why}",
    )


def wait_until_assumable(
    client: AssumeRoleClient, timeout: float | dt.timedelta, interval: float | dt.timedelta
) -> TemporaryCredentials:
    """Retry ``AccessDenied`` every ``interval`` until ``timeout``, then cache the credentials.

    See :meth:`AssumeRoleClient.wait_until_assumable
    <xaccess.aws.assume.AssumeRoleClient.wait_until_assumable>`.

    Raises:
        ~xaccess.errors.AssumeRoleDenied: Still denied at ``timeout`` (notes say how often).
        ~xaccess.errors.ValidationError: If ``timeout`` or ``interval`` is invalid.
        ~xaccess.errors.AWSError: For any other failure, at once.
    """
    limit = seconds(timeout, field="timeout")
    pause = seconds(interval, field="interval", minimum=0.001)
    started = client._cache.now()
    give_up = started + dt.timedelta(seconds=limit)

    def wait_before_retry(error: Exception, attempt: int) -> float | None:
        if not isinstance(error, AssumeRoleDenied):
            return None
        left = (give_up - client._cache.now()).total_seconds()
        if left <= 0:
            waited = (client._cache.now() - started).total_seconds()
            error.add_note(
                f"still denied after {attempt} attempt(s) over {waited:.0f} s "
                f"(wait_until_assumable timeout {limit:g} s)"
            )
            return None
        wait = min(pause, left)
        _LOG.info(
            "%s is not assumable yet (attempt %d); retrying in %.1f s",
            client.role_arn,
            attempt,
            wait,
        )
        return wait

    fetched = _retry.retry_loop(
        lambda: client._assume(external_id=client._external_id, duration=client._duration_now()),
        wait_before_retry=wait_before_retry,
        sleep=client._sleep,
    )
    client._keep(fetched)
    return fetched.value
