"""Shared requests, documents and helpers for the evaluator tests."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import attrs

from xaccess.policy import (
    Condition,
    ContextValue,
    PolicyDocument,
    Principal,
    Request,
    Statement,
    evaluate,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

ACCOUNT = "111122223333"
OTHER = "444455556666"
BOB = f"arn:aws:iam::{ACCOUNT}:user/Bob"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Scanner"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Scanner/nightly"
TARGET = f"arn:aws:iam::{OTHER}:role/Target"
ALLOW_ALL = PolicyDocument([Statement("Allow", actions="*", resources="*")])
EC2_ONLY = PolicyDocument([Statement("Allow", actions="ec2:*", resources="*")])


def request(
    principal: str = BOB,
    action: str = "s3:GetObject",
    resource: str = "*",
    context: Mapping[str, ContextValue] | None = None,
    **kw: Any,
) -> Request:
    """A request with defaults for the fields a test does not care about."""
    return Request(
        principal=principal, action=action, resource=resource, context=context or {}, **kw
    )


def condition_holds(
    operator: str,
    key: str,
    values: Any,
    context: Mapping[str, ContextValue] | None = None,
    *,
    version: str | None = "2012-10-17",
    principal: str = BOB,
) -> bool:
    """Whether an identity-policy Allow with this one condition allows the request."""
    statement = Statement(
        "Allow", actions="*", resources="*", conditions=[Condition(operator, key, values)]
    )
    document = PolicyDocument([statement], version=version)
    req = request(principal, context=context)
    if not req.principal.startswith("arn:"):
        # Callers without an IAM identity are judged by resource policies only.
        public = attrs.evolve(statement, principal=Principal(everyone=True))
        return evaluate(req, resource_policy=PolicyDocument([public], version=version)).allowed
    return evaluate(req, identity_policies=[document], session_policies=[document]).allowed


def trust(principal: Principal, **kw: Any) -> PolicyDocument:
    """A one-statement trust policy."""
    return PolicyDocument([Statement("Allow", actions="sts:AssumeRole", principal=principal, **kw)])


def growth(run: Callable[[int], object], size: int) -> float:
    """How many times longer ``run(2 * size)`` takes than ``run(size)`` (best of seven each).

    Time is the CPU time of this thread, so neither other processes on a busy machine nor the
    threads of a moto server in this process count: a linear ``run`` gives about 2, a quadratic
    one about 4, whatever the load.
    """

    def best(n: int) -> float:
        times = []
        for _ in range(7):
            started = time.thread_time()
            run(n)
            times.append(time.thread_time() - started)
        return min(times)

    best(size)  # warm caches that do not depend on the size
    return best(2 * size) / best(size)
