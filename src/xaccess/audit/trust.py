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
import ipaddress
from typing import TYPE_CHECKING, Final

import attrs

from xaccess.audit.rules import AuditReport, Finding
from xaccess.errors import ValidationError
from xaccess.identifiers import RoleArn, principal_kind
from xaccess.policy import Condition, PolicyDocument, Request, Statement, evaluate

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from xaccess.policy import ContextValue

__all__ = ["UNRESOLVED_PREFIX", "audit_trust_policy", "to_document"]

#: Sources write a value they cannot resolve (a CloudFormation parameter, say) as this prefix
#: and a name: an unknown but fixed string, never short or guessable, never a pattern.
UNRESOLVED_PREFIX: Final = "xaccess-unresolved-"

_EXTERNAL_ID: Final = "sts:externalid"
_ASSUME_ROLE: Final = "sts:AssumeRole"
_WEB_IDENTITY: Final = "sts:AssumeRoleWithWebIdentity"
_GUESS: Final = "xaccess-audit-any-external-id"
_WITNESS_ROLE: Final = "XAccessAuditWitness"
_STRANGERS: Final = ("123456789012", "210987654321", "555555555555")
_ROLE_ACCOUNTS: Final = ("000000000000", "000000000001", "000000000002")
_MAX_CANDIDATES: Final = 24
_MIN_EXTERNAL_ID: Final = 12
_MIN_DISTINCT: Final = 5
_PLACEHOLDERS: Final = frozenset(
    {"externalid", "external-id", "external_id", "changeme", "secret", "password", "test"}
)
# Keys the evaluator derives from the caller: a witness names a caller, it never claims these.
_DERIVED: Final = frozenset(
    {
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
        "aws:username",
        "aws:userid",
        "aws:principalisawsservice",
        "aws:principalservicename",
        "aws:resourceaccount",
    }
)
_CANONICAL_KEYS: Final = {
    key.lower(): key
    for key in (
        "sts:ExternalId",
        "sts:RoleSessionName",
        "sts:SourceIdentity",
        "sts:TransitiveTagKeys",
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalType",
        "aws:SourceIp",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:TagKeys",
        "aws:MultiFactorAuthPresent",
        "aws:SecureTransport",
    )
}
# Every identity is allowed to call STS: a witness shows what the trust policy itself lets in.
_CALLER_MAY_CALL_STS: Final = PolicyDocument(
    [
        Statement(
            effect="Allow",
            actions=(_ASSUME_ROLE, _WEB_IDENTITY, "sts:TagSession", "sts:SetSourceIdentity"),
            resources=("*",),
        )
    ]
)
_GENERIC_SUBJECT_PREFIXES: Final = ("repo:", "system:serviceaccount:")
_SHARED_AUDIENCE_PROVIDERS: Final = frozenset({"token.actions.githubusercontent.com"})


def to_document(policy: PolicyDocument | Mapping[str, object] | str | bytes) -> PolicyDocument:
    """Read a policy given as a document, a dict or JSON text.

    Raises:
        ValidationError: The policy is not a legal IAM policy.

    .. versionadded:: 0.1.0
    """
    if isinstance(policy, PolicyDocument):
        return policy
    if isinstance(policy, str | bytes):
        return PolicyDocument.from_json(policy)
    return PolicyDocument.from_dict(policy)


@attrs.frozen
class _Subject:
    """The role being audited: its ARN (real or stand-in) and what is known about it."""

    arn: str
    account: str
    partition: str
    known: bool  # whether the caller gave role_arn


def _subject(document: PolicyDocument, role_arn: str | None) -> _Subject:
    if role_arn is not None:
        role = RoleArn.parse(role_arn, field="role_arn")
        return _Subject(str(role), role.account, role.partition, known=True)
    named = _accounts_named(document)
    account = next(a for a in _ROLE_ACCOUNTS if a not in named)
    return _Subject(f"arn:aws:iam::{account}:role/AuditedRole", account, "aws", known=False)


def _accounts_named(document: PolicyDocument) -> set[str]:
    out: set[str] = set()
    for statement in document:
        for principal in (statement.principal, statement.not_principal):
            for entry in principal.aws if principal else ():
                out.add(entry if entry.isdigit() else entry.split(":")[4] if ":" in entry else "")
        for condition in statement.conditions:
            out.update(str(v).split(":")[4] for v in condition.values if str(v).count(":") >= 5)
            out.update(str(v) for v in condition.values if str(v).isdigit())
    return out


def _stranger(subject: _Subject, named: set[str]) -> str:
    return next(a for a in _STRANGERS if a != subject.account and a not in named)


