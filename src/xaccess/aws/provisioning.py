"""Create, plan, converge and remove an IAM role from a :class:`~xaccess.rolespec.RoleSpec`.

* :func:`create` makes the role all or nothing: if any step fails after ``CreateRole``, what was
  made is removed again and :class:`~xaccess.errors.ProvisioningError` says which step failed,
  with which AWS error code, what was rolled back and what could not be.
* :func:`plan` compares an existing role with the spec and lists the changes, as typed values
  and as a printable review (``str(plan)``). Policies are compared by their canonical form
  (:func:`~xaccess.rolespec.canonical_policy`), so the way IAM rewrites stored documents never
  shows as a change.
* :func:`apply` creates the role when it is missing and otherwise carries out the plan. It is
  idempotent (a second run makes no write call) and only touches roles that carry the ownership
  tag :data:`~xaccess.rolespec.MANAGED_TAG_KEY`, unless told to adopt one.
* :func:`revoke` removes the role and everything attached to it; a missing role is success.

Transient failures (throttling, service failures, concurrent modification, HTTP 5xx, connection
errors) are retried with bounded, jittered exponential backoff (:class:`RetryPolicy`), on top of
whatever retries the botocore client is configured with. Every botocore error is wrapped in an
:class:`~xaccess.errors.AWSError` (``ProvisioningError`` for the writing functions) with the AWS
error ``code`` and ``operation``; the botocore error is kept as ``__cause__``.

Several processes may create or converge the same role at once: whoever loses the race to
``CreateRole`` converges the role the winner made instead of failing.

This module imports botocore; ``import xaccess`` never imports it.
"""

from __future__ import annotations

import difflib
import functools
import json
import logging
from typing import TYPE_CHECKING, Final, Literal, NoReturn, TypeAlias, TypeVar
from urllib.parse import unquote

import attrs

from xaccess.aws._retry import TRANSIENT_ERROR_CODES, RetryPolicy, call_with_retry, is_transient
from xaccess.errors import AWSError, ProvisioningError, RoleNotManaged, ValidationError
from xaccess.identifiers import RoleArn, validate_role_name
from xaccess.policy import PolicyDocument
from xaccess.rolespec import MANAGED_TAG_KEY, MANAGED_TAG_VALUE, RoleSpec, canonical_policy

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from mypy_boto3_iam import IAMClient
    from mypy_boto3_iam.type_defs import CreateRoleRequestTypeDef, TagTypeDef

__all__ = [
    "TRANSIENT_ERROR_CODES",
    "Change",
    "InlinePolicyChange",
    "ManagedPolicyChange",
    "PathChange",
    "PermissionsBoundaryChange",
    "Plan",
    "ProvisionedRole",
    "RetryPolicy",
    "RevokeResult",
    "RoleCreation",
    "RoleNotManaged",
    "SettingChange",
    "TagChange",
    "TrustPolicyChange",
    "apply",
    "create",
    "plan",
    "revoke",
]

_log = logging.getLogger("xaccess.aws")

T = TypeVar("T")

_NO_SUCH_ENTITY: Final = "NoSuchEntity"
_ALREADY_EXISTS: Final = "EntityAlreadyExists"
_DELETE_CONFLICT: Final = "DeleteConflict"
#: How often apply/create re-read the role when others create or delete it at the same time.
_ROUNDS: Final = 4
#: TagRole takes at most 50 tags and UntagRole at most 50 keys per call.
_TAG_BATCH: Final = 50
_DIFF_CONTEXT: Final = 2


# --- changes ---------------------------------------------------------------------------------

_ObservedPolicy: TypeAlias = "PolicyDocument | str"


def _policy_lines(document: PolicyDocument | str | None) -> list[str]:
    if document is None:
        return []
    if isinstance(document, str):
        return [f"(not a readable policy: {document[:60]!r})"]
    return document.to_json(indent=2).splitlines()


def _document_diff(before: PolicyDocument | str | None, after: PolicyDocument | None) -> list[str]:
    """A unified diff of two documents' JSON (a whole document when one side is missing)."""
    old, new = _policy_lines(before), _policy_lines(after)
    if not old:
        return [f"+ {line}" for line in new]
    if not new:
        return [f"- {line}" for line in old]
    lines: list[str] = []
    for line in difflib.unified_diff(old, new, lineterm="", n=_DIFF_CONTEXT):
        if line.startswith(("---", "+++")):
            continue
        lines.append("  ..." if line.startswith("@@") else f"{line[0]} {line[1:]}")
    return lines


