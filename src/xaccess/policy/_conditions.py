"""Condition operators, policy variables and the typed values they compare.

Every operator of the IAM policy language is compiled once per condition into a
:class:`CompiledCondition`; evaluation then only parses the request's values.
Policy values that cannot be read as the operator's type (``NumericEquals`` on
``"ten"``) match nothing.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import functools
import ipaddress
import math
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Final, TypeAlias

from xaccess.policy._wildcard import Token, WildcardPattern, compile_tokens, split_tokens, tokenize

if TYPE_CHECKING:
    from xaccess.policy.model import Condition, ConditionValue

__all__ = [
    "CompiledCondition",
    "ContextScalar",
    "PreparedContext",
    "Template",
    "compile_condition",
    "parse_bool",
    "parse_date",
    "parse_number",
    "parse_template",
    "resolve_text",
    "resolve_tokens",
    "text_of",
]

ContextScalar: TypeAlias = str | bool | int | float
"""One value of a request context key."""

IpNetwork: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network

_CACHE_SIZE: Final = 4096
_NUMBER: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_EPOCH: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
_DATE: Final = re.compile(
    r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2})"
    r"(?:[Tt](?P<hour>[0-9]{2})(?::(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})"
    r"(?P<fraction>\.[0-9]{1,9})?)?)?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?)?)?",
    re.ASCII,
)
# The body of ${name} or ${name, 'default'}; the special variables are ${*}, ${?} and ${$}.
_VARIABLE_BODY: Final = re.compile(r"\s*([^\s,']+)\s*(?:,\s*'([^']*)'\s*)?")
_SPECIAL: Final = {"*": "*", "?": "?", "$": "$"}


def text_of(value: ContextScalar) -> str:
    """A context or policy value as the text IAM compares: booleans are ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_bool(value: ContextScalar) -> bool | None:
    """``True``/``False`` from a boolean or ``"true"``/``"false"`` in any case, else ``None``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
    return None


def parse_number(value: ContextScalar) -> Decimal | None:
    """An exact number from an int, float or decimal string; ``None`` if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if _NUMBER.fullmatch(value):
        return _decimal(value)
    return None


def _decimal(text: str) -> Decimal | None:
    """``Decimal(text)``, or ``None`` when the exponent is beyond what Decimal can hold."""
    try:
        return Decimal(text)
    except decimal.InvalidOperation:
        return None


