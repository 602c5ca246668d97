"""Known answers for xaccess.policy.evaluate, taken from the AWS IAM User Guide.

Each case names the documentation page (by title) whose example or rule it
encodes. Policies are the pages' examples with placeholders filled in; the
expected outcome is what the page says AWS decides.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from xaccess.policy import ContextValue, Outcome, PolicyDocument, Request, evaluate

ALLOW = Outcome.ALLOW
IMPLICIT = Outcome.IMPLICIT_DENY
EXPLICIT = Outcome.EXPLICIT_DENY

ACCOUNT = "111122223333"
OTHER = "444455556666"
BOB = f"arn:aws:iam::{ACCOUNT}:user/Bob"
DAVID = f"arn:aws:iam::{ACCOUNT}:user/David"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/examplerole"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/examplerole/examplerolesessionname"


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> PolicyDocument:
    """A policy document from statement dicts in IAM JSON form."""
    data: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        data["Version"] = version
    return PolicyDocument.from_dict(data)


def allow(action: str | list[str] = "*", resource: str | list[str] = "*") -> dict[str, Any]:
    """An unconditional identity-policy Allow."""
    return {"Effect": "Allow", "Action": action, "Resource": resource}


ALLOW_ALL = doc(allow())


class Case(NamedTuple):
    """One known answer: the request, the policies and the expected outcome."""

    name: str
    request: Request
    policies: dict[str, Any]
    expected: Outcome


def req(
    action: str,
    resource: str = "*",
    principal: str = BOB,
    resource_account: str | None = None,
    **context: ContextValue,
) -> Request:
    """A request; keyword arguments become context keys (``__`` stands for ``:``)."""
    return Request(
        principal=principal,
        action=action,
        resource=resource,
        context={k.replace("__", ":"): v for k, v in context.items()},
        resource_account=resource_account,
    )


def ctx_req(action: str, resource: str, context: dict[str, ContextValue], **kw: Any) -> Request:
    """A request with a context whose keys are not Python identifiers."""
    return Request(
        principal=kw.pop("principal", BOB), action=action, resource=resource, context=context, **kw
    )


CASES: list[Case] = []


def case(name: str, request: Request, expected: Outcome, **policies: Any) -> None:
    """Register a known-answer case."""
    CASES.append(Case(name, request, policies, expected))


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

# --- IAM policy elements: Variables and tags ---
_OWN_KEYS = doc(
    {
        "Action": ["iam:*AccessKey*"],
        "Effect": "Allow",
        "Resource": [f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"],
    }
)
case(
    "variable-own-user",
    req("iam:CreateAccessKey", DAVID, principal=DAVID),
    ALLOW,
    identity_policies=[_OWN_KEYS],
)
case(
    "variable-other-user",
    req("iam:CreateAccessKey", BOB, principal=DAVID),
    IMPLICIT,
    identity_policies=[_OWN_KEYS],
)
case(
    "variable-absent-for-role",
    req("iam:CreateAccessKey", DAVID, principal=SESSION),
    IMPLICIT,
    identity_policies=[_OWN_KEYS],
)
_QUEUES = doc(
    {"Sid": "ListForConsole", "Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"},
    {
        "Sid": "AllQueueActions",
        "Effect": "Allow",
        "Action": "sqs:*",
        "Resource": "arn:aws:sqs:us-east-2:*:${aws:username}-queue",
    },
)
case(
    "variable-queue-name",
    req("sqs:SendMessage", f"arn:aws:sqs:us-east-2:{ACCOUNT}:David-queue", principal=DAVID),
    ALLOW,
    identity_policies=[_QUEUES],
)
case(
    "variable-queue-other-region",
    req("sqs:SendMessage", f"arn:aws:sqs:us-west-2:{ACCOUNT}:David-queue", principal=DAVID),
    IMPLICIT,
    identity_policies=[_QUEUES],
)
_DEPT = doc(allow("s3:*", "arn:aws:s3:::bucket/${aws:PrincipalTag/department}"))
case(
    "tag-variable-present",
    ctx_req(
        "s3:GetObject", "arn:aws:s3:::bucket/finance", {"aws:PrincipalTag/department": "finance"}
    ),
    ALLOW,
    identity_policies=[_DEPT],
)
case(
    "tag-variable-absent",
    req("s3:GetObject", "arn:aws:s3:::bucket/finance"),
    IMPLICIT,
    identity_policies=[_DEPT],
)
_TOPIC = doc(
    {
        "Principal": {"AWS": "999999999999"},
        "Effect": "Allow",
        "Action": "sns:*",
        "Condition": {
            "StringLike": {"sns:endpoint": "https://example.com/${aws:username}/"},
            "StringEquals": {"sns:Protocol": "https"},
        },
    }
)
# The topic is in another account than David's, whose identity policies allow sns:*.
_TOPIC_ARN = f"arn:aws:sns:us-east-2:{ACCOUNT}:alerts"
_USER_999 = "arn:aws:iam::999999999999:user/David"
case(
    "variable-in-condition",
    ctx_req(
        "sns:Subscribe",
        _TOPIC_ARN,
        {"sns:Endpoint": "https://example.com/David/", "sns:Protocol": "https"},
        principal=_USER_999,
    ),
    ALLOW,
    resource_policy=_TOPIC,
    identity_policies=[ALLOW_ALL],
)
case(
    "variable-in-condition-other-user",
    ctx_req(
        "sns:Subscribe",
        _TOPIC_ARN,
        {"sns:Endpoint": "https://example.com/Adele/", "sns:Protocol": "https"},
        principal=_USER_999,
    ),
    IMPLICIT,
    resource_policy=_TOPIC,
    identity_policies=[ALLOW_ALL],
)
_COST = doc(
    {
        "Effect": "Allow",
        "Action": ["iam:*user*"],
        "Resource": "*",
        "Condition": {"StringLike": {"iam:ResourceTag/costCenter": ["12345", "67890"]}},
    }
)
case(
    "resource-tag-listed",
    ctx_req("iam:GetUser", BOB, {"iam:ResourceTag/costCenter": "67890"}),
    ALLOW,
    identity_policies=[_COST],
)
case("resource-tag-absent", req("iam:GetUser", BOB), IMPLICIT, identity_policies=[_COST])
_NO_VERSION = doc(allow("s3:GetObject", "arn:aws:s3:::mybucket/${aws:username}/*"), version=None)
case(
    "no-version-no-variables",
    req("s3:GetObject", "arn:aws:s3:::mybucket/Bob/x"),
    IMPLICIT,
    identity_policies=[_NO_VERSION],
)
case(
    "no-version-literal-text",
    req("s3:GetObject", "arn:aws:s3:::mybucket/${aws:username}/x"),
    ALLOW,
    identity_policies=[_NO_VERSION],
)
_DEFAULT = doc(
    {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"StringEquals": {"s3:prefix": "${aws:userid, 'anonymous'}"}},
    }
)
case(
    "variable-default-value",
    req("s3:GetObject", s3__prefix="anonymous"),
    ALLOW,
    identity_policies=[_DEFAULT],
)
_STAR = doc(
    {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"StringLike": {"s3:prefix": "a${*}"}},
    }
)
case(
    "special-variable-literal-star",
    req("s3:GetObject", s3__prefix="a*"),
    ALLOW,
    identity_policies=[_STAR],
)
case(
    "special-variable-not-a-wildcard",
    req("s3:GetObject", s3__prefix="ab"),
    IMPLICIT,
    identity_policies=[_STAR],
)

# --- Creating a condition that tests multiple key values (set operations) ---
_THREAD = f"arn:aws:dynamodb:us-east-2:{ACCOUNT}:table/Thread"
_ONLY = doc(
    {
        "Effect": "Allow",
        "Action": "dynamodb:GetItem",
        "Resource": _THREAD,
        "Condition": {
            "ForAllValues:StringLike": {
                "dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]
            }
        },
    }
)
_NOT_ID = doc(
    allow("dynamodb:*"),
    {
        "Effect": "Deny",
        "Action": "dynamodb:PutItem",
        "Resource": _THREAD,
        "Condition": {
            "ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}
        },
    },
)
case(
    "for-all-values-subset",
    ctx_req(
        "dynamodb:GetItem", _THREAD, {"dynamodb:requestedAttributes": ["PostDateTime", "Message"]}
    ),
    ALLOW,
    identity_policies=[_ONLY],
)
case(
    "for-all-values-extra-value",
    ctx_req(
        "dynamodb:GetItem", _THREAD, {"dynamodb:requestedAttributes": ["PostDateTime", "UserName"]}
    ),
    IMPLICIT,
    identity_policies=[_ONLY],
)
case(
    "for-all-values-empty-set",
    ctx_req("dynamodb:GetItem", _THREAD, {"dynamodb:requestedAttributes": []}),
    ALLOW,
    identity_policies=[_ONLY],
)
case(
    "for-all-values-empty-string",
    ctx_req("dynamodb:GetItem", _THREAD, {"dynamodb:requestedAttributes": ""}),
    ALLOW,
    identity_policies=[_ONLY],
)
case(
    "for-any-value-one-match",
    ctx_req(
        "dynamodb:PutItem",
        _THREAD,
        {"dynamodb:requestedAttributes": ["UserName", "Message", "PostDateTime"]},
    ),
    EXPLICIT,
    identity_policies=[_NOT_ID],
)
case(
    "for-any-value-no-match",
    ctx_req("dynamodb:PutItem", _THREAD, {"dynamodb:requestedAttributes": ["UserName"]}),
    ALLOW,
    identity_policies=[_NOT_ID],
)
case(
    "for-any-value-empty-set",
    ctx_req("dynamodb:PutItem", _THREAD, {"dynamodb:requestedAttributes": []}),
    ALLOW,
    identity_policies=[_NOT_ID],
)

# --- Conditions with multiple context keys or values (negated operators NOR their values) ---
_NOR = doc(
    allow(),
    {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": ["red", "blue"]}},
    },
)
case(
    "negated-values-nor-listed",
    ctx_req("s3:GetObject", "*", {"aws:PrincipalTag/team": "blue"}),
    ALLOW,
    identity_policies=[_NOR],
)
case(
    "negated-values-nor-unlisted",
    ctx_req("s3:GetObject", "*", {"aws:PrincipalTag/team": "green"}),
    EXPLICIT,
    identity_policies=[_NOR],
)
case("negated-operator-missing-key", req("s3:GetObject"), EXPLICIT, identity_policies=[_NOR])

# --- Multivalued context key examples (ForAllValues:StringNotLike in a Deny) ---
_TAGGING = doc(
    allow(),
    {
        "Sid": "DenyRestrictedTags",
        "Effect": "Deny",
        "Action": ["iam:Tag*", "iam:UnTag*"],
        "Resource": ["*"],
        "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
    },
)
for _name, _keys, _expected in (
    ("one-allowed-prefix", ["key1:legal"], ALLOW),
    ("two-allowed-prefixes", ["key1:hr", "key1:personnel"], ALLOW),
    ("other-prefix", ["key2:audit"], EXPLICIT),
):
    case(
        f"for-all-values-not-like-{_name}",
        ctx_req("iam:TagRole", ROLE, {"aws:TagKeys": _keys}),
        _expected,
        identity_policies=[_TAGGING],
    )
case(
    "for-all-values-not-like-missing-key",
    req("iam:TagRole", ROLE),
    EXPLICIT,
    identity_policies=[_TAGGING],
)
_TAGGING_2 = doc(
    allow(),
    {
        "Effect": "Deny",
        "Action": ["iam:Tag*", "iam:UnTag*"],
        "Resource": ["*"],
        "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": ["key1*", "key2*"]}},
    },
)
case(
    "for-all-values-not-like-two-patterns-mixed",
    ctx_req("iam:TagRole", ROLE, {"aws:TagKeys": ["key1:hr", "key3:sales"]}),
    ALLOW,
    identity_policies=[_TAGGING_2],
)
case(
    "for-all-values-not-like-two-patterns-other",
    ctx_req("iam:TagRole", ROLE, {"aws:TagKeys": ["key3:sales"]}),
    EXPLICIT,
    identity_policies=[_TAGGING_2],
)
_ANY_TAG = doc(
    {
        "Effect": "Allow",
        "Action": "iam:TagRole",
        "Resource": "*",
        "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["key1", "key2"]}},
    }
)
case(
    "for-any-value-tag-listed",
    ctx_req("iam:TagRole", ROLE, {"aws:TagKeys": ["key1", "key3"]}),
    ALLOW,
    identity_policies=[_ANY_TAG],
)
case(
    "for-any-value-tag-unlisted",
    ctx_req("iam:TagRole", ROLE, {"aws:TagKeys": ["key3"]}),
    IMPLICIT,
    identity_policies=[_ANY_TAG],
)
case("for-any-value-tag-missing", req("iam:TagRole", ROLE), IMPLICIT, identity_policies=[_ANY_TAG])

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
_OTHER_USER = f"arn:aws:iam::{OTHER}:user/Ana"
case(
    "cross-account-both-allow",
    req("s3:GetObject", _SHARED, principal=_OTHER_USER, resource_account=ACCOUNT),
    ALLOW,
    identity_policies=[doc(allow("s3:GetObject"))],
    resource_policy=_SHARE,
)
case(
    "cross-account-resource-only",
    req("s3:GetObject", _SHARED, principal=_OTHER_USER, resource_account=ACCOUNT),
    IMPLICIT,
    resource_policy=_SHARE,
)
case(
    "cross-account-identity-only",
    req("s3:GetObject", _SHARED, principal=_OTHER_USER, resource_account=ACCOUNT),
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
        principal=_OTHER_USER,
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
    req("s3:GetObject", "arn:aws:s3:::BUCKETNAME/a", principal=_OTHER_USER, resource_account=OTHER),
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
        "s3:GetObject", "arn:aws:s3:::BUCKETNAME/a", principal=_OTHER_USER, resource_account=ACCOUNT
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


def test_there_are_enough_cases() -> None:
    """The table has at least 80 known answers with distinct names."""
    names = [c.name for c in CASES]
    assert len(set(names)) == len(names)
    assert len(names) >= 80


@pytest.mark.parametrize("known", CASES, ids=[c.name for c in CASES])
def test_known_answer(known: Case) -> None:
    """evaluate() gives the outcome the AWS documentation gives."""
    decision = evaluate(known.request, **known.policies)
    assert known.expected == decision.outcome, str(decision)
