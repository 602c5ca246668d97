"""The finding catalogue: every rule the audit applies, with a stable code, and its results.

Codes never change meaning and are never reused: scripts, SARIF dashboards and suppressions key
on them. ``XA1xx`` rules judge a role's trust policy, ``XA2xx`` its permissions.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Final

import attrs

from xaccess.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from xaccess.policy import Request, Statement

__all__ = [
    "RULES",
    "AuditReport",
    "Finding",
    "Rule",
    "Severity",
    "rule",
]


class Severity(enum.StrEnum):
    """How bad a finding is; ``high`` makes a report not ok.

    .. versionadded:: 0.1.0
    """

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for info up to 3 for high, for comparing severities."""
        return _RANKS[self]

    @classmethod
    def parse(cls, value: object, *, field: str = "severity") -> Severity:
        """Read a severity name (any case), or raise :class:`~xaccess.ValidationError`."""
        if isinstance(value, Severity):
            return value
        if isinstance(value, str) and value.lower() in _RANKS:
            return cls(value.lower())
        raise ValidationError(field, f"must be one of info, low, medium, high, got {value!r}")


_RANKS: Final = {Severity.INFO: 0, Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


@attrs.frozen
class Rule:
    """One entry of the catalogue.

    Attributes:
        code: The stable code, ``XA`` and three digits.
        severity: The severity of every finding of this rule.
        title: A short name for the problem.
        description: What the rule detects and why it matters.

    .. versionadded:: 0.1.0
    """

    code: str
    severity: Severity
    title: str
    description: str


_H, _M, _L, _I = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO

#: Every rule by code. The trust rules are judged by evaluating the policy: a high trust finding
#: always carries a witness request that the evaluator allows without the external ID.
RULES: Final[dict[str, Rule]] = {
    rule.code: rule
    for rule in (
        Rule(
            "XA101",
            _H,
            "No external ID required",
            (
                "A third party can assume the role and the statement has no sts:ExternalId "
                "condition."
            ),
        ),
        Rule(
            "XA102",
            _H,
            "External ID only if present",
            (
                "The sts:ExternalId condition uses an ...IfExists operator, which passes when the "
                "caller sends no external ID."
            ),
        ),
        Rule(
            "XA103",
            _H,
            "Negated external ID condition",
            (
                "A negated operator (StringNotEquals, StringNotLike, ...) on sts:ExternalId "
                "passes when the caller sends no external ID or any other one."
            ),
        ),
        Rule(
            "XA104",
            _H,
            "External ID pattern matches anything",
            ("StringLike on sts:ExternalId with a pattern such as '*' accepts any external ID."),
        ),
        Rule(
            "XA105",
            _H,
            "External ID under a set operator",
            (
                "ForAllValues: on sts:ExternalId passes when the key is missing, so no external "
                "ID is needed."
            ),
        ),
        Rule(
            "XA106",
            _H,
            "Anyone can assume the role",
            (
                "Principal '*' (or AWS '*') without a condition that pins the caller's account "
                "lets every AWS account assume the role."
            ),
        ),
        Rule(
            "XA107",
            _H,
            "NotPrincipal in a trust policy",
            (
                "IAM does not support NotPrincipal in a role trust policy, so the role cannot be "
                "created or updated with it; written with Allow, it means to trust every "
                "principal that is not listed (with Deny, see XA145)."
            ),
        ),
        Rule(
            "XA108",
            _H,
            "External ID condition can be bypassed",
            (
                "The statement tests sts:ExternalId, but a request without the external ID still "
                "satisfies every condition."
            ),
        ),
        Rule(
            "XA109",
            _M,
            "Any account that knows the external ID",
            (
                "Principal '*' without a condition that pins the caller's account: the external "
                "ID is the only thing between the role and every AWS account, and it is not a "
                "secret."
            ),
        ),
        Rule(
            "XA110",
            _M,
            "External ID matched by a pattern",
            (
                "StringLike with wildcards on sts:ExternalId: safe only when the vendor writes "
                "the fixed part itself; use StringEquals on the exact value."
            ),
        ),
        Rule(
            "XA111",
            _M,
            "Short or guessable external ID",
            (
                "The external ID is short, an account ID, a placeholder or made of few distinct "
                "characters; a vendor-generated random value per customer is expected."
            ),
        ),
        Rule(
            "XA120",
            _M,
            "Web identity without an audience",
            (
                "Web-identity trust without a condition on the provider's aud key accepts tokens "
                "issued for any client of the provider."
            ),
        ),
        Rule(
            "XA121",
            _H,
            "Web identity open to any subject",
            (
                "Web-identity trust that pins neither the audience nor the subject (or whose "
                "audience is shared by every user of the provider, as GitHub Actions') lets any "
                "identity of the provider assume the role."
            ),
        ),
        Rule(
            "XA130",
            _M,
            "Session tags without limits",
            (
                "sts:TagSession is allowed without a condition on aws:TagKeys or aws:RequestTag, "
                "so the third party chooses every session tag (and any attribute-based access "
                "control built on them)."
            ),
        ),
        Rule(
            "XA131",
            _M,
            "Source identity without limits",
            ("sts:SetSourceIdentity is allowed without a condition on sts:SourceIdentity."),
        ),
        Rule(
            "XA140",
            _L,
            "Case-variant condition key",
            (
                "A condition key is spelled in an unusual case; IAM ignores the case but readers "
                "and pattern-based tools may not."
            ),
        ),
        Rule(
            "XA141",
            _L,
            "Redundant statement",
            ("The statement repeats an earlier one (ignoring Sid)."),
        ),
        Rule(
            "XA142",
            _I,
            "Service principal",
            ("An AWS service is trusted; services are not third parties and need no external ID."),
        ),
        Rule(
            "XA143",
            _I,
            "Trust within the role's own account",
            (
                "A principal of the role's own account may assume it without an external ID; the "
                "external ID protects against third parties only."
            ),
        ),
        Rule(
            "XA144",
            _L,
            "Set operator on the external ID",
            (
                "ForAnyValue: on the single-valued sts:ExternalId works like the plain operator "
                "but reads as if several values could be sent; use StringEquals."
            ),
        ),
        Rule(
            "XA145",
            _L,
            "Deny with NotPrincipal in a trust policy",
            (
                "IAM refuses NotPrincipal in a role trust policy, so the template or update "
                "fails to deploy; with Deny it trusts no one more, so it is a broken policy "
                "rather than a confused deputy. Deny with Principal and conditions instead."
            ),
        ),
        Rule(
            "XA201",
            _H,
            "Administrator access",
            ("The permissions allow every action on every resource."),
        ),
        Rule(
            "XA202",
            _H,
            "Privilege escalation",
            (
                "The permissions allow an action that lets the third party grant itself more "
                "access (iam:PassRole on any role, iam:UpdateAssumeRolePolicy, "
                "iam:AttachRolePolicy, iam:CreatePolicyVersion, ...)."
            ),
        ),
        Rule(
            "XA203",
            _H,
            "Assume any role onward",
            (
                "The permissions allow sts:AssumeRole on any role, so the third party can move on "
                "to every role that trusts this account."
            ),
        ),
        Rule(
            "XA204",
            _M,
            "Service-wide wildcard",
            ("Every action of a service is allowed on every resource."),
        ),
        Rule(
            "XA205",
            _M,
            "Unknown action",
            (
                "The action is not in the IAM action catalog: most often a typo, which IAM "
                "accepts and silently never matches."
            ),
        ),
        Rule(
            "XA206",
            _L,
            "Allow with NotAction",
            ("Allow with NotAction grants every action not listed, including ones AWS adds later."),
        ),
        Rule(
            "XA207",
            _H,
            "Broad AWS managed policy attached",
            ("An AWS managed policy that grants administrator or IAM-wide access is attached."),
        ),
    )
}


def rule(code: str) -> Rule:
    """The rule with this code.

    Raises:
        ValidationError: No rule has this code.

    .. versionadded:: 0.1.0
    """
    try:
        return RULES[code]
    except KeyError:
        raise ValidationError("code", f"no audit rule has the code {code!r}") from None


@attrs.frozen
class Finding:
    """One problem the audit found.

    Attributes:
        code: The rule's stable code (see :data:`RULES`).
        severity: ``high``, ``medium``, ``low`` or ``info``.
        title: The rule's title.
        message: What is wrong here, in a sentence or two.
        statement: The index of the statement in its policy, or ``None``.
        principal: The principal concerned, as written in the policy, or ``None``.
        witness: For trust findings, a request that the evaluator allows under the policy when
            the caller's own account lets it call STS (for high findings: without the external
            ID); for permission findings, a request the permissions allow. ``None`` otherwise.
        fix: The corrected statement, where one exists.
        policy: Which document of the audited set the statement belongs to (permissions only).

    .. versionadded:: 0.1.0
    """

    code: str
    severity: Severity
    title: str
    message: str
    statement: int | None = None
    principal: str | None = None
    witness: Request | None = None
    fix: Statement | None = None
    policy: int | None = None

    @classmethod
    def of(
        cls,
        code: str,
        message: str,
        *,
        statement: int | None = None,
        principal: str | None = None,
        witness: Request | None = None,
        fix: Statement | None = None,
        policy: int | None = None,
    ) -> Finding:
        """A finding of the rule ``code``, with its severity and title from the catalogue.

        Raises:
            ValidationError: No rule has this code.
        """
        entry = rule(code)
        return cls(
            entry.code,
            entry.severity,
            entry.title,
            message,
            statement,
            principal,
            witness,
            fix,
            policy,
        )


def _sorted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(
        sorted(
            findings,
            key=lambda f: (
                -f.severity.rank,
                -1 if f.policy is None else f.policy,
                -1 if f.statement is None else f.statement,
                f.code,
            ),
        )
    )


@attrs.frozen
class AuditReport:
    """What an audit found, most severe first.

    .. versionadded:: 0.1.0
    """

    findings: tuple[Finding, ...] = attrs.field(converter=_sorted)

    @property
    def ok(self) -> bool:
        """Whether no high-severity finding exists."""
        return not any(f.severity is Severity.HIGH for f in self.findings)

    def at_least(self, severity: Severity | str) -> tuple[Finding, ...]:
        """The findings of ``severity`` or worse."""
        floor = Severity.parse(severity).rank
        return tuple(f for f in self.findings if f.severity.rank >= floor)

    def codes(self) -> tuple[str, ...]:
        """The codes of the findings, in report order (handy in tests and scripts)."""
        return tuple(f.code for f in self.findings)

    def __add__(self, other: AuditReport) -> AuditReport:
        return AuditReport(self.findings + other.findings)
