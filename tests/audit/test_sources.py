"""Tests for xaccess.audit.sources: policy files, aws iam output and Terraform plans."""

from __future__ import annotations

import json
import urllib.parse
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import strategies as pst
from tests.audit.vendor_policies import (
    DATADOG_ACCOUNT,
    DATADOG_PERMISSIONS,
    DATADOG_TEMPLATE,
    SNOWFLAKE_EXTERNAL_ID,
    SNOWFLAKE_MODULE_PAGE,
    SNOWFLAKE_USER,
    trust,
)
from xaccess import ValidationError
from xaccess.audit.sources import DeclaredRole, read_file, read_text
from xaccess.audit.trust import to_document

if TYPE_CHECKING:
    from pathlib import Path

SNOWFLAKE_TRUST = trust(
    {
        "Action": "sts:AssumeRole",
        "Effect": "Allow",
        "Principal": {"AWS": SNOWFLAKE_USER},
        "Condition": {"StringEquals": {"sts:ExternalId": SNOWFLAKE_EXTERNAL_ID}},
    }
)
OPEN_TRUST = trust(
    {"Effect": "Allow", "Principal": {"AWS": DATADOG_ACCOUNT}, "Action": "sts:AssumeRole"}
)


def plan(*resources: dict[str, Any]) -> dict[str, Any]:
    """A `terraform show -json` plan with these resources in a child module."""
    return {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [],
                "child_modules": [{"address": "module.snowflake", "resources": list(resources)}],
            }
        },
    }


def snowflake_plan(assume_role_policy: str | None) -> dict[str, Any]:
    """Snowflake's storage-integration module (see SNOWFLAKE_MODULE_PAGE), as planned."""
    return plan(
        {
            "address": "module.snowflake.aws_iam_role.s3_reader",
            "type": "aws_iam_role",
            "values": {
                "name": "snowflake-s3-reader",
                "assume_role_policy": assume_role_policy,
                "inline_policy": [],
                "managed_policy_arns": None,
            },
        },
        {
            "address": "module.snowflake.aws_iam_role_policy.s3_reader",
            "type": "aws_iam_role_policy",
            "values": {
                "role": "snowflake-s3-reader",
                "policy": json.dumps(DATADOG_PERMISSIONS),
            },
        },
        {
            "address": "module.snowflake.aws_iam_role_policy_attachment.extra",
            "type": "aws_iam_role_policy_attachment",
            "values": {
                "role": "snowflake-s3-reader",
                "policy_arn": "arn:aws:iam::aws:policy/PowerUserAccess",
            },
        },
    )


def test_a_terraform_plan_declares_its_roles_with_their_policies(tmp_path: Path) -> None:
    """aws_iam_role, aws_iam_role_policy and the attachment come together as one role."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(snowflake_plan(json.dumps(SNOWFLAKE_TRUST))))

    (role,) = read_file(path)

    assert "module.snowflake.aws_iam_role.s3_reader" == role.name, SNOWFLAKE_MODULE_PAGE
    assert ("XA207", "XA204", "XA205") == role.audit().codes()
    assert ("arn:aws:iam::aws:policy/PowerUserAccess",) == role.managed_policy_arns


def test_a_plan_role_without_the_external_id_is_high() -> None:
    """The same plan with the condition dropped has a high trust finding."""
    (role,) = read_text(json.dumps(snowflake_plan(json.dumps(OPEN_TRUST))), source="plan.json")

    assert not role.audit().ok


def test_a_trust_policy_known_only_after_apply_is_skipped() -> None:
    """A role whose trust policy is unknown in the plan is declared without one."""
    (role,) = read_text(json.dumps(snowflake_plan(None)), source="plan.json")

    assert role.trust_policy is None


def test_resource_changes_are_read_when_planned_values_are_missing() -> None:
    """Plans with only resource_changes are read from each change's after-state."""
    data = {
        "resource_changes": [
            {
                "address": "aws_iam_role.vendor",
                "type": "aws_iam_role",
                "change": {"after": {"name": "v", "assume_role_policy": json.dumps(OPEN_TRUST)}},
            }
        ]
    }

    (role,) = read_text(json.dumps(data), source="plan.json")

    assert "XA101" in role.audit().codes()


def test_get_role_output_knows_the_role_arn() -> None:
    """`aws iam get-role` output gives the role's ARN, so its own account is not a third party."""
    document = trust(
        {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "sts:AssumeRole"}
    )
    output = {
        "Role": {
            "RoleName": "Deploy",
            "Arn": "arn:aws:iam::444455556666:role/Deploy",
            "AssumeRolePolicyDocument": document,
        }
    }

    (role,) = read_text(json.dumps(output, indent=2), source="get-role.json")

    assert ("XA143",) == role.audit().codes()
    assert (2, (8,)) == (role.line, role.trust_lines)


