"""Tests for xaccess.identifiers: validators, ARNs, tags and external IDs."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import string
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import xaccess.identifiers as ids
from tests.strategies_identifiers import (
    ALL_PARTITIONS,
    EXTERNAL_ID_ALPHABET,
    NAME_ALPHABET,
    account_ids,
    arns,
    assumed_role_arns,
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
    multi_segment_role_paths,
    partitions,
    policy_names,
    role_arns,
    role_names,
    role_paths,
    session_durations,
    session_names,
    source_identities,
    tag_dicts,
    tag_keys,
    tag_values,
)
from xaccess.errors import ValidationError
from xaccess.identifiers import (
    PARTITIONS,
    Arn,
    AssumedRoleArn,
    RoleArn,
    Tag,
    account_root_arn,
    new_external_id,
    principal_kind,
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
    validate_tags,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from hypothesis.strategies import SearchStrategy

ACCOUNT = "123456789012"
ARABIC_INDIC_12 = "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"
FULLWIDTH_12 = "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10\uff11\uff12"
ROLE_ARN = "arn:aws:iam::123456789012:role/Auditor"
_NAME_CHARS = "may contain only ASCII letters, digits and _+=,.@-"
WRONG_TYPES = [
    pytest.param(123456789012, "int", id="int"),
    pytest.param(None, "NoneType", id="None"),
    pytest.param(b"abcdef", "bytes", id="bytes"),
    pytest.param(True, "bool", id="bool"),
    pytest.param(1.5, "float", id="float"),
]


def _raises(validate: Callable[..., object], value: object) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validate(value)
    return excinfo.value


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
    """The identifiers module does not reference boto3 or botocore."""
    source = Path(ids.__file__).read_text(encoding="utf-8")
    assert [] == re.findall(r"^\s*(?:import|from)\s+boto", source, flags=re.MULTILINE)


def test_validation_error_is_a_value_error_with_field_and_rule() -> None:
    """Errors are ValidationError (a ValueError) whose message is 'field: rule'."""
    error = _raises(validate_account_id, "123")
    assert isinstance(error, ValueError)
    assert "account_id" == error.field
    assert "must be exactly 12 digits, got 3 characters" == error.rule
    assert "account_id: must be exactly 12 digits, got 3 characters" == str(error)


def test_field_argument_names_the_error() -> None:
    """The field keyword replaces the default field name in the error."""
    error = _raises(lambda value: validate_role_name(value, field="trusted_role"), "")
    assert "trusted_role" == error.field


def test_long_values_are_truncated_in_messages() -> None:
    """An echoed value is cut to 40 characters and its length is given."""
    error = _raises(validate_role_path, "x" * 300)
    assert "must be '/' or start and end with '/'" in error.rule
    assert f"{'x' * 40!r}... (300 characters)" in error.rule
    assert "x" * 41 not in str(error)


# --- partitions and account IDs --------------------------------------------------------------


@pytest.mark.parametrize("partition", ALL_PARTITIONS)
def test_validate_partition_accepts_every_partition(partition: str) -> None:
    """Every AWS partition is accepted unchanged."""
    assert partition == validate_partition(partition)


@pytest.mark.parametrize("value", ["", "AWS", "aws-xx", "aws ", "aws\n", "amazon", "aws-iso-g"])
def test_validate_partition_rejects_unknown_names(value: str) -> None:
    """Unknown partition names are refused with the list of known ones."""
    error = _raises(validate_partition, value)
    assert "partition" == error.field
    assert error.rule.startswith("must be one of aws, aws-cn, aws-eusc, aws-iso, aws-iso-b,")


@pytest.mark.parametrize(("value", "type_name"), WRONG_TYPES)
def test_validate_partition_rejects_wrong_types(value: object, type_name: str) -> None:
    """A partition must be a str."""
    assert f"must be a str, got {type_name}" == _raises(validate_partition, value).rule


@pytest.mark.parametrize("value", ["123456789012", "000000000000", "012345678901", "999999999999"])
def test_validate_account_id_accepts_12_digits(value: str) -> None:
    """Twelve ASCII digits are accepted unchanged, leading zeros kept."""
    assert value == validate_account_id(value)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "must be exactly 12 digits, got 0 characters"),
        ("12345678901", "must be exactly 12 digits, got 11 characters"),
        ("1234567890123", "must be exactly 12 digits, got 13 characters"),
        ("123456789012\n", "must be exactly 12 digits, got 13 characters"),
        ("12345678901\n", "must be exactly 12 ASCII digits 0-9, got '12345678901\\n'"),
        (" 12345678901", "must be exactly 12 ASCII digits 0-9, got ' 12345678901'"),
        ("12345678901a", "must be exactly 12 ASCII digits 0-9, got '12345678901a'"),
        ("-12345678901", "must be exactly 12 ASCII digits 0-9, got '-12345678901'"),
        (ARABIC_INDIC_12, f"must be exactly 12 ASCII digits 0-9, got '{ARABIC_INDIC_12}'"),
        (FULLWIDTH_12, f"must be exactly 12 ASCII digits 0-9, got '{FULLWIDTH_12}'"),
        ("12345678901\u0661", "must be exactly 12 ASCII digits 0-9, got '12345678901\u0661'"),
    ],
)
def test_validate_account_id_rejects_bad_text(value: str, rule: str) -> None:
    """Wrong lengths and non-ASCII or non-digit characters are refused."""
    error = _raises(validate_account_id, value)
    assert ("account_id", rule) == (error.field, error.rule)


@pytest.mark.parametrize(("value", "type_name"), WRONG_TYPES)
def test_validate_account_id_never_converts_other_types(value: object, type_name: str) -> None:
    """An int, None, bytes, bool or float account ID is refused, never converted."""
    assert f"must be a str, got {type_name}" == _raises(validate_account_id, value).rule


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
        ("a b", f"{_NAME_CHARS}; got ' ' (U+0020) at position 1"),
        ("team/role", f"{_NAME_CHARS}; got '/' (U+002F) at position 4"),
        ("a:b", f"{_NAME_CHARS}; got ':' (U+003A) at position 1"),
        ("rôle", f"{_NAME_CHARS}; got 'ô' (U+00F4) at position 1"),
        (
            "\uff41",
            f"{_NAME_CHARS}; got '\uff41' (U+FF41) at position 0",
        ),
        (
            "role\u0661",
            f"{_NAME_CHARS}; got '\u0661' (U+0661) at position 4",
        ),
        ("role\n", f"{_NAME_CHARS}; got '\\n' (U+000A) at position 4"),
        ("a*", f"{_NAME_CHARS}; got '*' (U+002A) at position 1"),
    ],
)
def test_validate_role_name_rejects_bad_text(value: str, rule: str) -> None:
    """Empty, too long, or a character outside [A-Za-z0-9_+=,.@-] is refused."""
    error = _raises(validate_role_name, value)
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
    error = _raises(validate_role_path, value)
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
        ("read logs", f"{_NAME_CHARS}; got ' ' (U+0020) at position 4"),
        ("p\n", f"{_NAME_CHARS}; got '\\n' (U+000A) at position 1"),
        ("pé", f"{_NAME_CHARS}; got 'é' (U+00E9) at position 1"),
    ],
)
def test_validate_policy_name_rejects_bad_text(value: str, rule: str) -> None:
    """Empty, too long, or a character outside [A-Za-z0-9_+=,.@-] is refused."""
    error = _raises(validate_policy_name, value)
    assert ("policy_name", rule) == (error.field, error.rule)


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
        ("a b", f"{_NAME_CHARS}; got ' ' (U+0020) at position 1"),
        ("a:b", f"{_NAME_CHARS}; got ':' (U+003A) at position 1"),
        ("a/b", f"{_NAME_CHARS}; got '/' (U+002F) at position 1"),
        ("ab\n", f"{_NAME_CHARS}; got '\\n' (U+000A) at position 2"),
        (
            "\uff41\uff42",
            f"{_NAME_CHARS}; got '\uff41' (U+FF41) at position 0",
        ),
    ],
)
def test_validate_session_name_rejects_bad_text(value: str, rule: str) -> None:
    """Too short, too long, or a character outside [A-Za-z0-9_+=,.@-] is refused."""
    error = _raises(validate_session_name, value)
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
        ("a b", f"{_NAME_CHARS}; got ' ' (U+0020) at position 1"),
    ],
)
def test_validate_source_identity_rejects_bad_values(value: str, rule: str) -> None:
    """The aws: prefix (any case), lengths outside 2-64 and bad characters are refused."""
    error = _raises(validate_source_identity, value)
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
    assert f"must be a str, got {type_name}" == _raises(validate, value).rule


# --- external IDs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "ab",
        "x" * 1224,
        EXTERNAL_ID_ALPHABET,
        "urn:acme:customer/42",
        "a=b+c,d.e@f:g/h-i_j",
        "--",
        "0123456789abcdef0123456789abcdef",
    ],
)
def test_validate_external_id_accepts_valid_values(value: str) -> None:
    """External IDs of 2-1224 characters of [A-Za-z0-9_+=,.@:/-] are accepted unchanged."""
    assert value == validate_external_id(value)


_EXT_CHARS = "may contain only ASCII letters, digits and _+=,.@:/-"


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "must be 2-1224 characters long, got 0"),
        ("a", "must be 2-1224 characters long, got 1"),
        ("x" * 1225, "must be 2-1224 characters long, got 1225"),
        ("ab cd", f"{_EXT_CHARS}; got ' ' (U+0020) at position 2"),
        ("ab\n", f"{_EXT_CHARS}; got '\\n' (U+000A) at position 2"),
        ("\tab", f"{_EXT_CHARS}; got '\\t' (U+0009) at position 0"),
        ("éé", f"{_EXT_CHARS}; got 'é' (U+00E9) at position 0"),
        ("\uff41\uff42", f"{_EXT_CHARS}; got '\uff41' (U+FF41) at position 0"),
        ("\u0661\u0662", f"{_EXT_CHARS}; got '\u0661' (U+0661) at position 0"),
        ("a*b", f"{_EXT_CHARS}; got '*' (U+002A) at position 1"),
        ("a!", f"{_EXT_CHARS}; got '!' (U+0021) at position 1"),
        ("a#", f"{_EXT_CHARS}; got '#' (U+0023) at position 1"),
        ("a~", f"{_EXT_CHARS}; got '~' (U+007E) at position 1"),
        ("a;", f"{_EXT_CHARS}; got ';' (U+003B) at position 1"),
    ],
)
def test_validate_external_id_rejects_bad_values(value: str, rule: str) -> None:
    """Lengths outside 2-1224, whitespace and characters outside the STS set are refused."""
    error = _raises(validate_external_id, value)
    assert ("external_id", rule) == (error.field, error.rule)


def test_new_external_id_default_is_40_hex_characters() -> None:
    """By default an external ID is 20 random bytes as 40 lowercase hex characters."""
    value = new_external_id()
    assert 40 == len(value)
    assert set(value) <= set(string.hexdigits.lower())
    assert value == validate_external_id(value)


def test_new_external_id_uses_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The random part comes from secrets.token_hex with the requested byte count."""
    calls: list[int] = []

    def fake_token_hex(nbytes: int) -> str:
        calls.append(nbytes)
        return "ab" * nbytes

    monkeypatch.setattr(secrets, "token_hex", fake_token_hex)
    assert "acme-" + "ab" * 16 == new_external_id(nbytes=16, prefix="acme-")
    assert [16] == calls


