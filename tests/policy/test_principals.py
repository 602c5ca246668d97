"""Tests for principal matching: Principal, NotPrincipal and the caller kinds."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policy.evaluation_support import (
    ACCOUNT,
    ALLOW_ALL,
    BOB,
    OTHER,
    ROLE,
    SESSION,
    TARGET,
    condition_holds,
    request,
    trust,
)
from xaccess.errors import ValidationError
from xaccess.policy import (
    Condition,
    Outcome,
    PolicyDocument,
    Principal,
    Statement,
    evaluate,
)

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


def test_not_principal_allow_grants_nothing() -> None:
    """NotPrincipal is supported with Deny only: an Allow with it grants nobody anything."""
    others = PolicyDocument(
        [Statement("Allow", actions="*", resources="*", not_principal=Principal.of_aws(OTHER))]
    )
    decision = evaluate(request(), resource_policy=others)
    assert not decision.allowed
    assert decision.matched == ()
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
    """A same-account resource policy naming the account needs an identity allow, and a boundary."""
    bucket = PolicyDocument(
        [Statement("Allow", actions="s3:*", resources="*", principal=Principal.of_aws(ACCOUNT))]
    )
    req = request(resource="arn:aws:s3:::b/k", resource_account=ACCOUNT)
    assert not evaluate(req, resource_policy=bucket).allowed
    assert evaluate(req, resource_policy=bucket, identity_policies=[ALLOW_ALL]).allowed
    boundary = PolicyDocument([Statement("Allow", actions="ec2:*", resources="*")])
    assert not evaluate(
        req, resource_policy=bucket, identity_policies=[ALLOW_ALL], permissions_boundary=boundary
    ).allowed
