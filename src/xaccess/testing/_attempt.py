"""The record of one ``AssumeRole`` request the strict STS judged."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping

    from xaccess.policy import ContextValue, Decision


@attrs.frozen
class AssumeRoleAttempt:
    """One ``sts:AssumeRole`` request seen by the strict STS, and what was decided.

    Attributes:
        caller_arn: The caller as AWS names it in errors: an assumed-role session or IAM user
            ARN (``arn:aws:iam::ACCOUNT:user/moto`` for moto's default identity), or ``""``
            when the request's credentials were refused.
        principal_arn: The caller's ``aws:PrincipalArn`` (for a session, its role's ARN), or
            ``""`` when the request's credentials were refused.
        role_arn: The role ARN as requested.
        session_name: The requested ``RoleSessionName``.
        external_id: The requested ``ExternalId``, or ``None`` when none was passed.
        duration_seconds: The requested ``DurationSeconds``, or ``None`` when none was passed.
        allowed: Whether the request was passed on to moto.
        error_code: The STS error code when refused (``"AccessDenied"``,
            ``"ValidationError"``, ``"InvalidParameterValue"``, ``"InvalidClientTokenId"`` or
            ``"MissingAuthenticationToken"``), else ``None``.
        error_message: The error message as STS words it, or ``""`` when allowed.
        denied_action: The action that was refused (``sts:AssumeRole``, ``sts:TagSession`` or
            ``sts:SetSourceIdentity``), or ``None``.
        context: The request context the policies were evaluated with.
        decisions: The evaluator's decisions, in the order they were made (empty when the
            request was refused before any evaluation, for example for a missing role).
        reason: A one-line explanation of the outcome.

    .. versionadded:: 0.1.0
    """

    caller_arn: str
    principal_arn: str
    role_arn: str
    session_name: str
    external_id: str | None
    duration_seconds: int | None
    allowed: bool
    error_code: str | None
    error_message: str
    denied_action: str | None
    context: Mapping[str, ContextValue] = attrs.field(hash=False, repr=False)
    decisions: tuple[Decision, ...] = attrs.field(hash=False, repr=False)
    reason: str

    def __str__(self) -> str:
        verdict = "allowed" if self.allowed else f"{self.error_code}: {self.error_message}"
        lines = [f"{self.caller_arn} -> {self.role_arn}: {verdict} ({self.reason})"]
        lines.extend(
            f"  {line}" for decision in self.decisions for line in str(decision).splitlines()
        )
        return "\n".join(lines)
