"""xaccess: IAM roles for third-party access with an external ID, correct by construction.

Importing :mod:`xaccess` is cheap: the policy model, identifiers and evaluation
are pure Python and never import boto3. The AWS layer is loaded only when one of
its names is first used.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from xaccess.errors import (
    AssumeRoleDenied,
    AWSError,
    ConfusedDeputyRisk,
    PackedPolicyTooLarge,
    PolicySizeError,
    ProvisioningError,
    RegionDisabled,
    RoleNotManaged,
    SessionDurationTooLong,
    ValidationError,
    XAccessError,
)
from xaccess.grant import Handoff, NamedPolicy, ThirdPartyGrant
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

# A library leaves logging output to the application (all loggers are "xaccess.*").
logging.getLogger("xaccess").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from xaccess.aws.assume import (
        AssumeRoleClient,
        RoleChainingWarning,
        TemporaryCredentials,
        VerificationCheck,
        VerificationReport,
    )
    from xaccess.aws.provisioning import (
        Plan,
        ProvisionedRole,
        RetryPolicy,
        RevokeResult,
        revoke,
    )
    from xaccess.rolespec import RoleSpec

# Names served on first use, so that ``import xaccess`` stays cheap: the AWS layer
# (which imports boto3), the provisioning spec (needed only next to it) and the package
# version (importlib.metadata is slow to load).
_LAZY: dict[str, str] = {
    "AssumeRoleClient": "xaccess.aws.assume",
    "Plan": "xaccess.aws.provisioning",
    "ProvisionedRole": "xaccess.aws.provisioning",
    "RetryPolicy": "xaccess.aws.provisioning",
    "RevokeResult": "xaccess.aws.provisioning",
    "RoleChainingWarning": "xaccess.aws.assume",
    "RoleSpec": "xaccess.rolespec",
    "TemporaryCredentials": "xaccess.aws.assume",
    "VerificationCheck": "xaccess.aws.assume",
    "VerificationReport": "xaccess.aws.assume",
    "revoke": "xaccess.aws.provisioning",
}


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
    "AssumeRoleClient",
    "AssumeRoleDenied",
    "AssumedRoleArn",
    "Condition",
    "ConfusedDeputyRisk",
    "Decision",
    "Handoff",
    "NamedPolicy",
    "Outcome",
    "PackedPolicyTooLarge",
    "Plan",
    "PolicyDocument",
    "PolicySizeError",
    "Principal",
    "ProvisionedRole",
    "ProvisioningError",
    "RegionDisabled",
    "Request",
    "RetryPolicy",
    "RevokeResult",
    "RoleArn",
    "RoleChainingWarning",
    "RoleNotManaged",
    "RoleSpec",
    "SessionDurationTooLong",
    "Statement",
    "Tag",
    "TemporaryCredentials",
    "ThirdPartyGrant",
    "ValidationError",
    "VerificationCheck",
    "VerificationReport",
    "XAccessError",
    "__version__",
    "account_root_arn",
    "evaluate",
    "new_external_id",
    "revoke",
]
