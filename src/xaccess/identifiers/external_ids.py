"""External IDs: checking one, and generating a new random one."""

from __future__ import annotations

import re
from typing import Final

from xaccess._validate import check_str, type_name
from xaccess.errors import ValidationError
from xaccess.identifiers._checks import charset_string, check_charset
from xaccess.limits import (
    DEFAULT_EXTERNAL_ID_BYTES,
    MAX_EXTERNAL_ID,
    MIN_EXTERNAL_ID,
    MIN_EXTERNAL_ID_BYTES,
)

__all__ = ["new_external_id", "validate_external_id"]

_EXTERNAL_ID_CHAR: Final = re.compile(r"[\w+=,.@:/-]", re.ASCII)
_EXTERNAL_ID_CHARS_TEXT: Final = "ASCII letters, digits and _+=,.@:/-"


def validate_external_id(value: object, *, field: str = "external_id") -> str:
    """Check an STS external ID: 2-1224 characters of ``[A-Za-z0-9_+=,.@:/-]``, no whitespace.

    Args:
        value: The ``ExternalId``.
        field: The name used in the error.

    Returns:
        The external ID.

    Raises:
        ValidationError: If the length or a character is not allowed.

    .. versionadded:: 0.1.0
    """
    return charset_string(
        value,
        field,
        low=MIN_EXTERNAL_ID,
        high=MAX_EXTERNAL_ID,
        char=_EXTERNAL_ID_CHAR,
        described=_EXTERNAL_ID_CHARS_TEXT,
    )


def new_external_id(*, nbytes: int = DEFAULT_EXTERNAL_ID_BYTES, prefix: str = "") -> str:
    """Generate a new random external ID from :mod:`secrets`, as lowercase hex.

    The default 20 bytes give 160 random bits in 40 characters. The vendor generates one per
    customer; the result is always accepted by :func:`validate_external_id` and never starts
    with ``-``.

    Args:
        nbytes: Random bytes to use, 16 (128 bits) to 612 (the most that fits in hex).
        prefix: Text put in front, for example ``"acme-"``; it must use only external-ID
            characters and must not start with ``-``.

    Returns:
        The external ID.

    Raises:
        ValidationError: If ``nbytes`` is not 16-612, or the prefix is invalid, or the result
            would be longer than 1224 characters.

    .. versionadded:: 0.1.0
    """
    if isinstance(nbytes, bool) or not isinstance(nbytes, int):
        raise ValidationError("nbytes", f"must be an int, got {type_name(nbytes)}")
    if nbytes < MIN_EXTERNAL_ID_BYTES:
        raise ValidationError(
            "nbytes", f"must be at least {MIN_EXTERNAL_ID_BYTES} (128 bits), got {nbytes}"
        )
    if 2 * nbytes > MAX_EXTERNAL_ID:
        raise ValidationError(
            "nbytes", f"must be at most {MAX_EXTERNAL_ID // 2} (1224 hex characters), got {nbytes}"
        )
    text = check_str(prefix, "prefix")
    room = MAX_EXTERNAL_ID - 2 * nbytes
    if len(text) > room:
        raise ValidationError(
            "prefix",
            f"must be at most {room} characters long with nbytes={nbytes} (external IDs have "
            f"at most {MAX_EXTERNAL_ID}), got {len(text)}",
        )
    check_charset(text, "prefix", _EXTERNAL_ID_CHAR, _EXTERNAL_ID_CHARS_TEXT)
    if text.startswith("-"):
        raise ValidationError("prefix", "must not start with '-'")
    import secrets  # noqa: PLC0415 - loaded on first use: it imports hashlib and hmac

    return validate_external_id(text + secrets.token_hex(nbytes))
