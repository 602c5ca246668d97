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

A spec's customer-managed policies (a large grant's, :attr:`RoleSpec.managed_policies
<xaccess.rolespec.RoleSpec.managed_policies>`) are created under the role's path, tagged as
xaccess's for that role, attached, versioned by :func:`apply` and deleted by :func:`revoke`
(:mod:`~xaccess.aws.provisioning.owned`).

Transient failures (throttling, service failures, concurrent modification, HTTP 5xx, connection
errors) are retried with bounded, jittered exponential backoff (:class:`RetryPolicy`), on top of
whatever retries the botocore client is configured with. Every botocore error is wrapped in an
:class:`~xaccess.errors.AWSError` (``ProvisioningError`` for the writing functions) with the AWS
error ``code`` and ``operation``; the botocore error is kept as ``__cause__``.

Several processes may create or converge the same role at once: whoever loses the race to
``CreateRole`` converges the role the winner made instead of failing.

The pure part (the changes and :class:`Plan`) lives in :mod:`xaccess.plan`; this package holds
the IAM side, one module each: :mod:`~xaccess.aws.provisioning.reads` (reading a role, paginated),
:mod:`~xaccess.aws.provisioning.creation` (create with rollback),
:mod:`~xaccess.aws.provisioning.convergence` (plan and apply) and
:mod:`~xaccess.aws.provisioning.revocation` (revoke). Every name is importable from here.

The IAM side imports botocore, so its names are loaded on first use: the change types and
:class:`Plan` (pure, from :mod:`xaccess.plan`) come without botocore. ``import xaccess`` never
imports it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from xaccess.errors import RoleNotManaged
from xaccess.plan import (
    Change,
    InlinePolicyChange,
    ManagedPolicyChange,
    OwnedPolicyChange,
    PathChange,
    PermissionsBoundaryChange,
    Plan,
    RoleCreation,
    SettingChange,
    TagChange,
    TrustPolicyChange,
)

if TYPE_CHECKING:
    from xaccess.aws._retry import TRANSIENT_ERROR_CODES, RetryPolicy
    from xaccess.aws.provisioning.convergence import apply, plan
    from xaccess.aws.provisioning.creation import ProvisionedRole, create
    from xaccess.aws.provisioning.revocation import RevokeResult, revoke

__all__ = [
    "TRANSIENT_ERROR_CODES",
    "Change",
    "InlinePolicyChange",
    "ManagedPolicyChange",
    "OwnedPolicyChange",
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

#: Where each name that needs botocore lives; loaded by :func:`__getattr__` on first use.
_HOME = {
    "TRANSIENT_ERROR_CODES": "xaccess.aws._retry",
    "RetryPolicy": "xaccess.aws._retry",
    "apply": "xaccess.aws.provisioning.convergence",
    "plan": "xaccess.aws.provisioning.convergence",
    "ProvisionedRole": "xaccess.aws.provisioning.creation",
    "create": "xaccess.aws.provisioning.creation",
    "RevokeResult": "xaccess.aws.provisioning.revocation",
    "revoke": "xaccess.aws.provisioning.revocation",
}


def __getattr__(name: str) -> object:
    module = _HOME.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