@attrs.frozen(kw_only=True)
class RoleCreation:
    """The role does not exist and will be created.

    .. versionadded:: 0.1.0
    """

    role_name: str
    path: str

    def __str__(self) -> str:
        return f"+ role {self.role_name} (path {self.path})"


@attrs.frozen(kw_only=True)
class PathChange:
    """The role exists at another path. IAM cannot change a role's path, so apply refuses.

    .. versionadded:: 0.1.0
    """

    before: str
    after: str

    def __str__(self) -> str:
        return (
            f"! path {self.before} -> {self.after}: IAM cannot move a role; "
            "revoke it and create it again"
        )


@attrs.frozen(kw_only=True)
class TrustPolicyChange:
    """The trust policy is set (``before`` is ``None`` for a new role) or replaced.

    ``before`` is the document IAM holds, or its raw text if it is not a readable policy.

    .. versionadded:: 0.1.0
    """

    before: PolicyDocument | str | None
    after: PolicyDocument

    def __str__(self) -> str:
        return "+ trust policy" if self.before is None else "~ trust policy"

    def diff(self) -> list[str]:
        """The JSON lines that change, as a unified diff.

        .. versionadded:: 0.1.0
        """
        return _document_diff(self.before, self.after)


@attrs.frozen(kw_only=True)
class InlinePolicyChange:
    """An inline policy is added (``before`` is ``None``), replaced, or deleted (``after`` is
    ``None``).

    .. versionadded:: 0.1.0
    """

    name: str
    before: PolicyDocument | str | None
    after: PolicyDocument | None

    def __str__(self) -> str:
        if self.after is None:
            return f"- inline policy {self.name}"
        if self.before is None:
            return f"+ inline policy {self.name}"
        return f"~ inline policy {self.name}"

    def diff(self) -> list[str]:
        """The JSON lines that change, as a unified diff.

        .. versionadded:: 0.1.0
        """
        return _document_diff(self.before, self.after)


@attrs.frozen(kw_only=True)
class ManagedPolicyChange:
    """A managed policy is attached or detached.

    .. versionadded:: 0.1.0
    """

    policy_arn: str
    action: Literal["attach", "detach"]

    def __str__(self) -> str:
        sign = "+" if self.action == "attach" else "-"
        return f"{sign} managed policy {self.policy_arn}"


@attrs.frozen(kw_only=True)
class PermissionsBoundaryChange:
    """The permissions boundary is set, replaced or removed (``after`` is ``None``).

    .. versionadded:: 0.1.0
    """

    before: str | None
    after: str | None

    def __str__(self) -> str:
        if self.before is None:
            return f"+ permissions boundary {self.after}"
        if self.after is None:
            return f"- permissions boundary {self.before}"
        return f"~ permissions boundary {self.before} -> {self.after}"


@attrs.frozen(kw_only=True)
class TagChange:
    """A tag is added (``before`` is ``None``), changed, or removed (``after`` is ``None``).

    .. versionadded:: 0.1.0
    """

    key: str
    before: str | None
    after: str | None

    def __str__(self) -> str:
        if self.before is None:
            return f"+ tag {self.key} = {self.after!r}"
        if self.after is None:
            return f"- tag {self.key} (was {self.before!r})"
        return f"~ tag {self.key}: {self.before!r} -> {self.after!r}"


@attrs.frozen(kw_only=True)
class SettingChange:
    """The description or the maximum session duration changes (``before`` is ``None`` for a
    new role).

    .. versionadded:: 0.1.0
    """

    setting: Literal["description", "max_session_duration"]
    before: str | int | None
    after: str | int

    def __str__(self) -> str:
        label = self.setting.replace("_", " ")
        if self.before is None:
            return f"+ {label} {self.after!r}"
        return f"~ {label}: {self.before!r} -> {self.after!r}"


Change: TypeAlias = (
    RoleCreation
    | PathChange
    | TrustPolicyChange
    | SettingChange
    | PermissionsBoundaryChange
    | ManagedPolicyChange
    | InlinePolicyChange
    | TagChange
)
"""One difference between a role and its spec.

.. versionadded:: 0.1.0
"""


