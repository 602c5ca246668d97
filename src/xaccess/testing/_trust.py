"""Trust policy principals as AWS holds them.

AWS stores a role or user ARN in a trust policy's ``Principal`` as that entity's unique ID, so
the ARN names only the role or user that existed with exactly that ARN when the policy was
saved. moto keeps the text; this module rewrites ARNs that name nobody any more.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final

from xaccess._validate import load_json
from xaccess.testing._memory import MEMORY
from xaccess.testing._moto import iam_backend

if TYPE_CHECKING:
    from collections.abc import Iterator

    from xaccess.policy import PolicyDocument
    from xaccess.testing._callers import Role


_NAMED_PRINCIPAL: Final = re.compile(r"arn:(aws[a-z-]*):iam::([0-9]{12}):(role|user)/[^*?]+")


def trust_document(role: Role) -> PolicyDocument | str:
    """The role's trust policy as AWS holds it, or why it is not a policy.

    A role or user ARN in ``Principal`` is stored by AWS as that principal's unique ID, so it
    names only the role or user that existed with exactly that ARN (path included) when the
    policy was saved. One that does not exist now, or was deleted since, names nobody.
    """
    from xaccess.policy import PolicyDocument  # noqa: PLC0415

    try:
        PolicyDocument.from_json(role.trust_policy)
        return PolicyDocument.from_json(_resolved_trust(role))
    except ValueError as error:
        return f"the role's trust policy is not valid: {error}"


def _json_or_none(text: str) -> object:
    try:
        return load_json(text, field="trust policy")
    except ValueError:
        return None


def _principal_lists(document: object) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    """Each ``Principal`` with an ``AWS`` element in a policy document, with its entries."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if isinstance(principal, dict) and "AWS" in principal:
            entries = principal["AWS"]
            yield principal, entries if isinstance(entries, list) else [entries]


def aws_principals(trust_policy: str) -> set[str]:
    """Every string in the ``AWS`` element of the trust policy's principals."""
    return {
        entry
        for _, entries in _principal_lists(_json_or_none(trust_policy))
        for entry in entries
        if isinstance(entry, str)
    }


def _resolved_trust(role: Role) -> str:
    """The trust policy text with each role or user ARN that names nobody replaced."""
    document = _json_or_none(role.trust_policy)
    deleted = MEMORY.unresolved(role.key, role.trust_policy)
    changed = False
    for principal, entries in _principal_lists(document):
        resolved = [_resolved_principal(entry, deleted) for entry in entries]
        if resolved != entries:
            changed = True
            principal["AWS"] = resolved
    return json.dumps(document) if changed else role.trust_policy


def _resolved_principal(entry: object, deleted: frozenset[str]) -> object:
    match = _NAMED_PRINCIPAL.fullmatch(entry) if isinstance(entry, str) else None
    if match is None:
        return entry
    partition, account, kind = match.groups()
    backend = iam_backend(account, partition)
    entities = (
        []
        if backend is None
        else list(backend.get_roles() if kind == "role" else backend.users.values())
    )
    if entry not in deleted and any(str(entity.arn) == entry for entity in entities):
        return entry
    # An ARN no caller has (AWS shows the deleted principal's unique ID instead).
    return f"arn:{partition}:iam::{account}:unresolved-{kind}/{str(entry).split('/', 1)[1]}"