def parse_date(value: ContextScalar) -> Decimal | None:
    """Seconds since the epoch from ISO 8601 (UTC unless a zone is given) or epoch seconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return parse_number(value)
    if _EPOCH.fullmatch(value):
        return _decimal(value)
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    part = match.groupdict()
    zone = dt.UTC
    if part["zone"] and part["zone"] not in "Zz":
        digits = part["zone"][1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:  # not a zone offset (hh:mm)
            return None
        offset = dt.timedelta(hours=hours, minutes=minutes)
        zone = dt.timezone(-offset if part["zone"][0] == "-" else offset)
    try:
        moment = dt.datetime(
            int(part["year"]),
            int(part["month"] or 1),
            int(part["day"] or 1),
            int(part["hour"] or 0),
            int(part["minute"] or 0),
            int(part["second"] or 0),
            tzinfo=zone,
        )
    except ValueError:
        return None
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    delta = moment - epoch
    seconds = Decimal(delta.days * 86400 + delta.seconds)
    return seconds + Decimal("0" + (part["fraction"] or ""))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _network(value: str) -> IpNetwork | None:
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _binary(value: ContextScalar) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


# -- policy variables --------------------------------------------------------------


class _Variable:
    """``${key}`` or ``${key, 'default'}``; ``key`` is lower-cased (keys ignore case)."""

    __slots__ = ("default", "key")

    def __init__(self, key: str, default: str | None) -> None:
        self.key = key
        self.default = default


class _Text:
    """Fixed policy text, with its wildcard tokens worked out once when parsed.

    Raw policy text keeps its wildcards (``*`` and ``?`` become tokens); the special
    variables ``${*}``, ``${?}`` and ``${$}`` are one literal token each.
    """

    __slots__ = ("text", "tokens")

    def __init__(self, text: str, *, wildcards: bool) -> None:
        self.text = text
        self.tokens: tuple[Token, ...] = tokenize(text) if wildcards else (text,)


Template: TypeAlias = tuple[_Text | _Variable, ...]
"""Policy text split into fixed text (raw or literal) and variables."""


def _variable_spans(text: str) -> Iterator[tuple[int, int]]:
    """The ``(index of "${", index of "}")`` of each ``${...}`` in ``text``, left to right.

    One pass: once no ``}`` follows, no later ``${`` can close either, so many unclosed
    ``${`` cost no more than reading the text once.
    """
    opening = text.find("${")
    while opening >= 0:
        closing = text.find("}", opening + 2)
        if closing < 0:
            return
        yield opening, closing
        opening = text.find("${", closing + 1)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def parse_template(text: str) -> Template | None:
    """Split policy text at its ``${...}`` variables; ``None`` if it has none."""
    if "${" not in text:
        return None
    parts: list[_Text | _Variable] = []
    start = 0
    for opening, closing in _variable_spans(text):
        body = text[opening + 2 : closing]
        item: _Variable | _Text
        if body.strip() in _SPECIAL:
            item = _Text(_SPECIAL[body.strip()], wildcards=False)
        else:
            parsed = _VARIABLE_BODY.fullmatch(body)
            if parsed is None:
                continue  # not a variable: stays literal policy text
            item = _Variable(parsed.group(1).lower(), parsed.group(2))
        if opening > start:
            parts.append(_Text(text[start:opening], wildcards=True))
        parts.append(item)
        start = closing + 1
    if not parts:
        return None
    if start < len(text):
        parts.append(_Text(text[start:], wildcards=True))
    return tuple(parts)


def _value_of(item: _Variable, variables: Mapping[str, str]) -> str | None:
    found = variables.get(item.key)
    return found if found is not None else item.default


def resolve_text(template: Template, variables: Mapping[str, str]) -> str | None:
    """Substitute every variable; ``None`` if one has neither a value nor a default."""
    out: list[str] = []
    for item in template:
        if isinstance(item, _Text):
            out.append(item.text)
        else:
            value = _value_of(item, variables)
            if value is None:
                return None
            out.append(value)
    return "".join(out)


def resolve_tokens(template: Template, variables: Mapping[str, str]) -> tuple[Token, ...] | None:
    """Like :func:`resolve_text`, but as wildcard tokens: substituted text stays literal."""
    out: list[Token] = []
    for item in template:
        if isinstance(item, _Text):
            out.extend(item.tokens)
        else:
            value = _value_of(item, variables)
            if value is None:
                return None
            out.append(value)
    return tuple(out)


# -- the request context as conditions see it --------------------------------------


class PreparedContext:
    """Request context keyed by lower-cased key.

    ``values`` holds every key's values (a scalar becomes a one-element tuple);
    ``variables`` holds the text of single-valued keys, for policy variables.
    """

    __slots__ = ("values", "variables")

    def __init__(
        self, values: dict[str, tuple[ContextScalar, ...]], variables: dict[str, str]
    ) -> None:
        self.values = values
        self.variables = variables


# -- operators ---------------------------------------------------------------------

_SET_NONE: Final = 0
_SET_ANY: Final = 1
_SET_ALL: Final = 2

_NEGATED: Final = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnEquals",
}
_COMPARE: Final[dict[str, Callable[[Decimal, Decimal], bool]]] = {
    "Equals": lambda a, b: a == b,
    "LessThan": lambda a, b: a < b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEquals": lambda a, b: a >= b,
}

# A matcher takes one request value and reports whether any policy value matches it.
_Matcher: TypeAlias = Callable[[ContextScalar], bool]
_MatcherFactory: TypeAlias = Callable[[PreparedContext], _Matcher]


def _split_operator(operator: str) -> tuple[int, str, bool]:
    set_op = _SET_NONE
    if operator.startswith("ForAnyValue:"):
        set_op, operator = _SET_ANY, operator[len("ForAnyValue:") :]
    elif operator.startswith("ForAllValues:"):
        set_op, operator = _SET_ALL, operator[len("ForAllValues:") :]
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[: -len("IfExists")]
    return set_op, operator, if_exists


def _static(matcher: _Matcher) -> _MatcherFactory:
    return lambda _context: matcher


def _string_matcher(
    values: tuple[ConditionValue, ...], variables: bool, fold: bool
) -> _MatcherFactory:
    def norm(text: str) -> str:
        return text.casefold() if fold else text

    templates = [parse_template(text_of(v)) if variables else None for v in values]
    fixed = frozenset(norm(text_of(v)) for v, t in zip(values, templates, strict=True) if t is None)
    dynamic = [t for t in templates if t is not None]
    if not dynamic:
        return _static(lambda value: norm(text_of(value)) in fixed)

    def factory(context: PreparedContext) -> _Matcher:
        allowed = set(fixed)
        for template in dynamic:
            text = resolve_text(template, context.variables)
            if text is not None:
                allowed.add(norm(text))
        return lambda value: norm(text_of(value)) in allowed

    return factory


def _like_matcher(values: tuple[ConditionValue, ...], variables: bool) -> _MatcherFactory:
    templates = [parse_template(text_of(v)) if variables else None for v in values]
    fixed = [
        compile_tokens(tokenize(text_of(v)))
        for v, t in zip(values, templates, strict=True)
        if t is None
    ]
    dynamic = [t for t in templates if t is not None]

    def build(patterns: list[WildcardPattern]) -> _Matcher:
        def match(value: ContextScalar) -> bool:
            text = text_of(value)
            return any(p.matches(text) for p in patterns)

        return match

    if not dynamic:
        return _static(build(fixed))

    def factory(context: PreparedContext) -> _Matcher:
        patterns = list(fixed)
        for template in dynamic:
            tokens = resolve_tokens(template, context.variables)
            if tokens is not None:
                patterns.append(compile_tokens(tokens))
        return build(patterns)

    return factory


class _ArnPattern:
    """An ARN pattern: each of the six ``:``-separated parts is matched on its own."""

    __slots__ = ("_parts", "_whole")

    def __init__(self, tokens: tuple[Token, ...]) -> None:
        parts = split_tokens(tokens, ":", 5)
        self._parts = tuple(compile_tokens(p) for p in parts) if len(parts) == 6 else None
        # Without six parts (a bare "*", say) the pattern is matched against the whole value.
        self._whole = compile_tokens(tokens) if self._parts is None else None

    def matches(self, value: str) -> bool:
        if self._whole is not None:
            return self._whole.matches(value)
        assert self._parts is not None  # noqa: S101 - set when _whole is not
        pieces = value.split(":", 5)
        if len(pieces) != 6:
            return False
        return all(p.matches(piece) for p, piece in zip(self._parts, pieces, strict=True))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _arn_pattern(tokens: tuple[Token, ...]) -> _ArnPattern:
    return _ArnPattern(tokens)


def _arn_matcher(values: tuple[ConditionValue, ...], variables: bool) -> _MatcherFactory:
    templates = [parse_template(text_of(v)) if variables else None for v in values]
    fixed = [
        _arn_pattern(tokenize(text_of(v)))
        for v, t in zip(values, templates, strict=True)
        if t is None
    ]
    dynamic = [t for t in templates if t is not None]

    def build(patterns: list[_ArnPattern]) -> _Matcher:
        def match(value: ContextScalar) -> bool:
            text = text_of(value)
            return any(p.matches(text) for p in patterns)

        return match

    if not dynamic:
        return _static(build(fixed))

    def factory(context: PreparedContext) -> _Matcher:
        patterns = list(fixed)
        for template in dynamic:
            tokens = resolve_tokens(template, context.variables)
            if tokens is not None:
                patterns.append(_arn_pattern(tokens))
        return build(patterns)

    return factory


def _bool_matcher(values: tuple[ConditionValue, ...], variables: bool) -> _MatcherFactory:
    templates = [parse_template(v) if variables and isinstance(v, str) else None for v in values]
    fixed = {parse_bool(v) for v, t in zip(values, templates, strict=True) if t is None}
    fixed.discard(None)
    dynamic = [t for t in templates if t is not None]

    def build(allowed: set[bool | None]) -> _Matcher:
        def match(value: ContextScalar) -> bool:
            parsed = parse_bool(value)
            return parsed is not None and parsed in allowed

        return match

    if not dynamic:
        return _static(build(fixed))

    def factory(context: PreparedContext) -> _Matcher:
        allowed = set(fixed)
        for template in dynamic:
            text = resolve_text(template, context.variables)
            if text is not None:
                allowed.add(parse_bool(text))
        return build(allowed)

    return factory


def _ordered_matcher(
    values: tuple[ConditionValue, ...],
    parse: Callable[[ContextScalar], Decimal | None],
    compare: Callable[[Decimal, Decimal], bool],
) -> _MatcherFactory:
    bounds = [b for b in (parse(v) for v in values) if b is not None]

    def match(value: ContextScalar) -> bool:
        parsed = parse(value)
        return parsed is not None and any(compare(parsed, bound) for bound in bounds)

    return _static(match)


def _binary_matcher(values: tuple[ConditionValue, ...]) -> _MatcherFactory:
    wanted = {b for b in (_binary(v) for v in values) if b is not None}

    def match(value: ContextScalar) -> bool:
        decoded = _binary(value)
        return decoded is not None and decoded in wanted

    return _static(match)


def _ip_matcher(values: tuple[ConditionValue, ...]) -> _MatcherFactory:
    networks = [n for n in (_network(v) for v in values if isinstance(v, str)) if n is not None]

    def match(value: ContextScalar) -> bool:
        address = _address(value) if isinstance(value, str) else None
        return address is not None and any(address in network for network in networks)

    return _static(match)


def _matcher_for(base: str, values: tuple[ConditionValue, ...], variables: bool) -> _MatcherFactory:
    if base in ("StringEquals", "StringEqualsIgnoreCase"):
        return _string_matcher(values, variables, fold=base.endswith("IgnoreCase"))
    if base == "StringLike":
        return _like_matcher(values, variables)
    if base in ("ArnEquals", "ArnLike"):
        return _arn_matcher(values, variables)
    if base == "Bool":
        return _bool_matcher(values, variables)
    if base.startswith("Numeric"):
        return _ordered_matcher(values, parse_number, _COMPARE[base[len("Numeric") :]])
    if base.startswith("Date"):
        return _ordered_matcher(values, parse_date, _COMPARE[base[len("Date") :]])
    if base == "BinaryEquals":
        return _binary_matcher(values)
    if base == "IpAddress":
        return _ip_matcher(values)
    msg = f"unknown condition operator {base!r}"
    raise ValueError(msg)


class CompiledCondition:
    """One condition, ready to test against a :class:`PreparedContext`."""

    __slots__ = ("_factory", "_if_exists", "_negated", "_null", "_set_op", "key")

    def __init__(self, condition: Condition, *, variables: bool) -> None:
        self.key = condition.key.lower()
        self._set_op, base, self._if_exists = _split_operator(condition.operator)
        self._negated = base in _NEGATED
        self._null: frozenset[bool] | None = None
        self._factory: _MatcherFactory | None = None
        if base == "Null":
            self._null = frozenset(
                b for b in (parse_bool(v) for v in condition.values) if b is not None
            )
        else:
            self._factory = _matcher_for(_NEGATED.get(base, base), condition.values, variables)

    def holds(self, context: PreparedContext) -> bool:
        """Whether the condition is true for the request."""
        present = context.values.get(self.key)
        if self._null is not None:
            # Null: true tests that the key is absent, false that it is present.
            return (not present) in self._null
        if present is None:
            if self._if_exists or self._set_op == _SET_ALL:
                return True
            if self._set_op == _SET_ANY:
                return False
            return self._negated
        assert self._factory is not None  # noqa: S101 - set for every operator but Null
        match = self._factory(context)
        if self._set_op == _SET_NONE:
            found = any(match(value) for value in present)
            return not found if self._negated else found
        if not present or present == ("",):
            return self._set_op == _SET_ALL
        test = (lambda v: not match(v)) if self._negated else match
        if self._set_op == _SET_ALL:
            return all(test(value) for value in present)
        return any(test(value) for value in present)


def compile_condition(condition: Condition, *, variables: bool) -> CompiledCondition:
    """Compile ``condition``; ``variables`` says whether ``${...}`` is substituted."""
    return CompiledCondition(condition, variables=variables)
