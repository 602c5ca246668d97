"""Offline checks of a grant: can_assume() and permits()."""

from __future__ import annotations

from typing import Any

import pytest

from tests.grant.grants import (
    BOUNDARY,
    BUCKET,
    CUSTOMER,
    EXT,
    OBJECTS,
    OTHER_VENDOR,
    SCANNER,
    VENDOR,
    _full_grant,
    _grant,
    _permissions,
)
from xaccess import ThirdPartyGrant, ValidationError
from xaccess.policy import Condition, PolicyDocument, Statement

# -- offline evaluation ---------------------------------------------------------------------


def test_can_assume_allows_the_trusted_role_with_the_external_id() -> None:
    """A session of the pinned role with the right external ID may assume the role."""
    grant = _grant(trusted_account=None, trusted_principal=SCANNER)

    assert grant.can_assume(SCANNER, external_id=EXT).allowed


@pytest.mark.parametrize(
    ("principal", "external_id"),
    [
        (SCANNER, None),
        (SCANNER, EXT.upper()),
        (SCANNER, EXT + "x"),
        (SCANNER, "*"),
        (f"arn:aws:iam::{VENDOR}:role/Other", EXT),
        (f"arn:aws:iam::{OTHER_VENDOR}:role/Scanner", EXT),
        ("*", EXT),
    ],
)
def test_can_assume_refuses_everyone_else(principal: str, external_id: str | None) -> None:
    """Wrong or missing IDs, other roles, other accounts and anonymous callers are refused."""
    grant = _grant(trusted_account=None, trusted_principal=SCANNER)

    assert not grant.can_assume(principal, external_id=external_id).allowed


def test_can_assume_refuses_the_customers_own_account() -> None:
    """A principal of the account that owns the role is not trusted by a third-party grant."""
    decision = _grant().can_assume(
        f"arn:aws:iam::{CUSTOMER}:role/Admin", external_id=EXT, account_id=CUSTOMER
    )

    assert "implicit_deny" == decision.outcome


def test_can_assume_resolves_the_path_of_a_pinned_roles_session() -> None:
    """A session ARN has no role path; the pinned role's ARN supplies it."""
    role = f"arn:aws:iam::{VENDOR}:role/team/Scanner"
    grant = _grant(trusted_account=None, trusted_principal=role)

    session = f"arn:aws:sts::{VENDOR}:assumed-role/Scanner/run-1"
    assert grant.can_assume(session, external_id=EXT).allowed


def test_can_assume_does_not_resolve_other_sessions() -> None:
    """A session of another role (or of a role in another account) stays untrusted."""
    grant = _grant(
        trusted_account=None, trusted_principal=f"arn:aws:iam::{VENDOR}:role/team/Scanner"
    )

    assert [False, False] == [
        grant.can_assume(
            f"arn:aws:sts::{account}:assumed-role/{name}/run-1", external_id=EXT
        ).allowed
        for account, name in ((VENDOR, "Other"), (OTHER_VENDOR, "Scanner"))
    ]


def test_can_assume_refuses_a_malformed_principal() -> None:
    """The principal must be a string the evaluator understands."""
    with pytest.raises(ValidationError) as exc_info:
        _grant().can_assume(42)  # type: ignore[arg-type]

    assert "principal_arn" == exc_info.value.field


def test_can_assume_checks_session_name_patterns() -> None:
    """With a session-name restriction the session name must match."""
    grant = _grant().restrict_session_name("acme-*")
    caller = f"arn:aws:iam::{VENDOR}:role/Any"

    assert [True, False, False] == [
        grant.can_assume(caller, external_id=EXT, session_name=name).allowed
        for name in ("acme-1", "other", None)
    ]


def test_can_assume_with_tags_needs_tag_session() -> None:
    """Session tags are refused until allowed, then limited to the allowed keys."""
    caller = f"arn:aws:iam::{VENDOR}:role/Any"
    plain = _grant()
    tagged = plain.allow_session_tags(["team"])

    assert [False, True, False] == [
        plain.can_assume(caller, external_id=EXT, session_tags={"team": "a"}).allowed,
        tagged.can_assume(caller, external_id=EXT, session_tags={"team": "a"}).allowed,
        tagged.can_assume(caller, external_id=EXT, session_tags={"owner": "b"}).allowed,
    ]


