"""Policy size as IAM counts it, and the size quotas a role's policies must fit.

IAM counts the characters of a policy's text without whitespace. The quotas themselves are
written once in :mod:`xaccess.limits` and re-exported here for the policy layer.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from typing import Final

from xaccess.errors import PolicySizeError
from xaccess.limits import (
    INLINE_POLICIES_SIZE_QUOTA,
    MANAGED_POLICY_SIZE_QUOTA,
    TRUST_POLICY_SIZE_QUOTA,
)

__all__ = [
    "INLINE_POLICIES_SIZE_QUOTA",
    "MANAGED_POLICY_SIZE_QUOTA",
    "TRUST_POLICY_SIZE_QUOTA",
    "check_size",
    "iam_size",
]

_WHITESPACE: Final = re.compile(r"\s", flags=re.ASCII)


def iam_size(text: str) -> int:
    """Count the characters of policy text as IAM does: whitespace is not counted.

    .. versionadded:: 0.1.0
    """
    return len(text) - len(_WHITESPACE.findall(text))


def check_size(text: str, limit: int, *, quota: str, field: str = "policy") -> None:
    """Raise :class:`~xaccess.PolicySizeError` if ``text`` is larger than ``limit`` as IAM counts.

    Args:
        text: The policy JSON text.
        limit: The quota in characters without whitespace.
        quota: The name of the quota, for the error.
        field: The field named in the error.

    .. versionadded:: 0.1.0
    """
    size = iam_size(text)
    if size > limit:
        raise PolicySizeError(field, size, limit, quota)
