"""Known answers for policy variables, tags, and multivalued context keys (IAM User Guide).

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
    ROLE,
    SESSION,
    Case,
    CaseTable,
    allow,
    ctx_req,
    doc,
    req,
)
from xaccess.policy import evaluate

CASES = CaseTable()
case = CASES.add


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


@pytest.mark.parametrize("known", CASES, ids=[c.name for c in CASES])
def test_known_answer(known: Case) -> None:
    """evaluate() gives the outcome the AWS documentation gives."""
    decision = evaluate(known.request, **known.policies)
    assert known.expected == decision.outcome, str(decision)