@pytest.mark.parametrize(
    ("nbytes", "prefix", "length"),
    [
        (16, "", 32),
        (20, "", 40),
        (612, "", 1224),
        (16, "acme-", 37),
        (16, "urn:acme:x/", 43),
        (16, EXTERNAL_ID_ALPHABET.lstrip("-"), 32 + len(EXTERNAL_ID_ALPHABET.lstrip("-"))),
        (16, "p" * 1192, 1224),
    ],
)
def test_new_external_id_sizes(nbytes: int, prefix: str, length: int) -> None:
    """The result is the prefix plus 2*nbytes hex characters and is a valid external ID."""
    value = new_external_id(nbytes=nbytes, prefix=prefix)
    assert length == len(value)
    assert value.startswith(prefix)
    assert value == validate_external_id(value)


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"nbytes": 15}, "nbytes", "must be at least 16 (128 bits), got 15"),
        ({"nbytes": 0}, "nbytes", "must be at least 16 (128 bits), got 0"),
        ({"nbytes": -20}, "nbytes", "must be at least 16 (128 bits), got -20"),
        ({"nbytes": 613}, "nbytes", "must be at most 612 (1224 hex characters), got 613"),
        ({"nbytes": True}, "nbytes", "must be an int, got bool"),
        ({"nbytes": "20"}, "nbytes", "must be an int, got str"),
        ({"nbytes": 20.0}, "nbytes", "must be an int, got float"),
        ({"prefix": "-acme"}, "prefix", "must not start with '-'"),
        ({"prefix": "acme "}, "prefix", f"{_EXT_CHARS}; got ' ' (U+0020) at position 4"),
        ({"prefix": "é"}, "prefix", f"{_EXT_CHARS}; got 'é' (U+00E9) at position 0"),
        ({"prefix": b"acme"}, "prefix", "must be a str, got bytes"),
        ({"prefix": None}, "prefix", "must be a str, got NoneType"),
        (
            {"nbytes": 16, "prefix": "p" * 1193},
            "prefix",
            (
                "must be at most 1192 characters long with nbytes=16 (external IDs have at most "
                "1224), got 1193"
            ),
        ),
    ],
)
def test_new_external_id_rejects_bad_arguments(
    kwargs: dict[str, object], field: str, rule: str
) -> None:
    """Too few or too many bytes, wrong types and bad prefixes are refused."""
    with pytest.raises(ValidationError) as excinfo:
        new_external_id(**kwargs)  # type: ignore[arg-type]
    assert (field, rule) == (excinfo.value.field, excinfo.value.rule)


