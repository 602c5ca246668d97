"""Trust and permission policies from real vendor onboarding pages, each with its page.

Placeholders the pages leave for the customer (``<YOUR_AWS_EXTERNAL_ID>``, ``{{externalId}}``)
are filled with values of the shape the vendor generates; everything else is as published.
"""

from __future__ import annotations

from typing import Any, Final

DATADOG_ACCOUNT: Final = "arn:aws:iam::464622532012:root"
# A 32-hex-digit external ID as Datadog generates them (this one is published in a public gist).
DATADOG_EXTERNAL_ID: Final = "19966f6420ea46dca3a24d6b661980f1"
BITMOVIN_USER: Final = "arn:aws:iam::630681592166:user/bitmovinCustomerS3Access"
GITHUB_OIDC: Final = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"


def trust(statement: dict[str, Any]) -> dict[str, Any]:
    """A trust policy holding one statement."""
    return {"Version": "2012-10-17", "Statement": [statement]}


def _assume(principal: dict[str, Any], condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition is not None:
        statement["Condition"] = condition
    return trust(statement)


def _github(condition: dict[str, Any]) -> dict[str, Any]:
    return trust(
        {
            "Effect": "Allow",
            "Principal": {"Federated": GITHUB_OIDC},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }
    )


#: (page, policy, expected finding codes, whether the report is ok)
TRUST_CASES: Final[list[tuple[str, dict[str, Any], tuple[str, ...], bool]]] = [
    (
        "https://docs.datadoghq.com/integrations/faq/error-datadog-not-authorized-sts-assume-role",
        _assume(
            {"AWS": DATADOG_ACCOUNT},
            {"StringEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}},
        ),
        (),
        True,
    ),
    (
        # The same page's policy as a role looks when the condition was left out.
        "https://docs.datadoghq.com/integrations/faq/error-datadog-not-authorized-sts-assume-role",
        _assume({"AWS": DATADOG_ACCOUNT}),
        ("XA101",),
        False,
    ),
    (
        # The third-party auditor example: the auditor's whole account, no external ID.
        "https://aws.amazon.com/blogs/security/how-to-use-trust-policies-with-iam-roles/",
        _assume({"AWS": "arn:aws:iam::111122223333:root"}),
        ("XA101",),
        False,
    ),
    (
        # The same post's example restricted to one IAM user: narrower, still no external ID.
        "https://aws.amazon.com/blogs/security/how-to-use-trust-policies-with-iam-roles/",
        _assume({"AWS": "arn:aws:iam::111122223333:user/LiJuan"}),
        ("XA101",),
        False,
    ),
    (
        "https://bitmovin.github.io/bitmovin-api-sdk-php/classes/BitmovinApiSdk_Models_S3RoleBasedInput/externalId.html",
        _assume(
            {"AWS": BITMOVIN_USER},
            {"StringEquals": {"sts:ExternalId": "5b3f0c1e-8a4d-4c2b-9f1e-7d6a2b9c0e14"}},
        ),
        (),
        True,
    ),
    (
        # The page calls the external ID optional: this is the role without it.
        "https://bitmovin.github.io/bitmovin-api-sdk-php/classes/BitmovinApiSdk_Models_S3RoleBasedInput/externalId.html",
        _assume({"AWS": BITMOVIN_USER}),
        ("XA101",),
        False,
    ),
    (
        # StringLike with the exact external ID (no wildcard) is as exact as StringEquals.
        "https://docs.trifacta.com/plugins/viewsource/viewpagesrc.action?pageId=160408144",
        _assume(
            {"AWS": "111122223333"},
            {"StringLike": {"sts:ExternalId": ["trifacta-7c1f4e9a2b8d4f03a6e5"]}},
        ),
        (),
        True,
    ),
    (
        # The Datadog template's default shared secret, typed in as the external ID.
        "https://gist.github.com/miketheman/c0c307d1666433aed090cf2f83f3f11d",
        _assume({"AWS": DATADOG_ACCOUNT}, {"StringEquals": {"sts:ExternalId": "SOOPASEKRET"}}),
        ("XA111",),
        True,
    ),
    (
        # "someone wrote Principal: "*" in a trust policy and bolted on an ExternalId"
        "https://kloudvin.com/article/iam-cross-account-roles-external-id-confused-deputy-session-policies",
        _assume("*", {"StringEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}}),  # type: ignore[arg-type]
        ("XA109",),
        True,
    ),
    (
        "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
        _github(
            {
                "StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": (
                        "repo:octo-org/octo-repo:ref:refs/heads/octo-branch"
                    ),
                }
            }
        ),
        (),
        True,
    ),
    (
        "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
        _github(
            {
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {
                    "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*"
                },
            }
        ),
        (),
        True,
    ),
    (
        # Without the sub condition the page insists on: every GitHub repository gets in,
        # because every workflow's token has the audience sts.amazonaws.com.
        "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
        _github({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}),
        ("XA121",),
        False,
    ),
    (
        # The page's earlier form (fixed in github/docs pull request 17463): set operators.
        "https://github.com/github/docs/pull/17463.diff",
        _github(
            {
                "ForAllValues:StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": (
                        "repo:octo-org/octo-repo:ref:refs/heads/octo-branch"
                    ),
                }
            }
        ),
        ("XA120",),
        True,
    ),
]

#: Datadog's integration policy as published in a gist, with its unknown action.
DATADOG_PERMISSIONS_PAGE: Final = (
    "https://gist.github.com/mcalhoun/bb60671b2a0112e250ef1129cca81640"
)
DATADOG_PERMISSIONS: Final = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Action": [
                "autoscaling:Describe*",
                "budgets:ViewBudget",
                "cloudtrail:DescribeTrails",
                "cloudtrail:GetTrailStatus",
                "cloudtrail:ListObjects",
                "cloudwatch:Describe*",
                "cloudwatch:Get*",
                "cloudwatch:List*",
                "dynamodb:list*",
                "dynamodb:describe*",
                "ec2:Describe*",
                "ec2:Get*",
                "ecs:Describe*",
                "ecs:List*",
                "elasticache:Describe*",
                "elasticache:List*",
                "elasticloadbalancing:Describe*",
                "elasticmapreduce:List*",
                "elasticmapreduce:Describe*",
                "es:ListTags",
                "es:ListDomainNames",
                "es:DescribeElasticsearchDomains",
                "kinesis:List*",
                "kinesis:Describe*",
                "logs:Get*",
                "logs:Describe*",
                "logs:FilterLogEvents",
                "logs:TestMetricFilter",
                "rds:Describe*",
                "rds:List*",
                "route53:List*",
                "s3:GetBucketTagging",
                "s3:ListAllMyBuckets",
                "ses:Get*",
                "sns:List*",
                "sns:Publish",
                "support:*",
            ],
            "Effect": "Allow",
            "Resource": "*",
        },
        {
            "Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject"],
            "Effect": "Allow",
            "Resource": "arn:aws:s3:::twiage-cloudtrail-logs",
        },
    ],
}

