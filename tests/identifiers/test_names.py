"""Tests for xaccess.identifiers.names: role names and paths, policy names, descriptions."""

from __future__ import annotations

import pytest

from tests.identifiers.strategies import (
    NAME_ALPHABET,
)
from tests.identifiers.support import (
    NAME_CHARS,
    raises,
)
from xaccess.identifiers import (
    validate_description,
    validate_policy_name,
    validate_role_name,
    validate_role_path,
)

# --- names, paths, session names ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["a", "R", "x" * 64, NAME_ALPHABET[:64], NAME_ALPHABET[-64:], "My-Role_1+=,.@", "123"],
)
def test_validate_role_name_accepts_valid_names(value: str) -> None:
    """Role names of 1-64 characters of [A-Za-z0-9_+=,.@-] are accepted unchanged."""
    assert value == validate_role_name(value)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "must be 1-64 characters long, got 0"),
        ("x" * 65, "must be 1-64 characters long, got 65"),
        ("a b", f"{NAME_CHARS}; got ' ' (U+0020) at position 1"),
        ("team/role", f"{NAME_CHARS}; got '/' (U+002F) at position 4"),
        ("a:b", f"{NAME_CHARS}; got ':' (U+003A) at position 1"),
        ("rôle", f"{NAME_CHARS}; got 'ô' (U+00F4) at position 1"),
        (
            "\uff41",
            f"{NAME_CHARS}; got '\uff41' (U+FF41) at position 0",
        ),
        (
            "role\u0661",
            f"{NAME_CHARS}; got '\u0661' (U+0661) at position 4",
        ),
        ("role\n", f"{NAME_CHARS}; got '\\n' (U+000A) at position 4"),
        ("a*", f"{NAME_CHARS}; got '*' (U+002A) at position 1"),
    ],
)
def test_validate_role_name_rejects_bad_text(value: str, rule: str) -> None:
    """Empty, too long, or a character outside [A-Za-z0-9_+=,.@-] is refused."""
    error = raises(validate_role_name, value)
    assert ("role_name", rule) == (error.field, error.rule)


@pytest.mark.parametrize(
    "value",
    ["/", "/a/", "/a/b/c/", "/" + "a" * 510 + "/", "///", "/a//b/", "/!~/", "/a:b/"],
)
def test_validate_role_path_accepts_the_iam_pattern(value: str) -> None:
    """'/' and '/' + printable ASCII + '/' up to 512 characters are accepted unchanged."""
    assert value == validate_role_path(value)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "must be 1-512 characters long, got 0"),
        ("/" + "a" * 511 + "/", "must be 1-512 characters long, got 513"),
        ("//", "must be '/' or start and end with '/' with printable ASCII ('!' to '~') between"),
        ("a/", "must be '/' or start and end with '/'"),
        ("/a", "must be '/' or start and end with '/'"),
        ("a", "must be '/' or start and end with '/'"),
        ("/a b/", "must be '/' or start and end with '/'"),
        ("/é/", "must be '/' or start and end with '/'"),
        ("/a/\n", "must be '/' or start and end with '/'"),
        ("/\n", "must be '/' or start and end with '/'"),
        ("/a\x7f/", "must be '/' or start and end with '/'"),
    ],
)
def test_validate_role_path_rejects_other_shapes(value: str, rule: str) -> None:
    """Paths that are empty, too long, '//', unslashed or with other characters are refused."""
    error = raises(validate_role_path, value)
    assert "path" == error.field
    assert error.rule.startswith(rule)


@pytest.mark.parametrize("value", ["p", "x" * 128, NAME_ALPHABET, "ReadLogs.v2@acme"])
def test_validate_policy_name_accepts_valid_names(value: str) -> None:
    """Policy names of 1-128 characters of [A-Za-z0-9_+=,.@-] are accepted unchanged."""
    assert value == validate_policy_name(value)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "must be 1-128 characters long, got 0"),
        ("x" * 129, "must be 1-128 characters long, got 129"),
        ("read logs", f"{NAME_CHARS}; got ' ' (U+0020) at position 4"),
        ("p\n", f"{NAME_CHARS}; got '\\n' (U+000A) at position 1"),
        ("pé", f"{NAME_CHARS}; got 'é' (U+00E9) at position 1"),
    ],
)
def test_validate_policy_name_rejects_bad_text(value: str, rule: str) -> None:
    """Empty, too long, or a character outside [A-Za-z0-9_+=,.@-] is refused."""
    error = raises(validate_policy_name, value)
    assert ("policy_name", rule) == (error.field, error.rule)


@pytest.mark.parametrize(
    "value",
    ["", "x" * 1000, "tab\there", "lines\nand\r\n", "café ¡ÿ", "~ !", "\xa1\xff"],
)
def test_validate_description_accepts_latin1_text(value: str) -> None:
    """Descriptions of at most 1000 tab/LF/CR/printable ASCII/U+00A1-U+00FF are accepted."""
    assert value == validate_description(value)


_DESC_CHARS = "may contain only tab, LF, CR, printable ASCII and U+00A1-U+00FF"


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("x" * 1001, "must be at most 1000 characters long, got 1001"),
        ("a\x00", f"{_DESC_CHARS}; got '\\x00' (U+0000) at position 1"),
        ("\x0b", f"{_DESC_CHARS}; got '\\x0b' (U+000B) at position 0"),
        ("\x7f", f"{_DESC_CHARS}; got '\\x7f' (U+007F) at position 0"),
        ("\x80", f"{_DESC_CHARS}; got '\\x80' (U+0080) at position 0"),
        ("\xa0", f"{_DESC_CHARS}; got '\\xa0' (U+00A0) at position 0"),
        ("5 €", f"{_DESC_CHARS}; got '€' (U+20AC) at position 2"),
        ("名", f"{_DESC_CHARS}; got '名' (U+540D) at position 0"),
        ("a\u2028b", f"{_DESC_CHARS}; got '\\u2028' (U+2028) at position 1"),
    ],
)
def test_validate_description_rejects_bad_text(value: str, rule: str) -> None:
    """Too long, control characters, U+007F-U+00A0 and characters above U+00FF are refused."""
    error = raises(validate_description, value)
    assert ("description", rule) == (error.field, error.rule)
