"""AWS partitions and account IDs, and the ARN that stands for a whole account."""

from __future__ import annotations

from typing import Final

from xaccess._validate import check_str, echo
from xaccess.errors import ValidationError
from xaccess.identifiers._checks import ACCOUNT_ID

__all__ = ["PARTITIONS", "account_root_arn", "validate_account_id", "validate_partition"]

PARTITIONS: Final[frozenset[str]] = frozenset(
    {
        "aws",
        "aws-cn",
        "aws-us-gov",
        "aws-iso",
        "aws-iso-b",
        "aws-iso-e",
        "aws-iso-f",
        "aws-eusc",
    }
)
"""The AWS partitions an ARN may name.

.. versionadded:: 0.1.0
"""


def validate_partition(value: object, *, field: str = "partition") -> str:
    """Check that ``value`` names an AWS partition (see :data:`PARTITIONS`).

    Args:
        value: The partition, for example ``"aws"`` or ``"aws-cn"``.
        field: The name used in the error.

    Returns:
        The partition.

    Raises:
        ValidationError: If ``value`` is not one of :data:`PARTITIONS`.

    .. versionadded:: 0.1.0
    """
    text = check_str(value, field)
    if text not in PARTITIONS:
        known = ", ".join(sorted(PARTITIONS))
        raise ValidationError(field, f"must be one of {known}; got {echo(text)}")
    return text


def validate_account_id(value: object, *, field: str = "account_id") -> str:
    """Check an AWS account ID: exactly 12 ASCII digits, leading zeros kept.

    An ``int`` is refused rather than converted, because converting loses leading zeros.

    Args:
        value: The account ID as a string.
        field: The name used in the error.

    Returns:
        The account ID.

    Raises:
        ValidationError: If ``value`` is not a string of exactly 12 ASCII digits.

    .. versionadded:: 0.1.0
    """
    text = check_str(value, field)
    if len(text) != 12:
        raise ValidationError(field, f"must be exactly 12 digits, got {len(text)} characters")
    if ACCOUNT_ID.fullmatch(text) is None:
        raise ValidationError(field, f"must be exactly 12 ASCII digits 0-9, got {echo(text)}")
    return text


def account_root_arn(account_id: object, *, partition: object = "aws") -> str:
    """Return the ARN that stands for a whole account: ``arn:PARTITION:iam::ACCOUNT:root``.

    Args:
        account_id: The 12-digit account ID.
        partition: The partition, ``aws`` by default.

    Returns:
        The account root ARN.

    Raises:
        ValidationError: If the account ID or the partition is invalid.

    .. versionadded:: 0.1.0
    """
    account = validate_account_id(account_id, field="account_id")
    part = validate_partition(partition, field="partition")
    return f"arn:{part}:iam::{account}:root"
