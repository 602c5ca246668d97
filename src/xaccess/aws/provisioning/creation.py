"""Create: make a role from a :class:`~xaccess.rolespec.RoleSpec`, all or nothing.

``CreateRole`` carries the trust policy, settings, boundary and tags; the inline and managed
policies follow. If a step after ``CreateRole`` fails, what was made is undone in reverse order
and the role deleted, and the :class:`~xaccess.errors.ProvisioningError` says what was rolled back
and what could not be.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, NoReturn

import attrs

from xaccess._validate import check_bool
from xaccess.aws._retry import is_transient
from xaccess.aws.provisioning._failures import (
    ALREADY_EXISTS,
    DELETE_CONFLICT,
    ROUNDS,
    failure,
    listing,
    raise_read_failure,
    require_retry,
    require_spec,
)
from xaccess.aws.provisioning.own_account import refuse_own_account_trust
from xaccess.aws.provisioning.owned import owned_policy_calls
from xaccess.aws.provisioning.reads import NO_SUCH_ENTITY, IAMReader
from xaccess.aws.provisioning.revocation import Revocation, strip_and_delete
from xaccess.errors import AWSError
from xaccess.identifiers import RoleArn
from xaccess.plan import Change, OwnedPolicyChange, creation_changes, same_policy
from xaccess.rolespec import MANAGED_TAG_KEY, RoleSpec, managed_policy_arn

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from mypy_boto3_iam import IAMClient
    from mypy_boto3_iam.type_defs import CreateRoleRequestTypeDef, TagTypeDef

    from xaccess.aws._retry import RetryPolicy

__all__ = ["AlreadyExists", "ProvisionedRole", "create", "create_role", "iam_tag"]

_log = logging.getLogger(__name__)


@attrs.frozen(kw_only=True)
class ProvisionedRole:
    """The outcome of :func:`create` or :func:`apply`.

    Attributes:
        role_name: The role.
        role_arn: The role's ARN, to hand to the third party.
        role_id: The role's unique ID (``AROA...``).
        created: Whether this call created the role.
        changes: What this call changed; for a new role, everything it created.

    .. versionadded:: 0.1.0
    """

    role_name: str
    role_arn: str
    role_id: str
    created: bool
    changes: tuple[Change, ...]

    @property
    def changed(self) -> bool:
        """Whether this call changed anything.

        .. versionadded:: 0.1.0
        """
        return bool(self.changes)


# --- creating ----------------------------------------------------------------------------------


class AlreadyExists(Exception):
    def __init__(self, error: AWSError) -> None:
        super().__init__(str(error))
        self.error = error


def _create_role_failed(session: IAMReader, spec: RoleSpec, err: AWSError) -> NoReturn:
    """Raise AlreadyExists, or the ProvisioningError that says whether a role may exist."""
    if err.code == ALREADY_EXISTS:
        raise AlreadyExists(err) from err
    outcome = "Nothing was created."
    left_behind: tuple[str, ...] = ()
    if err.__cause__ is not None and is_transient(err.__cause__):
        # A timeout or a 5xx may come after CreateRole took effect: look before saying
        # that nothing was created. A role found is handled as if CreateRole had answered
        # EntityAlreadyExists (converged if it is this spec's, refused otherwise).
        try:
            exists = session.role_exists(spec.role_name)
        except AWSError as check_err:
            outcome = (
                f"CreateRole may have taken effect, and checking failed too ({check_err}); "
                "revoke() removes the role if it exists."
            )
            left_behind = (f"role {spec.role_name} (if CreateRole took effect)",)
        else:
            if exists:
                raise AlreadyExists(err) from err
    raise failure(
        err,
        f"Creating role {spec.role_name} failed at step 'create role': {err}. {outcome}",
        step="create role",
        left_behind=left_behind,
    ) from err.__cause__


def create_role(session: IAMReader, spec: RoleSpec) -> ProvisionedRole:
    """CreateRole, then the inline and managed policies; undo everything on failure."""
    iam = session.iam
    params: CreateRoleRequestTypeDef = {
        "RoleName": spec.role_name,
        "Path": spec.path,
        "AssumeRolePolicyDocument": spec.trust_policy.to_json(),
        "MaxSessionDuration": spec.max_session_duration,
        "Tags": [iam_tag(tag.key, tag.value) for tag in spec.role_tags],
    }
    if spec.description:
        params["Description"] = spec.description
    if spec.permissions_boundary is not None:
        params["PermissionsBoundary"] = spec.permissions_boundary
    try:
        role = session.call("CreateRole", lambda: iam.create_role(**params))["Role"]
    except AWSError as err:
        _create_role_failed(session, spec, err)
    _log.info("created role %s", role["Arn"])
    done: list[tuple[str, str]] = []
    step = ""
    try:
        # ``step`` outlives the loop: a failure reports the step it stopped at.
        for step, operation, run, record in _after_create_role(iam, spec, role["Arn"]):  # noqa: B007
            session.call(operation, run)
            done.append(record)
    except AWSError as err:
        _roll_back(session, spec, done, step, err)
    return ProvisionedRole(
        role_name=spec.role_name,
        role_arn=role["Arn"],
        role_id=role["RoleId"],
        created=True,
        changes=creation_changes(spec),
    )


_Call = tuple[str, str, "Callable[[], object]", tuple[str, str]]


def _after_create_role(iam: IAMClient, spec: RoleSpec, role_arn: str) -> Iterator[_Call]:
    """The calls that follow CreateRole, each as (step, operation, run, what it made)."""
    name = spec.role_name
    for policy, document in spec.inline_policies:
        yield (
            f"put inline policy {policy}",
            "PutRolePolicy",
            functools.partial(
                iam.put_role_policy,
                RoleName=name,
                PolicyName=policy,
                PolicyDocument=document.to_json(),
            ),
            ("inline", policy),
        )
    parsed = RoleArn.parse(role_arn)
    for policy, document in spec.managed_policies:
        arn = managed_policy_arn(
            partition=parsed.partition, account_id=parsed.account, path=spec.path, name=policy
        )
        change = OwnedPolicyChange(name=policy, path=spec.path, before=None, after=document)
        create_policy, attach = owned_policy_calls(iam, name, arn, change)
        yield create_policy.description, create_policy.operation, create_policy.run, ("policy", arn)
        yield attach.description, attach.operation, attach.run, ("managed", arn)
    for arn in spec.managed_policy_arns:
        yield (
            f"attach managed policy {arn}",
            "AttachRolePolicy",
            functools.partial(iam.attach_role_policy, RoleName=name, PolicyArn=arn),
            ("managed", arn),
        )


def iam_tag(key: str, value: str) -> TagTypeDef:
    return {"Key": key, "Value": value}


_Undo = tuple[str, str, "Callable[[], object]"]


def _undo_calls(iam: IAMClient, name: str, done: list[tuple[str, str]]) -> tuple[list[_Undo], ...]:
    """The calls that undo ``done``, in reverse: those before DeleteRole, and the deletions of
    created policies, which come after it (DeleteRole's stripping detaches any left)."""
    before: list[_Undo] = []
    after: list[_Undo] = []
    for kind, item in reversed(done):
        if kind == "policy":
            after.append(
                (
                    f"customer-managed policy {item}",
                    "DeletePolicy",
                    functools.partial(iam.delete_policy, PolicyArn=item),
                )
            )
        elif kind == "managed":
            before.append(
                (
                    f"managed policy {item}",
                    "DetachRolePolicy",
                    functools.partial(iam.detach_role_policy, RoleName=name, PolicyArn=item),
                )
            )
        else:
            before.append(
                (
                    f"inline policy {item}",
                    "DeleteRolePolicy",
                    functools.partial(iam.delete_role_policy, RoleName=name, PolicyName=item),
                )
            )
    return before, after


def _run_undo(
    session: IAMReader, calls: list[_Undo], rolled_back: list[str], left_behind: list[str]
) -> None:
    for what, operation, run in calls:
        try:
            session.call(operation, run)
        except AWSError as undo_err:
            if undo_err.code != NO_SUCH_ENTITY:
                left_behind.append(f"{what} ({operation} failed with {undo_err.code})")
                continue
        rolled_back.append(what)


def _roll_back(
    session: IAMReader, spec: RoleSpec, done: list[tuple[str, str]], step: str, err: AWSError
) -> None:
    """Undo a partial create in reverse order, then raise the error that says what happened."""
    name = spec.role_name
    rolled_back: list[str] = []
    left_behind: list[str] = []
    before, after = _undo_calls(session.iam, name, done)
    _run_undo(session, before, rolled_back, left_behind)
    # A step whose answer was lost may have taken effect without being in ``done``; DeleteRole
    # then conflicts, and whatever is still attached is listed and removed.
    progress = Revocation(name)
    try:
        _delete_created_role(session, progress)
    except AWSError as undo_err:
        rolled_back.extend(progress.removed())
        if undo_err.code != NO_SUCH_ENTITY:
            left_behind.extend(progress.pending)
            left_behind.append(f"role {name} ({undo_err.operation} failed with {undo_err.code})")
        else:
            rolled_back.append(f"role {name}")
    else:
        rolled_back.extend(progress.removed())
        rolled_back.append(f"role {name}")
    _run_undo(session, after, rolled_back, left_behind)
    message = (
        f"Creating role {name} failed at step '{step}': {err}. Rolled back: {listing(rolled_back)}."
    )
    if left_behind:
        message += (
            f" Could not roll back: {listing(left_behind)}; the role keeps its "
            f"{MANAGED_TAG_KEY} tag, so xaccess revoke() can remove it."
        )
    _log.warning("%s", message)
    raise failure(
        err, message, step=step, rolled_back=rolled_back, left_behind=left_behind
    ) from err.__cause__


def _delete_created_role(session: IAMReader, progress: Revocation) -> None:
    """DeleteRole for a rollback; on DeleteConflict strip what is left and delete again."""
    name = progress.role_name
    try:
        session.call("DeleteRole", lambda: session.iam.delete_role(RoleName=name))
    except AWSError as err:
        if err.code != DELETE_CONFLICT:
            raise
        for _ in range(ROUNDS):
            if strip_and_delete(session, progress):
                return
        raise


def create(
    iam: IAMClient,
    spec: RoleSpec,
    *,
    third_party: bool = False,
    retry: RetryPolicy | None = None,
) -> ProvisionedRole:
    """Create the role described by ``spec``, all or nothing.

    Calls ``CreateRole`` (with the trust policy, path, description, maximum session duration,
    permissions boundary and tags, the ownership tag included), then ``PutRolePolicy`` for each
    inline policy, ``CreatePolicy`` (under the role's path, tagged as xaccess's for this role)
    and ``AttachRolePolicy`` for each of the spec's customer-managed policies, and
    ``AttachRolePolicy`` for each managed policy ARN. If a step after
    ``CreateRole`` fails, the steps already made are undone in reverse order and the role is
    deleted (anything still attached, such as a policy whose answer was lost, is removed
    first). If ``CreateRole`` itself times out or fails with a 5xx, the role is looked up
    before the error claims that nothing was created.

    If the role already exists, this is an error pointing to :func:`apply` -- except when the
    existing role is managed by xaccess and has the spec's path and trust policy: then another
    process is creating the same role at the same moment, and this call converges the role
    (like :func:`apply`) instead of failing, returning ``created=False``.

    Args:
        iam: A boto3 IAM client.
        spec: The role to create.
        third_party: Refuse, before any IAM call, a trust policy that names the account of
            the IAM client (found with STS ``GetCallerIdentity``); see
            :mod:`~xaccess.aws.provisioning.own_account`.
        retry: How transient failures are retried; :class:`RetryPolicy` defaults if ``None``.

    Returns:
        The created role.

    Raises:
        ~xaccess.errors.ValidationError: If ``spec`` is not a
            :class:`~xaccess.rolespec.RoleSpec` (before any AWS call), or with
            ``third_party`` if its trust policy names the IAM client's own account (before
            any IAM call).
        ~xaccess.errors.ProvisioningError: If a step failed; ``step``, ``code`` and
            ``operation`` say where and why, ``rolled_back`` lists what was undone and
            ``left_behind`` what could not be. ``code`` is ``EntityAlreadyExists`` when a
            different role of that name exists.

    .. versionadded:: 0.1.0
    """
    checked = require_spec(spec)
    checking = check_bool(third_party, "third_party")
    session = IAMReader(iam, require_retry(retry))
    if checking:
        refuse_own_account_trust(session, checked, doing="Creating")
    try:
        return create_role(session, checked)
    except AlreadyExists as exists:
        err = exists.error
    try:
        observed = session.observe(checked.role_name)
    except AWSError as read_err:
        raise_read_failure(read_err, checked.role_name, "Creating")
    if observed is None or (
        observed.managed
        and observed.path == checked.path
        and same_policy(observed.trust, checked.trust_policy, observed.partition)
    ):
        _log.info("role %s is being created concurrently; converging it", checked.role_name)
        # convergence imports this module (it creates missing roles), hence the late import.
        from xaccess.aws.provisioning.convergence import converge  # noqa: PLC0415

        return converge(session, checked, adopt=False)
    raise failure(
        err,
        f"Creating role {checked.role_name} failed: a role of that name already exists "
        f"({observed.arn}). Use apply() to bring an existing role to the spec "
        "(with adopt=True if xaccess does not manage it yet). Nothing was changed.",
        step="create role",
    ) from err.__cause__
