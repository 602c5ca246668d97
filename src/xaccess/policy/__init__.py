"""Policy documents and their evaluation."""

from xaccess.policy.document import (
    CONDITION_OPERATORS,
    INLINE_POLICIES_SIZE_QUOTA,
    MANAGED_POLICY_SIZE_QUOTA,
    POLICY_VERSIONS,
    TRUST_POLICY_SIZE_QUOTA,
    Condition,
    ConditionValue,
    PolicyDocument,
    Principal,
    Statement,
    iam_size,
)
from xaccess.policy.evaluation import (
    ContextValue,
    Decision,
    Outcome,
    Request,
    StatementRef,
    evaluate,
)

__all__ = [
    "CONDITION_OPERATORS",
    "INLINE_POLICIES_SIZE_QUOTA",
    "MANAGED_POLICY_SIZE_QUOTA",
    "POLICY_VERSIONS",
    "TRUST_POLICY_SIZE_QUOTA",
    "Condition",
    "ConditionValue",
    "ContextValue",
    "Decision",
    "Outcome",
    "PolicyDocument",
    "Principal",
    "Request",
    "Statement",
    "StatementRef",
    "evaluate",
    "iam_size",
]
