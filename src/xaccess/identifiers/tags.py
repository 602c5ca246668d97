"""IAM and STS tags: keys, values, and a whole set of tags."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sized
from typing import Final

import attrs

from xaccess._validate import check_str, echo, type_name
from xaccess.errors import ValidationError
from xaccess.identifiers._checks import check_chars, check_length, validator
from xaccess.limits import MAX_ROLE_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE

__all__ = ["Tag", "validate_tag_key", "validate_tag_value", "validate_tags"]

_TAG_PUNCTUATION: Final = frozenset("_.:/=+-@")
_TAG_CHARS_TEXT: Final = "Unicode letters, digits and spaces, and _.:/=+-@"
# The ASCII part of the rule as one pattern: a key or value in it needs no per-character check.
_ASCII_TAG_TEXT: Final = re.compile(r"[A-Za-z0-9 _.:/=+@-]*", re.ASCII)


def validate_tag_key(value: object, *, field: str = "tag_key") -> str:
    """Check an IAM/STS tag key.

    1-128 Unicode letters, digits, spaces (any Unicode separator) and ``_.:/=+-@``; keys
    starting with ``aws:`` (in any case) are reserved for AWS.

    Args:
        value: The key.
        field: The name used in the error.

    Returns:
        The key.

    Raises:
        ValidationError: If the length, a character or the prefix is not allowed.

    .. versionadded:: 0.1.0
    """
    text = check_str(value, field)
    check_length(text, field, 1, MAX_TAG_KEY)
    _check_tag_chars(text, field)
    if text[:4].lower() == "aws:":
        raise ValidationError(field, "must not start with 'aws:' (reserved for AWS)")
    return text


def validate_tag_value(value: object, *, field: str = "tag_value") -> str:
    """Check an IAM/STS tag value: 0-256 Unicode letters, digits, spaces and ``_.:/=+-@``.

    Like keys, values starting with ``aws:`` (in any case) are reserved for AWS.

    Args:
        value: The value; the empty string is allowed.
        field: The name used in the error.

    Returns:
        The value.

    Raises:
        ValidationError: If the length, a character or the prefix is not allowed.

    .. versionadded:: 0.1.0
    """
    text = check_str(value, field)
    check_length(text, field, 0, MAX_TAG_VALUE)
    _check_tag_chars(text, field)
    if text[:4].lower() == "aws:":
        raise ValidationError(field, "must not start with 'aws:' (reserved for AWS)")
    return text


def _check_tag_chars(text: str, field: str) -> None:
    if _ASCII_TAG_TEXT.fullmatch(text) is None:
        check_chars(text, field, _tag_char, _TAG_CHARS_TEXT)


def _tag_char(char: str) -> bool:
    # The API pattern is [\p{L}\p{Z}\p{N}_.:/=+\-@]: letters, separators, numbers.
    return char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LNZ"


# --- ARN component validators ----------------------------------------------------------------


@attrs.frozen
class Tag:
    """One IAM/STS tag; both parts are validated (see :func:`validate_tag_key`).

    .. versionadded:: 0.1.0
    """

    key: str = attrs.field(validator=validator(validate_tag_key))
    value: str = attrs.field(validator=validator(validate_tag_value))

    def to_dict(self) -> dict[str, str]:
        """Return the tag as AWS APIs take it: ``{"Key": ..., "Value": ...}``.

        .. versionadded:: 0.1.0
        """
        return {"Key": self.key, "Value": self.value}


def _check_count(count: int, limit: int, field: str) -> None:
    if count > limit:
        raise ValidationError(field, f"must have at most {limit} tags, got {count}")


def validate_tags(
    tags: Mapping[str, str] | Iterable[Tag] | None,
    *,
    field: str = "tags",
    limit: int = MAX_ROLE_TAGS,
) -> tuple[Tag, ...]:
    """Check a set of tags and return them as a tuple of :class:`Tag`, in the order given.

    Keys must be unique ignoring case, and there may be at most ``limit`` tags.

    Args:
        tags: A mapping of key to value, an iterable of :class:`Tag`, or ``None`` (no tags).
        field: The name used in the error; a single tag is named ``field[index].key`` or
            ``field[index].value``.
        limit: The most tags allowed (50 for roles and for session tags).

    Returns:
        The tags.

    Raises:
        ValidationError: If a tag is invalid, a key is repeated ignoring case, or there are
            too many tags.

    .. versionadded:: 0.1.0
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValidationError("limit", f"must be a non-negative int, got {limit!r}")
    given: object = tags  # checked as an arbitrary object: callers may pass anything
    if given is None:
        return ()
    if isinstance(given, Mapping):
        _check_count(len(given), limit, field)
        result = [
            Tag(
                validate_tag_key(key, field=f"{field}[{index}].key"),
                validate_tag_value(value, field=f"{field}[{index}].value"),
            )
            for index, (key, value) in enumerate(given.items())
        ]
    elif isinstance(given, Iterable) and not isinstance(given, str | bytes | bytearray):
        if isinstance(given, Sized):
            _check_count(len(given), limit, field)
        result = []
        # One more than the limit is enough to know there are too many.
        for index, tag in enumerate(itertools.islice(given, limit + 1)):
            if not isinstance(tag, Tag):
                raise ValidationError(f"{field}[{index}]", f"must be a Tag, got {type_name(tag)}")
            result.append(tag)
        if len(result) > limit:
            raise ValidationError(field, f"must have at most {limit} tags, got more")
    else:
        raise ValidationError(
            field,
            f"must be a mapping of key to value or an iterable of Tag, got {type_name(given)}",
        )
    seen: dict[str, str] = {}
    for tag in result:
        folded = tag.key.lower()
        if folded in seen:
            raise ValidationError(
                field,
                f"keys must be unique ignoring case; got {echo(seen[folded])} and {echo(tag.key)}",
            )
        seen[folded] = tag.key
    return tuple(result)
