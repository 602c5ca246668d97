"""Trust-policy analysis: who can assume this role, and do they need the external ID?

The question is answered by meaning, not by pattern. For every ``Allow`` statement the analysis
builds the requests an outsider could send -- a caller each principal of the statement admits
(an account's roles, a named role or user, or a stranger for ``"*"`` and ``NotPrincipal``),
with the other conditions of the statement satisfied as cheaply as possible, and either no
external ID or a made-up one -- and asks :func:`xaccess.evaluate` about each one under the whole
policy, ``Deny`` statements included. A request the evaluator allows is the *witness* of a high
finding; the shape of the statement only chooses which rule the finding is reported under.
Everything else (patterns, short external IDs, web identity, session tags) is reported from the
statement's conditions.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Final

import attrs

from xaccess.audit import trust_checks
from xaccess.audit._statements import (
    ASSUME_ROLE,
    GUESS,
    UNRESOLVED_PREFIX,
    Subject,
    accounts_named,
    assumes,
    base_context,
    external_id_conditions,
    negated,
    operator_parts,
    pinned_values,
    stranger_for,
    subject_of,
    to_document,
    with_exact_external_id,
)
from xaccess.audit.rules import AuditReport, Finding
from xaccess.errors import ValidationError
from xaccess.identifiers import principal_kind
from xaccess.policy import PolicyDocument, Request, Statement, evaluate

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping


__all__ = ["UNRESOLVED_PREFIX", "audit_trust_policy", "to_document"]


_WEB_IDENTITY: Final = "sts:AssumeRoleWithWebIdentity"
_WITNESS_ROLE: Final = "XAccessAuditWitness"
_MAX_CANDIDATES: Final = 24
# Every identity is allowed to call STS: a witness shows what the trust policy itself lets in.
_CALLER_MAY_CALL_STS: Final = PolicyDocument(
    [
        Statement(
            effect="Allow",
            actions=(ASSUME_ROLE, _WEB_IDENTITY, "sts:TagSession", "sts:SetSourceIdentity"),
            resources=("*",),
        )
    ]
)


# -- candidate callers -----------------------------------------------------------------------


def _role_in(account: str, partition: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{_WITNESS_ROLE}"


def _concrete_principal(text: str, stranger: str, partition: str) -> str | None:
    """An IAM principal ARN from a (filled) aws:PrincipalArn value, or ``None``."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    account = parts[4] if parts[4].isdigit() and len(parts[4]) == 12 else stranger
    arn = ":".join(
        [parts[0], parts[1] if parts[1] != "x" else partition, *parts[2:4], account, parts[5]]
    )
    try:
        kind = principal_kind(arn)
    except ValidationError:
        return None
    return arn if kind in ("role", "user", "assumed-role") else None


def _candidates(statement: Statement, subject: Subject, stranger: str) -> Iterator[tuple[str, str]]:
    """``(caller ARN, principal entry as written)`` pairs the statement may admit."""
    partition = subject.partition
    pinned_arns = [
        arn
        for value in pinned_values(statement, "aws:principalarn")
        if (arn := _concrete_principal(value, stranger, partition)) is not None
    ]
    pinned_accounts = [a for a in pinned_values(statement, "aws:principalaccount") if a.isdigit()]
    principal = statement.principal
    if statement.not_principal is not None:
        yield _role_in(stranger, partition), "NotPrincipal"
        return
    if principal is None:
        return
    if principal.everyone or "*" in principal.aws:
        written = "*"
        yield from ((arn, written) for arn in pinned_arns)
        for account in [*pinned_accounts, stranger]:
            yield _role_in(account, partition), written
    for entry in principal.aws:
        if entry == "*":
            continue
        if entry.isdigit() or entry.endswith(":root"):
            account = entry if entry.isdigit() else entry.split(":")[4]
            yield from ((arn, entry) for arn in pinned_arns if arn.split(":")[4] == account)
            yield _role_in(account, partition), entry
        else:
            yield entry, entry


def _third_party(caller: str, subject: Subject) -> bool:
    """Whether the caller is someone other than the role (and, when known, its account)."""
    account = caller.split(":")[4]
    if subject.known and account == subject.account:
        return False
    return caller.rsplit("/", 1)[-1] != subject.arn.rsplit("/", 1)[-1] or account != subject.account


# -- the search for witnesses ----------------------------------------------------------------


@attrs.frozen
class _Witness:
    request: Request
    principal: str


def _find_witness(
    document: PolicyDocument, index: int, subject: Subject, stranger: str
) -> _Witness | None:
    statement = document.statements[index]
    base = base_context(statement)
    seen: set[str] = set()
    for caller, written in _candidates(statement, subject, stranger):
        if caller in seen or len(seen) >= _MAX_CANDIDATES or not _third_party(caller, subject):
            continue
        seen.add(caller)
        for external_id in (None, GUESS):
            context = dict(base)
            if external_id is not None:
                context["sts:ExternalId"] = external_id
            try:
                request = Request(
                    principal=caller, action=ASSUME_ROLE, resource=subject.arn, context=context
                )
            except ValidationError:
                continue
            decision = evaluate(
                request, resource_policy=document, identity_policies=[_CALLER_MAY_CALL_STS]
            )
            if decision.allowed and any(
                ref.policy == "resource" and ref.index == index for ref in decision.matched
            ):
                return _Witness(request, written)
    return None


