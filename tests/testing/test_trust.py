"""Trust policy principals as AWS stores them: by unique ID, not by ARN text."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from tests.testing.helpers import (
    EXTERNAL_ID,
    ROLE_NAME,
    VENDOR,
    VENDOR_ROLE,
    Aws,
    delete_role,
    error_of,
    trust_policy,
)

if TYPE_CHECKING:
    from xaccess.testing import StrictSTS


def test_a_role_created_again_is_not_the_role_the_trust_policy_names(
    aws: Aws, strict: StrictSTS
) -> None:
    """A trust policy names a role's unique ID: its successor is trusted only once it is saved."""
    vendor_iam = aws.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    aws.act_as(VENDOR_ROLE)
    aws.create_role(trust_policy(VENDOR_ROLE))
    aws.assume(aws.act_as(VENDOR_ROLE), ExternalId=EXTERNAL_ID)
    delete_role(vendor_iam, "VendorWorker")
    again = aws.act_as(VENDOR_ROLE)

    with pytest.raises(ClientError) as excinfo:
        aws.assume(again, ExternalId=EXTERNAL_ID)

    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    aws.iam().update_assume_role_policy(
        RoleName=ROLE_NAME, PolicyDocument=json.dumps(trust_policy(VENDOR_ROLE))
    )
    aws.assume(again, ExternalId=EXTERNAL_ID)


def test_a_trust_policy_naming_a_role_by_another_path_trusts_nobody(
    aws: Aws, strict: StrictSTS
) -> None:
    """A role ARN is matched with its path: naming /team/Scanner as /Scanner names no role."""
    scanner = aws.act_as(f"arn:aws:iam::{VENDOR}:role/team/Scanner")
    aws.create_role(trust_policy(f"arn:aws:iam::{VENDOR}:role/Scanner"))
    with pytest.raises(ClientError) as excinfo:
        aws.assume(scanner, ExternalId=EXTERNAL_ID)
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    aws.iam().update_assume_role_policy(
        RoleName=ROLE_NAME,
        PolicyDocument=json.dumps(trust_policy(f"arn:aws:iam::{VENDOR}:role/team/Scanner")),
    )
    aws.assume(scanner, ExternalId=EXTERNAL_ID)