# --- results ---------------------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@attrs.frozen(kw_only=True)
class Plan:
    """The changes that would bring a role to its spec, from :func:`plan`.

    ``str(plan)`` is a review listing: one line per change (``+`` added, ``-`` removed, ``~``
    changed, ``!`` cannot be applied) with a JSON diff under each policy change.

    Attributes:
        role_name: The role.
        role_arn: Its ARN, or ``None`` if it does not exist yet.
        role_exists: Whether the role exists.
        managed: Whether the role carries the ownership tag (``True`` for a role that does not
            exist yet, which :func:`apply` would create with it).
        changes: The changes, in the order :func:`apply` makes them.

    .. versionadded:: 0.1.0
    """

    role_name: str
    role_arn: str | None
    role_exists: bool
    managed: bool
    changes: tuple[Change, ...]

    @property
    def is_empty(self) -> bool:
        """Whether the role already matches its spec.

        .. versionadded:: 0.1.0
        """
        return not self.changes

    def __str__(self) -> str:
        where = self.role_arn if self.role_arn is not None else "does not exist yet"
        head = f"Plan for role {self.role_name} ({where}): "
        if self.is_empty:
            return head + "no changes"
        lines = [head + _plural(len(self.changes), "change")]
        if not self.managed:
            lines.append(
                f"! the role has no {MANAGED_TAG_KEY} tag: apply() changes it only with adopt=True"
            )
        for change in self.changes:
            lines.append(str(change))
            if isinstance(change, TrustPolicyChange | InlinePolicyChange):
                lines.extend(f"    {line}" for line in change.diff())
        return "\n".join(lines)


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

    .. versionadded:: 0.1.0
    """

    role_name: str
    role_arn: str | None
    existed: bool
    deleted_inline_policies: tuple[str, ...] = ()
    detached_managed_policies: tuple[str, ...] = ()
    removed_from_instance_profiles: tuple[str, ...] = ()


# --- observing a role ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Observed:
    """What IAM holds for one role."""

    arn: str
    role_id: str
    path: str
    trust: _ObservedPolicy
    description: str
    max_session_duration: int
    boundary: str | None
    inline: tuple[tuple[str, _ObservedPolicy], ...]
    managed_arns: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]

    @property
    def partition(self) -> str:
        try:
            return RoleArn.parse(self.arn).partition
        except ValidationError:
            return "aws"

    @property
    def managed(self) -> bool:
        return (MANAGED_TAG_KEY, MANAGED_TAG_VALUE) in self.tags


def _parse_policy(raw: object) -> _ObservedPolicy:
    """Read a policy as boto3 returns it: a dict, or URL-encoded JSON text if it was not JSON."""
    if isinstance(raw, str):
        # botocore decodes IAM's URL-encoded JSON; if that failed, the text is still encoded.
        text = unquote(raw)
        for candidate in (raw, text):
            try:
                return PolicyDocument.from_json(candidate)
            except ValidationError:
                continue
        return text
    try:
        return PolicyDocument.from_dict(raw)
    except ValidationError:
        return json.dumps(raw, sort_keys=True, default=str)


def _same_policy(observed: _ObservedPolicy | None, desired: PolicyDocument, partition: str) -> bool:
    return isinstance(observed, PolicyDocument) and canonical_policy(
        observed, partition=partition
    ) == canonical_policy(desired, partition=partition)


class _Gone(Exception):
    """The role disappeared while it was being read or changed."""


@attrs.define
class _Session:
    iam: IAMClient
    retry: RetryPolicy

    def call(self, operation: str, run: Callable[[], T]) -> T:
        return call_with_retry(self.retry, operation, run)

    def pages(
        self, operation: str, fetch: Callable[[str | None], Mapping[str, object]], key: str
    ) -> list[object]:
        """All items of a paginated IAM list call (``Marker`` / ``IsTruncated``)."""
        items: list[object] = []
        marker: str | None = None
        seen: set[str] = set()
        while True:
            page = self.call(operation, functools.partial(fetch, marker))
            found = page.get(key)
            items.extend(found if isinstance(found, list) else [])
            next_marker = page.get("Marker")
            if not page.get("IsTruncated") or not isinstance(next_marker, str):
                return items
            if next_marker in seen:
                # Following it would never end; a partial list must not pass for a whole one.
                raise AWSError(
                    f"{operation} answered a pagination marker it had already given; the "
                    "listing cannot be completed",
                    code="RepeatedMarker",
                    operation=operation,
                )
            seen.add(next_marker)
            marker = next_marker

    # Each list call is typed against the IAM client, with or without a marker.

    def inline_policy_names(self, role_name: str) -> list[str]:
        def fetch(marker: str | None) -> Mapping[str, object]:
            if marker is None:
                return self.iam.list_role_policies(RoleName=role_name)
            return self.iam.list_role_policies(RoleName=role_name, Marker=marker)

        return [str(n) for n in self.pages("ListRolePolicies", fetch, "PolicyNames")]

    def managed_policy_arns(self, role_name: str) -> list[str]:
        def fetch(marker: str | None) -> Mapping[str, object]:
            if marker is None:
                return self.iam.list_attached_role_policies(RoleName=role_name)
            return self.iam.list_attached_role_policies(RoleName=role_name, Marker=marker)

        found = self.pages("ListAttachedRolePolicies", fetch, "AttachedPolicies")
        return [str(p["PolicyArn"]) for p in found if isinstance(p, dict) and "PolicyArn" in p]

    def tags(self, role_name: str) -> list[tuple[str, str]]:
        def fetch(marker: str | None) -> Mapping[str, object]:
            if marker is None:
                return self.iam.list_role_tags(RoleName=role_name)
            return self.iam.list_role_tags(RoleName=role_name, Marker=marker)

        found = self.pages("ListRoleTags", fetch, "Tags")
        return [(str(t["Key"]), str(t.get("Value", ""))) for t in found if isinstance(t, dict)]

    def instance_profiles(self, role_name: str) -> list[str]:
        def fetch(marker: str | None) -> Mapping[str, object]:
            if marker is None:
                return self.iam.list_instance_profiles_for_role(RoleName=role_name)
            return self.iam.list_instance_profiles_for_role(RoleName=role_name, Marker=marker)

        found = self.pages("ListInstanceProfilesForRole", fetch, "InstanceProfiles")
        return [str(p["InstanceProfileName"]) for p in found if isinstance(p, dict)]

    def role_exists(self, role_name: str) -> bool:
        try:
            self.call("GetRole", lambda: self.iam.get_role(RoleName=role_name))
        except AWSError as err:
            if err.code == _NO_SUCH_ENTITY:
                return False
            raise
        return True

    def observe(self, role_name: str) -> _Observed | None:
        """Read everything provisioning compares; ``None`` if the role does not exist."""
        try:
            role = self.call("GetRole", lambda: self.iam.get_role(RoleName=role_name))["Role"]
            tags = self.tags(role_name)
            names = self.inline_policy_names(role_name)
            managed = self.managed_policy_arns(role_name)
        except AWSError as err:
            if err.code == _NO_SUCH_ENTITY:
                return None
            raise
        inline: list[tuple[str, _ObservedPolicy]] = []
        for name in sorted(names):
            try:
                got = self.call(
                    "GetRolePolicy",
                    functools.partial(
                        self.iam.get_role_policy, RoleName=role_name, PolicyName=name
                    ),
                )
            except AWSError as err:
                if err.code == _NO_SUCH_ENTITY:
                    continue  # deleted since it was listed
                raise
            inline.append((name, _parse_policy(got["PolicyDocument"])))
        boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        return _Observed(
            arn=role["Arn"],
            role_id=role["RoleId"],
            path=role["Path"],
            trust=_parse_policy(role.get("AssumeRolePolicyDocument", "")),
            description=role.get("Description") or "",
            max_session_duration=role.get("MaxSessionDuration", 3600),
            boundary=boundary,
            inline=tuple(inline),
            managed_arns=tuple(sorted(set(managed))),
            tags=tuple(sorted(tags)),
        )


# --- planning (pure) -------------------------------------------------------------------------


def _creation_changes(spec: RoleSpec) -> tuple[Change, ...]:
    changes: list[Change] = [
        RoleCreation(role_name=spec.role_name, path=spec.path),
        TrustPolicyChange(before=None, after=spec.trust_policy),
    ]
    if spec.description:
        changes.append(SettingChange(setting="description", before=None, after=spec.description))
    changes.append(
        SettingChange(setting="max_session_duration", before=None, after=spec.max_session_duration)
    )
    if spec.permissions_boundary is not None:
        changes.append(PermissionsBoundaryChange(before=None, after=spec.permissions_boundary))
    changes.extend(
        InlinePolicyChange(name=name, before=None, after=doc) for name, doc in spec.inline_policies
    )
    changes.extend(
        ManagedPolicyChange(policy_arn=arn, action="attach") for arn in spec.managed_policy_arns
    )
    changes.extend(TagChange(key=t.key, before=None, after=t.value) for t in spec.role_tags)
    return tuple(changes)


def _changes(spec: RoleSpec, observed: _Observed) -> tuple[Change, ...]:
    """What must change, in the order apply makes the changes.

    Removals come before additions so that a role never holds more than either its old or its
    new permissions, and so that quotas (inline policy size, attached policy count) are not
    exceeded part way. A permissions boundary only restricts, so setting one comes before the
    permission changes, removing one after them, and replacing one between the removals and the
    additions (see :func:`_steps`).
    """
    partition = observed.partition
    changes: list[Change] = []
    if observed.path != spec.path:
        changes.append(PathChange(before=observed.path, after=spec.path))
    if not _same_policy(observed.trust, spec.trust_policy, partition):
        changes.append(TrustPolicyChange(before=observed.trust, after=spec.trust_policy))
    if observed.description != spec.description:
        changes.append(
            SettingChange(
                setting="description", before=observed.description, after=spec.description
            )
        )
    if observed.max_session_duration != spec.max_session_duration:
        changes.append(
            SettingChange(
                setting="max_session_duration",
                before=observed.max_session_duration,
                after=spec.max_session_duration,
            )
        )
    boundary: PermissionsBoundaryChange | None = None
    if observed.boundary != spec.permissions_boundary:
        boundary = PermissionsBoundaryChange(
            before=observed.boundary, after=spec.permissions_boundary
        )
    if boundary is not None and boundary.before is None:
        changes.append(boundary)  # a new boundary bounds everything that follows
    wanted_arns = set(spec.managed_policy_arns)
    changes.extend(
        ManagedPolicyChange(policy_arn=arn, action="detach")
        for arn in observed.managed_arns
        if arn not in wanted_arns
    )
    current = dict(observed.inline)
    wanted = dict(spec.inline_policies)
    changes.extend(
        InlinePolicyChange(name=name, before=doc, after=None)
        for name, doc in observed.inline
        if name not in wanted
    )
    if boundary is not None and boundary.before is not None and boundary.after is not None:
        changes.append(boundary)  # after the removals, before the additions
    changes.extend(
        InlinePolicyChange(name=name, before=current.get(name), after=doc)
        for name, doc in spec.inline_policies
        if not _same_policy(current.get(name), doc, partition)
    )
    have_arns = set(observed.managed_arns)
    changes.extend(
        ManagedPolicyChange(policy_arn=arn, action="attach")
        for arn in spec.managed_policy_arns
        if arn not in have_arns
    )
    if boundary is not None and boundary.after is None:
        changes.append(boundary)  # the old boundary bounds every step until the last
    have_tags = dict(observed.tags)
    wanted_tags = {tag.key: tag.value for tag in spec.role_tags}
    changes.extend(
        TagChange(key=key, before=value, after=None)
        for key, value in observed.tags
        if key not in wanted_tags
    )
    changes.extend(
        TagChange(key=key, before=have_tags.get(key), after=value)
        for key, value in sorted(wanted_tags.items())
        if have_tags.get(key) != value
    )
    return tuple(changes)


def _plan_for(spec: RoleSpec, observed: _Observed | None) -> Plan:
    if observed is None:
        return Plan(
            role_name=spec.role_name,
            role_arn=None,
            role_exists=False,
            managed=True,
            changes=_creation_changes(spec),
        )
    return Plan(
        role_name=spec.role_name,
        role_arn=observed.arn,
        role_exists=True,
        managed=observed.managed,
        changes=_changes(spec, observed),
    )


# --- helpers for the public functions --------------------------------------------------------


def _require_spec(spec: object) -> RoleSpec:
    if not isinstance(spec, RoleSpec):
        raise ValidationError("spec", f"must be a RoleSpec, got {type(spec).__name__}")
    return spec


def _require_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, f"must be a bool, got {type(value).__name__}")
    return value


def _require_retry(value: object) -> RetryPolicy:
    if value is None:
        return RetryPolicy()
    if not isinstance(value, RetryPolicy):
        raise ValidationError("retry", f"must be a RetryPolicy or None, got {type(value).__name__}")
    return value


def _listing(items: Iterable[str]) -> str:
    found = list(items)
    return ", ".join(found) if found else "nothing"


def _failure(
    err: AWSError,
    message: str,
    *,
    step: str,
    rolled_back: Sequence[str] = (),
    left_behind: Sequence[str] = (),
    cls: type[ProvisioningError] = ProvisioningError,
) -> ProvisioningError:
    """A ProvisioningError for ``err``; raise it ``from err.__cause__`` to keep botocore's."""
    return cls(
        message,
        code=err.code,
        operation=err.operation,
        step=step,
        rolled_back=tuple(rolled_back),
        left_behind=tuple(left_behind),
    )


