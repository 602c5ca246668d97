"""Tests for xaccess.identifiers.external_ids: checking and generating external IDs."""

from __future__ import annotations

import re
import secrets
import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.identifiers.strategies import (
    EXTERNAL_ID_ALPHABET,
    external_ids,
)
from tests.identifiers.support import (
    raises,
)
from xaccess.errors import ValidationError
from xaccess.identifiers import (
    new_external_id,
    validate_external_id,
)

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
    error = raises(validate_external_id, value)
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
