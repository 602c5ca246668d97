"""AWS identifiers: account IDs, ARNs, role names and paths, session names, tags, external IDs.

Every validator checks the whole value against the rule AWS applies (length, character set,
range) and raises :class:`~xaccess.errors.ValidationError` naming the field and the rule. Wrong
types are errors too: an ``int`` is never turned into an account ID, and ``bool`` is never
accepted where a number is expected. Regular expressions are applied to the whole value with
ASCII semantics, so ``\\w`` means ``[A-Za-z0-9_]`` and a trailing newline is never accepted.

The value types (:class:`Arn`, :class:`RoleArn`, :class:`AssumedRoleArn`, :class:`Tag`) are
immutable and validate their fields when constructed.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from xaccess.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "PARTITIONS",
    "Arn",
    "AssumedRoleArn",
    "PrincipalKind",
    "RoleArn",
    "Tag",
    "account_root_arn",
    "new_external_id",
    "principal_kind",
    "validate_account_id",
    "validate_description",
    "validate_external_id",
    "validate_managed_policy_arn",
    "validate_max_session_duration",
    "validate_partition",
    "validate_policy_name",
    "validate_role_name",
    "validate_role_path",
    "validate_session_duration",
    "validate_session_name",
    "validate_source_identity",
    "validate_tag_key",
    "validate_tag_value",
    "validate_tags",
]

PARTITIONS: Final[frozenset[str]] = frozenset(
    {
        "aws",
        "aws-cn",
        "aws-us-gov",
        "aws-iso",
        "aws-iso-b",
        "aws-iso-e",
        "aws-iso-f",
        "aws-eusc",
    }
)
"""The AWS partitions an ARN may name.

.. versionadded:: 0.1.0
"""

PrincipalKind = Literal["root", "role", "user", "assumed-role", "federated-user"]
"""What :func:`principal_kind` can answer.

