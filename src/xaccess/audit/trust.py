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
import re
from typing import TYPE_CHECKING, Final

import attrs

from xaccess.audit import trust_checks
from xaccess.audit._statements import (
    ASSUME_ROLE,
    CALLER_CHOSEN,
    GUESS,
    UNRESOLVED_PREFIX,
    WITNESS_VALUE,
    Probe,
    Subject,
    accounts_named,
    admitted_values,
    assumes,
    base_context,
    concrete_account,
    exact_external_ids,
    external_id_conditions,
    external_id_probes,
    fill,
    has_wildcard,
    negated,
    operator_parts,
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
    from collections.abc import Iterator, Mapping, Sequence

    from xaccess.policy import ContextValue


__all__ = ["UNRESOLVED_PREFIX", "audit_trust_policy", "to_document"]


_WEB_IDENTITY: Final = "sts:AssumeRoleWithWebIdentity"
_WITNESS_ROLE: Final = "XAccessAuditWitness"
_MAX_CANDIDATES: Final = 24
_USERNAME: Final = "aws:username"
# A policy variable, ${key} or ${key, 'default'}: the key in group 1.
_VARIABLE: Final = re.compile(r"\$\{([^},]+)(?:,[^}]*)?\}")
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


def _concrete_principal(pattern: str, stranger: str, partition: str) -> tuple[str, bool] | None:
    """An IAM principal ARN that an aws:PrincipalArn value (a pattern, maybe) admits, and
    whether its account is one the policy does not name (a stranger or a pattern filled in)."""
    parts = pattern.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        stranger_role = _role_in(stranger, partition)
        if fnmatch.fnmatchcase(stranger_role, pattern):
            return stranger_role, True
        return None
    account, unnamed = parts[4], has_wildcard(parts[4])
    if not (account.isdigit() and len(account) == 12):
        account, unnamed = (unnamed and concrete_account(account)) or stranger, True
    text = fill(":".join([parts[0], parts[1], *parts[2:4]]))
    arn = ":".join([text.replace(":xx:", f":{partition}:", 1), account, fill(parts[5])])
    try:
        kind = principal_kind(arn)
    except ValidationError:
        return None
    return (arn, unnamed) if kind in ("role", "user", "assumed-role") else None


@attrs.frozen
class _Caller:
    arn: str
    written: str  # the principal entry of the statement that admits it
    unnamed: bool = False  # from an account the policy does not name


def _candidates(statement: Statement, subject: Subject, stranger: str) -> Iterator[_Caller]:
    """Callers the statement may admit: from every account its principal or a condition on
    the caller's ARN or account could let in, patterns made concrete."""
    partition = subject.partition
    pinned_arns = [
        found
        for value in admitted_values(statement, "aws:principalarn")
        if (found := _concrete_principal(value, stranger, partition)) is not None
    ]
    pinned_accounts = [
        (account, has_wildcard(value))
        for value in admitted_values(statement, "aws:principalaccount")
        if (account := concrete_account(value)) is not None
    ]
    principal = statement.principal
    if statement.not_principal is not None:
        yield _Caller(_role_in(stranger, partition), "NotPrincipal", unnamed=True)
        return
    if principal is None:
        return
    if principal.everyone or "*" in principal.aws:
        yield from (_Caller(arn, "*", unnamed) for arn, unnamed in pinned_arns)
        for account, unnamed in pinned_accounts:
            yield _Caller(_role_in(account, partition), "*", unnamed)
        yield _Caller(_role_in(stranger, partition), "*", unnamed=True)
    for entry in principal.aws:
        if entry == "*":
            continue
        if entry.isdigit() or entry.endswith(":root"):
            account = entry if entry.isdigit() else entry.split(":")[4]
            yield from (
                _Caller(arn, entry) for arn, _ in pinned_arns if arn.split(":")[4] == account
            )
            yield _Caller(_role_in(account, partition), entry)
        else:
            yield _Caller(entry, entry)


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
    probe: Probe


def _callers(statement: Statement, subject: Subject, stranger: str) -> list[_Caller]:
    """The distinct third-party callers worth trying, at most :data:`_MAX_CANDIDATES`."""
    out: dict[str, _Caller] = {}
    for caller in _candidates(statement, subject, stranger):
        if caller.arn not in out and _third_party(caller.arn, subject):
            out[caller.arn] = caller
            if len(out) >= _MAX_CANDIDATES:
                break
    return list(out.values())


def _probe_context(
    base: Mapping[str, ContextValue], probe: Probe
) -> dict[str, ContextValue] | None:
    """The request context that sends the probe's external ID, or ``None`` when it cannot."""
    context = dict(base)
    if probe.value is None:
        return context
    if probe.kind != "variable":
        context["sts:ExternalId"] = probe.value
        return context
    written = {key.lower(): key for key in context}
    chosen: dict[str, str] = {}
    for match in _VARIABLE.finditer(probe.value):
        key = match.group(1).strip().lower()
        if key == _USERNAME:  # the caller's own name: the witness is a user so named
            chosen[key] = WITNESS_VALUE
            continue
        if key not in CALLER_CHOSEN:
            return None  # a value the caller does not choose: not a bypass by this probe
        present = context.get(written.get(key, ""))
        value = present if isinstance(present, str) else WITNESS_VALUE
        context[written.get(key, CALLER_CHOSEN[key])] = value
        chosen[key] = value
    context["sts:ExternalId"] = _VARIABLE.sub(
        lambda m: chosen[m.group(1).strip().lower()], probe.value
    )
    return context


def _as_witness_user(arn: str) -> str:
    """The caller as an IAM user named :data:`WITNESS_VALUE` of the same account, for a probe
    that compares the external ID with ``${aws:username}`` (an empty string when the caller is a
    principal named in the policy, which has a name of its own)."""
    if not arn.endswith(f":role/{_WITNESS_ROLE}"):
        return ""
    return arn.removesuffix(f"role/{_WITNESS_ROLE}") + f"user/{WITNESS_VALUE}"


def _admits(document: PolicyDocument, index: int, request: Request) -> bool:
    """Whether ``document`` lets the request in through statement ``index``."""
    decision = evaluate(request, resource_policy=document, identity_policies=[_CALLER_MAY_CALL_STS])
    return decision.allowed and any(
        ref.policy == "resource" and ref.index == index for ref in decision.matched
    )


def _find_witness(
    document: PolicyDocument,
    index: int,
    resource: str,
    callers: list[_Caller],
    probes: Sequence[Probe],
) -> _Witness | None:
    """The first request, most telling probe first, that the statement lets in."""
    base = base_context(document.statements[index])
    for probe in probes:
        context = _probe_context(base, probe)
        if context is None:
            continue
        named_user = _USERNAME in probe.written.lower()
        for caller in callers:
            arn = _as_witness_user(caller.arn) if named_user else caller.arn
            try:
                request = Request(
                    principal=arn, action=ASSUME_ROLE, resource=resource, context=context
                )
            except ValidationError:  # an ARN a Request refuses, or no user to stand in
                continue
            if _admits(document, index, request):
                return _Witness(request, caller.written, probe)
    return None


def _any_account_with_the_id(
    document: PolicyDocument, index: int, resource: str, callers: list[_Caller]
) -> bool:
    """Whether a caller of an account the policy does not name gets in with the exact ID."""
    statement = document.statements[index]
    base = base_context(statement)
    for external_id in exact_external_ids(statement)[:1]:
        for caller in (c for c in callers if c.unnamed):
            context = {**base, "sts:ExternalId": external_id}
            request = Request(
                principal=caller.arn, action=ASSUME_ROLE, resource=resource, context=context
            )
            if _admits(document, index, request):
                return True
    return False


def _everyone_unpinned(statement: Statement) -> bool:
    principal = statement.principal
    pins = {"aws:principalaccount", "aws:principalarn", "aws:principalorgid", "aws:sourceaccount"}
    everyone = principal is not None and (principal.everyone or "*" in principal.aws)
    return everyone and not any(c.key.lower() in pins for c in statement.conditions)


def _high_code(statement: Statement, probe: Probe) -> str:
    """Which rule explains why the statement lets a caller in without the external ID."""
    if _everyone_unpinned(statement):
        return "XA106"
    if probe.kind in ("case", "operator", "variable"):
        return "XA108"
    conditions = external_id_conditions(statement)
    if not conditions:
        # Without a condition of its own, only another statement's gap can ask for an ID.
        return "XA101" if probe.kind == "absent" else "XA104"
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
_BYPASS_MESSAGES: Final = {
    "case": "{who} can assume the role with a case variant of the external ID: the condition "
    "ignores case",
    "operator": "{who} can assume the role with an external ID that is not the customer's: the "
    "condition compares it as a number, date or boolean ({written!r})",
    "variable": "{who} can assume the role with an external ID of its own choosing: the "
    "condition compares it with {written!r}, which the caller sets",
}


def _high_finding(statement: Statement, index: int, witness: _Witness) -> Finding:
    probe = witness.probe
    code = _high_code(statement, probe)
    caller = witness.request.principal
    who = f"{witness.principal} (for example {caller})"
    if witness.principal == caller:
        who = caller
    template = _BYPASS_MESSAGES.get(probe.kind) if code == "XA108" else None
    message = (template or _HIGH_MESSAGES[code]).format(
        who=who, caller=caller, written=probe.written
    )
    if probe.kind == "any":
        message += f"; the witness sends the made-up external ID {probe.value!r}"
    return Finding.of(
        code,
        message,
        statement=index,
        principal=witness.principal,
        witness=witness.request,
        fix=with_exact_external_id(statement),
    )


def _pattern_finding(statement: Statement, index: int, witness: _Witness) -> Finding:
    """XA110 for a pattern that only another statement (a Deny's negated Like) applies."""
    return Finding.of(
        "XA110",
        f"the external ID is matched by the pattern {witness.probe.written!r} "
        f"(any value it matches gets in, for example {witness.probe.value!r})",
        statement=index,
        principal=witness.principal,
        fix=with_exact_external_id(statement),
    )


def _external_id_findings(
    document: PolicyDocument,
    index: int,
    resource: str,
    callers: list[_Caller],
    probes: Sequence[Probe],
) -> list[Finding]:
    """The high finding with its witness, or else what the conditions show (patterns, guessable
    IDs, any account that knows the ID)."""
    statement = document.statements[index]
    bypasses = [p for p in probes if p.kind != "pattern"]
    witness = _find_witness(document, index, resource, callers, bypasses)
    if witness is not None:
        return [_high_finding(statement, index, witness)]
    findings = list(trust_checks.external_id_quality(statement, index))
    if not any(f.code == "XA110" for f in findings):
        patterns = [p for p in probes if p.kind == "pattern"]
        through_pattern = _find_witness(document, index, resource, callers, patterns)
        if through_pattern is not None:
            findings.append(_pattern_finding(statement, index, through_pattern))
    everyone = _everyone_unpinned(statement)
    if everyone or _any_account_with_the_id(document, index, resource, callers):
        findings.append(
            Finding.of(
                "XA109",
                "every AWS account that knows the external ID can assume the role",
                statement=index,
                principal="*",
            )
        )
    return findings


def _not_principal_finding(statement: Statement, index: int) -> Finding:
    if statement.effect == "Allow":
        return Finding.of(
            "XA107",
            "Allow with NotPrincipal trusts every principal not listed, and IAM refuses "
            "NotPrincipal in a role trust policy; name the trusted principals with Principal",
            statement=index,
        )
    return Finding.of(
        "XA145",
        "IAM refuses NotPrincipal in a role trust policy, so this policy cannot be deployed; "
        "write the Deny with Principal and a condition on aws:PrincipalArn instead",
        statement=index,
    )


def _is_third_party_statement(statement: Statement, subject: Subject, stranger: str) -> bool:
    return any(
        _third_party(caller.arn, subject) for caller in _candidates(statement, subject, stranger)
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
    probes = external_id_probes(document)
    findings: list[Finding] = []
    seen: dict[Statement, int] = {}
    for index, statement in enumerate(document.statements):
        findings.extend(trust_checks.spelling(statement, index))
        if statement.not_principal is not None:
            findings.append(_not_principal_finding(statement, index))
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
        callers = _callers(statement, subject, stranger)
        findings.extend(_external_id_findings(document, index, subject.arn, callers, probes))
        third_party = _is_third_party_statement(statement, subject, stranger)
        findings.extend(trust_checks.session_controls(statement, index, third_party))
    return AuditReport(findings)