def test_new_external_id_is_unique_across_1000_calls() -> None:
    """A thousand generated external IDs are all different and all valid."""
    values = [new_external_id() for _ in range(1000)]
    assert 1000 == len(set(values))
    assert values == [validate_external_id(value) for value in values]


@given(
    nbytes=st.integers(16, 612),
    prefix=st.text(alphabet=EXTERNAL_ID_ALPHABET, max_size=60).filter(
        lambda p: not p.startswith("-")
    ),
)
def test_new_external_id_is_always_valid(nbytes: int, prefix: str) -> None:
    """For any allowed size and prefix that fits, the result is a valid external ID."""
    assume(len(prefix) + 2 * nbytes <= 1224)
    value = new_external_id(nbytes=nbytes, prefix=prefix)
    assert value == validate_external_id(value)
    assert not value.startswith("-")
    assert len(prefix) + 2 * nbytes == len(value)


# --- descriptions and durations --------------------------------------------------------------


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
    error = _raises(validate_description, value)
    assert ("description", rule) == (error.field, error.rule)


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
    error = _raises(validate_session_duration, value)
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
    error = _raises(validate_max_session_duration, value)
    assert ("max_session_duration", rule) == (error.field, error.rule)


# --- managed policy ARNs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::aws:policy/SecurityAudit",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        "arn:aws-cn:iam::123456789012:policy/a/b/MyPolicy",
        "arn:aws-us-gov:iam::123456789012:policy/" + "n" * 128,
        "arn:aws-eusc:iam::aws:policy/" + "p" * 505 + "/X",
    ],
)
def test_validate_managed_policy_arn_accepts_policy_arns(value: str) -> None:
    """AWS managed and customer managed policy ARNs, with paths, are accepted unchanged."""
    assert value == validate_managed_policy_arn(value)


_POLICY_SHAPE = "must look like 'arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME'"


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("arn:aws:iam::aws:role/X", _POLICY_SHAPE),
        ("arn:aws:s3:::bucket", _POLICY_SHAPE),
        ("arn:aws:iam:us-east-1:aws:policy/X", _POLICY_SHAPE),
        ("SecurityAudit", _POLICY_SHAPE),
        ("arn:foo:iam::aws:policy/X", "partition must be one of"),
        ("arn:aws:iam::12345:policy/X", "account must be exactly 12 digits, got 5 characters"),
        ("arn:aws:iam::AWS:policy/X", "account must be exactly 12 digits, got 3 characters"),
        ("arn:aws:iam::aws:policy/", "policy name must be 1-128 characters long, got 0"),
        ("arn:aws:iam::aws:policy/" + "n" * 129, "policy name must be 1-128 characters long"),
        ("arn:aws:iam::aws:policy/a b", "policy name may contain only"),
        ("arn:aws:iam::aws:policy/X\n", "policy name may contain only"),
        ("arn:aws:iam::aws:policy//X", "policy path must be at most 512 characters"),
        ("arn:aws:iam::aws:policy/a:b/X", "policy path must be at most 512 characters"),
        ("arn:aws:iam::aws:policy/a~/X", "policy path must be at most 512 characters"),
        ("arn:aws:iam::aws:policy/" + "p" * 511 + "/X", "policy path must be at most 512"),
    ],
)
def test_validate_managed_policy_arn_rejects_bad_arns(value: str, rule: str) -> None:
    """Other ARNs, bad partitions, accounts, paths and names are refused."""
    error = _raises(validate_managed_policy_arn, value)
    assert "policy_arn" == error.field
    assert error.rule.startswith(rule)


