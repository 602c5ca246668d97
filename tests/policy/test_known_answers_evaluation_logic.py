"""Known answers for how policy types combine.

Source: IAM User Guide, "Policy evaluation logic", "Cross-account policy evaluation logic",
"Permissions boundaries for IAM entities".

Each case names the documentation page whose example or rule it encodes.
"""

from __future__ import annotations

import pytest

from tests.policy.known_answers import (
    ACCOUNT,
    ALLOW,
    ALLOW_ALL,
    BOB,
    EXPLICIT,
    IMPLICIT,
    OTHER,
    OTHER_USER,
    ROLE,
    SESSION,
    Case,
    CaseTable,
    allow,
    doc,
    req,
)
from xaccess.policy import PolicyDocument, evaluate

CASES = CaseTable()
case = CASES.add


# --- Policy evaluation logic (identity-based and resource-based policy example) ---
_CARLOS = f"arn:aws:iam::{ACCOUNT}:user/carlossalazar"
_CARLOS_POLICY = doc(
    {
        "Sid": "AllowS3ListRead",
        "Effect": "Allow",
        "Action": [
            "s3:GetBucketLocation",
            "s3:GetAccountPublicAccessBlock",
            "s3:ListAccessPoints",
            "s3:ListAllMyBuckets",
        ],
        "Resource": "arn:aws:s3:::*",
    },
    {
        "Sid": "AllowS3Self",
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
    },
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
)
_CARLOS_BUCKET = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": _CARLOS},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
    }
)
case(
    "carlos-logs-bucket",
    req(
        "s3:PutObject",
        "arn:aws:s3:::carlossalazar-logs/f",
        principal=_CARLOS,
        resource_account=ACCOUNT,
    ),
    EXPLICIT,
    identity_policies=[_CARLOS_POLICY],
    resource_policy=_CARLOS_BUCKET,
)
case(
    "carlos-own-bucket",
    req(
        "s3:PutObject", "arn:aws:s3:::carlossalazar/f", principal=_CARLOS, resource_account=ACCOUNT
    ),
    ALLOW,
    identity_policies=[_CARLOS_POLICY],
    resource_policy=_CARLOS_BUCKET,
)
case(
    "carlos-bucket-policy-alone",
    req(
        "s3:PutObject", "arn:aws:s3:::carlossalazar/f", principal=_CARLOS, resource_account=ACCOUNT
    ),
    ALLOW,
    resource_policy=_CARLOS_BUCKET,
)

