"""The changes a plan lists: one value per difference between an IAM role and its spec.

Pure values (no boto3, no I/O), printable (``str(change)``), with a JSON diff for the policy
changes. :mod:`xaccess.plan` computes them and re-exports every name.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Final, Literal, TypeAlias

import attrs

if TYPE_CHECKING:
    from xaccess.policy import PolicyDocument

__all__ = [
    "Change",
    "InlinePolicyChange",
    "ManagedPolicyChange",
    "ObservedPolicy",
    "OwnedPolicyChange",
    "PathChange",
    "PermissionsBoundaryChange",
    "RoleCreation",
    "SettingChange",
    "TagChange",
    "TrustPolicyChange",
]

_DIFF_CONTEXT: Final = 2


# --- changes ---------------------------------------------------------------------------------

ObservedPolicy: TypeAlias = "PolicyDocument | str"
"""A policy as IAM holds it: a document, or its raw text if it is not a readable policy.

.. versionadded:: 0.1.0
"""


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
class OwnedPolicyChange:
    """A customer-managed policy that xaccess owns for the role is created, updated or deleted.

    Created (``before`` is ``None``): ``CreatePolicy`` under ``path``, then attached. Updated:
    the oldest non-default versions in ``stale_versions`` are deleted (IAM keeps five
    versions), a new default version is created, and the policy is attached again (it was
    detached among the removals). Deleted (``after`` is ``None``; detached among the removals):
    the non-default versions in ``stale_versions``, then the policy.

    .. versionadded:: 0.1.0
    """

    name: str
    path: str
    before: PolicyDocument | str | None
    after: PolicyDocument | None
    stale_versions: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.after is None:
            return f"- customer-managed policy {self.path}{self.name}"
        if self.before is None:
            return f"+ customer-managed policy {self.path}{self.name} (attached)"
        return f"~ customer-managed policy {self.path}{self.name} (new default version)"

    def diff(self) -> list[str]:
        """The JSON lines that change, as a unified diff.

        .. versionadded:: 0.1.0
        """
        return _document_diff(self.before, self.after)


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
    | OwnedPolicyChange
    | TagChange
)
"""One difference between a role and its spec.

.. versionadded:: 0.1.0
"""
