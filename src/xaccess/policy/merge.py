"""Lossless merging of policy statements, and packing them into size-limited policies.

:func:`merge_statements` merges statements only where the result decides every request exactly
as the input did. :func:`first_fit_decreasing` counts how many policies of a given size a set of
statements needs. Both run in time linear in the statements (per merging pass).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

from xaccess.policy.model import Statement
from xaccess.policy.size import iam_size

if TYPE_CHECKING:
    from collections.abc import Sequence

    from xaccess.policy.model import ConditionValue

__all__ = ["first_fit_decreasing", "merge_statements", "statement_size"]

_ConditionKey = frozenset[tuple[str, str, frozenset[tuple[str, "ConditionValue"]]]]


class _Draft:
    """A statement being merged: actions deduplicated ignoring case, resources exactly.

    Mutable on purpose: merging appends to the lists and sets of the surviving draft, so a
    merge costs the size of what is added, never a rebuild of what is already there.
    """

    __slots__ = ("actions", "condition_key", "folded", "resources", "seen", "source")

    def __init__(self, statement: Statement) -> None:
        self.source = statement
        self.condition_key: _ConditionKey = frozenset(
            (c.operator, c.key.lower(), frozenset((type(v).__name__, v) for v in c.values))
            for c in statement.conditions
        )
        self.actions: list[str] = []
        self.folded: set[str] = set()
        self.resources: list[str] = []
        self.seen: set[str] = set()
        self.add_actions(statement.actions)
        self.add_resources(statement.resources)

    def add_actions(self, actions: Sequence[str]) -> None:
        for action in actions:
            folded = action.lower()
            if folded not in self.folded:
                self.folded.add(folded)
                self.actions.append(action)

    def add_resources(self, resources: Sequence[str]) -> None:
        for resource in resources:
            if resource not in self.seen:
                self.seen.add(resource)
                self.resources.append(resource)

    def to_statement(self) -> Statement:
        source = self.source
        actions, resources = tuple(self.actions), tuple(self.resources)
        if (actions, resources) == (source.actions, source.resources):
            return source
        return Statement(
            effect=source.effect,
            actions=actions,
            resources=resources,
            conditions=source.conditions,
            sid=source.sid,
        )


def _merge_pass(drafts: list[_Draft], *, by: Literal["resources", "actions"]) -> list[_Draft]:
    """Merge drafts that agree on effect, conditions and ``by``; unite the other part."""
    out: list[_Draft] = []
    targets: dict[object, _Draft] = {}
    for draft in drafts:
        if draft.source.sid is not None:  # a Sid names one statement: keep it as written
            out.append(draft)
            continue
        same = frozenset(draft.seen) if by == "resources" else frozenset(draft.folded)
        key = (draft.source.effect, draft.condition_key, same)
        target = targets.get(key)
        if target is None:
            targets[key] = draft
            out.append(draft)
        elif by == "resources":
            target.add_actions(draft.actions)
        else:
            target.add_resources(draft.resources)
    return out


def merge_statements(statements: Sequence[Statement]) -> tuple[Statement, ...]:
    """Merge statements where the result decides every request exactly as the input.

    Two statements with the same effect and the same conditions are merged when they have the
    same resources (their actions are united) or the same actions (their resources are united);
    exact duplicates disappear. Statements with a ``Sid`` are kept as they are. Repeated until
    nothing changes; order follows first appearance. Each pass is linear in the statements.

    Args:
        statements: Statements without ``NotAction``, ``NotResource`` or principals.

    Returns:
        The merged statements.

    .. versionadded:: 0.1.0
    """
    drafts = [_Draft(statement) for statement in statements]
    while True:
        merged = _merge_pass(_merge_pass(drafts, by="resources"), by="actions")
        if len(merged) == len(drafts):
            return tuple(draft.to_statement() for draft in merged)
        drafts = merged


def statement_size(statement: Statement) -> int:
    """The characters IAM counts for ``statement`` in a policy (whitespace not counted).

    .. versionadded:: 0.1.0
    """
    return iam_size(json.dumps(statement.to_dict(), separators=(",", ":"), ensure_ascii=True))


def first_fit_decreasing(sizes: Sequence[int], capacity: int) -> int:
    """How many bins of ``capacity`` the items need, packed first-fit decreasing.

    Each item goes into the first bin with room, largest item first; an item larger than
    ``capacity`` takes a bin of its own. The first bin with room is found in a tree of the
    bins' free space, so packing ``n`` items costs ``O(n log n)``.

    Args:
        sizes: The size of each item.
        capacity: The size of one bin.

    Returns:
        The number of bins used.

    .. versionadded:: 0.1.0
    """
    items = sorted(sizes, reverse=True)
    oversized = sum(1 for size in items if size > capacity)
    fitting = items[oversized:]
    leaves = 1
    while leaves < len(fitting):
        leaves *= 2
    free = [capacity] * (2 * leaves)  # free[node]: the most free space of a bin below node
    used = 0
    for size in fitting:
        node = 1
        while node < leaves:  # descend to the leftmost bin with room
            node = 2 * node if free[2 * node] >= size else 2 * node + 1
        free[node] -= size
        used = max(used, node - leaves + 1)
        node //= 2
        while node:
            free[node] = max(free[2 * node], free[2 * node + 1])
            node //= 2
    return oversized + used
