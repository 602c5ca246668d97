"""xaccess: IAM roles for third-party access with an external ID, correct by construction.

Importing :mod:`xaccess` is cheap: the policy model, identifiers and evaluation
are pure Python and never import boto3. The AWS layer is loaded only when one of
its names is first used.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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
    PolicyDocument,
    Principal,
    Statement,
)

try:
    __version__ = version("xaccess")
except PackageNotFoundError:  # pragma: no cover - only when run from an uninstalled tree
    __version__ = "0.0.0"

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
    "PackedPolicyTooLarge",
    "PolicyDocument",
    "PolicySizeError",
    "Principal",
    "ProvisioningError",
    "RegionDisabled",
    "RoleArn",
    "SessionDurationTooLong",
    "Statement",
    "Tag",
    "ValidationError",
    "XAccessError",
    "__version__",
    "account_root_arn",
    "new_external_id",
]