# --- Policy evaluation logic (the difference between explicit and implicit denies) ---
_REPORTS = doc(
    {
        "Sid": "AllowGetList",
        "Effect": "Allow",
        "Action": ["iam:Get*", "iam:List*"],
        "Resource": "*",
    },
    {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"},
)
case("get-allowed", req("iam:GetRole", ROLE), ALLOW, identity_policies=[_REPORTS])
case("create-implicitly-denied", req("iam:CreatePolicy"), IMPLICIT, identity_policies=[_REPORTS])
case(
    "report-explicitly-denied",
    req("iam:GetOrganizationsAccessReport"),
    EXPLICIT,
    identity_policies=[_REPORTS],
)
case(
    "report-denied-despite-other-allow",
    req("iam:GenerateCredentialReport"),
    EXPLICIT,
    identity_policies=[_REPORTS, ALLOW_ALL],
)

# --- Policy evaluation logic (resource-based policies and implicit denies, same account) ---
_BUCKET_X = "arn:aws:s3:::bucket-x/k"
_NOTHING = doc(allow("ec2:DescribeInstances"))


def _granting(principal: str) -> PolicyDocument:
    return doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::bucket-x/*",
        }
    )


case(
    "rbp-role-arn-limited-by-boundary",
    req("s3:GetObject", _BUCKET_X, principal=SESSION, resource_account=ACCOUNT),
    IMPLICIT,
    resource_policy=_granting(ROLE),
    permissions_boundary=_NOTHING,
)
case(
    "rbp-role-arn-limited-by-session-policy",
    req("s3:GetObject", _BUCKET_X, principal=SESSION, resource_account=ACCOUNT),
    IMPLICIT,
    resource_policy=_granting(ROLE),
    session_policies=[_NOTHING],
)
case(
    "rbp-role-arn-needs-no-identity-policy",
    req("s3:GetObject", _BUCKET_X, principal=SESSION, resource_account=ACCOUNT),
    ALLOW,
    resource_policy=_granting(ROLE),
)
case(
    "rbp-session-arn-not-limited",
    req("s3:GetObject", _BUCKET_X, principal=SESSION, resource_account=ACCOUNT),
    ALLOW,
    resource_policy=_granting(SESSION),
    permissions_boundary=_NOTHING,
    session_policies=[_NOTHING],
)
case(
    "rbp-user-arn-not-limited-by-boundary",
    req("s3:GetObject", _BUCKET_X, resource_account=ACCOUNT),
    ALLOW,
    resource_policy=_granting(BOB),
    permissions_boundary=_NOTHING,
)
_FED = f"arn:aws:sts::{ACCOUNT}:federated-user/Bob"
case(
    "rbp-federated-session-not-limited",
    req("s3:GetObject", _BUCKET_X, principal=_FED, resource_account=ACCOUNT),
    ALLOW,
    resource_policy=_granting(_FED),
)
case(
    "federated-session-needs-session-policy",
    req("s3:GetObject", _BUCKET_X, principal=_FED, resource_account=ACCOUNT),
    IMPLICIT,
    identity_policies=[ALLOW_ALL],
)
case(
    "federated-session-with-session-policy",
    req("s3:GetObject", _BUCKET_X, principal=_FED, resource_account=ACCOUNT),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    session_policies=[ALLOW_ALL],
)

# --- Permissions boundaries for IAM entities; Policy evaluation logic (SCPs, session policies) ---
_SERVICE_BOUNDARY = doc(allow(["s3:*", "cloudwatch:*", "ec2:*"]))
case(
    "boundary-blocks-identity-allow",
    req("iam:CreateUser"),
    IMPLICIT,
    identity_policies=[doc(allow("iam:CreateUser"))],
    permissions_boundary=_SERVICE_BOUNDARY,
)
case(
    "boundary-and-identity-allow",
    req("s3:GetObject"),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    permissions_boundary=_SERVICE_BOUNDARY,
)
case(
    "boundary-alone-grants-nothing",
    req("s3:GetObject"),
    IMPLICIT,
    permissions_boundary=_SERVICE_BOUNDARY,
)
case(
    "scp-blocks",
    req("iam:CreateUser"),
    IMPLICIT,
    identity_policies=[ALLOW_ALL],
    scps=[_SERVICE_BOUNDARY],
)
case(
    "scp-every-level-must-allow",
    req("s3:GetObject"),
    IMPLICIT,
    identity_policies=[ALLOW_ALL],
    scps=[ALLOW_ALL, doc(allow("ec2:*"))],
)
case(
    "scp-allows",
    req("s3:GetObject"),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    scps=[ALLOW_ALL, _SERVICE_BOUNDARY],
)
case(
    "scp-explicit-deny",
    req("s3:GetObject"),
    EXPLICIT,
    identity_policies=[ALLOW_ALL],
    scps=[doc(allow(), {"Effect": "Deny", "Action": "s3:*", "Resource": "*"})],
)
case(
    "session-policy-intersects",
    req("s3:GetObject", principal=SESSION),
    IMPLICIT,
    identity_policies=[ALLOW_ALL],
    session_policies=[_NOTHING],
)
case(
    "session-policy-allows",
    req("s3:GetObject", principal=SESSION),
    ALLOW,
    identity_policies=[ALLOW_ALL],
    session_policies=[_SERVICE_BOUNDARY],
)

# --- Cross-account policy evaluation logic ---
_SHARED = "arn:aws:s3:::shared-bucket/data.csv"
_SHARE = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::shared-bucket/*",
    }
)
case(
    "cross-account-both-allow",
    req("s3:GetObject", _SHARED, principal=OTHER_USER, resource_account=ACCOUNT),
    ALLOW,
    identity_policies=[doc(allow("s3:GetObject"))],
    resource_policy=_SHARE,
)
case(
    "cross-account-resource-only",
    req("s3:GetObject", _SHARED, principal=OTHER_USER, resource_account=ACCOUNT),
    IMPLICIT,
    resource_policy=_SHARE,
)
case(
    "cross-account-identity-only",
    req("s3:GetObject", _SHARED, principal=OTHER_USER, resource_account=ACCOUNT),
    IMPLICIT,
    identity_policies=[doc(allow("s3:GetObject"))],
)
case(
    "cross-account-other-account-named",
    req(
        "s3:GetObject",
        _SHARED,
        principal="arn:aws:iam::999999999999:user/Eve",
        resource_account=ACCOUNT,
    ),
    IMPLICIT,
    identity_policies=[ALLOW_ALL],
    resource_policy=_SHARE,
)


@pytest.mark.parametrize("known", CASES, ids=[c.name for c in CASES])
def test_known_answer(known: Case) -> None:
    """evaluate() gives the outcome the AWS documentation gives."""
    decision = evaluate(known.request, **known.policies)
    assert known.expected == decision.outcome, str(decision)
