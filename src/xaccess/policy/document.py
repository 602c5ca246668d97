"""Names that moved to :mod:`xaccess.policy.model`, ``wire`` and ``size``, under their old module.

Kept only until the modules that still import ``xaccess.policy.document`` (the grant, the
assume-role client and the evaluator) import from :mod:`xaccess.policy` instead; new code
imports from there.
"""

from xaccess.policy._grammar import CONDITION_OPERATORS
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
    "PolicyDocument",
    "Principal",
    "Statement",
    "iam_size",
]
