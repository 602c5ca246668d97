"""Laws of xaccess.policy.evaluate and of its wildcard matcher, checked with Hypothesis.

Requests and policies are drawn from small pools of principals, actions and
resources, so that generated statements often match the generated request.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from xaccess.policy import (
    Condition,
    Outcome,
    PolicyDocument,
    Principal,
    Request,
    Statement,
    evaluate,
)
from xaccess.policy._wildcard import QMARK, STAR, Token, compile_pattern, compile_tokens

A = "111122223333"
B = "444455556666"
PRINCIPALS = (
    f"arn:aws:iam::{A}:user/Bob",
    f"arn:aws:iam::{A}:role/Scanner",
    f"arn:aws:sts::{A}:assumed-role/Scanner/s1",
    f"arn:aws:iam::{A}:root",
    f"arn:aws:sts::{A}:federated-user/Ann",
    f"arn:aws:iam::{B}:user/Eve",
    f"arn:aws:sts::{B}:assumed-role/Vendor/s2",
    "ec2.amazonaws.com",
    "*",
)
ACTIONS = ("s3:GetObject", "s3:PutObject", "sts:AssumeRole", "ec2:RunInstances", "iam:CreateUser")
RESOURCES = (
    "*",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:::bucket/key",
    f"arn:aws:iam::{A}:role/Target",
    f"arn:aws:iam::{B}:role/Target",
    f"arn:aws:ec2:us-east-1:{A}:instance/i-1",
)
ACTION_PATTERNS = (
    *ACTIONS,
    "*",
    "s3:*",
    "S3:get*",
    "s3:?utObject",
    "sts:Assume*",
    "ec2:*Instances",
)
RESOURCE_PATTERNS = (
    *RESOURCES,
    "arn:aws:s3:::bucket*",
    "arn:aws:iam::*:role/*",
    "arn:aws:s3:::${aws:username}/*",
)
PRINCIPAL_ENTRIES = (
    Principal(everyone=True),
    Principal.of_aws(A),
    Principal.of_aws(B),
    Principal.of_aws(f"arn:aws:iam::{A}:root"),
    Principal.of_aws(f"arn:aws:iam::{A}:role/Scanner"),
    Principal.of_aws(f"arn:aws:sts::{A}:assumed-role/Scanner/s1"),
    Principal.of_aws(f"arn:aws:iam::{A}:user/Bob"),
    Principal(service="ec2.amazonaws.com"),
)
CONDITIONS = (
    Condition("StringEquals", "sts:ExternalId", "ext-1"),
    Condition("StringNotEquals", "sts:ExternalId", "ext-1"),
    Condition("StringEqualsIfExists", "sts:ExternalId", ("ext-1", "ext-2")),
    Condition("IpAddress", "aws:SourceIp", "10.0.0.0/8"),
    Condition("NotIpAddress", "aws:SourceIp", "10.0.0.0/8"),
    Condition("ForAllValues:StringLike", "aws:TagKeys", "a*"),
    Condition("ForAnyValue:StringEquals", "aws:TagKeys", "b"),
    Condition("Null", "aws:SourceIp", True),
    Condition("Bool", "aws:SecureTransport", True),
    Condition("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/*"),
)


@st.composite
def requests(draw: st.DrawFn) -> Request:
    """A request from the pools, with a context of a few relevant keys."""
    context: dict[str, Any] = {}
    if draw(st.booleans()):
        context["sts:ExternalId"] = draw(st.sampled_from(("ext-1", "ext-2", "EXT-1", "")))
    if draw(st.booleans()):
        context["aws:SourceIp"] = draw(st.sampled_from(("10.1.2.3", "192.0.2.1", "::1")))
    if draw(st.booleans()):
        context["aws:TagKeys"] = draw(st.lists(st.sampled_from(("a1", "b", "c")), max_size=3))
    if draw(st.booleans()):
        context["aws:SecureTransport"] = draw(st.booleans())
    resource = draw(st.sampled_from(RESOURCES))
    account = draw(st.sampled_from((None, A, B))) if resource.startswith("arn:aws:s3") else None
    return Request(
        principal=draw(st.sampled_from(PRINCIPALS)),
        action=draw(st.sampled_from(ACTIONS)),
        resource=resource,
        context=context,
        resource_account=account,
    )


@st.composite
def statements(draw: st.DrawFn, *, resource_based: bool = False) -> Statement:
    """A statement over the pools; resource-based ones name a principal."""
    kw: dict[str, Any] = {}
    actions = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3))
    kw["not_actions" if draw(st.integers(0, 4)) == 0 else "actions"] = actions
    shape = draw(st.integers(0, 5))
    resources = draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2))
    if shape == 0:
        kw["not_resources"] = resources
    elif shape < 5 or not resource_based:
        kw["resources"] = resources
    if resource_based:
        kw["not_principal" if draw(st.integers(0, 5)) == 0 else "principal"] = draw(
            st.sampled_from(PRINCIPAL_ENTRIES)
        )
    conditions = draw(st.lists(st.sampled_from(CONDITIONS), max_size=2, unique=True))
    return Statement(draw(st.sampled_from(("Allow", "Allow", "Deny"))), conditions=conditions, **kw)


@st.composite
def documents(
    draw: st.DrawFn, *, resource_based: bool = False, version: str | None = "2012-10-17"
) -> PolicyDocument:
    """A document of one to four pool statements."""
    stmts = draw(st.lists(statements(resource_based=resource_based), min_size=1, max_size=4))
    return PolicyDocument(stmts, version=version)


@st.composite
def policy_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword arguments for evaluate(): any mix of policy types."""
    return {
        "identity_policies": draw(st.lists(documents(), max_size=2)),
        "resource_policy": draw(st.none() | documents(resource_based=True)),
        "permissions_boundary": draw(st.none() | documents()),
        "session_policies": draw(st.lists(documents(), max_size=1)),
        "scps": draw(st.lists(documents(), max_size=2)),
    }


