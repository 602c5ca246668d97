"""Helpers of the export tests: a grant's expected role, and CloudFormation substitution."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xaccess.grant import ThirdPartyGrant

if TYPE_CHECKING:
    from xaccess.rolespec import RoleSpec

__all__ = ["VENDOR_ROLE", "expected_spec", "rich_grant", "substitute_ref"]

VENDOR_ROLE = "arn:aws:iam::111122223333:role/vendor/Scanner"


def rich_grant() -> ThirdPartyGrant:
    """A grant that uses every setting an export carries."""
    return (
        ThirdPartyGrant(
            role_name="AcmeAuditAccess",
            trusted_principal=VENDOR_ROLE,
            external_id=["old-id-0001", "current-id-0002"],
            path="/vendors/acme/",
            description="Read access for Acme's auditor; ${not} a %{template}",
            max_session_duration=7200,
            tags={"team": "security", "cost-center": "42"},
            permissions_boundary="arn:aws:iam::444455556666:policy/Boundary",
        )
        .allow(
            ["s3:GetObject", "s3:ListBucket"],
            ["arn:aws:s3:::acme-logs", "arn:aws:s3:::acme-logs/home/${aws:username}/*"],
        )
        .deny("s3:DeleteObject", "*")
        .attach("arn:aws:iam::aws:policy/SecurityAudit")
        .attach("arn:aws:iam::aws:policy/ReadOnlyAccess")
    )


def expected_spec(grant: ThirdPartyGrant, external_id: str) -> RoleSpec:
    """What ``grant.create()`` creates when ``external_id`` is its only external ID."""
    return ThirdPartyGrant.from_dict({**grant.to_dict(), "external_ids": [external_id]}).role_spec()


def substitute_ref(value: Any, name: str, replacement: str) -> Any:
    """``value`` with every ``{"Ref": name}`` made ``replacement``, as CloudFormation does."""
    if value == {"Ref": name}:
        return replacement
    if isinstance(value, dict):
        return {key: substitute_ref(item, name, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute_ref(item, name, replacement) for item in value]
    return value
