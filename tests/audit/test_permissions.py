"""Tests for xaccess.audit.permissions: escalation, admin wildcards and unknown actions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.audit.vendor_policies import DATADOG_PERMISSIONS, DATADOG_PERMISSIONS_PAGE
from xaccess import PolicyDocument, ThirdPartyGrant, ValidationError, evaluate
from xaccess.audit import audit_grant, audit_permissions


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    """A permission policy of these statements."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    """An Allow statement."""
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def test_datadogs_published_policy_has_an_unknown_action_and_a_service_wildcard() -> None:
    """The published Datadog policy names cloudtrail:ListObjects (no such action) and support:*."""
    report = audit_permissions([DATADOG_PERMISSIONS])

    assert ("XA204", "XA205") == report.codes(), DATADOG_PERMISSIONS_PAGE
    assert report.ok
    unknown = report.findings[1]
    assert "'cloudtrail:ListObjects'" in unknown.message
    assert (0, 0) == (unknown.policy, unknown.statement)


def test_a_typo_gets_a_did_you_mean_and_a_fix() -> None:
    """s3:GetObjekt is unknown; the message and the fix name s3:GetObject."""
    (finding,) = audit_permissions([policy(allow(["s3:GetObjekt"], "arn:aws:s3:::b/*"))]).findings

    assert "XA205" == finding.code
    assert "did you mean 's3:GetObject'?" in finding.message
    assert finding.fix is not None
    assert ("s3:GetObject",) == finding.fix.actions


def test_an_unknown_action_in_not_action_is_fixed_there() -> None:
    """A typo in NotAction is reported and its fix replaces it in NotAction."""
    statement = {"Effect": "Deny", "NotAction": ["s3:GetObjekt"], "Resource": "*"}

    (finding,) = audit_permissions([policy(statement)]).findings

    assert finding.fix is not None
    assert ("s3:GetObject",) == finding.fix.not_actions


def test_administrator_access_is_one_high_finding() -> None:
    """Action '*' on '*' is administrator access, reported once (not as every escalation)."""
    report = audit_permissions([policy(allow("*"))])

    assert ("XA201",) == report.codes()
    assert not report.ok


@pytest.mark.parametrize(
    "action",
    [
        "iam:PassRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:AttachRolePolicy",
        "iam:CreatePolicyVersion",
        "iam:CreateAccessKey",
    ],
)
def test_escalation_actions_on_any_resource_are_high(action: str) -> None:
    """Each escalation action allowed on every resource is a high finding with a witness."""
    document = policy(allow(action))

    (finding,) = audit_permissions([document]).findings

    assert finding.witness is not None
    assert ("XA202", action) == (finding.code, finding.witness.action)
    assert evaluate(finding.witness, identity_policies=[PolicyDocument.from_dict(document)]).allowed


def test_iam_star_reports_every_escalation_it_allows() -> None:
    """iam:* is judged by what it allows: every escalation action is reported."""
    codes = audit_permissions([policy(allow("iam:*"))]).codes()

    assert {"XA202"} == set(codes)
    assert len(codes) >= 10


def test_pass_role_scoped_to_one_role_is_fine() -> None:
    """iam:PassRole on a named role (with a service condition) is not escalation."""
    statement = allow(
        "iam:PassRole",
        "arn:aws:iam::123456789012:role/LambdaWorker",
        Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
    )

    assert () == audit_permissions([policy(statement)]).codes()


def test_assume_role_onward_on_any_role_is_high() -> None:
    """sts:AssumeRole on '*' lets the third party move on to other roles."""
    assert ("XA203",) == audit_permissions([policy(allow("sts:AssumeRole"))]).codes()


def test_escalation_split_over_two_documents_is_found() -> None:
    """Statements are judged together: a wildcard in one document and a Deny in none."""
    report = audit_permissions([policy(allow("s3:GetObject")), policy(allow("iam:Put*Policy"))])

    assert {"XA202"} == set(report.codes())
    assert {1} == {f.policy for f in report.findings}


def test_not_action_with_allow_is_low() -> None:
    """Allow with NotAction is reported (and judged by what it allows)."""
    statement = {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}

    report = audit_permissions([policy(statement)])

    assert "XA206" in report.codes()
    assert "XA201" not in report.codes()


def test_broad_aws_managed_policies_are_high() -> None:
    """AdministratorAccess attached to a third-party role is a high finding."""
    report = audit_permissions(
        [],
        managed_policy_arns=[
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/SecurityAudit",
        ],
    )

    assert ("XA207",) == report.codes()


def test_audit_grant_combines_trust_and_permissions() -> None:
    """A grant's audit covers its trust policy, inline statements and attached policies."""
    grant = (
        ThirdPartyGrant(
            role_name="AcmeAudit",
            trusted_account="111122223333",
            external_id="b7d0e3a4-4f6e-4c1a-9d0b-3f2e1a6c5b90",
        )
        # A grant built with check_actions=False can still hold a typo; the audit finds it.
        .allow(["s3:GetObjekt"], ["arn:aws:s3:::acme-logs/*"], check_actions=False)
        .attach("arn:aws:iam::aws:policy/IAMFullAccess")
    )

    report = audit_grant(grant)

    assert ("XA207", "XA205") == report.codes()


