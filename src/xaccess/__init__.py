"""xaccess: IAM roles for third-party access with an external ID, correct by construction.

Importing :mod:`xaccess` is cheap: it loads the error classes and nothing else. Every other
public name is loaded the first time it is used, so a program that only renders policy
documents never loads the evaluator, the grant builder or boto3.
"""

from __future__ import annotations

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

if TYPE_CHECKING:
    from xaccess.audit import (
        AuditReport,
        Finding,
        Severity,
        audit_permissions,
        audit_trust_policy,
    )
    from xaccess.aws.assume import (
        AssumeRoleClient,
        RoleChainingWarning,
        TemporaryCredentials,
        VerificationCheck,
        VerificationReport,
    )
    from xaccess.aws.fleet import Fleet, FleetResult, Target
    from xaccess.aws.provisioning import (
        ProvisionedRole,
        RetryPolicy,
        RevokeResult,
        revoke,
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
    from xaccess.limits import (
        INLINE_POLICIES_SIZE_QUOTA,
        MANAGED_POLICY_SIZE_QUOTA,
        TRUST_POLICY_SIZE_QUOTA,
    )
    from xaccess.plan import Plan
    from xaccess.policy import (
        Condition,
        Decision,
        Outcome,
        PolicyDocument,
        Principal,
        Request,
        Statement,
        evaluate,
    )
    from xaccess.quotas import AccountQuotas
    from xaccess.rolespec import RoleSpec

# Every public name but the errors is served on first use (PEP 562), so that ``import xaccess``
# costs next to nothing: a page that only renders a trust policy loads the policy model and
# identifiers, not the evaluator, the grant builder or the AWS layer (which imports boto3).
# The package version is looked up on first use too (importlib.metadata is slow to load).
_LAZY: dict[str, str] = {
    "INLINE_POLICIES_SIZE_QUOTA": "xaccess.limits",
    "MANAGED_POLICY_SIZE_QUOTA": "xaccess.limits",
    "TRUST_POLICY_SIZE_QUOTA": "xaccess.limits",
    "PARTITIONS": "xaccess.identifiers",
    "Arn": "xaccess.identifiers",
    "AssumedRoleArn": "xaccess.identifiers",
    "RoleArn": "xaccess.identifiers",
    "Tag": "xaccess.identifiers",
    "account_root_arn": "xaccess.identifiers",
    "new_external_id": "xaccess.identifiers",
    "Condition": "xaccess.policy",
    "PolicyDocument": "xaccess.policy",
    "Principal": "xaccess.policy",
    "Statement": "xaccess.policy",
    "Decision": "xaccess.policy",
    "Outcome": "xaccess.policy",
    "Request": "xaccess.policy",
    "evaluate": "xaccess.policy",
    "Handoff": "xaccess.grant",
    "NamedPolicy": "xaccess.grant",
    "ThirdPartyGrant": "xaccess.grant",
    "AuditReport": "xaccess.audit",
    "Finding": "xaccess.audit",
    "Severity": "xaccess.audit",
    "audit_permissions": "xaccess.audit",
    "audit_trust_policy": "xaccess.audit",
    "AssumeRoleClient": "xaccess.aws.assume",
    "Fleet": "xaccess.aws.fleet",
    "FleetResult": "xaccess.aws.fleet",
    "Target": "xaccess.aws.fleet",
    "Plan": "xaccess.plan",
    "AccountQuotas": "xaccess.quotas",
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
    "AccountQuotas",
    "Arn",
    "AssumeRoleClient",
    "AssumeRoleDenied",
    "AssumedRoleArn",
    "AuditReport",
    "Condition",
    "ConfusedDeputyRisk",
    "Decision",
    "Finding",
    "Fleet",
    "FleetResult",
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
    "Severity",
    "Statement",
    "Tag",
    "Target",
    "TemporaryCredentials",
    "ThirdPartyGrant",
    "ValidationError",
    "VerificationCheck",
    "VerificationReport",
    "XAccessError",
    "__version__",
    "account_root_arn",
    "audit_permissions",
    "audit_trust_policy",
    "evaluate",
    "new_external_id",
    "revoke",
]
