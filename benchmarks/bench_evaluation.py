"""Policy evaluation speed: evaluations per second for typical requests.

Two workloads: the vendor's ``sts:AssumeRole`` into a customer account (a
one-statement trust policy with ``StringEquals`` on ``sts:ExternalId`` plus the
vendor's identity policy, cross account), and an S3 request against a
20-statement identity policy mixing wildcards and conditions, and against a
500-statement one. Each document is compiled once (on its first evaluation) and
kept while it lives, as it is for a real user who evaluates many requests against
the same policies; the first line of each workload is therefore the steady state. Two more lines
compare the wildcard matcher with ``re.fullmatch`` of the equivalent regular
expression: on a backtracking worst case, and on a typical ARN pattern.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xaccess.policy import PolicyDocument, Request, evaluate
from xaccess.policy._wildcard import compile_pattern

if TYPE_CHECKING:
    from collections.abc import Callable

TITLE = "policy evaluation: evaluations per CPU second (best of 3)"

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


def _many_statements(count: int) -> PolicyDocument:
    """An identity policy of ``count`` statements, each on its own actions and bucket.

    A fifth of them use wildcards in the action, so the evaluator cannot answer from exact
    action names alone; the one that allows the request is the last.
    """
    statements: list[dict[str, Any]] = [
        {
            "Sid": f"S{i}",
            "Effect": "Allow",
            "Action": [f"s3:Get*Object{i}"]
            if i % 5 == 0
            else [f"s3:GetObjectV{i}", f"sqs:Send{i}"],
            "Resource": f"arn:aws:s3:::bucket-{i}/*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": f"team-{i}"}},
        }
        for i in range(count - 1)
    ]
    statements.append(
        {
            "Sid": "Home",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::home-bucket/${aws:username}/*",
        }
    )
    return PolicyDocument.from_dict({"Version": "2012-10-17", "Statement": statements})


IDENTITY_500 = _many_statements(500)
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
    """Best calls per CPU second over three batches of ``runs`` calls.

    CPU time of this process, so that other processes on a shared machine do not skew it.
    """
    call()  # warm caches
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(runs):
            call()
        best = min(best, time.process_time() - started)
    return runs / best


WORKLOADS: dict[str, str] = {
    "trust": "trust policy (1 statement, StringEquals sts:ExternalId), cross account",
    "identity20": "identity policy of 20 statements (wildcards, conditions)",
    "identity500": "identity policy of 500 statements (a fifth with wildcard actions)",
}
BASELINE_ENV = "XACCESS_BENCH_BASELINE"
"""Set to the ``src`` folder of another checkout to print this code's rates against it."""


def evaluation_rates(runs: int) -> dict[str, float]:
    """Evaluations per second of each workload in :data:`WORKLOADS`."""
    assert evaluate(ASSUME, resource_policy=TRUST, identity_policies=[VENDOR_IDENTITY]).allowed
    assert evaluate(S3_GET, identity_policies=[IDENTITY_20]).allowed
    assert evaluate(S3_GET, identity_policies=[IDENTITY_500]).allowed
    return {
        "trust": _rate(
            runs,
            lambda: evaluate(ASSUME, resource_policy=TRUST, identity_policies=[VENDOR_IDENTITY]),
        ),
        "identity20": _rate(runs, lambda: evaluate(S3_GET, identity_policies=[IDENTITY_20])),
        "identity500": _rate(
            max(runs // 10, 3), lambda: evaluate(S3_GET, identity_policies=[IDENTITY_500])
        ),
    }


def _baseline_rates(source: str, runs: int) -> dict[str, float]:
    """The same workloads run by the xaccess found in ``source``, in a child process."""
    code = (
        "import json, bench_evaluation as b, xaccess; "
        f"assert xaccess.__file__.startswith({source!r}); "
        f"print(json.dumps(b.evaluation_rates({runs})))"
    )
    here = str(Path(__file__).resolve().parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, here])}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    rates: dict[str, float] = json.loads(out.stdout)
    return rates


def _best(first: dict[str, float], second: dict[str, float]) -> dict[str, float]:
    """The higher rate of each workload."""
    return {key: max(first[key], second[key]) for key in first}


def run(quick: bool) -> None:
    """Print evaluation rates for every workload and the wildcard comparison.

    With ``XACCESS_BENCH_BASELINE`` set to another checkout's ``src`` folder, the same
    workloads also run on that code (in a child process, right after this one) and the
    ratio of this code's rate to the baseline's is printed.
    """
    runs = QUICK_RUNS if quick else RUNS
    print(f"   {runs} runs per batch (the 500-statement case {max(runs // 10, 3)})")
    baseline_source = os.environ.get(BASELINE_ENV)
    rates = evaluation_rates(runs)
    baseline = None
    if baseline_source:
        # Alternate both sides three times and keep each side's best, so that load from
        # other processes on a shared machine does not favour whichever side ran first.
        baseline = _baseline_rates(baseline_source, runs)
        for _ in range(2):
            rates = _best(rates, evaluation_rates(runs))
            baseline = _best(baseline, _baseline_rates(baseline_source, runs))
    for key, label in WORKLOADS.items():
        rate = rates[key]
        line = f"   {label + ':':<75}{rate:10,.0f} evaluations/s ({1e6 / rate:.1f} us each)"
        if baseline is not None:
            line += f", baseline {baseline[key]:,.0f}/s: {rate / baseline[key]:.2f}x"
        print(line)
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
