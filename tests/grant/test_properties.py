"""Property tests for ThirdPartyGrant, with the policy evaluator as the judge.

Every test states a law for every valid grant: generated grants trust one to four
principals (account IDs, account roots, roles and users with paths, pinned by
condition or by ARN) with one to three external IDs (every allowed character,
lengths 2 to 1224), optional trust options, and up to six permission statements
drawn from small pools so that many of them can be merged.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any, Literal, TypeAlias

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from moto.iam.policy_validation import (
    IAMPolicyDocumentValidator,
    IAMTrustPolicyDocumentValidator,
)

from tests import strategies as pst
from tests.identifiers import strategies as ids
from xaccess import PolicySizeError, ValidationError
from xaccess.grant import ThirdPartyGrant
from xaccess.identifiers import validate_policy_name
from xaccess.policy import (
    Condition,
    Outcome,
    PolicyDocument,
    Request,
    Statement,
    evaluate,
)

_BASE_EXAMPLES = settings().max_examples  # the profile loaded by conftest.py
_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


def _examples(factor: float) -> settings:
    """The loaded profile's example count, scaled for cheaper or dearer properties."""
    return settings(
        max_examples=max(1, round(_BASE_EXAMPLES * factor)), suppress_health_check=_SLOW_DATA
    )


_MOTO_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-eusc")
# The evaluator's context keys cannot hold whitespace, so generated tag keys have none.
_TAG_KEY_ALPHABET = string.ascii_letters + string.digits + "_.:/=+-@"
_TRUST_ACTIONS = ("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")
_CALLER_IDENTITY = PolicyDocument([Statement("Allow", actions=_TRUST_ACTIONS, resources=("*",))])


TrusteeKind = Literal["account", "root", "role", "user"]
_KINDS: tuple[TrusteeKind, ...] = ("account", "root", "role", "user")


@attrs.frozen
class Trustee:
    """A generated trusted principal: what was passed and who it stands for."""

    kind: TrusteeKind
    value: str  # as passed to the grant
    account: str
    arn: str  # the principal ARN (the root ARN for accounts)
    name: str | None = None  # role or user name


@attrs.frozen
class Case:
    """A generated grant, its trust policy, and what the tests need to know about it."""

    grant: ThirdPartyGrant
    trustees: tuple[Trustee, ...]
    customer: str
    partition: str
    role_arn: str
    trust: PolicyDocument


# -- strategies (built once: building strategies inside a draw is slow) --------------------

_ACCOUNT_IDS = ids.account_ids()
_ROLE_NAMES = ids.role_names()
_PATHS = ids.role_paths()
_PATHS_WITHOUT_WILDCARDS = _PATHS.map(lambda path: path.replace("*", "x").replace("?", "y"))
_EXTERNAL_ID_LISTS = st.lists(ids.external_ids(), min_size=1, max_size=3, unique=True)
_ORG_IDS = st.lists(
    st.text(string.ascii_lowercase + string.digits, min_size=10, max_size=32).map("o-".__add__),
    min_size=1,
    max_size=2,
    unique=True,
)
_PATTERNS = st.lists(
    st.text(ids.NAME_ALPHABET + "*?", min_size=1, max_size=20), min_size=1, max_size=2, unique=True
)
_TAG_KEYS = st.lists(
    st.text(_TAG_KEY_ALPHABET, min_size=1, max_size=20).filter(
        lambda key: not key.lower().startswith("aws:")
    ),
    min_size=1,
    max_size=3,
    unique_by=str.lower,
)
_ACTION_POOLS = st.lists(st.lists(pst.actions(), min_size=1, max_size=3), min_size=1, max_size=3)
_RESOURCE_POOLS = {
    moto: st.lists(
        st.lists(pst.resources(moto=moto), min_size=1, max_size=2), min_size=1, max_size=3
    )
    for moto in (False, True)
}
_CONDITION_POOLS = {moto: st.lists(pst.conditions(moto=moto), max_size=2) for moto in (False, True)}


