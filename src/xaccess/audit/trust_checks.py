"""The trust-policy rules read from a statement's conditions rather than found by a witness.

Patterns and guessable values on the external ID, web identity without an audience or subject,
session tags and source identity without limits, case-variant keys, service principals and the
role's own account.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Final

import attrs

from xaccess.audit._statements import (
    GUESS,
    UNRESOLVED_PREFIX,
    Subject,
    assumes,
    base_context,
    external_id_conditions,
    operator_parts,
    pinned_values,
    with_exact_external_id,
)
from xaccess.audit.rules import Finding
from xaccess.policy import Condition, PolicyDocument, Request, Statement, evaluate

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from xaccess.policy import ContextValue

__all__ = [
    "external_id_quality",
    "principal_notes",
    "session_controls",
    "spelling",
    "web_identity",
]

_WEB_IDENTITY: Final = "sts:AssumeRoleWithWebIdentity"
# An external ID shorter than this, or with fewer distinct characters, is guessable (a
# vendor's generated IDs are UUIDs or 32 hex digits; AWS allows 2 to 1224 characters).
_MIN_EXTERNAL_ID: Final = 12
_MIN_DISTINCT: Final = 5
_PLACEHOLDERS: Final = frozenset(
    {"externalid", "external-id", "external_id", "changeme", "secret", "password", "test"}
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
# Subject prefixes every identity of the provider shares: "repo:*" admits every repository.
_GENERIC_SUBJECT_PREFIXES: Final = ("repo:", "system:serviceaccount:")
# Providers whose tokens all carry the same audience, so aud alone pins nothing.
_SHARED_AUDIENCE_PROVIDERS: Final = frozenset({"token.actions.githubusercontent.com"})


def external_id_quality(statement: Statement, index: int) -> Iterator[Finding]:
    for condition in external_id_conditions(statement):
        prefix, base, _ = operator_parts(condition.operator)
        if prefix == "ForAnyValue":
            yield Finding.of(
                "XA144",
                f"{condition.operator} on sts:ExternalId: use StringEquals",
                statement=index,
                fix=with_exact_external_id(statement),
            )
        for value in condition.values:
            text = str(value)
            if text.startswith(UNRESOLVED_PREFIX) and base.endswith("Equals"):
                continue
            if base.endswith("Like") and ("*" in text or "?" in text):
                if not fnmatch.fnmatchcase(GUESS, text):
                    yield Finding.of(
                        "XA110",
                        f"the external ID is matched by the pattern {text!r}",
                        statement=index,
                        fix=with_exact_external_id(statement),
                    )
            elif base in ("StringEquals", "StringLike") and _guessable(text):
                yield Finding.of(
                    "XA111",
                    f"the external ID {_shown(text)} is {_guessable(text)}",
                    statement=index,
                )


def _shown(text: str) -> str:
    """The external ID masked for reports, which end up on dashboards: its first four
    characters and its length (a value built from policy variables is shown, it is no secret)."""
    if "${" in text:
        return repr(text) if len(text) <= 40 else repr(text[:37] + "...")
    return f"{text[:4] + '...'!r} ({len(text)} characters)"


def _guessable(text: str) -> str:
    """Why an external ID is guessable (empty when it is not)."""
    if text.startswith(UNRESOLVED_PREFIX):
        return ""
    if "${" in text:
        return "built from a policy variable, which the caller knows or controls"
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


def web_identity(
    document: PolicyDocument, statement: Statement, index: int, subject: Subject
) -> Iterator[Finding]:
    principal = statement.principal
    if principal is None or not assumes(statement, _WEB_IDENTITY):
        return
    for federated in principal.federated:
        if ":saml-provider/" in federated:
            continue
        host = _provider_host(federated).lower()
        audiences = pinned_values(statement, f"{host}:aud")
        subjects = pinned_values(statement, f"{host}:sub")
        open_subject = not subjects or all(_open_subject(s) for s in subjects)
        shared = host in _SHARED_AUDIENCE_PROVIDERS
        if open_subject and (not audiences or shared):
            context: dict[str, ContextValue] = {
                **base_context(statement),
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


def session_controls(statement: Statement, index: int, third_party: bool) -> Iterator[Finding]:
    if not third_party:
        return
    keys = {c.key.lower() for c in statement.conditions}
    if assumes(statement, "sts:TagSession") and not any(
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
    if assumes(statement, "sts:SetSourceIdentity") and "sts:sourceidentity" not in keys:
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


def spelling(statement: Statement, index: int) -> Iterator[Finding]:
    for condition in statement.conditions:
        canonical = _CANONICAL_KEYS.get(condition.key.lower())
        if canonical is not None and canonical != condition.key:
            yield Finding.of(
                "XA140",
                f"condition key {condition.key!r} is usually written {canonical!r}",
                statement=index,
            )


def principal_notes(statement: Statement, index: int, subject: Subject) -> Iterator[Finding]:
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