def _high_code(statement: Statement) -> str:
    """Which rule explains why the statement lets a caller in without the external ID."""
    principal = statement.principal
    pins = {"aws:principalaccount", "aws:principalarn", "aws:principalorgid", "aws:sourceaccount"}
    everyone = principal is not None and (principal.everyone or "*" in principal.aws)
    if everyone and not any(c.key.lower() in pins for c in statement.conditions):
        return "XA106"
    conditions = external_id_conditions(statement)
    if not conditions:
        return "XA101"
    parts = [operator_parts(c.operator) for c in conditions]
    if any(if_exists for _, _, if_exists in parts):
        return "XA102"
    if any(negated(base) for _, base, _ in parts):
        return "XA103"
    if any(prefix for prefix, _, _ in parts):
        return "XA105"
    if any(
        base.endswith("Like") and fnmatch.fnmatchcase(GUESS, str(v))
        for c, (_, base, _) in zip(conditions, parts, strict=True)
        for v in c.values
    ):
        return "XA104"
    return "XA108"


_HIGH_MESSAGES: Final = {
    "XA101": "{who} can assume the role without any external ID",
    "XA102": "{who} can assume the role without an external ID: the condition is ...IfExists",
    "XA103": "{who} can assume the role without the external ID: the condition is negated",
    "XA104": "{who} can assume the role with any external ID: the pattern matches every value",
    "XA105": "{who} can assume the role without an external ID: ForAllValues passes when the "
    "key is missing",
    "XA106": "any AWS account can assume the role (witness: {caller})",
    "XA108": "{who} can assume the role without the external ID despite the sts:ExternalId "
    "condition",
}


def _high_finding(statement: Statement, index: int, witness: _Witness) -> Finding:
    code = _high_code(statement)
    caller = witness.request.principal
    who = f"{witness.principal} (for example {caller})"
    if witness.principal == caller:
        who = caller
    message = _HIGH_MESSAGES[code].format(who=who, caller=caller)
    sent = witness.request.context.get("sts:ExternalId")
    if sent is not None:
        message += f"; the witness sends the made-up external ID {sent!r}"
    return Finding.of(
        code,
        message,
        statement=index,
        principal=witness.principal,
        witness=witness.request,
        fix=with_exact_external_id(statement),
    )


def _is_third_party_statement(statement: Statement, subject: Subject, stranger: str) -> bool:
    return any(
        _third_party(caller, subject) for caller, _ in _candidates(statement, subject, stranger)
    )


def audit_trust_policy(
    policy: PolicyDocument | Mapping[str, object] | str | bytes, *, role_arn: str | None = None
) -> AuditReport:
    """Audit a role's trust policy for the confused deputy and its relatives.

    Args:
        policy: The trust policy: a :class:`~xaccess.PolicyDocument`, a dict or JSON text.
        role_arn: The role's ARN, when known. Then the role itself and the principals of its
            own account are not third parties; without it every principal is one.

    Returns:
        The report; ``report.ok`` is false when a high finding exists, and every high finding
        of the external-ID rules carries a witness :class:`~xaccess.Request` that
        :func:`~xaccess.evaluate` allows under ``policy`` without the external ID.

    Raises:
        ValidationError: ``policy`` is not a legal IAM policy, or ``role_arn`` is not a role ARN.

    .. versionadded:: 0.1.0
    """
    document = to_document(policy)
    subject = subject_of(document, role_arn)
    stranger = stranger_for(subject, accounts_named(document))
    findings: list[Finding] = []
    seen: dict[Statement, int] = {}
    for index, statement in enumerate(document.statements):
        findings.extend(trust_checks.spelling(statement, index))
        if statement.not_principal is not None:
            findings.append(
                Finding.of(
                    "XA107",
                    f"IAM refuses NotPrincipal in a role trust policy ({statement.effect}); "
                    "name the trusted principals with Principal instead",
                    statement=index,
                )
            )
            continue
        if statement.effect != "Allow":
            continue
        plain = attrs.evolve(statement, sid=None)
        if plain in seen:
            findings.append(
                Finding.of("XA141", f"repeats statement {seen[plain]}", statement=index)
            )
            continue
        seen[plain] = index
        findings.extend(trust_checks.principal_notes(statement, index, subject))
        findings.extend(trust_checks.web_identity(document, statement, index, subject))
        if not assumes(statement, ASSUME_ROLE):
            continue
        witness = _find_witness(document, index, subject, stranger)
        if witness is not None:
            findings.append(_high_finding(statement, index, witness))
        else:
            findings.extend(trust_checks.external_id_quality(statement, index))
            if _high_code(statement) == "XA106":
                findings.append(
                    Finding.of(
                        "XA109",
                        "every AWS account that knows the external ID can assume the role",
                        statement=index,
                        principal="*",
                    )
                )
        third_party = _is_third_party_statement(statement, subject, stranger)
        findings.extend(trust_checks.session_controls(statement, index, third_party))
    return AuditReport(findings)
