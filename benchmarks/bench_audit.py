"""Audit speed: roles per second offline, and for a live account on a moto server.

Offline, each role is one trust policy and one permission policy from a realistic mix
(a safe vendor role, one without the external ID, one with ``...IfExists``, a GitHub OIDC
role, a pattern external ID), each with its own account and external ID so that no cache
hides the work; the audit evaluates every candidate witness. The obvious alternative is
the pattern check most scripts do ("is there a StringEquals on sts:ExternalId?"), timed on
the same documents: the ratio is the price of judging by meaning.

Against a moto server (``ThreadedMotoServer`` on 127.0.0.1), ``read_account`` lists the
roles and reads each one's inline and attached policies with 8 requests in flight, then
every role is audited; the figure is end-to-end roles per second, with the share spent on
IAM requests.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import boto3

from xaccess.audit import audit_permissions, audit_trust_policy
from xaccess.audit.account import read_account

TITLE = "xaccess audit: roles/s offline (vs a pattern check) and on a moto server"

SECONDS = 2.0
QUICK_SECONDS = 0.2
SERVER_ROLES = 200
QUICK_SERVER_ROLES = 20

PERMISSIONS = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["ec2:Describe*", "cloudwatch:Get*"], "Resource": "*"},
    ],
}


def trust_policy(number: int) -> dict[str, Any]:
    """The trust policy of role ``number``: five kinds in turn, each with its own values."""
    account = f"4644{number % 10**8:08d}"
    external_id = f"19966f6420ea46dca3a24d6b{number % 16**8:08x}"
    principal = {"AWS": f"arn:aws:iam::{account}:root"}
    kind = number % 5
    condition: dict[str, Any] = {"StringEquals": {"sts:ExternalId": external_id}}
    action = "sts:AssumeRole"
    if kind == 1:
        condition = {}
    elif kind == 2:
        condition = {"StringEqualsIfExists": {"sts:ExternalId": external_id}}
    elif kind == 3:
        principal = {
            "Federated": f"arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
        }
        action = "sts:AssumeRoleWithWebIdentity"
        condition = {
            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            "StringLike": {"token.actions.githubusercontent.com:sub": f"repo:org{number}/*"},
        }
    elif kind == 4:
        condition = {"StringLike": {"sts:ExternalId": f"{external_id[:8]}-*"}}
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def pattern_check(policy: dict[str, Any]) -> bool:
    """What most scripts do: is there a StringEquals on sts:ExternalId in every statement?"""
    return all(
        "sts:ExternalId" in s.get("Condition", {}).get("StringEquals", {})
        for s in policy["Statement"]
    )


def _rate(seconds: float, work: Any) -> tuple[float, int]:  # noqa: ANN401 - any callable
    count = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        work(count)
        count += 1
    return count / elapsed, count


def offline(seconds: float) -> None:
    """Audit distinct roles for ``seconds`` and print roles per second."""

    def audit(number: int) -> None:
        audit_trust_policy(trust_policy(number))
        audit_permissions([PERMISSIONS])

    def naive(number: int) -> None:
        pattern_check(trust_policy(number))

    audit(0)  # load the action catalog once
    rate, count = _rate(seconds, audit)
    naive_rate, _ = _rate(seconds, naive)
    print(f"   offline: {rate:,.0f} roles/s ({count} roles, trust + permissions)")
    print(f"   pattern check: {naive_rate:,.0f} roles/s; the audit costs {naive_rate / rate:.0f}x")


def on_moto_server(roles: int) -> None:
    """Create ``roles`` roles on a moto server, then read and audit the whole account."""
    from moto.server import ThreadedMotoServer  # noqa: PLC0415 - only this section needs it

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        iam = boto3.client(
            "iam",
            endpoint_url=f"http://{host}:{port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        for number in range(roles):
            name = f"Vendor{number:04d}"
            iam.create_role(
                RoleName=name, AssumeRolePolicyDocument=json.dumps(trust_policy(number))
            )
            iam.put_role_policy(
                RoleName=name, PolicyName="read", PolicyDocument=json.dumps(PERMISSIONS)
            )
        started = time.perf_counter()
        declared = read_account(iam)
        read = time.perf_counter() - started
        reports = [role.audit() for role in declared]
        total = time.perf_counter() - started
    finally:
        server.stop()
    assert len(reports) == roles
    failing = sum(not r.ok for r in reports)
    print(
        f"   moto server: {roles / total:,.0f} roles/s end to end ({roles} roles, "
        f"{failing} not ok); reading IAM took {read / total:.0%} of {total:.2f} s"
    )


def run(quick: bool) -> None:
    """Print the offline and moto-server figures."""
    offline(QUICK_SECONDS if quick else SECONDS)
    on_moto_server(QUICK_SERVER_ROLES if quick else SERVER_ROLES)
