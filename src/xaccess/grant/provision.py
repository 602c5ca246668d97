"""The grant as a role to provision: its :class:`~xaccess.rolespec.RoleSpec`, and the AWS calls.

The AWS layer (boto3) is imported only when one of these functions runs, so building and
rendering grants never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

    from xaccess.aws.provisioning import Plan, ProvisionedRole, RetryPolicy
    from xaccess.grant.builder import ThirdPartyGrant
    from xaccess.rolespec import RoleSpec


def role_spec(grant: ThirdPartyGrant) -> RoleSpec:
    """The role this grant describes, as the desired state for provisioning.

    Raises:
        ValidationError: The grant is incomplete or a document exceeds its quota
            (see :meth:`trust_policy` and :meth:`permission_policies`).

    .. versionadded:: 0.1.0
    """
    from xaccess.rolespec import RoleSpec  # noqa: PLC0415 - keeps import xaccess light

    return RoleSpec(
        role_name=grant.role_name,
        path=grant.path,
        trust_policy=grant.trust_policy(),
        inline_policies=[(p.name, p.document) for p in grant.permission_policies()],
        managed_policy_arns=grant.managed_policy_arns,
        permissions_boundary=grant.permissions_boundary,
        description=grant.description or "",
        max_session_duration=grant.max_session_duration,
        tags=grant.tags,
        trust_policy_quota=grant.trust_policy_quota,
    )


def create(
    grant: ThirdPartyGrant, iam: IAMClient, *, retry: RetryPolicy | None = None
) -> ProvisionedRole:
    """Create the role in the account of ``iam``, all or nothing.

    Every document is built and checked before the first AWS call. If a step
    fails after the role was created, everything created is removed again and a
    :class:`~xaccess.ProvisioningError` says which step failed and what was rolled
    back. See :func:`xaccess.aws.provisioning.create`.

    A grant is for a third party: if it trusts the account of ``iam`` itself (found with
    ``sts:GetCallerIdentity`` before any write), :class:`~xaccess.ValidationError` is raised
    and nothing is created. :meth:`plan` and :meth:`apply` refuse it the same way.

    Args:
        iam: A boto3 IAM client for the customer's account.
        retry: How transient AWS errors are retried.

    .. versionadded:: 0.1.0
    """
    from xaccess.aws import provisioning  # noqa: PLC0415 - the AWS layer loads on use

    return provisioning.create(iam, grant.role_spec(), retry=retry, third_party=True)


def plan(grant: ThirdPartyGrant, iam: IAMClient, *, retry: RetryPolicy | None = None) -> Plan:
    """The changes :meth:`apply` would make to bring the role to this grant.

    Read-only. See :func:`xaccess.aws.provisioning.plan`.

    .. versionadded:: 0.1.0
    """
    from xaccess.aws import provisioning  # noqa: PLC0415 - the AWS layer loads on use

    return provisioning.plan(iam, grant.role_spec(), retry=retry, third_party=True)


def apply(
    grant: ThirdPartyGrant, iam: IAMClient, *, adopt: bool = False, retry: RetryPolicy | None = None
) -> ProvisionedRole:
    """Create the role, or converge an existing one to this grant; idempotent.

    Only roles that xaccess manages (marked by a tag) are changed unless
    ``adopt`` is true. See :func:`xaccess.aws.provisioning.apply`.

    .. versionadded:: 0.1.0
    """
    from xaccess.aws import provisioning  # noqa: PLC0415 - the AWS layer loads on use

    return provisioning.apply(iam, grant.role_spec(), adopt=adopt, retry=retry, third_party=True)
