"""Tests for xaccess.policy.evaluation: the request, the decision, principals, conditions."""

from __future__ import annotations

import gc
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from xaccess.errors import ValidationError
from xaccess.policy import (
    Condition,
    ContextValue,
    Decision,
    Outcome,
    PolicyDocument,
    Principal,
    Request,
    Statement,
    StatementRef,
    _conditions,
    _wildcard,
    evaluate,
    evaluation,
)
from xaccess.policy._conditions import parse_bool, parse_date, parse_number
from xaccess.policy._wildcard import QMARK, STAR, compile_pattern, split_tokens, tokenize

if TYPE_CHECKING:
    from collections.abc import Mapping

ACCOUNT = "111122223333"
OTHER = "444455556666"
BOB = f"arn:aws:iam::{ACCOUNT}:user/Bob"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Scanner"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Scanner/nightly"
TARGET = f"arn:aws:iam::{OTHER}:role/Target"
ALLOW_ALL = PolicyDocument([Statement("Allow", actions="*", resources="*")])
EC2_ONLY = PolicyDocument([Statement("Allow", actions="ec2:*", resources="*")])


def request(
    principal: str = BOB,
    action: str = "s3:GetObject",
    resource: str = "*",
    context: Mapping[str, ContextValue] | None = None,
    **kw: Any,
) -> Request:
    """A request with defaults for the fields a test does not care about."""
    return Request(
        principal=principal, action=action, resource=resource, context=context or {}, **kw
    )


def condition_holds(
    operator: str,
    key: str,
    values: Any,
    context: Mapping[str, ContextValue] | None = None,
    *,
    version: str | None = "2012-10-17",
    principal: str = BOB,
) -> bool:
    """Whether an identity-policy Allow with this one condition allows the request."""
    statement = Statement(
        "Allow", actions="*", resources="*", conditions=[Condition(operator, key, values)]
    )
    document = PolicyDocument([statement], version=version)
    req = request(principal, context=context)
    if not req.principal.startswith("arn:"):
        # Callers without an IAM identity are judged by resource policies only.
        public = attrs.evolve(statement, principal=Principal(everyone=True))
        return evaluate(req, resource_policy=PolicyDocument([public], version=version)).allowed
    return evaluate(req, identity_policies=[document], session_policies=[document]).allowed


def trust(principal: Principal, **kw: Any) -> PolicyDocument:
    """A one-statement trust policy."""
    return PolicyDocument([Statement("Allow", actions="sts:AssumeRole", principal=principal, **kw)])


# -- the public values -------------------------------------------------------------


def test_outcome_values() -> None:
    """Outcome values are the strings the API promises."""
    assert ["allow", "implicit_deny", "explicit_deny"] == [o.value for o in Outcome]
    assert Outcome.ALLOW is Outcome("allow")


def test_decision_allowed_and_str() -> None:
    """Decision.allowed follows the outcome and str() lists the reasons."""
    ref = StatementRef("identity[0]", 2, "Reports", "Deny")
    decision = Decision(Outcome.EXPLICIT_DENY, (ref,), ("one", "two"))
    assert not decision.allowed
    assert Decision(Outcome.ALLOW).allowed
    assert "explicit_deny: one; two" == str(decision)
    assert "identity[0] statement 2 (Reports)" == str(ref)
    assert "resource statement 0" == str(StatementRef("resource", 0, None, "Allow"))


def test_explicit_deny_names_every_deny() -> None:
    """An explicit deny lists each Deny statement that applies, from every policy."""
    deny = PolicyDocument([Statement("Deny", actions="s3:*", resources="*", sid="NoS3")])
    decision = evaluate(request(), identity_policies=[ALLOW_ALL, deny], scps=[deny])
    assert (
        StatementRef("identity[1]", 0, "NoS3", "Deny"),
        StatementRef("scp[0]", 0, "NoS3", "Deny"),
    ) == decision.matched
    assert "explicit_deny: explicitly denied by identity[1] statement 0 (NoS3), " in str(decision)


def test_allow_lists_the_deciding_statements() -> None:
    """An allow names the statements of every layer that was needed."""
    decision = evaluate(
        request(SESSION),
        identity_policies=[ALLOW_ALL],
        permissions_boundary=ALLOW_ALL,
        session_policies=[ALLOW_ALL],
        scps=[ALLOW_ALL],
    )
    assert ["identity[0]", "boundary", "session[0]", "scp[0]"] == [
        r.policy for r in decision.matched
    ]
    assert str(decision).startswith("allow: the identity policies allow it (identity[0]")


