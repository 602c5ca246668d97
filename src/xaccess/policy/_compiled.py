"""Policy documents compiled for evaluation, cached while the document lives.

Each statement's actions, resources and conditions are compiled once into
matchers; :meth:`CompiledStatement.applies` then only reads the request.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Final, Literal

from xaccess.policy._conditions import (
    CompiledCondition,
    PreparedContext,
    Template,
    compile_condition,
    parse_template,
    resolve_tokens,
)
from xaccess.policy._wildcard import (
    Token,
    WildcardPattern,
    compile_pattern,
    compile_tokens,
    tokenize,
)

if TYPE_CHECKING:
    from xaccess.policy.evaluation import StatementRef
    from xaccess.policy.model import PolicyDocument, Statement

__all__ = ["CompiledPolicy", "CompiledStatement", "compiled"]

_CACHE_LIMIT: Final = 1024
_ACTIONS_PER_POLICY: Final = 256


class _ResourcePattern:
    """A ``Resource`` entry; policy variables are substituted in the part after the fifth colon."""

    __slots__ = ("_prefix", "_static", "_template")

    def __init__(self, pattern: str, *, variables: bool) -> None:
        self._static: WildcardPattern | None = None
        self._prefix: tuple[Token, ...] = ()
        self._template: Template | None = None
        parts = pattern.split(":", 5)
        template = parse_template(parts[5]) if variables and len(parts) == 6 else None
        if template is None:
            self._static = compile_pattern(pattern)
        else:
            self._prefix = tokenize(":".join(parts[:5]) + ":")
            self._template = template

    def matches(self, resource: str, context: PreparedContext) -> bool:
        if self._static is not None:
            return self._static.matches(resource)
        assert self._template is not None  # noqa: S101 - set when _static is not
        tokens = resolve_tokens(self._template, context.variables)
        return tokens is not None and compile_tokens(self._prefix + tokens).matches(resource)


class CompiledStatement:
    __slots__ = (
        "actions",
        "conditions",
        "effect",
        "index",
        "not_action",
        "not_principal",
        "not_resource",
        "principal",
        "refs",
        "resources",
        "sid",
    )

    def __init__(self, index: int, statement: Statement, *, variables: bool) -> None:
        self.index = index
        self.sid = statement.sid
        self.effect: Literal["Allow", "Deny"] = statement.effect
        self.not_action = bool(statement.not_actions)
        self.actions = tuple(
            compile_pattern(a.lower()) for a in statement.not_actions or statement.actions
        )
        self.not_resource = bool(statement.not_resources)
        listed = statement.not_resources or statement.resources
        self.resources = (
            tuple(_ResourcePattern(r, variables=variables) for r in listed) if listed else None
        )
        self.principal = statement.principal
        self.not_principal = statement.not_principal
        self.conditions: tuple[CompiledCondition, ...] = tuple(
            compile_condition(c, variables=variables) for c in statement.conditions
        )
        # The StatementRef of this statement under each policy label, made once.
        self.refs: dict[str, StatementRef] = {}

    def lists_action(self, action: str) -> bool:
        """Whether the statement's ``Action`` (or ``NotAction``) clause covers ``action``."""
        listed = False
        for pattern in self.actions:
            if pattern.matches(action):
                listed = True
                break
        return listed is not self.not_action

    def applies(self, resource: str, context: PreparedContext) -> bool:
        """Whether resource and conditions match (action and principal are checked apart)."""
        if self.resources is not None:
            listed = False
            for entry in self.resources:
                if entry.matches(resource, context):
                    listed = True
                    break
            if listed is self.not_resource:
                return False
        return all(condition.holds(context) for condition in self.conditions)


class CompiledPolicy:
    """A document's compiled statements, indexed by the actions they cover.

    Statements that list an action without wildcards are found through a dictionary;
    only those with wildcards or ``NotAction`` are matched one by one. The answer for
    each action is kept (at most :data:`_ACTIONS_PER_POLICY` of them), so a stream of
    requests for the same few actions matches actions once.
    """

    __slots__ = ("_by_action", "_exact", "_patterned", "statements")

    def __init__(self, statements: tuple[CompiledStatement, ...], document: PolicyDocument) -> None:
        self.statements = statements
        self._exact: dict[str, list[int]] = {}
        patterned: list[int] = []
        for statement, source in zip(statements, document.statements, strict=True):
            names = [a.lower() for a in source.actions]
            if source.not_actions or any("*" in n or "?" in n for n in names):
                patterned.append(statement.index)
                continue
            for name in set(names):
                self._exact.setdefault(name, []).append(statement.index)
        self._patterned = tuple(patterned)
        self._by_action: dict[str, tuple[CompiledStatement, ...]] = {}

    def for_action(self, action: str) -> tuple[CompiledStatement, ...]:
        """The statements whose action clause covers ``action`` (lower-cased), in order."""
        found = self._by_action.get(action)
        if found is None:
            indexes = list(self._exact.get(action, ()))
            indexes.extend(i for i in self._patterned if self.statements[i].lists_action(action))
            found = tuple(self.statements[i] for i in sorted(indexes))
            if len(self._by_action) >= _ACTIONS_PER_POLICY:
                self._by_action.clear()
            self._by_action[action] = found
        return found


_compiled_cache: dict[int, tuple[weakref.ref[PolicyDocument], CompiledPolicy]] = {}


def compiled(document: PolicyDocument) -> CompiledPolicy:
    """The compiled form of ``document``, cached while the document is alive."""
    entry = _compiled_cache.get(id(document))
    if entry is not None and entry[0]() is document:
        return entry[1]
    variables = document.version == "2012-10-17"
    policy = CompiledPolicy(
        tuple(
            CompiledStatement(i, s, variables=variables) for i, s in enumerate(document.statements)
        ),
        document,
    )
    if len(_compiled_cache) >= _CACHE_LIMIT:
        _compiled_cache.clear()
    key = id(document)
    _compiled_cache[key] = (
        weakref.ref(document, lambda _r: _compiled_cache.pop(key, None)),
        policy,
    )
    return policy