# --- tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Env", "prod"),
        ("a", ""),
        ("k" * 128, "v" * 256),
        ("名前", "値 1"),
        ("Ünïcode Ω", "\u0661\u0662\u0663"),
        ("a b", "c\u3000d"),
        ("_.:/=+-@", "_.:/=+-@"),
        ("aws", "x"),
        ("awsx:y", "x:aws:"),
        ("x:aws:", ""),
    ],
)
def test_tag_accepts_valid_keys_and_values(key: str, value: str) -> None:
    """Unicode letters, digits, spaces and _.:/=+-@ within the lengths make a tag."""
    tag = Tag(key, value)
    assert (key, value) == (tag.key, tag.value)
    assert {"Key": key, "Value": value} == tag.to_dict()


_TAG_CHARS = "may contain only Unicode letters, digits and spaces, and _.:/=+-@"


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        ("", "must be 1-128 characters long, got 0"),
        ("k" * 129, "must be 1-128 characters long, got 129"),
        ("aws:x", "must not start with 'aws:' (reserved for AWS)"),
        ("AWS:x", "must not start with 'aws:' (reserved for AWS)"),
        ("aWs:", "must not start with 'aws:' (reserved for AWS)"),
        ("a,b", f"{_TAG_CHARS}; got ',' (U+002C) at position 1"),
        ("a!b", f"{_TAG_CHARS}; got '!' (U+0021) at position 1"),
        ("a\tb", f"{_TAG_CHARS}; got '\\t' (U+0009) at position 1"),
        ("a\n", f"{_TAG_CHARS}; got '\\n' (U+000A) at position 1"),
        ("😀", f"{_TAG_CHARS}; got '😀' (U+1F600) at position 0"),
        ("e\u0301", f"{_TAG_CHARS}; got '\u0301' (U+0301) at position 1"),
    ],
)
def test_validate_tag_key_rejects_bad_keys(key: str, rule: str) -> None:
    """Keys that are empty, too long, reserved or with other characters are refused."""
    error = _raises(validate_tag_key, key)
    assert ("tag_key", rule) == (error.field, error.rule)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("v" * 257, "must be at most 256 characters long, got 257"),
        ("a,b", f"{_TAG_CHARS}; got ',' (U+002C) at position 1"),
        ("a\n", f"{_TAG_CHARS}; got '\\n' (U+000A) at position 1"),
        ("©", f"{_TAG_CHARS}; got '©' (U+00A9) at position 0"),
        # IAM User Guide, "Tagging IAM resources" (rules for IAM and AWS STS): "You cannot create
        # a tag key or value that begins with the text aws:".
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html
        ("aws:z", "must not start with 'aws:' (reserved for AWS)"),
        ("AWS:cloudformation", "must not start with 'aws:' (reserved for AWS)"),
    ],
)
def test_validate_tag_value_rejects_bad_values(value: str, rule: str) -> None:
    """Values that are too long or with other characters are refused."""
    error = _raises(validate_tag_value, value)
    assert ("tag_value", rule) == (error.field, error.rule)


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [("aws:x", "y", "key"), ("", "y", "key"), ("k", "a,b", "value"), (1, "y", "key")],
)
def test_tag_validates_on_construction(key: object, value: object, field: str) -> None:
    """Tag() refuses a bad key or value, naming the attribute."""
    with pytest.raises(ValidationError) as excinfo:
        Tag(key, value)  # type: ignore[arg-type]
    assert field == excinfo.value.field


def test_tag_is_frozen_and_hashable() -> None:
    """Tags are immutable values with equality and hashing."""
    tag = Tag("Env", "prod")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        tag.key = "Other"  # type: ignore[misc]
    assert {Tag("Env", "prod")} == {tag}


@pytest.mark.parametrize("empty", [None, {}, [], ()])
def test_validate_tags_accepts_no_tags(empty: object) -> None:
    """None and empty collections give no tags."""
    assert () == validate_tags(empty)  # type: ignore[arg-type]


def test_validate_tags_keeps_mapping_order() -> None:
    """A mapping becomes Tags in insertion order."""
    assert (Tag("b", "1"), Tag("a", "2")) == validate_tags({"b": "1", "a": "2"})


def test_validate_tags_accepts_any_iterable_of_tags() -> None:
    """A list, tuple or generator of Tag is accepted as is."""
    tags = [Tag("a", "1"), Tag("b", "2")]
    assert tuple(tags) == validate_tags(tags)
    assert tuple(tags) == validate_tags(tag for tag in tags)


def test_validate_tags_allows_up_to_the_limit() -> None:
    """Fifty tags are allowed by default, fifty-one are not."""
    fifty = {f"k{i}": "v" for i in range(50)}
    assert 50 == len(validate_tags(fifty))
    error = _raises(validate_tags, {**fifty, "k50": "v"})
    assert ("tags", "must have at most 50 tags, got 51") == (error.field, error.rule)


def test_validate_tags_honours_a_custom_limit() -> None:
    """The limit keyword lowers (or raises) the number of tags allowed."""
    with pytest.raises(ValidationError, match="must have at most 1 tags, got 2"):
        validate_tags({"a": "1", "b": "2"}, limit=1)
    assert () == validate_tags({}, limit=0)


@pytest.mark.parametrize("limit", [-1, True, "50", 50.0])
def test_validate_tags_rejects_a_bad_limit(limit: object) -> None:
    """The limit must be a non-negative int."""
    with pytest.raises(ValidationError) as excinfo:
        validate_tags({}, limit=limit)  # type: ignore[arg-type]
    assert "limit" == excinfo.value.field


