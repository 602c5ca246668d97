"""Authorization: decide an ``AssumeRole`` request as AWS does.

The request's parameters are checked first, then the caller's credentials, the role, the
trust policy and, where AWS requires it, the caller's identity policies, permissions boundary
and session policies, each action (``sts:AssumeRole``, ``sts:TagSession``,
``sts:SetSourceIdentity``) on its own; last the session duration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from xaccess import limits
from xaccess.testing._attempt import AssumeRoleAttempt
from xaccess.testing._callers import Caller, Role, Unauthenticated, find_role, identify_caller
from xaccess.testing._context import Network, new_source_identity, request_context
from xaccess.testing._memory import SessionFacts
from xaccess.testing._request import (
    ASSUME_ROLE,
    ROLE_ARN,
    SET_SOURCE_IDENTITY,
    TAG_SESSION,
    AssumeRoleRequest,
    parameter_errors,
    validation_message,
)
from xaccess.testing._trust import trust_document

if TYPE_CHECKING:
    from collections.abc import Mapping

    from xaccess.policy import ContextValue, Decision, PolicyDocument


# STS refuses both of these transitive-tag requests (IAM User Guide, "Chaining roles with
# session tags"); it does not document its wording, so these messages are ours.
_TRANSITIVE_NOT_PASSED: Final = (
    "Every key in TransitiveTagKeys must be the key of a tag passed in Tags."
)
_TRANSITIVE_CONFLICT: Final = (
    "A tag passed in Tags has the key of a transitive tag that the calling session passes "
    "on, and a transitive tag cannot be changed along a role chain."
)


@attrs.frozen
class _Verdict:
    allowed: bool
    decisions: tuple[Decision, ...]
    reason: str


def judge(
    request: AssumeRoleRequest, network: Network
) -> tuple[AssumeRoleAttempt, SessionFacts | None]:
    """Decide a request; when allowed, also say what the new session carries."""
    try:
        caller = identify_caller(request)
    except Unauthenticated as refusal:
        return _unauthenticated(request, refusal), None
    attempt = _decide(request, caller, network)
    if not attempt.allowed:
        return attempt, None
    transitive = {key.lower() for key in request.transitive_tag_keys}
    facts = SessionFacts(
        source_identity=new_source_identity(request, caller),
        tags=request.tags + caller.transitive_tags,
        transitive_tags=caller.transitive_tags
        + tuple((key, value) for key, value in request.tags if key.lower() in transitive),
        policy_arns=request.policy_arns,
    )
    return attempt, facts


def _unauthenticated(request: AssumeRoleRequest, refusal: Unauthenticated) -> AssumeRoleAttempt:
    return AssumeRoleAttempt(
        caller_arn="",
        principal_arn="",
        role_arn=request.role_arn,
        session_name=request.session_name,
        external_id=request.external_id,
        duration_seconds=request.duration_seconds,
        allowed=False,
        error_code=refusal.code,
        error_message=refusal.message,
        denied_action=None,
        context={},
        decisions=(),
        reason=refusal.reason,
    )


@attrs.frozen
class _Refusal:
    """Why STS refuses a request: its error code and message, and our explanation."""

    code: str
    message: str
    reason: str
    action: str | None = None


def _denial(request: AssumeRoleRequest, caller: Caller, action: str, reason: str) -> _Refusal:
    message = (
        f"User: {caller.arn} is not authorized to perform: {action} on resource: {request.role_arn}"
    )
    return _Refusal("AccessDenied", message, reason, action)


def _decide(request: AssumeRoleRequest, caller: Caller, network: Network) -> AssumeRoleAttempt:
    """Check the parameters, then authorize each action, then the duration."""
    context = request_context(request, caller, network)
    decisions: list[Decision] = []
    refusal = _malformed(request, caller)
    if refusal is None:
        role, refusal = _authorized_role(request, caller, context, decisions)
        if refusal is None and role is not None:
            refusal = _duration_refusal(request, caller, role)
    return AssumeRoleAttempt(
        caller_arn=caller.arn,
        principal_arn=caller.principal_arn,
        role_arn=request.role_arn,
        session_name=request.session_name,
        external_id=request.external_id,
        duration_seconds=request.duration_seconds,
        allowed=refusal is None,
        error_code=None if refusal is None else refusal.code,
        error_message="" if refusal is None else refusal.message,
        denied_action=None if refusal is None else refusal.action,
        context=context,
        decisions=tuple(decisions),
        reason=str(decisions[0]) if refusal is None else refusal.reason,
    )


def _malformed(request: AssumeRoleRequest, caller: Caller) -> _Refusal | None:
    """What STS refuses before any authorization: the API model, the ARN, transitive tags."""
    errors = parameter_errors(request)
    if errors:
        return _Refusal(
            "ValidationError", validation_message(errors), "the request breaks the STS API model"
        )
    if ROLE_ARN.fullmatch(request.role_arn) is None:
        return _Refusal("ValidationError", "Request ARN is invalid", "not an IAM role ARN")
    passed = {key.lower() for key, _ in request.tags}
    if any(key.lower() not in passed for key in request.transitive_tag_keys):
        return _Refusal(
            "InvalidParameterValue",
            _TRANSITIVE_NOT_PASSED,
            "a transitive tag key is not the key of a tag passed",
        )
    if passed & {key.lower() for key, _ in caller.transitive_tags}:
        return _Refusal(
            "InvalidParameterValue",
            _TRANSITIVE_CONFLICT,
            "a tag passed has the key of a transitive tag the calling session passes on",
        )
    return None


def _authorized_role(
    request: AssumeRoleRequest,
    caller: Caller,
    context: Mapping[str, ContextValue],
    decisions: list[Decision],
) -> tuple[Role | None, _Refusal | None]:
    """Find the role and authorize every action of the request on it (``decisions`` grows)."""
    partition = request.role_arn.split(":")[1]
    if partition != request.partition:
        return None, _denial(
            request,
            caller,
            ASSUME_ROLE,
            f"the role is in partition {partition!r}, the request in "
            f"{request.partition!r}: STS does not assume roles across partitions",
        )
    role, _ = find_role(request.role_arn)
    if role is None:
        return None, _denial(request, caller, ASSUME_ROLE, "the role does not exist in moto's IAM")
    if caller.defunct is not None:
        return role, _denial(request, caller, ASSUME_ROLE, caller.defunct)
    trust = trust_document(role)
    if isinstance(trust, str):
        return role, _denial(request, caller, ASSUME_ROLE, trust)
    source_identity = new_source_identity(request, caller)
    if caller.source_identity is not None and source_identity != caller.source_identity:
        reason = (
            f"the calling session's source identity {caller.source_identity!r} cannot be "
            "changed along a role chain"
        )
        return role, _denial(request, caller, SET_SOURCE_IDENTITY, reason)
    actions = [ASSUME_ROLE]
    if request.tags:
        actions.append(TAG_SESSION)
    if source_identity is not None:  # also when carried on: every role of the chain must allow it
        actions.append(SET_SOURCE_IDENTITY)
    for action in actions:
        verdict = _authorize(caller, role, trust, action, context)
        decisions.extend(verdict.decisions)
        if not verdict.allowed:
            return role, _denial(request, caller, action, verdict.reason)
    return role, None


def _duration_refusal(request: AssumeRoleRequest, caller: Caller, role: Role) -> _Refusal | None:
    """``DurationSeconds`` above the role's maximum, or above one hour when chaining roles."""
    duration = request.duration_seconds or limits.DEFAULT_DURATION
    if duration > role.max_session_duration:
        return _Refusal(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            f"{duration} s is above the role's MaxSessionDuration of {role.max_session_duration} s",
        )
    if caller.kind == "assumed-role" and duration > limits.MAX_CHAINED_DURATION:
        return _Refusal(
            "ValidationError",
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
            "by role chaining.",
            f"{duration} s is above the {limits.MAX_CHAINED_DURATION} s limit of role chaining",
        )
    return None