@pytest.mark.parametrize(
    ("policies", "reason"),
    [
        ({"resource_policy": trust(Principal.of_aws(ACCOUNT))}, "no statement in the trust policy"),
        ({"resource_policy": trust(Principal.of_aws(OTHER))}, "the identity policies do not allow"),
        ({}, "cross-account: no trust policy was given"),
    ],
)
def test_trust_reasons(policies: dict[str, Any], reason: str) -> None:
    """Implicit denies of an AssumeRole explain which side is missing."""
    decision = evaluate(
        request(f"arn:aws:iam::{OTHER}:user/u", "sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/R"),
        **policies,
    )
    assert Outcome.IMPLICIT_DENY == decision.outcome
    assert reason in str(decision)


def test_boundary_reason() -> None:
    """A boundary that does not allow the request is named in the explanation."""
    boundary = PolicyDocument([Statement("Allow", actions="ec2:*", resources="*")])
    decision = evaluate(request(), identity_policies=[ALLOW_ALL], permissions_boundary=boundary)
    assert "implicit_deny: the permissions boundary does not allow it" in str(decision)


def test_same_account_reasons() -> None:
    """Same-account denials say that neither side allows, or that nothing does."""
    bucket = PolicyDocument(
        [Statement("Allow", actions="s3:*", resources="*", principal=Principal.of_aws(OTHER))]
    )
    assert "neither the identity policies nor the resource policy allow it" in str(
        evaluate(request(), resource_policy=bucket)
    )
    assert "no identity policy allows it" in str(evaluate(request()))
    assert "no session policy allows it" in str(
        evaluate(request(SESSION), identity_policies=[ALLOW_ALL], session_policies=[EC2_ONLY])
    )


def test_same_account_direct_grant_reason() -> None:
    """An allow by a resource policy naming the caller says no identity policy is needed."""
    bucket = PolicyDocument(
        [Statement("Allow", actions="s3:*", resources="*", principal=Principal.of_aws(ROLE))]
    )
    decision = evaluate(request(SESSION), resource_policy=bucket)
    assert "names the principal's role, no identity policy is needed" in str(decision)


# -- the request -------------------------------------------------------------------


def test_request_is_keyword_only() -> None:
    """Request takes keyword arguments only."""
    with pytest.raises(TypeError):
        Request(BOB, "s3:GetObject", "*")  # type: ignore[call-arg]


def test_request_derives_resource_account() -> None:
    """The resource account comes from the ARN unless given or absent."""
    assert OTHER == request(resource=TARGET).resource_account
    assert request(resource="arn:aws:s3:::bucket/key").resource_account is None
    assert request(resource="*").resource_account is None
    assert OTHER == request(resource="arn:aws:s3:::b", resource_account=OTHER).resource_account


def test_request_is_hashable_and_compared_by_value() -> None:
    """Equal requests are equal and hash alike; the context is immutable."""
    one = request(context={"aws:TagKeys": ["a", "b"], "sts:ExternalId": "x"})
    two = request(context={"aws:TagKeys": ("a", "b"), "sts:ExternalId": "x"})
    assert one == two
    assert hash(one) == hash(two)
    assert ("a", "b") == one.context["aws:TagKeys"]
    assert one == request(context={"aws:TagKeys": {"b", "a"}, "sts:ExternalId": "x"})  # type: ignore[dict-item]
    assert {"aws:TagKeys": ("a", "b"), "sts:ExternalId": "x"} == one.context
    assert one.context != object()
    assert 2 == len(one.context)
    assert "{'aws:TagKeys': ('a', 'b'), 'sts:ExternalId': 'x'}" == repr(one.context)
    with pytest.raises(TypeError):
        one.context["x:y"] = "z"  # type: ignore[index]
    assert (
        one.context
        is Request(principal=BOB, action="s3:GetObject", resource="*", context=one.context).context
    )


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("principal", {"principal": "123456789012"}),
        ("principal", {"principal": "not a principal"}),
        ("principal", {"principal": 42}),
        ("principal", {"principal": "arn:aws:s3:::bucket"}),
        ("action", {"action": "s3"}),
        ("action", {"action": "s3:Get*"}),
        ("resource", {"resource": "bucket"}),
        ("resource_account", {"resource_account": "12345"}),
        ("context", {"context": ["sts:ExternalId"]}),
        ("context", {"context": {"ExternalId": "x"}}),
        ("context['aws:a']", {"context": {"aws:A": "x", "aws:a": "y"}}),
        ("context['aws:a']", {"context": {"aws:a": None}}),
        ("context['aws:a']", {"context": {"aws:a": [1, 2]}}),
        ("context['aws:a']", {"context": {"aws:a": {1, "x"}}}),
        ("context['aws:a']", {"context": {"aws:a": float("nan")}}),
        ("context['aws:a']", {"context": {"aws:a": b"bytes"}}),
    ],
)
def test_request_rejects_bad_fields(field: str, kw: dict[str, Any]) -> None:
    """Malformed request fields raise ValidationError naming the field."""
    args: dict[str, Any] = {"principal": BOB, "action": "s3:GetObject", "resource": "*"}
    args.update(kw)
    with pytest.raises(ValidationError) as info:
        Request(**args)
    assert field == info.value.field


