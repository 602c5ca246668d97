"""A grant as a ``dict`` or JSON text, and back.

The keys are the grant's attrs fields, in their declared order, plus ``schema``; nothing lists
them a second time. Input is untrusted: its shape (nesting, sizes, integers) is checked before
any of it is read, so hostile data gets a :class:`~xaccess.ValidationError` quickly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from xaccess import limits
from xaccess._validate import load_json, type_name
from xaccess.errors import ValidationError
from xaccess.identifiers import Tag
from xaccess.policy import Statement

if TYPE_CHECKING:
    from xaccess.grant.builder import ThirdPartyGrant

SCHEMA: Final = "xaccess.grant/1"
_ROOT: Final = "grant"
_MAX_VALUES: Final = 64 * limits.MAX_GRANT_STATEMENTS
"""Values (strings, numbers, lists, objects) one grant's data may hold in all."""
_LONGEST_TEXT: Final = limits.INLINE_POLICIES_SIZE_QUOTA
"""No string of a grant can be longer than the largest document it is written into."""


def _keys(cls: type[ThirdPartyGrant]) -> dict[str, str]:
    """Dict key -> constructor argument, for every public field, in declared order."""
    return {f.name: f.alias for f in attrs.fields(cls) if f.init}


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Tag):
        return value
    if isinstance(value, Statement):
        return value.to_dict()
    return value


def to_dict(grant: ThirdPartyGrant) -> dict[str, Any]:
    """This grant as a JSON-ready ``dict`` for storing, reviewing and diffing.

    Every setting is present, in a fixed order; :meth:`from_dict` gives back an
    equal grant.

    .. versionadded:: 0.1.0
    """
    out: dict[str, Any] = {"schema": SCHEMA}
    for name in _keys(type(grant)):
        value = getattr(grant, name)
        if name == "tags":
            out[name] = {tag.key: tag.value for tag in value}
        else:
            out[name] = _plain(value)
    return out


def to_json(grant: ThirdPartyGrant, indent: int | None = None) -> str:
    """This grant as JSON text; see :meth:`to_dict`.

    .. versionadded:: 0.1.0
    """
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(to_dict(grant), indent=indent, separators=separators, ensure_ascii=True)


def check_shape(data: object) -> None:
    """Refuse data nested deeper, larger or with bigger integers than any grant has.

    Walks without recursion and stops at the first value out of bounds, so the cost is bounded
    by the limits, not by the input.
    """
    budget = _MAX_VALUES
    pending: list[tuple[object, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        budget -= 1
        if budget < 0:
            raise ValidationError(_ROOT, f"holds more than the {_MAX_VALUES} values a grant can")
        if isinstance(value, str):
            if len(value) > _LONGEST_TEXT:
                raise ValidationError(
                    _ROOT,
                    f"holds a string of {len(value)} characters; no value of a grant is longer "
                    f"than {_LONGEST_TEXT}",
                )
        elif isinstance(value, int):
            if value.bit_length() > limits.MAX_GRANT_INTEGER_BITS:
                raise ValidationError(
                    _ROOT, f"holds an integer of {value.bit_length()} bits, larger than any setting"
                )
        elif isinstance(value, Mapping | list | tuple):
            if depth >= limits.MAX_JSON_DEPTH:
                raise ValidationError(
                    _ROOT, f"is nested more than {limits.MAX_JSON_DEPTH} levels deep"
                )
            if len(value) > limits.MAX_GRANT_STATEMENTS:
                raise ValidationError(
                    _ROOT,
                    f"holds a list or object of {len(value)} items, more than the "
                    f"{limits.MAX_GRANT_STATEMENTS} any part of a grant can",
                )
            items = [*value.keys(), *value.values()] if isinstance(value, Mapping) else value
            pending.extend((item, depth + 1) for item in items)


def from_dict(cls: type[ThirdPartyGrant], data: object) -> ThirdPartyGrant:
    """Rebuild a grant from :meth:`to_dict` output, validating everything again.

    Keys left out take their defaults; unknown keys are refused.

    Raises:
        ValidationError: The data is not a grant; the error names the key.

    .. versionadded:: 0.1.0
    """
    if not isinstance(data, Mapping):
        raise ValidationError(_ROOT, f"must be a mapping, got {type_name(data)}")
    keys = _keys(cls)
    for key in data:
        if key != "schema" and key not in keys:
            raise ValidationError(str(key)[:64], "unknown key in a grant")
    check_shape(data)
    if data.get("schema", SCHEMA) != SCHEMA:
        raise ValidationError("schema", f"must be {SCHEMA!r}, got {data['schema']!r:.64}")
    if "role_name" not in data:
        raise ValidationError("role_name", "is required")
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "schema":
            continue
        if key == "statements":
            if not isinstance(value, list | tuple):
                raise ValidationError(
                    "statements", f"must be a list of statements, got {type_name(value)}"
                )
            kwargs[key] = tuple(
                Statement.from_dict(item, f"statements[{i}]") for i, item in enumerate(value)
            )
        elif key == "tags" and value is None:
            kwargs[key] = ()
        else:
            kwargs[keys[key]] = value
    return cls(**kwargs)


def from_json(cls: type[ThirdPartyGrant], text: str | bytes) -> ThirdPartyGrant:
    """Rebuild a grant from :meth:`to_json` output.

    Raises:
        ValidationError: The text is not JSON, repeats a key in an object, or is
            not a grant.

    .. versionadded:: 0.1.0
    """
    try:
        data = load_json(text, field=_ROOT)
    except ValidationError as exc:
        if exc.rule.startswith("malformed JSON"):
            raise ValidationError(_ROOT, f"is not JSON: {exc.rule}") from None
        raise
    return from_dict(cls, data)
