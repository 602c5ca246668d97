"""Condition values the evaluator cannot read (impossible zones, huge exponents) match nothing.

Each test names the IAM User Guide page whose rule it encodes.
"""

from __future__ import annotations

from typing import Any

import pytest

from xaccess.policy import ContextValue, Outcome, PolicyDocument, Request, evaluate
from xaccess.policy._conditions import parse_date, parse_number

BOB = "arn:aws:iam::111122223333:user/Bob"


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
