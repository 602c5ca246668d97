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
    from xaccess.policy.document import PolicyDocument, Statement

__all__ = ["CompiledStatement", "compiled"]

_CACHE_LIMIT: Final = 1024


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

    def applies(self, action: str, resource: str, context: PreparedContext) -> bool:
        """Whether action, resource and conditions match (the principal is checked apart)."""
        listed = False
        for pattern in self.actions:
            if pattern.matches(action):
                listed = True
                break
        if listed is self.not_action:
            return False
        if self.resources is not None:
            listed = False
            for entry in self.resources:
                if entry.matches(resource, context):
                    listed = True
                    break
            if listed is self.not_resource:
                return False
        return all(condition.holds(context) for condition in self.conditions)


_compiled_cache: dict[int, tuple[weakref.ref[PolicyDocument], tuple[CompiledStatement, ...]]] = {}


def compiled(document: PolicyDocument) -> tuple[CompiledStatement, ...]:
    """The compiled statements of ``document``, cached while the document is alive."""
    entry = _compiled_cache.get(id(document))
    if entry is not None and entry[0]() is document:
        return entry[1]
    variables = document.version == "2012-10-17"
    statements = tuple(
        CompiledStatement(i, s, variables=variables) for i, s in enumerate(document.statements)
    )
    if len(_compiled_cache) >= _CACHE_LIMIT:
        _compiled_cache.clear()
    key = id(document)
    _compiled_cache[key] = (
        weakref.ref(document, lambda _r: _compiled_cache.pop(key, None)),
        statements,
    )
    return statements