@pytest.mark.parametrize(
    "tags",
    [
        {"Env": "a", "env": "b"},
        {"ENV": "a", "Env": "b"},
        [Tag("Team", "a"), Tag("x", "1"), Tag("TEAM", "b")],
    ],
)
def test_validate_tags_rejects_keys_equal_ignoring_case(tags: object) -> None:
    """Two keys that differ only in case are refused."""
    error = _raises(validate_tags, tags)
    assert "tags" == error.field
    assert error.rule.startswith("keys must be unique ignoring case; got ")


@pytest.mark.parametrize(
    ("tags", "field", "rule"),
    [
        ({"aws:x": "y"}, "tags[0].key", "must not start with 'aws:' (reserved for AWS)"),
        ({"a": "1", "b": "x,y"}, "tags[1].value", f"{_TAG_CHARS}; got ',' (U+002C) at position 1"),
        ({1: "y"}, "tags[0].key", "must be a str, got int"),
        ({"a": None}, "tags[0].value", "must be a str, got NoneType"),
        ([Tag("a", "1"), ("b", "2")], "tags[1]", "must be a Tag, got tuple"),
        ([{"Key": "a", "Value": "1"}], "tags[0]", "must be a Tag, got dict"),
        (
            "Env=prod",
            "tags",
            "must be a mapping of key to value or an iterable of Tag, got str",
        ),
        (b"x", "tags", "must be a mapping of key to value or an iterable of Tag, got bytes"),
        (5, "tags", "must be a mapping of key to value or an iterable of Tag, got int"),
    ],
)
def test_validate_tags_names_the_bad_tag(tags: object, field: str, rule: str) -> None:
    """A bad tag is reported by its position; bad containers are refused as a whole."""
    error = _raises(validate_tags, tags)
    assert (field, rule) == (error.field, error.rule)


def test_validate_tags_field_prefixes_positions() -> None:
    """The field keyword is used as the prefix of per-tag field names."""
    with pytest.raises(ValidationError) as excinfo:
        validate_tags({"ok": "", "aws:bad": ""}, field="session_tags")
    assert "session_tags[1].key" == excinfo.value.field


# --- ARNs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts", "resource_type", "resource_id"),
    [
        (
            "arn:aws:iam::123456789012:role/a/b/Name",
            ("aws", "iam", "", ACCOUNT, "role/a/b/Name"),
            "role",
            "a/b/Name",
        ),
        ("arn:aws:iam::123456789012:root", ("aws", "iam", "", ACCOUNT, "root"), "root", ""),
        (
            "arn:aws:iam::123456789012:user/bob",
            ("aws", "iam", "", ACCOUNT, "user/bob"),
            "user",
            "bob",
        ),
        (
            "arn:aws-cn:sts::123456789012:assumed-role/R/s",
            ("aws-cn", "sts", "", ACCOUNT, "assumed-role/R/s"),
            "assumed-role",
            "R/s",
        ),
        (
            "arn:aws:iam::aws:policy/SecurityAudit",
            ("aws", "iam", "", "aws", "policy/SecurityAudit"),
            "policy",
            "SecurityAudit",
        ),
        ("arn:aws:s3:::acme-logs", ("aws", "s3", "", "", "acme-logs"), "acme-logs", ""),
        ("arn:aws:s3:::acme-logs/*", ("aws", "s3", "", "", "acme-logs/*"), "acme-logs", "*"),
        (
            "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/aws/lambda/f:*",
            ("aws-us-gov", "logs", "us-gov-west-1", ACCOUNT, "log-group:/aws/lambda/f:*"),
            "log-group",
            "/aws/lambda/f:*",
        ),
        (
            "arn:aws-eusc:execute-api:eusc-de-east-1:123456789012:abc/prod/GET/x y",
            ("aws-eusc", "execute-api", "eusc-de-east-1", ACCOUNT, "abc/prod/GET/x y"),
            "abc",
            "prod/GET/x y",
        ),
    ],
)
def test_arn_parse_splits_the_six_parts(
    text: str, parts: tuple[str, ...], resource_type: str, resource_id: str
) -> None:
    """Arn.parse gives the five components; str() gives the text back exactly."""
    arn = Arn.parse(text)
    assert parts == (arn.partition, arn.service, arn.region, arn.account, arn.resource)
    assert (resource_type, resource_id) == (arn.resource_type, arn.resource_id)
    assert text == str(arn)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "must look like 'arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE', got ''"),
        ("arn", "must look like"),
        ("arn:aws:iam::123456789012", "must look like"),
        ("ARN:aws:iam::123456789012:root", "must look like"),
        ("arn:foo:iam::123456789012:root", "partition must be one of"),
        ("arn:AWS:iam::123456789012:root", "partition must be one of"),
        ("arn:aws::::x", "service must be a service name of lowercase ASCII letters"),
        ("arn:aws:IAM::123456789012:root", "service must be a service name"),
        ("arn:aws:s3-:::b", "service must be a service name"),
        ("arn:aws:ec2:US-EAST-1:123456789012:vpc/x", "region must be empty or a region name"),
        ("arn:aws:ec2:us east:123456789012:vpc/x", "region must be empty or a region name"),
        ("arn:aws:iam::12345:root", "account must be empty, 'aws' or exactly 12 ASCII digits"),
        (
            f"arn:aws:iam::{FULLWIDTH_12}:root",
            "account must be empty, 'aws' or exactly",
        ),
        ("arn:aws:iam::123456789012:", "resource must not be empty"),
        (
            "arn:aws:iam::123456789012:root\n",
            "resource must not contain control characters; got '\\n' (U+000A) at position 4",
        ),
        ("arn:aws:s3:::a\x00b", "resource must not contain control characters"),
    ],
)
def test_arn_parse_rejects_malformed_text(text: str, rule: str) -> None:
    """Malformed ARNs, unknown partitions and bad components are refused under 'arn'."""
    error = _raises(Arn.parse, text)
    assert "arn" == error.field
    assert error.rule.startswith(rule)