# -- conditions ------------------------------------------------------------------------------


def _parts(operator: str) -> tuple[str, str, bool]:
    """``(set prefix, base operator, if_exists)`` of an operator as written."""
    prefix, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    return prefix, base.removesuffix("IfExists"), if_exists


def _negated(base: str) -> bool:
    return "Not" in base


def _fill(pattern: str) -> str:
    """A concrete value that the wildcard pattern matches."""
    return pattern.replace("*", "x").replace("?", "x")


def _satisfying(condition: Condition) -> ContextValue | None:
    """A value of the condition's key that makes it true, or ``None`` to leave the key out."""
    prefix, base, if_exists = _parts(condition.operator)
    value = condition.values[0]
    if if_exists or _negated(base) or prefix == "ForAllValues":
        return None
    if base == "Null":
        return None if str(value).lower() == "true" else "x"
    text = str(value)
    if base == "Bool":
        return text.lower() == "true"
    if base.startswith("Numeric"):
        number = int(float(text)) if text.replace(".", "", 1).lstrip("-").isdigit() else 0
        return str(
            number + (1 if base == "NumericGreaterThan" else 0) - (base == "NumericLessThan")
        )
    if base.startswith("Date"):
        if base == "DateLessThan":
            return "1970-01-02T00:00:00Z"
        return "2999-01-01T00:00:00Z" if base == "DateGreaterThan" else text
    if base == "IpAddress":
        try:
            return str(ipaddress.ip_network(text, strict=False).network_address)
        except ValueError:
            return text
    concrete = _fill(text) if base.endswith("Like") else text
    return [concrete] if prefix == "ForAnyValue" else concrete


def _base_context(statement: Statement) -> dict[str, ContextValue]:
    """Values for every condition key except the external ID and the caller's own keys."""
    context: dict[str, ContextValue] = {}
    for condition in statement.conditions:
        key = condition.key.lower()
        if key == _EXTERNAL_ID or key in _DERIVED:
            continue
        value = _satisfying(condition)
        if value is not None and not any(k.lower() == key for k in context):
            context[condition.key] = value
    return context


def _external_id_conditions(statement: Statement) -> list[Condition]:
    return [c for c in statement.conditions if c.key.lower() == _EXTERNAL_ID]


def _pinned(statement: Statement, key: str) -> list[str]:
    """Values a positive condition on ``key`` admits (patterns filled in)."""
    out: list[str] = []
    for condition in statement.conditions:
        prefix, base, if_exists = _parts(condition.operator)
        if condition.key.lower() != key or if_exists or _negated(base) or prefix:
            continue
        if base.startswith(("String", "Arn")):
            out.extend(_fill(str(v)) for v in condition.values)
    return out


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


def _candidates(
    statement: Statement, subject: _Subject, stranger: str
) -> Iterator[tuple[str, str]]:
    """``(caller ARN, principal entry as written)`` pairs the statement may admit."""
    partition = subject.partition
    pinned_arns = [
        arn
        for value in _pinned(statement, "aws:principalarn")
        if (arn := _concrete_principal(value, stranger, partition)) is not None
    ]
    pinned_accounts = [a for a in _pinned(statement, "aws:principalaccount") if a.isdigit()]
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


def _third_party(caller: str, subject: _Subject) -> bool:
    """Whether the caller is someone other than the role (and, when known, its account)."""
    account = caller.split(":")[4]
    if subject.known and account == subject.account:
        return False
    return caller.rsplit("/", 1)[-1] != subject.arn.rsplit("/", 1)[-1] or account != subject.account


def _assumes(statement: Statement, action: str) -> bool:
    lowered = action.lower()
    if statement.not_actions:
        return not any(fnmatch.fnmatchcase(lowered, a.lower()) for a in statement.not_actions)
    return any(fnmatch.fnmatchcase(lowered, a.lower()) for a in statement.actions)


# -- the search for witnesses ----------------------------------------------------------------


@attrs.frozen
class _Witness:
    request: Request
    principal: str


