"""Constants and helpers shared by the grant tests."""

from __future__ import annotations

from typing import Any

from xaccess.grant import ThirdPartyGrant

VENDOR = "111122223333"
OTHER_VENDOR = "222233334444"
CUSTOMER = "444455556666"
SCANNER = f"arn:aws:iam::{VENDOR}:role/Scanner"
EXT = "4f1b6c0e9a2d4e7fb3c85d1e0a9f2b7c"
EXT2 = "c7b2f9a0e1d58c3bf7e4d2a9e0c6b1f4"
BUCKET = "arn:aws:s3:::acme-logs"
OBJECTS = "arn:aws:s3:::acme-logs/*"
BOUNDARY = "arn:aws:iam::444455556666:policy/Boundary"


def _grant(**kwargs: Any) -> ThirdPartyGrant:
    args: dict[str, Any] = {"role_name": "AcmeAudit", "trusted_account": VENDOR, "external_id": EXT}
    args.update(kwargs)
    return ThirdPartyGrant(**args)


def _trust_statements(grant: ThirdPartyGrant) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = grant.trust_policy().to_dict()["Statement"]
    return statements


def _permissions(grant: ThirdPartyGrant) -> list[dict[str, Any]]:
    (policy,) = grant.permission_policies()
    statements: list[dict[str, Any]] = policy.document.to_dict()["Statement"]
    return statements


def _full_grant() -> ThirdPartyGrant:
    return (
        ThirdPartyGrant(
            role_name="AcmeAudit",
            trusted_account=VENDOR,
            trusted_principal=f"arn:aws:iam::{OTHER_VENDOR}:role/Scanner",
            trusted_principals=["999988887777"],
            external_id=[EXT, EXT2],
            path="/vendors/",
            description="Acme audit access",
            max_session_duration=7200,
            tags={"team": "security", "vendor": "acme"},
            permissions_boundary=BOUNDARY,
            trust_policy_quota=4096,
            inline_policies_quota=10240,
            max_managed_policies=12,
            inline_policy_prefix="acme",
        )
        .require_org_id("o-a1b2c3d4e5")
        .restrict_session_name("acme-*")
        .require_source_identity("svc-*")
        .allow_session_tags(["team"])
        .allow(["s3:GetObject"], [OBJECTS], {"Bool": {"aws:SecureTransport": "true"}}, sid="Read")
        .deny("s3:DeleteObject", OBJECTS)
        .attach("arn:aws:iam::aws:policy/SecurityAudit")
    )
