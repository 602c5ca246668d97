"""The grant's permission policies: statements from allow()/deny(), merging, quotas."""

from __future__ import annotations

from typing import Any

import pytest

from tests.grant.grants import (
    BUCKET,
    OBJECTS,
    _grant,
    _permissions,
)
from xaccess import PolicySizeError, ValidationError
from xaccess.grant import NamedPolicy
from xaccess.policy import PolicyDocument, Statement

# -- permission policies --------------------------------------------------------------------


def test_allow_builds_one_inline_policy_named_after_the_role() -> None:
    """allow() statements go into one policy, ROLE-0."""
    grant = _grant().allow(["s3:GetObject"], [OBJECTS])

    assert (
        NamedPolicy(
            "AcmeAudit-0",
            PolicyDocument([Statement("Allow", actions=("s3:GetObject",), resources=(OBJECTS,))]),
        ),
    ) == grant.permission_policies()


def test_inline_policy_prefix_names_the_policies() -> None:
    """inline_policy_prefix replaces the role name in policy names."""
    grant = _grant(inline_policy_prefix="vendor-access").allow("s3:GetObject", OBJECTS)

    assert ["vendor-access-0"] == [p.name for p in grant.permission_policies()]


def test_grant_without_statements_has_no_inline_policy() -> None:
    """Only managed policies (or none): no inline policy is emitted."""
    assert () == _grant().attach("arn:aws:iam::aws:policy/SecurityAudit").permission_policies()


def test_conditions_mapping_is_parsed_with_the_model_rules() -> None:
    """Conditions are {operator: {key: value(s)}}; tuples are accepted as lists."""
    grant = _grant().allow(
        "s3:ListBucket",
        BUCKET,
        {"StringLike": {"s3:prefix": ("logs/*", "audit/*")}, "Bool": {"aws:SecureTransport": True}},
    )

    assert {
        "Bool": {"aws:SecureTransport": True},
        "StringLike": {"s3:prefix": ["logs/*", "audit/*"]},
    } == _permissions(grant)[0]["Condition"]


def test_deny_builds_a_deny_statement_with_a_sid() -> None:
    """deny() adds an explicit Deny, here with a Sid."""
    grant = _grant().deny("s3:DeleteObject", OBJECTS, sid="NoDelete")

    assert [
        {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": OBJECTS}
    ] == _permissions(grant)


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (("s3GetObject", OBJECTS), {}, "actions"),
        ((["s3:GetObject", "s3 Get"], OBJECTS), {}, "actions[1]"),
        (([], OBJECTS), {}, "actions"),
        ((42, OBJECTS), {}, "actions"),
        (([42], OBJECTS), {}, "actions[0]"),
        (("s3:GetObject", "bucket"), {}, "resources"),
        (("s3:GetObject", [OBJECTS, "arn:aws:s3:us-east-1::x"]), {}, "resources[1]"),
        (("s3:GetObject", OBJECTS, {"StringEqualz": {"a:b": "c"}}), {}, "conditions.StringEqualz"),
        (("s3:GetObject", OBJECTS, {"StringEquals": {"nocolon": "c"}}), {}, "conditions"),
        (("s3:GetObject", OBJECTS, "x"), {}, "conditions"),
        (("s3:GetObject", OBJECTS), {"sid": "not valid"}, "sid"),
    ],
)
def test_invalid_permission_arguments_are_refused(
    args: tuple[Any, ...], kwargs: dict[str, Any], field: str
) -> None:
    """allow() checks actions, resources, conditions and Sid, naming the argument."""
    with pytest.raises(ValidationError) as exc_info:
        _grant().allow(*args, **kwargs)

    assert exc_info.value.field.startswith(field)


def test_duplicate_sid_is_refused() -> None:
    """Sids are unique across the grant."""
    grant = _grant().allow("s3:GetObject", OBJECTS, sid="Read")

    with pytest.raises(ValidationError, match="already used") as exc_info:
        grant.deny("s3:DeleteObject", OBJECTS, sid="Read")

    assert "sid" == exc_info.value.field


