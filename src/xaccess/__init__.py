"""xaccess: IAM roles for third-party access with an external ID, correct by construction.

Importing :mod:`xaccess` is cheap: the policy model, identifiers and evaluation
are pure Python and never import boto3. The AWS layer is loaded only when one of
its names is first used.
"""

from __future__ import annotations

from typing import Any

from xaccess.errors import (
    AssumeRoleDenied,
    AWSError,
    ConfusedDeputyRisk,
    PackedPolicyTooLarge,
    PolicySizeError,
    ProvisioningError,
    RegionDisabled,
    SessionDurationTooLong,
    ValidationError,
    XAccessError,
)
from xaccess.identifiers import (
    PARTITIONS,
    Arn,
    AssumedRoleArn,
    RoleArn,
    Tag,
    account_root_arn,
    new_external_id,
)
from xaccess.policy import (
    INLINE_POLICIES_SIZE_QUOTA,
    MANAGED_POLICY_SIZE_QUOTA,
    TRUST_POLICY_SIZE_QUOTA,
    Condition,
    Decision,
    Outcome,
    PolicyDocument,
    Principal,
    Request,
    Statement,
    evaluate,
)

# Names served on first use, so that ``import xaccess`` stays cheap: the AWS layer
# (which imports boto3) and the package version (importlib.metadata is slow to load).
_LAZY: dict[str, str] = {}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - the type depends on the name
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415 - deferred on purpose

        value: Any = version("xaccess")
    elif name in _LAZY:
        import importlib  # noqa: PLC0415 - deferred on purpose

        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'xaccess' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "INLINE_POLICIES_SIZE_QUOTA",
    "MANAGED_POLICY_SIZE_QUOTA",
    "PARTITIONS",
    "TRUST_POLICY_SIZE_QUOTA",
    "AWSError",
    "Arn",
    "AssumeRoleDenied",
    "AssumedRoleArn",
    "Condition",
    "ConfusedDeputyRisk",
    "Decision",
    "Outcome",
    "PackedPolicyTooLarge",
    "PolicyDocument",
    "PolicySizeError",
    "Principal",
    "ProvisioningError",
    "RegionDisabled",
    "Request",
    "RoleArn",
    "SessionDurationTooLong",
    "Statement",
    "Tag",
    "ValidationError",
    "XAccessError",
    "__version__",
    "account_root_arn",
    "evaluate",
    "new_external_id",
]