def _reference(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


_PATTERN_CHARS = "ab:/*?"


@given(st.text(_PATTERN_CHARS, max_size=8), st.text("ab:/", max_size=10))
def test_wildcard_agrees_with_regex_reference(pattern: str, value: str) -> None:
    """The linear matcher agrees with a regular-expression reference on small inputs."""
    assert _reference(pattern, value) == compile_pattern(pattern).matches(value)


@given(
    st.lists(st.sampled_from(("a", "b", "*", "?", STAR, QMARK)), max_size=8),
    st.text("ab*?", max_size=10),
)
def test_literal_tokens_agree_with_escaped_reference(tokens: list[Token], value: str) -> None:
    """Literal '*' and '?' tokens (from variables) match only themselves."""
    regex = "".join(".*" if t == STAR else "." if t == QMARK else re.escape(str(t)) for t in tokens)
    expected = re.fullmatch(regex, value, flags=re.DOTALL) is not None
    assert expected == compile_tokens(tuple(tokens)).matches(value)


def _matching_deny(request: Request) -> Statement:
    return Statement("Deny", actions=request.action, resources=request.resource)


@given(requests(), policy_sets(), st.integers(0, 3))
def test_a_matching_deny_always_denies(
    request: Request, policies: dict[str, Any], where: int
) -> None:
    """Adding a Deny that matches the request gives an explicit deny, wherever it goes."""
    deny = _matching_deny(request)
    changed = dict(policies)
    if where == 0:
        changed["identity_policies"] = [*policies["identity_policies"], PolicyDocument([deny])]
    elif where == 1:
        everyone = attrs.evolve(deny, principal=Principal(everyone=True))
        old = policies["resource_policy"]
        changed["resource_policy"] = PolicyDocument([*(old or ()), everyone])
    elif where == 2:
        old = policies["permissions_boundary"]
        changed["permissions_boundary"] = PolicyDocument([*(old or ()), deny])
    else:
        changed["scps"] = [*policies["scps"], PolicyDocument([deny])]
    assert Outcome.EXPLICIT_DENY == evaluate(request, **changed).outcome


@given(requests(), policy_sets(), statements(), st.booleans())
def test_a_deny_never_grants(
    request: Request, policies: dict[str, Any], extra: Statement, to_resource: bool
) -> None:
    """Adding any Deny never turns a deny into an allow, nor an explicit deny into less."""
    deny = attrs.evolve(extra, effect="Deny")
    before = evaluate(request, **policies)
    changed = dict(policies)
    if to_resource:
        everyone = attrs.evolve(deny, principal=Principal(everyone=True))
        changed["resource_policy"] = PolicyDocument(
            [*(policies["resource_policy"] or ()), everyone]
        )
    else:
        changed["identity_policies"] = [*policies["identity_policies"], PolicyDocument([deny])]
    after = evaluate(request, **changed)
    if not before.allowed:
        assert not after.allowed
    if before.outcome is Outcome.EXPLICIT_DENY:
        assert Outcome.EXPLICIT_DENY == after.outcome


@given(requests(), st.lists(st.sampled_from(ACTION_PATTERNS), max_size=3), st.booleans())
def test_not_action_never_matches_a_listed_action(
    request: Request, others: list[str], as_pattern: bool
) -> None:
    """A statement never applies to an action its NotAction lists (exactly or by wildcard)."""
    listed = request.action.split(":")[0] + ":*" if as_pattern else request.action
    base = Statement("Allow", not_actions=[*others, listed], resources="*")
    caller = Request(
        principal=f"arn:aws:iam::{A}:user/Bob",
        action=request.action,
        resource=request.resource,
        context=request.context,
        resource_account=A,
    )
    assert not evaluate(caller, identity_policies=[PolicyDocument([base])]).allowed
    deny = attrs.evolve(base, effect="Deny")
    everything = Statement("Allow", actions="*", resources="*")
    decision = evaluate(caller, identity_policies=[PolicyDocument([everything, deny])])
    assert Outcome.EXPLICIT_DENY != decision.outcome


@given(
    requests(),
    policy_sets(),
    st.lists(statements(), min_size=1, max_size=3),
    st.lists(statements(), min_size=1, max_size=3),
    st.sampled_from(("2012-10-17", None)),
)
def test_merging_identity_policies_never_allows_less(
    request: Request,
    policies: dict[str, Any],
    first: list[Statement],
    second: list[Statement],
    version: str | None,
) -> None:
    """Two identity policies merged into one document allow at least what they allowed apart."""
    one, two = PolicyDocument(first, version=version), PolicyDocument(second, version=version)
    merged = PolicyDocument([*one, *two], version=version)
    apart = evaluate(request, **{**policies, "identity_policies": [one, two]})
    together = evaluate(request, **{**policies, "identity_policies": [merged]})
    if apart.allowed:
        assert together.allowed
    assert apart.outcome == together.outcome


@given(requests(), policy_sets())
def test_evaluation_is_deterministic(request: Request, policies: dict[str, Any]) -> None:
    """The same request and policies, even re-parsed from JSON, give the same decision."""
    first = evaluate(request, **policies)
    assert first == evaluate(request, **policies)

    def reparse(doc: PolicyDocument | None) -> PolicyDocument | None:
        return None if doc is None else PolicyDocument.from_json(doc.to_json())

    copies: dict[str, Any] = {
        key: [reparse(d) for d in value] if isinstance(value, list) else reparse(value)
        for key, value in policies.items()
    }
    assert first == evaluate(request, **copies)


@given(requests(), policy_sets(), statements(), st.integers(0, 5))
def test_an_allow_never_denies(
    request: Request, policies: dict[str, Any], extra: Statement, where: int
) -> None:
    """Adding an Allow statement to any policy never turns an allow into a deny."""
    before = evaluate(request, **policies)
    allow = attrs.evolve(extra, effect="Allow")
    changed = dict(policies)
    if where == 0 or (where == 1 and not policies["identity_policies"]):
        changed["identity_policies"] = [*policies["identity_policies"], PolicyDocument([allow])]
    elif where == 1:
        first, *rest = policies["identity_policies"]
        changed["identity_policies"] = [
            PolicyDocument([*first, allow], version=first.version),
            *rest,
        ]
    elif where == 2 and policies["resource_policy"] is not None:
        everyone = attrs.evolve(allow, principal=Principal(everyone=True))
        old = policies["resource_policy"]
        changed["resource_policy"] = PolicyDocument([*old, everyone], version=old.version)
    elif where == 3 and policies["permissions_boundary"] is not None:
        old = policies["permissions_boundary"]
        changed["permissions_boundary"] = PolicyDocument([*old, allow], version=old.version)
    elif where == 4 and policies["scps"]:
        changed["scps"] = [PolicyDocument([*d, allow], version=d.version) for d in policies["scps"]]
    elif policies["session_policies"]:
        changed["session_policies"] = [*policies["session_policies"], PolicyDocument([allow])]
    after = evaluate(request, **changed)
    if before.allowed:
        assert after.allowed


@given(
    st.sampled_from(PRINCIPALS),
    st.none() | st.sampled_from(("ext-1", "EXT-1", "ext-10", "", " ext-1", "ext-*")),
    st.lists(documents(), max_size=2),
    st.sampled_from((A, B)),
)
def test_external_id_trust_admits_only_the_right_id(
    principal: str, external_id: str | None, identity: list[PolicyDocument], owner: str
) -> None:
    """A trust policy for account B with external ID 'ext-1' admits nobody else, nothing else."""
    condition = Condition("StringEquals", "sts:ExternalId", "ext-1")
    trust = PolicyDocument(
        [
            Statement(
                "Allow",
                actions="sts:AssumeRole",
                principal=Principal.of_aws(B),
                conditions=[condition],
            )
        ]
    )
    context = {} if external_id is None else {"sts:ExternalId": external_id}
    request = Request(
        principal=principal,
        action="sts:AssumeRole",
        resource=f"arn:aws:iam::{owner}:role/Target",
        context=context,
    )
    decision = evaluate(request, identity_policies=identity, resource_policy=trust)
    if decision.allowed:
        assert "ext-1" == external_id
        assert f":{B}:" in principal