def test_evaluate_rejects_non_documents() -> None:
    """Policy arguments must be PolicyDocument objects."""
    with pytest.raises(ValidationError, match=r"identity_policies\[1\]"):
        evaluate(request(), identity_policies=[ALLOW_ALL, {"Statement": []}])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="resource_policy"):
        evaluate(request(), resource_policy=ALLOW_ALL.to_dict())  # type: ignore[arg-type]


# -- principals --------------------------------------------------------------------


def test_derived_context_keys() -> None:
    """aws:PrincipalArn of a session is its role; given context keys win."""
    arn_is = Condition("StringEquals", "aws:PrincipalArn", ROLE)
    doc = PolicyDocument([Statement("Allow", actions="*", resources="*", conditions=[arn_is])])
    assert evaluate(request(SESSION), identity_policies=[doc]).allowed
    override = request(SESSION, context={"AWS:PrincipalARN": f"arn:aws:iam::{ACCOUNT}:role/x/Y"})
    assert not evaluate(override, identity_policies=[doc]).allowed
    for principal, key, value in (
        (SESSION, "aws:PrincipalType", "AssumedRole"),
        (ROLE, "aws:PrincipalType", "AssumedRole"),
        (BOB, "aws:PrincipalType", "User"),
        (BOB, "aws:username", "Bob"),
        (f"arn:aws:iam::{ACCOUNT}:root", "aws:PrincipalType", "Account"),
        (f"arn:aws:iam::{ACCOUNT}:root", "aws:userid", ACCOUNT),
        (f"arn:aws:sts::{ACCOUNT}:federated-user/Ann", "aws:PrincipalType", "FederatedUser"),
        (BOB, "aws:PrincipalAccount", ACCOUNT),
    ):
        assert condition_holds("StringEquals", key, value, principal=principal), (principal, key)
    assert condition_holds("StringEquals", "aws:ResourceAccount", OTHER, principal=BOB) is False


def test_root_user() -> None:
    """The root user needs no identity policy but cannot assume a role."""
    root = f"arn:aws:iam::{ACCOUNT}:root"
    assert evaluate(request(root)).allowed
    assume = request(root, "sts:AssumeRole", TARGET)
    decision = evaluate(assume, resource_policy=trust(Principal.of_aws(ACCOUNT)))
    assert Outcome.IMPLICIT_DENY == decision.outcome
    assert "the account root user cannot assume a role" in str(decision)
    bucket = PolicyDocument(
        [Statement("Allow", actions="s3:*", resources="*", principal=Principal.of_aws(ACCOUNT))]
    )
    other_bucket = request(root, resource="arn:aws:s3:::b/k", resource_account=OTHER)
    assert "root user needs no identity policy" in str(
        evaluate(other_bucket, resource_policy=bucket)
    )