def _raise_read_failure(err: AWSError, role_name: str, doing: str) -> NoReturn:
    step = f"read role {role_name}"
    raise _failure(
        err,
        f"{doing} role {role_name} failed at step '{step}': {err}. Nothing was changed.",
        step=step,
    ) from err.__cause__


def _not_managed(role_name: str, *, operation: str, hint: str) -> RoleNotManaged:
    return RoleNotManaged(
        f"Role {role_name} exists but has no {MANAGED_TAG_KEY}={MANAGED_TAG_VALUE} tag, so "
        f"xaccess does not manage it; {hint}. Nothing was changed.",
        code="RoleNotManaged",
        operation=operation,
        step="check ownership",
    )


# --- create ----------------------------------------------------------------------------------


class _AlreadyExists(Exception):
    def __init__(self, error: AWSError) -> None:
        super().__init__(str(error))
        self.error = error


def _create_role(session: _Session, spec: RoleSpec) -> ProvisionedRole:
    """CreateRole, then the inline and managed policies; undo everything on failure."""
    iam = session.iam
    params: CreateRoleRequestTypeDef = {
        "RoleName": spec.role_name,
        "Path": spec.path,
        "AssumeRolePolicyDocument": spec.trust_policy.to_json(),
        "MaxSessionDuration": spec.max_session_duration,
        "Tags": [_tag(tag.key, tag.value) for tag in spec.role_tags],
    }
    if spec.description:
        params["Description"] = spec.description
    if spec.permissions_boundary is not None:
        params["PermissionsBoundary"] = spec.permissions_boundary
    try:
        role = session.call("CreateRole", lambda: iam.create_role(**params))["Role"]
    except AWSError as err:
        if err.code == _ALREADY_EXISTS:
            raise _AlreadyExists(err) from err
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
                    raise _AlreadyExists(err) from err
        raise _failure(
            err,
            f"Creating role {spec.role_name} failed at step 'create role': {err}. {outcome}",
            step="create role",
            left_behind=left_behind,
        ) from err.__cause__
    _log.info("created role %s", role["Arn"])
    done: list[tuple[str, str]] = []
    step = ""
    try:
        for name, document in spec.inline_policies:
            step = f"put inline policy {name}"
            session.call(
                "PutRolePolicy",
                functools.partial(
                    iam.put_role_policy,
                    RoleName=spec.role_name,
                    PolicyName=name,
                    PolicyDocument=document.to_json(),
                ),
            )
            done.append(("inline", name))
        for arn in spec.managed_policy_arns:
            step = f"attach managed policy {arn}"
            session.call(
                "AttachRolePolicy",
                functools.partial(iam.attach_role_policy, RoleName=spec.role_name, PolicyArn=arn),
            )
            done.append(("managed", arn))
    except AWSError as err:
        _roll_back(session, spec, done, step, err)
    return ProvisionedRole(
        role_name=spec.role_name,
        role_arn=role["Arn"],
        role_id=role["RoleId"],
        created=True,
        changes=_creation_changes(spec),
    )