#: Datadog's integration role as a CloudFormation YAML template (short-form tags).
DATADOG_TEMPLATE_PAGE: Final = "https://gist.github.com/landon9720/b8fd6945e1fe9d8bf539ead63ad64b53"
DATADOG_TEMPLATE: Final = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: Role for DataDog integration
Parameters:
  DataDogExternalId:
    Type: "String"
    NoEcho: "true"
Resources:
  DatadogAWSIntegrationRole:
    Type: "AWS::IAM::Role"
    Properties:
      RoleName: "DatadogAWSIntegrationRole"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Action: "sts:AssumeRole"
            Effect: "Allow"
            Condition:
              StringEquals:
                "sts:ExternalId": !Ref DataDogExternalId
            Principal:
              AWS: "arn:aws:iam::464622532012:root"
      Path: "/"
  DatadogAWSIntegrationPolicy:
    Type: "AWS::IAM::ManagedPolicy"
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Action:
              - "autoscaling:Describe*"
              - "cloudtrail:DescribeTrails"
              - "cloudtrail:GetTrailStatus"
              - "cloudwatch:Describe*"
              - "cloudwatch:Get*"
              - "cloudwatch:List*"
              - "ec2:Describe*"
              - "ec2:Get*"
              - "ecs:Describe*"
            Effect: "Allow"
            Resource: "*"
      Roles:
        - !Ref DatadogAWSIntegrationRole
"""

#: Snowflake's storage-integration role (Snowflake-Labs/terraform-snowflake-storage-integration-aws,
#: iam.tf), with the user ARN and external ID in the shape Snowflake's documentation shows.
SNOWFLAKE_MODULE_PAGE: Final = (
    "https://github.com/Snowflake-Labs/terraform-snowflake-storage-integration-aws/blob/main/iam.tf"
)
SNOWFLAKE_USER: Final = "arn:aws:iam::123456789001:user/abc1-b-self1234"
SNOWFLAKE_EXTERNAL_ID: Final = "MYACCOUNT_SFCRole=2_a123456/s0aBCDEfGHIJklmNoPq="

#: How many real vendor pages the known-answer tests draw on.
REAL_PAGES: Final = frozenset(
    {page for page, *_ in TRUST_CASES}
    | {DATADOG_PERMISSIONS_PAGE, DATADOG_TEMPLATE_PAGE, SNOWFLAKE_MODULE_PAGE}
)
