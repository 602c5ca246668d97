"""Tests for xaccess.identifiers.tags: tag keys and values, Tag and validate_tags."""

from __future__ import annotations

import string

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.identifiers.strategies import (
    tag_dicts,
    tag_keys,
    tag_values,
)
from tests.identifiers.support import (
    assert_time_bounded,
    raises,
)
from xaccess.errors import ValidationError
from xaccess.identifiers import (
    Tag,
    validate_tag_key,
    validate_tag_value,
    validate_tags,
)

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
    error = raises(validate_tag_key, key)
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
    error = raises(validate_tag_value, value)
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
    error = raises(validate_tags, {**fifty, "k50": "v"})
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
    error = raises(validate_tags, tags)
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
    error = raises(validate_tags, tags)
    assert (field, rule) == (error.field, error.rule)


def test_validate_tags_field_prefixes_positions() -> None:
    """The field keyword is used as the prefix of per-tag field names."""
    with pytest.raises(ValidationError) as excinfo:
        validate_tags({"ok": "", "aws:bad": ""}, field="session_tags")
    assert "session_tags[1].key" == excinfo.value.field


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


def test_validate_tags_refuses_too_many_tags_before_checking_each() -> None:
    """Over the limit is refused by count, in time independent of how many tags there are."""
    few = {f"k{i}": "\u0000" for i in range(100)}
    many = {f"k{i}": "\u0000" for i in range(100_000)}
    error = raises(validate_tags, many)
    assert "must have at most 50 tags, got 100000" == error.rule
    assert_time_bounded(lambda: validate_tags(few), lambda: validate_tags(many))
    endless = (Tag("k", "v") for _ in range(10**12))
    with pytest.raises(ValidationError, match="must have at most 50 tags, got more"):
        validate_tags(endless)