.. versionadded:: 0.1.0
"""

_ECHO_LIMIT: Final = 40
_ASCII: Final = re.ASCII

# Character classes (one character each), exactly as the IAM and STS API models state them.
_NAME_CHAR: Final = re.compile(r"[\w+=,.@-]", _ASCII)
_EXTERNAL_ID_CHAR: Final = re.compile(r"[\w+=,.@:/-]", _ASCII)
_DESCRIPTION_CHAR: Final = re.compile(r"[\t\n\r\x20-\x7E\xA1-\xFF]", _ASCII)
_ROLE_PATH: Final = re.compile(r"/|/[\x21-\x7E]+/", _ASCII)
_POLICY_PATH: Final = re.compile(r"(?:/[A-Za-z0-9.,+@=_-]+)*/", _ASCII)
_ACCOUNT_ID: Final = re.compile(r"[0-9]{12}", _ASCII)
_SERVICE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", _ASCII)
_REGION: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", _ASCII)
_TAG_PUNCTUATION: Final = frozenset("_.:/=+-@")

_NAME_CHARS_TEXT: Final = "ASCII letters, digits and _+=,.@-"
_EXTERNAL_ID_CHARS_TEXT: Final = "ASCII letters, digits and _+=,.@:/-"
_DESCRIPTION_CHARS_TEXT: Final = "tab, LF, CR, printable ASCII and U+00A1-U+00FF"
_TAG_CHARS_TEXT: Final = "Unicode letters, digits and spaces, and _.:/=+-@"

_MIN_SESSION_DURATION: Final = 900
_MAX_SESSION_DURATION: Final = 43_200
_MIN_MAX_SESSION_DURATION: Final = 3600
_MIN_EXTERNAL_ID_BYTES: Final = 16
_MAX_EXTERNAL_ID: Final = 1224
_DEFAULT_TAG_LIMIT: Final = 50
_ONE_SECOND: Final = dt.timedelta(seconds=1)


# --- helpers ---------------------------------------------------------------------------------


def _echo(text: str) -> str:
    """Return a short quoted form of ``text`` for an error message."""
    if len(text) > _ECHO_LIMIT:
        return f"{text[:_ECHO_LIMIT]!r}... ({len(text)} characters)"
    return repr(text)


def _char(char: str) -> str:
    """Return a character quoted with its code point, so look-alikes are told apart."""
    return f"{char!r} (U+{ord(char):04X})"


def _type_name(value: object) -> str:
    return type(value).__name__


def _require_str(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a str, got {_type_name(value)}")
    return value


def _check_length(text: str, field: str, low: int, high: int) -> None:
    size = len(text)
    if low <= size <= high:
        return
    wanted = f"at most {high}" if low == 0 else f"{low}-{high}"
    raise ValidationError(field, f"must be {wanted} characters long, got {size}")


def _check_chars(text: str, field: str, allowed: Callable[[str], bool], described: str) -> None:
    for index, char in enumerate(text):
        if not allowed(char):
            raise ValidationError(
                field, f"may contain only {described}; got {_char(char)} at position {index}"
            )


def _matches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    def allowed(char: str) -> bool:
        return pattern.fullmatch(char) is not None

    return allowed


def _charset_string(
    value: object,
    field: str,
    *,
    low: int,
    high: int,
    char: re.Pattern[str],
    described: str,
) -> str:
    text = _require_str(value, field)
    _check_length(text, field, low, high)
    _check_chars(text, field, _matches(char), described)
    return text


def _seconds(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, dt.timedelta):
        if value % _ONE_SECOND:
            raise ValidationError(
                field, f"must be a whole number of seconds, got {value.total_seconds()} s"
            )
        seconds = value // _ONE_SECOND
    elif isinstance(value, int) and not isinstance(value, bool):
        seconds = int(value)
    else:
        raise ValidationError(
            field, f"must be an int (seconds) or a datetime.timedelta, got {_type_name(value)}"
        )
    if not low <= seconds <= high:
        raise ValidationError(field, f"must be {low}-{high} seconds, got {seconds}")
    return seconds


def _nested(field: str, part: str, check: Callable[[], object]) -> None:
    """Run ``check`` and re-raise its error under ``field``, naming ``part`` in the rule."""
    try:
        check()
    except ValidationError as exc:
        raise ValidationError(field, f"{part} {exc.rule}") from None


def _validator(validate: Callable[..., object]) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """Turn ``validate(value, field=...)`` into an attrs validator named after the attribute."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        validate(value, field=attribute.name)

    return check


# --- scalar validators -----------------------------------------------------------------------


def validate_partition(value: object, *, field: str = "partition") -> str:
    """Check that ``value`` names an AWS partition (see :data:`PARTITIONS`).

    Args:
        value: The partition, for example ``"aws"`` or ``"aws-cn"``.
        field: The name used in the error.

    Returns:
        The partition.

    Raises:
        ValidationError: If ``value`` is not one of :data:`PARTITIONS`.

    .. versionadded:: 0.1.0
    """
    text = _require_str(value, field)
    if text not in PARTITIONS:
        known = ", ".join(sorted(PARTITIONS))
        raise ValidationError(field, f"must be one of {known}; got {_echo(text)}")
    return text