def test_statements_with_the_same_resources_merge_their_actions() -> None:
    """Same effect, resources and conditions: one statement with the actions united."""
    grant = (
        _grant()
        .allow("s3:GetObject", [BUCKET, OBJECTS])
        .allow(["s3:ListBucket", "s3:getobject"], [OBJECTS, BUCKET])
    )

    assert [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [BUCKET, OBJECTS],
        }
    ] == _permissions(grant)


def test_statements_with_the_same_actions_merge_their_resources() -> None:
    """Same effect, actions and conditions: one statement with the resources united."""
    grant = _grant().allow("s3:GetObject", OBJECTS).allow("s3:GetObject", "arn:aws:s3:::other/*")

    assert [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": [OBJECTS, "arn:aws:s3:::other/*"]}
    ] == _permissions(grant)


def test_merging_repeats_until_nothing_changes() -> None:
    """A grid of actions and resources collapses into one statement."""
    grant = (
        _grant()
        .allow("s3:GetObject", OBJECTS)
        .allow("s3:GetObject", BUCKET)
        .allow("s3:ListBucket", OBJECTS)
        .allow("s3:ListBucket", BUCKET)
    )

    assert 1 == len(_permissions(grant))


def test_different_conditions_effects_and_sids_are_never_merged() -> None:
    """Statements differing in conditions or effect, or carrying a Sid, stay apart."""
    secure = {"Bool": {"aws:SecureTransport": "true"}}
    grant = (
        _grant()
        .allow("s3:GetObject", OBJECTS)
        .allow("s3:PutObject", OBJECTS, secure)
        .deny("s3:DeleteObject", OBJECTS)
        .allow("s3:GetObjectAcl", OBJECTS, sid="Acl")
    )

    assert 4 == len(_permissions(grant))


def test_exact_duplicates_are_dropped() -> None:
    """Asking for the same permission twice emits it once."""
    grant = _grant().allow("s3:GetObject", OBJECTS).allow("s3:GetObject", OBJECTS)

    assert [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECTS}] == _permissions(
        grant
    )


def test_conditions_equal_up_to_key_case_and_value_order_merge() -> None:
    """Condition keys ignore case and values are a set, so these conditions are equal."""
    grant = (
        _grant()
        .allow("s3:GetObject", OBJECTS, {"StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}})
        .allow("s3:PutObject", OBJECTS, {"StringEquals": {"aws:sourcevpc": ["vpc-2", "vpc-1"]}})
    )

    assert 1 == len(_permissions(grant))


def test_permission_policies_over_the_inline_quota_overflow_into_one_managed_policy() -> None:
    """Statements over the inline quota go into a customer-managed policy named after the role."""
    grant = _grant(inline_policies_quota=300)
    for i in range(6):
        grant = grant.allow(
            f"s3:Get{i}", f"arn:aws:s3:::bucket{i}/*", sid=f"S{i}", check_actions=False
        )

    policies = grant.permission_policies()

    assert [("AcmeAudit-0", "inline"), ("AcmeAudit-managed-0", "managed")] == [
        (p.name, p.kind) for p in policies
    ]
    assert policies[0].document.size() <= 300
    assert 6 == sum(len(p.document.statements) for p in policies)


def test_permission_policies_beyond_the_managed_policies_quota_say_what_is_needed() -> None:
    """Without room for managed policies, PolicySizeError gives the size needed and the most."""
    grant = _grant(inline_policies_quota=300, max_managed_policies=0)
    for i in range(6):
        grant = grant.allow(
            f"s3:Get{i}", f"arn:aws:s3:::bucket{i}/*", sid=f"S{i}", check_actions=False
        )

    with pytest.raises(PolicySizeError) as exc_info:
        grant.permission_policies()

    error = exc_info.value
    assert ("permission_policies", 300) == (error.field, error.limit)
    assert error.size > 300
    assert "need 1 customer-managed policies" in error.__notes__[0]


def test_a_statement_too_large_for_any_policy_is_split_by_its_resources() -> None:
    """One statement larger than every policy is split across policies, losing nothing."""
    resources = [f"arn:aws:s3:::bucket-{i:04d}-{'x' * 40}/*" for i in range(200)]
    grant = _grant().allow("s3:GetObject", resources)

    policies = grant.permission_policies()

    assert ["inline", "managed"] == [p.kind for p in policies]
    assert sorted(resources) == sorted(
        r for p in policies for s in p.document.statements for r in s.resources
    )


def test_a_statement_with_a_sid_too_large_for_any_policy_is_refused() -> None:
    """A statement with a Sid is never split: too large, it raises PolicySizeError."""
    resources = [f"arn:aws:s3:::bucket-{i:04d}-{'x' * 40}/*" for i in range(200)]
    grant = _grant().allow("s3:GetObject", resources, sid="Big")

    with pytest.raises(PolicySizeError) as exc_info:
        grant.permission_policies()

    assert 6144 == exc_info.value.limit
    assert "Sid" in exc_info.value.__notes__[0]


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        (Statement("Allow", not_actions=("s3:*",), resources=("*",)), "NotAction"),
        (Statement("Allow", actions=("s3:*",), not_resources=("*",)), "NotResource"),
        (Statement("Allow", actions=("s3:*",)), "needs resources"),
    ],
)
def test_unsupported_statements_are_refused(statement: Statement, rule: str) -> None:
    """Statements given directly must be plain Action/Resource statements."""
    with pytest.raises(ValidationError, match=rule) as exc_info:
        _grant(statements=[statement])

    assert "statements[0]" == exc_info.value.field


def test_statement_with_a_principal_is_refused() -> None:
    """A permission statement cannot name a principal."""
    statement = Statement.from_dict(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}
    )

    with pytest.raises(ValidationError, match="principal"):
        _grant(statements=[statement])


@pytest.mark.parametrize(
    ("statements", "field"),
    [("not statements", "statements"), ([{"Effect": "Allow"}], "statements[0]"), (3, "statements")],
)
def test_statements_must_be_statement_values(statements: object, field: str) -> None:
    """statements= takes Statement values only."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(statements=statements)

    assert field == exc_info.value.field


def test_statements_with_one_sid_twice_are_refused() -> None:
    """Sids given directly must be unique too."""
    statement = Statement("Allow", actions=("s3:*",), resources=("*",), sid="A")

    with pytest.raises(ValidationError, match="repeats the Sid"):
        _grant(statements=[statement, statement])


@pytest.mark.parametrize("method", ["allow", "deny"])
def test_an_unknown_action_is_refused_with_a_did_you_mean(method: str) -> None:
    """allow()/deny() refuse an action the IAM action catalog does not know, naming the fix."""
    with pytest.raises(ValidationError, match=r"did you mean 's3:GetObject'") as caught:
        getattr(_grant(), method)(["s3:ListBucket", "s3:GetObjekt"], OBJECTS)

    assert "actions[1]" == caught.value.field


def test_patterns_that_match_known_actions_are_accepted() -> None:
    """Wildcards are checked as patterns: they pass when they match a catalogued action."""
    grant = _grant().allow(["s3:Get*", "ec2:Describe*", "s3:?utObject"], "*")

    assert ("ec2:Describe*", "s3:?utObject", "s3:Get*") == tuple(
        sorted(grant.statements[0].actions)
    )
    with pytest.raises(ValidationError, match="not an action in the IAM action catalog"):
        _grant().allow("s3:Nothing*", "*")


def test_check_actions_false_accepts_actions_newer_than_the_catalog() -> None:
    """check_actions=False lets an action through that the installed catalog does not know."""
    grant = _grant().allow("newservice:DoTheNewThing", "*", check_actions=False)

    assert ("newservice:DoTheNewThing",) == grant.statements[0].actions
    with pytest.raises(ValidationError, match="check_actions"):
        _grant().allow("s3:GetObject", "*", check_actions="no")  # type: ignore[arg-type]