def _find_witness(
    document: PolicyDocument, index: int, subject: _Subject, stranger: str
) -> _Witness | None:
    statement = document.statements[index]
    base = _base_context(statement)
    seen: set[str] = set()
    for caller, written in _candidates(statement, subject, stranger):
        if caller in seen or len(seen) >= _MAX_CANDIDATES or not _third_party(caller, subject):
            continue
        seen.add(caller)
        for external_id in (None, _GUESS):
            context = dict(base)
            if external_id is not None:
                context["sts:ExternalId"] = external_id
            try:
                request = Request(
                    principal=caller, action=_ASSUME_ROLE, resource=subject.arn, context=context
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
    if statement.not_principal is not None:
        return "XA107"
    principal = statement.principal
    pins = {"aws:principalaccount", "aws:principalarn", "aws:principalorgid", "aws:sourceaccount"}
    everyone = principal is not None and (principal.everyone or "*" in principal.aws)
    if everyone and not any(c.key.lower() in pins for c in statement.conditions):
        return "XA106"
    conditions = _external_id_conditions(statement)
    if not conditions:
        return "XA101"
    parts = [_parts(c.operator) for c in conditions]
    if any(if_exists for _, _, if_exists in parts):
        return "XA102"
    if any(_negated(base) for _, base, _ in parts):
        return "XA103"
    if any(prefix for prefix, _, _ in parts):
        return "XA105"
    if any(
        base.endswith("Like") and fnmatch.fnmatchcase(_GUESS, str(v))
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
    "XA107": "every principal not listed in NotPrincipal can assume the role (witness: {caller})",
    "XA108": "{who} can assume the role without the external ID despite the sts:ExternalId "
    "condition",
}


def _exact_external_ids(statement: Statement) -> tuple[str, ...]:
    out: list[str] = []
    for condition in _external_id_conditions(statement):
        _, base, _ = _parts(condition.operator)
        if base in ("StringEquals", "StringLike") and not _negated(base):
            out.extend(str(v) for v in condition.values if "*" not in str(v) and "?" not in str(v))
    return tuple(dict.fromkeys(out))


def _with_exact_external_id(statement: Statement) -> Statement | None:
    """The statement with one ``StringEquals`` on the exact external IDs (or a placeholder)."""
    principal = statement.principal
    if principal is None or principal.everyone or "*" in principal.aws:
        return None
    values = _exact_external_ids(statement) or ("<EXTERNAL-ID>",)
    kept = [c for c in statement.conditions if c.key.lower() != _EXTERNAL_ID]
    return attrs.evolve(
        statement, conditions=(Condition("StringEquals", "sts:ExternalId", values), *kept)
    )


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
        fix=_with_exact_external_id(statement),
    )


# -- the other rules -------------------------------------------------------------------------


def _external_id_quality(statement: Statement, index: int) -> Iterator[Finding]:
    for condition in _external_id_conditions(statement):
        prefix, base, _ = _parts(condition.operator)
        if prefix == "ForAnyValue":
            yield Finding.of(
                "XA144",
                f"{condition.operator} on sts:ExternalId: use StringEquals",
                statement=index,
                fix=_with_exact_external_id(statement),
            )
        for value in condition.values:
            text = str(value)
            if text.startswith(UNRESOLVED_PREFIX) and base.endswith("Equals"):
                continue
            if base.endswith("Like") and ("*" in text or "?" in text):
                if not fnmatch.fnmatchcase(_GUESS, text):
                    yield Finding.of(
                        "XA110",
                        f"the external ID is matched by the pattern {text!r}",
                        statement=index,
                        fix=_with_exact_external_id(statement),
                    )
            elif base in ("StringEquals", "StringLike") and _guessable(text):
                yield Finding.of(
                    "XA111",
                    f"the external ID {_shown(text)} is {_guessable(text)}",
                    statement=index,
                )


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:37] + "...")


def _guessable(text: str) -> str:
    """Why an external ID is guessable (empty when it is not)."""
    if text.startswith(UNRESOLVED_PREFIX):
        return ""
    lowered = text.lower()
    if lowered in _PLACEHOLDERS or set(lowered) <= {"0", "x", "-"}:
        return "a placeholder"
    if text.isdigit() and len(text) == 12:
        return "an AWS account ID"
    if len(text) < _MIN_EXTERNAL_ID:
        return f"only {len(text)} characters long"
    if len(set(text)) < _MIN_DISTINCT:
        return f"made of only {len(set(text))} distinct characters"
    return ""


def _provider_host(federated: str) -> str:
    return federated.split("oidc-provider/", 1)[1] if "oidc-provider/" in federated else federated


