"""The desired-state diff: what must change to bring an IAM role to its :class:`RoleSpec`.

Pure (no boto3, no I/O). :class:`RoleState` is what IAM holds for one role, as read by
:mod:`xaccess.aws.provisioning`; :func:`diff` compares it with a spec and lists the changes, in
the order :func:`~xaccess.aws.provisioning.apply` makes them, and :class:`Plan` wraps them with a
printable review (``str(plan)``). Policies are compared by their canonical form
(:func:`~xaccess.rolespec.canonical_policy`), so the way IAM rewrites stored documents never shows
as a change.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import Final

import attrs

# Re-exported (``X as X``) for the code that imports the change types from here.
from xaccess.changes import Change as Change  # noqa: PLC0414
from xaccess.changes import InlinePolicyChange as InlinePolicyChange  # noqa: PLC0414
from xaccess.changes import ManagedPolicyChange as ManagedPolicyChange  # noqa: PLC0414
from xaccess.changes import ObservedPolicy as ObservedPolicy  # noqa: PLC0414
from xaccess.changes import OwnedPolicyChange as OwnedPolicyChange  # noqa: PLC0414
from xaccess.changes import PathChange as PathChange  # noqa: PLC0414
from xaccess.changes import PermissionsBoundaryChange as PermissionsBoundaryChange  # noqa: PLC0414
from xaccess.changes import RoleCreation as RoleCreation  # noqa: PLC0414
from xaccess.changes import SettingChange as SettingChange  # noqa: PLC0414
from xaccess.changes import TagChange as TagChange  # noqa: PLC0414
from xaccess.changes import TrustPolicyChange as TrustPolicyChange  # noqa: PLC0414
from xaccess.errors import ValidationError
from xaccess.identifiers import RoleArn
from xaccess.limits import MAX_POLICY_VERSIONS_TO_KEEP
from xaccess.policy import PolicyDocument, Statement
from xaccess.rolespec import (
    MANAGED_TAG_KEY,
    MANAGED_TAG_VALUE,
    RoleSpec,
    canonical_policy,
    managed_policy_arn,
)

#: The change types (:mod:`xaccess.changes`) are importable from here too; they are documented
#: once, where :mod:`xaccess.aws.provisioning` re-exports them.
__all__ = [
    "OwnedPolicy",
    "Plan",
    "RoleState",
    "creation_changes",
    "diff",
    "owned_policy_arn",
    "plan_for",
    "same_policy",
    "trusts_new_principals",
]

#: The condition key that carries the external ID, as canonical_policy writes keys (lower case).
_EXTERNAL_ID_KEY: Final = "sts:externalid"


# --- what IAM holds ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class OwnedPolicy:
    """A customer-managed policy xaccess made for the role, as IAM holds it.

    Attributes:
        name: Its name (:func:`~xaccess.rolespec.managed_policy_name`).
        path: Its path.
        arn: Its ARN.
        document: Its default version's document (or raw text if unreadable).
        attached: Whether it is attached to the role.
        versions: Its non-default version IDs, oldest first.

    .. versionadded:: 0.1.0
    """

    name: str
    path: str
    arn: str
    document: ObservedPolicy
    attached: bool
    versions: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class RoleState:
    """What IAM holds for one role: the input of :func:`diff`.

    Policies are documents, or their raw text if IAM holds something that is not a readable
    policy. Inline policies and tags are sorted pairs, managed policy ARNs a sorted tuple.

    .. versionadded:: 0.1.0
    """

    arn: str
    role_id: str
    path: str
    trust: ObservedPolicy
    description: str
    max_session_duration: int
    boundary: str | None
    inline: tuple[tuple[str, ObservedPolicy], ...]
    managed_arns: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]
    owned: tuple[OwnedPolicy, ...] = ()

    @property
    def partition(self) -> str:
        """The partition of the role's ARN (``aws`` if the ARN does not parse).

        .. versionadded:: 0.1.0
        """
        try:
            return RoleArn.parse(self.arn).partition
        except ValidationError:
            return "aws"

    @property
    def managed(self) -> bool:
        """Whether the role carries the ownership tag.

        .. versionadded:: 0.1.0
        """
        return (MANAGED_TAG_KEY, MANAGED_TAG_VALUE) in self.tags

    @property
    def account_id(self) -> str:
        """The account of the role's ARN (empty if the ARN does not parse).

        .. versionadded:: 0.1.0
        """
        try:
            return RoleArn.parse(self.arn).account
        except ValidationError:
            return ""


def same_policy(observed: ObservedPolicy | None, desired: PolicyDocument, partition: str) -> bool:
    """Whether an observed policy is ``desired`` up to IAM's rewriting (canonical forms).

    .. versionadded:: 0.1.0
    """
    return isinstance(observed, PolicyDocument) and canonical_policy(
        observed, partition=partition
    ) == canonical_policy(desired, partition=partition)


def _admits(statement: Statement) -> Statement:
    """What a trust statement admits, apart from the external ID it asks for."""
    return attrs.evolve(
        statement,
        sid=None,
        conditions=tuple(c for c in statement.conditions if c.key != _EXTERNAL_ID_KEY),
    )


def trusts_new_principals(
    before: ObservedPolicy | None, after: PolicyDocument, partition: str
) -> bool:
    """Whether the trust policy ``after`` may admit a principal that ``before`` does not.

    Judged statement by statement on canonical forms, and erring towards ``True``: ``False``
    only if every ``Allow`` of ``after`` equals an ``Allow`` of ``before`` except for its
    ``sts:ExternalId`` condition, and every ``Deny`` of ``before`` is kept. A change of external
    ID alone (rotation) or a tightened condition then keeps the same trustees. An unreadable
    ``before`` counts as trusting no one.

    .. versionadded:: 0.1.0
    """
    if not isinstance(before, PolicyDocument):
        return True
    old = canonical_policy(before, partition=partition).statements
    new = canonical_policy(after, partition=partition).statements
    old_allows = {_admits(s) for s in old if s.effect == "Allow"}
    new_denies = {attrs.evolve(s, sid=None) for s in new if s.effect == "Deny"}
    return any(_admits(s) not in old_allows for s in new if s.effect == "Allow") or any(
        attrs.evolve(s, sid=None) not in new_denies for s in old if s.effect == "Deny"
    )


# --- the diff --------------------------------------------------------------------------------


def creation_changes(spec: RoleSpec) -> tuple[Change, ...]:
    """Everything a new role made from ``spec`` gets, in the order it is made.

    .. versionadded:: 0.1.0
    """
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
        OwnedPolicyChange(name=name, path=spec.path, before=None, after=doc)
        for name, doc in spec.managed_policies
    )
    changes.extend(
        ManagedPolicyChange(policy_arn=arn, action="attach") for arn in spec.managed_policy_arns
    )
    changes.extend(TagChange(key=t.key, before=None, after=t.value) for t in spec.role_tags)
    return tuple(changes)


def diff(spec: RoleSpec, observed: RoleState) -> tuple[Change, ...]:
    """What must change, in the order apply makes the changes.

    Removals come before additions so that a role never holds more than either its old or its
    new permissions, and so that quotas (inline policy size, attached policy count) are not
    exceeded part way. A permissions boundary only restricts, so setting one comes before the
    permission changes, removing one after them, and replacing one between the removals and the
    additions.

    The trust policy changes first when it admits no new principal (a tightened condition or a
    new external ID takes effect at once). When it may admit a new principal (a handover to
    another trustee), it changes after every removal and before every addition: the old
    trustee then only ever sees permissions narrow, and the new one only ever sees them widen
    from what both specs grant (see :func:`trusts_new_principals`).

    .. versionadded:: 0.1.0
    """
    partition = observed.partition
    changes: list[Change] = []
    if observed.path != spec.path:
        changes.append(PathChange(before=observed.path, after=spec.path))
    trust: TrustPolicyChange | None = None
    if not same_policy(observed.trust, spec.trust_policy, partition):
        trust = TrustPolicyChange(before=observed.trust, after=spec.trust_policy)
    handover = trust is not None and trusts_new_principals(trust.before, trust.after, partition)
    if trust is not None and not handover:
        changes.append(trust)
    changes.extend(_setting_changes(spec, observed))
    boundary: PermissionsBoundaryChange | None = None
    if observed.boundary != spec.permissions_boundary:
        boundary = PermissionsBoundaryChange(
            before=observed.boundary, after=spec.permissions_boundary
        )
    if boundary is not None and boundary.before is None:
        changes.append(boundary)  # a new boundary bounds everything that follows
    owned = _OwnedDiff(spec, observed)
    wanted_arns = set(spec.managed_policy_arns) | owned.kept_arns
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
    if trust is not None and handover:
        changes.append(trust)  # between the removals and the additions
    changes.extend(
        InlinePolicyChange(name=name, before=current.get(name), after=doc)
        for name, doc in spec.inline_policies
        if not same_policy(current.get(name), doc, partition)
    )
    changes.extend(owned.additions)
    have_arns = set(observed.managed_arns)
    changes.extend(
        ManagedPolicyChange(policy_arn=arn, action="attach")
        for arn in spec.managed_policy_arns
        if arn not in have_arns
    )
    changes.extend(owned.deletions)
    if boundary is not None and boundary.after is None:
        changes.append(boundary)  # the old boundary bounds every step until the last
    changes.extend(_tag_changes(spec, observed))
    return tuple(changes)


class _OwnedDiff:
    """The changes to the customer-managed policies xaccess owns for the role.

    A policy whose text changes, or that goes, is detached among the removals (the caller's
    detach of every attached ARN not in :attr:`kept_arns`); its new version is written and it
    is attached again among the additions; a policy that goes is deleted after every addition.
    """

    def __init__(self, spec: RoleSpec, observed: RoleState) -> None:
        partition = observed.partition
        have = {policy.name: policy for policy in observed.owned}
        self.kept_arns: set[str] = set()
        self.additions: list[Change] = []
        self.deletions: list[Change] = []
        for name, document in spec.managed_policies:
            policy = have.pop(name, None)
            if policy is None or policy.path != spec.path:
                if policy is not None:  # left at another path: replaced, not reused
                    have[f"{policy.path}{name}"] = policy
                self.additions.append(
                    OwnedPolicyChange(name=name, path=spec.path, before=None, after=document)
                )
            elif not same_policy(policy.document, document, partition):
                keep = MAX_POLICY_VERSIONS_TO_KEEP - 1  # non-default versions beside the new one
                stale = policy.versions[: max(len(policy.versions) - keep, 0)]
                self.additions.append(
                    OwnedPolicyChange(
                        name=name,
                        path=spec.path,
                        before=policy.document,
                        after=document,
                        stale_versions=stale,
                    )
                )
            else:
                self.kept_arns.add(policy.arn)
                if not policy.attached:
                    self.additions.append(
                        ManagedPolicyChange(policy_arn=policy.arn, action="attach")
                    )
        self.deletions.extend(
            OwnedPolicyChange(
                name=policy.name,
                path=policy.path,
                before=policy.document,
                after=None,
                stale_versions=policy.versions,
            )
            for policy in have.values()
        )


def owned_policy_arn(observed: RoleState, change: OwnedPolicyChange) -> str:
    """The ARN of the policy ``change`` is about, in the account of ``observed``'s role.

    .. versionadded:: 0.1.0
    """
    return managed_policy_arn(
        partition=observed.partition,
        account_id=observed.account_id,
        path=change.path,
        name=change.name,
    )


def _setting_changes(spec: RoleSpec, observed: RoleState) -> list[SettingChange]:
    changes: list[SettingChange] = []
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
    return changes


def _tag_changes(spec: RoleSpec, observed: RoleState) -> list[TagChange]:
    """Removed tags first, then added and changed ones, by key."""
    have = dict(observed.tags)
    wanted = {tag.key: tag.value for tag in spec.role_tags}
    removed = [
        TagChange(key=key, before=value, after=None)
        for key, value in observed.tags
        if key not in wanted
    ]
    return removed + [
        TagChange(key=key, before=have.get(key), after=value)
        for key, value in sorted(wanted.items())
        if have.get(key) != value
    ]


def plan_for(spec: RoleSpec, observed: RoleState | None) -> Plan:
    """The plan for ``spec`` given what IAM holds (``None``: the role does not exist).

    .. versionadded:: 0.1.0
    """
    if observed is None:
        return Plan(
            role_name=spec.role_name,
            role_arn=None,
            role_exists=False,
            managed=True,
            changes=creation_changes(spec),
        )
    return Plan(
        role_name=spec.role_name,
        role_arn=observed.arn,
        role_exists=True,
        managed=observed.managed,
        changes=diff(spec, observed),
    )


# --- the plan ------------------------------------------------------------------------------


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
            if isinstance(change, TrustPolicyChange | InlinePolicyChange | OwnedPolicyChange):
                lines.extend(f"    {line}" for line in change.diff())
        return "\n".join(lines)