def _parse_policies(texts: tuple[str, ...]) -> list[PolicyDocument]:
    """Parse stored identity or session policies; one IAM would not have stored is skipped."""
    from xaccess.policy import PolicyDocument  # noqa: PLC0415

    documents = []
    for text in texts:
        try:
            documents.append(PolicyDocument.from_json(text))
        except ValueError:
            continue
    return documents


def _authorize(
    caller: Caller,
    role: Role,
    trust: PolicyDocument,
    action: str,
    context: Mapping[str, ContextValue],
) -> _Verdict:
    """Evaluate one action of an AssumeRole request against every policy that applies.

    The evaluator knows the rules of role trust policies: a trust policy naming the caller or
    its role is enough in the same account, one naming only the account delegates to the
    caller's identity policies, and across accounts both must allow.
    """
    from xaccess.policy import Request, evaluate  # noqa: PLC0415

    boundary_texts = () if caller.permissions_boundary is None else (caller.permissions_boundary,)
    boundaries = _parse_policies(boundary_texts)
    session_policies = _parse_policies(caller.session_policies)
    if len(boundaries) < len(boundary_texts) or len(session_policies) < len(
        caller.session_policies
    ):
        # These only restrict: one that cannot be read must not widen access by being
        # skipped, so the request is denied instead (fail closed).
        return _Verdict(
            allowed=False,
            decisions=(),
            reason="the caller's permissions boundary or session policy cannot be read, so "
            "it cannot be shown to allow the request",
        )
    try:
        request = Request(principal=caller.arn, action=action, resource=role.arn, context=context)
        decision = evaluate(
            request,
            identity_policies=_parse_policies(caller.identity_policies),
            resource_policy=trust,
            permissions_boundary=boundaries[0] if boundaries else None,
            session_policies=session_policies,
        )
    except ValueError as error:  # a request the evaluator cannot represent
        return _Verdict(allowed=False, decisions=(), reason=f"cannot be evaluated: {error}")
    return _Verdict(allowed=decision.allowed, decisions=(decision,), reason=str(decision))
