"""Tests for the CloudFormation export: the template creates exactly the grant's role."""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from tests.export.strategies import grants, realistic_grants
from tests.export.support import VENDOR_ROLE, expected_spec, rich_grant, substitute_ref
from tests.identifiers import strategies as ids
from xaccess import PolicyDocument, PolicySizeError, ValidationError
from xaccess.export import render_json, render_yaml, to_cloudformation
from xaccess.grant import ThirdPartyGrant
from xaccess.rolespec import canonical_policy
from xaccess.testing import session_for

if TYPE_CHECKING:
    from xaccess.grant import ThirdPartyGrant as Grant
    from xaccess.testing import StrictSTS

_SLOW = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_CUSTOMER = "444455556666"


def _role(template: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = template["Resources"]["Role"]["Properties"]
    return properties


def _lint(text: str) -> list[str]:
    from cfnlint.api import lint  # noqa: PLC0415 - slow to import: only the lint tests use it

    return [str(match) for match in lint(text, regions=["us-east-1"])]


def _grant_tags(spec: Any) -> list[dict[str, str]]:
    """The grant's own tags as CloudFormation lists them: without the ownership tag."""
    return [{"Key": t.key, "Value": t.value} for t in sorted(spec.tags, key=lambda t: t.key)]


def _pattern(template: dict[str, Any]) -> re.Pattern[str]:
    return re.compile(template["Parameters"]["ExternalId"]["AllowedPattern"], re.ASCII)


def test_template_creates_what_create_creates() -> None:
    """Every role property equals the grant's role spec, tags with the ownership tag."""
    grant = rich_grant()
    template = to_cloudformation(grant)
    properties = substitute_ref(_role(template), "ExternalId", "customer-id-1234")
    spec = expected_spec(grant, "customer-id-1234")

    assert "AWS::IAM::Role" == template["Resources"]["Role"]["Type"]
    assert spec.role_name == properties["RoleName"]
    assert spec.path == properties["Path"]
    assert spec.description == properties["Description"]
    assert spec.max_session_duration == properties["MaxSessionDuration"]
    assert spec.permissions_boundary == properties["PermissionsBoundary"]
    assert list(spec.managed_policy_arns) == properties["ManagedPolicyArns"]
    assert _grant_tags(spec) == properties.get("Tags", [])
    assert "xaccess:managed" not in {tag["Key"] for tag in properties.get("Tags", [])}
    assert spec.trust_policy == PolicyDocument.from_dict(properties["AssumeRolePolicyDocument"])
    assert [(name, doc.to_dict()) for name, doc in spec.inline_policies] == [
        (p["PolicyName"], p["PolicyDocument"]) for p in properties["Policies"]
    ]


@given(grants(), ids.external_ids())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_grant_gives_its_role_with_the_parameter_substituted(
    grant: Grant, external_id: str
) -> None:
    """For every grant, the template with any external ID is the role create() would make."""
    template = to_cloudformation(grant, external_id_parameter="Id")
    external_id = external_id[: template["Parameters"]["Id"]["MaxLength"]]
    properties = substitute_ref(_role(template), "Id", external_id)
    spec = expected_spec(grant, external_id)

    assert spec.trust_policy.to_dict() == properties["AssumeRolePolicyDocument"]
    assert spec.inline_policies == tuple(
        (p["PolicyName"], PolicyDocument.from_dict(p["PolicyDocument"]))
        for p in properties.get("Policies", [])
    )
    assert list(spec.managed_policy_arns) == properties.get("ManagedPolicyArns", [])
    assert spec.permissions_boundary == properties.get("PermissionsBoundary")
    assert (spec.description or None) == properties.get("Description")
    assert _grant_tags(spec) == properties.get("Tags", [])
    assert (spec.role_name, spec.path, spec.max_session_duration) == (
        properties["RoleName"],
        properties["Path"],
        properties["MaxSessionDuration"],
    )


@given(grants())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_external_id_of_the_grant_is_in_the_template(grant: Grant) -> None:
    """The template holds none of the grant's external IDs: one template serves everyone."""
    text = render_json(to_cloudformation(grant))
    statements = json.loads(text)["Resources"]["Role"]["Properties"]["AssumeRolePolicyDocument"]

    for statement in statements["Statement"]:
        assert {"Ref": "ExternalId"} == statement["Condition"]["StringEquals"]["sts:ExternalId"]
    for external_id in grant.external_ids:
        assert json.dumps(external_id) not in text


def test_parameter_has_no_default_and_iams_rules() -> None:
    """The external ID parameter is a String with no default, 2-1224 characters, IAM's set."""
    parameter = to_cloudformation(rich_grant())["Parameters"]["ExternalId"]

    assert "Default" not in parameter
    assert "NoEcho" not in parameter
    assert ("String", 2, 1224) == (
        parameter["Type"],
        parameter["MinLength"],
        parameter["MaxLength"],
    )


@given(ids.external_ids())
def test_allowed_pattern_admits_every_valid_external_id(external_id: str) -> None:
    """AllowedPattern (matched whole, as CloudFormation does) admits every valid external ID."""
    assert _pattern(to_cloudformation(rich_grant())).fullmatch(external_id)


@given(ids.invalid_external_ids())
def test_parameter_refuses_every_invalid_external_id(external_id: object) -> None:
    """Every invalid external ID breaks the pattern or the length bounds of the parameter."""
    parameter = to_cloudformation(rich_grant())["Parameters"]["ExternalId"]
    pattern = _pattern(to_cloudformation(rich_grant()))
    refused = (
        not isinstance(external_id, str)
        or not pattern.fullmatch(external_id)
        or not parameter["MinLength"] <= len(external_id) <= parameter["MaxLength"]
    )

    assert refused


def test_max_length_keeps_the_trust_policy_within_its_quota() -> None:
    """MaxLength is the longest external ID whose trust policy still fits the grant's quota."""
    grant = ThirdPartyGrant(
        role_name="Tight", trusted_account="111122223333", external_id="xx", trust_policy_quota=400
    )
    longest = to_cloudformation(grant)["Parameters"]["ExternalId"]["MaxLength"]

    assert 2 < longest < 1224
    assert expected_spec(grant, "a" * longest).trust_policy.size() == 400
    with pytest.raises(ValidationError, match="trust_policy"):
        expected_spec(grant, "a" * (longest + 1))


def test_a_grant_that_fits_with_a_short_id_gets_its_template() -> None:
    """A grant whose trust policy fits only with a 2-character ID still gets a template."""
    grant = ThirdPartyGrant(
        role_name="Tight", trusted_account="111122223333", external_id="xx", trust_policy_quota=400
    )
    exact = attrs.evolve(grant, trust_policy_quota=grant.trust_policy().size())

    assert 2 == to_cloudformation(exact)["Parameters"]["ExternalId"]["MaxLength"]
    with pytest.raises(PolicySizeError, match="trust_policy"):
        to_cloudformation(attrs.evolve(exact, trust_policy_quota=exact.trust_policy_quota - 1))


def test_grant_without_external_id_still_requires_the_parameter() -> None:
    """A grant that opted out of external IDs still gets a template that requires one."""
    grant = ThirdPartyGrant(
        role_name="Open", trusted_account="111122223333", allow_missing_external_id=True
    )
    (statement,) = _role(to_cloudformation(grant))["AssumeRolePolicyDocument"]["Statement"]

    assert {"sts:ExternalId": {"Ref": "ExternalId"}} == statement["Condition"]["StringEquals"]


def test_text_that_looks_like_the_placeholder_is_kept() -> None:
    """Grant text equal to an internal placeholder is left alone; only the ID is a parameter."""
    grant = rich_grant().restrict_session_name("XA", "XB")
    (statement,) = _role(to_cloudformation(grant))["AssumeRolePolicyDocument"]["Statement"]

    assert {"Ref": "ExternalId"} == statement["Condition"]["StringEquals"]["sts:ExternalId"]
    assert ["XA", "XB"] == statement["Condition"]["StringLike"]["sts:RoleSessionName"]


def test_role_arn_is_the_output() -> None:
    """The template's output RoleArn is the role's ARN attribute."""
    outputs = to_cloudformation(rich_grant())["Outputs"]

    assert {"Fn::GetAtt": ["Role", "Arn"]} == outputs["RoleArn"]["Value"]


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "logical ID"),
        ("External-Id", "logical ID"),
        ("Id\u00e9", "logical ID"),
        ("X" * 256, "logical ID"),
        ("Role", "logical ID of the template's own"),
        ("RoleArn", "logical ID of the template's own"),
        ("ManagedPolicy3", "logical ID of the template's own"),
        (42, "must be a str"),
    ],
)
def test_bad_parameter_names_are_refused(name: object, rule: str) -> None:
    """A parameter name that is not a free logical ID raises on external_id_parameter."""
    with pytest.raises(ValidationError, match=rule) as info:
        to_cloudformation(rich_grant(), external_id_parameter=name)  # type: ignore[arg-type]

    assert "external_id_parameter" == info.value.field


