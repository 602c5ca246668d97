"""A grant too large for the inline quota exports its customer-managed policies too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto import mock_aws

from xaccess import ThirdPartyGrant
from xaccess.export import render_json, render_yaml, to_cloudformation, to_terraform
from xaccess.testing import session_for

EXTERNAL_ID = "3f2b8c1e9d7a4b6f8e0c2a1d5b7e9f01"
CUSTOMER = "444455556666"


def large_grant() -> ThirdPartyGrant:
    """A grant whose statements need the inline policy and customer-managed policies."""
    grant = ThirdPartyGrant(
        role_name="AcmeArchiveAccess",
        path="/vendors/acme/",
        trusted_account="111122223333",
        external_id=EXTERNAL_ID,
    )
    for index in range(200):
        grant = grant.allow(
            ["s3:GetObject", "s3:PutObject"],
            [
                f"arn:aws:s3:::acme-archive-bucket-number-{index:04d}/*",
                f"arn:aws:s3:::acme-archive-replica-{index:04d}/*",
            ],
        )
    return grant


def test_the_grant_overflows_into_managed_policies() -> None:
    """The grant of these tests really needs customer-managed policies (at least two)."""
    kinds = [policy.kind for policy in large_grant().permission_policies()]

    assert "inline" == kinds[0]
    assert kinds.count("managed") >= 2


def test_cloudformation_declares_each_managed_policy_attached_to_the_role() -> None:
    """Each managed policy is an AWS::IAM::ManagedPolicy with the spec's name, path and text."""
    grant = large_grant()
    spec = grant.role_spec()
    resources = to_cloudformation(grant)["Resources"]

    declared = [resources[f"ManagedPolicy{index}"] for index in range(len(spec.managed_policies))]

    assert len(spec.managed_policies) + 1 == len(resources)
    assert [
        {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "ManagedPolicyName": name,
                "Path": "/vendors/acme/",
                "PolicyDocument": document.to_dict(),
                "Roles": [{"Ref": "Role"}],
            },
        }
        for name, document in spec.managed_policies
    ] == declared


def test_the_template_with_managed_policies_passes_cfn_lint() -> None:
    """cfn-lint finds nothing in the template of a large grant."""
    from cfnlint.api import lint  # noqa: PLC0415 - slow to import

    template = to_cloudformation(large_grant())

    assert [] == [str(match) for match in lint(render_json(template), regions=["us-east-1"])]


@pytest.mark.usefixtures("strict_sts")
def test_the_deployed_stack_holds_the_managed_policies() -> None:
    """On moto's CloudFormation, the stack creates every managed policy with its document."""
    grant = large_grant()
    spec = grant.role_spec()
    with mock_aws():
        customer = session_for(f"arn:aws:iam::{CUSTOMER}:root")
        customer.client("cloudformation").create_stack(
            StackName="acme-archive",
            TemplateBody=render_yaml(to_cloudformation(grant)),
            Parameters=[{"ParameterKey": "ExternalId", "ParameterValue": EXTERNAL_ID}],
            Capabilities=["CAPABILITY_NAMED_IAM"],
        )
        iam = customer.client("iam")
        stored = {}
        for name, _document in spec.managed_policies:
            arn = f"arn:aws:iam::{CUSTOMER}:policy/vendors/acme/{name}"
            version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
            text = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
            stored[name] = text["Document"]

    assert {name: document.to_dict() for name, document in spec.managed_policies} == {
        name: json.loads(text) if isinstance(text, str) else text for name, text in stored.items()
    }


def test_terraform_declares_and_attaches_each_managed_policy() -> None:
    """Terraform gets an aws_iam_policy per managed policy, attached to the role."""
    grant = large_grant()
    spec = grant.role_spec()
    resources: dict[str, Any] = to_terraform(grant)["resource"]
    count = len(spec.managed_policies)

    assert [
        {
            "name": name,
            "path": "/vendors/acme/",
            "policy": document.to_json(),
        }
        for name, document in spec.managed_policies
    ] == [resources["aws_iam_policy"][f"owned_{index}"] for index in range(count)]
    assert [
        {"role": "${aws_iam_role.this.name}", "policy_arn": f"${{aws_iam_policy.owned_{i}.arn}}"}
        for i in range(count)
    ] == [resources["aws_iam_role_policy_attachment"][f"owned_{i}"] for i in range(count)]


def test_a_parameter_may_not_take_a_managed_policy_logical_id() -> None:
    """The external ID parameter cannot be named like the managed policies' resources."""
    from xaccess import ValidationError  # noqa: PLC0415

    with pytest.raises(ValidationError, match="logical ID"):
        to_cloudformation(large_grant(), external_id_parameter="ManagedPolicy0")
