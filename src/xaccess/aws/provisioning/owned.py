"""The customer-managed policies xaccess creates for a large grant: reading them, and the calls
that create, update and delete them.

A role's policies are named :func:`~xaccess.rolespec.managed_policy_name` (``ROLE-managed-N``)
and carry two tags: the ownership tag (:data:`~xaccess.rolespec.MANAGED_TAG_KEY`) and
:data:`ROLE_TAG_KEY` naming the role. Only policies with that name and both tags are treated as
the role's, so a policy someone else made is never changed or deleted.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import attrs

from xaccess.aws.provisioning.reads import NO_SUCH_ENTITY, parse_policy
from xaccess.errors import AWSError, ProvisioningError
from xaccess.plan import OwnedPolicy, OwnedPolicyChange
from xaccess.rolespec import (
    MANAGED_POLICY_INFIX,
    MANAGED_TAG_KEY,
    MANAGED_TAG_VALUE,
    ROLE_TAG_KEY,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from mypy_boto3_iam import IAMClient
    from mypy_boto3_iam.type_defs import TagTypeDef

    from xaccess.aws.provisioning.reads import IAMReader
    from xaccess.plan import RoleState
    from xaccess.rolespec import RoleSpec

__all__ = [
    "ROLE_TAG_KEY",
    "PolicyCall",
    "observe_owned",
    "owned_policies",
    "owned_policy_calls",
    "policy_tags",
]


@attrs.frozen
class PolicyCall:
    """One IAM call on a customer-managed policy."""

    description: str
    operation: str
    run: Callable[[], object]
    #: NoSuchEntity means the thing to remove is already gone.
    gone_is_done: bool = False


def policy_tags(role_name: str) -> list[TagTypeDef]:
    """The tags of a policy made for ``role_name``."""
    return [
        {"Key": MANAGED_TAG_KEY, "Value": MANAGED_TAG_VALUE},
        {"Key": ROLE_TAG_KEY, "Value": role_name},
    ]


def _is_owned(session: IAMReader, arn: str, role_name: str) -> bool:
    found = session.list_all("list_policy_tags", "Tags", PolicyArn=arn)
    tags = {(t.get("Key"), t.get("Value")) for t in found if isinstance(t, dict)}
    return {(MANAGED_TAG_KEY, MANAGED_TAG_VALUE), (ROLE_TAG_KEY, role_name)} <= tags


def _read(session: IAMReader, policy: dict[str, object], attached: bool) -> OwnedPolicy | None:
    arn = str(policy["Arn"])
    iam = session.iam
    try:
        versions = session.list_all("list_policy_versions", "Versions", PolicyArn=arn)
        default = next(
            (v for v in versions if isinstance(v, dict) and v.get("IsDefaultVersion")), None
        )
        if default is None:
            return None
        got = session.call(
            "GetPolicyVersion",
            functools.partial(
                iam.get_policy_version, PolicyArn=arn, VersionId=str(default["VersionId"])
            ),
        )
    except AWSError as err:
        if err.code == NO_SUCH_ENTITY:
            return None  # deleted since it was listed
        raise
    others = sorted(
        (v for v in versions if isinstance(v, dict) and not v.get("IsDefaultVersion")),
        key=lambda v: (str(v.get("CreateDate", "")), str(v.get("VersionId", ""))),
    )
    return OwnedPolicy(
        name=str(policy["PolicyName"]),
        path=str(policy.get("Path", "/")),
        arn=arn,
        document=parse_policy(got["PolicyVersion"].get("Document", "")),
        attached=attached,
        versions=tuple(str(v["VersionId"]) for v in others),
    )


def owned_policies(
    session: IAMReader, role_name: str, attached: Collection[str], path: str
) -> tuple[OwnedPolicy, ...]:
    """The customer-managed policies xaccess made for ``role_name`` under ``path``.

    Lists the account's own policies under the path (``ListPolicies`` with ``Scope=Local``),
    keeps those named for the role, and reads the tags, versions and default document of each.
    """
    return _policies_named_for(session, role_name, attached, path)[0]


def _policies_named_for(
    session: IAMReader, role_name: str, attached: Collection[str], path: str
) -> tuple[tuple[OwnedPolicy, ...], frozenset[str]]:
    """The policies xaccess made for the role, and the names of those named so but not its own."""
    pattern = re.compile(re.escape(role_name + MANAGED_POLICY_INFIX) + r"[0-9]{1,2}")
    listed = session.list_all("list_policies", "Policies", Scope="Local", PathPrefix=path)
    found: list[OwnedPolicy] = []
    foreign: set[str] = set()
    for policy in listed:
        if not isinstance(policy, dict) or pattern.fullmatch(str(policy.get("PolicyName"))) is None:
            continue
        if policy.get("Path", path) != path:
            continue  # PathPrefix also lists deeper paths, where no name can clash
        arn = str(policy["Arn"])
        try:
            owned = _is_owned(session, arn, role_name)
        except AWSError as err:
            if err.code == NO_SUCH_ENTITY:
                continue
            raise
        if owned:
            read = _read(session, policy, arn in attached)
            if read is not None:
                found.append(read)
        else:
            foreign.add(str(policy.get("PolicyName")))
    return tuple(sorted(found, key=lambda p: p.name)), frozenset(foreign)


def owned_policy_calls(
    iam: IAMClient, role_name: str, arn: str, change: OwnedPolicyChange
) -> list[PolicyCall]:
    """The calls that make ``change``: create and attach, update and attach, or delete.

    Detaching before an update or a delete is a separate change (a removal), made earlier.
    """
    calls = [
        PolicyCall(
            f"delete version {version} of managed policy {change.name}",
            "DeletePolicyVersion",
            functools.partial(iam.delete_policy_version, PolicyArn=arn, VersionId=version),
            gone_is_done=True,
        )
        for version in change.stale_versions
    ]
    if change.after is None:
        calls.append(
            PolicyCall(
                f"delete managed policy {change.name}",
                "DeletePolicy",
                functools.partial(iam.delete_policy, PolicyArn=arn),
                gone_is_done=True,
            )
        )
        return calls
    text = change.after.to_json()
    if change.before is None:
        calls.append(
            PolicyCall(
                f"create managed policy {change.name}",
                "CreatePolicy",
                functools.partial(
                    iam.create_policy,
                    PolicyName=change.name,
                    Path=change.path,
                    PolicyDocument=text,
                    Description=f"Permissions of role {role_name}, managed by xaccess",
                    Tags=policy_tags(role_name),
                ),
            )
        )
    else:
        calls.append(
            PolicyCall(
                f"create a new default version of managed policy {change.name}",
                "CreatePolicyVersion",
                functools.partial(
                    iam.create_policy_version, PolicyArn=arn, PolicyDocument=text, SetAsDefault=True
                ),
            )
        )
    calls.append(
        PolicyCall(
            f"attach managed policy {change.name}",
            "AttachRolePolicy",
            functools.partial(iam.attach_role_policy, RoleName=role_name, PolicyArn=arn),
        )
    )
    return calls


def observe_owned(session: IAMReader, spec: RoleSpec, observed: RoleState) -> RoleState:
    """``observed`` with the role's customer-managed policies, when there may be any.

    They are read when the spec has some or the role has one attached; a grant that never
    outgrew its inline policy costs no extra read.
    """
    prefix = spec.role_name + MANAGED_POLICY_INFIX
    if not spec.managed_policies and not any(
        arn.rsplit("/", 1)[-1].startswith(prefix) for arn in observed.managed_arns
    ):
        return observed
    owned, foreign = _policies_named_for(
        session, spec.role_name, set(observed.managed_arns), spec.path
    )
    taken = sorted(name for name, _document in spec.managed_policies if name in foreign)
    if taken:
        # Creating them would fail only after the steps before it (detaching the old policies
        # among them) had run; xaccess never takes over a policy it did not make.
        raise ProvisioningError(
            f"Role {spec.role_name} needs the customer-managed policies {', '.join(taken)} under "
            f"path {spec.path}, but policies of those names already exist without xaccess's "
            f"{MANAGED_TAG_KEY} and {ROLE_TAG_KEY} tags (made by a CloudFormation stack, "
            "Terraform or by hand?), so xaccess will not take them over; delete or rename them, "
            "or manage the role with the tool that made them. Nothing was changed.",
            code="EntityAlreadyExists",
            operation="ListPolicies",
            step="check the customer-managed policies",
        )
    return attrs.evolve(observed, owned=owned)
