"""Tests for xaccess.identifiers.sessions: session names, source identities, durations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from tests.identifiers.strategies import (
    NAME_ALPHABET,
)
from tests.identifiers.support import (
    NAME_CHARS,
    WRONG_TYPES,
    raises,
)
from xaccess.identifiers import (
    validate_description,
    validate_external_id,
    validate_managed_policy_arn,
    validate_max_session_duration,
    validate_policy_name,
    validate_role_name,
    validate_role_path,
    validate_session_duration,
    validate_session_name,
    validate_source_identity,
    validate_tag_key,
    validate_tag_value,
)

if TYPE_CHECKING:
    from collections.abc import Callable


@pytest.mark.parametrize("value", ["ab", "x" * 64, NAME_ALPHABET[:64], "acme-audit", "a@b.c"])
def test_validate_session_name_accepts_valid_names(value: str) -> None:
    """Session names of 2-64 characters of [A-Za-z0-9_+=,.@-] are accepted unchanged."""
    assert value == validate_session_name(value)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "must be 2-64 characters long, got 0"),
        ("a", "must be 2-64 characters long, got 1"),
        ("x" * 65, "must be 2-64 characters long, got 65"),
        ("a b", f"{NAME_CHARS}; got ' ' (U+0020) at position 1"),
        ("a:b", f"{NAME_CHARS}; got ':' (U+003A) at position 1"),
        ("a/b", f"{NAME_CHARS}; got '/' (U+002F) at position 1"),
        ("ab\n", f"{NAME_CHARS}; got '\\n' (U+000A) at position 2"),
        (
            "\uff41\uff42",
            f"{NAME_CHARS}; got '\uff41' (U+FF41) at position 0",
        ),
    ],
)
def test_validate_session_name_rejects_bad_text(value: str, rule: str) -> None:
    """Too short, too long, or a character outside [A-Za-z0-9_+=,.@-] is refused."""
    error = raises(validate_session_name, value)
    assert ("session_name", rule) == (error.field, error.rule)


@pytest.mark.parametrize("value", ["ab", "x" * 64, "aws", "awsuser", "aws-user", "aws_x", "jane@x"])
def test_validate_source_identity_accepts_valid_values(value: str) -> None:
    """Source identities follow session-name rules and may start with 'aws' without a colon."""
    assert value == validate_source_identity(value)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("aws:x", "must not start with 'aws:' (in any case)"),
        ("AWS:x", "must not start with 'aws:' (in any case)"),
        ("Aws:", "must not start with 'aws:' (in any case)"),
        ("a", "must be 2-64 characters long, got 1"),
        ("x" * 65, "must be 2-64 characters long, got 65"),
        ("x" * 256, "must be 2-64 characters long, got 256"),
        ("a b", f"{NAME_CHARS}; got ' ' (U+0020) at position 1"),
    ],
)
def test_validate_source_identity_rejects_bad_values(value: str, rule: str) -> None:
    """The aws: prefix (any case), lengths outside 2-64 and bad characters are refused."""
    error = raises(validate_source_identity, value)
    assert ("source_identity", rule) == (error.field, error.rule)


@pytest.mark.parametrize(("value", "type_name"), WRONG_TYPES)
@pytest.mark.parametrize(
    "validate",
    [
        validate_role_name,
        validate_role_path,
        validate_policy_name,
        validate_session_name,
        validate_source_identity,
        validate_external_id,
        validate_description,
        validate_tag_key,
        validate_tag_value,
        validate_managed_policy_arn,
    ],
)
def test_string_validators_reject_wrong_types(
    validate: Callable[..., object], value: object, type_name: str
) -> None:
    """Every text validator refuses non-str values, bytes and bool included."""
    assert f"must be a str, got {type_name}" == raises(validate, value).rule


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (900, 900),
        (3600, 3600),
        (43200, 43200),
        (dt.timedelta(minutes=15), 900),
        (dt.timedelta(hours=1), 3600),
        (dt.timedelta(hours=12), 43200),
        (dt.timedelta(seconds=1000), 1000),
    ],
)
def test_validate_session_duration_accepts_ints_and_timedeltas(value: object, seconds: int) -> None:
    """900-43200 seconds, as an int or a whole-second timedelta, give the int seconds."""
    result = validate_session_duration(value)
    assert seconds == result
    assert int is type(result)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (899, "must be 900-43200 seconds, got 899"),
        (43201, "must be 900-43200 seconds, got 43201"),
        (0, "must be 900-43200 seconds, got 0"),
        (-900, "must be 900-43200 seconds, got -900"),
        (dt.timedelta(seconds=899), "must be 900-43200 seconds, got 899"),
        (dt.timedelta(hours=13), "must be 900-43200 seconds, got 46800"),
        (dt.timedelta(seconds=900.5), "must be a whole number of seconds, got 900.5 s"),
        (True, "must be an int (seconds) or a datetime.timedelta, got bool"),
        (False, "must be an int (seconds) or a datetime.timedelta, got bool"),
        (900.0, "must be an int (seconds) or a datetime.timedelta, got float"),
        ("900", "must be an int (seconds) or a datetime.timedelta, got str"),
        (None, "must be an int (seconds) or a datetime.timedelta, got NoneType"),
    ],
)
def test_validate_session_duration_rejects_bad_values(value: object, rule: str) -> None:
    """Out-of-range, fractional, bool, float, str and None durations are refused."""
    error = raises(validate_session_duration, value)
    assert ("duration_seconds", rule) == (error.field, error.rule)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(3600, 3600), (43200, 43200), (dt.timedelta(hours=2), 7200)],
)
def test_validate_max_session_duration_accepts_one_to_twelve_hours(
    value: object, seconds: int
) -> None:
    """3600-43200 seconds, as an int or timedelta, give the int seconds."""
    assert seconds == validate_max_session_duration(value)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (3599, "must be 3600-43200 seconds, got 3599"),
        (900, "must be 3600-43200 seconds, got 900"),
        (43201, "must be 3600-43200 seconds, got 43201"),
        (True, "must be an int (seconds) or a datetime.timedelta, got bool"),
    ],
)
def test_validate_max_session_duration_rejects_bad_values(value: object, rule: str) -> None:
    """Values outside 3600-43200 and bools are refused."""
    error = raises(validate_max_session_duration, value)
    assert ("max_session_duration", rule) == (error.field, error.rule)
