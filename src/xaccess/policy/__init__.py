"""Policy documents and their evaluation.

:mod:`~xaccess.policy.model` holds the immutable values (documents, statements, principals,
conditions), :mod:`~xaccess.policy.wire` reads and writes IAM's JSON form,
:mod:`~xaccess.policy.size` counts sizes as IAM does, and :mod:`~xaccess.policy.evaluation`
decides requests. Every public name is importable from here.

The evaluation names are loaded the first time one of them is used (PEP 562), so a program that
only builds and renders documents never loads the evaluator (nor :mod:`decimal` and
:mod:`ipaddress`, which its conditions use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from xaccess.policy.evaluation import (
        ContextValue,
        Decision,
        Outcome,
        Request,
        StatementRef,
        evaluate,
    )

_EVALUATION_NAMES = frozenset(
    ("ContextValue", "Decision", "Outcome", "Request", "StatementRef", "evaluate")
)


def __getattr__(name: str) -> Any:  # noqa: ANN401 - the type depends on the name
    if name not in _EVALUATION_NAMES:
        raise AttributeError(f"module 'xaccess.policy' has no attribute {name!r}")
    from xaccess.policy import evaluation  # noqa: PLC0415 - loaded on first use on purpose

    value = getattr(evaluation, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