@pytest.mark.parametrize(("value", "type_name"), WRONG_TYPES)
def test_arn_parsers_reject_wrong_types(value: object, type_name: str) -> None:
    """Every ARN parser refuses non-str input."""
    rule = f"must be a str, got {type_name}"
    assert rule == _raises(Arn.parse, value).rule
    assert rule == _raises(RoleArn.parse, value).rule
    assert rule == _raises(AssumedRoleArn.parse, value).rule
    assert rule == _raises(principal_kind, value).rule


def test_parsers_return_instances_unchanged() -> None:
    """Passing an already parsed value to parse() returns that value."""
    arn = Arn.parse(ROLE_ARN)
    role = RoleArn.parse(ROLE_ARN)
    session = AssumedRoleArn.parse("arn:aws:sts::123456789012:assumed-role/R/s1")
    assert arn is Arn.parse(arn)
    assert role is RoleArn.parse(role)
    assert session is AssumedRoleArn.parse(session)


def test_arn_parse_field_names_the_error() -> None:
    """The field keyword names the error of Arn.parse."""
    with pytest.raises(ValidationError) as excinfo:
        Arn.parse("nope", field="resource_arn")
    assert "resource_arn" == excinfo.value.field


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("foo", "iam", "", ACCOUNT, "root"), "partition"),
        (("aws", "", "", ACCOUNT, "root"), "service"),
        (("aws", "iam", "Region", ACCOUNT, "root"), "region"),
        (("aws", "iam", "", "123", "root"), "account"),
        (("aws", "iam", "", ACCOUNT, ""), "resource"),
        (("aws", "iam", "", 123456789012, "root"), "account"),
    ],
)
def test_arn_validates_on_construction(args: tuple[object, ...], field: str) -> None:
    """Arn() refuses bad components, naming the attribute."""
    with pytest.raises(ValidationError) as excinfo:
        Arn(*args)  # type: ignore[arg-type]
    assert field == excinfo.value.field


@pytest.mark.parametrize("partition", ALL_PARTITIONS)
def test_arn_round_trips_in_every_partition(partition: str) -> None:
    """An ARN in each partition parses and prints back to the same text."""
    text = f"arn:{partition}:iam::123456789012:role/p/Name"
    assert text == str(Arn.parse(text))
    assert text == str(RoleArn.parse(text))


@pytest.mark.parametrize(
    ("text", "path", "name"),
    [
        ("arn:aws:iam::123456789012:role/Auditor", "/", "Auditor"),
        ("arn:aws:iam::123456789012:role/team/Auditor", "/team/", "Auditor"),
        ("arn:aws:iam::123456789012:role/a/b/c/Auditor", "/a/b/c/", "Auditor"),
        ("arn:aws:iam::123456789012:role/service-role/x.y@z", "/service-role/", "x.y@z"),
        ("arn:aws:iam::123456789012:role/a:b/N", "/a:b/", "N"),
        ("arn:aws:iam::123456789012:role///N", "///", "N"),
        ("arn:aws:iam::123456789012:role/" + "r" * 64, "/", "r" * 64),
    ],
)
def test_role_arn_parse_splits_path_and_name(text: str, path: str, name: str) -> None:
    """RoleArn.parse separates the (possibly multi-segment) path from the name."""
    role = RoleArn.parse(text)
    assert ("aws", ACCOUNT, path, name) == (role.partition, role.account, role.path, role.name)
    assert text == str(role)


_ROLE_SHAPE = "must look like 'arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME'"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Auditor", _ROLE_SHAPE),
        ("arn:aws:iam::123456789012:user/bob", _ROLE_SHAPE),
        ("arn:aws:iam::123456789012:roleAuditor", _ROLE_SHAPE),
        ("arn:aws:iam::123456789012:root", _ROLE_SHAPE),
        ("arn:aws:iam:us-east-1:123456789012:role/A", _ROLE_SHAPE),
        ("arn:aws:sts::123456789012:role/A", _ROLE_SHAPE),
        ("arn:aws:sts::123456789012:assumed-role/A/s", f"{_ROLE_SHAPE}, got 'arn:aws:sts::"),
        ("arn:foo:iam::123456789012:role/A", "partition must be one of"),
        ("arn:aws:iam::12345678901:role/A", "account must be exactly 12 digits, got 11"),
        ("arn:aws:iam::aws:role/A", "account must be exactly 12 digits, got 3 characters"),
        ("arn:aws:iam:::role/A", "account must be exactly 12 digits, got 0 characters"),
        ("arn:aws:iam::123456789012:role/", "role name must be 1-64 characters long, got 0"),
        ("arn:aws:iam::123456789012:role/a/", "role name must be 1-64 characters long, got 0"),
        ("arn:aws:iam::123456789012:role/" + "r" * 65, "role name must be 1-64 characters"),
        ("arn:aws:iam::123456789012:role/A\n", "role name may contain only"),
        ("arn:aws:iam::123456789012:role/A B", "role name may contain only"),
        ("arn:aws:iam::123456789012:role//A", "role path must be '/' or start and end"),
        ("arn:aws:iam::123456789012:role/a b/A", "role path must be '/' or start and end"),
        ("arn:aws:iam::123456789012:role/" + "p" * 520 + "/A", "role path must be 1-512"),
    ],
)
def test_role_arn_parse_rejects_other_arns(text: str, rule: str) -> None:
    """Non-role ARNs and bad partitions, accounts, paths or names are refused under 'role_arn'."""
    error = _raises(RoleArn.parse, text)
    assert "role_arn" == error.field
    assert error.rule.startswith(rule)


def test_role_arn_parse_hints_at_assumed_role_arns() -> None:
    """Passing an assumed-role session ARN explains that it is not a role ARN."""
    error = _raises(RoleArn.parse, "arn:aws:sts::123456789012:assumed-role/A/s")
    assert error.rule.endswith(
        "(this is an assumed-role session ARN; its role ARN uses iam and role/)"
    )