def test_can_assume_with_source_identity() -> None:
    """A source identity needs sts:SetSourceIdentity; a required one must match."""
    caller = f"arn:aws:iam::{VENDOR}:role/Any"
    required = _grant().require_source_identity("svc-*")

    assert [False, True, False, False] == [
        _grant().can_assume(caller, external_id=EXT, source_identity="svc-a").allowed,
        required.can_assume(caller, external_id=EXT, source_identity="svc-a").allowed,
        required.can_assume(caller, external_id=EXT, source_identity="user-a").allowed,
        required.can_assume(caller, external_id=EXT).allowed,
    ]


def test_can_assume_checks_the_organization() -> None:
    """With require_org_id the caller's aws:PrincipalOrgID must match."""
    grant = _grant().require_org_id("o-a1b2c3d4e5")
    caller = f"arn:aws:iam::{VENDOR}:role/Any"

    assert [True, False] == [
        grant.can_assume(caller, external_id=EXT, context={"aws:PrincipalOrgID": org}).allowed
        for org in ("o-a1b2c3d4e5", "o-zzzzzzzzzz")
    ]


def test_can_assume_uses_the_given_identity_policies() -> None:
    """Cross account, the caller's own identity policies must allow too."""
    decision = _grant().can_assume(
        f"arn:aws:iam::{VENDOR}:role/Any", external_id=EXT, identity_policies=[]
    )

    assert "implicit_deny" == decision.outcome


def test_can_assume_refuses_an_incomplete_grant() -> None:
    """Evaluating a grant without an external ID is the same error as building it."""
    with pytest.raises(ValidationError, match="external ID"):
        _grant(external_id=None).can_assume(f"arn:aws:iam::{VENDOR}:role/Any")


def test_permits_follows_allows_and_denies() -> None:
    """Granted actions are allowed, others implicitly denied, denies win."""
    grant = _grant().allow("s3:GetObject", OBJECTS).deny("s3:GetObject", f"{BUCKET}/secret/*")

    assert ["allow", "implicit_deny", "explicit_deny"] == [
        grant.permits("s3:GetObject", f"{BUCKET}/a").outcome,
        grant.permits("s3:PutObject", f"{BUCKET}/a").outcome,
        grant.permits("s3:GetObject", f"{BUCKET}/secret/a").outcome,
    ]


def test_permits_evaluates_conditions_against_the_context() -> None:
    """Conditions see the context passed to permits()."""
    grant = _grant().allow("s3:GetObject", OBJECTS, {"Bool": {"aws:SecureTransport": "true"}})

    assert [True, False] == [
        grant.permits("s3:GetObject", f"{BUCKET}/a", context={"aws:SecureTransport": s}).allowed
        for s in (True, False)
    ]


