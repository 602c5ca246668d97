"""Tests for xaccess.policy._conditions: operators, missing keys, variables, parsing helpers."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest

from tests.policy.evaluation_support import (
    ACCOUNT,
    BOB,
    SESSION,
    condition_holds,
    growth,
    request,
)
from xaccess.policy import (
    ContextValue,
    Outcome,
    PolicyDocument,
    Request,
    Statement,
    _conditions,
    evaluate,
)
from xaccess.policy._conditions import parse_bool, parse_date, parse_number

# -- conditions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "values", "context_value", "expected"),
    [
        ("StringEqualsIgnoreCase", "ABC", "abc", True),
        ("StringNotEqualsIgnoreCase", "ABC", "abc", False),
        ("StringNotLike", "a*", "bcd", True),
        ("StringEquals", "true", True, True),
        ("StringEquals", 10, "10", True),
        ("StringEquals", "*", "anything", False),
        ("NumericEquals", "0.10", 0.1, True),
        ("NumericNotEquals", "5", "5", False),
        ("NumericLessThan", ["5", "10"], "7", True),
        ("NumericGreaterThan", "5", "5", False),
        ("NumericGreaterThanEquals", "5", "5.0", True),
        ("NumericEquals", "ten", "10", False),
        ("NumericEquals", "10", "ten", False),
        ("NumericEquals", "10", True, False),
        ("NumericEquals", True, "1", False),
        ("NumericLessThanEquals", "1e3", "999.5", True),
        ("DateEquals", "2020-01-01T00:00:00Z", 1577836800, True),
        ("DateEquals", "2020-01-01", "2020-01-01T01:00:00+01:00", True),
        ("DateNotEquals", "2020-01-01", "2020-01-02", True),
        ("DateLessThan", "2020-01-01T10:30:00-0130", "2020-01-01T11:59:59Z", True),
        ("DateLessThanEquals", "1577836800", "2020-01-01T00:00:00.000Z", True),
        ("DateGreaterThanEquals", "2020-06", "2020-06-01T00:00:00Z", True),
        ("DateEquals", "2020-01-01T10Z", "2020-01-01T10:00:00Z", True),
        ("DateEquals", "2020-01-01", "2020-02-30", False),
        ("DateEquals", "2020-01-01", "not a date", False),
        ("DateEquals", "2020-01-01", True, False),
        ("Bool", True, "TRUE", True),
        ("Bool", "false", "no", False),
        ("Bool", "maybe", "true", False),
        ("BinaryEquals", "QUJD", "QUJD", True),
        ("BinaryEquals", "QUJD", "not base64!", False),
        ("BinaryEquals", "not base64!", "QUJD", False),
        ("BinaryEquals", "QUJD", 5, False),
        ("IpAddress", "10.0.0.1", "10.0.0.1", True),
        ("IpAddress", "10.0.0.0/8", "::1", False),
        ("IpAddress", "not-a-network", "10.0.0.1", False),
        ("IpAddress", "10.0.0.0/8", "not-an-address", False),
        ("IpAddress", "10.0.0.0/8", 10, False),
        ("IpAddress", 10, "10.0.0.1", False),
        ("NotIpAddress", "10.0.0.0/8", "192.0.2.1", True),
        ("ArnLike", "*", "arn:aws:s3:::b", True),
        ("ArnLike", "arn:aws:s3:::*", "not-an-arn", False),
        ("ArnNotLike", "arn:aws:iam::*:role/*", f"arn:aws:iam::{ACCOUNT}:role/x", False),
        ("ArnNotEquals", "arn:aws:iam::*:role/*", f"arn:aws:iam::{ACCOUNT}:user/x", True),
        ("ArnEquals", "arn:aws:iam::1?11*:role/x", f"arn:aws:iam::{ACCOUNT}:role/x", True),
    ],
)
def test_operator(operator: str, values: Any, context_value: ContextValue, expected: bool) -> None:
    """Each operator compares typed values as IAM does."""
    assert expected == condition_holds(operator, "aws:k", values, {"aws:k": context_value})


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", False),
        ("StringNotEquals", True),
        ("StringEqualsIfExists", True),
        ("StringNotEqualsIfExists", True),
        ("ForAllValues:StringEquals", True),
        ("ForAnyValue:StringEquals", False),
        ("ForAnyValue:StringNotEquals", False),
        ("ForAllValues:StringNotEquals", True),
        ("ForAnyValue:StringEqualsIfExists", True),
        ("NumericLessThan", False),
        ("DateNotEquals", True),
        ("ArnNotLike", True),
        ("NotIpAddress", True),
        ("IpAddress", False),
        ("Bool", False),
    ],
)
def test_missing_key(operator: str, expected: bool) -> None:
    """A missing key: false, except negated, IfExists and ForAllValues operators."""
    assert expected == condition_holds(operator, "aws:absent", "1")


@pytest.mark.parametrize(
    ("operator", "context_value", "expected"),
    [
        ("StringEquals", ["x", "a"], True),
        ("StringEquals", ["x", "y"], False),
        ("StringNotEquals", ["x", "a"], False),
        ("StringNotEquals", ["x", "y"], True),
        ("StringEquals", [], False),
        ("StringNotEquals", [], True),
        ("ForAllValues:StringNotEquals", ["x", "y"], True),
        ("ForAllValues:StringNotEquals", ["x", "a"], False),
        ("ForAnyValue:StringNotEquals", ["a", "b"], False),
        ("ForAnyValue:StringNotEquals", ["a", "x"], True),
        ("ForAnyValue:StringEquals", "", False),
        ("ForAllValues:StringEquals", [""], True),
    ],
)
def test_multivalued_keys(operator: str, context_value: ContextValue, expected: bool) -> None:
    """Plain operators on multivalued keys match any value; set operators follow the docs."""
    assert expected == condition_holds(
        operator, "aws:TagKeys", ["a", "b"], {"aws:TagKeys": context_value}
    )


@pytest.mark.parametrize(
    ("values", "context", "expected"),
    [
        ("true", {}, True),
        ("true", {"aws:k": []}, True),
        ("true", {"aws:k": ""}, False),
        (False, {"aws:k": "v"}, True),
        ("false", {}, False),
        (["true", "false"], {}, True),
        ("maybe", {}, False),
    ],
)
def test_null(values: Any, context: dict[str, ContextValue], expected: bool) -> None:
    """Null true means absent (or an empty list), false means present."""
    assert expected == condition_holds("Null", "aws:k", values, context)


@pytest.mark.parametrize(
    ("operator", "value", "context", "expected"),
    [
        ("StringEquals", "${aws:username}", {}, True),
        ("StringEquals", "${aws:username}", {"aws:username": "Eve"}, False),
        ("StringEqualsIgnoreCase", "${AWS:UserName}", {}, True),
        ("StringEquals", "${aws:nothing}", {}, False),
        ("StringNotEquals", "${aws:nothing}", {}, True),
        ("StringEquals", "${aws:nothing, 'Bob'}", {}, True),
        ("StringEquals", "${aws:nothing,'Bob'}", {}, True),
        ("StringEquals", "${$}{aws:username}", {"aws:k": "${aws:username}"}, True),
        ("StringEquals", "${ }", {"aws:k": "${ }"}, True),
        ("StringEquals", "${aws:username", {"aws:k": "${aws:username"}, True),
        ("StringEquals", "${aws:multi}", {"aws:multi": ["Bob"]}, False),
        ("StringLike", "B${?}b", {"aws:k": "B?b"}, True),
        ("StringLike", "B${?}b", {"aws:k": "Bob"}, False),
        ("StringLike", "${aws:nothing}*", {}, False),
        ("StringLike", "${aws:username}*", {"aws:username": "B*"}, False),
        ("ArnEquals", "${aws:PrincipalArn}", {"aws:k": BOB}, True),
        ("ArnLike", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}", {"aws:k": BOB}, True),
        ("ArnLike", "${aws:nothing}", {"aws:k": BOB}, False),
        ("Bool", "${aws:flag}", {"aws:flag": True, "aws:k": "true"}, True),
        ("Bool", "${aws:nothing}", {"aws:k": "true"}, False),
        ("NumericEquals", "${aws:n}", {"aws:n": "1", "aws:k": "1"}, False),
    ],
)
def test_policy_variables_in_conditions(
    operator: str, value: str, context: dict[str, ContextValue], expected: bool
) -> None:
    """Variables resolve from the context (keys ignore case); substitutions are literal."""
    full = {"aws:k": "Bob", **context}
    assert expected == condition_holds(operator, "aws:k", value, full)


def test_variables_need_version_2012() -> None:
    """Under 2008-10-17 (or no Version) a variable is plain text."""
    literal = {"aws:k": "${aws:username}"}
    assert condition_holds(
        "StringEquals", "aws:k", "${aws:username}", literal, version="2008-10-17"
    )
    assert not condition_holds(
        "StringEquals", "aws:k", "${aws:username}", {"aws:k": "Bob"}, version=None
    )


def test_resource_variables() -> None:
    """Variables in Resource resolve only after the fifth colon."""
    in_resource = Statement("Allow", actions="*", resources="arn:aws:s3:::home/${aws:username}/*")
    doc = PolicyDocument([in_resource])
    assert evaluate(request(resource="arn:aws:s3:::home/Bob/a"), identity_policies=[doc]).allowed
    role = request(SESSION, resource="arn:aws:s3:::home/Bob/a")
    assert not evaluate(role, identity_policies=[doc]).allowed
    not_home = PolicyDocument(
        [Statement("Allow", actions="*", not_resources="arn:aws:s3:::home/${aws:username}/*")]
    )
    assert not evaluate(
        request(resource="arn:aws:s3:::home/Bob/a"), identity_policies=[not_home]
    ).allowed
    assert evaluate(role, identity_policies=[not_home]).allowed


def test_statement_without_resource_applies_to_any_resource() -> None:
    """A statement with no Resource element (as in trust policies) matches any resource."""
    doc = PolicyDocument([Statement("Allow", actions="s3:*")])
    assert evaluate(request(resource="arn:aws:s3:::b/k"), identity_policies=[doc]).allowed


# -- parsing helpers ---------------------------------------------------------------


def test_parse_helpers() -> None:
    """Numbers, dates and booleans parse from every accepted form, else None."""
    assert Decimal("0.5") == parse_number(".5")
    assert Decimal(1000) == parse_number("1e3")
    assert parse_number("1_000") is None
    assert parse_number(True) is None
    assert Decimal("2.5") == parse_number(2.5)
    assert parse_number(float("inf")) is None
    assert Decimal(0) == parse_date("1970-01-01T00:00:00Z")
    assert Decimal(3600) == parse_date("1970-01-01T00:00:00-01:00")
    assert Decimal("0.25") == parse_date("1970-01-01T00:00:00.25Z")
    assert Decimal(5) == parse_date(5)
    assert parse_date("1970-13-01") is None
    assert parse_date(False) is None
    assert parse_bool("TrUe") is True
    assert parse_bool(1) is None


def test_condition_rejects_unknown_operator() -> None:
    """The compiler refuses an operator it does not know."""
    with pytest.raises(ValueError, match="unknown condition operator"):
        _conditions._matcher_for("StringRegex", ("x",), variables=False)


# -- condition values that cannot be read as the operator's type ---------------------


def _conditional(operator: str, key: str, value: Any) -> PolicyDocument:
    """An identity policy that allows s3:GetObject under one condition."""
    return PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {operator: {key: value}},
                }
            ],
        }
    )


def _outcome(policy: PolicyDocument, context: dict[str, ContextValue]) -> Outcome:
    request = Request(principal=BOB, action="s3:GetObject", resource="*", context=context)
    return evaluate(request, identity_policies=[policy]).outcome


# IAM JSON policy elements: Condition operators (Date condition operators): values are
# W3C ISO 8601 dates, whose zone offset is hh:mm with hh < 24 and mm < 60. A value
# outside that cannot be read as a date and so matches nothing; it must not raise.
@pytest.mark.parametrize("text", ["2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00-23:60"])
def test_date_with_out_of_range_zone_is_not_a_date(text: str) -> None:
    """A zone offset of 24 hours or more, or 60 minutes, makes the value unreadable."""
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("policy_value", "context_value"),
    [
        ("2027-01-01T00:00:00Z", "2026-01-01T00:00:00+24:00"),
        ("2027-01-01T00:00:00+99:00", "2026-01-01T00:00:00Z"),
    ],
)
def test_date_condition_with_bad_zone_matches_nothing(
    policy_value: str, context_value: str
) -> None:
    """DateLessThan with an unreadable date on either side is false, not an error."""
    policy = _conditional("DateLessThan", "aws:CurrentTime", policy_value)
    assert Outcome.IMPLICIT_DENY == _outcome(policy, {"aws:CurrentTime": context_value})


def test_date_not_equals_with_bad_zone_in_request_is_true() -> None:
    """DateNotEquals is true when the request's value cannot be read as a date."""
    policy = _conditional("DateNotEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z")
    context: dict[str, ContextValue] = {"aws:CurrentTime": "2026-01-01T00:00:00+24:00"}
    assert Outcome.ALLOW == _outcome(policy, context)


