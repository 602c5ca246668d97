"""Requests AWS decides before any policy: AWS-owned resources and actions that need no permission.

- AWS managed policies (``arn:PARTITION:iam::aws:policy/...``) belong to AWS: no policy
  lets anyone create a version of one, delete it, change its default version or tag it
  (IAM User Guide, "AWS managed policies": "You cannot change the permissions defined in
  AWS managed policies").
- Service-linked roles (path ``/aws-service-role/``) are changed only by their service
  (IAM User Guide, "Using service-linked roles": their trust and permission policies
  cannot be edited, and they are deleted through the service or
  ``DeleteServiceLinkedRole``), and roles under ``/aws-reserved/`` belong to IAM
  Identity Center (IAM Identity Center User Guide: the roles it creates in member
  accounts cannot be edited or deleted in IAM).
- Aliases that begin with ``alias/aws/`` are reserved for AWS managed KMS keys
  (AWS KMS Developer Guide, "Aliases in AWS KMS": you cannot create, update or delete
  them).
- ``sts:GetCallerIdentity`` needs no permission and works even when an explicit deny
  names it (AWS STS API Reference, "GetCallerIdentity").
"""

from __future__ import annotations

from typing import Final

__all__ = ["aws_owned_reason", "needs_no_permission"]

_MANAGED_POLICY_ACTIONS: Final = frozenset(
    {
        "iam:createpolicyversion",
        "iam:deletepolicy",
        "iam:deletepolicyversion",
        "iam:setdefaultpolicyversion",
        "iam:tagpolicy",
        "iam:untagpolicy",
    }
)
_RESERVED_ROLE_ACTIONS: Final = frozenset(
    {
        "iam:deleterole",
        "iam:attachrolepolicy",
        "iam:detachrolepolicy",
        "iam:putrolepolicy",
        "iam:deleterolepolicy",
        "iam:updateassumerolepolicy",
        "iam:putrolepermissionsboundary",
        "iam:deleterolepermissionsboundary",
        "iam:updaterole",
    }
)
_RESERVED_ROLE_PATHS: Final = {
    "role/aws-service-role/": "a service-linked role",
    "role/aws-reserved/": "a role reserved for IAM Identity Center",
}
_KMS_ALIAS_ACTIONS: Final = frozenset({"kms:createalias", "kms:deletealias", "kms:updatealias"})
_FREE_ACTIONS: Final = frozenset({"sts:getcalleridentity"})


def aws_owned_reason(action: str, resource: str) -> str | None:
    """Why AWS refuses ``action`` on ``resource`` whatever the policies say, else ``None``.

    Args:
        action: The action, lower-cased.
        resource: The resource ARN or ``"*"``.
    """
    if resource == "*" or not action.startswith(("iam:", "kms:")):
        return None
    parts = resource.split(":", 5)
    service, account, rest = parts[2], parts[4], parts[5]
    if service == "iam":
        if account == "aws" and rest.startswith("policy/") and action in _MANAGED_POLICY_ACTIONS:
            return "an AWS managed policy cannot be changed by any policy"
        if action in _RESERVED_ROLE_ACTIONS:
            for path, what in _RESERVED_ROLE_PATHS.items():
                if rest.startswith(path):
                    return f"{what} is owned by AWS and cannot be changed by any policy"
    if service == "kms" and rest.startswith("alias/aws/") and action in _KMS_ALIAS_ACTIONS:
        return "an alias under alias/aws/ is reserved for AWS managed keys"
    return None


def needs_no_permission(action: str) -> bool:
    """Whether AWS allows ``action`` (lower-cased) to every authenticated caller."""
    return action in _FREE_ACTIONS