def test_url_encoded_policies_from_the_api_are_decoded() -> None:
    """Authorization-details output with URL-encoded documents is read, inline policies too."""
    output = {
        "RoleDetailList": [
            {
                "RoleName": "Vendor",
                "Arn": "arn:aws:iam::444455556666:role/Vendor",
                "AssumeRolePolicyDocument": urllib.parse.quote(json.dumps(SNOWFLAKE_TRUST)),
                "RolePolicyList": [
                    {"PolicyName": "p", "PolicyDocument": json.dumps(DATADOG_PERMISSIONS)}
                ],
                "AttachedManagedPolicies": [
                    {"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
                ],
            }
        ]
    }

    (role,) = read_text(json.dumps(output), source="details.json")

    assert ("XA207", "XA204", "XA205") == role.audit().codes()


def test_a_bare_policy_file_is_a_trust_or_a_permission_policy(tmp_path: Path) -> None:
    """A policy with principals is a trust policy; one without is a permission policy."""
    (tmp_path / "trust.json").write_text(json.dumps(OPEN_TRUST))
    (tmp_path / "perms.json").write_text(json.dumps(DATADOG_PERMISSIONS))

    (trusting,) = read_file(tmp_path / "trust.json")
    (permitting,) = read_file(tmp_path / "perms.json")

    assert ("trust", None) == (trusting.name, trusting.role_arn)
    assert (1, (1,)) == (trusting.line, trusting.trust_lines)  # all on one line
    assert trusting.trust_policy is not None
    assert permitting.trust_policy is None
    assert 1 == len(permitting.permissions)


def test_role_arn_is_used_for_a_policy_file_that_has_none(tmp_path: Path) -> None:
    """role.audit(role_arn=...) judges self-assumption for a bare trust policy."""
    own = trust(
        {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "sts:AssumeRole"}
    )
    (role,) = read_text(json.dumps(own), source="own.json")

    assert not role.audit().ok
    assert role.audit(role_arn="arn:aws:iam::444455556666:role/Own").ok


def test_yaml_files_are_read_as_templates(tmp_path: Path) -> None:
    """Files ending in .yaml are CloudFormation templates."""
    path = tmp_path / "datadog.yaml"
    path.write_text(DATADOG_TEMPLATE)

    (role,) = read_file(path)

    assert "DatadogAWSIntegrationRole" == role.name
    assert str(path) == role.source


@pytest.mark.parametrize(
    ("text", "field", "rule"),
    [
        ("[1, 2]", "x.json", "JSON object"),
        ('{"a": 1}', "x.json", "is not a policy"),
        ("{", "x.json", ""),
        ('{"Roles": {"a": 1}}', "x.json: Roles", "must be a list"),
        ('{"Roles": [{"RoleName": "x"}]}', "x.json: Roles[0]", "AssumeRolePolicyDocument"),
        ('{"Statement": [{"Effect": "Allow"}]}', "x.json: Statement[0].Action", ""),
    ],
)
def test_unreadable_files_raise_validation_error_naming_the_file(
    text: str, field: str, rule: str
) -> None:
    """Anything that is not a recognised source is a ValidationError naming the file."""
    with pytest.raises(ValidationError) as exc_info:
        read_text(text, source="x.json")

    assert field == exc_info.value.field
    assert rule in exc_info.value.rule


def test_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    """read_file() lets OSError through for files that cannot be read."""
    with pytest.raises(OSError, match="absent"):
        read_file(tmp_path / "absent.json")


def test_line_of_falls_back_to_the_role_line() -> None:
    """A finding whose statement has no known line points at the role's own line."""
    role = DeclaredRole(
        "R", "t.yaml", trust_policy=to_document(OPEN_TRUST), line=4, trust_lines=(None,)
    )

    (finding,) = role.audit().findings

    assert 4 == role.line_of(finding)


def test_deleted_principals_in_stored_policies_are_left_out() -> None:
    """IAM shows a deleted principal as its unique ID: it names nobody, so it is dropped."""
    output = {
        "Role": {
            "RoleName": "Vendor",
            "Arn": "arn:aws:iam::444455556666:role/Vendor",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": ["AROAEXAMPLEID1234567", DATADOG_ACCOUNT]},
                        "Action": "sts:AssumeRole",
                    },
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "AIDAEXAMPLEID7654321"},
                        "Action": "sts:AssumeRole",
                    },
                ],
            },
        }
    }

    (role,) = read_text(json.dumps(output), source="get-role.json")

    assert role.trust_policy is not None
    (statement,) = role.trust_policy.statements
    assert statement.principal is not None
    assert (DATADOG_ACCOUNT,) == statement.principal.aws
    assert ("XA101",) == role.audit().codes()


def _placed(value: Any) -> dict[str, Any]:
    """Documents of every recognised shape with ``value`` in one position each."""
    statement = {"Effect": "Allow", "Principal": {"AWS": value}, "Action": "sts:AssumeRole"}
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": OPEN_TRUST}}
    return {
        "doc": value,
        "statement": {"Statement": [value]},
        "principal": {"Statement": [statement]},
        "intrinsic": {"Statement": [statement | {"Principal": {"AWS": {"Fn::Sub": value}}}]},
        "properties": {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": value}}},
        "policies": {"Resources": {"R": role | {"Properties": {"Policies": value}}}},
        "attached": {
            "Resources": {"R": role, "P": {"Type": "AWS::IAM::Policy", "Properties": value}}
        },
        "resources": {"Resources": value},
        "plan": {"planned_values": {"root_module": {"resources": value}}},
        "plan_values": {
            "planned_values": {
                "root_module": {
                    "resources": [{"address": "a", "type": "aws_iam_role", "values": value}]
                }
            }
        },
        "changes": {"resource_changes": value},
        "role": {"Role": value},
        "roles": {"Roles": [value]},
        "details": {
            "RoleDetailList": [{"AssumeRolePolicyDocument": OPEN_TRUST, "RolePolicyList": value}]
        },
    }


@given(value=pst.json_values, where=st.sampled_from(sorted(_placed(None))))
def test_arbitrary_json_is_read_or_refused_with_validation_error(value: Any, where: str) -> None:
    """Whatever JSON a file holds, in whatever position, reading it never fails otherwise."""
    try:
        roles = read_text(json.dumps(_placed(value)[where]), source="x.json")
    except ValidationError:
        return
    for role in roles:
        role.audit()