def validate_account_id(value: object, *, field: str = "account_id") -> str:
    """Check an AWS account ID: exactly 12 ASCII digits, leading zeros kept.

    An ``int`` is refused rather than converted, because converting loses leading zeros.

    Args:
        value: The account ID as a string.
        field: The name used in the error.

    Returns:
        The account ID.

    Raises:
        ValidationError: If ``value`` is not a string of exactly 12 ASCII digits.

    .. versionadded:: 0.1.0
    """
    text = _require_str(value, field)
    if len(text) != 12:
        raise ValidationError(field, f"must be exactly 12 digits, got {len(text)} characters")
    if _ACCOUNT_ID.fullmatch(text) is None:
        raise ValidationError(field, f"must be exactly 12 ASCII digits 0-9, got {_echo(text)}")
    return text


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
    return _charset_string(
        value, field, low=1, high=64, char=_NAME_CHAR, described=_NAME_CHARS_TEXT
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
    text = _require_str(value, field)
    _check_length(text, field, 1, 512)
    if _ROLE_PATH.fullmatch(text) is None:
        raise ValidationError(
            field,
            "must be '/' or start and end with '/' with printable ASCII ('!' to '~') "
            f"between, got {_echo(text)}",
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
    return _charset_string(
        value, field, low=1, high=128, char=_NAME_CHAR, described=_NAME_CHARS_TEXT
    )


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
    return _charset_string(
        value, field, low=2, high=64, char=_NAME_CHAR, described=_NAME_CHARS_TEXT
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
    return _charset_string(
        value, field, low=2, high=64, char=_NAME_CHAR, described=_NAME_CHARS_TEXT
    )


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
    return _charset_string(
        value,
        field,
        low=2,
        high=_MAX_EXTERNAL_ID,
        char=_EXTERNAL_ID_CHAR,
        described=_EXTERNAL_ID_CHARS_TEXT,
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
    return _charset_string(
        value,
        field,
        low=0,
        high=1000,
        char=_DESCRIPTION_CHAR,
        described=_DESCRIPTION_CHARS_TEXT,
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
    return _seconds(value, field, _MIN_SESSION_DURATION, _MAX_SESSION_DURATION)


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
    return _seconds(value, field, _MIN_MAX_SESSION_DURATION, _MAX_SESSION_DURATION)


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
    text = _require_str(value, field)
    _check_length(text, field, 1, 128)
    _check_chars(text, field, _tag_char, _TAG_CHARS_TEXT)
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
    text = _require_str(value, field)
    _check_length(text, field, 0, 256)
    _check_chars(text, field, _tag_char, _TAG_CHARS_TEXT)
    if text[:4].lower() == "aws:":
        raise ValidationError(field, "must not start with 'aws:' (reserved for AWS)")
    return text


def _tag_char(char: str) -> bool:
    # The API pattern is [\p{L}\p{Z}\p{N}_.:/=+\-@]: letters, separators, numbers.
    return char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LNZ"


# --- ARN component validators ----------------------------------------------------------------


def _validate_service(value: object, *, field: str = "service") -> str:
    text = _require_str(value, field)
    if _SERVICE.fullmatch(text) is None:
        raise ValidationError(
            field,
            f"must be a service name of lowercase ASCII letters, digits and -, got {_echo(text)}",
        )
    return text


def _validate_region(value: object, *, field: str = "region") -> str:
    text = _require_str(value, field)
    if text and _REGION.fullmatch(text) is None:
        raise ValidationError(
            field,
            f"must be empty or a region name such as 'us-east-1', got {_echo(text)}",
        )
    return text


def _validate_arn_account(value: object, *, field: str = "account") -> str:
    text = _require_str(value, field)
    if text not in ("", "aws") and _ACCOUNT_ID.fullmatch(text) is None:
        raise ValidationError(
            field, f"must be empty, 'aws' or exactly 12 ASCII digits, got {_echo(text)}"
        )
    return text


def _validate_resource(value: object, *, field: str = "resource") -> str:
    text = _require_str(value, field)
    if not text:
        raise ValidationError(field, "must not be empty")
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Cc", "Cs"):
            raise ValidationError(
                field, f"must not contain control characters; got {_char(char)} at position {index}"
            )
    return text


# --- ARNs ------------------------------------------------------------------------------------

_ARN_SHAPE: Final = "'arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE'"
_ROLE_ARN_SHAPE: Final = "'arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME'"
_ASSUMED_ROLE_ARN_SHAPE: Final = "'arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION'"
_POLICY_ARN_SHAPE: Final = "'arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME'"


@attrs.frozen
class Arn:
    """An Amazon Resource Name: ``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE``.

    ``account`` is empty (global resources such as S3 buckets), 12 digits, or ``aws`` (resources
    owned by AWS, such as AWS managed policies). ``str(arn)`` gives back the ARN text.

    .. versionadded:: 0.1.0
    """

    partition: str = attrs.field(validator=_validator(validate_partition))
    service: str = attrs.field(validator=_validator(_validate_service))
    region: str = attrs.field(validator=_validator(_validate_region))
    account: str = attrs.field(validator=_validator(_validate_arn_account))
    resource: str = attrs.field(validator=_validator(_validate_resource))

    @classmethod
    def parse(cls, text: object, *, field: str = "arn") -> Arn:
        """Parse and validate an ARN.

        Args:
            text: The ARN text (an :class:`Arn` is returned as is).
            field: The name used in the error.

        Returns:
            The ARN.

        Raises:
            ValidationError: If ``text`` is not a well-formed ARN in a known partition.

        .. versionadded:: 0.1.0
        """
        if isinstance(text, Arn):
            return text
        value = _require_str(text, field)
        parts = value.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            raise ValidationError(field, f"must look like {_ARN_SHAPE}, got {_echo(value)}")
        _, partition, service, region, account, resource = parts
        _nested(field, "partition", lambda: validate_partition(partition))
        _nested(field, "service", lambda: _validate_service(service))
        _nested(field, "region", lambda: _validate_region(region))
        _nested(field, "account", lambda: _validate_arn_account(account))
        _nested(field, "resource", lambda: _validate_resource(resource))
        return cls(partition, service, region, account, resource)

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"

    @property
    def resource_type(self) -> str:
        """The resource text before the first ``/`` or ``:``.

        For example ``role``, ``user``, ``assumed-role``, ``policy`` or ``root``. When the
        resource has no separator (``root``, an S3 bucket name) this is the whole resource.

        .. versionadded:: 0.1.0
        """
        return re.split(r"[/:]", self.resource, maxsplit=1)[0]

    @property
    def resource_id(self) -> str:
        """The resource text after the first ``/`` or ``:``, or ``""`` if there is none.

        .. versionadded:: 0.1.0
        """
        parts = re.split(r"[/:]", self.resource, maxsplit=1)
        return parts[1] if len(parts) == 2 else ""


def _split_arn(value: str, field: str, service: str, prefix: str, shape: str) -> list[str]:
    """Split an ARN into its six parts, requiring ``service``, no region and a resource prefix."""
    parts = value.split(":", 5)
    if (
        len(parts) != 6
        or parts[0] != "arn"
        or parts[2] != service
        or parts[3] != ""
        or not parts[5].startswith(prefix)
    ):
        hint = ""
        if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
            hint = " (this is an assumed-role session ARN; its role ARN uses iam and role/)"
        raise ValidationError(field, f"must look like {shape}, got {_echo(value)}{hint}")
    return parts


@attrs.frozen
class RoleArn:
    """The ARN of an IAM role: ``arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME``.

    ``path`` is the role path, ``/`` or ``/a/b/``; ``str(role_arn)`` gives the full ARN.

    .. versionadded:: 0.1.0
    """

    partition: str = attrs.field(validator=_validator(validate_partition))
    account: str = attrs.field(validator=_validator(validate_account_id))
    path: str = attrs.field(validator=_validator(validate_role_path))
    name: str = attrs.field(validator=_validator(validate_role_name))

    @classmethod
    def parse(cls, text: object, *, field: str = "role_arn") -> RoleArn:
        """Parse and validate a role ARN, path included.

        Args:
            text: The role ARN text (a :class:`RoleArn` is returned as is).
            field: The name used in the error.

        Returns:
            The role ARN.

        Raises:
            ValidationError: If ``text`` is not an IAM role ARN with a valid partition, account,
                path and name.

        .. versionadded:: 0.1.0
        """
        if isinstance(text, RoleArn):
            return text
        value = _require_str(text, field)
        _, partition, _, _, account, resource = _split_arn(
            value, field, "iam", "role/", _ROLE_ARN_SHAPE
        )
        rest = resource[len("role") :]
        cut = rest.rindex("/") + 1
        path, name = rest[:cut], rest[cut:]
        _nested(field, "partition", lambda: validate_partition(partition))
        _nested(field, "account", lambda: validate_account_id(account))
        _nested(field, "role path", lambda: validate_role_path(path))
        _nested(field, "role name", lambda: validate_role_name(name))
        return cls(partition, account, path, name)

    @classmethod
    def build(
        cls,
        *,
        account_id: object,
        role_name: object,
        path: object = "/",
        partition: object = "aws",
    ) -> RoleArn:
        """Build a role ARN from its parts, validating each under its argument's name.

        Args:
            account_id: The 12-digit account that owns the role.
            role_name: The role name.
            path: The role path, ``/`` by default.
            partition: The partition, ``aws`` by default.

        Returns:
            The role ARN.

        Raises:
            ValidationError: If any part is invalid.

        .. versionadded:: 0.1.0
        """
        return cls(
            validate_partition(partition, field="partition"),
            validate_account_id(account_id, field="account_id"),
            validate_role_path(path, field="path"),
            validate_role_name(role_name, field="role_name"),
        )

    def __str__(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:role{self.path}{self.name}"

    def to_arn(self) -> Arn:
        """Return this role ARN as a generic :class:`Arn`.

        .. versionadded:: 0.1.0
        """
        return Arn(self.partition, "iam", "", self.account, f"role{self.path}{self.name}")

    def account_root_arn(self) -> str:
        """Return the ARN of the root of the account that owns the role.

        .. versionadded:: 0.1.0
        """
        return f"arn:{self.partition}:iam::{self.account}:root"


@attrs.frozen
class AssumedRoleArn:
    """The ARN of an assumed-role session: ``arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION``.

    This is what ``sts:GetCallerIdentity`` returns for role credentials. It carries the role
    name but not the role path.

    .. versionadded:: 0.1.0
    """

    partition: str = attrs.field(validator=_validator(validate_partition))
    account: str = attrs.field(validator=_validator(validate_account_id))
    role_name: str = attrs.field(validator=_validator(validate_role_name))
    session_name: str = attrs.field(validator=_validator(validate_session_name))

    @classmethod
    def parse(cls, text: object, *, field: str = "assumed_role_arn") -> AssumedRoleArn:
        """Parse and validate an assumed-role session ARN.

        Args:
            text: The ARN text (an :class:`AssumedRoleArn` is returned as is).
            field: The name used in the error.

        Returns:
            The assumed-role ARN.

        Raises:
            ValidationError: If ``text`` is not an STS assumed-role ARN with a valid partition,
                account, role name and session name.

        .. versionadded:: 0.1.0
        """
        if isinstance(text, AssumedRoleArn):
            return text
        value = _require_str(text, field)
        _, partition, _, _, account, resource = _split_arn(
            value, field, "sts", "assumed-role/", _ASSUMED_ROLE_ARN_SHAPE
        )
        pieces = resource.split("/")
        if len(pieces) != 3:
            raise ValidationError(
                field, f"must look like {_ASSUMED_ROLE_ARN_SHAPE}, got {_echo(value)}"
            )
        _, role_name, session_name = pieces
        _nested(field, "partition", lambda: validate_partition(partition))
        _nested(field, "account", lambda: validate_account_id(account))
        _nested(field, "role name", lambda: validate_role_name(role_name))
        _nested(field, "session name", lambda: validate_session_name(session_name))
        return cls(partition, account, role_name, session_name)

    def __str__(self) -> str:
        return (
            f"arn:{self.partition}:sts::{self.account}:assumed-role/"
            f"{self.role_name}/{self.session_name}"
        )

    def role_arn(self) -> RoleArn:
        """Return the ARN of the role this session belongs to, assuming the path ``/``.

        An assumed-role ARN does not carry the role path, so for a role created with another
        path the result differs from the role's real ARN; ask IAM (``GetRole``) when it matters.

        .. versionadded:: 0.1.0
        """
        return RoleArn(self.partition, self.account, "/", self.role_name)


def validate_managed_policy_arn(value: object, *, field: str = "policy_arn") -> str:
    """Check the ARN of an IAM managed policy (AWS managed or customer managed).

    The shape is ``arn:PARTITION:iam::ACCOUNT:policy/[PATH/]NAME`` where ``ACCOUNT`` is 12 digits
    or ``aws``; the path follows the IAM policy path rule (segments of
    ``[A-Za-z0-9.,+@=_-]``, at most 512 characters) and the name has 1-128 characters.

    Args:
        value: The policy ARN, for example ``arn:aws:iam::aws:policy/SecurityAudit``.
        field: The name used in the error.

    Returns:
        The policy ARN.

    Raises:
        ValidationError: If ``value`` is not a valid managed policy ARN.

    .. versionadded:: 0.1.0
    """
    text = _require_str(value, field)
    _, partition, _, _, account, resource = _split_arn(
        text, field, "iam", "policy/", _POLICY_ARN_SHAPE
    )
    rest = resource[len("policy") :]
    cut = rest.rindex("/") + 1
    path, name = rest[:cut], rest[cut:]
    _nested(field, "partition", lambda: validate_partition(partition))
    if account != "aws":
        _nested(field, "account", lambda: validate_account_id(account))
    if len(path) > 512 or _POLICY_PATH.fullmatch(path) is None:
        raise ValidationError(
            field,
            "policy path must be at most 512 characters of '/'-separated segments of "
            f"{_NAME_CHARS_TEXT}, got {_echo(path)}",
        )
    _nested(field, "policy name", lambda: validate_policy_name(name))
    return text


def account_root_arn(account_id: object, *, partition: object = "aws") -> str:
    """Return the ARN that stands for a whole account: ``arn:PARTITION:iam::ACCOUNT:root``.

    Args:
        account_id: The 12-digit account ID.
        partition: The partition, ``aws`` by default.

    Returns:
        The account root ARN.

    Raises:
        ValidationError: If the account ID or the partition is invalid.

    .. versionadded:: 0.1.0
    """
    account = validate_account_id(account_id, field="account_id")
    part = validate_partition(partition, field="partition")
    return f"arn:{part}:iam::{account}:root"


def principal_kind(arn: object, *, field: str = "principal") -> PrincipalKind:
    """Say what kind of IAM principal an ARN names.

    Args:
        arn: An ARN (text or :class:`Arn`) of an account root, IAM role, IAM user, assumed-role
            session or federated-user session.
        field: The name used in the error.

    Returns:
        ``"root"``, ``"role"``, ``"user"``, ``"assumed-role"`` or ``"federated-user"``.

    Raises:
        ValidationError: If ``arn`` is not a valid ARN of one of these principals.

    .. versionadded:: 0.1.0
    """
    parsed = Arn.parse(arn, field=field)
    text = str(parsed)
    kind = (parsed.service, parsed.resource_type)
    if kind == ("iam", "root") and parsed.resource == "root":
        validate_account_id(parsed.account, field=field)
        return "root"
    if kind == ("iam", "role"):
        RoleArn.parse(text, field=field)
        return "role"
    if kind == ("iam", "user") and parsed.resource.startswith("user/"):
        validate_account_id(parsed.account, field=field)
        # A user's name and path follow the rules of a role's (IAM User Guide, IAM quotas).
        head, slash, name = parsed.resource.removeprefix("user/").rpartition("/")
        try:
            validate_role_name(name, field=field)
        except ValidationError as exc:
            raise ValidationError(field, f"user name {exc.rule}") from None
        try:
            validate_role_path(f"/{head}{slash}", field=field)
        except ValidationError as exc:
            raise ValidationError(field, f"user path {exc.rule}") from None
        return "user"
    if kind == ("sts", "assumed-role"):
        AssumedRoleArn.parse(text, field=field)
        return "assumed-role"
    if kind == ("sts", "federated-user") and parsed.resource.startswith("federated-user/"):
        validate_account_id(parsed.account, field=field)
        return "federated-user"
    raise ValidationError(
        field,
        "must be the ARN of an account root, role, user, assumed-role or federated-user "
        f"session, got {_echo(text)}",
    )


# --- tags ------------------------------------------------------------------------------------


@attrs.frozen
class Tag:
    """One IAM/STS tag; both parts are validated (see :func:`validate_tag_key`).

    .. versionadded:: 0.1.0
    """

    key: str = attrs.field(validator=_validator(validate_tag_key))
    value: str = attrs.field(validator=_validator(validate_tag_value))

    def to_dict(self) -> dict[str, str]:
        """Return the tag as AWS APIs take it: ``{"Key": ..., "Value": ...}``.

        .. versionadded:: 0.1.0
        """
        return {"Key": self.key, "Value": self.value}


def validate_tags(
    tags: Mapping[str, str] | Iterable[Tag] | None,
    *,
    field: str = "tags",
    limit: int = _DEFAULT_TAG_LIMIT,
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
    result: list[Tag] = []
    if isinstance(given, Mapping):
        for index, (key, value) in enumerate(given.items()):
            result.append(
                Tag(
                    validate_tag_key(key, field=f"{field}[{index}].key"),
                    validate_tag_value(value, field=f"{field}[{index}].value"),
                )
            )
    elif isinstance(given, Iterable) and not isinstance(given, (str, bytes, bytearray)):
        for index, tag in enumerate(given):
            if not isinstance(tag, Tag):
                raise ValidationError(f"{field}[{index}]", f"must be a Tag, got {_type_name(tag)}")
            result.append(tag)
    else:
        raise ValidationError(
            field,
            f"must be a mapping of key to value or an iterable of Tag, got {_type_name(given)}",
        )
    if len(result) > limit:
        raise ValidationError(field, f"must have at most {limit} tags, got {len(result)}")
    seen: dict[str, str] = {}
    for tag in result:
        folded = tag.key.lower()
        if folded in seen:
            raise ValidationError(
                field,
                "keys must be unique ignoring case; "
                f"got {_echo(seen[folded])} and {_echo(tag.key)}",
            )
        seen[folded] = tag.key
    return tuple(result)


# --- generation ------------------------------------------------------------------------------


def new_external_id(*, nbytes: int = 20, prefix: str = "") -> str:
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
        raise ValidationError("nbytes", f"must be an int, got {_type_name(nbytes)}")
    if nbytes < _MIN_EXTERNAL_ID_BYTES:
        raise ValidationError(
            "nbytes", f"must be at least {_MIN_EXTERNAL_ID_BYTES} (128 bits), got {nbytes}"
        )
    if 2 * nbytes > _MAX_EXTERNAL_ID:
        raise ValidationError(
            "nbytes", f"must be at most {_MAX_EXTERNAL_ID // 2} (1224 hex characters), got {nbytes}"
        )
    text = _require_str(prefix, "prefix")
    room = _MAX_EXTERNAL_ID - 2 * nbytes
    if len(text) > room:
        raise ValidationError(
            "prefix",
            f"must be at most {room} characters long with nbytes={nbytes} (external IDs have "
            f"at most {_MAX_EXTERNAL_ID}), got {len(text)}",
        )
    _check_chars(text, "prefix", _matches(_EXTERNAL_ID_CHAR), _EXTERNAL_ID_CHARS_TEXT)
    if text.startswith("-"):
        raise ValidationError("prefix", "must not start with '-'")
    return validate_external_id(text + secrets.token_hex(nbytes))
