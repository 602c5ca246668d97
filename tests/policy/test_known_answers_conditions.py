"""Known answers for condition operators and the Action, NotAction, Resource, NotResource elements.

Source: IAM User Guide, "IAM JSON policy elements" pages.

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
    Case,
    CaseTable,
    allow,
    ctx_req,
    doc,
    req,
)
from xaccess.policy import PolicyDocument, evaluate

CASES = CaseTable()
case = CASES.add


# --- IAM JSON policy elements: Condition operators (String condition operators) ---
_JOB = doc(
    {
        "Effect": "Allow",
        "Action": "iam:*AccessKey*",
        "Resource": f"arn:aws:iam::{ACCOUNT}:user/*",
        "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}},
    }
)
_KEY_ON_BOB = ("iam:CreateAccessKey", BOB)
case(
    "string-equals-tag",
    ctx_req(*_KEY_ON_BOB, {"aws:PrincipalTag/job-category": "iamuser-admin"}),
    ALLOW,
    identity_policies=[_JOB],
)
case("string-equals-missing-tag", req(*_KEY_ON_BOB), IMPLICIT, identity_policies=[_JOB])
case(
    "string-equals-case-sensitive",
    ctx_req(*_KEY_ON_BOB, {"aws:PrincipalTag/job-category": "IAMUser-Admin"}),
    IMPLICIT,
    identity_policies=[_JOB],
)
case(
    "condition-key-ignores-case",
    ctx_req(*_KEY_ON_BOB, {"AWS:principaltag/JOB-CATEGORY": "iamuser-admin"}),
    ALLOW,
    identity_policies=[_JOB],
)
case(
    "action-wildcards-in-the-middle",
    ctx_req("iam:UpdateAccessKey", BOB, {"aws:PrincipalTag/job-category": "iamuser-admin"}),
    ALLOW,
    identity_policies=[_JOB],
)

# --- IAM JSON policy elements: Condition operators (StringLike with a policy variable) ---
_HOME = doc(
    allow(["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "arn:aws:s3:::*"),
    {
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": "arn:aws:s3:::amzn-s3-demo-bucket",
        "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}},
    },
    allow(
        "s3:*",
        [
            "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}",
            "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*",
        ],
    ),
)
_BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket"
case(
    "string-like-own-home",
    req("s3:ListBucket", _BUCKET, s3__prefix="home/Bob/"),
    ALLOW,
    identity_policies=[_HOME],
)
case(
    "string-like-empty-prefix",
    req("s3:ListBucket", _BUCKET, s3__prefix=""),
    ALLOW,
    identity_policies=[_HOME],
)
case(
    "string-like-other-home",
    req("s3:ListBucket", _BUCKET, s3__prefix="home/Alice/"),
    IMPLICIT,
    identity_policies=[_HOME],
)
case(
    "variable-in-resource-own-object",
    req("s3:GetObject", f"{_BUCKET}/home/Bob/notes.txt"),
    ALLOW,
    identity_policies=[_HOME],
)
case(
    "variable-in-resource-other-object",
    req("s3:GetObject", f"{_BUCKET}/home/Alice/notes.txt"),
    IMPLICIT,
    identity_policies=[_HOME],
)

# --- IAM JSON policy elements: Condition operators (Numeric condition operators) ---
_MAX_KEYS = doc(
    {
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": "arn:aws:s3:::example_bucket",
        "Condition": {"NumericLessThanEquals": {"s3:max-keys": "10"}},
    }
)
_LIST = ("s3:ListBucket", "arn:aws:s3:::example_bucket")
case(
    "numeric-le-equal", ctx_req(*_LIST, {"s3:max-keys": "10"}), ALLOW, identity_policies=[_MAX_KEYS]
)
case("numeric-le-number", ctx_req(*_LIST, {"s3:max-keys": 3}), ALLOW, identity_policies=[_MAX_KEYS])
case(
    "numeric-le-above",
    ctx_req(*_LIST, {"s3:max-keys": "11"}),
    IMPLICIT,
    identity_policies=[_MAX_KEYS],
)
case("numeric-missing-key", req(*_LIST), IMPLICIT, identity_policies=[_MAX_KEYS])

# --- IAM JSON policy elements: Condition operators (Date condition operators) ---
_FRESH = doc(
    {
        "Effect": "Allow",
        "Action": "iam:*AccessKey*",
        "Resource": f"arn:aws:iam::{ACCOUNT}:user/*",
        "Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
    }
)
case(
    "date-after",
    ctx_req(*_KEY_ON_BOB, {"aws:TokenIssueTime": "2020-06-01T12:00:00Z"}),
    ALLOW,
    identity_policies=[_FRESH],
)
case(
    "date-before",
    ctx_req(*_KEY_ON_BOB, {"aws:TokenIssueTime": "2019-12-31T23:59:59Z"}),
    IMPLICIT,
    identity_policies=[_FRESH],
)
case(
    "date-epoch-seconds",
    ctx_req(*_KEY_ON_BOB, {"aws:TokenIssueTime": 1600000000}),
    ALLOW,
    identity_policies=[_FRESH],
)
case("date-missing-for-long-term-keys", req(*_KEY_ON_BOB), IMPLICIT, identity_policies=[_FRESH])

# --- IAM JSON policy elements: Condition operators (Boolean condition operators) ---
_TLS = doc(
    allow("s3:*"),
    {
        "Sid": "BooleanExample",
        "Action": "s3:*",
        "Effect": "Deny",
        "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    },
)
_GET = ("s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/report.csv")
case(
    "bool-deny-without-tls",
    ctx_req(*_GET, {"aws:SecureTransport": False}),
    EXPLICIT,
    identity_policies=[_TLS],
)
case(
    "bool-allow-with-tls",
    ctx_req(*_GET, {"aws:SecureTransport": True}),
    ALLOW,
    identity_policies=[_TLS],
)
case(
    "bool-string-value",
    ctx_req(*_GET, {"aws:SecureTransport": "False"}),
    EXPLICIT,
    identity_policies=[_TLS],
)

# --- IAM JSON policy elements: Condition operators (Binary condition operators) ---
_BINARY = doc(
    {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"BinaryEquals": {"s3:key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}},
    }
)
case(
    "binary-equal",
    ctx_req("s3:GetObject", "*", {"s3:key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}),
    ALLOW,
    identity_policies=[_BINARY],
)
case(
    "binary-different",
    ctx_req("s3:GetObject", "*", {"s3:key": "T3RoZXJWYWx1ZQ=="}),
    IMPLICIT,
    identity_policies=[_BINARY],
)

# --- IAM JSON policy elements: Condition operators (IP address condition operators) ---
_IP = doc(
    {
        "Effect": "Allow",
        "Action": "someservice:*",
        "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}},
    }
)
case(
    "ip-in-ipv4-range",
    req("someservice:Act", aws__SourceIp="203.0.113.7"),
    ALLOW,
    identity_policies=[_IP],
)
case(
    "ip-outside-range",
    req("someservice:Act", aws__SourceIp="198.51.100.1"),
    IMPLICIT,
    identity_policies=[_IP],
)
case(
    "ip-in-ipv6-range",
    req("someservice:Act", aws__SourceIp="2001:db8:1234:5678::42"),
    ALLOW,
    identity_policies=[_IP],
)
case(
    "ip-outside-ipv6-range",
    req("someservice:Act", aws__SourceIp="2001:db8:1234:5679::42"),
    IMPLICIT,
    identity_policies=[_IP],
)
case("ip-missing-via-vpc-endpoint", req("someservice:Act"), IMPLICIT, identity_policies=[_IP])

# --- AWS: Denies access to AWS based on the source IP (NotIpAddress) ---
_DENY_IP = doc(
    {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}},
    }
)
case(
    "not-ip-inside-company-range",
    req("ec2:RunInstances", aws__SourceIp="192.0.2.10"),
    ALLOW,
    identity_policies=[ALLOW_ALL, _DENY_IP],
)
case(
    "not-ip-outside-company-range",
    req("ec2:RunInstances", aws__SourceIp="198.51.100.10"),
    EXPLICIT,
    identity_policies=[ALLOW_ALL, _DENY_IP],
)
case(
    "not-ip-missing-key-is-true",
    req("ec2:RunInstances"),
    EXPLICIT,
    identity_policies=[ALLOW_ALL, _DENY_IP],
)

# --- IAM JSON policy elements: Condition operators (ARN condition operators) ---
# The queue is in another account: a Principal naming the caller's account delegates to its
# identity policies (see the account-principal cases), so the caller has one, and the
# queue policy's condition decides.
_QUEUE = f"arn:aws:sqs:us-east-2:{OTHER}:QUEUE-ID"
_SNS = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": ACCOUNT},
        "Action": "SQS:SendMessage",
        "Resource": _QUEUE,
        "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-2:{ACCOUNT}:TOPIC-ID"}},
    }
)
case(
    "arn-equals-topic",
    req("sqs:SendMessage", _QUEUE, aws__SourceArn=f"arn:aws:sns:us-east-2:{ACCOUNT}:TOPIC-ID"),
    ALLOW,
    resource_policy=_SNS,
    identity_policies=[ALLOW_ALL],
)
case(
    "arn-equals-other-topic",
    req("sqs:SendMessage", _QUEUE, aws__SourceArn=f"arn:aws:sns:us-east-2:{ACCOUNT}:OTHER"),
    IMPLICIT,
    resource_policy=_SNS,
    identity_policies=[ALLOW_ALL],
)
case(
    "arn-equals-direct-call",
    req("sqs:SendMessage", _QUEUE),
    IMPLICIT,
    resource_policy=_SNS,
    identity_policies=[ALLOW_ALL],
)
_FINANCE_VALUE = (
    f"arn:aws:someservice:us-east-2:999999999999:store/abc:{ACCOUNT}:finance/document.txt"
)
_FINANCE_PATTERN = f"arn:aws:someservice:*:{ACCOUNT}:finance/*"


def _finance(operator: str) -> PolicyDocument:
    return doc(
        {
            "Effect": "Allow",
            "Action": "someservice:Read",
            "Resource": "*",
            "Condition": {operator: {"aws:SourceArn": _FINANCE_PATTERN}},
        }
    )


case(
    "string-like-spans-colons",
    req("someservice:Read", aws__SourceArn=_FINANCE_VALUE),
    ALLOW,
    identity_policies=[_finance("StringLike")],
)
case(
    "arn-like-matches-per-segment",
    req("someservice:Read", aws__SourceArn=_FINANCE_VALUE),
    IMPLICIT,
    identity_policies=[_finance("ArnLike")],
)
case(
    "arn-like-same-account",
    req(
        "someservice:Read",
        aws__SourceArn=f"arn:aws:someservice:eu-west-1:{ACCOUNT}:finance/a/b.txt",
    ),
    ALLOW,
    identity_policies=[_finance("ArnLike")],
)

# --- IAM JSON policy elements: Condition operators (...IfExists condition operators) ---
_RUN = doc(
    {
        "Sid": "RunInstance",
        "Effect": "Allow",
        "Action": "ec2:RunInstances",
        "Resource": "*",
        "Condition": {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}},
    }
)
_RUN_BROKEN = doc(
    {
        "Sid": "THISPOLICYDOESNOTWORK",
        "Effect": "Allow",
        "Action": "ec2:RunInstances",
        "Resource": "*",
        "Condition": {"StringLike": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}},
    }
)
_IMAGE = "arn:aws:ec2:us-east-1::image/ami-12345678"
case(
    "if-exists-allowed-type",
    req("ec2:RunInstances", ec2__InstanceType="t2.micro"),
    ALLOW,
    identity_policies=[_RUN],
)
case(
    "if-exists-other-type",
    req("ec2:RunInstances", ec2__InstanceType="m5.large"),
    IMPLICIT,
    identity_policies=[_RUN],
)
case("if-exists-key-absent", req("ec2:RunInstances", _IMAGE), ALLOW, identity_policies=[_RUN])
case(
    "without-if-exists-key-absent",
    req("ec2:RunInstances", _IMAGE),
    IMPLICIT,
    identity_policies=[_RUN_BROKEN],
)

# --- IAM JSON policy elements: Condition operators (Null condition operator) ---
_NO_TEMP = doc(
    {
        "Action": "ec2:*",
        "Effect": "Allow",
        "Resource": "*",
        "Condition": {"Null": {"aws:TokenIssueTime": "true"}},
    }
)
case("null-true-key-absent", req("ec2:DescribeInstances"), ALLOW, identity_policies=[_NO_TEMP])
case(
    "null-true-key-present",
    req("ec2:DescribeInstances", aws__TokenIssueTime="2024-01-01T00:00:00Z"),
    IMPLICIT,
    identity_policies=[_NO_TEMP],
)

# --- IAM JSON policy elements: NotAction (NotAction with Deny, BoolIfExists) ---
_MFA = doc(
    allow(),
    {
        "Sid": "DenyAllUsersNotUsingMFA",
        "Effect": "Deny",
        "NotAction": "iam:*",
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    },
)
case(
    "not-action-deny-without-mfa",
    req("s3:ListAllMyBuckets", aws__MultiFactorAuthPresent=False),
    EXPLICIT,
    identity_policies=[_MFA],
)
case("not-action-deny-key-absent", req("s3:ListAllMyBuckets"), EXPLICIT, identity_policies=[_MFA])
case("not-action-excluded-action", req("iam:ListUsers"), ALLOW, identity_policies=[_MFA])
case(
    "not-action-with-mfa",
    req("s3:ListAllMyBuckets", aws__MultiFactorAuthPresent=True),
    ALLOW,
    identity_policies=[_MFA],
)

# --- IAM JSON policy elements: NotAction (NotAction with Allow) ---
_NOT_IAM = doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
_NO_DELETE = doc({"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"})
case("not-action-allow-other-service", req("dynamodb:GetItem"), ALLOW, identity_policies=[_NOT_IAM])
case(
    "not-action-allow-listed-service", req("iam:CreateUser"), IMPLICIT, identity_policies=[_NOT_IAM]
)
case(
    "not-action-allow-s3-resource",
    req("s3:PutObject", "arn:aws:s3:::b/k"),
    ALLOW,
    identity_policies=[_NO_DELETE],
)
case(
    "not-action-allow-delete-bucket",
    req("s3:DeleteBucket", "arn:aws:s3:::b"),
    IMPLICIT,
    identity_policies=[_NO_DELETE],
)
case(
    "not-action-allow-star-resource",
    req("s3:ListAllMyBuckets", "*"),
    IMPLICIT,
    identity_policies=[_NO_DELETE],
)

# --- IAM JSON policy elements: NotResource ---
_PAYROLL = doc(
    allow("s3:*"),
    {
        "Effect": "Deny",
        "Action": "s3:*",
        "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"],
    },
)
case(
    "not-resource-listed",
    req("s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/2024.csv"),
    ALLOW,
    identity_policies=[_PAYROLL],
)
case(
    "not-resource-unlisted",
    req("s3:GetObject", "arn:aws:s3:::HRBucket/Other/x"),
    EXPLICIT,
    identity_policies=[_PAYROLL],
)
case(
    "not-resource-other-service",
    req("ec2:DescribeInstances"),
    ALLOW,
    identity_policies=[_PAYROLL, ALLOW_ALL],
)

# --- IAM JSON policy elements: Resource (wildcards span "/" within the resource part) ---
_TEST_OBJECTS = doc(allow("s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*"))
for _i, _key in enumerate(
    (
        "1/test/object.jpg",
        "1/2/test/object.jpg",
        "1/2/test/3/object.jpg",
        "1///test///object.jpg",
        "1/test/.jpg",
    )
):
    case(
        f"resource-star-spans-slashes-{_i}",
        req("s3:GetObject", f"arn:aws:s3:::DOC-EXAMPLE-BUCKET/{_key}"),
        ALLOW,
        identity_policies=[_TEST_OBJECTS],
    )
case(
    "resource-star-needs-the-literal",
    req("s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/1/tset/object.jpg"),
    IMPLICIT,
    identity_policies=[_TEST_OBJECTS],
)
case(
    "resource-is-case-sensitive",
    req("s3:GetObject", "arn:aws:s3:::doc-example-bucket/1/test/x"),
    IMPLICIT,
    identity_policies=[_TEST_OBJECTS],
)
case(
    "action-is-case-insensitive",
    req("S3:getobject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/1/test/x"),
    ALLOW,
    identity_policies=[_TEST_OBJECTS],
)


@pytest.mark.parametrize("known", CASES, ids=[c.name for c in CASES])
def test_known_answer(known: Case) -> None:
    """evaluate() gives the outcome the AWS documentation gives."""
    decision = evaluate(known.request, **known.policies)
    assert known.expected == decision.outcome, str(decision)
