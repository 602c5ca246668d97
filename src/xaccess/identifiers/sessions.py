"""Values of an STS session: session name, source identity and durations."""

from __future__ import annotations

from xaccess.errors import ValidationError
from xaccess.identifiers._checks import NAME_CHAR, NAME_CHARS_TEXT, charset_string, seconds
from xaccess.limits import (
    MAX_DURATION,
    MAX_SESSION_NAME,
    MAX_SOURCE_IDENTITY,
    MIN_DURATION,
    MIN_MAX_SESSION_DURATION,
    MIN_SESSION_NAME,
    MIN_SOURCE_IDENTITY,
)

__all__ = [
    "validate_max_session_duration",
    "validate_session_duration",
    "validate_session_name",
    "validate_source_identity",
]


def validate_session_name(value: object, *, field: str = "session_name") -> str:
    """Check an STS role session name: 2-64 characters of ``[A-Za-z0-9_+=,.@-]``.

    Args:
        value: The ``RoleSessionName``.
        field: The name used in the error.

    Returns:
        The session name.

    Raises:
        ValidationError: If the length or a character is not allowed.

    .. versionadded:: 0.1.0
    """
    return charset_string(
        value,
        field,
        low=MIN_SESSION_NAME,
        high=MAX_SESSION_NAME,
        char=NAME_CHAR,
        described=NAME_CHARS_TEXT,
    )


def validate_source_identity(value: object, *, field: str = "source_identity") -> str:
    """Check an STS source identity: like a session name, and not starting with ``aws:``.

    The prefix is refused in any case (``AWS:``, ``Aws:``...). The API model allows up to 256
    characters but the STS documentation says 64; the stricter limit is applied.

    Args:
        value: The ``SourceIdentity``.
        field: The name used in the error.

    Returns:
        The source identity.

    Raises:
        ValidationError: If the length, a character or the prefix is not allowed.

    .. versionadded:: 0.1.0
    """
    # Checked before the character set (which has no ':') so the message names the real problem.
    if isinstance(value, str) and value[:4].lower() == "aws:":
        raise ValidationError(field, "must not start with 'aws:' (in any case)")
    return charset_string(
        value,
        field,
        low=MIN_SOURCE_IDENTITY,
        high=MAX_SOURCE_IDENTITY,
        char=NAME_CHAR,
        described=NAME_CHARS_TEXT,
    )


def validate_session_duration(value: object, *, field: str = "duration_seconds") -> int:
    """Check an STS ``DurationSeconds``: 900-43200 seconds (15 minutes to 12 hours).

    Whether the role's ``MaxSessionDuration`` allows it, and the one-hour cap on role chaining,
    are checked where those are known.

    Args:
        value: Seconds as an ``int``, or a :class:`datetime.timedelta` of whole seconds.
        field: The name used in the error.

    Returns:
        The duration in seconds.

    Raises:
        ValidationError: If the type is wrong (``bool`` and ``float`` included) or the
            duration is out of range.

    .. versionadded:: 0.1.0
    """
    return seconds(value, field, MIN_DURATION, MAX_DURATION)


def validate_max_session_duration(value: object, *, field: str = "max_session_duration") -> int:
    """Check a role's ``MaxSessionDuration``: 3600-43200 seconds (1 to 12 hours).

    Args:
        value: Seconds as an ``int``, or a :class:`datetime.timedelta` of whole seconds.
        field: The name used in the error.

    Returns:
        The duration in seconds.

    Raises:
        ValidationError: If the type is wrong (``bool`` and ``float`` included) or the
            duration is out of range.

    .. versionadded:: 0.1.0
    """
    return seconds(value, field, MIN_MAX_SESSION_DURATION, MAX_DURATION)