def test_permits_sees_the_roles_own_arn() -> None:
    """aws:PrincipalArn is the role ARN, path included."""
    grant = _grant(path="/vendors/").allow(
        "s3:GetObject",
        f"{BUCKET}/${{aws:PrincipalAccount}}/*",
        {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/vendors/AcmeAudit"}},
    )

    assert grant.permits("s3:GetObject", f"{BUCKET}/{CUSTOMER}/x", account_id=CUSTOMER).allowed


def test_permits_uses_the_resources_account_by_default() -> None:
    """A resource in an account is evaluated as the role's own account."""
    table = f"arn:aws:dynamodb:eu-west-1:{CUSTOMER}:table/Audit"
    grant = _grant().allow("dynamodb:Query", table)

    assert grant.permits("dynamodb:Query", table).allowed
    assert not grant.permits("dynamodb:Query", table, account_id="999988887777").allowed


def test_permits_includes_managed_policy_documents_given() -> None:
    """Attached managed policies count when their documents are passed."""
    audit = "arn:aws:iam::aws:policy/SecurityAudit"
    document = PolicyDocument([Statement("Allow", actions=("iam:Get*",), resources=("*",))])
    grant = _grant().attach(audit)

    assert [False, True] == [
        grant.permits("iam:GetRole", "*").allowed,
        grant.permits("iam:GetRole", "*", policy_documents={audit: document}).allowed,
    ]


def test_permits_needs_the_boundary_document() -> None:
    """A boundary limits everything, so permits() refuses to guess without it."""
    grant = _grant(permissions_boundary=BOUNDARY).allow("s3:GetObject", OBJECTS)

    with pytest.raises(ValidationError, match="permissions boundary") as exc_info:
        grant.permits("s3:GetObject", f"{BUCKET}/a")

    assert "policy_documents" == exc_info.value.field


def test_permits_applies_the_boundary() -> None:
    """An action outside the boundary is denied even though a statement allows it."""
    boundary = PolicyDocument([Statement("Allow", actions=("s3:Get*",), resources=("*",))])
    grant = (
        _grant(permissions_boundary=BOUNDARY)
        .allow("s3:GetObject", OBJECTS)
        .allow("s3:PutObject", OBJECTS)
    )
    documents = {BOUNDARY: boundary}

    assert [True, False] == [
        grant.permits(action, f"{BUCKET}/a", policy_documents=documents).allowed
        for action in ("s3:GetObject", "s3:PutObject")
    ]


def test_permission_documents_are_identity_policies() -> None:
    """Emitted permission documents pass the identity-policy checks."""
    grant = _full_grant()
    for policy in grant.permission_policies():
        policy.document.check_identity_policy()

    assert [Condition("Bool", "aws:SecureTransport", ("true",))] == list(
        grant.statements[0].conditions
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role_name": 7}, "role_name"),
        ({"source_identity_patterns": ()}, "source_identity_patterns"),
        ({"session_name_patterns": ["ok", 5]}, "session_name_patterns[1]"),
        ({"org_ids": ["o-a1b2c3d4e5", "o-a1b2c3d4e5"]}, "org_ids[1]"),
    ],
)
def test_builder_state_given_directly_is_validated(kwargs: dict[str, Any], field: str) -> None:
    """Fields normally set by methods are validated when passed to the constructor."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(**kwargs)

    assert field == exc_info.value.field


def test_allow_accepts_any_iterable_of_strings() -> None:
    """Actions and resources may come from a generator."""
    grant = _grant().allow((a for a in ["s3:GetObject"]), iter([OBJECTS]))

    assert [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECTS}] == _permissions(
        grant
    )


def test_statements_beyond_the_inline_quota_go_into_customer_managed_policies() -> None:
    """Statements over the inline quota fill the inline policy, then managed ones, all permitted."""
    grant = _grant()
    for i in range(5):
        resources = [f"arn:aws:s3:::bucket-{i}-{j:03d}-{'x' * 30}/*" for j in range(45)]
        grant = grant.allow(f"s3:Get{i}", resources, sid=f"S{i}", check_actions=False)

    policies = grant.permission_policies()

    assert ["inline", "managed"] == [p.kind for p in policies]
    assert policies[0].document.size() <= 10240
    assert policies[1].document.size() <= 6144
    assert grant.permits("s3:Get4", "arn:aws:s3:::bucket-4-044-" + "x" * 30 + "/k")


def test_can_assume_leaves_a_malformed_session_arn_to_the_evaluator() -> None:
    """A session ARN that does not parse is reported by the evaluation, naming the principal."""
    grant = _grant(trusted_account=None, trusted_principal=SCANNER)

    with pytest.raises(ValidationError) as exc_info:
        grant.can_assume(f"arn:aws:sts::{VENDOR}:assumed-role/Scanner/x", external_id=EXT)

    assert "principal" == exc_info.value.field


def test_placeholder_account_avoids_trusted_and_calling_accounts() -> None:
    """The default role account is never a trusted account nor the caller's."""
    grant = _grant(trusted_account="000000000000", trusted_principals=["000000000001"])

    decision = grant.can_assume("arn:aws:iam::000000000002:role/Any", external_id=EXT)

    assert "implicit_deny" == decision.outcome


def test_can_assume_reads_a_role_path_with_a_dollar_brace_literally() -> None:
    """A role path holding "${" (legal in IAM paths) is not read as a policy variable."""
    grant = ThirdPartyGrant(
        role_name="Audit", path="/${x}/", trusted_account="111122223333", external_id=EXT
    )

    decision = grant.can_assume(
        "arn:aws:iam::111122223333:role/Scanner", external_id=EXT, account_id="444455556666"
    )

    assert decision.allowed
