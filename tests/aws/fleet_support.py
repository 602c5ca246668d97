"""What the Fleet tests share: customer roles in moto's IAM, targets, an AssumeRole counter."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from xaccess.aws.fleet import Target
from xaccess.testing import session_for

if TYPE_CHECKING:
    import boto3

VENDOR = "111122223333"
VENDOR_ROLE = f"arn:aws:iam::{VENDOR}:role/VendorWorker"
REGION = "eu-west-1"
SESSION_NAME = "vendor-fleet"


def customer_account(index: int) -> str:
    """The account ID of customer ``index`` (distinct, 12 digits)."""
    return f"{500000000000 + index}"


def external_id(index: int) -> str:
    """Customer ``index``'s own external ID."""
    return f"fleet-ext-{index:04d}-0123456789abcdef"


def trust_policy(external: str | None) -> str:
    """A trust policy naming the vendor's account, requiring ``external`` when given."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"},
        "Action": "sts:AssumeRole",
    }
    if external is not None:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def create_customer_role(
    index: int, *, endpoint_url: str | None = None, requires_external_id: bool = True
) -> Target:
    """Create customer ``index``'s role in its own account; return the matching target."""
    account = customer_account(index)
    root = session_for(
        f"arn:aws:iam::{account}:root", region_name=REGION, endpoint_url=endpoint_url
    )
    external = external_id(index)
    root.client("iam").create_role(
        RoleName="VendorAccess",
        AssumeRolePolicyDocument=trust_policy(external if requires_external_id else None),
    )
    return Target(f"arn:aws:iam::{account}:role/VendorAccess", external, name=f"customer-{index}")


def vendor_session(endpoint_url: str | None = None) -> boto3.Session:
    """The vendor's base session: its role VendorWorker, allowed to assume any role."""
    return session_for(VENDOR_ROLE, region_name=REGION, endpoint_url=endpoint_url)


def caller_arn(session: boto3.Session, target: Target) -> str:
    """A target's own call: who the session is (GetCallerIdentity)."""
    del target
    arn: str = session.client("sts").get_caller_identity()["Arn"]
    return arn


class AssumeRoleCounter:
    """Counts the AssumeRole requests made through sessions derived from ``session``."""

    def __init__(self, session: boto3.Session) -> None:
        self._lock = threading.Lock()
        self.roles: list[str] = []
        session.events.register("before-call.sts.AssumeRole", self._before)

    def _before(self, params: dict[str, Any], **_: Any) -> None:
        with self._lock:
            self.roles.append(str(params["body"]["RoleArn"]))

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.roles)
