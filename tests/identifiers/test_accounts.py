"""Tests for xaccess.identifiers.accounts: partitions, account IDs and account root ARNs."""

from __future__ import annotations

import pytest

from tests.identifiers.strategies import (
    ALL_PARTITIONS,
)
from tests.identifiers.support import (
    ACCOUNT,
    ARABIC_INDIC_12,
    FULLWIDTH_12,
    WRONG_TYPES,
    raises,
)
from xaccess.errors import ValidationError
from xaccess.identifiers import (
    account_root_arn,
    validate_account_id,
    validate_partition,
)

# --- partitions and account IDs --------------------------------------------------------------


@pytest.mark.parametrize("partition", ALL_PARTITIONS)
def test_validate_partition_accepts_every_partition(partition: str) -> None:
    """Every AWS partition is accepted unchanged."""
    assert partition == validate_partition(partition)


@pytest.mark.parametrize("value", ["", "AWS", "aws-xx", "aws ", "aws\n", "amazon", "aws-iso-g"])
def test_validate_partition_rejects_unknown_names(value: str) -> None:
    """Unknown partition names are refused with the list of known ones."""
    error = raises(validate_partition, value)
    assert "partition" == error.field
    assert error.rule.startswith("must be one of aws, aws-cn, aws-eusc, aws-iso, aws-iso-b,")


@pytest.mark.parametrize(("value", "type_name"), WRONG_TYPES)
def test_validate_partition_rejects_wrong_types(value: object, type_name: str) -> None:
    """A partition must be a str."""
    assert f"must be a str, got {type_name}" == raises(validate_partition, value).rule


@pytest.mark.parametrize("value", ["123456789012", "000000000000", "012345678901", "999999999999"])
def test_validate_account_id_accepts_12_digits(value: str) -> None:
    """Twelve ASCII digits are accepted unchanged, leading zeros kept."""
    assert value == validate_account_id(value)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "must be exactly 12 digits, got 0 characters"),
        ("12345678901", "must be exactly 12 digits, got 11 characters"),
        ("1234567890123", "must be exactly 12 digits, got 13 characters"),
        ("123456789012\n", "must be exactly 12 digits, got 13 characters"),
        ("12345678901\n", "must be exactly 12 ASCII digits 0-9, got '12345678901\\n'"),
        (" 12345678901", "must be exactly 12 ASCII digits 0-9, got ' 12345678901'"),
        ("12345678901a", "must be exactly 12 ASCII digits 0-9, got '12345678901a'"),
        ("-12345678901", "must be exactly 12 ASCII digits 0-9, got '-12345678901'"),
        (ARABIC_INDIC_12, f"must be exactly 12 ASCII digits 0-9, got '{ARABIC_INDIC_12}'"),
        (FULLWIDTH_12, f"must be exactly 12 ASCII digits 0-9, got '{FULLWIDTH_12}'"),
        ("12345678901\u0661", "must be exactly 12 ASCII digits 0-9, got '12345678901\u0661'"),
    ],
)
def test_validate_account_id_rejects_bad_text(value: str, rule: str) -> None:
    """Wrong lengths and non-ASCII or non-digit characters are refused."""
    error = raises(validate_account_id, value)
    assert ("account_id", rule) == (error.field, error.rule)


@pytest.mark.parametrize(("value", "type_name"), WRONG_TYPES)
def test_validate_account_id_never_converts_other_types(value: object, type_name: str) -> None:
    """An int, None, bytes, bool or float account ID is refused, never converted."""
    assert f"must be a str, got {type_name}" == raises(validate_account_id, value).rule


def test_account_root_arn() -> None:
    """account_root_arn gives arn:PARTITION:iam::ACCOUNT:root."""
    assert "arn:aws:iam::123456789012:root" == account_root_arn(ACCOUNT)
    assert "arn:aws-iso-b:iam::000000000001:root" == account_root_arn(
        "000000000001", partition="aws-iso-b"
    )


@pytest.mark.parametrize(
    ("account", "partition", "field"),
    [
        (123456789012, "aws", "account_id"),
        ("12345", "aws", "account_id"),
        (ACCOUNT, "x", "partition"),
    ],
)
def test_account_root_arn_rejects_bad_input(account: object, partition: object, field: str) -> None:
    """A bad account ID or partition is refused under its argument's name."""
    with pytest.raises(ValidationError) as excinfo:
        account_root_arn(account, partition=partition)
    assert field == excinfo.value.field
