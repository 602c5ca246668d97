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
    from xaccess.quotas import AccountQuotas
    from xaccess.rolespec import RoleSpec


def role_spec(grant: ThirdPartyGrant, *, quotas: AccountQuotas | None = None) -> RoleSpec:
    """The role this grant describes, as the desired state for provisioning.

    Args:
        quotas: The account's quotas (:meth:`xaccess.AccountQuotas.read`); the grant's
            own by default.

    Raises:
        ValidationError: The grant is incomplete or a document exceeds its quota
            (see :meth:`trust_policy` and :meth:`permission_policies`).

    .. versionadded:: 0.1.0
    """
    from xaccess.rolespec import RoleSpec  # noqa: PLC0415 - keeps import xaccess light

    limits = grant.quotas if quotas is None else quotas
    policies = grant.permission_policies(quotas=limits)
    return RoleSpec(
        role_name=grant.role_name,
        path=grant.path,
        trust_policy=grant.trust_policy(),
        inline_policies=[(p.name, p.document) for p in policies if p.kind == "inline"],
        managed_policies=[(p.name, p.document) for p in policies if p.kind == "managed"],
        max_managed_policies=limits.managed_policies_per_role,
        managed_policy_arns=grant.managed_policy_arns,
        permissions_boundary=grant.permissions_boundary,
        description=grant.description or "",
        max_session_duration=grant.max_session_duration,
        tags=grant.tags,
        trust_policy_quota=limits.trust_policy_size,
    )


def create(
    grant: ThirdPartyGrant,
    iam: IAMClient,
    *,
    quotas: AccountQuotas | None = None,
    retry: RetryPolicy | None = None,
) -> ProvisionedRole:
    """Create the role in the account of ``iam``, all or nothing.

    Every document is built and checked before the first AWS call. If a step
    fails after the role was created, everything created is removed again and a
    :class:`~xaccess.ProvisioningError` says which step failed and what was rolled
    back. See :func:`xaccess.aws.provisioning.create`.

    A grant is for a third party: if it trusts the account of ``iam`` itself (found with
    ``sts:GetCallerIdentity`` before any write), :class:`~xaccess.ValidationError` is raised
    and nothing is created. :meth:`plan` and :meth:`apply` refuse it the same way.

    A large grant's customer-managed policies are created (under the role's path, tagged
    as managed by xaccess) and attached, and rolled back with the role.

    Args:
        iam: A boto3 IAM client for the customer's account.
        quotas: The account's quotas, for example ``xaccess.AccountQuotas.read(iam)``; the
            grant's own by default.
        retry: How transient AWS errors are retried.

    .. versionadded:: 0.1.0
    """
    from xaccess.aws import provisioning  # noqa: PLC0415 - the AWS layer loads on use

    spec = grant.role_spec(quotas=quotas)
    return provisioning.create(iam, spec, retry=retry, third_party=True)


def plan(
    grant: ThirdPartyGrant,
    iam: IAMClient,
    *,
    quotas: AccountQuotas | None = None,
    retry: RetryPolicy | None = None,
) -> Plan:
    """The changes :meth:`apply` would make to bring the role to this grant.

    Read-only. ``quotas`` as for :meth:`create`. See :func:`xaccess.aws.provisioning.plan`.

    .. versionadded:: 0.1.0
    """
    from xaccess.aws import provisioning  # noqa: PLC0415 - the AWS layer loads on use

    spec = grant.role_spec(quotas=quotas)
    return provisioning.plan(iam, spec, retry=retry, third_party=True)


def apply(
    grant: ThirdPartyGrant,
    iam: IAMClient,
    *,
    adopt: bool = False,
    quotas: AccountQuotas | None = None,
    retry: RetryPolicy | None = None,
) -> ProvisionedRole:
    """Create the role, or converge an existing one to this grant; idempotent.

    Only roles that xaccess manages (marked by a tag) are changed unless
    ``adopt`` is true. ``quotas`` as for :meth:`create`. See
    :func:`xaccess.aws.provisioning.apply`.

    .. versionadded:: 0.1.0
    """
    from xaccess.aws import provisioning  # noqa: PLC0415 - the AWS layer loads on use

    spec = grant.role_spec(quotas=quotas)
    return provisioning.apply(iam, spec, adopt=adopt, retry=retry, third_party=True)
