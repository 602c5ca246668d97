"""Lossless merging of policy statements, and packing them into size-limited policies.

:func:`merge_statements` merges statements only where the result decides every request exactly
as the input did. :func:`pack_statements` lays statements out in as few size-limited policies as
it can: first-fit decreasing, and where that would open one policy more, statements split by
their resources (or actions) into the room the policies already opened have left. Splitting
``A on R1 and R2`` into ``A on R1`` and ``A on R2`` decides every request as before, so packing
is lossless too. :func:`first_fit_decreasing` only counts the policies plain first-fit
decreasing needs. Merging runs in time linear in the statements (per pass), packing in
``O(n log n)``.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

import attrs

from xaccess.policy.model import Statement
from xaccess.policy.size import iam_size
from xaccess.policy.wire import statement_to_json

if TYPE_CHECKING:
    from collections.abc import Sequence

    from xaccess.policy.model import ConditionValue

__all__ = [
    "DOCUMENT_OVERHEAD",
    "StatementTooLarge",
    "document_room",
    "first_fit_decreasing",
    "merge_statements",
    "pack_statements",
    "statement_size",
]

DOCUMENT_OVERHEAD: Final = iam_size('{"Version":"2012-10-17","Statement":[]}')
"""Characters of a policy document around its statements."""

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
    return iam_size(statement_to_json(statement))


# --- packing ----------------------------------------------------------------------------------


class StatementTooLarge(ValueError):
    """One statement is larger than a policy can hold and cannot be split (it has a ``Sid``, or
    a single action and resource)."""

    def __init__(self, statement: Statement, size: int, room: int) -> None:
        super().__init__(f"a statement of {size} characters does not fit in {room}")
        self.statement = statement
        self.size = size
        self.room = room


def document_room(quota: int) -> int:
    """The room for statements in a document of at most ``quota`` characters.

    Each statement counts its size plus one (the comma before it), and the room counts the one
    comma the first statement does not need.

    .. versionadded:: 0.1.0
    """
    return max(quota - DOCUMENT_OVERHEAD + 1, 0)


@attrs.define
class _Item:
    statement: Statement
    size: int  # statement_size + 1 (its comma)
    order: int  # where its source statement came, to keep documents in the grant's order


class _Bins:
    """Bins of free space in a max tree: the first bin with room, or the roomiest, in
    ``O(log n)``. Bins not yet opened have no room until :meth:`open` gives them some."""

    def __init__(self, count: int) -> None:
        self.leaves = 1
        while self.leaves < count:
            self.leaves *= 2
        self.free = [0] * (2 * self.leaves)
        self.opened = 0
        self.contents: list[list[_Item]] = []

    def _set(self, leaf: int, value: int) -> None:
        node = leaf + self.leaves
        self.free[node] = value
        node //= 2
        while node:
            self.free[node] = max(self.free[2 * node], self.free[2 * node + 1])
            node //= 2

    def _grow(self) -> None:
        """Double the leaves (more bins than foreseen, from splitting) and rebuild the tree."""
        leaves = self.free[self.leaves : 2 * self.leaves]
        self.leaves *= 2
        self.free = [0] * self.leaves + leaves + [0] * (self.leaves - len(leaves))
        for node in range(self.leaves - 1, 0, -1):
            self.free[node] = max(self.free[2 * node], self.free[2 * node + 1])

    def open(self, room: int) -> int:
        """Open the next bin with ``room`` free; return its number."""
        if self.opened == self.leaves:
            self._grow()
        leaf = self.opened
        self.opened += 1
        self.contents.append([])
        self._set(leaf, room)
        return leaf

    def most_free(self) -> int:
        return self.free[1]

    def first_with(self, size: int) -> int:
        node = 1
        while node < self.leaves:
            node = 2 * node if self.free[2 * node] >= size else 2 * node + 1
        return node - self.leaves

    def roomiest(self) -> int:
        return self.first_with(self.free[1])

    def take(self, leaf: int, size: int) -> None:
        """Use ``size`` of bin ``leaf``'s free space."""
        self._set(leaf, self.free[leaf + self.leaves] - size)

    def put(self, leaf: int, item: _Item) -> None:
        self.contents[leaf].append(item)
        self.take(leaf, item.size)


def first_fit_decreasing(sizes: Sequence[int], capacity: int) -> int:
    """How many bins of ``capacity`` the items need, packed first-fit decreasing.

    Each item goes into the first bin with room, largest item first; an item larger than
    ``capacity`` takes a bin of its own. The first bin with room is found in the same tree of
    free space the packer uses, so packing ``n`` items costs ``O(n log n)``.

    Args:
        sizes: The size of each item.
        capacity: The size of one bin.

    Returns:
        The number of bins used.

    .. versionadded:: 0.1.0
    """
    items = sorted(sizes, reverse=True)
    oversized = sum(1 for size in items if size > capacity)
    bins = _Bins(len(items) - oversized)
    for size in items[oversized:]:
        leaf = bins.first_with(size) if bins.most_free() >= size else bins.open(capacity)
        bins.take(leaf, size)
    return oversized + bins.opened


