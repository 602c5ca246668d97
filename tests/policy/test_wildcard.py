"""Tests for xaccess.policy._wildcard: IAM wildcard matching without backtracking."""

from __future__ import annotations

import time

import pytest

from tests.policy.evaluation_support import growth, request
from xaccess.policy import (
    PolicyDocument,
    Request,
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


def _question_mark_segment(pairs: int) -> PolicyDocument:
    """An identity policy whose Resource has a middle segment ``a?a?...a?b``."""
    pattern = "arn:aws:s3:::*" + "a?" * pairs + "b*"
    return PolicyDocument([Statement("Allow", actions="*", resources=pattern)])


def _long_resource(length: int) -> Request:
    """A request whose resource fits every ``a?`` pair of the segment but never its ``b``."""
    return request(resource="arn:aws:s3:::" + "a" * length)


def test_question_mark_segments_take_linear_time() -> None:
    """Doubling an a?a?...b segment and the resource at most about doubles evaluate()."""

    def run(pairs: int) -> None:
        document = _question_mark_segment(pairs)  # compiled afresh: building counts too
        assert not evaluate(_long_resource(4 * pairs), identity_policies=[document]).allowed

    assert growth(run, 400) < 2.5


def test_question_mark_segment_cases_agree_with_probing() -> None:
    """The bit-parallel search finds the same leftmost placement as probing each position."""
    cases = [
        ("*a?c*", "xxabcxx", True),
        ("*a?c?e*", "abcdabcde", True),
        ("*a?c?e*", "abcdabcdf", False),
        ("x*a??b*y", "xaabbbaxxby", True),
        ("x*a??b*b?y", "xa12bb3y", True),
        ("*ab?ab*", "abab" * 5, False),
        ("*ab?ab*", "ababxab", True),
        ("*é?ü*", "aéxüb", True),
    ]
    for pattern, value, expected in cases:
        assert compile_pattern(pattern).matches(value) is expected, (pattern, value)
