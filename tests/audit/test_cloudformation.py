"""Tests for xaccess.audit.cloudformation: templates in JSON and YAML, with line numbers."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.audit.vendor_policies import DATADOG_TEMPLATE, DATADOG_TEMPLATE_PAGE
from xaccess import ValidationError
from xaccess.audit.cloudformation import OWN_ACCOUNT, read_template
from xaccess.audit.trust import UNRESOLVED_PREFIX

OPEN_ROLE = """\
Parameters:
  VendorAccount:
    Type: String
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  VendorRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${AWS::StackName}-vendor"
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${VendorAccount}:root"
            Action: sts:AssumeRole
          - Effect: Allow
            Principal:
              AWS: !Join ["", ["arn:aws:iam::", !Ref "AWS::AccountId", ":root"]]
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [s3:GetObjekt]
                Resource: !Sub "${Bucket.Arn}/*"
              - !If
                - IsProd
                - Effect: Allow
                  Action: iam:PassRole
                  Resource: "*"
                - !Ref AWS::NoValue
      ManagedPolicyArns:
        - !Sub "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"
"""


def test_datadogs_published_template_is_ok() -> None:
    """Datadog's YAML template: exact external ID (a parameter), known read-only actions."""
    (role,) = read_template(DATADOG_TEMPLATE, source="datadog.yaml", yaml=True)

    report = role.audit()

    assert "DatadogAWSIntegrationRole" == role.name, DATADOG_TEMPLATE_PAGE
    assert () == report.codes()
    assert 1 == len(role.permissions)  # the ManagedPolicy whose Roles name the role
    assert 8 == role.line
    assert [15] == list(role.trust_lines)


def test_short_form_tags_resolve_and_findings_point_at_lines() -> None:
    """!Sub, !Join, !Ref, !GetAtt and !If resolve; each finding has its statement's line."""
    (role,) = read_template(OPEN_ROLE, source="t.yaml", yaml=True)

    report = role.audit()

    assert f"arn:aws:iam::{OWN_ACCOUNT}:role/stack-vendor" == role.role_arn
    assert ("XA207", "XA101", "XA202", "XA205", "XA143") == report.codes()
    lines = {f.code: role.line_of(f) for f in report.findings}
    assert {"XA101": 14, "XA202": 29, "XA207": 7, "XA143": 18, "XA205": 26} == lines
    principal = role.trust_policy.statements[0].principal if role.trust_policy else None
    assert principal is not None
    assert ("arn:aws:iam::999999999999:root",) == principal.aws
    assert (
        role.permissions[0]
        .statements[0]
        .resources[0]
        .startswith(f"arn:aws:unresolved:::{UNRESOLVED_PREFIX}Bucket.Arn")
    )


def test_json_templates_are_read_strictly_with_lines() -> None:
    """A JSON template gives the same roles, and line numbers."""
    template = {
        "Resources": {
            "R": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Statement": {
                            "Effect": "Allow",
                            "Principal": {"AWS": "111122223333"},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"sts:ExternalId": {"Ref": "Ext"}}},
                        }
                    }
                },
            }
        }
    }
    text = json.dumps(template, indent=2)

    (role,) = read_template(text, source="t.json", yaml=False)

    assert () == role.audit().codes()
    assert 3 == role.line
    assert [7] == list(role.trust_lines)


