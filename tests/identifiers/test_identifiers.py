"""Tests for the xaccess.identifiers package: its surface and laws shared by every validator."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import xaccess.identifiers as ids
from tests.identifiers.strategies import (
    ALL_PARTITIONS,
    account_ids,
    descriptions,
    external_ids,
    invalid_account_ids,
    invalid_descriptions,
    invalid_external_ids,
    invalid_max_session_durations,
    invalid_policy_names,
    invalid_role_arn_texts,
    invalid_role_names,
    invalid_role_paths,
    invalid_session_durations,
    invalid_session_names,
    invalid_source_identities,
    invalid_tag_keys,
    invalid_tag_values,
    managed_policy_arns,
    max_session_durations,
    partitions,
    policy_names,
    role_names,
    role_paths,
    session_durations,
    session_names,
    source_identities,
    tag_keys,
    tag_values,
)
from tests.identifiers.support import (
    raises,
)
from xaccess.errors import ValidationError
from xaccess.identifiers import (
    PARTITIONS,
    RoleArn,
    validate_account_id,
    validate_description,
    validate_external_id,
    validate_managed_policy_arn,
    validate_max_session_duration,
    validate_partition,
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

    from hypothesis.strategies import SearchStrategy


# --- module surface --------------------------------------------------------------------------


def test_partitions_are_the_eight_aws_partitions() -> None:
    """PARTITIONS lists exactly the eight AWS partitions."""
    assert frozenset(ALL_PARTITIONS) == PARTITIONS


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted (constants, classes, functions) and names only real attributes."""

    def order(name: str) -> tuple[bool, bool, str]:
        return (not name.isupper(), not name[:1].isupper(), name)

    assert sorted(ids.__all__, key=order) == ids.__all__
    assert [] == [name for name in ids.__all__ if not hasattr(ids, name)]


def test_module_does_not_import_boto() -> None:
    """No module of the identifiers package references boto3 or botocore."""
    modules = sorted(Path(ids.__file__).parent.glob("*.py"))
    assert len(modules) > 1
    for module in modules:
        source = module.read_text(encoding="utf-8")
        assert [] == re.findall(r"^\s*(?:import|from)\s+boto", source, flags=re.MULTILINE)


def test_validation_error_is_a_value_error_with_field_and_rule() -> None:
    """Errors are ValidationError (a ValueError) whose message is 'field: rule'."""
    error = raises(validate_account_id, "123")
    assert isinstance(error, ValueError)
    assert "account_id" == error.field
    assert "must be exactly 12 digits, got 3 characters" == error.rule
    assert "account_id: must be exactly 12 digits, got 3 characters" == str(error)


def test_field_argument_names_the_error() -> None:
    """The field keyword replaces the default field name in the error."""
    error = raises(lambda value: validate_role_name(value, field="trusted_role"), "")
    assert "trusted_role" == error.field


def test_long_values_are_truncated_in_messages() -> None:
    """An echoed value is cut to 40 characters and its length is given."""
    error = raises(validate_role_path, "x" * 300)
    assert "must be '/' or start and end with '/'" in error.rule
    assert f"{'x' * 40!r}... (300 characters)" in error.rule
    assert "x" * 41 not in str(error)


# --- properties ------------------------------------------------------------------------------

_VALID: list[tuple[Callable[..., object], SearchStrategy[object]]] = [
    (validate_partition, partitions()),
    (validate_account_id, account_ids()),
    (validate_role_name, role_names()),
    (validate_role_path, role_paths()),
    (validate_policy_name, policy_names()),
    (validate_session_name, session_names()),
    (validate_source_identity, source_identities()),
    (validate_external_id, external_ids()),
    (validate_description, descriptions()),
    (validate_tag_key, tag_keys()),
    (validate_tag_value, tag_values()),
    (validate_session_duration, session_durations()),
    (validate_max_session_duration, max_session_durations()),
    (validate_managed_policy_arn, managed_policy_arns()),
]

