"""Tests for xaccess.policy.evaluation: the decision, its reasons, and the compiled-policy cache."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from tests.policy.evaluation_support import (
    ACCOUNT,
    ALLOW_ALL,
    EC2_ONLY,
    OTHER,
    ROLE,
    SESSION,
    request,
    trust,
)
from xaccess.policy import (
    Decision,
    Outcome,
    PolicyDocument,
    Principal,
    Statement,
    StatementRef,
    _compiled,
    evaluate,
)

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


# -- compiled-policy cache ---------------------------------------------------------


def test_compiled_cache_is_reused_and_released(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document compiles once while alive; the cache drops dead and excess entries."""
    doc = PolicyDocument([Statement("Allow", actions="*", resources="*")])
    first = _compiled.compiled(doc)
    assert first is _compiled.compiled(doc)
    key = id(doc)
    del doc, first
    gc.collect()
    assert key not in _compiled._compiled_cache
    monkeypatch.setattr(_compiled, "_CACHE_LIMIT", 2)
    docs = [
        PolicyDocument([Statement("Allow", actions=f"s3:A{i}", resources="*")]) for i in range(3)
    ]
    for d in docs:
        _compiled.compiled(d)
    assert len(_compiled._compiled_cache) <= 2


def test_action_index_keeps_statement_order_and_case() -> None:
    """Exact, wildcard and NotAction statements are all found, in document order, any case."""
    doc = PolicyDocument(
        [
            Statement("Allow", actions="S3:GETOBJECT", resources="*"),
            Statement("Allow", actions="s3:Get*", resources="*"),
            Statement("Allow", not_actions="iam:*", resources="*"),
            Statement("Allow", actions="s3:PutObject", resources="*"),
            Statement("Allow", actions=["s3:getobject", "s3:GetObject"], resources="*"),
        ]
    )
    decision = evaluate(request(action="s3:GetObject"), identity_policies=[doc])
    assert [ref.index for ref in decision.matched] == [0, 1, 2, 4]
    again = evaluate(request(action="s3:getobject"), identity_policies=[doc])
    assert [ref.index for ref in again.matched] == [0, 1, 2, 4]
    put = evaluate(request(action="s3:PutObject"), identity_policies=[doc])
    assert [ref.index for ref in put.matched] == [2, 3]
    assert not evaluate(request(action="iam:PassRole"), identity_policies=[doc]).allowed


def test_action_index_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A policy remembers the statements of at most a bounded number of actions."""
    monkeypatch.setattr(_compiled, "_ACTIONS_PER_POLICY", 3)
    doc = PolicyDocument([Statement("Allow", actions="s3:*", resources="*")])
    for i in range(10):
        assert evaluate(request(action=f"s3:Action{i}"), identity_policies=[doc]).allowed
    assert len(_compiled.compiled(doc)._by_action) <= 3