def _tag(key: str, value: str) -> TagTypeDef:
    return {"Key": key, "Value": value}


def _roll_back(
    session: _Session, spec: RoleSpec, done: list[tuple[str, str]], step: str, err: AWSError
) -> None:
    """Undo a partial create in reverse order, then raise the error that says what happened."""
    iam = session.iam
    name = spec.role_name
    rolled_back: list[str] = []
    left_behind: list[str] = []
    undo: list[tuple[str, str, Callable[[], object]]] = []
    for kind, item in reversed(done):
        if kind == "managed":
            undo.append(
                (
                    f"managed policy {item}",
                    "DetachRolePolicy",
                    functools.partial(iam.detach_role_policy, RoleName=name, PolicyArn=item),
                )
            )
        else:
            undo.append(
                (
                    f"inline policy {item}",
                    "DeleteRolePolicy",
                    functools.partial(iam.delete_role_policy, RoleName=name, PolicyName=item),
                )
            )
    for what, operation, run in undo:
        try:
            session.call(operation, run)
        except AWSError as undo_err:
            if undo_err.code != _NO_SUCH_ENTITY:
                left_behind.append(f"{what} ({operation} failed with {undo_err.code})")
                continue
        rolled_back.append(what)
    # A step whose answer was lost may have taken effect without being in ``done``; DeleteRole
    # then conflicts, and whatever is still attached is listed and removed.
    progress = _Revocation(name)
    try:
        _delete_created_role(session, progress)
    except AWSError as undo_err:
        rolled_back.extend(progress.removed())
        if undo_err.code != _NO_SUCH_ENTITY:
            left_behind.extend(progress.pending)
            left_behind.append(f"role {name} ({undo_err.operation} failed with {undo_err.code})")
        else:
            rolled_back.append(f"role {name}")
    else:
        rolled_back.extend(progress.removed())
        rolled_back.append(f"role {name}")
    message = (
        f"Creating role {name} failed at step '{step}': {err}. "
        f"Rolled back: {_listing(rolled_back)}."
    )
    if left_behind:
        message += (
            f" Could not roll back: {_listing(left_behind)}; the role keeps its "
            f"{MANAGED_TAG_KEY} tag, so xaccess revoke() can remove it."
        )
    _log.warning("%s", message)
    raise _failure(
        err, message, step=step, rolled_back=rolled_back, left_behind=left_behind
    ) from err.__cause__