def test_something_else_than_a_grant_is_refused() -> None:
    """Passing a dict for the grant raises a ValidationError on grant."""
    with pytest.raises(ValidationError, match="must be a ThirdPartyGrant, got dict") as info:
        to_cloudformation(rich_grant().to_dict())  # type: ignore[arg-type]

    assert "grant" == info.value.field


def test_grant_that_trusts_no_one_is_refused() -> None:
    """An incomplete grant fails as its trust policy does, naming trusted_principals."""
    with pytest.raises(ValidationError, match="trusts no one"):
        to_cloudformation(ThirdPartyGrant(role_name="Nobody", external_id="xx"))


@given(grants())
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_yaml_and_json_read_back_as_the_template(grant: Grant) -> None:
    """Both renderings parse back to exactly the template."""
    template = to_cloudformation(grant)

    assert template == json.loads(render_json(template))
    assert template == yaml.safe_load(render_yaml(template))


def test_unicode_tags_are_written_as_themselves_and_pass_cfn_lint() -> None:
    """Tag values beyond the BMP are written unescaped, read back, and pass cfn-lint."""
    value = "\U00010000\u00e9\u4e2d"
    grant = ThirdPartyGrant.from_dict({**rich_grant().to_dict(), "tags": {"name": value}})
    text = render_json(to_cloudformation(grant))

    assert value in text
    assert text.endswith("}\n")
    assert {"Key": "name", "Value": value} in _role(json.loads(text))["Tags"]
    assert [] == _lint(text)
    assert [] == _lint(render_yaml(to_cloudformation(grant)))


