"""Checks the identifier modules share: length first, then characters, then shape.

Every check measures the length of a value before any per-character work, so a huge value is
refused in time independent of its size.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, Final

from xaccess._validate import check_str, type_name
from xaccess.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

    import attrs

_ASCII: Final = re.ASCII

# Character classes (one character each), exactly as the IAM and STS API models state them.
NAME_CHAR: Final = re.compile(r"[\w+=,.@-]", _ASCII)
NAME_CHARS_TEXT: Final = "ASCII letters, digits and _+=,.@-"
ACCOUNT_ID: Final = re.compile(r"[0-9]{12}", _ASCII)


def describe_char(char: str) -> str:
    """Return a character quoted with its code point, so look-alikes are told apart."""
    return f"{char!r} (U+{ord(char):04X})"


def check_length(text: str, field: str, low: int, high: int) -> None:
    """Refuse ``text`` unless it has ``low`` to ``high`` characters."""
    size = len(text)
    if low <= size <= high:
        return
    wanted = f"at most {high}" if low == 0 else f"{low}-{high}"
    raise ValidationError(field, f"must be {wanted} characters long, got {size}")


def check_chars(text: str, field: str, allowed: Callable[[str], bool], described: str) -> None:
    """Refuse the first character of ``text`` that ``allowed`` refuses, naming its position."""
    for index, char in enumerate(text):
        if not allowed(char):
            raise ValidationError(
                field,
                f"may contain only {described}; got {describe_char(char)} at position {index}",
            )


@functools.lru_cache(maxsize=32)
def whole(char: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern of a string made only of ``char`` characters (``char`` matches one)."""
    return re.compile(f"(?:{char.pattern})*", char.flags)


def check_charset(text: str, field: str, char: re.Pattern[str], described: str) -> None:
    """Refuse ``text`` unless every character matches ``char``, naming the first that does not.

    One whole-string match decides; the character loop runs only to name the culprit.
    """
    if whole(char).fullmatch(text) is None:
        check_chars(text, field, matches(char), described)


def matches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """A character test from a one-character pattern."""

    def allowed(char: str) -> bool:
        return pattern.fullmatch(char) is not None

    return allowed


def charset_string(
    value: object,
    field: str,
    *,
    low: int,
    high: int,
    char: re.Pattern[str],
    described: str,
) -> str:
    """Check that ``value`` is a str of ``low`` to ``high`` characters matching ``char``."""
    text = check_str(value, field)
    check_length(text, field, low, high)
    check_charset(text, field, char, described)
    return text


def seconds(value: object, field: str, low: int, high: int) -> int:
    """Read whole seconds from an ``int`` or a :class:`datetime.timedelta` within a range."""
    if isinstance(value, int) and not isinstance(value, bool):
        count = int(value)
    else:
        # Loaded only here: a program that passes seconds as an int never needs datetime.
        import datetime as dt  # noqa: PLC0415

        if not isinstance(value, dt.timedelta):
            raise ValidationError(
                field, f"must be an int (seconds) or a datetime.timedelta, got {type_name(value)}"
            )
        one_second = dt.timedelta(seconds=1)
        if value % one_second:
            raise ValidationError(
                field, f"must be a whole number of seconds, got {value.total_seconds()} s"
            )
        count = value // one_second
    if not low <= count <= high:
        raise ValidationError(field, f"must be {low}-{high} seconds, got {count}")
    return count


def nested(field: str, part: str, check: Callable[[], object]) -> None:
    """Run ``check`` and re-raise its error under ``field``, naming ``part`` in the rule."""
    try:
        check()
    except ValidationError as exc:
        raise ValidationError(field, f"{part} {exc.rule}") from None


def validator(validate: Callable[..., object]) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """Turn ``validate(value, field=...)`` into an attrs validator named after the attribute."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        validate(value, field=attribute.name)

    return check