def test_json_templates_need_no_yaml_for_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PyYAML a JSON template is still read, only without line numbers."""
    monkeypatch.setitem(sys.modules, "yaml", None)
    text = json.dumps(
        {
            "Resources": {
                "R": {
                    "Type": "AWS::IAM::Role",
                    "Properties": {
                        "AssumeRolePolicyDocument": {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {"AWS": "111122223333"},
                                    "Action": "sts:AssumeRole",
                                }
                            ]
                        }
                    },
                }
            }
        }
    )

    (role,) = read_template(text, source="t.json", yaml=False)

    assert (None, (None,)) == (role.line, role.trust_lines)


def test_yaml_templates_need_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PyYAML a YAML template is a ValidationError naming the extra."""
    monkeypatch.setitem(sys.modules, "yaml", None)

    with pytest.raises(ValidationError, match=r"xaccess\[yaml\]"):
        read_template(DATADOG_TEMPLATE, source="t.yaml", yaml=True)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Resources: [", "not valid YAML"),
        ("", "is empty"),
        ("Resources:\n  A: 1\n  A: 2\n", "repeats 'A'"),
        ("Resources:\n  A: &x [1]\n  B: *x\n", "aliases"),
        ("Resources: " + "[" * 70 + "]" * 70 + "\n", "deeper than 64"),
        ("Description: none\n", "no Resources"),
        ("Resources:\n  R:\n    Type: AWS::IAM::Role\n", "needs AssumeRolePolicyDocument"),
        (
            (
                "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
                "      AssumeRolePolicyDocument: {Statement: [{Effect: Perhaps}]}\n"
            ),
            "Effect",
        ),
    ],
)
def test_broken_templates_raise_validation_error(text: str, rule: str) -> None:
    """Unreadable templates and illegal policies are ValidationErrors saying what is wrong."""
    with pytest.raises(ValidationError) as exc_info:
        read_template(text, source="bad.yaml", yaml=True)

    assert rule in str(exc_info.value)


INTRINSICS = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref NameParameter
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              AWS: [123456789012, !ImportValue VendorAccount, !GetAtt Vendor.Arn]
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Select [0, !Split [",", !Ref Ids]]
              Bool:
                aws:SecureTransport: yes
              "Null":
                aws:SourceVpc: true
              NumericLessThan:
                aws:MultiFactorAuthAge: 3600.0
      Policies:
        - !If [HasExtra, {PolicyName: x, PolicyDocument: {Statement: []}}, !Ref AWS::NoValue]
        - PolicyName: sub
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource:
                  - !Sub ["arn:aws:s3:::${B}/${!Literal}", {B: !Ref Bucket}]
                  - !Join ["", ["arn:aws:s3:::", !Ref AWS::NoValue, "fixed/*"]]
