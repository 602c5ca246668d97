"""Tests for xaccess.audit.trust: trust-policy findings, judged by evaluation, with witnesses."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from tests import strategies as pst
from tests.audit.vendor_policies import (
    DATADOG_ACCOUNT,
    DATADOG_EXTERNAL_ID,
    TRUST_CASES,
    trust,
)
from xaccess import PolicyDocument, Request, ThirdPartyGrant, ValidationError, evaluate
from xaccess.audit import Severity, audit_trust_policy
from xaccess.audit.trust import UNRESOLVED_PREFIX
from xaccess.testing import session_for, strict_sts

if TYPE_CHECKING:
    from xaccess.audit import Finding
    from xaccess.testing import StrictSTS

DATADOG_PAGE = (
    "https://docs.datadoghq.com/integrations/faq/error-datadog-not-authorized-sts-assume-role"
)
CALLER_MAY_CALL_STS = PolicyDocument.from_dict(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
    }
)


def datadog(condition: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """Datadog's published trust statement (see DATADOG_PAGE), with changes."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": DATADOG_ACCOUNT},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}},
    }
    if condition is not None:
        statement["Condition"] = condition
    statement.update(changes)
    return statement


def written_external_ids(document: PolicyDocument) -> set[str]:
    """Every value a condition of the policy compares sts:ExternalId with, as written."""
    return {
        str(value)
        for statement in document
        for condition in statement.conditions
        if condition.key.lower() == "sts:externalid"
        for value in condition.values
    }


def allowed_without_external_id(finding: Finding, policy: dict[str, Any]) -> bool:
    """Whether the finding's witness is allowed and sends no external ID the policy names."""
    witness = finding.witness
    assert witness is not None
    document = PolicyDocument.from_dict(policy)
    sent = witness.context.get("sts:ExternalId")
    decision = evaluate(witness, resource_policy=document, identity_policies=[CALLER_MAY_CALL_STS])
    return decision.allowed and (sent is None or sent not in written_external_ids(document))


@pytest.mark.parametrize(("page", "policy", "codes", "ok"), TRUST_CASES)
def test_real_vendor_policies_get_their_known_answers(
    page: str, policy: dict[str, Any], codes: tuple[str, ...], ok: bool
) -> None:
    """Each published vendor trust policy (or its documented variant) gets the expected codes."""
    report = audit_trust_policy(policy)

    assert (codes, ok) == (report.codes(), report.ok), page