def test_bad_documents_raise_validation_error() -> None:
    """A permission policy that is not legal IAM raises ValidationError."""
    with pytest.raises(ValidationError):
        audit_permissions([{"Statement": [{"Effect": "Maybe"}]}])


_ESCALATING = [
    "iam:PassRole",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
]
_CUSTOMER_ROLE = "arn:aws:iam::444455556666:role/R"


@pytest.mark.parametrize("role_arn", [None, _CUSTOMER_ROLE])
@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:iam::444455556666:role/*",
        "arn:aws:iam::444455556666:*",
        "arn:aws:iam::4444*:role/*",
    ],
)
def test_escalation_scoped_to_the_customers_own_account_is_found(
    resource: str, role_arn: str | None
) -> None:
    """Escalation on every role of one named account is XA202, role ARN known or not."""
    report = audit_permissions([policy(allow(_ESCALATING, resource))], role_arn=role_arn)

    assert "XA202" in report.codes()
    assert not report.ok
    messages = " ".join(f.message for f in report.findings)
    assert "iam:AttachRolePolicy is allowed on roles" in messages
    assert "iam:PutRolePolicy is allowed on roles" in messages


def test_escalation_on_the_role_itself_is_found_when_its_arn_is_known() -> None:
    """PutRolePolicy/AttachRolePolicy on the audited role itself is self-escalation: XA202."""
    document = policy(allow(_ESCALATING, _CUSTOMER_ROLE))

    unknown = audit_permissions([document])
    known = audit_permissions([document], role_arn=_CUSTOMER_ROLE)

    assert () == unknown.codes()
    assert ("XA202", "XA202") == known.codes()
    assert [
        "iam:AttachRolePolicy is allowed on the role itself",
        "iam:PutRolePolicy is allowed on the role itself",
    ] == [f.message.split(",")[0] for f in known.findings]
    assert all(
        f.witness is not None and _CUSTOMER_ROLE == f.witness.resource for f in known.findings
    )


def test_escalation_on_a_named_role_of_another_account_is_not_flagged() -> None:
    """A grant scoped to one named role that is not the audited role stays clean."""
    document = policy(allow(_ESCALATING, "arn:aws:iam::444455556666:role/Other"))

    assert () == audit_permissions([document], role_arn=_CUSTOMER_ROLE).codes()


@pytest.mark.parametrize("role_arn", [None, _CUSTOMER_ROLE])
def test_assume_role_on_every_role_of_the_customers_account_is_xa203(role_arn: str | None) -> None:
    """sts:AssumeRole on arn:aws:iam::ACCOUNT:role/* lets access move on: XA203."""
    document = policy(allow("sts:AssumeRole", "arn:aws:iam::444455556666:role/*"))

    assert ("XA203",) == audit_permissions([document], role_arn=role_arn).codes()


def test_a_role_arn_that_is_not_a_role_is_refused() -> None:
    """role_arn must be a role ARN: ValidationError naming role_arn."""
    with pytest.raises(ValidationError, match="role_arn"):
        audit_permissions([policy(allow("s3:GetObject"))], role_arn="arn:aws:iam::1:user/u")


def test_audit_grant_with_the_role_arn_finds_self_escalation() -> None:
    """audit_grant(grant, role_arn=...) probes the role the grant will create."""
    grant = ThirdPartyGrant(
        role_name="R",
        trusted_account="111122223333",
        external_id="8c5e0f2b9d4a4c7e9f1a3b6d2e8c4f0a",
    ).allow(["iam:PutRolePolicy"], resources=[_CUSTOMER_ROLE])

    assert audit_grant(grant).ok
    report = audit_grant(grant, role_arn=grant.role_arn("444455556666"))
    assert ("XA202",) == report.codes()


def test_the_grants_audit_method_passes_the_role_arn_on() -> None:
    """grant.audit(role_arn=...) is audit_grant(grant, role_arn=...)."""
    grant = ThirdPartyGrant(
        role_name="R",
        trusted_account="111122223333",
        external_id="8c5e0f2b9d4a4c7e9f1a3b6d2e8c4f0a",
    ).allow(["iam:PutRolePolicy"], resources=[_CUSTOMER_ROLE])
    role_arn = grant.role_arn("444455556666")

    assert grant.audit().ok
    assert audit_grant(grant, role_arn=role_arn) == grant.audit(role_arn=role_arn)
    assert ("XA202",) == grant.audit(role_arn=role_arn).codes()
