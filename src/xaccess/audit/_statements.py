"""What the trust analysis reads from a statement: conditions, principals, the audited role.

Private to :mod:`xaccess.audit`: the witness search (:mod:`xaccess.audit.trust`) and the
condition checks (:mod:`xaccess.audit.trust_checks`) share these helpers.
"""

from __future__ import annotations

import decimal
import fnmatch
import ipaddress
from typing import TYPE_CHECKING, Final

import attrs

from xaccess.identifiers import RoleArn
from xaccess.policy import Condition, PolicyDocument, Statement

if TYPE_CHECKING:
    from collections.abc import Mapping

    from xaccess.policy import ContextValue

#: Sources write a value they cannot resolve (a CloudFormation parameter, say) as this prefix
#: and a name: an unknown but fixed string, never short or guessable, never a pattern.
UNRESOLVED_PREFIX: Final = "xaccess-unresolved-"
EXTERNAL_ID_KEY: Final = "sts:externalid"
ASSUME_ROLE: Final = "sts:AssumeRole"
#: The external ID a witness makes up: it matches only patterns that match anything.
GUESS: Final = "xaccess-audit-any-external-id"
#: The value a witness gives a key the caller controls and the external ID built from it.
WITNESS_VALUE: Final = "xaccess-audit-witness"
#: Keys of an AssumeRole request whose values the caller chooses freely, by lowered name.
CALLER_CHOSEN: Final = {
    "sts:rolesessionname": "sts:RoleSessionName",
    "sts:sourceidentity": "sts:SourceIdentity",
}
#: Accounts a witness may come from when a statement admits any account.
STRANGERS: Final = ("123456789012", "210987654321", "555555555555")
#: Stand-in accounts for the audited role when its ARN is not known.
ROLE_ACCOUNTS: Final = ("000000000000", "000000000001", "000000000002")
#: Keys the evaluator derives from the caller: a witness names a caller, it never claims these.
DERIVED_KEYS: Final = frozenset(
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
class Subject:
    """The role being audited: its ARN (real or stand-in) and what is known about it."""

    arn: str
    account: str
    partition: str
    known: bool  # whether the caller gave role_arn


def subject_of(document: PolicyDocument, role_arn: str | None) -> Subject:
    if role_arn is not None:
        role = RoleArn.parse(role_arn, field="role_arn")
        return Subject(str(role), role.account, role.partition, known=True)
    named = accounts_named(document)
    account = next(a for a in ROLE_ACCOUNTS if a not in named)
    return Subject(f"arn:aws:iam::{account}:role/AuditedRole", account, "aws", known=False)


def accounts_named(document: PolicyDocument) -> set[str]:
    out: set[str] = set()
    for statement in document:
        for principal in (statement.principal, statement.not_principal):
            for entry in principal.aws if principal else ():
                out.add(entry if entry.isdigit() else entry.split(":")[4] if ":" in entry else "")
        for condition in statement.conditions:
            out.update(str(v).split(":")[4] for v in condition.values if str(v).count(":") >= 5)
            out.update(str(v) for v in condition.values if str(v).isdigit())
    return out


def stranger_for(subject: Subject, named: set[str]) -> str:
    return next(a for a in STRANGERS if a != subject.account and a not in named)


# -- conditions ------------------------------------------------------------------------------


def operator_parts(operator: str) -> tuple[str, str, bool]:
    """``(set prefix, base operator, if_exists)`` of an operator as written."""
    prefix, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    return prefix, base.removesuffix("IfExists"), if_exists


def negated(base: str) -> bool:
    return "Not" in base


def fill(pattern: str) -> str:
    """A concrete value that the wildcard pattern matches (at least two characters per ``*``,
    as STS wants two or more in a session name or source identity)."""
    return pattern.replace("*", "xx").replace("?", "x")


def satisfying(condition: Condition) -> ContextValue | None:
    """A value of the condition's key that makes it true, or ``None`` to leave the key out."""
    prefix, base, if_exists = operator_parts(condition.operator)
    value = condition.values[0]
    if if_exists or negated(base) or prefix == "ForAllValues":
        return None
    if base == "Null":
        return None if str(value).lower() == "true" else "x"
    text = str(value)
    if base == "Bool":
        return text.lower() == "true"
    if base.startswith("Numeric"):
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            return text  # matches nothing: no witness through this statement
        step = {"NumericGreaterThan": 1, "NumericLessThan": -1}.get(base, 0)
        return str(number + step)
    if base.startswith("Date"):
        if base == "DateLessThan":
            return "1970-01-02T00:00:00Z"
        return "2999-01-01T00:00:00Z" if base == "DateGreaterThan" else text
    if base == "IpAddress":
        try:
            return str(ipaddress.ip_network(text, strict=False).network_address)
        except ValueError:
            return text
    concrete = fill(text) if base.endswith("Like") else text
    return [concrete] if prefix == "ForAnyValue" else concrete


def base_context(statement: Statement) -> dict[str, ContextValue]:
    """Values for every condition key except the external ID and the caller's own keys."""
    context: dict[str, ContextValue] = {}
    for condition in statement.conditions:
        key = condition.key.lower()
        if key == EXTERNAL_ID_KEY or key in DERIVED_KEYS:
            continue
        value = satisfying(condition)
        if value is not None and not any(k.lower() == key for k in context):
            context[condition.key] = value
    return context


def external_id_conditions(statement: Statement) -> list[Condition]:
    return [c for c in statement.conditions if c.key.lower() == EXTERNAL_ID_KEY]


def pinned_values(statement: Statement, key: str) -> list[str]:
    """Values a positive condition on ``key`` admits (patterns filled in)."""
    out: list[str] = []
    for condition in statement.conditions:
        prefix, base, if_exists = operator_parts(condition.operator)
        if condition.key.lower() != key or if_exists or negated(base) or prefix:
            continue
        if base.startswith(("String", "Arn")):
            out.extend(fill(str(v)) for v in condition.values)
    return out


def admitted_values(statement: Statement, key: str) -> list[str]:
    """Values, as written, that a positive condition on ``key`` could admit.

    Unlike :func:`pinned_values`, ``...IfExists`` operators and set prefixes count (the caller's
    own keys are always present and single-valued, so they pin as much as the plain operator),
    and patterns are kept as patterns for the caller to make concrete.
    """
    out: list[str] = []
    for condition in statement.conditions:
        _, base, _ = operator_parts(condition.operator)
        if (
            condition.key.lower() == key
            and not negated(base)
            and base.startswith(("String", "Arn"))
        ):
            out.extend(str(v) for v in condition.values)
    return out


def concrete_account(pattern: str) -> str | None:
    """A twelve-digit account that the wildcard pattern matches, or ``None``."""
    if not pattern or set(pattern) - set("0123456789*?"):
        return None
    fixed = len(pattern.replace("*", ""))
    if fixed > 12 or (fixed < 12 and "*" not in pattern):
        return None
    return pattern.replace("?", "1").replace("*", "1" * (12 - fixed), 1).replace("*", "")


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


@attrs.frozen
class Probe:
    """An external ID a witness may send, and why it might get in.

    ``kind`` is ``absent`` (no external ID), ``any`` (a made-up one), ``case`` (a case variant
    of a written one), ``operator`` (a value a Numeric, Date or Bool operator accepts),
    ``variable`` (the value of keys the caller chooses) or ``pattern`` (a Like pattern filled
    in); ``written`` is the value of the policy it comes from.
    """

    value: str | None
    kind: str
    written: str = ""


def external_id_probes(document: PolicyDocument) -> tuple[Probe, ...]:
    """Every external ID worth trying against ``document``, from the meaning of each condition
    on ``sts:ExternalId`` in any statement (``Deny`` ones included), most telling first."""
    probes = [Probe(None, "absent"), Probe(GUESS, "any")]
    for statement in document:
        for condition in external_id_conditions(statement):
            _, base, _ = operator_parts(condition.operator)
            for value in condition.values:
                probes.extend(_probes_for(base, str(value)))
    order = ("absent", "any", "case", "operator", "variable", "pattern")
    unique: dict[str | None, Probe] = {}
    for probe in probes:
        unique.setdefault(probe.value, probe)  # the first probe of a value wins
    return tuple(sorted(unique.values(), key=lambda p: order.index(p.kind)))


def _probes_for(base: str, text: str) -> list[Probe]:
    """External IDs that a condition of ``base`` on ``text`` lets through, other than ``text``
    itself where one exists."""
    if base.startswith("Numeric"):
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            return []
        same = f"{number}0" if "." in str(number) else f"{number}.0"  # equal, written otherwise
        values = (str(number + 1000), str(number - 1000), same)
        return [Probe(v, "operator", text) for v in values]
    if base.startswith("Date"):
        dates = ("2999-01-01T00:00:00Z", "1970-01-02T00:00:00Z", text)
        return [Probe(d, "operator", text) for d in dates if len(d) >= 2]
    if base == "Bool":
        return [Probe(v, "operator", text) for v in (text.swapcase(), "true", "false")]
    if "${" in text:
        return [Probe(text, "variable", text)]
    if base.endswith("Like") and has_wildcard(text):
        return [Probe(fill(text), "pattern", text)]
    if base.endswith("IgnoreCase") and text.swapcase() != text:
        return [Probe(text.swapcase(), "case", text)]
    return []


def assumes(statement: Statement, action: str) -> bool:
    lowered = action.lower()
    if statement.not_actions:
        return not any(fnmatch.fnmatchcase(lowered, a.lower()) for a in statement.not_actions)
    return any(fnmatch.fnmatchcase(lowered, a.lower()) for a in statement.actions)


def exact_external_ids(statement: Statement) -> tuple[str, ...]:
    out: list[str] = []
    for condition in external_id_conditions(statement):
        _, base, _ = operator_parts(condition.operator)
        if base in ("StringEquals", "StringLike", "StringEqualsIgnoreCase"):
            out.extend(str(v) for v in condition.values if "*" not in str(v) and "?" not in str(v))
    return tuple(dict.fromkeys(out))


def with_exact_external_id(statement: Statement) -> Statement | None:
    """The statement with one ``StringEquals`` on the exact external IDs (or a placeholder)."""
    principal = statement.principal
    if principal is None or principal.everyone or "*" in principal.aws:
        return None
    values = exact_external_ids(statement) or ("<EXTERNAL-ID>",)
    kept = [c for c in statement.conditions if c.key.lower() != EXTERNAL_ID_KEY]
    return attrs.evolve(
        statement, conditions=(Condition("StringEquals", "sts:ExternalId", values), *kept)
    )
