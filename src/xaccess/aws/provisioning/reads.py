"""Reading a role from IAM: every call retried, every list paginated.

:class:`IAMReader` wraps a boto3 IAM client with a :class:`~xaccess.aws._retry.RetryPolicy`; the
writing modules make their calls through its :meth:`~IAMReader.call` too. :meth:`IAMReader.observe`
reads everything :func:`xaccess.plan.diff` compares into a :class:`xaccess.plan.RoleState`.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Final, Literal, TypeVar
from urllib.parse import unquote

import attrs

from xaccess.aws._retry import RetryPolicy, call_with_retry
from xaccess.errors import AWSError, ValidationError
from xaccess.limits import DEFAULT_MAX_SESSION_DURATION
from xaccess.plan import ObservedPolicy, RoleState
from xaccess.policy import PolicyDocument

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from mypy_boto3_iam import IAMClient

__all__ = ["NO_SUCH_ENTITY", "IAMReader", "parse_policy"]

T = TypeVar("T")

NO_SUCH_ENTITY: Final = "NoSuchEntity"

_ListOperation = Literal[
    "list_role_policies",
    "list_attached_role_policies",
    "list_role_tags",
    "list_instance_profiles_for_role",
    "list_policies",
    "list_policy_versions",
    "list_policy_tags",
]


def parse_policy(raw: object) -> ObservedPolicy:
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


def _operation_name(method: str) -> str:
    return "".join(part.capitalize() for part in method.split("_"))


def _unique_markers(
    operation: str, pages: Iterable[Mapping[str, object]]
) -> list[Mapping[str, object]]:
    """The pages, or an AWSError at the first marker seen before.

    botocore's paginator refuses only a marker repeated on the very next page (A, A); a cycle
    (A, B, A) would page forever.
    """
    seen: set[object] = set()
    found: list[Mapping[str, object]] = []
    for page in pages:
        found.append(page)
        marker = page.get("Marker") if page.get("IsTruncated") else None
        if marker is None:
            break
        if marker in seen:
            # Following it would never end; a partial list must not pass for a whole one.
            raise AWSError(
                f"{operation} answered a pagination marker it had already given; the "
                "listing cannot be completed",
                code="RepeatedMarker",
                operation=operation,
            )
        seen.add(marker)
    return found


@attrs.define
class IAMReader:
    """An IAM client with a retry policy, and the reads provisioning makes."""

    iam: IAMClient
    retry: RetryPolicy

    def call(self, operation: str, run: Callable[[], T]) -> T:
        """``run()`` with transient failures retried; botocore errors become AWSError."""
        return call_with_retry(self.retry, operation, run)

    def pages(self, method: _ListOperation, key: str, role_name: str) -> list[object]:
        """All items of a paginated IAM list call about a role."""
        return self.list_all(method, key, RoleName=role_name)

    def list_all(self, method: _ListOperation, key: str, **params: str) -> list[object]:
        """All items of a paginated IAM list call, read with boto3's paginator.

        A transient failure on any page reads the whole listing again.
        """
        operation = _operation_name(method)
        paginator = self.iam.get_paginator(method)

        def read_all() -> list[Mapping[str, object]]:
            pages = paginator.paginate(**params)  # type: ignore[arg-type]
            return _unique_markers(operation, pages)

        items: list[object] = []
        for page in self.call(operation, read_all):
            found = page.get(key)
            items.extend(found if isinstance(found, list) else [])
        return items

    def inline_policy_names(self, role_name: str) -> list[str]:
        """The names of the role's inline policies."""
        return [str(n) for n in self.pages("list_role_policies", "PolicyNames", role_name)]

    def managed_policy_arns(self, role_name: str) -> list[str]:
        """The ARNs of the managed policies attached to the role."""
        found = self.pages("list_attached_role_policies", "AttachedPolicies", role_name)
        return [str(p["PolicyArn"]) for p in found if isinstance(p, dict) and "PolicyArn" in p]

    def tags(self, role_name: str) -> list[tuple[str, str]]:
        """The role's tags as (key, value) pairs."""
        found = self.pages("list_role_tags", "Tags", role_name)
        return [(str(t["Key"]), str(t.get("Value", ""))) for t in found if isinstance(t, dict)]

    def instance_profiles(self, role_name: str) -> list[str]:
        """The names of the instance profiles that hold the role."""
        found = self.pages("list_instance_profiles_for_role", "InstanceProfiles", role_name)
        return [str(p["InstanceProfileName"]) for p in found if isinstance(p, dict)]

    def role_exists(self, role_name: str) -> bool:
        """Whether ``GetRole`` finds the role."""
        try:
            self.call("GetRole", lambda: self.iam.get_role(RoleName=role_name))
        except AWSError as err:
            if err.code == NO_SUCH_ENTITY:
                return False
            raise
        return True

    def _inline_policies(
        self, role_name: str, names: list[str]
    ) -> tuple[tuple[str, ObservedPolicy], ...]:
        inline: list[tuple[str, ObservedPolicy]] = []
        for name in sorted(names):
            try:
                got = self.call(
                    "GetRolePolicy",
                    functools.partial(
                        self.iam.get_role_policy, RoleName=role_name, PolicyName=name
                    ),
                )
            except AWSError as err:
                if err.code == NO_SUCH_ENTITY:
                    continue  # deleted since it was listed
                raise
            inline.append((name, parse_policy(got["PolicyDocument"])))
        return tuple(inline)

    def observe(self, role_name: str) -> RoleState | None:
        """Read everything provisioning compares; ``None`` if the role does not exist."""
        try:
            role = self.call("GetRole", lambda: self.iam.get_role(RoleName=role_name))["Role"]
            tags = self.tags(role_name)
            names = self.inline_policy_names(role_name)
            managed = self.managed_policy_arns(role_name)
        except AWSError as err:
            if err.code == NO_SUCH_ENTITY:
                return None
            raise
        inline = self._inline_policies(role_name, names)
        boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        return RoleState(
            arn=role["Arn"],
            role_id=role["RoleId"],
            path=role["Path"],
            trust=parse_policy(role.get("AssumeRolePolicyDocument", "")),
            description=role.get("Description") or "",
            max_session_duration=role.get("MaxSessionDuration", DEFAULT_MAX_SESSION_DURATION),
            boundary=boundary,
            inline=inline,
            managed_arns=tuple(sorted(set(managed))),
            tags=tuple(sorted(tags)),
        )
