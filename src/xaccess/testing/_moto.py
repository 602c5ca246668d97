"""What the strict STS needs from moto itself: the import check and IAM's backends.

moto is imported inside each function, so importing :mod:`xaccess.testing` (as pytest does for
the plugin) loads neither moto nor boto3.
"""

from __future__ import annotations

from typing import Any, TypeAlias

Untyped: TypeAlias = Any
"""moto's handlers and models, and botocore's requests: dynamically typed at this boundary."""

RoleKey: TypeAlias = tuple[str, str, str]
"""A moto role as (account, partition, unique ID)."""


def require_moto() -> None:
    """Fail with an installation hint when moto is missing."""
    try:
        import moto  # noqa: F401, PLC0415
    except ModuleNotFoundError as error:  # pragma: no cover - depends on the environment
        raise ModuleNotFoundError(
            "xaccess.testing needs moto; install it with: pip install 'xaccess[tests]'",
            name="moto",
        ) from error


def iam_backend(account: str, partition: str) -> Untyped | None:
    """Return moto's IAM backend of an account, or ``None`` when moto has never seen it."""
    from moto.iam.models import iam_backends  # noqa: PLC0415

    if account not in iam_backends:
        return None
    try:
        return iam_backends[account][partition]
    except KeyError:  # an unknown partition
        return None
