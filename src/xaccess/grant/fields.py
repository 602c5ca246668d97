"""Converters and checks of the grant's fields, shared by the constructor and the builder methods.

Each check takes the value and the field name to report, so the constructor (through attrs
validators) and a builder method that adds one value (checking only that value) give the same
errors. Counts are checked before any per-item work, and capped at what IAM can hold.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from xaccess import limits
from xaccess._validate import check_bool, check_int, type_name
from xaccess.errors import ValidationError
from xaccess.identifiers import (
    Tag,
    validate_description,
    validate_external_id,
    validate_max_session_duration,
    validate_policy_name,
    validate_role_name,
    validate_role_path,
    validate_tag_key,
    validate_tags,
)
from xaccess.policy import Statement

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    import attrs

    from xaccess.grant.trust import Trustee

ORG_ID: Final = re.compile(r"o-[a-z0-9]{10,32}", re.ASCII)
# Session names and source identities use [\w+=,.@-]; StringLike adds * and ?.
_PATTERN: Final = re.compile(r"[\w+=,.@*?-]{1,64}", re.ASCII)
_POLICY_TEXT: Final = re.compile(r"[\t\n\r\x20-\xff]*")
PINS: Final = ("condition", "arn")
_PREFIX_ROOM: Final = 8  # "-N" suffixes of inline policy names


# --- counts and sizes, before per-item work ----------------------------------------------------


def bounded_tuple(value: Iterable[Any], field: str, limit: int) -> tuple[Any, ...]:
    """``value`` as a tuple, refusing more than ``limit`` items before reading further."""
    if isinstance(value, tuple | list):
        if len(value) > limit:
            raise ValidationError(
                field, f"holds {len(value)} values, more than the {limit} allowed"
            )
        return tuple(value)
    items = tuple(itertools.islice(value, limit + 1))
    if len(items) > limit:
        raise ValidationError(field, f"holds more than the {limit} values allowed")
    return items


def strings(
    value: object, field: str, limit: int = limits.MAX_TRUST_POLICY_VALUES
) -> tuple[Any, ...]:
    """Turn ``None``, a string or an iterable of values into a tuple of at most ``limit``."""
    if type(value) is tuple and len(value) <= limit:
        return value
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable) and not isinstance(value, bytes | bytearray | Mapping):
        return bounded_tuple(value, field, limit)
    raise ValidationError(field, f"must be a string or a sequence, got {type_name(value)}")


def small_int(value: object, field: str) -> object:
    """Refuse an integer too large to compare or print cheaply; pass anything else on."""
    if isinstance(value, int) and value.bit_length() > limits.MAX_GRANT_INTEGER_BITS:
        raise ValidationError(
            field, f"is out of range: an integer of {value.bit_length()} bits is not a setting"
        )
    return value


def index_field(field: str, index: int, count: int) -> str:
    return field if count == 1 else f"{field}[{index}]"


# --- identifiers, checked once per distinct string ---------------------------------------------

_EXTERNAL_ID: Final = re.compile(
    rf"[\w+=,.@:/-]{{{limits.MIN_EXTERNAL_ID},{limits.MAX_EXTERNAL_ID}}}", re.ASCII
)
"""The whole-string form of :func:`~xaccess.identifiers.validate_external_id`'s rule.

