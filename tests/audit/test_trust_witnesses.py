"""Tests for xaccess.audit.trust's witness search: every caller a condition on the caller
admits, and every external ID a condition on sts:ExternalId lets through, replayed under
strict STS."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.audit.test_trust import allowed_without_external_id, replay
from tests.audit.vendor_policies import DATADOG_EXTERNAL_ID
from xaccess.audit import Severity, audit_trust_policy

if TYPE_CHECKING:
    from xaccess.testing import StrictSTS

VENDOR = {"AWS": "arn:aws:iam::111122223333:root"}
SCANNER = "arn:aws:iam::111122223333:role/Scanner"


def assume(principal: Any, condition: dict[str, Any], *deny: dict[str, Any]) -> dict[str, Any]:
    """A trust policy: one Allow of sts:AssumeRole, then a Deny for each given condition."""
    allow: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        allow["Condition"] = condition
    denials = [
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": c}
        for c in deny
    ]
    return {"Version": "2012-10-17", "Statement": [allow, *denials]}


# Caller pins the witness search used to skip (review finding 1): the pinned caller gets in.
LOOSE_PINS: list[dict[str, Any]] = [
    assume(VENDOR, {"ArnEqualsIfExists": {"aws:PrincipalArn": SCANNER}}),
    assume(VENDOR, {"ForAnyValue:ArnEquals": {"aws:PrincipalArn": SCANNER}}),
    assume("*", {"StringEqualsIfExists": {"aws:PrincipalAccount": "111122223333"}}),
    assume("*", {"ForAnyValue:StringEquals": {"aws:PrincipalAccount": "111122223333"}}),
    assume("*", {"StringLike": {"aws:PrincipalAccount": "1111*"}}),
    assume("*", {"ArnEqualsIfExists": {"aws:PrincipalArn": SCANNER}}),
    assume("*", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::1111????????:role/Scan*"}}),
]
# External-ID conditions that a value other than the customer's ID satisfies (finding 2),
# with the rule each is reported under.
BYPASSES: list[tuple[str, dict[str, Any]]] = [
    ("XA108", assume(VENDOR, {"NumericGreaterThan": {"sts:ExternalId": "0"}})),
    ("XA108", assume(VENDOR, {"NumericEquals": {"sts:ExternalId": "7"}})),
    ("XA108", assume(VENDOR, {"DateGreaterThan": {"sts:ExternalId": "2000-01-01T00:00:00Z"}})),
    ("XA108", assume(VENDOR, {"Bool": {"sts:ExternalId": "true"}})),
    ("XA108", assume(VENDOR, {"StringEqualsIgnoreCase": {"sts:ExternalId": DATADOG_EXTERNAL_ID}})),
    (
        "XA108",
        assume(
            VENDOR,
            {"StringEqualsIgnoreCase": {"sts:ExternalId": DATADOG_EXTERNAL_ID}},
            {"StringNotEqualsIgnoreCase": {"sts:ExternalId": DATADOG_EXTERNAL_ID}},
        ),
    ),
    ("XA108", assume(VENDOR, {"StringEquals": {"sts:ExternalId": "${sts:RoleSessionName}"}})),
    (
        "XA108",
        assume(
            VENDOR,
            {
                "StringEquals": {"sts:ExternalId": "vendor-${sts:RoleSessionName}"},
                "StringLike": {"sts:RoleSessionName": "scan-*"},
            },
        ),
    ),
    ("XA108", assume(VENDOR, {"StringEquals": {"sts:ExternalId": "${aws:username}"}})),
    ("XA104", assume(VENDOR, {}, {"StringNotLike": {"sts:ExternalId": "*"}})),
]


@pytest.mark.parametrize("policy", LOOSE_PINS)
def test_a_caller_pinned_under_ifexists_a_set_prefix_or_a_pattern_is_tried(
    policy: dict[str, Any],
) -> None:
    """IfExists, ForAnyValue and wildcard pins on the caller still admit it without an ID."""
    report = audit_trust_policy(policy)

    (finding,) = report.at_least(Severity.HIGH)
    assert ("XA101", 0) == (finding.code, finding.statement)
    assert allowed_without_external_id(finding, policy)


@pytest.mark.parametrize(("code", "policy"), BYPASSES)
def test_an_external_id_other_than_the_customers_is_high_with_a_witness(
    code: str, policy: dict[str, Any]
) -> None:
    """Numbers, dates, booleans, case variants and caller-chosen values get in: high."""
    report = audit_trust_policy(policy)

    (finding,) = report.at_least(Severity.HIGH)
    assert code == finding.code
    assert allowed_without_external_id(finding, policy)
    assert finding.witness is not None
    assert "sts:ExternalId" in finding.witness.context


def test_a_case_variant_witness_does_not_repeat_the_external_id() -> None:
    """An IgnoreCase bypass names the cause, not the ID, and its fix is StringEquals on it."""
    policy = assume(VENDOR, {"StringEqualsIgnoreCase": {"sts:ExternalId": DATADOG_EXTERNAL_ID}})

    (finding,) = audit_trust_policy(policy).findings

    assert "ignores case" in finding.message
    assert finding.fix is not None
    assert {"StringEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}} == finding.fix.to_dict()[
        "Condition"
    ]
    assert DATADOG_EXTERNAL_ID.swapcase() not in finding.message
    assert DATADOG_EXTERNAL_ID not in finding.message


def test_a_variable_the_caller_sets_is_matched_by_the_witness() -> None:
    """The witness sets the session name and sends the same value as external ID."""
    policy = assume(VENDOR, {"StringEquals": {"sts:ExternalId": "${sts:RoleSessionName}"}})

    (finding,) = audit_trust_policy(policy).findings

    assert finding.witness is not None
    context = finding.witness.context
    assert context["sts:ExternalId"] == context["sts:RoleSessionName"]


@pytest.mark.parametrize(
    "pin",
    [
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Scanner"}},
        {"StringLike": {"aws:PrincipalAccount": "1111*"}},
    ],
)
def test_a_wildcard_account_pin_with_the_external_id_admits_any_account(
    pin: dict[str, Any],
) -> None:
    """Principal '*' pinned to a pattern of accounts: any account with the ID gets in (XA109)."""
    policy = assume("*", {**pin, "StringEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}})

    report = audit_trust_policy(policy)

    assert ("XA109",) == report.codes()
    assert report.ok


def test_an_exact_account_pin_with_the_external_id_is_fine() -> None:
    """Principal '*' pinned to one account and the external ID: nothing to report."""
    pin = {"aws:PrincipalAccount": "111122223333", "sts:ExternalId": DATADOG_EXTERNAL_ID}

    assert () == audit_trust_policy(assume("*", {"StringEquals": pin})).codes()


def test_a_deny_pattern_on_the_external_id_is_a_pattern_finding() -> None:
    """An Allow gated only by a Deny's StringNotLike pattern is XA110 (any match gets in)."""
    policy = assume(VENDOR, {}, {"StringNotLike": {"sts:ExternalId": "8c5e*"}})

    report = audit_trust_policy(policy)

    assert ("XA110",) == report.codes()
    assert "'8c5e*'" in report.findings[0].message


