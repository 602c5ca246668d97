"""Fixtures of the command-line tests: grant files, and roles on moto to assume and verify."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import pytest

from tests.export.support import VENDOR_ROLE, rich_grant
from xaccess.grant import ThirdPartyGrant
from xaccess.identifiers import new_external_id
from xaccess.testing import session_for

if TYPE_CHECKING:
    from pathlib import Path

    from xaccess.testing import StrictSTS

CUSTOMER = "444455556666"
_CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


@pytest.fixture
def grant_file(tmp_path: Path) -> Path:
    """A grant file holding the export tests' rich grant (every setting used)."""
    path = tmp_path / "grant.json"
    path.write_text(rich_grant().to_json(indent=2), encoding="ascii")
    return path


@attrs.frozen
class Onboarded:
    """A customer's roles on the shared moto server, and the vendor's credentials in the env.

    Attributes:
        endpoint: The moto server's URL (``AWS_ENDPOINT_URL`` points at it).
        role_arn: A role that requires ``external_id``.
        external_id: Its external ID.
        careless_arn: A role that requires no external ID (open to the confused deputy).
        credentials: The vendor's own credentials as environment variables (set in this
            process too).
    """

    endpoint: str
    role_arn: str
    external_id: str
    careless_arn: str
    credentials: dict[str, str]


@pytest.fixture
def onboarded(
    moto_endpoint: str, strict_sts: StrictSTS, monkeypatch: pytest.MonkeyPatch
) -> Onboarded:
    """Two customer roles on moto with strict STS; this process acts as the vendor's role."""
    customer = session_for(f"arn:aws:iam::{CUSTOMER}:root", endpoint_url=moto_endpoint)
    iam = customer.client("iam")
    external_id = new_external_id()
    role = ThirdPartyGrant(
        role_name="AcmeAudit", trusted_principal=VENDOR_ROLE, external_id=external_id
    ).create(iam)
    careless = ThirdPartyGrant(
        role_name="Careless", trusted_principal=VENDOR_ROLE, allow_missing_external_id=True
    ).create(iam)
    vendor = session_for(VENDOR_ROLE, endpoint_url=moto_endpoint).get_credentials()
    assert vendor is not None
    frozen = vendor.get_frozen_credentials()
    credentials: dict[str, str] = {}
    for name, value in zip(_CREDENTIAL_VARIABLES, frozen[:3], strict=True):
        assert value is not None
        credentials[name] = value
    for name, value in {**credentials, "AWS_ENDPOINT_URL": moto_endpoint}.items():
        monkeypatch.setenv(name, value)
    strict_sts.clear()
    return Onboarded(
        endpoint=moto_endpoint,
        role_arn=role.role_arn,
        external_id=external_id,
        careless_arn=careless.role_arn,
        credentials=credentials,
    )
