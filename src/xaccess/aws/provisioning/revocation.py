"""Revoke: delete a role and everything that stops IAM from deleting it.

Inline policies are deleted, managed policies detached, the customer-managed policies xaccess
made for the role deleted, and the role removed from its instance profiles (the profiles are
kept), then the role is deleted. Anything already gone is skipped, and
a role that does not exist is success. The rollback of :func:`~xaccess.aws.provisioning.create`
strips a half-made role with the same steps.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

import attrs

from xaccess._validate import check_bool
from xaccess.aws.provisioning._failures import (
    DELETE_CONFLICT,
    ROUNDS,
    failure,
    listing,
    not_managed,
    require_retry,
)
from xaccess.aws.provisioning.owned import owned_policies, owned_policy_calls
from xaccess.aws.provisioning.reads import NO_SUCH_ENTITY, IAMReader
from xaccess.errors import AWSError, ProvisioningError
from xaccess.identifiers import validate_role_name
from xaccess.plan import OwnedPolicyChange
from xaccess.rolespec import MANAGED_TAG_KEY, MANAGED_TAG_VALUE

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_iam import IAMClient

    from xaccess.aws._retry import RetryPolicy

__all__ = ["Revocation", "RevokeResult", "revoke", "strip_and_delete"]

_log = logging.getLogger(__name__)


@attrs.frozen(kw_only=True)
class RevokeResult:
    """The outcome of :func:`revoke`.

    Attributes:
        role_name: The role.
        role_arn: Its ARN, or ``None`` if it did not exist.
        existed: Whether the role existed; ``False`` means there was nothing to remove.
        deleted_inline_policies: Inline policies deleted.
        detached_managed_policies: Managed policies detached.
        removed_from_instance_profiles: Instance profiles the role was removed from.
        deleted_managed_policies: Customer-managed policies xaccess had made for the role
            (a large grant's), deleted.

    .. versionadded:: 0.1.0
    """

    role_name: str
    role_arn: str | None
    existed: bool
    deleted_inline_policies: tuple[str, ...] = ()
    detached_managed_policies: tuple[str, ...] = ()
    removed_from_instance_profiles: tuple[str, ...] = ()
    deleted_managed_policies: tuple[str, ...] = ()


# --- removing ----------------------------------------------------------------------------------


@attrs.define
class Revocation:
    """The progress of one revoke, to report on failure."""

    role_name: str
    step: str = "read role"
    inline: list[str] = attrs.Factory(list)
    managed: list[str] = attrs.Factory(list)
    profiles: list[str] = attrs.Factory(list)
    pending: list[str] = attrs.Factory(list)
    policies: list[str] = attrs.Factory(list)
    path: str = "/"

    def removed(self) -> list[str]:
        return (
            [f"inline policy {n}" for n in self.inline]
            + [f"managed policy {a}" for a in self.managed]
            + [f"customer-managed policy {a}" for a in self.policies]
            + [f"instance profile {p}" for p in self.profiles]
        )

    def result(self, arn: str | None, *, existed: bool) -> RevokeResult:
        return RevokeResult(
            role_name=self.role_name,
            role_arn=arn,
            existed=existed,
            deleted_inline_policies=tuple(self.inline),
            detached_managed_policies=tuple(self.managed),
            removed_from_instance_profiles=tuple(self.profiles),
            deleted_managed_policies=tuple(self.policies),
        )


def _remove(
    session: IAMReader, progress: Revocation, step: str, operation: str, run: Callable[[], object]
) -> None:
    """One removal; NoSuchEntity means it is gone already."""
    progress.step = step
    try:
        session.call(operation, run)
    except AWSError as err:
        if err.code != NO_SUCH_ENTITY:
            raise


def _delete_owned_policies(session: IAMReader, progress: Revocation) -> None:
    """Delete the customer-managed policies xaccess made for the role (already detached)."""
    name = progress.role_name
    progress.step = "list customer-managed policies"
    for policy in owned_policies(session, name, (), progress.path):
        progress.pending.append(f"customer-managed policy {policy.arn}")
        change = OwnedPolicyChange(
            name=policy.name,
            path=policy.path,
            before=policy.document,
            after=None,
            stale_versions=policy.versions,
        )
        for call in owned_policy_calls(session.iam, name, policy.arn, change):
            _remove(session, progress, call.description, call.operation, call.run)
        progress.policies.append(policy.arn)
        progress.pending.remove(f"customer-managed policy {policy.arn}")


def strip_and_delete(session: IAMReader, progress: Revocation, *, owned: bool = False) -> bool:
    """Remove what DeleteRole requires, then delete; False on DeleteConflict (try again).

    ``owned``: also delete the customer-managed policies xaccess made for the role.
    """
    iam = session.iam
    name = progress.role_name
    progress.step = "list inline policies"
    policies = session.inline_policy_names(name)
    progress.step = "list attached managed policies"
    arns = session.managed_policy_arns(name)
    progress.step = "list instance profiles"
    profiles = session.instance_profiles(name)
    progress.pending = (
        [f"inline policy {p}" for p in policies]
        + [f"managed policy {a}" for a in arns]
        + [f"instance profile {p}" for p in profiles]
    )
    for policy in policies:
        _remove(
            session,
            progress,
            f"delete inline policy {policy}",
            "DeleteRolePolicy",
            functools.partial(iam.delete_role_policy, RoleName=name, PolicyName=policy),
        )
        progress.inline.append(policy)
        progress.pending.remove(f"inline policy {policy}")
    for arn in arns:
        _remove(
            session,
            progress,
            f"detach managed policy {arn}",
            "DetachRolePolicy",
            functools.partial(iam.detach_role_policy, RoleName=name, PolicyArn=arn),
        )
        progress.managed.append(arn)
        progress.pending.remove(f"managed policy {arn}")
    if owned:
        _delete_owned_policies(session, progress)
    for profile in profiles:
        _remove(
            session,
            progress,
            f"remove the role from instance profile {profile}",
            "RemoveRoleFromInstanceProfile",
            functools.partial(
                iam.remove_role_from_instance_profile, InstanceProfileName=profile, RoleName=name
            ),
        )
        progress.profiles.append(profile)
        progress.pending.remove(f"instance profile {profile}")
    progress.step = "delete role"
    try:
        session.call("DeleteRole", lambda: iam.delete_role(RoleName=name))
    except AWSError as err:
        if err.code == DELETE_CONFLICT:
            return False  # something was attached meanwhile; strip again
        if err.code != NO_SUCH_ENTITY:
            raise
    return True


def revoke(
    iam: IAMClient,
    role_name: str,
    *,
    force: bool = False,
    retry: RetryPolicy | None = None,
) -> RevokeResult:
    """Delete a role and everything that stops IAM from deleting it.

    Deletes the inline policies, detaches the managed policies, deletes the customer-managed
    policies xaccess made for the role (their versions first), removes the role from its
    instance profiles (the profiles themselves are kept), then deletes the role; all list calls
    are paginated. Idempotent: a role that does not exist is success (``existed=False``), and
    anything already gone is skipped. If something is attached while this runs, the role is
    stripped again.

    Args:
        iam: A boto3 IAM client.
        role_name: The role to delete.
        force: Delete the role even if it lacks the ownership tag.
        retry: How transient failures are retried; :class:`RetryPolicy` defaults if ``None``.

    Returns:
        What was removed.

    Raises:
        ~xaccess.errors.ValidationError: If ``role_name`` is not a valid role name (before
            any AWS call).
        ~xaccess.aws.provisioning.RoleNotManaged: If the role lacks the ownership tag and
            ``force`` is false.
        ~xaccess.errors.ProvisioningError: If a step failed; ``left_behind`` lists what is
            still in place (the role keeps its ownership tag, so ``revoke`` can be run again).

    .. versionadded:: 0.1.0
    """
    name = validate_role_name(role_name, field="role_name")
    forcing = check_bool(force, "force")
    session = IAMReader(iam, require_retry(retry))
    progress = Revocation(name)
    arn: str | None = None
    try:
        try:
            role = session.call("GetRole", lambda: iam.get_role(RoleName=name))["Role"]
        except AWSError as err:
            if err.code == NO_SUCH_ENTITY:
                return progress.result(None, existed=False)
            raise
        arn = role["Arn"]
        progress.path = role.get("Path", "/")
        progress.step = "check ownership"
        tags = session.tags(name)
        if (MANAGED_TAG_KEY, MANAGED_TAG_VALUE) not in tags and not forcing:
            raise not_managed(
                name, operation="ListRoleTags", hint="pass force=True to revoke() to delete it"
            )
        for _ in range(ROUNDS):
            if strip_and_delete(session, progress, owned=True):
                _log.info("deleted role %s", arn)
                return progress.result(arn, existed=True)
        raise ProvisioningError(
            f"Revoking role {name} failed: DeleteRole kept reporting DeleteConflict because "
            "policies or instance profiles were being added meanwhile. "
            f"Removed: {listing(progress.removed())}.",
            code=DELETE_CONFLICT,
            operation="DeleteRole",
            step="delete role",
            left_behind=(f"role {name}",),
        )
    except AWSError as err:
        if isinstance(err, ProvisioningError):
            raise
        if err.code == NO_SUCH_ENTITY:  # deleted by someone else part way
            return progress.result(arn, existed=True)
        left = [f"role {name}", *progress.pending]
        message = (
            f"Revoking role {name} failed at step '{progress.step}': {err}. "
            f"Removed before the failure: {listing(progress.removed())}. "
            f"Still in place: {listing(left)}; revoke() again finishes the job."
        )
        raise failure(err, message, step=progress.step, left_behind=left) from err.__cause__