def test_a_deny_matching_every_other_value_is_any_external_id_not_none() -> None:
    """Allow plus Deny StringNotLike '*': the witness sends a made-up ID, so XA104, not XA101."""
    policy = assume(VENDOR, {}, {"StringNotLike": {"sts:ExternalId": "*"}})

    (finding,) = audit_trust_policy(policy).findings

    assert "XA104" == finding.code
    assert "without any external ID" not in finding.message


@pytest.mark.parametrize(
    "policy", [*LOOSE_PINS, *(policy for _, policy in BYPASSES)], ids=lambda _: "policy"
)
def test_each_new_witness_assumes_the_role_under_strict_sts(
    policy: dict[str, Any], strict_sts: StrictSTS
) -> None:
    """Each witness of a loose caller pin or an external-ID bypass is let in by strict STS."""
    assert replay(policy) >= 1
    assert () == strict_sts.denied


_PIN_OPERATORS = st.sampled_from(
    ["StringEquals", "StringEqualsIfExists", "ForAnyValue:StringEquals", "StringLike"]
)


@given(
    account=st.text("0123456789", min_size=12, max_size=12),
    operator=_PIN_OPERATORS,
    wildcard=st.integers(0, 11),
)
def test_any_pin_of_the_callers_account_without_an_external_id_is_high(
    account: str, operator: str, wildcard: int
) -> None:
    """Principal '*' pinned to an account in any spelling, no external ID: high, allowed."""
    value = account[:wildcard] + "*" if operator == "StringLike" else account
    policy = assume("*", {operator: {"aws:PrincipalAccount": value}})

    (finding,) = audit_trust_policy(policy).at_least(Severity.HIGH)

    assert "XA101" == finding.code
    assert allowed_without_external_id(finding, policy)


@given(
    external_id=st.text("abcdefABCDEF0123456789", min_size=2, max_size=40).filter(
        lambda t: t.swapcase() != t
    )
)
def test_any_external_id_compared_ignoring_case_is_high(external_id: str) -> None:
    """StringEqualsIgnoreCase on any external ID with a letter: a case variant gets in."""
    policy = assume(VENDOR, {"StringEqualsIgnoreCase": {"sts:ExternalId": external_id}})

    (finding,) = audit_trust_policy(policy).at_least(Severity.HIGH)

    assert "XA108" == finding.code
    assert allowed_without_external_id(finding, policy)