def test_role_arn_build_uses_defaults() -> None:
    """RoleArn.build defaults to the root path and the aws partition."""
    role = RoleArn.build(account_id=ACCOUNT, role_name="Auditor")
    assert RoleArn("aws", ACCOUNT, "/", "Auditor") == role
    assert ROLE_ARN == str(role)


def test_role_arn_build_with_path_and_partition() -> None:
    """RoleArn.build puts a multi-segment path and the partition into the ARN."""
    role = RoleArn.build(account_id=ACCOUNT, role_name="R", path="/a/b/", partition="aws-cn")
    assert "arn:aws-cn:iam::123456789012:role/a/b/R" == str(role)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"account_id": 123456789012, "role_name": "R"}, "account_id"),
        ({"account_id": ACCOUNT, "role_name": "a b"}, "role_name"),
        ({"account_id": ACCOUNT, "role_name": "R", "path": "team"}, "path"),
        ({"account_id": ACCOUNT, "role_name": "R", "partition": "aws-mars"}, "partition"),
    ],
)
def test_role_arn_build_names_the_bad_argument(kwargs: dict[str, object], field: str) -> None:
    """RoleArn.build reports errors under the argument's name."""
    with pytest.raises(ValidationError) as excinfo:
        RoleArn.build(**kwargs)
    assert field == excinfo.value.field


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("aws", "1", "/", "R"), "account"),
        (("aws", ACCOUNT, "x", "R"), "path"),
        (("aws", ACCOUNT, "/", "a/b"), "name"),
        (("aws-x", ACCOUNT, "/", "R"), "partition"),
    ],
)
def test_role_arn_validates_on_construction(args: tuple[str, ...], field: str) -> None:
    """RoleArn() refuses bad components, naming the attribute."""
    with pytest.raises(ValidationError) as excinfo:
        RoleArn(*args)
    assert field == excinfo.value.field


def test_role_arn_helpers() -> None:
    """to_arn() gives the generic Arn and account_root_arn() the owning account's root ARN."""
    role = RoleArn.parse("arn:aws-cn:iam::123456789012:role/p/R")
    assert Arn("aws-cn", "iam", "", ACCOUNT, "role/p/R") == role.to_arn()
    assert "arn:aws-cn:iam::123456789012:root" == role.account_root_arn()


def test_role_arn_is_a_hashable_value() -> None:
    """Role ARNs compare and hash by value and cannot be changed."""
    role = RoleArn.parse(ROLE_ARN)
    assert {RoleArn.build(account_id=ACCOUNT, role_name="Auditor")} == {role}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        role.name = "Other"  # type: ignore[misc]


def test_assumed_role_arn_parse_and_role_arn() -> None:
    """An assumed-role ARN gives its parts and the role ARN with the root path."""
    session = AssumedRoleArn.parse("arn:aws-us-gov:sts::123456789012:assumed-role/Auditor/s-1")
    assert ("aws-us-gov", ACCOUNT, "Auditor", "s-1") == (
        session.partition,
        session.account,
        session.role_name,
        session.session_name,
    )
    assert "arn:aws-us-gov:sts::123456789012:assumed-role/Auditor/s-1" == str(session)
    assert RoleArn("aws-us-gov", ACCOUNT, "/", "Auditor") == session.role_arn()


_SESSION_SHAPE = "must look like 'arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION'"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("arn:aws:iam::123456789012:role/R", _SESSION_SHAPE),
        ("arn:aws:sts::123456789012:assumed-role/R", _SESSION_SHAPE),
        ("arn:aws:sts::123456789012:assumed-role/p/R/s", _SESSION_SHAPE),
        ("arn:aws:sts:us-east-1:123456789012:assumed-role/R/s", _SESSION_SHAPE),
        ("arn:aws:sts::123456789012:federated-user/bob", _SESSION_SHAPE),
        ("arn:nope:sts::123456789012:assumed-role/R/s1", "partition must be one of"),
        ("arn:aws:sts::1234:assumed-role/R/s1", "account must be exactly 12 digits"),
        ("arn:aws:sts::123456789012:assumed-role//s1", "role name must be 1-64 characters"),
        ("arn:aws:sts::123456789012:assumed-role/R/s", "session name must be 2-64 characters"),
        ("arn:aws:sts::123456789012:assumed-role/R/s 1", "session name may contain only"),
    ],
)
def test_assumed_role_arn_parse_rejects_other_arns(text: str, rule: str) -> None:
    """Other ARNs and bad components are refused under 'assumed_role_arn'."""
    error = _raises(AssumedRoleArn.parse, text)
    assert "assumed_role_arn" == error.field
    assert error.rule.startswith(rule)


def test_account_root_arn() -> None:
    """account_root_arn gives arn:PARTITION:iam::ACCOUNT:root."""
    assert "arn:aws:iam::123456789012:root" == account_root_arn(ACCOUNT)
    assert "arn:aws-iso-b:iam::000000000001:root" == account_root_arn(
        "000000000001", partition="aws-iso-b"
    )


@pytest.mark.parametrize(
    ("account", "partition", "field"),
    [
        (123456789012, "aws", "account_id"),
        ("12345", "aws", "account_id"),
        (ACCOUNT, "x", "partition"),
    ],
)
def test_account_root_arn_rejects_bad_input(account: object, partition: object, field: str) -> None:
    """A bad account ID or partition is refused under its argument's name."""
    with pytest.raises(ValidationError) as excinfo:
        account_root_arn(account, partition=partition)
    assert field == excinfo.value.field


