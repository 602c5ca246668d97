"""Known answers for Principal, NotPrincipal, external IDs and trust policies (IAM User Guide).

Each case names the documentation page whose example or rule it encodes.
"""

from __future__ import annotations

import pytest

from tests.policy.known_answers import (
    ACCOUNT,
    ALLOW,
    ALLOW_ALL,
    BOB,
    DAVID,
    EXPLICIT,
    IMPLICIT,
    OTHER,
    OTHER_USER,
    Case,
    CaseTable,
    allow,
    doc,
    req,
)
from xaccess.policy import evaluate

CASES = CaseTable()
case = CASES.add


# --- AWS JSON policy elements: Principal ---
_TRUST_ACCT_ID = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": ["123456789012", "555555555555"]},
        "Action": "sts:AssumeRole",
    }
)
_TARGET = f"arn:aws:iam::{ACCOUNT}:role/Target"
case(
    "principal-account-id",
    req("sts:AssumeRole", _TARGET, principal="arn:aws:iam::555555555555:user/u"),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    resource_policy=_TRUST_ACCT_ID,
)
case(
    "principal-account-not-listed",
    req("sts:AssumeRole", _TARGET, principal="arn:aws:iam::666666666666:user/u"),
    IMPLICIT,
    identity_policies=[ALLOW_ALL],
    resource_policy=_TRUST_ACCT_ID,
)
_TRUST_ROOT = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole",
    }
)
case(
    "principal-root-arn-is-whole-account",
    req("sts:AssumeRole", _TARGET, principal="arn:aws:sts::123456789012:assumed-role/Scanner/s1"),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    resource_policy=_TRUST_ROOT,
)
_TRUST_ROLE = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:role/Scanner"},
        "Action": "sts:AssumeRole",
    }
)
case(
    "principal-role-matches-its-session",
    req("sts:AssumeRole", _TARGET, principal="arn:aws:sts::123456789012:assumed-role/Scanner/s1"),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    resource_policy=_TRUST_ROLE,
)
case(
    "principal-role-other-role",
    req("sts:AssumeRole", _TARGET, principal="arn:aws:sts::123456789012:assumed-role/Other/s1"),
    IMPLICIT,
    identity_policies=[ALLOW_ALL],
    resource_policy=_TRUST_ROLE,
)
_TRUST_SESSION = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:sts::123456789012:assumed-role/Scanner/nightly"},
        "Action": "sts:AssumeRole",
    }
)
case(
    "principal-session-exact",
    req(
        "sts:AssumeRole",
        _TARGET,
        principal="arn:aws:sts::123456789012:assumed-role/Scanner/nightly",
    ),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    resource_policy=_TRUST_SESSION,
)
case(
    "principal-session-other-name",
    req(
        "sts:AssumeRole", _TARGET, principal="arn:aws:sts::123456789012:assumed-role/Scanner/adhoc"
    ),
    IMPLICIT,
    identity_policies=[ALLOW_ALL],
    resource_policy=_TRUST_SESSION,
)
_TRUST_SERVICES = doc(
    {
        "Effect": "Allow",
        "Principal": {"Service": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"]},
        "Action": "sts:AssumeRole",
    }
)
case(
    "principal-service-listed",
    req("sts:AssumeRole", _TARGET, principal="ecs.amazonaws.com"),
    ALLOW,
    resource_policy=_TRUST_SERVICES,
)
case(
    "principal-service-unlisted",
    req("sts:AssumeRole", _TARGET, principal="ec2.amazonaws.com"),
    IMPLICIT,
    resource_policy=_TRUST_SERVICES,
)
_TRUST_COGNITO = doc(
    {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
)
case(
    "principal-web-identity",
    req("sts:AssumeRoleWithWebIdentity", _TARGET, principal="cognito-identity.amazonaws.com"),
    ALLOW,
    resource_policy=_TRUST_COGNITO,
)
_SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/ExampleOrg"
case(
    "principal-saml-provider",
    req("sts:AssumeRoleWithSAML", _TARGET, principal=_SAML),
    ALLOW,
    resource_policy=doc(
        {"Effect": "Allow", "Principal": {"Federated": _SAML}, "Action": "sts:AssumeRoleWithSAML"}
    ),
)
_PUBLIC = doc(
    {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::public-bucket/*",
    }
)
_PUBLIC_AWS = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::public-bucket/*",
    }
)
case(
    "principal-everyone-anonymous",
    req("s3:GetObject", "arn:aws:s3:::public-bucket/a", principal="*"),
    ALLOW,
    resource_policy=_PUBLIC,
)
case(
    "principal-aws-star-anonymous",
    req("s3:GetObject", "arn:aws:s3:::public-bucket/a", principal="anonymous"),
    ALLOW,
    resource_policy=_PUBLIC_AWS,
)
case(
    "principal-everyone-cross-account-needs-identity",
    req(
        "s3:GetObject",
        "arn:aws:s3:::public-bucket/a",
        principal=OTHER_USER,
        resource_account=ACCOUNT,
    ),
    IMPLICIT,
    resource_policy=_PUBLIC,
)
_ONLY_USER = doc(
    allow("s3:*"),
    {
        "Sid": "UsePrincipalArnInsteadOfNotPrincipalWithDeny",
        "Effect": "Deny",
        "Action": "s3:*",
        "Principal": "*",
        "Resource": ["arn:aws:s3:::BUCKETNAME/*", "arn:aws:s3:::BUCKETNAME"],
        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{OTHER}:user/user-name"}},
    },
)
case(
    "principal-arn-deny-others",
    req("s3:GetObject", "arn:aws:s3:::BUCKETNAME/a", principal=OTHER_USER, resource_account=OTHER),
    EXPLICIT,
    identity_policies=[ALLOW_ALL],
    resource_policy=_ONLY_USER,
)
case(
    "principal-arn-named-user",
    req(
        "s3:GetObject",
        "arn:aws:s3:::BUCKETNAME/a",
        principal=f"arn:aws:iam::{OTHER}:user/user-name",
        resource_account=OTHER,
    ),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    resource_policy=_ONLY_USER,
)

# --- AWS JSON policy elements: NotPrincipal ---
_BOB_444 = f"arn:aws:iam::{OTHER}:user/Bob"
_NOT_BOB = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": OTHER},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"],
    },
    {
        "Effect": "Deny",
        "NotPrincipal": {"AWS": [_BOB_444, f"arn:aws:iam::{OTHER}:root"]},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"],
    },
)
case(
    "not-principal-exempt-user",
    req("s3:GetObject", "arn:aws:s3:::BUCKETNAME/a", principal=_BOB_444, resource_account=ACCOUNT),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    resource_policy=_NOT_BOB,
)
case(
    "not-principal-other-user-denied",
    req(
        "s3:GetObject", "arn:aws:s3:::BUCKETNAME/a", principal=OTHER_USER, resource_account=ACCOUNT
    ),
    EXPLICIT,
    identity_policies=[ALLOW_ALL],
    resource_policy=_NOT_BOB,
)
_NOT_BOB_ONLY = doc(
    {
        "Effect": "Deny",
        "NotPrincipal": {"AWS": [_BOB_444]},
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::BUCKETNAME/*",
    }
)
case(
    "not-principal-without-account-denies",
    req("s3:GetObject", "arn:aws:s3:::BUCKETNAME/a", principal=_BOB_444, resource_account=ACCOUNT),
    EXPLICIT,
    identity_policies=[ALLOW_ALL],
    resource_policy=_NOT_BOB_ONLY,
)
_AUDIT_SESSION = (
    f"arn:aws:sts::{OTHER}:assumed-role/cross-account-read-only-role/cross-account-audit-app"
)
_NOT_AUDIT = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": OTHER},
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::Bucket_AccountAudit/*",
    },
    {
        "Effect": "Deny",
        "NotPrincipal": {
            "AWS": [
                _AUDIT_SESSION,
                f"arn:aws:iam::{OTHER}:role/cross-account-read-only-role",
                f"arn:aws:iam::{OTHER}:root",
            ]
        },
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::Bucket_AccountAudit", "arn:aws:s3:::Bucket_AccountAudit/*"],
    },
)
case(
    "not-principal-exempt-session",
    req(
        "s3:GetObject",
        "arn:aws:s3:::Bucket_AccountAudit/a",
        principal=_AUDIT_SESSION,
        resource_account=ACCOUNT,
    ),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    resource_policy=_NOT_AUDIT,
)
case(
    "not-principal-other-session-denied",
    req(
        "s3:GetObject",
        "arn:aws:s3:::Bucket_AccountAudit/a",
        principal=f"arn:aws:sts::{OTHER}:assumed-role/cross-account-read-only-role/other",
        resource_account=ACCOUNT,
    ),
    EXPLICIT,
    identity_policies=[ALLOW_ALL],
    resource_policy=_NOT_AUDIT,
)

# --- How to use an external ID when granting access to your AWS resources to a third party ---
_EXAMPLE_CORP = "arn:aws:iam::999988887777:role/ExampleCorpScanner"
_EXT_TRUST = doc(
    {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"AWS": "999988887777"},
        "Condition": {"StringEquals": {"sts:ExternalId": "12345"}},
    }
)
_EXT_IF_EXISTS = doc(
    {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"AWS": "999988887777"},
        "Condition": {"StringEqualsIfExists": {"sts:ExternalId": "12345"}},
    }
)
_ASSUME = doc(allow("sts:AssumeRole", "arn:aws:iam::*:role/*"))
_EXAMPLE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ExampleRole"
case(
    "external-id-correct",
    req("sts:AssumeRole", _EXAMPLE_ROLE, principal=_EXAMPLE_CORP, sts__ExternalId="12345"),
    ALLOW,
    identity_policies=[_ASSUME],
    resource_policy=_EXT_TRUST,
)
case(
    "external-id-other-customer",
    req("sts:AssumeRole", _EXAMPLE_ROLE, principal=_EXAMPLE_CORP, sts__ExternalId="67890"),
    IMPLICIT,
    identity_policies=[_ASSUME],
    resource_policy=_EXT_TRUST,
)
case(
    "external-id-missing",
    req("sts:AssumeRole", _EXAMPLE_ROLE, principal=_EXAMPLE_CORP),
    IMPLICIT,
    identity_policies=[_ASSUME],
    resource_policy=_EXT_TRUST,
)
case(
    "external-id-if-exists-missing",
    req("sts:AssumeRole", _EXAMPLE_ROLE, principal=_EXAMPLE_CORP),
    ALLOW,
    identity_policies=[_ASSUME],
    resource_policy=_EXT_IF_EXISTS,
)
case(
    "external-id-vendor-lacks-permission",
    req("sts:AssumeRole", _EXAMPLE_ROLE, principal=_EXAMPLE_CORP, sts__ExternalId="12345"),
    IMPLICIT,
    resource_policy=_EXT_TRUST,
)

# --- Policy evaluation logic (role trust policies must allow the principal, same account) ---
_SAME_ROOT = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "sts:AssumeRole",
    }
)
_SAME_BOB = doc({"Effect": "Allow", "Principal": {"AWS": BOB}, "Action": "sts:AssumeRole"})
case(
    "trust-root-same-account-needs-identity",
    req("sts:AssumeRole", _TARGET),
    IMPLICIT,
    resource_policy=_SAME_ROOT,
)
case(
    "trust-root-same-account-with-identity",
    req("sts:AssumeRole", _TARGET),
    ALLOW,
    resource_policy=_SAME_ROOT,
    identity_policies=[_ASSUME],
)
case("trust-naming-user-enough", req("sts:AssumeRole", _TARGET), ALLOW, resource_policy=_SAME_BOB)
case(
    "trust-policy-required-same-account",
    req("sts:AssumeRole", _TARGET),
    IMPLICIT,
    resource_policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": DAVID}, "Action": "sts:AssumeRole"}
    ),
    identity_policies=[_ASSUME],
)
case(
    "trust-tag-session-needs-its-own-allow",
    req("sts:TagSession", _TARGET),
    IMPLICIT,
    resource_policy=_SAME_BOB,
)


@pytest.mark.parametrize("known", CASES, ids=[c.name for c in CASES])
def test_known_answer(known: Case) -> None:
    """evaluate() gives the outcome the AWS documentation gives."""
    decision = evaluate(known.request, **known.policies)
    assert known.expected == decision.outcome, str(decision)
