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
from xaccess.aws.provisioning.own_account import refuse_own_account_trust
from xaccess.aws.provisioning.owned import observe_owned, owned_policy_calls
from xaccess.aws.provisioning.reads import NO_SUCH_ENTITY, IAMReader
from xaccess.errors import AWSError, ProvisioningError
from xaccess.limits import MAX_TAGS_PER_CALL
from xaccess.plan import (
    Change,
    InlinePolicyChange,
    ManagedPolicyChange,
    OwnedPolicyChange,
    PathChange,
    PermissionsBoundaryChange,
    Plan,
    RoleState,
    SettingChange,
    TagChange,
    TrustPolicyChange,
    diff,
    owned_policy_arn,
    plan_for,
    trusts_new_principals,
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


def plan(
    iam: IAMClient,
    spec: RoleSpec,
    *,
    third_party: bool = False,
    retry: RetryPolicy | None = None,
) -> Plan:
    """Compare the role in IAM with ``spec`` and list what :func:`apply` would change.

    Only reads: ``GetRole``, ``ListRoleTags``, ``ListRolePolicies`` and ``GetRolePolicy``,
    ``ListAttachedRolePolicies``, all list calls paginated. Policies are compared by their
    canonical form (:func:`~xaccess.rolespec.canonical_policy`), so IAM's rewriting of stored
    documents is not a change. A role that does not exist yet gives a plan that creates it.

    Args:
        iam: A boto3 IAM client.
        spec: The desired state.
        third_party: Refuse, before any IAM call, a trust policy that names the account of
            the IAM client (found with STS ``GetCallerIdentity``); see
            :mod:`~xaccess.aws.provisioning.own_account`.
        retry: How transient failures are retried; :class:`RetryPolicy` defaults if ``None``.

    Returns:
        The plan; ``plan.is_empty`` when the role matches the spec.

    Raises:
        ~xaccess.errors.ValidationError: If ``spec`` is not a
            :class:`~xaccess.rolespec.RoleSpec`, or with ``third_party`` if its trust policy
            names the IAM client's own account.
        ~xaccess.errors.AWSError: If reading the role failed (for example ``AccessDenied``),
            or, with ``third_party``, if ``GetCallerIdentity`` failed.

    .. versionadded:: 0.1.0
    """
    checked = require_spec(spec)
    checking = check_bool(third_party, "third_party")
    session = IAMReader(iam, require_retry(retry))
    if checking:
        refuse_own_account_trust(session, checked, doing=None)
    observed = session.observe(checked.role_name)
    if observed is not None:
        observed = observe_owned(session, checked, observed)
    return plan_for(checked, observed)


# --- apply -------------------------------------------------------------------------------------


@attrs.frozen
class _Step:
    description: str
    operation: str
    run: Callable[[], object]
    changes: tuple[Change, ...]
    #: NoSuchEntity means the thing to remove is already gone (if the role still exists).
    gone_is_done: bool = False


@attrs.frozen(kw_only=True)
class _Detour:
    """Calls that take permissions away for a while and give them back, with no change of
    their own: what the old state keeps must not meet a new boundary or a new trustee."""

    clearing: tuple[_Step, ...]
    restoring: tuple[_Step, ...]


def _detour(
    iam: IAMClient,
    spec: RoleSpec,
    changes: tuple[Change, ...],
    observed: RoleState,
    *,
    handover: bool,
) -> _Detour:
    """What to clear before a replaced boundary or a handover of trust, and restore after.

    A policy whose text changes is deleted first (its put after writes the new text). When a
    handover and a boundary replacement come together, the kept policies leave too: under
    either boundary they could grant one trustee what its spec does not.
    """
    name = spec.role_name
    boundary = next((c for c in changes if isinstance(c, PermissionsBoundaryChange)), None)
    replaced = boundary is not None and None not in (boundary.before, boundary.after)
    if not (handover or replaced):
        return _Detour(clearing=(), restoring=())
    inline = [c for c in changes if isinstance(c, InlinePolicyChange)]
    clearing = [
        _inline_step(iam, name, attrs.evolve(c, after=None), changes=())
        for c in inline
        if c.before is not None and c.after is not None
    ]
    restoring: list[_Step] = []
    if handover and replaced:
        touched = {c.name for c in inline}
        attached = {c.policy_arn for c in changes if isinstance(c, ManagedPolicyChange)}
        kept = [(n, doc) for n, doc in spec.inline_policies if n not in touched]
        rewritten = {c.name for c in changes if isinstance(c, OwnedPolicyChange)}
        kept_arns = [arn for arn in spec.managed_policy_arns if arn not in attached] + [
            p.arn
            for p in observed.owned
            if p.attached and p.arn not in attached and p.name not in rewritten
        ]
        for policy, document in kept:
            change = InlinePolicyChange(name=policy, before=document, after=document)
            clearing.append(_inline_step(iam, name, attrs.evolve(change, after=None), changes=()))
            restoring.append(_inline_step(iam, name, change, changes=()))
        for arn in kept_arns:
            detach = ManagedPolicyChange(policy_arn=arn, action="detach")
            clearing.append(_managed_step(iam, name, detach, changes=()))
            attach = ManagedPolicyChange(policy_arn=arn, action="attach")
            restoring.append(_managed_step(iam, name, attach, changes=()))
    return _Detour(clearing=tuple(clearing), restoring=tuple(restoring))


def _trust_step(iam: IAMClient, name: str, change: TrustPolicyChange) -> _Step:
    return _Step(
        "update trust policy",
        "UpdateAssumeRolePolicy",
        functools.partial(
            iam.update_assume_role_policy, RoleName=name, PolicyDocument=change.after.to_json()
        ),
        (change,),
    )


def _steps(
    session: IAMReader,
    spec: RoleSpec,
    changes: tuple[Change, ...],
    observed: RoleState,
    *,
    handover: bool,
) -> list[_Step]:
    """Turn changes into API calls: one each, except settings and tags, which are batched.

    ``handover``: the trust change may admit a new principal; the detour's clearing then comes
    before it (or before a replaced boundary, whichever is first) and its restoring after it.
    """
    iam = session.iam
    name = spec.role_name
    detour = _detour(iam, spec, changes, observed, handover=handover)
    steps: list[_Step] = []
    cleared = False
    for change in changes:
        clears_first = (handover and isinstance(change, TrustPolicyChange)) or (
            isinstance(change, PermissionsBoundaryChange)
            and None not in (change.before, change.after)
        )
        if clears_first and not cleared:
            steps.extend(detour.clearing)
            cleared = True
        if isinstance(change, TrustPolicyChange):
            steps.append(_trust_step(iam, name, change))
            if handover:
                steps.extend(detour.restoring)
        elif isinstance(change, PermissionsBoundaryChange):
            steps.append(_boundary_step(iam, name, change))
        elif isinstance(change, ManagedPolicyChange):
            steps.append(_managed_step(iam, name, change))
        elif isinstance(change, InlinePolicyChange):
            steps.append(_inline_step(iam, name, change))
        elif isinstance(change, OwnedPolicyChange):
            steps.extend(_owned_steps(iam, name, change, owned_policy_arn(observed, change)))
    settings = tuple(c for c in changes if isinstance(c, SettingChange))
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
    tags = [c for c in changes if isinstance(c, TagChange)]
    steps.extend(_untag_steps(iam, name, [c for c in tags if c.after is None]))
    steps.extend(_tag_steps(iam, name, [c for c in tags if c.after is not None]))
    return steps


def _owned_steps(iam: IAMClient, name: str, change: OwnedPolicyChange, arn: str) -> list[_Step]:
    """The calls of a customer-managed policy change; the change counts as made at the last."""
    calls = owned_policy_calls(iam, name, arn, change)
    return [
        _Step(
            call.description,
            call.operation,
            call.run,
            (change,) if index == len(calls) - 1 else (),
            gone_is_done=call.gone_is_done,
        )
        for index, call in enumerate(calls)
    ]


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


def _managed_step(
    iam: IAMClient,
    name: str,
    change: ManagedPolicyChange,
    *,
    changes: tuple[Change, ...] | None = None,
) -> _Step:
    arn = change.policy_arn
    made = (change,) if changes is None else changes
    if change.action == "detach":
        return _Step(
            f"detach managed policy {arn}",
            "DetachRolePolicy",
            lambda: iam.detach_role_policy(RoleName=name, PolicyArn=arn),
            made,
            gone_is_done=True,
        )
    return _Step(
        f"attach managed policy {arn}",
        "AttachRolePolicy",
        lambda: iam.attach_role_policy(RoleName=name, PolicyArn=arn),
        made,
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


def _execute(
    session: IAMReader,
    spec: RoleSpec,
    changes: tuple[Change, ...],
    observed: RoleState,
    *,
    handover: bool,
) -> tuple[Change, ...]:
    """Make the changes; raise _Gone if the role disappears, ProvisioningError on failure."""
    steps = _steps(session, spec, changes, observed, handover=handover)
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
        try:
            observed = observe_owned(session, spec, observed)
        except AWSError as err:
            raise_read_failure(err, spec.role_name, "Applying the spec to")
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
            handover = trusts_new_principals(
                observed.trust, spec.trust_policy, observed.partition
            ) and any(isinstance(c, TrustPolicyChange) for c in changes)
            applied = _execute(session, spec, changes, observed, handover=handover)
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
    third_party: bool = False,
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

    The spec's customer-managed policies (a large grant's) are read with ``ListPolicies``
    under the role's path, ``ListPolicyTags``, ``ListPolicyVersions`` and
    ``GetPolicyVersion``. One whose text changes is detached among the removals, gets a new
    default version (``CreatePolicyVersion``, after ``DeletePolicyVersion`` of the oldest
    non-default one at IAM's five) and is attached again among the additions; new ones are
    created (``CreatePolicy``) and attached; ones no longer wanted are detached among the
    removals and deleted (versions first) at the end. Every ``Deny`` of a grant stays in its
    inline policy, so no step grants what neither the old nor the new spec grants.

    A trust policy that keeps the same trustees (a new external ID, a tightened condition) is
    updated first. One that may trust a new principal is updated after every removal and before
    every addition, with the policies whose text changes deleted before it (and, if the boundary
    is replaced too, every policy the role keeps, put back after it): whatever step fails, the
    old trustee holds at most the old spec's permissions and the new one at most the new spec's.

    A role created or deleted by someone else while this runs is handled by reading it again
    and converging. If a step fails, nothing is rolled back (the previous state is not a spec to
    return to); the error lists what was and was not applied, and running :func:`apply` again
    converges the role.

    Args:
        iam: A boto3 IAM client.
        spec: The desired state.
        adopt: Take over an existing role that lacks the ownership tag. Its tags, policies and
            settings are replaced by the spec's, and it gets the ownership tag.
        third_party: Refuse, before any IAM call, a trust policy that names the account of
            the IAM client (found with STS ``GetCallerIdentity``); see
            :mod:`~xaccess.aws.provisioning.own_account`.
        retry: How transient failures are retried; :class:`RetryPolicy` defaults if ``None``.

    Returns:
        The role, with ``created`` and the ``changes`` made.

    Raises:
        ~xaccess.errors.ValidationError: If an argument is invalid (before any AWS call), or
            with ``third_party`` if the trust policy names the IAM client's own account
            (before any IAM call).
        ~xaccess.aws.provisioning.RoleNotManaged: If the role exists without the ownership
            tag and ``adopt`` is false.
        ~xaccess.errors.ProvisioningError: If reading or changing the role failed (``step``,
            ``code`` and ``operation`` say where), or with ``code="PathMismatch"`` if the role
            exists at another path, which IAM cannot change.

    .. versionadded:: 0.1.0
    """
    checked = require_spec(spec)
    adopting = check_bool(adopt, "adopt")
    checking = check_bool(third_party, "third_party")
    session = IAMReader(iam, require_retry(retry))
    if checking:
        refuse_own_account_trust(session, checked, doing="Applying the spec to")
    return converge(session, checked, adopt=adopting)