_INVALID: list[tuple[Callable[..., object], SearchStrategy[object]]] = [
    (validate_account_id, invalid_account_ids()),
    (validate_role_name, invalid_role_names()),
    (validate_role_path, invalid_role_paths()),
    (validate_policy_name, invalid_policy_names()),
    (validate_session_name, invalid_session_names()),
    (validate_source_identity, invalid_source_identities()),
    (validate_external_id, invalid_external_ids()),
    (validate_description, invalid_descriptions()),
    (validate_tag_key, invalid_tag_keys()),
    (validate_tag_value, invalid_tag_values()),
    (validate_session_duration, invalid_session_durations()),
    (validate_max_session_duration, invalid_max_session_durations()),
    (RoleArn.parse, invalid_role_arn_texts()),
]


def _name(validate: Callable[..., object]) -> str:
    return getattr(validate, "__qualname__", repr(validate))


@pytest.mark.parametrize(
    ("validate", "values"), [pytest.param(v, s, id=_name(v)) for v, s in _VALID]
)
@given(data=st.data())
def test_valid_values_are_returned_unchanged(
    validate: Callable[..., object], values: SearchStrategy[object], data: st.DataObject
) -> None:
    """For every validator, any valid value is accepted and returned unchanged."""
    value = data.draw(values)
    assert value == validate(value)


@pytest.mark.parametrize(
    ("validate", "values"), [pytest.param(v, s, id=_name(v)) for v, s in _INVALID]
)
@given(data=st.data())
def test_invalid_values_raise_validation_error_only(
    validate: Callable[..., object], values: SearchStrategy[object], data: st.DataObject
) -> None:
    """For every validator, any invalid value raises ValidationError and nothing else."""
    value = data.draw(values)
    with pytest.raises(ValidationError) as excinfo:
        validate(value)
    assert isinstance(excinfo.value.rule, str)
    assert len(str(excinfo.value)) < 400


_ONE_CHARACTER_RULES = [
    pytest.param(ids.validate_role_name, r"[A-Za-z0-9_+=,.@-]", id="role_name"),
    pytest.param(ids.validate_policy_name, r"[A-Za-z0-9_+=,.@-]", id="policy_name"),
    pytest.param(ids.validate_session_name, r"[A-Za-z0-9_+=,.@-]", id="session_name"),
    pytest.param(ids.validate_source_identity, r"[A-Za-z0-9_+=,.@-]", id="source_identity"),
    pytest.param(ids.validate_external_id, r"[A-Za-z0-9_+=,.@:/-]", id="external_id"),
    pytest.param(ids.validate_description, r"[\t\n\r\x20-\x7e\xa1-\xff]", id="description"),
]


@pytest.mark.parametrize(("validate", "allowed"), _ONE_CHARACTER_RULES)
@given(text=st.text(st.characters(max_codepoint=0x17F), min_size=2, max_size=40))
def test_character_rules_accept_exactly_strings_of_allowed_characters(
    validate: Callable[..., str], allowed: str, text: str
) -> None:
    """A value is accepted iff every character is allowed; else the first bad one is named."""
    assume(text[:4].lower() != "aws:")  # reserved for AWS, refused before the characters
    bad = [(i, c) for i, c in enumerate(text) if re.fullmatch(allowed, c) is None]
    if not bad:
        assert text == validate(text, field="f")
        return
    with pytest.raises(ValidationError) as info:
        validate(text, field="f")
    index, char = bad[0]
    assert f"U+{ord(char):04X}) at position {index}" in info.value.rule


@given(text=st.text(st.characters(max_codepoint=0x17F), min_size=1, max_size=40))
def test_tag_keys_and_values_follow_the_unicode_rule_fast_or_not(text: str) -> None:
    """An ASCII tag text skips the per-character check only when every character passes it."""
    allowed = all(c in "_.:/=+-@" or unicodedata.category(c)[0] in "LNZ" for c in text)
    reserved = text[:4].lower() == "aws:"
    for validate in (ids.validate_tag_key, ids.validate_tag_value):
        if allowed and not reserved:
            assert text == validate(text, field="f")
        else:
            with pytest.raises(ValidationError):
                validate(text, field="f")