def _other_account(account: str, taken: set[str]) -> str:
    """``account`` if it is not taken, else the next free account ID."""
    number = int(account)
    while f"{number:012d}" in taken:
        number = (number + 1) % 10**12
    return f"{number:012d}"


@st.composite
def _trustees(draw: st.DrawFn, partition: str, pin: str) -> list[Trustee]:
    paths = _PATHS_WITHOUT_WILDCARDS if pin == "arn" else _PATHS
    out: list[Trustee] = []
    taken: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        account = _other_account(draw(_ACCOUNT_IDS), taken)
        taken.add(account)
        kind = draw(st.sampled_from(_KINDS))
        root = f"arn:{partition}:iam::{account}:root"
        if kind == "account":
            out.append(Trustee(kind, account, account, root))
        elif kind == "root":
            out.append(Trustee(kind, root, account, root))
        else:
            name = draw(_ROLE_NAMES)
            arn = f"arn:{partition}:iam::{account}:{kind}{draw(paths)}{name}"
            out.append(Trustee(kind, arn, account, arn, name))
    roles = [t for t in out if t.kind == "role"]
    second_role = draw(st.booleans())
    if roles and second_role:  # a second role of the same vendor account
        first = roles[0]
        name = draw(_ROLE_NAMES)
        if first.name is not None and name.lower() == first.name.lower():
            name = name[:63] + ("x" if name[-1:].lower() != "x" else "y")
        arn = f"arn:{partition}:iam::{first.account}:role{draw(paths)}{name}"
        out.append(Trustee("role", arn, first.account, arn, name))
    return out