def _delete_created_role(session: _Session, progress: _Revocation) -> None:
    """DeleteRole for a rollback; on DeleteConflict strip what is left and delete again."""
    name = progress.role_name
    try:
        session.call("DeleteRole", lambda: session.iam.delete_role(RoleName=name))
    except AWSError as err:
        if err.code != _DELETE_CONFLICT:
            raise
        for _ in range(_ROUNDS):
            if _strip_and_delete(session, progress):
                return
        raise


def create(iam: IAMClient, spec: RoleSpec, *, retry: RetryPolicy | None = None) -> ProvisionedRole:
    """Create the role described by ``spec``, all or nothing.

    Calls ``CreateRole`` (with the trust policy, path, description, maximum session duration,
    permissions boundary and tags, the ownership tag included), then ``PutRolePolicy`` for each
    inline policy and ``AttachRolePolicy`` for each managed policy. If a step after
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
        retry: How transient failures are retried; :class:`RetryPolicy` defaults if ``None``.

    Returns:
        The created role.

    Raises:
        ~xaccess.errors.ValidationError: If ``spec`` is not a
            :class:`~xaccess.rolespec.RoleSpec` (before any AWS call).
        ~xaccess.errors.ProvisioningError: If a step failed; ``step``, ``code`` and
            ``operation`` say where and why, ``rolled_back`` lists what was undone and
            ``left_behind`` what could not be. ``code`` is ``EntityAlreadyExists`` when a
            different role of that name exists.

    .. versionadded:: 0.1.0
    """
    checked = _require_spec(spec)
    session = _Session(iam, _require_retry(retry))
    try:
        return _create_role(session, checked)
    except _AlreadyExists as exists:
        err = exists.error
    try:
        observed = session.observe(checked.role_name)
    except AWSError as read_err:
        _raise_read_failure(read_err, checked.role_name, "Creating")
    if observed is None or (
        observed.managed
        and observed.path == checked.path
        and _same_policy(observed.trust, checked.trust_policy, observed.partition)
    ):
        _log.info("role %s is being created concurrently; converging it", checked.role_name)
        return _apply(session, checked, adopt=False)
    raise _failure(
        err,
        f"Creating role {checked.role_name} failed: a role of that name already exists "
        f"({observed.arn}). Use apply() to bring an existing role to the spec "
        "(with adopt=True if xaccess does not manage it yet). Nothing was changed.",
        step="create role",
    ) from err.__cause__