def _with_part(statement: Statement, by: str, part: Sequence[str]) -> Statement:
    if by == "resources":
        return attrs.evolve(statement, resources=tuple(part))
    return attrs.evolve(statement, actions=tuple(part))


def _carve(item: _Item, room: int) -> tuple[_Item, _Item] | None:
    """Split off the largest head of ``item``'s resources (or actions) that fits in ``room``.

    ``None`` when not even one resource (or action) fits, or the item cannot be split.
    """
    statement = item.statement
    if statement.sid is not None:
        return None
    by = "resources" if len(statement.resources) > 1 else "actions"
    values: tuple[str, ...] = getattr(statement, by)
    if len(values) < 2:
        return None
    low, high = 0, len(values) - 1  # the head takes low..high values, never all of them
    while low < high:
        middle = (low + high + 1) // 2
        if statement_size(_with_part(statement, by, values[:middle])) + 1 <= room:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return None
    head = _with_part(statement, by, values[:low])
    tail = _with_part(statement, by, values[low:])
    return (
        _Item(head, statement_size(head) + 1, item.order),
        _Item(tail, statement_size(tail) + 1, item.order),
    )


def _place(bins: _Bins, item: _Item, room: int, *, fill_gaps: bool) -> None:
    """First fit; else (``fill_gaps``) split into the room already open; else a new bin."""
    while True:
        if bins.most_free() >= item.size:
            bins.put(bins.first_with(item.size), item)
            return
        if fill_gaps and bins.opened:
            parts = _carve(item, bins.most_free())
            if parts is not None:
                bins.put(bins.roomiest(), parts[0])
                item = parts[1]
                continue
        if item.size <= room:
            bins.put(bins.open(room), item)
            return
        leaf = bins.open(room)
        parts = _carve(item, room)
        if parts is None:
            raise StatementTooLarge(item.statement, item.size - 1, room - 1)
        bins.put(leaf, parts[0])
        item = parts[1]


def _pack_once(items: list[_Item], first: int, room: int, *, fill_gaps: bool) -> list[list[_Item]]:
    bins = _Bins(len(items) + 1)
    bins.open(first)
    for item in items:
        _place(bins, item, room, fill_gaps=fill_gaps)
    return bins.contents


def _characters(layout: list[list[_Item]]) -> int:
    used = [b for b in layout[1:] if b]
    return sum(sum(i.size for i in b) - 1 + DOCUMENT_OVERHEAD for b in used) + (
        sum(i.size for i in layout[0]) - 1 + DOCUMENT_OVERHEAD if layout[0] else 0
    )


def pack_statements(
    statements: Sequence[Statement], *, first: int, room: int
) -> list[tuple[Statement, ...]]:
    """Lay statements out in as few policies as possible: the first, then ones of ``room``.

    The first policy (a role's inline policy) has ``first`` characters of room, every further
    one (customer-managed policies) ``room``, both as :func:`document_room` counts. Statements
    are packed first-fit decreasing; a second layout also splits a statement by its resources
    (or actions) into the room already open before opening another policy, and a statement
    too large for any policy is split in both. The layout with fewer policies wins, then the
    one with fewer characters: never more policies or characters than first-fit decreasing.
    Statements with a ``Sid`` are never split. Within a policy, statements keep the order
    they came in.

    Args:
        statements: The statements, usually already merged (:func:`merge_statements`).
        first: The room of the first policy (may be 0).
        room: The room of each further policy.

    Returns:
        The statements of each policy, the first policy first; it may be empty, the others
        are not.

    Raises:
        StatementTooLarge: A statement that cannot be split is larger than ``room`` and
            ``first``.

    .. versionadded:: 0.1.0
    """
    items = [_Item(s, statement_size(s) + 1, i) for i, s in enumerate(statements)]
    items.sort(key=lambda item: (-item.size, item.order))
    try:
        plain: list[list[_Item]] | None = _pack_once(items, first, room, fill_gaps=False)
    except StatementTooLarge:
        plain = None
    split = _pack_once(items, first, room, fill_gaps=True)
    best = split
    if plain is not None and (len(plain), _characters(plain)) <= (
        len(split),
        _characters(split),
    ):
        best = plain
    return [tuple(i.statement for i in sorted(b, key=lambda i: i.order)) for b in best]