def _condition_mapping(conditions: tuple[Condition, ...]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for condition in conditions:
        out.setdefault(condition.operator, {})[condition.key] = list(condition.values)
    return out


@st.composite
def cases(
    draw: st.DrawFn, *, moto: bool = False, conditions: bool = True, min_statements: int = 0
) -> Case:
    """A valid grant with one to four trusted principals and up to six statements."""
    partition = draw(st.sampled_from(_MOTO_PARTITIONS if moto else ids.ALL_PARTITIONS))
    pin = draw(st.sampled_from(("condition", "arn")))
    trustees = draw(_trustees(partition, pin))
    trusted_accounts = {t.account for t in trustees}
    customer = _other_account(draw(_ACCOUNT_IDS), trusted_accounts)
    external_ids = draw(_EXTERNAL_ID_LISTS)

    kwargs: dict[str, Any] = {
        "role_name": draw(_ROLE_NAMES),
        "external_id": external_ids
        if len(external_ids) > 1 or draw(st.booleans())
        else external_ids[0],
        "pin": pin,
        "path": draw(_PATHS),
    }
    first, rest = trustees[0], trustees[1:]
    if first.kind == "account" and draw(st.booleans()):
        kwargs["trusted_account"] = first.value
    elif draw(st.booleans()):
        kwargs["trusted_principal"] = first.value
    else:
        rest = trustees
    later = draw(st.booleans())
    if rest and not later:
        kwargs["trusted_principals"] = [t.value for t in rest]
    if (partition != "aws" and all(t.kind == "account" for t in trustees)) or draw(st.booleans()):
        kwargs["partition"] = partition
    estimate = (
        sum(len(e) + 3 for e in external_ids) + 2 * sum(len(t.arn) + 3 for t in trustees) + 700
    )
    if estimate > 1900:
        kwargs["trust_policy_quota"] = 16384
    grant = ThirdPartyGrant(**kwargs)
    if rest and later:
        grant = grant.trust(*(t.value for t in rest))

    if draw(st.booleans()):
        grant = grant.require_org_id(*draw(_ORG_IDS))
    if draw(st.booleans()):
        grant = grant.restrict_session_name(*draw(_PATTERNS))
    source_identity = draw(st.sampled_from(("none", "allow", "require")))
    if source_identity == "allow":
        grant = grant.allow_source_identity()
    elif source_identity == "require":
        grant = grant.require_source_identity(*draw(st.just([]) | _PATTERNS))
    tags = draw(st.sampled_from(("none", "any", "keys")))
    if tags == "any":
        grant = grant.allow_session_tags()
    elif tags == "keys":
        grant = grant.allow_session_tags(draw(_TAG_KEYS))

    action_pool = draw(_ACTION_POOLS)
    resource_pool = draw(_RESOURCE_POOLS[moto])
    condition_pool: list[tuple[Condition, ...]] = [()]
    if conditions:
        condition_pool += draw(_CONDITION_POOLS[moto])
    for i in range(draw(st.integers(min_statements, 6))):
        method = grant.allow if draw(st.integers(0, 3)) else grant.deny
        grant = method(
            draw(st.sampled_from(action_pool)),
            draw(st.sampled_from(resource_pool)),
            _condition_mapping(draw(st.sampled_from(condition_pool))) or None,
            sid=f"S{i}" if draw(st.integers(0, 4)) == 0 else None,
            check_actions=False,  # generated actions, most of them not AWS's
        )
    resource_accounts = {
        r.split(":")[4] for s in grant.statements for r in s.resources if r.count(":") >= 5
    }
    assume(not resource_accounts & (trusted_accounts | {customer}))
    try:
        trust = grant.trust_policy()
    except PolicySizeError:  # the size estimate was too low: rare
        assume(False)
        raise
    return Case(grant, tuple(trustees), customer, partition, grant.role_arn(customer), trust)


# -- helpers --------------------------------------------------------------------------------


def _instance(pattern: str) -> str:
    """A value that the StringLike pattern matches."""
    return pattern.replace("*", "x").replace("?", "q")


def _callers(trustee: Trustee, partition: str) -> list[tuple[str, dict[str, str]]]:
    """Principals the trustee stands for, with context keys the evaluator cannot derive."""
    if trustee.kind in ("account", "root"):
        return [
            (f"arn:{partition}:iam::{trustee.account}:role/VendorService", {}),
            (f"arn:{partition}:iam::{trustee.account}:user/ops/deployer", {}),
        ]
    if trustee.kind == "user":
        return [(trustee.arn, {})]
    session = f"arn:{partition}:sts::{trustee.account}:assumed-role/{trustee.name}/vendor-run"
    return [(trustee.arn, {}), (session, {"aws:PrincipalArn": trustee.arn})]


def _good_context(grant: ThirdPartyGrant, external_id: str) -> dict[str, Any]:
    """A request context that satisfies every trust condition other than the principal."""
    context: dict[str, Any] = {"sts:ExternalId": external_id}
    context["sts:RoleSessionName"] = (
        _instance(grant.session_name_patterns[0]) if grant.session_name_patterns else "vendor"
    )
    if grant.source_identity_patterns is not None:
        context["sts:SourceIdentity"] = _instance(grant.source_identity_patterns[0])
    if grant.org_ids:
        context["aws:PrincipalOrgID"] = grant.org_ids[-1]
    if grant.session_tags_allowed:
        keys = grant.session_tag_keys or ("team",)
        context["aws:TagKeys"] = list(keys)
        for key in keys:
            context[f"aws:RequestTag/{key}"] = "value"
    return context


def _trust_actions(grant: ThirdPartyGrant) -> list[str]:
    actions = ["sts:AssumeRole"]
    if grant.session_tags_allowed:
        actions.append("sts:TagSession")
    if grant.source_identity_allowed or grant.source_identity_patterns is not None:
        actions.append("sts:SetSourceIdentity")
    return actions


def _assume(
    case: Case, principal: str, context: dict[str, Any], action: str = "sts:AssumeRole"
) -> Outcome:
    request = Request(principal=principal, action=action, resource=case.role_arn, context=context)
    return evaluate(
        request, identity_policies=[_CALLER_IDENTITY], resource_policy=case.trust
    ).outcome


def _wrong_external_ids(value: str, trusted: tuple[str, ...], other: str) -> list[str]:
    """Near misses of a trusted ID: case changes, prefixes, suffixes, cuts and wildcards."""
    candidates = [
        value.swapcase(),
        value.upper(),
        value.lower(),
        "x" + value,
        value + "x",
        value[:-1],
        value[1:],
        value[:-1] + "*",
        "*" + value[1:],
        "?" * len(value),
        value[:1] + "?" + value[2:],
        f" {value}",
        "*",
        "",
        other,
    ]
    return [c for c in dict.fromkeys(candidates) if c not in trusted]


# -- trust policy ---------------------------------------------------------------------------


@_examples(1)
@given(case=cases())
def test_trust_admits_every_trusted_principal_with_every_external_id(case: Case) -> None:
    """Each trusted principal (and its sessions) may assume the role with each trusted ID."""
    grant = case.grant
    refused = [
        (principal, external_id, action)
        for trustee in case.trustees
        for principal, extra in _callers(trustee, case.partition)
        for external_id in grant.external_ids
        for action in _trust_actions(grant)
        if _assume(case, principal, {**_good_context(grant, external_id), **extra}, action)
        is not Outcome.ALLOW
    ]

    assert [] == refused


@_examples(1)
@given(case=cases(), other_id=ids.external_ids(), data=st.data())
def test_trust_refuses_missing_and_wrong_external_ids(
    case: Case, other_id: str, data: st.DataObject
) -> None:
    """Without a trusted external ID, every trust action is refused, for every principal."""
    grant = case.grant
    near = data.draw(st.sampled_from(grant.external_ids))
    wrong = _wrong_external_ids(near, grant.external_ids, other_id)
    admitted = []
    for trustee in case.trustees:
        principal, extra = data.draw(st.sampled_from(_callers(trustee, case.partition)))
        good = {**_good_context(grant, grant.external_ids[0]), **extra}
        missing = {k: v for k, v in good.items() if k != "sts:ExternalId"}
        contexts = [missing] + [{**good, "sts:ExternalId": value} for value in wrong]
        admitted += [
            (principal, context.get("sts:ExternalId"), action)
            for context in contexts
            for action in _trust_actions(grant)
            if _assume(case, principal, context, action) is Outcome.ALLOW
        ]

    assert [] == admitted


@_examples(1)
@given(case=cases(), stranger=ids.account_ids(), name=ids.role_names())
def test_trust_refuses_everyone_else(case: Case, stranger: str, name: str) -> None:
    """Other accounts, untrusted roles of the vendor, the customer and anonymous are refused."""
    grant = case.grant
    partition = case.partition
    trusted_accounts = {t.account for t in case.trustees}
    whole = {t.account for t in case.trustees if t.kind in ("account", "root")}
    names = {t.name.lower() for t in case.trustees if t.name is not None}
    others = [
        f"arn:{partition}:iam::{case.customer}:role/{name}",
        f"arn:{partition}:iam::{case.customer}:user/{name}",
        "*",
    ]
    if stranger not in trusted_accounts | {case.customer}:
        others.append(f"arn:{partition}:iam::{stranger}:role/{name}")
    if name.lower() not in names:
        others += [
            f"arn:{partition}:iam::{account}:{kind}/{name}"
            for account in sorted(trusted_accounts - whole)
            for kind in ("role", "user")
        ]
    context = _good_context(grant, grant.external_ids[-1])

    admitted = [
        (principal, action)
        for principal in others
        for action in _trust_actions(grant)
        if _assume(case, principal, context, action) is Outcome.ALLOW
    ]
    own_account = grant.can_assume(
        others[0], external_id=grant.external_id, account_id=case.customer
    )

    assert ([], False) == (admitted, own_account.allowed)


@_examples(1)
@given(case=cases())
def test_can_assume_admits_trusted_principals_only_with_an_external_id(case: Case) -> None:
    """can_assume() admits each trusted principal and session with each ID, and none without."""
    grant = case.grant
    answers = []
    for trustee in case.trustees:
        for principal, _ in _callers(trustee, case.partition):
            for external_id in grant.external_ids:
                context = _good_context(grant, external_id)
                tags = {
                    key.removeprefix("aws:RequestTag/"): value
                    for key, value in context.items()
                    if key.startswith("aws:RequestTag/")
                }
                org = {k: v for k, v in context.items() if k == "aws:PrincipalOrgID"}
                answers.append(
                    grant.can_assume(
                        principal,
                        external_id=external_id,
                        session_name=context["sts:RoleSessionName"],
                        source_identity=context.get("sts:SourceIdentity"),
                        session_tags=tags or None,
                        context=org,
                        account_id=case.customer,
                    ).allowed
                )
            answers.append(not grant.can_assume(principal, account_id=case.customer).allowed)

    assert all(answers)


@_examples(0.5)
@given(case=cases(), caller=ids.account_ids(), external_id=st.none() | ids.external_ids())
def test_opting_out_of_the_external_id_trusts_any_or_no_id(
    case: Case, caller: str, external_id: str | None
) -> None:
    """With allow_missing_external_id and no ID, trusted principals need no external ID."""
    grant = attrs.evolve(case.grant, external_id=(), allow_missing_external_id=True)
    case = attrs.evolve(case, grant=grant, trust=grant.trust_policy())
    trustee = case.trustees[0]
    principal, extra = _callers(trustee, case.partition)[0]
    context = {**_good_context(grant, external_id or ""), **extra}
    if external_id is None:
        del context["sts:ExternalId"]

    assert Outcome.ALLOW is _assume(case, principal, context)


# -- permission policies --------------------------------------------------------------------

_REPLACEMENTS = ("", "x", "Ab/c")
Draw: TypeAlias = Callable[[st.SearchStrategy[str]], str]


def _concrete_action(pattern: str, draw: Draw) -> str:
    if pattern == "*":
        return draw(st.sampled_from(("s3:GetObject", "ec2:RunInstances", "sts:AssumeRole")))
    service, name = pattern.split(":", 1)
    name = re.sub(r"\*", lambda _: draw(st.sampled_from(("", "X", "List"))), name)
    name = name.replace("?", "Q") or "Get"
    return f"{service}:{name}"


def _concrete_resource(pattern: str, case: Case, draw: Draw) -> str:
    if pattern == "*":
        return f"arn:{case.partition}:s3:::anything/at/all"
    partition, service, region, account, rest = pattern.split(":", 5)[1:]
    partition = case.partition if "*" in partition else partition
    region = region.replace("*", "eu-west-1").replace("?", "1")
    account = case.customer if account == "*" else account
    rest = re.sub(r"\*", lambda _: draw(st.sampled_from(_REPLACEMENTS)), rest)
    rest = rest.replace("?", "q") or "x"
    return f"arn:{partition}:{service}:{region}:{account}:{rest}"


def _wildcard(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _applies(statement: Statement, action: str, resource: str) -> bool:
    return any(_wildcard(a, ignore_case=True).fullmatch(action) for a in statement.actions) and any(
        _wildcard(r, ignore_case=False).fullmatch(resource) for r in statement.resources
    )


_TRUST_ACTIONS = ("sts:tagsession", "sts:setsourceidentity", "sts:setcontext")


def _needs_resource_policy(action: str, resource: str) -> bool:
    """Requests that an identity policy alone never allows, even in the role's own account.

    Assuming a role needs its trust policy (IAM User Guide, "Cross account resource access":
    a role's trust policy must always allow), and a KMS key needs its key policy (AWS KMS
    Developer Guide, "Key policies"); :meth:`ThirdPartyGrant.permits` gives no such policy.
    """
    action = action.lower()
    service, rest = resource.split(":", 5)[2::3]
    if service == "iam" and rest.startswith("role/"):
        return action.startswith("sts:assumerole") or action in _TRUST_ACTIONS
    return service == "kms" and rest.startswith("key/") and action.startswith("kms:")


def _expected(statements: tuple[Statement, ...], action: str, resource: str) -> Outcome:
    """The oracle for unconditional statements: a matching deny wins, then a matching allow."""
    applying = [s.effect for s in statements if _applies(s, action, resource)]
    if "Deny" in applying:
        return Outcome.EXPLICIT_DENY
    if "Allow" in applying and not _needs_resource_policy(action, resource):
        return Outcome.ALLOW
    return Outcome.IMPLICIT_DENY


def _requests(case: Case, data: st.DataObject, *, outside: int) -> list[tuple[str, str, str]]:
    """(action, resource, account owning the role) triples: inside every statement, and random.

    The role is put in the resource's account, so that the grant's identity policies decide
    (a resource in another account would also need its own resource policy).
    """
    triples: list[tuple[str, str, str]] = []
    for statement in case.grant.statements:
        action = _concrete_action(data.draw(st.sampled_from(statement.actions)), data.draw)
        pattern = data.draw(st.sampled_from(statement.resources))
        triples.append((action, _concrete_resource(pattern, case, data.draw), ""))
    for _ in range(outside):
        action = _concrete_action(data.draw(pst.actions()), data.draw)
        resource = _concrete_resource(data.draw(pst.resources()), case, data.draw)
        parts = resource.split(":", 5)
        if parts[4]:
            resource = ":".join([*parts[:4], case.customer, parts[5]])
        triples.append((action, resource, ""))
    return [
        (action, resource, resource.split(":", 5)[4] or case.customer)
        for action, resource, _ in triples
    ]


@_examples(2)
@given(case=cases(conditions=False, min_statements=1), data=st.data())
def test_permissions_allow_what_was_granted_and_denies_win(case: Case, data: st.DataObject) -> None:
    """Granted pairs are allowed unless a deny matches; everything else is implicitly denied."""
    statements = case.grant.statements
    requests = _requests(case, data, outside=3)

    assert [_expected(statements, a, r) for a, r, _ in requests] == [
        case.grant.permits(a, r, account_id=account).outcome for a, r, account in requests
    ]


@_examples(2)
@given(case=cases(min_statements=1), data=st.data())
def test_merged_policies_decide_like_the_statements_as_written(
    case: Case, data: st.DataObject
) -> None:
    """The merged, packed inline policies decide every request like the unmerged statements."""
    grant = case.grant
    written = PolicyDocument(grant.statements)
    context: dict[str, Any] = {}
    for statement in grant.statements:
        for condition in statement.conditions:
            value = condition.values[0]
            if data.draw(st.booleans()) and isinstance(value, str):
                context.setdefault(condition.key, value)
    for action, resource, account in _requests(case, data, outside=3):
        role = grant.role_arn(account)
        session = (
            f"arn:{case.partition}:sts::{account}:assumed-role/{grant.role_name}/xaccess-check"
        )
        request = Request(
            principal=session,
            action=action,
            resource=resource,
            context={"aws:PrincipalArn": role, **context},
        )
        expected = evaluate(request, identity_policies=[written]).outcome
        actual = grant.permits(action, resource, context=context, account_id=account)

        assert expected is actual.outcome


# -- documents ------------------------------------------------------------------------------


@_examples(2)
@given(case=cases(moto=True), quota=st.sampled_from((None, None, 400, 1200)))
def test_documents_are_within_quota_round_trip_and_pass_moto(case: Case, quota: int | None) -> None:
    """Every emitted document fits its quota, round-trips, and moto's validators accept it."""
    grant = case.grant if quota is None else attrs.evolve(case.grant, inline_policies_quota=quota)
    trust = grant.trust_policy()
    assert trust.size() <= grant.trust_policy_quota
    assert trust == PolicyDocument.from_json(trust.to_json())
    IAMTrustPolicyDocumentValidator(trust.to_json()).validate()
    try:
        policies = grant.permission_policies()
    except PolicySizeError as error:
        size_error: PolicySizeError | None = error
        policies = ()
    else:
        size_error = None
    if size_error is not None:
        assert size_error.size > size_error.limit >= grant.inline_policies_quota
    inline = [p for p in policies if p.kind == "inline"]
    managed = [p for p in policies if p.kind == "managed"]
    assert sum(p.document.size() for p in inline) <= grant.inline_policies_quota
    assert all(p.document.size() <= grant.managed_policy_quota for p in managed)
    assert len(managed) + len(grant.managed_policy_arns) <= grant.max_managed_policies
    assert len({p.name for p in policies}) == len(policies)
    for policy in policies:
        validate_policy_name(policy.name)
        assert policy.document == PolicyDocument.from_json(policy.document.to_json())
        if policy.kind == "inline" and len(policies) == 1:
            assert len(policy.document.statements) <= len(grant.statements)
        IAMPolicyDocumentValidator(policy.document.to_json()).validate()


@_examples(2)
@given(case=cases())
def test_grants_round_trip_through_dict_and_json(case: Case) -> None:
    """from_dict(to_dict()) and from_json(to_json()) give back an equal grant."""
    grant = case.grant

    assert grant == ThirdPartyGrant.from_dict(grant.to_dict())
    assert grant == ThirdPartyGrant.from_json(grant.to_json())
    assert grant.to_dict() == ThirdPartyGrant.from_dict(grant.to_dict()).to_dict()


# -- invalid input --------------------------------------------------------------------------

_INVALID = {
    "role_name": ids.invalid_role_names(),
    "path": ids.invalid_role_paths(),
    "description": ids.invalid_descriptions().filter(lambda v: v is not None),
    "max_session_duration": ids.invalid_max_session_durations(),
    # A list or tuple is a sequence of external IDs (each one is tested on its own).
    "external_id": ids.invalid_external_ids().filter(
        lambda v: v is not None and not isinstance(v, list | tuple)
    ),
    "trusted_account": ids.invalid_account_ids().filter(lambda v: v is not None),
    "inline_policy_prefix": ids.invalid_policy_names().filter(lambda v: v is not None),
    "permissions_boundary": ids.non_strings().filter(lambda v: v is not None),
}


@_examples(2)
@given(data=st.data(), argument=st.sampled_from(sorted(_INVALID)))
def test_invalid_arguments_raise_validation_error_only(data: st.DataObject, argument: str) -> None:
    """Every invalid constructor argument raises ValidationError naming it, nothing else."""
    value = data.draw(_INVALID[argument])
    kwargs: dict[str, Any] = {"role_name": "R", "trusted_account": "111122223333"}
    kwargs[argument] = value

    with pytest.raises(ValidationError) as exc_info:
        ThirdPartyGrant(**kwargs)

    assert exc_info.value.field.startswith(argument)


@_examples(2)
@given(actions=pst.json_values, resources=pst.json_values, conditions=pst.json_values)
def test_allow_with_arbitrary_json_raises_validation_error_or_works(
    actions: object, resources: object, conditions: object
) -> None:
    """allow() never fails with anything but ValidationError, whatever it is given."""
    grant = ThirdPartyGrant(role_name="R", trusted_account="111122223333", external_id="ab")
    try:
        grant = grant.allow(actions, resources, conditions, check_actions=False)  # type: ignore[arg-type]
    except ValidationError:
        return

    assert 1 == len(grant.statements)