# --- plan ------------------------------------------------------------------------------------


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
    checked = _require_spec(spec)
    session = _Session(iam, _require_retry(retry))
    return _plan_for(checked, session.observe(checked.role_name))


# --- apply -----------------------------------------------------------------------------------


@attrs.frozen
class _Step:
    description: str
    operation: str
    run: Callable[[], object]
    changes: tuple[Change, ...]
    #: NoSuchEntity means the thing to remove is already gone (if the role still exists).
    gone_is_done: bool = False


def _steps(session: _Session, spec: RoleSpec, changes: tuple[Change, ...]) -> list[_Step]:
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
    return [tuple(items[i : i + _TAG_BATCH]) for i in range(0, len(items), _TAG_BATCH)]


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
        tags = [_tag(c.key, c.after or "") for c in batch]
        steps.append(
            _Step(
                f"set tags {', '.join(c.key for c in batch)}",
                "TagRole",
                functools.partial(iam.tag_role, RoleName=name, Tags=tags),
                batch,
            )
        )
    return steps


def _execute(session: _Session, spec: RoleSpec, changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """Make the changes; raise _Gone if the role disappears, ProvisioningError on failure."""
    steps = _steps(session, spec, changes)
    applied: list[Change] = []
    for index, step in enumerate(steps):
        try:
            session.call(step.operation, step.run)
        except AWSError as err:
            if err.code == _NO_SUCH_ENTITY:
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
                f"{_listing(s.description for s in steps[:index])}. Not applied: "
                f"{_listing([step.description, *pending])}. Nothing was rolled back; "
                "apply() again converges the role."
            )
            raise _failure(err, message, step=step.description) from err.__cause__
        _log.info("role %s: %s", spec.role_name, step.description)
        applied.extend(step.changes)
    return tuple(applied)


