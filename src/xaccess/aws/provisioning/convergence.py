"""Plan and apply: compare a role with its spec, and converge it.

:func:`plan` reads the role and lists the changes (:func:`xaccess.plan.diff`); :func:`apply`
creates a missing role (:mod:`~xaccess.aws.provisioning.creation`) or turns the changes into IAM
calls and makes them in an order that never grants more than the old or the new spec would.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

import attrs

from xaccess._validate import check_bool
from xaccess.aws.provisioning._failures import (
    ROUNDS,
    failure,
    listing,
    not_managed,
    raise_read_failure,
    require_retry,
    require_spec,
)
from xaccess.aws.provisioning.creation import AlreadyExists, ProvisionedRole, create_role, iam_tag
from xaccess.aws.provisioning.reads import NO_SUCH_ENTITY, IAMReader
from xaccess.errors import AWSError, ProvisioningError
from xaccess.limits import MAX_TAGS_PER_CALL
from xaccess.plan import (
    Change,
    InlinePolicyChange,
    ManagedPolicyChange,
    PathChange,
    PermissionsBoundaryChange,
    Plan,
    SettingChange,
    TagChange,
    TrustPolicyChange,
    diff,
    plan_for,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from mypy_boto3_iam import IAMClient

    from xaccess.aws._retry import RetryPolicy
    from xaccess.rolespec import RoleSpec

__all__ = ["apply", "converge", "plan"]

_log = logging.getLogger(__name__)


class _Gone(Exception):
    """The role disappeared while it was being changed."""


def plan(iam: IAMClient, spec: RoleSpec, *, retry: RetryPolicy | None = None) -> Plan:
    """Compare the role in IAM with ``spec`` and list what :func:`apply` would change.

    Only reads: ``GetRole``, ``ListRoleTags``, ``ListRolePolicies`` and ``GetRolePolicy``,
    ``ListAttachedRolePolicies``, all list calls paginated. Policies are compared by their
    canonical form (:func:`~xaccess.rolespec.canonical_policy`), so IAM's rewriting of stored
    documents is not a change. A role that does not exist yet gives a plan that creates it.

    Args:
        iam: A boto3 IAM client.
        spec: The desired state.
        retry: How transient failures are retried; :class:`RetryPolicy` defaults if ``None``.

    Returns:
        The plan; ``plan.is_empty`` when the role matches the spec.

    Raises:
        ~xaccess.errors.ValidationError: If ``spec`` is not a
            :class:`~xaccess.rolespec.RoleSpec`.
        ~xaccess.errors.AWSError: If reading the role failed (for example ``AccessDenied``).

    .. versionadded:: 0.1.0
    """
    checked = require_spec(spec)
    session = IAMReader(iam, require_retry(retry))
    return plan_for(checked, session.observe(checked.role_name))


# --- apply -------------------------------------------------------------------------------------


@attrs.frozen
class _Step:
    description: str
    operation: str
    run: Callable[[], object]
    changes: tuple[Change, ...]
    #: NoSuchEntity means the thing to remove is already gone (if the role still exists).
    gone_is_done: bool = False


def _steps(session: IAMReader, spec: RoleSpec, changes: tuple[Change, ...]) -> list[_Step]:
    """Turn changes into API calls: one each, except settings and tags, which are batched."""
    iam = session.iam
    name = spec.role_name
    steps: list[_Step] = []
    settings = tuple(c for c in changes if isinstance(c, SettingChange))
    removed_tags = tuple(c for c in changes if isinstance(c, TagChange) and c.after is None)
    set_tags = tuple(c for c in changes if isinstance(c, TagChange) and c.after is not None)
    for change in changes:
        if isinstance(change, TrustPolicyChange):
            steps.append(
                _Step(
                    "update trust policy",
                    "UpdateAssumeRolePolicy",
                    functools.partial(
                        iam.update_assume_role_policy,
                        RoleName=name,
                        PolicyDocument=change.after.to_json(),
                    ),
                    (change,),
                )
            )
        elif isinstance(change, PermissionsBoundaryChange):
            if change.before is not None and change.after is not None:
                # The old text of a policy being replaced must never meet the new boundary:
                # delete it first; the put after the boundary step writes the new text.
                steps.extend(
                    _inline_step(iam, name, attrs.evolve(c, after=None), changes=())
                    for c in changes
                    if isinstance(c, InlinePolicyChange)
                    and c.before is not None
                    and c.after is not None
                )
            steps.append(_boundary_step(iam, name, change))
        elif isinstance(change, ManagedPolicyChange):
            steps.append(_managed_step(iam, name, change))
        elif isinstance(change, InlinePolicyChange):
            steps.append(_inline_step(iam, name, change))
    if settings:
        # UpdateRole resets what it is not given, so both settings always go together.
        steps.insert(
            1 if steps and steps[0].operation == "UpdateAssumeRolePolicy" else 0,
            _Step(
                "update description and maximum session duration",
                "UpdateRole",
                functools.partial(
                    iam.update_role,
                    RoleName=name,
                    Description=spec.description,
                    MaxSessionDuration=spec.max_session_duration,
                ),
                settings,
            ),
        )
    steps.extend(_untag_steps(iam, name, removed_tags))
    steps.extend(_tag_steps(iam, name, set_tags))
    return steps


def _boundary_step(iam: IAMClient, name: str, change: PermissionsBoundaryChange) -> _Step:
    if change.after is None:
        return _Step(
            f"remove permissions boundary {change.before}",
            "DeleteRolePermissionsBoundary",
            lambda: iam.delete_role_permissions_boundary(RoleName=name),
            (change,),
            gone_is_done=True,
        )
    boundary = change.after
    return _Step(
        f"set permissions boundary {boundary}",
        "PutRolePermissionsBoundary",
        lambda: iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=boundary),
        (change,),
    )


def _managed_step(iam: IAMClient, name: str, change: ManagedPolicyChange) -> _Step:
    arn = change.policy_arn
    if change.action == "detach":
        return _Step(
            f"detach managed policy {arn}",
            "DetachRolePolicy",
            lambda: iam.detach_role_policy(RoleName=name, PolicyArn=arn),
            (change,),
            gone_is_done=True,
        )
    return _Step(
        f"attach managed policy {arn}",
        "AttachRolePolicy",
        lambda: iam.attach_role_policy(RoleName=name, PolicyArn=arn),
        (change,),
    )


def _inline_step(
    iam: IAMClient,
    name: str,
    change: InlinePolicyChange,
    *,
    changes: tuple[Change, ...] | None = None,
) -> _Step:
    policy = change.name
    made = (change,) if changes is None else changes
    if change.after is None:
        return _Step(
            f"delete inline policy {policy}",
            "DeleteRolePolicy",
            lambda: iam.delete_role_policy(RoleName=name, PolicyName=policy),
            made,
            gone_is_done=True,
        )
    document = change.after.to_json()
    return _Step(
        f"put inline policy {policy}",
        "PutRolePolicy",
        lambda: iam.put_role_policy(RoleName=name, PolicyName=policy, PolicyDocument=document),
        made,
    )


def _batches(items: Sequence[TagChange]) -> list[tuple[TagChange, ...]]:
    return [
        tuple(items[i : i + MAX_TAGS_PER_CALL]) for i in range(0, len(items), MAX_TAGS_PER_CALL)
    ]


def _untag_steps(iam: IAMClient, name: str, changes: Sequence[TagChange]) -> list[_Step]:
    steps = []
    for batch in _batches(changes):
        keys = [c.key for c in batch]
        steps.append(
            _Step(
                f"remove tags {', '.join(keys)}",
                "UntagRole",
                functools.partial(iam.untag_role, RoleName=name, TagKeys=keys),
                batch,
            )
        )
    return steps


def _tag_steps(iam: IAMClient, name: str, changes: Sequence[TagChange]) -> list[_Step]:
    steps = []
    for batch in _batches(changes):
        tags = [iam_tag(c.key, c.after or "") for c in batch]
        steps.append(
            _Step(
                f"set tags {', '.join(c.key for c in batch)}",
                "TagRole",
                functools.partial(iam.tag_role, RoleName=name, Tags=tags),
                batch,
            )
        )
    return steps


def _execute(session: IAMReader, spec: RoleSpec, changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """Make the changes; raise _Gone if the role disappears, ProvisioningError on failure."""
    steps = _steps(session, spec, changes)
    applied: list[Change] = []
    for index, step in enumerate(steps):
        try:
            session.call(step.operation, step.run)
        except AWSError as err:
            if err.code == NO_SUCH_ENTITY:
                try:
                    exists = session.role_exists(spec.role_name)
                except AWSError as check_err:
                    err = check_err  # report the failure to check instead
                else:
                    if not exists:
                        raise _Gone from err
                    if step.gone_is_done:
                        applied.extend(step.changes)
                        continue
            pending = [s.description for s in steps[index + 1 :]]
            message = (
                f"Applying the spec to role {spec.role_name} failed at step "
                f"'{step.description}': {err}. Applied before the failure: "
                f"{listing(s.description for s in steps[:index])}. Not applied: "
                f"{listing([step.description, *pending])}. Nothing was rolled back; "
                "apply() again converges the role."
            )
            raise failure(err, message, step=step.description) from err.__cause__
        _log.info("role %s: %s", spec.role_name, step.description)
        applied.extend(step.changes)
    return tuple(applied)


def converge(session: IAMReader, spec: RoleSpec, *, adopt: bool) -> ProvisionedRole:
    for _ in range(ROUNDS):
        try:
            observed = session.observe(spec.role_name)
        except AWSError as err:
            raise_read_failure(err, spec.role_name, "Applying the spec to")
        if observed is None:
            try:
                return create_role(session, spec)
            except AlreadyExists:
                _log.info("role %s was created concurrently; converging it", spec.role_name)
                continue
        changes = diff(spec, observed)
        if not observed.managed and not adopt:
            raise not_managed(
                spec.role_name,
                operation="ListRoleTags",
                hint="pass adopt=True to apply() to take it over (its other tags, policies and "
                "settings are then replaced by the spec's)",
            )
        for change in changes:
            if isinstance(change, PathChange):
                raise ProvisioningError(
                    f"Role {spec.role_name} exists with path {change.before}, but the spec "
                    f"says {change.after}, and IAM cannot change a role's path. Revoke the role "
                    "and create it again, or use the existing path. Nothing was changed.",
                    code="PathMismatch",
                    operation="GetRole",
                    step="compare path",
                )
        try:
            applied = _execute(session, spec, changes)
        except _Gone:
            _log.info("role %s was deleted while being changed; starting again", spec.role_name)
            continue
        return ProvisionedRole(
            role_name=spec.role_name,
            role_arn=observed.arn,
            role_id=observed.role_id,
            created=False,
            changes=applied,
        )
    raise ProvisioningError(
        f"Role {spec.role_name} kept being created and deleted by someone else while it was "
        f"being applied ({ROUNDS} attempts). Nothing more was changed.",
        code="ConcurrentModification",
        operation="GetRole",
        step="converge",
    )


def apply(
    iam: IAMClient,
    spec: RoleSpec,
    *,
    adopt: bool = False,
    retry: RetryPolicy | None = None,
) -> ProvisionedRole:
    """Bring the role to ``spec``: create it if missing, otherwise make the changes :func:`plan`
    lists.

    Idempotent: when the role already matches, only read calls are made. Changes are made with
    ``UpdateAssumeRolePolicy``, ``UpdateRole`` (description and maximum session duration always
    together), ``PutRolePermissionsBoundary`` / ``DeleteRolePermissionsBoundary``,
    ``DetachRolePolicy``, ``DeleteRolePolicy``, ``PutRolePolicy``, ``AttachRolePolicy``,
    ``UntagRole`` and ``TagRole``, removals before additions. Inline policies, managed policies
    and tags that the spec does not list are removed. A new permissions boundary is set before
    any permission is added, and a boundary is removed only after the permissions have reached
    the spec; when a boundary is replaced, inline policies whose text changes are deleted before
    it and put again after it, so their old text never meets the new boundary.

    A role created or deleted by someone else while this runs is handled by reading it again
    and converging. If a step fails, nothing is rolled back (the previous state is not a spec to
    return to); the error lists what was and was not applied, and running :func:`apply` again
    converges the role.

    Args:
        iam: A boto3 IAM client.
        spec: The desired state.
        adopt: Take over an existing role that lacks the ownership tag. Its tags, policies and
            settings are replaced by the spec's, and it gets the ownership tag.
        retry: How transient failures are retried; :class:`RetryPolicy` defaults if ``None``.

    Returns:
        The role, with ``created`` and the ``changes`` made.

    Raises:
        ~xaccess.errors.ValidationError: If an argument is invalid (before any AWS call).
        ~xaccess.aws.provisioning.RoleNotManaged: If the role exists without the ownership
            tag and ``adopt`` is false.
        ~xaccess.errors.ProvisioningError: If reading or changing the role failed (``step``,
            ``code`` and ``operation`` say where), or with ``code="PathMismatch"`` if the role
            exists at another path, which IAM cannot change.

    .. versionadded:: 0.1.0
    """
    checked = require_spec(spec)
    adopting = check_bool(adopt, "adopt")
    session = IAMReader(iam, require_retry(retry))
    return converge(session, checked, adopt=adopting)
