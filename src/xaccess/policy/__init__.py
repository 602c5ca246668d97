"""Policy documents and their evaluation.

:mod:`~xaccess.policy.model` holds the immutable values (documents, statements, principals,
conditions), :mod:`~xaccess.policy.wire` reads and writes IAM's JSON form,
:mod:`~xaccess.policy.size` counts sizes as IAM does, and :mod:`~xaccess.policy.evaluation`
decides requests. Every public name is importable from here.
"""

from xaccess.policy._grammar import CONDITION_OPERATORS
from xaccess.policy.evaluation import (
    ContextValue,
    Decision,
    Outcome,
    Request,
    StatementRef,
    evaluate,
)
from xaccess.policy.model import (
    POLICY_VERSIONS,
    Condition,
    ConditionValue,
    PolicyDocument,
    Principal,
    Statement,
)
from xaccess.policy.size import (
    INLINE_POLICIES_SIZE_QUOTA,
    MANAGED_POLICY_SIZE_QUOTA,
    TRUST_POLICY_SIZE_QUOTA,
    iam_size,
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
