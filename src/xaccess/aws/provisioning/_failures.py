"""What the provisioning functions share: argument checks and the errors they raise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, NoReturn

from xaccess._validate import type_name
from xaccess.aws._retry import RetryPolicy
from xaccess.errors import ProvisioningError, RoleNotManaged, ValidationError
from xaccess.rolespec import MANAGED_TAG_KEY, MANAGED_TAG_VALUE, RoleSpec

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from xaccess.errors import AWSError

ALREADY_EXISTS: Final = "EntityAlreadyExists"
DELETE_CONFLICT: Final = "DeleteConflict"
#: How often apply/create/revoke try again when others create, delete or attach at the same time.
ROUNDS: Final = 4


def require_spec(spec: object) -> RoleSpec:
    """``spec`` if it is a RoleSpec, else a ValidationError."""
    if not isinstance(spec, RoleSpec):
        raise ValidationError("spec", f"must be a RoleSpec, got {type_name(spec)}")
    return spec


def require_retry(value: object) -> RetryPolicy:
    """``value`` if it is a RetryPolicy, the default policy for ``None``."""
    if value is None:
        return RetryPolicy()
    if not isinstance(value, RetryPolicy):
        raise ValidationError("retry", f"must be a RetryPolicy or None, got {type_name(value)}")
    return value


def listing(items: Iterable[str]) -> str:
    """``a, b, c``, or ``nothing``."""
    found = list(items)
    return ", ".join(found) if found else "nothing"


def failure(
    err: AWSError,
    message: str,
    *,
    step: str,
    rolled_back: Sequence[str] = (),
    left_behind: Sequence[str] = (),
) -> ProvisioningError:
    """A ProvisioningError for ``err``; raise it ``from err.__cause__`` to keep botocore's."""
    return ProvisioningError(
        message,
        code=err.code,
        operation=err.operation,
        step=step,
        rolled_back=tuple(rolled_back),
        left_behind=tuple(left_behind),
    )


def raise_read_failure(err: AWSError, role_name: str, doing: str) -> NoReturn:
    """Raise the ProvisioningError for a failed read before anything was changed."""
    step = f"read role {role_name}"
    raise failure(
        err,
        f"{doing} role {role_name} failed at step '{step}': {err}. Nothing was changed.",
        step=step,
    ) from err.__cause__


def not_managed(role_name: str, *, operation: str, hint: str) -> RoleNotManaged:
    """The error for a role without the ownership tag."""
    return RoleNotManaged(
        f"Role {role_name} exists but has no {MANAGED_TAG_KEY}={MANAGED_TAG_VALUE} tag, so "
        f"xaccess does not manage it; {hint}. Nothing was changed.",
        code="RoleNotManaged",
        operation=operation,
        step="check ownership",
    )
