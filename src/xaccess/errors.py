"""The exception tree of xaccess.

Every error the library raises on purpose derives from :class:`XAccessError`.
Errors about input subclass the builtin they resemble, so ``except ValueError``
keeps working for callers who do not know about xaccess.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PolicySizeError", "ValidationError", "XAccessError"]


class XAccessError(Exception):
    """Root of every error raised by xaccess.

    .. versionadded:: 0.1.0
    """


class ValidationError(XAccessError, ValueError):
    """A value or document breaks a rule that AWS (or xaccess) enforces.

    Raised before any AWS call. ``field`` names the argument or the document
    path (for example ``Statement[2].Condition.StringEquals``) and ``rule``
    says what was broken.

    .. versionadded:: 0.1.0
    """

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}" if field else rule)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.rule))


class PolicySizeError(ValidationError):
    """A policy document, or a role's inline policies together, exceed an IAM size quota.

    ``size`` and ``limit`` are in characters as IAM counts them (whitespace not
    counted); ``quota`` names the quota (for example ``"trust policy"``).

    .. versionadded:: 0.1.0
    """

    def __init__(self, field: str, size: int, limit: int, quota: str) -> None:
        self.size = size
        self.limit = limit
        self.quota = quota
        over = size - limit
        super().__init__(
            field,
            f"{size} characters exceed the {quota} quota of {limit} by {over} "
            "(whitespace is not counted)",
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.size, self.limit, self.quota))