@pytest.mark.parametrize(
    ("arn", "kind"),
    [
        ("arn:aws:iam::123456789012:root", "root"),
        ("arn:aws:iam::123456789012:role/Scanner", "role"),
        ("arn:aws-cn:iam::123456789012:role/a/b/Scanner", "role"),
        ("arn:aws:iam::123456789012:user/ops/bob", "user"),
        ("arn:aws:iam::123456789012:user/bob", "user"),
        ("arn:aws:iam::123456789012:user/a//b/bob", "user"),
        ("arn:aws:sts::123456789012:assumed-role/Scanner/s1", "assumed-role"),
        ("arn:aws:sts::123456789012:federated-user/bob", "federated-user"),
        (Arn("aws", "iam", "", ACCOUNT, "root"), "root"),
    ],
)
def test_principal_kind(arn: object, kind: str) -> None:
    """principal_kind names account roots, roles, users and STS sessions."""
    assert kind == principal_kind(arn)


@pytest.mark.parametrize(
    ("arn", "rule"),
    [
        ("arn:aws:s3:::bucket", "must be the ARN of an account root, role, user"),
        ("arn:aws:iam::123456789012:root/x", "must be the ARN of an account root"),
        ("arn:aws:iam::123456789012:group/ops", "must be the ARN of an account root"),
        ("arn:aws:iam::aws:policy/SecurityAudit", "must be the ARN of an account root"),
        ("arn:aws:iam::123456789012:user:bob", "must be the ARN of an account root"),
        ("arn:aws:sts::123456789012:federated-user:bob", "must be the ARN of an account root"),
        ("arn:aws:iam:::root", "must be exactly 12 digits, got 0 characters"),
        ("arn:aws:iam::aws:user/bob", "must be exactly 12 digits, got 3 characters"),
        ("arn:aws:sts::aws:federated-user/bob", "must be exactly 12 digits, got 3 characters"),
        ("arn:aws:iam::123456789012:role/", "role name must be 1-64 characters"),
        ("arn:aws:iam::123456789012:user/", "user name must be 1-64 characters"),
        ("arn:aws:iam::123456789012:user/ops/", "user name must be 1-64 characters"),
        ("arn:aws:iam::123456789012:user/b*b", "user name may contain only"),
        ("arn:aws:iam::123456789012:user/" + "b" * 65, "user name must be 1-64 characters"),
        ("arn:aws:iam::123456789012:user//bob", "user path must be '/' or start and end"),
        ("arn:aws:sts::123456789012:assumed-role/R", _SESSION_SHAPE),
        ("not an arn", "must look like"),
    ],
)
def test_principal_kind_rejects_non_principals(arn: str, rule: str) -> None:
    """ARNs that do not name an IAM principal, or name one badly, are refused."""
    error = _raises(principal_kind, arn)
    assert "principal" == error.field
    assert error.rule.startswith(rule)


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


@given(arn=arns())
def test_arn_text_round_trips(arn: Arn) -> None:
    """For any ARN in any partition, parsing its text gives the same ARN."""
    assert arn == Arn.parse(str(arn))
    assert str(arn) == str(Arn.parse(str(arn)))


@given(role=role_arns())
def test_role_arn_text_round_trips(role: RoleArn) -> None:
    """For any role ARN, path included, parsing its text gives the same role ARN."""
    text = str(role)
    assert role == RoleArn.parse(text)
    assert f"arn:{role.partition}:iam::{role.account}:role{role.path}{role.name}" == text
    assert role.to_arn() == Arn.parse(text)
    assert "role" == Arn.parse(text).resource_type


@given(
    partition=partitions(),
    account=account_ids(),
    path=multi_segment_role_paths(),
    name=role_names(),
)
def test_role_arn_build_with_multi_segment_paths_round_trips(
    partition: str, account: str, path: str, name: str
) -> None:
    """For any multi-segment path, build() and parse() agree on every part."""
    role = RoleArn.build(account_id=account, role_name=name, path=path, partition=partition)
    assert (partition, account, path, name) == (role.partition, role.account, role.path, role.name)
    assert role == RoleArn.parse(str(role))


@given(session=assumed_role_arns())
def test_assumed_role_arn_maps_to_its_role(session: AssumedRoleArn) -> None:
    """For any assumed-role ARN, text round-trips and role_arn() is the same role at path '/'."""
    assert session == AssumedRoleArn.parse(str(session))
    role = session.role_arn()
    assert RoleArn(session.partition, session.account, "/", session.role_name) == role
    assert "assumed-role" == principal_kind(str(session))
    assert "role" == principal_kind(str(role))


@given(tags=tag_dicts())
def test_tag_dicts_become_tags_in_order(tags: dict[str, str]) -> None:
    """For any valid tag mapping, validate_tags keeps every pair in order, idempotently."""
    result = validate_tags(tags)
    assert tuple(Tag(key, value) for key, value in tags.items()) == result
    assert result == validate_tags(result)


@given(
    key=st.text(alphabet=string.ascii_letters, min_size=1, max_size=20),
    value=tag_values(),
)
def test_tag_keys_differing_in_case_are_refused(key: str, value: str) -> None:
    """For any key with letters, adding the same key in another case is refused."""
    other = key.swapcase()
    with pytest.raises(ValidationError, match="keys must be unique ignoring case"):
        validate_tags([Tag(key, value), Tag(other, value)])


@given(key=tag_keys(), value=tag_values())
def test_tags_accept_generated_keys_and_values(key: str, value: str) -> None:
    """For any valid key and value, Tag keeps both unchanged."""
    assert (key, value) == (Tag(key, value).key, Tag(key, value).value)


@given(nbytes=st.integers(max_value=15))
def test_new_external_id_refuses_fewer_than_16_bytes(nbytes: int) -> None:
    """For any byte count below 16, new_external_id raises ValidationError."""
    with pytest.raises(ValidationError, match="must be at least 16"):
        new_external_id(nbytes=nbytes)


@given(value=external_ids())
def test_external_id_strategy_matches_the_sts_pattern(value: str) -> None:
    """For any generated external ID, the STS pattern matches it whole and it validates."""
    assert re.fullmatch(r"[\w+=,.@:/-]{2,1224}", value, flags=re.ASCII) is not None
    assert value == validate_external_id(value)
