"""Checks shared by every layer, and the one strict JSON reader.

Each check raises :class:`~xaccess.errors.ValidationError` naming the field and the rule. Error
messages quote at most a short prefix of the offending value (:func:`echo`), so a huge or hostile
input never makes a huge message.
"""

from __future__ import annotations

import json
from typing import Any, Final, NoReturn

from xaccess.errors import ValidationError
from xaccess.limits import MAX_JSON_NUMBER_DIGITS

__all__ = [
    "check_bool",
    "check_callable",
    "check_int",
    "check_str",
    "echo",
    "load_json",
    "type_name",
]

_ECHO_LIMIT: Final = 40


def type_name(value: object) -> str:
    """The name of ``value``'s type, for "must be X, got Y" messages."""
    return type(value).__name__


def echo(value: object) -> str:
    """A short quoted form of ``value`` for an error message (at most about 40 characters)."""
    if isinstance(value, str) and len(value) > _ECHO_LIMIT:
        return f"{value[:_ECHO_LIMIT]!r}... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= _ECHO_LIMIT else text[: _ECHO_LIMIT - 3] + "..."


def check_bool(value: object, field: str) -> bool:
    """Return ``value`` if it is a ``bool``; ``1`` and ``"true"`` are refused."""
    if not isinstance(value, bool):
        raise ValidationError(field, f"must be a bool, got {type_name(value)}")
    return value


def check_str(value: object, field: str) -> str:
    """Return ``value`` if it is a ``str``."""
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a str, got {type_name(value)}")
    return value


def check_int(value: object, field: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` if it is an ``int`` (not a ``bool``) within ``low``..``high``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"must be an int, got {type_name(value)}")
    if low is not None and value < low:
        raise ValidationError(field, f"must be at least {low}, got {value}")
    if high is not None and value > high:
        raise ValidationError(field, f"must be at most {high}, got {value}")
    return value


def check_callable(value: object, field: str) -> None:
    """Refuse a value that is neither ``None`` nor callable."""
    if value is not None and not callable(value):
        raise ValidationError(field, f"must be callable, got {type_name(value)}")


# --- strict JSON --------------------------------------------------------------------------------


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


class _NumberTooLongError(Exception):
    pass


def _parse_int(text: str) -> int:
    if len(text) > MAX_JSON_NUMBER_DIGITS:
        raise _NumberTooLongError
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_JSON_NUMBER_DIGITS:
        raise _NumberTooLongError
    return float(text)


def _no_constant(name: str) -> NoReturn:
    raise ValueError(name)


def load_json(text: str | bytes, *, field: str) -> Any:  # noqa: ANN401 - JSON is untyped
    """Parse JSON strictly, or raise :class:`ValidationError` on ``field``.

    Refused, each with a message saying why: text that is not UTF-8, malformed JSON, a key given
    twice in one object (JSON would silently keep the last), ``NaN``/``Infinity``, number literals
    longer than :data:`~xaccess.limits.MAX_JSON_NUMBER_DIGITS` characters (before Python converts
    them, which is quadratic in their length), and nesting deeper than the interpreter's recursion
    limit. Callers that walk the result check :data:`~xaccess.limits.MAX_JSON_DEPTH` themselves.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(field, f"is not UTF-8 text: {exc.reason}") from None
    if not isinstance(text, str):
        raise ValidationError(field, f"must be JSON text, got {type_name(text)}")
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_no_constant,
        )
    except _DuplicateKeyError as exc:
        raise ValidationError(
            field, f"repeats the key {echo(exc.key)} in one JSON object"
        ) from None
    except _NumberTooLongError:
        raise ValidationError(
            field, f"holds a number longer than {MAX_JSON_NUMBER_DIGITS} characters"
        ) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            field, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:  # parse_constant
        raise ValidationError(field, f"is not JSON: {exc} is not a JSON value") from None
    except RecursionError:
        raise ValidationError(field, "JSON is nested too deeply") from None
