"""Tests for xaccess.policy._wildcard: IAM wildcard matching without backtracking."""

from __future__ import annotations

import time

import pytest

from tests.policy.evaluation_support import (
    request,
)
from xaccess.policy import (
    PolicyDocument,
    Statement,
    _wildcard,
    evaluate,
)
from xaccess.policy._wildcard import QMARK, STAR, compile_pattern, split_tokens, tokenize

# -- wildcards ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("", "", True),
        ("", "a", False),
        ("*", "", True),
        ("a*", "a", True),
        ("*a", "ba", True),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("*a?c*", "xxabdabcx", True),
        ("*a?c?e*", "abcabcxe", True),
        ("*a?c?e*", "abcabcxf", False),
        ("*a??c*", "a12a34c", True),
        ("*a?c*", "xxxx", False),
        ("*ab*?b?*", "xyzab12", False),
        ("*??*", "a", False),
        ("*??*", "ab", True),
        ("a*b*c", "abbbc", True),
        ("a*b*c", "acb", False),
        ("ab*ba", "aba", False),
        ("arn:aws:s3:::*", "arn:aws:s3:::b/k:x", True),
    ],
)
def test_wildcard_examples(pattern: str, value: str, expected: bool) -> None:
    """The matcher handles '*' and '?' anywhere, including overlapping ends."""
    assert expected == compile_pattern(pattern).matches(value)


def test_tokens_keep_substituted_text_literal() -> None:
    """Literal tokens never act as wildcards; split_tokens splits only literal text."""
    tokens = ("a", "", STAR, "*", QMARK)
    assert _wildcard.compile_tokens(tokens).matches("axyz*q")
    assert not _wildcard.compile_tokens(tokens).matches("axyzqq")
    assert ("a", STAR, ":b", QMARK) == tokenize("a*:b?")
    assert [("a",), (STAR,), ("b", QMARK, "c:d")] == split_tokens(
        ("a:", STAR, ":b", QMARK, "c:d"), ":", 2
    )


ADVERSARIAL = [
    ("a*a*a*a*a*a*a*a*a*b", "a" * 10_000, False),
    ("a*a*a*a*a*a*a*a*a*b", "a" * 10_000 + "b", True),
    ("*a*a*a*a*a*a*a*a*a*b*", "a" * 10_000, False),
    ("*a?a*a?a*a?a*a?a*b", "a" * 10_000, False),
    ("*?*?*?*?*?*?*?*?*?*b", "a" * 10_000, False),
    ("*" + "a*" * 200 + "b", "a" * 10_000, False),
    ("*" + "ab?" * 50 + "*", "ab" * 5_000, False),
    ("*aaaaaaaaaaaaaaaaaaab", "a" * 10_000, False),
    ("*" + "?" * 9_999 + "b", "a" * 10_000, False),
]


@pytest.mark.parametrize(("pattern", "value", "expected"), ADVERSARIAL)
def test_adversarial_patterns_are_fast(pattern: str, value: str, expected: bool) -> None:
    """Patterns that make backtracking matchers explode finish quickly and correctly."""
    started = time.perf_counter()
    for _ in range(10):
        assert expected == compile_pattern(pattern).matches(value)
    assert time.perf_counter() - started < 2.0


def test_adversarial_patterns_through_evaluate() -> None:
    """A hostile Resource pattern against a 10,000-character resource evaluates quickly."""
    hostile = "arn:aws:s3:::" + "a*" * 9 + "b"
    doc = PolicyDocument([Statement("Allow", actions="*", resources=hostile)])
    big = request(resource="arn:aws:s3:::" + "a" * 10_000)
    started = time.perf_counter()
    assert not evaluate(big, identity_policies=[doc]).allowed
    assert time.perf_counter() - started < 1.0
