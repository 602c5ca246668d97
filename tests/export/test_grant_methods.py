"""The grant's export methods give exactly what the xaccess.export functions give."""

from __future__ import annotations

from xaccess import ThirdPartyGrant
from xaccess.export import quick_create_url, to_cloudformation, to_terraform

EXTERNAL_ID = "3f2b8c1e9d7a4b6f8e0c2a1d5b7e9f01"


def _grant() -> ThirdPartyGrant:
    return ThirdPartyGrant(
        role_name="AcmeAuditAccess",
        trusted_principal="arn:aws:iam::111122223333:role/Scanner",
        external_id=EXTERNAL_ID,
    ).allow(["s3:GetObject"], ["arn:aws:s3:::acme-logs/*"])


def test_to_cloudformation_method_delegates() -> None:
    """grant.to_cloudformation() is xaccess.export.to_cloudformation(grant)."""
    grant = _grant()

    assert to_cloudformation(grant, external_id_parameter="CustomerId") == (
        grant.to_cloudformation(external_id_parameter="CustomerId")
    )


def test_to_terraform_method_delegates() -> None:
    """grant.to_terraform() is xaccess.export.to_terraform(grant)."""
    grant = _grant()

    assert to_terraform(grant, external_id_variable="customer_id") == (
        grant.to_terraform(external_id_variable="customer_id")
    )


def test_quick_create_url_method_delegates() -> None:
    """grant.quick_create_url() is xaccess.export.quick_create_url(grant, ...)."""
    grant = _grant()
    arguments = {"region": "eu-west-1", "stack_name": "AcmeAudit", "external_id": EXTERNAL_ID}
    template = "https://acme-onboarding.s3.amazonaws.com/audit-role.yaml"

    assert quick_create_url(grant, template, **arguments) == grant.quick_create_url(
        template, **arguments
    )