def test_rendering_refuses_a_non_mapping() -> None:
    """render_json and render_yaml raise ValidationError for something else than a mapping."""
    with pytest.raises(ValidationError, match="must be a mapping, got list"):
        render_json([])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="must be a mapping, got str"):
        render_yaml("x")  # type: ignore[arg-type]


def test_yaml_without_pyyaml_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PyYAML, render_yaml raises ModuleNotFoundError naming the yaml extra."""
    monkeypatch.setitem(sys.modules, "yaml", None)

    with pytest.raises(ModuleNotFoundError, match=r"xaccess\[yaml\]") as info:
        render_yaml(to_cloudformation(rich_grant()))

    assert "yaml" == info.value.name


def test_rich_template_passes_cfn_lint() -> None:
    """cfn-lint finds nothing in the JSON or the YAML template of a grant using every setting."""
    template = to_cloudformation(rich_grant())

    assert [] == _lint(render_json(template))
    assert [] == _lint(render_yaml(template))


@given(realistic_grants(), st.booleans())
@_SLOW
def test_generated_templates_pass_cfn_lint(grant: Grant, as_yaml: bool) -> None:
    """cfn-lint finds nothing in the template of any generated grant, JSON or YAML."""
    template = to_cloudformation(grant)

    assert [] == _lint(render_yaml(template) if as_yaml else render_json(template))


# --- deployed on moto's CloudFormation, judged by strict STS ------------------------------------


def _deploy(template: dict[str, Any], external_id: str) -> tuple[str, Any]:
    customer = session_for(f"arn:aws:iam::{_CUSTOMER}:root")
    cloudformation = customer.client("cloudformation")
    cloudformation.create_stack(
        StackName="acme-access",
        TemplateBody=render_yaml(template),
        Parameters=[{"ParameterKey": "ExternalId", "ParameterValue": external_id}],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    (stack,) = cloudformation.describe_stacks(StackName="acme-access")["Stacks"]
    assert "CREATE_COMPLETE" == stack["StackStatus"]
    (output,) = stack["Outputs"]
    assert "RoleArn" == output["OutputKey"]
    return output["OutputValue"], customer.client("iam")


@pytest.mark.usefixtures("fake_env")
def test_deployed_template_admits_the_vendor_only_with_the_external_id(
    strict_sts: StrictSTS,
) -> None:
    """On moto's CloudFormation the vendor gets in with the ID, not without or with another."""
    grant = rich_grant()
    with mock_aws():
        role_arn, _ = _deploy(to_cloudformation(grant), "customer-id-1234")
        sts = session_for(VENDOR_ROLE).client("sts")
        sts.assume_role(RoleArn=role_arn, RoleSessionName="audit", ExternalId="customer-id-1234")
        with pytest.raises(sts.exceptions.ClientError, match="AccessDenied"):
            sts.assume_role(RoleArn=role_arn, RoleSessionName="audit")
        for wrong in ("current-id-0002", "customer-id-12345"):
            with pytest.raises(sts.exceptions.ClientError, match="AccessDenied"):
                sts.assume_role(RoleArn=role_arn, RoleSessionName="audit", ExternalId=wrong)
        stranger = session_for("arn:aws:iam::111122223333:role/Intern").client("sts")
        with pytest.raises(stranger.exceptions.ClientError, match="AccessDenied"):
            stranger.assume_role(
                RoleArn=role_arn, RoleSessionName="audit", ExternalId="customer-id-1234"
            )

    assert f"arn:aws:iam::{_CUSTOMER}:role/vendors/acme/AcmeAuditAccess" == role_arn
    assert (1, 4) == (len(strict_sts.allowed), len(strict_sts.denied))


@pytest.mark.usefixtures("fake_env", "strict_sts")
def test_deployed_role_matches_the_created_one() -> None:
    """The deployed role has the spec's trust policy, path, description, duration and tags.

    moto's CloudFormation neither attaches ManagedPolicyArns nor stores inline policies as JSON,
    so those are compared in the template itself (test_template_creates_what_create_creates).
    """
    grant = rich_grant()
    spec = expected_spec(grant, "customer-id-1234")
    with mock_aws():
        _, iam = _deploy(to_cloudformation(grant), "customer-id-1234")
        role = iam.get_role(RoleName=grant.role_name)["Role"]

    assert canonical_policy(spec.trust_policy) == canonical_policy(
        PolicyDocument.from_dict(role["AssumeRolePolicyDocument"])
    )
    assert (spec.path, spec.description, spec.max_session_duration) == (
        role["Path"],
        role["Description"],
        role["MaxSessionDuration"],
    )
    assert _grant_tags(spec) == role.get("Tags", [])