Every customer has a new external ID, so the cache below never helps with them; one regular
expression over the whole string accepts a valid ID in one step, and anything it refuses goes to
the validator, which says what is wrong."""


def check_external_id(value: object, field: str) -> None:
    """Refuse a malformed external ID."""
    if isinstance(value, str) and _EXTERNAL_ID.fullmatch(value) is not None:
        return
    validate_external_id(value, field=field)


@functools.lru_cache(maxsize=4096)
def _valid_text(validate: Callable[..., object], value: str) -> object:
    return validate(value, field="")


def check_text(validate: Callable[..., object], value: object, field: str, longest: int) -> None:
    """Run an identifier validator, remembering strings already found valid.

    A string longer than ``longest`` goes to the validator uncached, which refuses it on its
    length before looking at a character.
    """
    if not isinstance(value, str) or len(value) > longest:
        validate(value, field=field)  # raises
        return
    try:
        _valid_text(validate, value)
    except ValidationError as exc:
        raise ValidationError(field, exc.rule) from None


# --- converters --------------------------------------------------------------------------------


def to_principals(value: str | Iterable[str]) -> tuple[str, ...]:
    return strings(value, "trusted_principals")


def to_external_ids(value: str | Iterable[str] | None) -> tuple[str, ...]:
    return strings(value, "external_id")


def to_org_ids(value: str | Iterable[str]) -> tuple[str, ...]:
    return strings(value, "org_ids")


def to_session_name_patterns(value: str | Iterable[str]) -> tuple[str, ...]:
    return strings(value, "session_name_patterns")


def to_source_identity_patterns(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else strings(value, "source_identity_patterns")


def to_session_tag_keys(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else strings(value, "session_tag_keys")


def to_policy_arns(value: str | Iterable[str]) -> tuple[str, ...]:
    return strings(value, "managed_policy_arns", limits.MAX_MANAGED_POLICIES_PER_ROLE)


def to_duration(value: int | dt.timedelta) -> int:
    small_int(value, "max_session_duration")
    return validate_max_session_duration(value, field="max_session_duration")


def to_tags(value: Mapping[str, str] | Iterable[Tag] | None) -> tuple[Tag, ...]:
    # Provisioning adds the ownership tag, so a grant has room for one tag fewer than IAM's
    # 50, and may not use that tag's key itself.
    from xaccess.rolespec import MANAGED_TAG_KEY  # noqa: PLC0415 - keeps import xaccess light

    if isinstance(value, tuple | list) and len(value) > limits.MAX_ROLE_TAGS:
        raise ValidationError("tags", f"must hold at most {limits.MAX_ROLE_TAGS - 1} tags")
    tags = validate_tags(value, field="tags", limit=limits.MAX_ROLE_TAGS - 1)
    for index, tag in enumerate(tags):
        if tag.key.lower() == MANAGED_TAG_KEY:
            raise ValidationError(
                f"tags[{index}].key",
                f"the key {MANAGED_TAG_KEY!r} is reserved: xaccess adds it to mark the roles "
                "it manages",
            )
    return tags


def to_statements(value: Iterable[Statement]) -> tuple[Statement, ...]:
    field = "statements"
    if (
        type(value) is tuple
        and len(value) <= limits.MAX_GRANT_STATEMENTS
        and all(type(item) is Statement for item in value)
    ):
        return value
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(field, f"must be a sequence of Statement, got {type_name(value)}")
    items = bounded_tuple(value, field, limits.MAX_GRANT_STATEMENTS)
    for i, statement in enumerate(items):
        if not isinstance(statement, Statement):
            raise ValidationError(
                f"statements[{i}]", f"must be a Statement, got {type_name(statement)}"
            )
    return items


# --- checks --------------------------------------------------------------------------------------


def check_unique(values: tuple[str, ...], field: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            raise ValidationError(f"{field}[{i}]", "repeats an earlier value")
        seen.add(value)


def check_patterns(values: tuple[str, ...], field: str, what: str) -> None:
    if not values:
        raise ValidationError(field, "must name at least one pattern")
    for i, value in enumerate(values):
        where = index_field(field, i, len(values))
        if not isinstance(value, str):
            raise ValidationError(where, f"must be a str, got {type_name(value)}")
        if _PATTERN.fullmatch(value) is None:
            raise ValidationError(
                where,
                f"must be a {what} pattern: 1-64 characters of ASCII letters, digits and "
                "_+=,.@- with the wildcards * and ?",
            )
    check_unique(values, field)


def check_org_ids(values: tuple[str, ...], field: str = "org_ids") -> None:
    for i, org_id in enumerate(values):
        where = index_field(field, i, len(values))
        if not isinstance(org_id, str) or ORG_ID.fullmatch(org_id) is None:
            raise ValidationError(
                where, "must be an organization ID: 'o-' and 10-32 lowercase letters or digits"
            )
    check_unique(values, field)


def check_session_tag_keys(keys: tuple[str, ...] | None, tags_allowed: bool) -> None:
    if keys is None:
        return
    if not tags_allowed:
        raise ValidationError(
            "session_tag_keys", "needs session_tags_allowed (see allow_session_tags())"
        )
    if not keys:
        raise ValidationError("session_tag_keys", "must name at least one key, or be None")
    folded: set[str] = set()
    for i, key in enumerate(keys):
        where = index_field("session_tag_keys", i, len(keys))
        check_text(validate_tag_key, key, where, limits.MAX_TAG_KEY)
        if _POLICY_TEXT.fullmatch(key) is None:
            raise ValidationError(
                where, "cannot be written in a policy: IAM policy text allows only U+0020-U+00FF"
            )
        if key.lower() in folded:
            raise ValidationError(where, "repeats an earlier key (keys ignore case)")
        folded.add(key.lower())


def check_permission_statement(statement: Statement, where: str) -> None:
    """Refuse what a permission statement of a role cannot hold."""
    if statement.not_actions or statement.not_resources:
        raise ValidationError(where, "NotAction and NotResource are not supported")
    if statement.principal is not None or statement.not_principal is not None:
        raise ValidationError(where, "a permission statement cannot name a principal")
    if not statement.resources:
        raise ValidationError(where, "a permission statement needs resources")


def check_statements(statements: tuple[Statement, ...]) -> None:
    sids: set[str] = set()
    for i, statement in enumerate(statements):
        where = f"statements[{i}]"
        check_permission_statement(statement, where)
        if statement.sid:
            if statement.sid in sids:
                raise ValidationError(where, f"repeats the Sid {statement.sid!r}")
            sids.add(statement.sid)


def check_flag(value: object, field: str) -> None:
    check_bool(value, field)


def check_quota(value: object, field: str, low: int, high: int | None, why: str) -> None:
    small_int(value, field)
    check_int(value, field, low=low)
    if high is not None and isinstance(value, int) and value > high:
        raise ValidationError(field, why.format(high=high, value=value))


def check_pin(value: object) -> None:
    if value not in PINS:
        raise ValidationError("pin", f"must be 'condition' or 'arn', got {value!r:.40}")


def check_inline_policy_prefix(value: object) -> None:
    if value is None:
        return
    validate_policy_name(value, field="inline_policy_prefix")
    longest = limits.MAX_POLICY_NAME - _PREFIX_ROOM
    if isinstance(value, str) and len(value) > longest:
        raise ValidationError(
            "inline_policy_prefix",
            f"must be at most {longest} characters, so that 'PREFIX-N' stays a valid policy name",
        )


# --- attrs validators of ThirdPartyGrant's fields ---------------------------------------------


def valid_role_name(_g: object, _a: object, value: str) -> None:
    check_text(validate_role_name, value, "role_name", limits.MAX_ROLE_NAME)


def valid_path(_g: object, _a: object, value: str) -> None:
    check_text(validate_role_path, value, "path", limits.MAX_ROLE_PATH)


def valid_description(_g: object, _a: object, value: str | None) -> None:
    if value is not None:
        check_text(validate_description, value, "description", limits.MAX_ROLE_DESCRIPTION)


def valid_pin(_g: object, _a: object, value: object) -> None:
    check_pin(value)


def valid_flag(_g: object, attribute: attrs.Attribute[bool], value: object) -> None:
    check_flag(value, attribute.name)


def valid_trust_quota(_g: object, _a: object, value: object) -> None:
    # Not capped: accounts may have a raised quota; counts are capped by MAX_TRUST_POLICY_VALUES.
    check_quota(value, "trust_policy_quota", 1, None, "")


def valid_inline_quota(_g: object, _a: object, value: object) -> None:
    check_quota(
        value,
        "inline_policies_quota",
        1,
        limits.INLINE_POLICIES_SIZE_QUOTA,
        "IAM's quota of {high} characters for the inline policies of one role cannot be "
        "raised, got {value}; attach managed policies for more",
    )


def valid_most_managed(_g: object, _a: object, value: object) -> None:
    check_quota(
        value,
        "max_managed_policies",
        0,
        limits.MAX_MANAGED_POLICIES_PER_ROLE,
        "IAM's managed policies per role quota can be raised to {high} at most, got {value}",
    )


def valid_managed_quota(_g: object, _a: object, value: object) -> None:
    check_quota(
        value,
        "managed_policy_quota",
        1,
        limits.MANAGED_POLICY_SIZE_QUOTA,
        "IAM's quota of {high} characters for one customer-managed policy cannot be "
        "raised, got {value}",
    )


def valid_prefix(_g: object, _a: object, value: str | None) -> None:
    check_inline_policy_prefix(value)


def valid_external_ids(_g: object, _a: object, value: tuple[str, ...]) -> None:
    check_external_ids(value, 0, len(value))


def valid_org_ids(_g: object, _a: object, value: tuple[str, ...]) -> None:
    check_org_ids(value)


def valid_session_names(_g: object, _a: object, value: tuple[str, ...]) -> None:
    if value:
        check_patterns(value, "session_name_patterns", "session name")


def valid_source_identities(_g: object, _a: object, value: tuple[str, ...] | None) -> None:
    if value is not None:
        check_patterns(value, "source_identity_patterns", "source identity")


def valid_tag_keys(grant: object, _a: object, value: tuple[str, ...] | None) -> None:
    check_session_tag_keys(value, getattr(grant, "session_tags_allowed", False) is True)


def valid_statements(_g: object, _a: object, value: tuple[Statement, ...]) -> None:
    check_statements(value)


def check_external_ids(values: tuple[str, ...], first: int, count: int) -> None:
    """Check ``values``, the external IDs from position ``first`` of ``count`` in all."""
    seen: set[str] = set()
    for i, value in enumerate(values, first):
        where = index_field("external_id", i, count)
        check_external_id(value, where)
        if value in seen:
            raise ValidationError(where, "repeats an earlier external ID")
        seen.add(value)


def no_trustees() -> tuple[Trustee, ...]:
    return ()


def count_repr(values: tuple[str, ...]) -> str:
    """External IDs as a count, never their values."""
    return f"<{len(values)} external ID{'' if len(values) == 1 else 's'}>"
