"""The roles of a live account, read through boto3.

Roles are listed page by page (``ListRoles`` carries each trust policy); each role's inline
policies and attached managed policies are then read with a bounded number of requests in
flight; throttling and other transient failures are retried with backoff, and what still fails
is an :class:`~xaccess.errors.AWSError`. With ``on_error``, a role that cannot be read (its
stored policy is not a legal IAM policy, or IAM refuses to show it) is handed over and the
reading goes on with the others. boto3 is imported only by the caller that builds the
client, and botocore only when an account is read. A client made by ``boto3.client("iam")``
honours ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_IAM``), so the same code audits a moto
server.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import concurrent.futures
from typing import TYPE_CHECKING, Any, Final

from xaccess._validate import check_callable, check_int
from xaccess.audit.sources import DeclaredRole, stored_policy
from xaccess.errors import XAccessError

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_iam import IAMClient

    from xaccess.aws._retry import RetryPolicy
    from xaccess.policy import PolicyDocument

__all__ = ["DEFAULT_CONCURRENCY", "read_account"]

#: Requests in flight at once while reading role policies: IAM throttles bursts per account.
DEFAULT_CONCURRENCY: Final = 8


def _inline_policies(iam: IAMClient, role_name: str) -> list[PolicyDocument]:
    """The role's inline policies (ListRolePolicies, then GetRolePolicy for each)."""
    documents: list[PolicyDocument] = []
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
        for policy_name in page["PolicyNames"]:
            answer = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)
            documents.append(stored_policy(answer["PolicyDocument"], f"{role_name}.{policy_name}"))
    return documents


def _attached(iam: IAMClient, role_name: str) -> list[str]:
    """The ARNs of the managed policies attached to the role."""
    pages = iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name)
    return [p["PolicyArn"] for page in pages for p in page["AttachedPolicies"]]


def _read_role(iam: IAMClient, role: Any, source: str, retry: RetryPolicy) -> DeclaredRole:  # noqa: ANN401
    from xaccess.aws._retry import call_with_retry  # noqa: PLC0415 - loads botocore

    name = role["RoleName"]
    return DeclaredRole(
        name,
        source,
        trust_policy=stored_policy(role["AssumeRolePolicyDocument"], name),
        permissions=call_with_retry(retry, "ListRolePolicies", lambda: _inline_policies(iam, name)),
        managed_policy_arns=call_with_retry(
            retry, "ListAttachedRolePolicies", lambda: _attached(iam, name)
        ),
        role_arn=role["Arn"],
    )


def read_account(
    iam: IAMClient,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: Callable[[int, int], object] | None = None,
    retry: RetryPolicy | None = None,
    on_error: Callable[[str, XAccessError], object] | None = None,
) -> tuple[DeclaredRole, ...]:
    """Every role of the account ``iam`` reaches, with its policies, in ``ListRoles`` order.

    Args:
        iam: A boto3 IAM client.
        concurrency: How many roles are read at once (1 to 64).
        progress: Called as ``progress(done, total)`` after each role is read.
        retry: How throttling and other transient failures are retried (each read is
            idempotent); the default policy when ``None``.
        on_error: Called as ``on_error(role_name, error)`` for each role that cannot be read
            (a :class:`~xaccess.errors.ValidationError` or
            :class:`~xaccess.errors.AWSError`), which is then left out; ``None`` raises the
            first such error instead.

    Raises:
        ValidationError: ``concurrency`` is out of range, ``progress`` or ``on_error`` is not
            callable, or (without ``on_error``) a role's stored policy is not legal.
        AWSError: ListRoles was refused or kept failing, or (without ``on_error``) a role's
            policies could not be read (the botocore error is the ``__cause__``).

    .. versionadded:: 0.1.0
    """
    check_int(concurrency, "concurrency", low=1, high=64)
    if progress is not None:
        check_callable(progress, "progress")
    if on_error is not None:
        check_callable(on_error, "on_error")
    from xaccess.aws._retry import RetryPolicy, call_with_retry  # noqa: PLC0415 - loads botocore

    policy = retry or RetryPolicy()
    listed = call_with_retry(
        policy,
        "ListRoles",
        lambda: [r for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]],
    )
    account = listed[0]["Arn"].split(":")[4] if listed else "unknown"
    source = f"account:{account}"
    out: list[DeclaredRole | None] = [None] * len(listed)
    failed: dict[int, XAccessError] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = {
            pool.submit(_read_role, iam, role, source, policy): i for i, role in enumerate(listed)
        }
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            try:
                out[futures[future]] = future.result()
            except XAccessError as error:
                if on_error is None:
                    raise
                failed[futures[future]] = error
            if progress is not None:
                progress(done, len(listed))
    for i in sorted(failed):  # in ListRoles order, whatever order the reads finished in
        on_error(str(listed[i]["RoleName"]), failed[i])  # type: ignore[misc] # set when failed
    return tuple(r for r in out if r is not None)
