"""Read an account's IAM quotas live, with ``GetAccountSummary``.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xaccess.aws._retry import RetryPolicy, call_with_retry
from xaccess.quotas import AccountQuotas

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

__all__ = ["read_account_quotas"]


def read_account_quotas(iam: IAMClient, *, retry: RetryPolicy | None = None) -> AccountQuotas:
    """The IAM quotas of the account of ``iam``.

    Calls ``GetAccountSummary`` (one read, which needs ``iam:GetAccountSummary``) and takes
    ``AssumeRolePolicySizeQuota``, ``RolePolicySizeQuota``, ``PolicySizeQuota`` and
    ``AttachedPoliciesPerRoleQuota`` from its ``SummaryMap``
    (:meth:`~xaccess.AccountQuotas.from_summary`).

    Args:
        iam: A boto3 IAM client.
        retry: How transient failures are retried; the defaults if ``None``.

    Raises:
        ~xaccess.AWSError: The call failed (for example ``AccessDenied``).

    .. versionadded:: 0.1.0
    """
    policy = RetryPolicy() if retry is None else retry
    answer = call_with_retry(policy, "GetAccountSummary", iam.get_account_summary)
    summary = {str(key): value for key, value in answer.get("SummaryMap", {}).items()}
    return AccountQuotas.from_summary(summary)