def _web_identity(
    document: PolicyDocument, statement: Statement, index: int, subject: _Subject
) -> Iterator[Finding]:
    principal = statement.principal
    if principal is None or not _assumes(statement, _WEB_IDENTITY):
        return
    for federated in principal.federated:
        if ":saml-provider/" in federated:
            continue
        host = _provider_host(federated).lower()
        audiences = _pinned(statement, f"{host}:aud")
        subjects = _pinned(statement, f"{host}:sub")
        open_subject = not subjects or all(_open_subject(s) for s in subjects)
        shared = host in _SHARED_AUDIENCE_PROVIDERS
        if open_subject and (not audiences or shared):
            context: dict[str, ContextValue] = {
                **_base_context(statement),
                f"{host}:aud": audiences[0] if audiences else "any-client",
                f"{host}:sub": _attacker_subject(subjects),
            }
            request = Request(
                principal=federated, action=_WEB_IDENTITY, resource=subject.arn, context=context
            )
            decision = evaluate(request, resource_policy=document)
            if decision.allowed:
                yield Finding.of(
                    "XA121",
                    f"any identity of {host} can assume the role",
                    statement=index,
                    principal=federated,
                    witness=request,
                )
                continue
        if not audiences:
            yield Finding.of(
                "XA120",
                f"no condition on {host}:aud: tokens for any client of {host} are accepted",
                statement=index,
                principal=federated,
            )


def _open_subject(pattern: str) -> bool:
    for prefix in _GENERIC_SUBJECT_PREFIXES:
        pattern = pattern.removeprefix(prefix)
    return (pattern.startswith("x") and pattern.strip("x") == "") or pattern == ""


def _attacker_subject(subjects: Sequence[str]) -> str:
    return subjects[0] if subjects else "repo:someone-else/any-repo:ref:refs/heads/main"


def _session_controls(statement: Statement, index: int, third_party: bool) -> Iterator[Finding]:
    if not third_party:
        return
    keys = {c.key.lower() for c in statement.conditions}
    if _assumes(statement, "sts:TagSession") and not any(
        k == "aws:tagkeys" or k.startswith("aws:requesttag/") for k in keys
    ):
        yield Finding.of(
            "XA130",
            "sts:TagSession is allowed without a condition on aws:TagKeys or aws:RequestTag",
            statement=index,
            fix=attrs.evolve(
                statement,
                conditions=(
                    *statement.conditions,
                    Condition("ForAllValues:StringEquals", "aws:TagKeys", ("<TAG-KEY>",)),
                ),
            ),
        )
    if _assumes(statement, "sts:SetSourceIdentity") and "sts:sourceidentity" not in keys:
        yield Finding.of(
            "XA131",
            "sts:SetSourceIdentity is allowed without a condition on sts:SourceIdentity",
            statement=index,
            fix=attrs.evolve(
                statement,
                conditions=(
                    *statement.conditions,
                    Condition("StringLike", "sts:SourceIdentity", ("<SOURCE-IDENTITY>",)),
                ),
            ),
        )


def _spelling(statement: Statement, index: int) -> Iterator[Finding]:
    for condition in statement.conditions:
        canonical = _CANONICAL_KEYS.get(condition.key.lower())
        if canonical is not None and canonical != condition.key:
            yield Finding.of(
                "XA140",
                f"condition key {condition.key!r} is usually written {canonical!r}",
                statement=index,
            )


def _principal_notes(statement: Statement, index: int, subject: _Subject) -> Iterator[Finding]:
    principal = statement.principal
    if principal is None:
        return
    for service in principal.service:
        yield Finding.of(
            "XA142", f"the service {service} is trusted", statement=index, principal=service
        )
    if not subject.known:
        return
    for entry in principal.aws:
        account = entry if entry.isdigit() else entry.split(":")[4] if ":" in entry else ""
        if account == subject.account and entry != subject.arn:
            yield Finding.of(
                "XA143",
                f"{entry} is in the role's own account {subject.account}",
                statement=index,
                principal=entry,
            )


def _is_third_party_statement(statement: Statement, subject: _Subject, stranger: str) -> bool:
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
    subject = _subject(document, role_arn)
    stranger = _stranger(subject, _accounts_named(document))
    findings: list[Finding] = []
    seen: dict[Statement, int] = {}
    for index, statement in enumerate(document.statements):
        findings.extend(_spelling(statement, index))
        if statement.effect != "Allow":
            continue
        plain = attrs.evolve(statement, sid=None)
        if plain in seen:
            findings.append(
                Finding.of("XA141", f"repeats statement {seen[plain]}", statement=index)
            )
            continue
        seen[plain] = index
        findings.extend(_principal_notes(statement, index, subject))
        findings.extend(_web_identity(document, statement, index, subject))
        if not _assumes(statement, _ASSUME_ROLE):
            continue
        witness = _find_witness(document, index, subject, stranger)
        if witness is not None:
            findings.append(_high_finding(statement, index, witness))
        else:
            findings.extend(_external_id_quality(statement, index))
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
        findings.extend(_session_controls(statement, index, third_party))
    return AuditReport(findings)
