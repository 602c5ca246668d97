"""IAM role names and paths, policy names and role descriptions."""

from __future__ import annotations

import re
from typing import Final

from xaccess._validate import check_str, echo
from xaccess.errors import ValidationError
from xaccess.identifiers._checks import NAME_CHAR, NAME_CHARS_TEXT, charset_string, check_length
from xaccess.limits import (
    MAX_POLICY_NAME,
    MAX_ROLE_DESCRIPTION,
    MAX_ROLE_NAME,
    MAX_ROLE_PATH,
    MIN_POLICY_NAME,
    MIN_ROLE_NAME,
)

__all__ = [
    "validate_description",
    "validate_policy_name",
    "validate_role_name",
    "validate_role_path",
]

_DESCRIPTION_CHAR: Final = re.compile(r"[\t\n\r\x20-\x7E\xA1-\xFF]", re.ASCII)
_DESCRIPTION_CHARS_TEXT: Final = "tab, LF, CR, printable ASCII and U+00A1-U+00FF"
_ROLE_PATH: Final = re.compile(r"/|/[\x21-\x7E]+/", re.ASCII)


def validate_role_name(value: object, *, field: str = "role_name") -> str:
    """Check an IAM role name: 1-64 characters of ``[A-Za-z0-9_+=,.@-]``.

    AWS treats role names as unique per account ignoring case; that cannot be checked offline.

    Args:
        value: The role name.
        field: The name used in the error.

    Returns:
        The role name.

    Raises:
        ValidationError: If the length or a character is not allowed.

    .. versionadded:: 0.1.0
    """
    return charset_string(
        value,
        field,
        low=MIN_ROLE_NAME,
        high=MAX_ROLE_NAME,
        char=NAME_CHAR,
        described=NAME_CHARS_TEXT,
    )


def validate_role_path(value: object, *, field: str = "path") -> str:
    """Check an IAM role path: ``/``, or ``/`` + printable ASCII (``!`` to ``~``) + ``/``.

    This follows the IAM pattern exactly, so ``//`` is refused while ``/a//b/`` is accepted.

    Args:
        value: The path, 1-512 characters.
        field: The name used in the error.

    Returns:
        The path.

    Raises:
        ValidationError: If the length or the shape is not allowed.

    .. versionadded:: 0.1.0
    """
    text = check_str(value, field)
    check_length(text, field, 1, MAX_ROLE_PATH)
    if _ROLE_PATH.fullmatch(text) is None:
        raise ValidationError(
            field,
            "must be '/' or start and end with '/' with printable ASCII ('!' to '~') "
            f"between, got {echo(text)}",
        )
    return text


def validate_policy_name(value: object, *, field: str = "policy_name") -> str:
    """Check an IAM policy name: 1-128 characters of ``[A-Za-z0-9_+=,.@-]``.

    Args:
        value: The name of an inline or managed policy.
        field: The name used in the error.

    Returns:
        The policy name.

    Raises:
        ValidationError: If the length or a character is not allowed.

    .. versionadded:: 0.1.0
    """
    return charset_string(
        value,
        field,
        low=MIN_POLICY_NAME,
        high=MAX_POLICY_NAME,
        char=NAME_CHAR,
        described=NAME_CHARS_TEXT,
    )


def validate_description(value: object, *, field: str = "description") -> str:
    """Check an IAM role description: at most 1000 characters of tab, LF, CR and Latin-1 text.

    Allowed are tab, LF, CR, U+0020-U+007E and U+00A1-U+00FF; the empty string is allowed.

    Args:
        value: The description.
        field: The name used in the error.

    Returns:
        The description.

    Raises:
        ValidationError: If the length or a character is not allowed.

    .. versionadded:: 0.1.0
    """
    return charset_string(
        value,
        field,
        low=0,
        high=MAX_ROLE_DESCRIPTION,
        char=_DESCRIPTION_CHAR,
        described=_DESCRIPTION_CHARS_TEXT,
    )