@pytest.mark.parametrize(
    ("principal", "entry_field", "entry"),
    [
        ("ec2.amazonaws.com", "service", "EC2.amazonaws.com"),
        ("accounts.google.com", "federated", "accounts.google.com"),
        (f"arn:aws:iam::{ACCOUNT}:oidc-provider/example.com", "federated", None),
        (
            "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
            "canonical_user",
            None,
        ),
    ],
)
def test_non_iam_principals(principal: str, entry_field: str, entry: str | None) -> None:
    """Services, identity providers and canonical users are matched by name."""
    named_kw: dict[str, Any] = {entry_field: entry or principal}
    other_kw: dict[str, Any] = {entry_field: "someone.else.example"}
    named, other = Principal(**named_kw), Principal(**other_kw)
    req = request(principal, "sts:AssumeRole", TARGET)
    assert evaluate(req, resource_policy=trust(named)).allowed
    assert not evaluate(req, resource_policy=trust(other)).allowed
    assert not evaluate(req, resource_policy=trust(Principal.of_aws(ACCOUNT))).allowed
    deny_others = Statement("Deny", actions="*", not_principal=named)
    allowed = evaluate(req, resource_policy=PolicyDocument([*trust(named), deny_others]))
    assert allowed.allowed
    denied = evaluate(
        req,
        resource_policy=PolicyDocument(
            [*trust(named), Statement("Deny", actions="*", not_principal=other)]
        ),
    )
    assert Outcome.EXPLICIT_DENY == denied.outcome


def test_service_principal_context() -> None:
    """A service principal sets aws:PrincipalIsAWSService and aws:PrincipalServiceName."""
    assert condition_holds("Bool", "aws:PrincipalIsAWSService", True, principal="ec2.amazonaws.com")
    assert condition_holds("Bool", "aws:PrincipalIsAWSService", False, principal=BOB)
    assert condition_holds(
        "StringEquals",
        "aws:PrincipalServiceName",
        "ec2.amazonaws.com",
        principal="ec2.amazonaws.com",
    )


def test_anonymous_principal() -> None:
    """Anonymous callers match only '*' and are never exempted by NotPrincipal."""
    anonymous = request("*", resource="arn:aws:s3:::pub/k")
    public = Statement(
        "Allow", actions="s3:GetObject", resources="*", principal=Principal(everyone=True)
    )
    assert evaluate(anonymous, resource_policy=PolicyDocument([public])).allowed
    named = Statement(
        "Allow", actions="s3:GetObject", resources="*", principal=Principal.of_aws(ACCOUNT)
    )
    assert not evaluate(anonymous, resource_policy=PolicyDocument([named])).allowed
    deny = Statement("Deny", actions="*", resources="*", not_principal=Principal.of_aws(ACCOUNT))
    assert (
        Outcome.EXPLICIT_DENY
        == evaluate(anonymous, resource_policy=PolicyDocument([public, deny])).outcome
    )
    assert condition_holds("StringEquals", "aws:userid", "anonymous", principal="anonymous")


def test_role_paths_are_ignored_for_sessions() -> None:
    """A role ARN with a path matches sessions and role ARNs of the same name."""
    with_path = trust(Principal.of_aws(f"arn:aws:iam::{ACCOUNT}:role/team/a/Scanner"))
    assert evaluate(
        request(SESSION, "sts:AssumeRole", TARGET),
        resource_policy=with_path,
        identity_policies=[ALLOW_ALL],
    ).allowed
    caller_with_path = request(f"arn:aws:iam::{ACCOUNT}:role/x/Scanner", "sts:AssumeRole", TARGET)
    assert evaluate(
        caller_with_path,
        resource_policy=trust(Principal.of_aws(ROLE)),
        identity_policies=[ALLOW_ALL],
    ).allowed
    other_account = trust(Principal.of_aws(f"arn:aws:iam::{OTHER}:role/Scanner"))
    assert not evaluate(
        request(SESSION, "sts:AssumeRole", TARGET),
        resource_policy=other_account,
        identity_policies=[ALLOW_ALL],
    ).allowed


def test_partial_wildcards_in_principals_are_refused() -> None:
    """A principal ARN with '*' inside cannot be built (AWS does not allow it)."""
    with pytest.raises(ValidationError, match="without wildcards"):
        trust(Principal.of_aws(f"arn:aws:iam::{ACCOUNT}:role/*"))