# IAM JSON policy elements: Condition operators (Numeric condition operators): values are
# integers or decimals; the evaluator documents that an unreadable value matches nothing.
@pytest.mark.parametrize("text", ["1e999999999999999999999", "1e-999999999999999999999"])
def test_number_beyond_decimal_range_is_not_a_number(text: str) -> None:
    """An exponent that Decimal cannot hold makes the value unreadable instead of raising."""
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("policy_value", "context_value", "expected"),
    [
        ("10", "1e999999999999999999999", Outcome.IMPLICIT_DENY),
        ("1e999999999999999999999", "5", Outcome.IMPLICIT_DENY),
        ("1e-999999999999999999999", "5", Outcome.IMPLICIT_DENY),
    ],
)
def test_numeric_condition_with_huge_exponent_matches_nothing(
    policy_value: str, context_value: str, expected: Outcome
) -> None:
    """NumericLessThan with an out-of-range number on either side is false, not an error."""
    policy = _conditional("NumericLessThan", "s3:max-keys", policy_value)
    assert expected == _outcome(policy, {"s3:max-keys": context_value})


def test_numeric_not_equals_with_huge_exponent_in_request_is_true() -> None:
    """NumericNotEquals is true when the request's value cannot be read as a number."""
    policy = _conditional("NumericNotEquals", "s3:max-keys", "10")
    assert Outcome.ALLOW == _outcome(policy, {"s3:max-keys": "1e999999999999999999999"})


def test_unclosed_variables_take_linear_time() -> None:
    """Doubling a Resource of unclosed ``${`` at most about doubles evaluate()."""

    fresh = itertools.count()  # a new pattern each time: templates are cached by their text

    def run(count: int) -> None:
        pattern = f"arn:aws:s3:::bucket{next(fresh)}/${{aws:username}}/" + "${" * count
        document = PolicyDocument([Statement("Allow", actions="*", resources=pattern)])
        assert not evaluate(
            request(resource="arn:aws:s3:::bucket/Bob"), identity_policies=[document]
        ).allowed

    assert growth(run, 20_000) < 2.5


def test_unclosed_variable_is_literal_text() -> None:
    """A ``${`` that no ``}`` closes is literal policy text."""
    assert condition_holds("StringEquals", "aws:k", "x${y", {"aws:k": "x${y"})