def _apply(session: _Session, spec: RoleSpec, *, adopt: bool) -> ProvisionedRole:
    for _ in range(_ROUNDS):
        try:
            observed = session.observe(spec.role_name)
        except AWSError as err:
            _raise_read_failure(err, spec.role_name, "Applying the spec to")
        if observed is None:
            try:
                return _create_role(session, spec)
            except _AlreadyExists:
                _log.info("role %s was created concurrently; converging it", spec.role_name)
                continue
        changes = _changes(spec, observed)
        if not observed.managed and not adopt:
            raise _not_managed(
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
        f"being applied ({_ROUNDS} attempts). Nothing more was changed.",
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
    checked = _require_spec(spec)
    adopting = _require_bool(adopt, "adopt")
    session = _Session(iam, _require_retry(retry))
    return _apply(session, checked, adopt=adopting)


# --- revoke ----------------------------------------------------------------------------------


@attrs.define
class _Revocation:
    """The progress of one revoke, to report on failure."""

    role_name: str
    step: str = "read role"
    inline: list[str] = attrs.Factory(list)
    managed: list[str] = attrs.Factory(list)
    profiles: list[str] = attrs.Factory(list)
    pending: list[str] = attrs.Factory(list)

    def removed(self) -> list[str]:
        return (
            [f"inline policy {n}" for n in self.inline]
            + [f"managed policy {a}" for a in self.managed]
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
        )


def _remove(
    session: _Session, progress: _Revocation, step: str, operation: str, run: Callable[[], object]
) -> None:
    """One removal; NoSuchEntity means it is gone already."""
    progress.step = step
    try:
        session.call(operation, run)
    except AWSError as err:
        if err.code != _NO_SUCH_ENTITY:
            raise


def _strip_and_delete(session: _Session, progress: _Revocation) -> bool:
    """Remove what DeleteRole requires, then delete; False on DeleteConflict (try again)."""
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
        if err.code == _DELETE_CONFLICT:
            return False  # something was attached meanwhile; strip again
        if err.code != _NO_SUCH_ENTITY:
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

    Deletes the inline policies, detaches the managed policies, removes the role from its
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
    forcing = _require_bool(force, "force")
    session = _Session(iam, _require_retry(retry))
    progress = _Revocation(name)
    arn: str | None = None
    try:
        try:
            role = session.call("GetRole", lambda: iam.get_role(RoleName=name))["Role"]
        except AWSError as err:
            if err.code == _NO_SUCH_ENTITY:
                return progress.result(None, existed=False)
            raise
        arn = role["Arn"]
        progress.step = "check ownership"
        tags = session.tags(name)
        if (MANAGED_TAG_KEY, MANAGED_TAG_VALUE) not in tags and not forcing:
            raise _not_managed(
                name, operation="ListRoleTags", hint="pass force=True to revoke() to delete it"
            )
        for _ in range(_ROUNDS):
            if _strip_and_delete(session, progress):
                _log.info("deleted role %s", arn)
                return progress.result(arn, existed=True)
        raise ProvisioningError(
            f"Revoking role {name} failed: DeleteRole kept reporting DeleteConflict because "
            "policies or instance profiles were being added meanwhile. "
            f"Removed: {_listing(progress.removed())}.",
            code=_DELETE_CONFLICT,
            operation="DeleteRole",
            step="delete role",
            left_behind=(f"role {name}",),
        )
    except AWSError as err:
        if isinstance(err, ProvisioningError):
            raise
        if err.code == _NO_SUCH_ENTITY:  # deleted by someone else part way
            return progress.result(arn, existed=True)
        left = [f"role {name}", *progress.pending]
        message = (
            f"Revoking role {name} failed at step '{progress.step}': {err}. "
            f"Removed before the failure: {_listing(progress.removed())}. "
            f"Still in place: {_listing(left)}; revoke() again finishes the job."
        )
        raise _failure(err, message, step=progress.step, left_behind=left) from err.__cause__
