"""The exception tree of xaccess.

Every error the library raises on purpose derives from :class:`XAccessError`.
Errors about input subclass the builtin they resemble, so ``except ValueError``
keeps working for callers who do not know about xaccess.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AWSError",
    "AssumeRoleDenied",
    "ConfusedDeputyRisk",
    "PackedPolicyTooLarge",
    "PolicySizeError",
    "ProvisioningError",
    "RegionDisabled",
    "RoleNotManaged",
    "SessionDurationTooLong",
    "ValidationError",
    "XAccessError",
]


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


class AWSError(XAccessError):
    """An AWS call failed.

    ``code`` is AWS's error code (for example ``"AccessDenied"``), ``operation``
    the API operation (for example ``"AssumeRole"``). The botocore error is kept
    as ``__cause__``. Messages never contain credentials.

    .. versionadded:: 0.1.0
    """

    def __init__(self, message: str, *, code: str, operation: str) -> None:
        self.code = code
        self.operation = operation
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[XAccessError], args: tuple[Any, ...], state: dict[str, Any]) -> XAccessError:
    err = cls.__new__(cls)
    err.args = args
    err.__dict__.update(state)
    return err


class ProvisioningError(AWSError):
    """Creating, converging or removing a role failed part way.

    ``step`` names the failing step, ``rolled_back`` lists what was undone and
    ``left_behind`` anything that could not be undone.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        operation: str,
        step: str,
        rolled_back: tuple[str, ...] = (),
        left_behind: tuple[str, ...] = (),
    ) -> None:
        self.step = step
        self.rolled_back = rolled_back
        self.left_behind = left_behind
        super().__init__(message, code=code, operation=operation)


class RoleNotManaged(ProvisioningError):
    """The role exists but does not carry the xaccess ownership tag.

    :func:`~xaccess.aws.provisioning.apply` refuses such a role unless ``adopt=True``, and
    :func:`~xaccess.aws.provisioning.revoke` unless ``force=True``, so that xaccess never
    rewrites or deletes a role someone else manages. ``code`` is ``"RoleNotManaged"``; no
    write call was made.

    .. versionadded:: 0.1.0
    """


class AssumeRoleDenied(AWSError):
    """STS refused ``sts:AssumeRole``.

    AWS gives the same ``AccessDenied`` for every cause, so ``likely_causes``
    lists them, most likely first.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        message: str,
        *,
        role_arn: str,
        caller_arn: str | None,
        likely_causes: tuple[str, ...],
        code: str = "AccessDenied",
        operation: str = "AssumeRole",
    ) -> None:
        self.role_arn = role_arn
        self.caller_arn = caller_arn
        self.likely_causes = likely_causes
        super().__init__(message, code=code, operation=operation)


class SessionDurationTooLong(AWSError):
    """The requested session duration exceeds what the role (or role chaining) allows.

    .. versionadded:: 0.1.0
    """


class PackedPolicyTooLarge(AWSError):
    """The session policy and session tags together exceed STS's packed size.

    .. versionadded:: 0.1.0
    """


class RegionDisabled(AWSError):
    """STS is not activated in the requested region for the role's account.

    .. versionadded:: 0.1.0
    """


class ConfusedDeputyRisk(XAccessError):
    """A role can be assumed without the external ID, or with a wrong one.

    Raised by :meth:`xaccess.aws.assume.VerificationReport.raise_for_status` when onboarding
    verification shows the role is open to the confused deputy problem.

    .. versionadded:: 0.1.0
    """