def test_resource_statement_without_principal_matches_nobody() -> None:
    """A resource-policy statement needs a principal to apply; other policies ignore it."""
    no_principal = PolicyDocument([Statement("Allow", actions="*", resources="*")])
    assert not evaluate(
        request(resource="arn:aws:s3:::b/k", resource_account=OTHER),
        identity_policies=[ALLOW_ALL],
        resource_policy=no_principal,
    ).allowed
    with_principal = PolicyDocument(
        [Statement("Allow", actions="*", resources="*", principal=Principal.of_aws(OTHER))]
    )
    assert evaluate(request(), identity_policies=[with_principal]).allowed


def test_not_principal_allow_applies_to_everyone_else() -> None:
    """NotPrincipal with Allow grants everyone not listed, directly."""
    others = PolicyDocument(
        [Statement("Allow", actions="*", resources="*", not_principal=Principal.of_aws(OTHER))]
    )
    assert evaluate(
        request(),
        resource_policy=others,
        permissions_boundary=PolicyDocument([Statement("Allow", actions="ec2:*", resources="*")]),
    ).allowed
    everyone = PolicyDocument(
        [Statement("Allow", actions="*", resources="*", not_principal=Principal(everyone=True))]
    )
    assert not evaluate(
        request(resource="arn:aws:s3:::b/k", resource_account=OTHER),
        identity_policies=[ALLOW_ALL],
        resource_policy=everyone,
    ).allowed


def test_not_principal_role_needs_role_listed() -> None:
    """A session is exempt only when its role, its session and its account are listed."""
    listed = [SESSION, ACCOUNT]
    deny = Statement("Deny", actions="*", resources="*", not_principal=Principal.of_aws(*listed))
    decision = evaluate(
        request(SESSION), identity_policies=[ALLOW_ALL], resource_policy=PolicyDocument([deny])
    )
    assert Outcome.EXPLICIT_DENY == decision.outcome
    role_caller = request(ROLE)
    exempt = Statement(
        "Deny", actions="*", resources="*", not_principal=Principal.of_aws(ROLE, ACCOUNT)
    )
    assert evaluate(
        role_caller, identity_policies=[ALLOW_ALL], resource_policy=PolicyDocument([exempt])
    ).allowed
    root = request(f"arn:aws:iam::{ACCOUNT}:root")
    assert evaluate(root, resource_policy=PolicyDocument([exempt])).allowed


def test_kms_key_policy_delegates_to_identity_policies() -> None:
    """A key policy naming only the account needs an identity-policy allow too."""
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    key_policy = PolicyDocument(
        [
            Statement(
                "Allow",
                actions="kms:*",
                resources="*",
                principal=Principal.of_aws(f"arn:aws:iam::{ACCOUNT}:root"),
            )
        ]
    )
    decision = evaluate(request(action="kms:Decrypt", resource=key), resource_policy=key_policy)
    assert "the key policy names only the account" in str(decision)
    assert evaluate(
        request(action="kms:Decrypt", resource=key),
        resource_policy=key_policy,
        identity_policies=[ALLOW_ALL],
    ).allowed


def test_account_grant_in_resource_policy_is_limited_by_boundary() -> None:
    """A same-account resource policy naming the account is limited by the boundary."""
    bucket = PolicyDocument(
        [Statement("Allow", actions="s3:*", resources="*", principal=Principal.of_aws(ACCOUNT))]
    )
    req = request(resource="arn:aws:s3:::b/k", resource_account=ACCOUNT)
    assert evaluate(req, resource_policy=bucket).allowed
    boundary = PolicyDocument([Statement("Allow", actions="ec2:*", resources="*")])
    assert not evaluate(req, resource_policy=bucket, permissions_boundary=boundary).allowed


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


# -- compiled-policy cache ---------------------------------------------------------


def test_compiled_cache_is_reused_and_released(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document compiles once while alive; the cache drops dead and excess entries."""
    doc = PolicyDocument([Statement("Allow", actions="*", resources="*")])
    first = evaluation._compiled(doc)
    assert first is evaluation._compiled(doc)
    key = id(doc)
    del doc, first
    gc.collect()
    assert key not in evaluation._compiled_cache
    monkeypatch.setattr(evaluation, "_CACHE_LIMIT", 2)
    docs = [
        PolicyDocument([Statement("Allow", actions=f"s3:A{i}", resources="*")]) for i in range(3)
    ]
    for d in docs:
        evaluation._compiled(d)
    assert len(evaluation._compiled_cache) <= 2