# Datadog's published policy, broken in each way the issue lists: (rule, statements).
HIGH_VARIANTS: list[tuple[str, list[dict[str, Any]]]] = [
    ("XA101", [datadog(condition={})]),
    ("XA102", [datadog({"StringEqualsIfExists": {"sts:ExternalId": DATADOG_EXTERNAL_ID}})]),
    ("XA103", [datadog({"StringNotEquals": {"sts:ExternalId": "someone-elses-id"}})]),
    ("XA104", [datadog({"StringLike": {"sts:ExternalId": "*"}})]),
    ("XA105", [datadog({"ForAllValues:StringEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}})]),
    ("XA106", [datadog(condition={}, Principal="*")]),
    ("XA106", [datadog(condition={}, Principal={"AWS": "*"})]),
    ("XA108", [datadog({"Null": {"sts:ExternalId": "false"}})]),
    (
        "XA101",  # aws:PrincipalArn narrows who may come, it does not replace the external ID
        [
            datadog(
                {
                    "StringEquals": {
                        "aws:PrincipalArn": "arn:aws:iam::464622532012:role/DatadogIntegration"
                    }
                }
            )
        ],
    ),
    (
        "XA101",  # a pinned account under Principal "*" is still a third party
        [datadog({"StringEquals": {"aws:PrincipalAccount": "464622532012"}}, Principal="*")],
    ),
]


def _without_empty_conditions(statements: list[dict[str, Any]]) -> dict[str, Any]:
    cleaned = [{k: v for k, v in s.items() if v not in ({}, None)} for s in statements]
    return {"Version": "2012-10-17", "Statement": cleaned}


@pytest.mark.parametrize(("code", "statements"), HIGH_VARIANTS)
def test_each_way_around_the_external_id_is_high_with_a_witness(
    code: str, statements: list[dict[str, Any]]
) -> None:
    """Every bypass of the external ID is a high finding whose witness the evaluator allows."""
    policy = _without_empty_conditions(statements)

    report = audit_trust_policy(policy)

    assert not report.ok
    (finding,) = report.at_least(Severity.HIGH)
    assert code == finding.code
    assert 0 == finding.statement
    assert allowed_without_external_id(finding, policy)


def test_a_statement_without_the_external_id_is_found_beside_one_with_it() -> None:
    """A second statement that lets the vendor in without the external ID is the one reported."""
    policy = trust(datadog())
    policy["Statement"].append(
        datadog(condition={"StringEquals": {"aws:PrincipalAccount": "464622532012"}}, Principal="*")
    )

    report = audit_trust_policy(policy)

    (finding,) = report.at_least(Severity.HIGH)
    assert (1, "XA101") == (finding.statement, finding.code)
    assert allowed_without_external_id(finding, policy)


def test_a_deny_without_the_external_id_closes_the_gap() -> None:
    """A Deny when sts:ExternalId is missing or wrong makes an unconditioned Allow safe."""
    policy = trust(datadog(condition={}))
    del policy["Statement"][0]["Condition"]
    policy["Statement"].append(
        {
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}},
        }
    )

    assert audit_trust_policy(policy).ok


def test_the_fix_pins_the_exact_external_id() -> None:
    """The fix of an IfExists condition is StringEquals on the same external ID, nothing else."""
    policy = trust(datadog({"StringEqualsIfExists": {"sts:ExternalId": DATADOG_EXTERNAL_ID}}))

    (finding,) = audit_trust_policy(policy).findings

    assert finding.fix is not None
    assert datadog() == finding.fix.to_dict()
    assert audit_trust_policy(trust(finding.fix.to_dict())).ok


def test_a_fix_without_a_known_external_id_has_a_placeholder() -> None:
    """With no external ID to keep, the fix says where to put one."""
    policy = trust(datadog(condition={}))
    del policy["Statement"][0]["Condition"]

    (finding,) = audit_trust_policy(policy).findings

    assert finding.fix is not None
    assert {"StringEquals": {"sts:ExternalId": "<EXTERNAL-ID>"}} == finding.fix.to_dict()[
        "Condition"
    ]


def test_everyone_has_no_fix() -> None:
    """Principal '*' cannot be fixed without knowing who should be trusted."""
    (finding,) = audit_trust_policy(trust(datadog(condition={}, Principal="*") | {})).at_least(
        "high"
    )

    assert finding.fix is None


# Datadog's published policy, changed in ways that are not high: (rule, statement, ok).
OTHER_VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("XA110", datadog({"StringLike": {"sts:ExternalId": "datadog-*"}})),
    ("XA111", datadog({"StringEquals": {"sts:ExternalId": "464622532012"}})),
    ("XA111", datadog({"StringEquals": {"sts:ExternalId": "externalid"}})),
    ("XA111", datadog({"StringEquals": {"sts:ExternalId": "aaaabbbbaaaabbbb"}})),
    ("XA111", datadog({"StringEquals": {"sts:ExternalId": "${aws:PrincipalAccount}-ext"}})),
    ("XA130", datadog(Action=["sts:AssumeRole", "sts:TagSession"])),
    ("XA131", datadog(Action=["sts:AssumeRole", "sts:SetSourceIdentity"])),
    ("XA140", datadog({"StringEquals": {"sts:externalid": DATADOG_EXTERNAL_ID}})),
    ("XA142", datadog(condition={}, Principal={"Service": "ec2.amazonaws.com"})),
    ("XA144", datadog({"ForAnyValue:StringEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}})),
]


@pytest.mark.parametrize(("code", "statement"), OTHER_VARIANTS)
def test_weaker_problems_are_reported_without_failing_the_report(
    code: str, statement: dict[str, Any]
) -> None:
    """Patterns, guessable IDs, session controls, spelling and services are below high."""
    policy = _without_empty_conditions([statement])

    report = audit_trust_policy(policy)

    assert report.ok
    assert (code,) == report.codes()
    assert report.findings[0].witness is None


def test_a_repeated_statement_is_redundant() -> None:
    """The second copy of a statement (Sid aside) is reported as redundant."""
    policy = trust(datadog())
    policy["Statement"].append(datadog(Sid="Again"))

    assert ("XA141",) == audit_trust_policy(policy).codes()


def test_the_role_itself_and_its_own_account_are_not_third_parties() -> None:
    """With role_arn, self-assumption is fine and the own account is only noted."""
    role = "arn:aws:iam::444455556666:role/Deploy"
    own = trust(datadog(condition={}, Principal={"AWS": ["444455556666", role]}))
    del own["Statement"][0]["Condition"]

    report = audit_trust_policy(own, role_arn=role)

    assert report.ok
    assert ("XA143",) == report.codes()
    assert not audit_trust_policy(own).ok  # without role_arn, the account is a third party


def test_an_unresolved_external_id_is_exact() -> None:
    """A template parameter as the external ID is an unknown but fixed string: no finding."""
    policy = trust(datadog({"StringEquals": {"sts:ExternalId": UNRESOLVED_PREFIX + "ExternalId"}}))

    assert () == audit_trust_policy(policy).codes()


def test_policy_may_be_json_text_a_dict_or_a_document() -> None:
    """The three input forms give the same report."""
    policy = trust(datadog(condition={}))
    del policy["Statement"][0]["Condition"]

    reports = {
        audit_trust_policy(policy),
        audit_trust_policy(json.dumps(policy)),
        audit_trust_policy(PolicyDocument.from_dict(policy)),
    }

    assert 1 == len(reports)


@pytest.mark.parametrize(
    ("policy", "role_arn", "field"),
    [
        ("{not json", None, "policy"),
        ({"Statement": []}, None, "Statement"),
        (trust(datadog()), "arn:aws:iam::1:user/x", "role_arn"),
    ],
)
def test_bad_input_raises_validation_error(policy: Any, role_arn: str | None, field: str) -> None:
    """Malformed policies and role ARNs raise ValidationError naming the field."""
    with pytest.raises(ValidationError) as exc_info:
        audit_trust_policy(policy, role_arn=role_arn)

    assert field in exc_info.value.field


# -- properties ------------------------------------------------------------------------------

_accounts = st.text("0123456789", min_size=12, max_size=12)
_external_ids = st.text(
    st.characters(codec="ascii", categories=["L", "N"]), min_size=2, max_size=40
)


@st.composite
def grants(draw: st.DrawFn) -> ThirdPartyGrant:
    """Grants with one or more trusted principals and external IDs, and the trust options."""
    account = draw(_accounts)
    principal = draw(
        st.sampled_from(
            [account, f"arn:aws:iam::{account}:role/Vendor", f"arn:aws:iam::{account}:user/V"]
        )
    )
    grant = ThirdPartyGrant(
        role_name="Audited",
        trusted_principal=principal if not principal.isdigit() else None,
        trusted_account=principal if principal.isdigit() else None,
        external_id=draw(st.lists(_external_ids, min_size=1, max_size=3, unique=True)),
        pin=draw(st.sampled_from(["condition", "arn"])),
    )
    if draw(st.booleans()):
        grant = grant.allow_session_tags(draw(st.none() | st.just(["team"])))
    if draw(st.booleans()):
        grant = grant.require_source_identity()
    if draw(st.booleans()):
        grant = grant.restrict_session_name("vendor-*")
    return grant


def without_external_id(grant: ThirdPartyGrant) -> dict[str, Any]:
    """The grant's trust policy with its sts:ExternalId condition removed."""
    policy = copy.deepcopy(grant.trust_policy().to_dict())
    for statement in policy["Statement"]:
        del statement["Condition"]["StringEquals"]["sts:ExternalId"]
        if not statement["Condition"]["StringEquals"]:
            del statement["Condition"]["StringEquals"]
        if not statement["Condition"]:
            del statement["Condition"]
    return policy


@given(grant=grants())
def test_a_grants_trust_policy_is_always_ok(grant: ThirdPartyGrant) -> None:
    """For every grant, the audit of its trust policy has no high finding."""
    report = audit_trust_policy(grant.trust_policy())

    assert report.ok, report.findings


@given(grant=grants())
def test_removing_the_external_id_is_always_high_with_an_allowed_witness(
    grant: ThirdPartyGrant,
) -> None:
    """Without its sts:ExternalId condition, every grant's trust policy has a high witness."""
    policy = without_external_id(grant)

    report = audit_trust_policy(policy)

    assert not report.ok
    for finding in report.at_least("high"):
        assert allowed_without_external_id(finding, policy)
        assert isinstance(finding.witness, Request)


# -- witnesses hold against AWS's authorization (strict STS on moto) --------------------------


def _replayable() -> list[tuple[str, dict[str, Any]]]:
    """Every trust policy above whose audit has a high sts:AssumeRole witness."""
    policies = [(page, policy) for page, policy, _, _ in TRUST_CASES]
    policies += [(code, _without_empty_conditions(s)) for code, s in HIGH_VARIANTS]
    out = []
    for name, policy in policies:
        report = audit_trust_policy(policy)
        if any(f.witness and f.witness.action == "sts:AssumeRole" for f in report.findings):
            out.append((name, policy))
    return out


def replay(policy: dict[str, Any]) -> int:
    """Send every high witness of the policy's audit to moto as AssumeRole; count successes.

    Needs moto in process with strict STS. The callers are made first: a trust policy names a
    user or role only if it existed when the policy was saved.
    """
    witnesses = [f.witness for f in audit_trust_policy(policy).at_least("high") if f.witness]
    callers = [session_for(w.principal).client("sts") for w in witnesses]
    role_arn = witnesses[0].resource
    admin = session_for(f"arn:aws:iam::{role_arn.split(':')[4]}:root").client("iam")
    admin.create_role(
        RoleName=role_arn.rsplit("/", 1)[1], AssumeRolePolicyDocument=json.dumps(policy)
    )
    assumed = 0
    for witness, caller in zip(witnesses, callers, strict=True):
        context = witness.context
        arguments: dict[str, str] = {
            "RoleSessionName": str(context.get("sts:RoleSessionName", "audit-witness")),
        }
        if "sts:ExternalId" in context:
            arguments["ExternalId"] = str(context["sts:ExternalId"])
        if "sts:SourceIdentity" in context:
            arguments["SourceIdentity"] = str(context["sts:SourceIdentity"])
        answer = caller.assume_role(RoleArn=role_arn, **arguments)  # type: ignore[arg-type]
        assumed += answer["AssumedRoleUser"]["Arn"].endswith("/" + arguments["RoleSessionName"])
    return assumed


@pytest.mark.parametrize(("name", "policy"), _replayable())
def test_every_witness_assumes_the_role_under_strict_sts(
    name: str, policy: dict[str, Any], strict_sts: StrictSTS
) -> None:
    """Each high witness, sent to moto as AssumeRole with strict STS, is let in."""
    assert replay(policy) >= 1, name
    assert () == strict_sts.denied


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grant=grants())
def test_witnesses_of_grants_without_their_external_id_assume_the_role(
    grant: ThirdPartyGrant, fake_env: None
) -> None:
    """For grants stripped of the external ID, every witness is let in by strict STS on moto."""
    policy = without_external_id(grant)

    with mock_aws(), strict_sts() as sts:
        assert len(audit_trust_policy(policy).at_least("high")) == replay(policy)
        assert () == sts.denied


def test_the_witness_satisfies_every_other_condition_of_the_statement() -> None:
    """Conditions on other keys (numbers, dates, IPs, booleans, Null, sets) are met."""
    policy = trust(
        datadog(
            {
                "NumericLessThan": {"aws:MultiFactorAuthAge": "3600.5"},
                "NumericGreaterThanEquals": {"aws:EpochTime": 1700000000},
                "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
                "DateLessThanEquals": {"aws:TokenIssueTime": "2030-01-01T00:00:00Z"},
                "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                "NotIpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "Null": {"aws:PrincipalTag/team": "false", "aws:SourceVpc": "true"},
                "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3/*"},
                "StringNotEquals": {"aws:PrincipalTag/role": "intern"},
            }
        )
    )

    (finding,) = audit_trust_policy(policy).findings

    assert "XA101" == finding.code
    assert allowed_without_external_id(finding, policy)


def test_an_unreadable_number_gives_no_witness() -> None:
    """A NumericEquals value that is not a number matches nothing, so nothing gets in."""
    policy = trust(datadog({"NumericEquals": {"aws:MultiFactorAuthAge": "soon"}}))

    assert audit_trust_policy(policy).ok


@given(document=pst.documents(use="trust"), known=st.booleans())
def test_any_trust_policy_is_audited_and_every_high_witness_is_allowed(
    document: PolicyDocument, known: bool
) -> None:
    """For every valid trust policy, the audit completes and each witness is really let in."""
    role_arn = "arn:aws:iam::444455556666:role/Audited" if known else None

    report = audit_trust_policy(document, role_arn=role_arn)

    for finding in report.findings:
        if finding.witness is None:
            continue
        decision = evaluate(
            finding.witness, resource_policy=document, identity_policies=[CALLER_MAY_CALL_STS]
        )
        assert decision.allowed
        sent = finding.witness.context.get("sts:ExternalId")
        assert sent is None or sent not in written_external_ids(document)


@pytest.mark.parametrize(
    ("condition", "codes"),
    [
        ({}, ("XA121",)),
        ({"StringEquals": {"accounts.google.com:aud": "123.apps.googleusercontent.com"}}, ()),
        ({"StringEquals": {"accounts.google.com:sub": "110169484474386276334"}}, ("XA120",)),
    ],
)
def test_web_identity_needs_an_audience_and_a_subject(
    condition: dict[str, Any], codes: tuple[str, ...]
) -> None:
    """Google web identity: open to all is high, a pinned audience is fine, sub alone medium."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": "accounts.google.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    if condition:
        statement["Condition"] = condition

    report = audit_trust_policy(trust(statement))

    assert codes == report.codes()
    if codes == ("XA121",):
        witness = report.findings[0].witness
        assert witness is not None
        assert evaluate(witness, resource_policy=PolicyDocument.from_dict(trust(statement))).allowed


def test_allow_with_not_principal_in_a_trust_policy_is_high() -> None:
    """Allow with NotPrincipal trusts everyone not listed (and IAM refuses it): XA107 high."""
    statement = datadog(condition={}, Principal=None, NotPrincipal={"AWS": "111122223333"})
    policy = _without_empty_conditions([statement])

    report = audit_trust_policy(policy)

    assert not report.ok
    (finding,) = report.at_least(Severity.HIGH)
    assert ("XA107", 0, None) == (finding.code, finding.statement, finding.witness)


def test_deny_with_not_principal_is_a_broken_policy_not_a_high_finding() -> None:
    """Deny with NotPrincipal beside a safe Allow cannot deploy: XA145 low, the report is ok."""
    deny = datadog(condition={}, Principal=None, NotPrincipal={"AWS": "111122223333"})
    deny["Effect"] = "Deny"
    policy = _without_empty_conditions([datadog(), deny])

    report = audit_trust_policy(policy)

    assert report.ok
    assert ("XA145",) == report.codes()
    assert (1, Severity.LOW) == (report.findings[0].statement, report.findings[0].severity)
    assert "cannot be deployed" in report.findings[0].message


@pytest.mark.parametrize(
    "external_id", ["SOOPASEKRET", "464622532012", "aaaabbbbaaaabbbbaaaabbbbaaaabbbbaaaabbbbaaaa"]
)
def test_a_guessable_external_id_is_masked_in_the_message(external_id: str) -> None:
    """XA111 shows only the first four characters and the length of the external ID."""
    policy = trust(datadog({"StringEquals": {"sts:ExternalId": external_id}}))

    (finding,) = audit_trust_policy(policy).findings

    assert "XA111" == finding.code
    assert external_id not in finding.message
    assert f"'{external_id[:4]}...' ({len(external_id)} characters)" in finding.message
