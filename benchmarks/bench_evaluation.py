"""Policy evaluation speed: evaluations per second for typical requests.

Two workloads: the vendor's ``sts:AssumeRole`` into a customer account (a
one-statement trust policy with ``StringEquals`` on ``sts:ExternalId`` plus the
vendor's identity policy, cross account), and an S3 request against a
20-statement identity policy mixing wildcards and conditions. Two more lines
compare the wildcard matcher with ``re.fullmatch`` of the equivalent regular
expression: on a backtracking worst case, and on a typical ARN pattern.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from xaccess.policy import PolicyDocument, Request, evaluate
from xaccess.policy._wildcard import compile_pattern

if TYPE_CHECKING:
    from collections.abc import Callable

TITLE = "policy evaluation: evaluations per second (best of 3)"

RUNS = 20_000
QUICK_RUNS = 300

VENDOR = "111122223333"
CUSTOMER = "444455556666"

TRUST = PolicyDocument.from_dict(
    {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "a1b2c3d4e5f6a7b8c9d0"}},
        },
    }
)
VENDOR_IDENTITY = PolicyDocument.from_dict(
    {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::*:role/*",
        },
    }
)
ASSUME = Request(
    principal=f"arn:aws:sts::{VENDOR}:assumed-role/Scanner/worker-1",
    action="sts:AssumeRole",
    resource=f"arn:aws:iam::{CUSTOMER}:role/AcmeAuditAccess",
    context={"sts:ExternalId": "a1b2c3d4e5f6a7b8c9d0"},
)


def _twenty_statements() -> PolicyDocument:
    statements: list[dict[str, Any]] = [
        {
            "Sid": f"Data{i}",
            "Effect": "Allow",
            "Action": [f"s3:Get*Object{i}", f"dynamodb:Query{i}", "s3:List?ucket*"],
            "Resource": [
                f"arn:aws:s3:::team-{i}-*/reports/*",
                f"arn:aws:dynamodb:*:*:table/t{i}",
            ],
            "Condition": {
                "StringEquals": {"aws:PrincipalTag/team": f"team-{i}"},
                "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]},
            },
        }
        for i in range(16)
    ]
    statements.append(
        {
            "Sid": "Home",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::home-bucket/${aws:username}/*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        }
    )
    statements.append(
        {
            "Sid": "DenyUnencrypted",
            "Effect": "Deny",
            "Action": "s3:PutObject",
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}
            },
        }
    )
    statements.append(
        {
            "Sid": "DenyTags",
            "Effect": "Deny",
            "Action": ["s3:PutObjectTagging", "s3:DeleteObjectTagging"],
            "Resource": "*",
            "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["aws:*", "admin*"]}},
        }
    )
    statements.append(
        {
            "Sid": "ReadAll",
            "Effect": "Allow",
            "NotAction": ["iam:*", "organizations:*", "account:*"],
            "Resource": "arn:aws:s3:::shared-*",
            "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        }
    )
    return PolicyDocument.from_dict({"Version": "2012-10-17", "Statement": statements})


IDENTITY_20 = _twenty_statements()
S3_GET = Request(
    principal=f"arn:aws:iam::{VENDOR}:user/Bob",
    action="s3:GetObject",
    resource="arn:aws:s3:::home-bucket/Bob/2026/report.csv",
    context={
        "aws:PrincipalTag/team": "team-7",
        "aws:SourceIp": "10.20.30.40",
        "aws:SecureTransport": True,
        "aws:CurrentTime": "2026-05-01T12:00:00Z",
    },
    resource_account=VENDOR,
)


def _rate(runs: int, call: Callable[[], object]) -> float:
    """Best calls per second over three timed batches of ``runs`` calls."""
    call()  # warm caches
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(runs):
            call()
        best = min(best, time.perf_counter() - started)
    return runs / best


def run(quick: bool) -> None:
    """Print evaluation rates for both workloads and the wildcard comparison."""
    runs = QUICK_RUNS if quick else RUNS
    assert evaluate(ASSUME, resource_policy=TRUST, identity_policies=[VENDOR_IDENTITY]).allowed
    assert evaluate(S3_GET, identity_policies=[IDENTITY_20]).allowed

    trust_rate = _rate(
        runs,
        lambda: evaluate(ASSUME, resource_policy=TRUST, identity_policies=[VENDOR_IDENTITY]),
    )
    print(f"   {runs} runs per batch")
    print(
        f"   trust policy (1 statement, StringEquals sts:ExternalId), cross account: "
        f"{trust_rate:10,.0f} evaluations/s ({1e6 / trust_rate:.1f} us each)"
    )
    identity_rate = _rate(runs, lambda: evaluate(S3_GET, identity_policies=[IDENTITY_20]))
    print(
        f"   identity policy of 20 statements (wildcards, conditions):         "
        f"{identity_rate:10,.0f} evaluations/s ({1e6 / identity_rate:.1f} us each)"
    )
    request_rate = _rate(
        runs,
        lambda: Request(
            principal=ASSUME.principal,
            action=ASSUME.action,
            resource=ASSUME.resource,
            context=ASSUME.context,
        ),
    )
    print(
        f"   building a Request (same principal, its parse cached):            "
        f"{request_rate:10,.0f} requests/s"
    )

    # The wildcard matcher against the regular expression a policy pattern translates to
    # (``*`` to ``.*``, ``?`` to ``.``), on the same values, each matcher compiled once.
    # First the backtracking worst case: the value fits the pattern's first and last
    # segments, so the matcher cannot reject it early and scans once per segment, while
    # ``re`` tries every placement of the stars (cubic in the length) before failing.
    # Then a typical resource pattern, where ``re`` (written in C) is the faster one.
    worst_runs = max(runs // 100, 3)  # re takes milliseconds per call here
    _compare("backtracking worst case", "a*a*a*c*a", "a" * 200, (worst_runs * 100, worst_runs))
    _compare(
        "typical ARN pattern",
        "arn:aws:s3:::team-*/reports/*",
        "arn:aws:s3:::team-7-prod/reports/2026/05/q1.csv",
        (runs, runs),
    )


def _compare(label: str, pattern: str, value: str, runs: tuple[int, int]) -> None:
    """Print the wildcard matcher's and ``re.fullmatch``'s time on one pattern and value."""
    matcher = compile_pattern(pattern)
    regex = re.compile(_translate(pattern), re.DOTALL)
    assert matcher.matches(value) is (regex.fullmatch(value) is not None)
    ours = _rate(runs[0], lambda: matcher.matches(value))
    theirs = _rate(runs[1], lambda: regex.fullmatch(value))
    faster = f"xaccess {ours / theirs:,.1f}x" if ours >= theirs else f"re {theirs / ours:,.1f}x"
    print(
        f"   wildcard {pattern!r} on {len(value)} chars, {label}: "
        f"xaccess {1e6 / ours:.2f} us, re.fullmatch {1e6 / theirs:.2f} us ({faster} as fast)"
    )


def _translate(pattern: str) -> str:
    """The regular expression for an IAM wildcard pattern: ``*`` any run, ``?`` one char."""
    return "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