"""


def test_every_intrinsic_resolves_to_a_legal_policy() -> None:
    """Unquoted account IDs, imports, attributes, Select/Split, Sub with variables, NoValue."""
    (role,) = read_template(INTRINSICS, source="t.yaml", yaml=True)

    assert role.trust_policy is not None
    principal = role.trust_policy.statements[0].principal
    assert principal is not None
    assert ("123456789012", "999999999999", "999999999999") == principal.aws
    assert f"arn:aws:iam::{OWN_ACCOUNT}:role/Role" == role.role_arn
    assert () == role.audit().codes()
    (document,) = role.permissions
    assert (
        f"arn:aws:s3:::{UNRESOLVED_PREFIX}Bucket/${{Literal}}",
        "arn:aws:s3:::fixed/*",
    ) == document.statements[0].resources


_YAML_PIECES = st.sampled_from(
    [
        "Resources:\n",
        "  R:\n",
        "    Type: AWS::IAM::Role\n",
        "    Properties:\n",
        "      AssumeRolePolicyDocument:\n",
        "        Statement:\n",
        "          - Effect: Allow\n",
        "            Principal: {AWS: !Ref X}\n",
        "            Principal: !Sub [a, b]\n",
        "            Action: !GetAtt [a]\n",
        "            Action: sts:AssumeRole\n",
        "            Condition: !If [c, {StringEquals: {sts:ExternalId: !Ref E}}, 1]\n",
        "      Policies: !Join [',', [1, 2]]\n",
        "      RoleName: !Select [0, !Split [',', x]]\n",
        "  P: {Type: AWS::IAM::Policy, Properties: {Roles: [!Ref R], PolicyDocument: 3}}\n",
        "- 1\n",
        "? !Ref\n",
        "&a [*a]\n",
    ]
)


@given(pieces=st.lists(_YAML_PIECES, max_size=12))
def test_arbitrary_yaml_is_read_or_refused_with_validation_error(pieces: list[str]) -> None:
    """Any arrangement of template lines gives roles or a ValidationError, nothing else."""
    try:
        roles = read_template("".join(pieces), source="t.yaml", yaml=True)
    except ValidationError:
        return
    for role in roles:
        role.audit()


def test_deep_json_templates_are_refused() -> None:
    """A JSON template nested deeper than the limit is a ValidationError, not a crash."""
    text = '{"Resources": ' + "[" * 70 + "]" * 70 + "}"

    with pytest.raises(ValidationError, match="deeper than 64"):
        read_template(text, source="deep.json", yaml=False)


def _trust_template(parameters: str, condition: str, action: str = "sts:AssumeRole") -> str:
    """A template with one role trusting the Datadog account under ``condition``."""
    return (
        f"Parameters:\n{parameters}"
        "Conditions:\n  C: !Equals [a, b]\n"
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n"
        "            Principal: {AWS: 'arn:aws:iam::464622532012:root'}\n"
        f"            Action: {action}\n"
        f"            Condition: {condition}\n"
    )


@pytest.mark.parametrize(
    ("default", "codes"),
    [("'*'", ("XA104",)), ("'dd-*'", ("XA110",)), (None, ())],
)
def test_a_parameter_default_is_judged_as_deployed(
    default: str | None, codes: tuple[str, ...]
) -> None:
    """A stack deployed with the defaults gets them: a default of '*' accepts any external ID."""
    parameters = "  P:\n    Type: String\n" + (f"    Default: {default}\n" if default else "")
    text = _trust_template(parameters, "{StringLike: {sts:ExternalId: !Ref P}}")

    (role,) = read_template(text, source="t.yaml", yaml=True)

    assert codes == role.audit().codes()


@pytest.mark.parametrize(
    "branches", ["[C, !Ref AWS::NoValue, !Ref P]", "[C, !Ref P, !Ref AWS::NoValue]"]
)
def test_an_if_branch_that_drops_the_external_id_is_found(branches: str) -> None:
    """Whichever branch of Fn::If removes the external ID, the role is XA101, not refused."""
    text = _trust_template(
        "  P: {Type: String}\n", f"{{StringEquals: {{sts:ExternalId: !If {branches}}}}}"
    )

    (role,) = read_template(text, source="t.yaml", yaml=True)
    report = role.audit()

    assert ("XA101",) == report.codes()
    assert not report.ok


def test_an_if_between_two_safe_branches_is_fine() -> None:
    """Both branches pin an exact external ID: no finding."""
    text = _trust_template(
        "  P: {Type: String}\n  Q: {Type: String}\n",
        "{StringEquals: {sts:ExternalId: !If [C, !Ref P, !Ref Q]}}",
    )

    (role,) = read_template(text, source="t.yaml", yaml=True)

    assert () == role.audit().codes()


def test_a_parameter_as_action_is_read() -> None:
    """Action: !Ref P is read (as sts:AssumeRole in a trust policy), not refused."""
    text = _trust_template(
        "  P: {Type: String}\n  E: {Type: String}\n",
        "{StringEquals: {sts:ExternalId: !Ref E}}",
        action="!Ref P",
    )

    (role,) = read_template(text, source="t.yaml", yaml=True)

    assert role.trust_policy is not None
    assert ("sts:AssumeRole",) == role.trust_policy.statements[0].actions
    assert () == role.audit().codes()


@pytest.mark.parametrize(
    ("resource", "rule"),
    [
        ("R: {Type: [AWS::IAM::Role]}", "must be a string, got list"),
        ("R: [1]", "must be a mapping"),
        ("R: {Type: !!python/object:os.system x}", "not a CloudFormation one"),
        ("R: {Type: !Unknown AWS::IAM::Role}", "not a CloudFormation one"),
        ("R: {Type: !!binary aGk=}", "not a CloudFormation one"),
    ],
)
def test_an_unreadable_resource_is_refused_not_skipped(resource: str, rule: str) -> None:
    """A resource with a list Type, or an unknown or Python tag, is a ValidationError."""
    with pytest.raises(ValidationError) as exc_info:
        read_template(f"Resources:\n  {resource}\n", source="t.yaml", yaml=True)

    assert rule in str(exc_info.value)
