"""The role ARN and the handoff to the third party."""

from __future__ import annotations

import json

import pytest

from tests.grant.grants import (
    CUSTOMER,
    EXT,
    EXT2,
    VENDOR,
    _grant,
)
from xaccess import ValidationError
from xaccess.grant import Handoff

# -- role ARN and handoff -------------------------------------------------------------------


def test_role_arn_includes_the_path() -> None:
    """The role ARN is built from partition, account, path and name."""
    grant = _grant(path="/vendors/acme/")

    assert "arn:aws:iam::444455556666:role/vendors/acme/AcmeAudit" == grant.role_arn(CUSTOMER)


def test_role_arn_in_another_partition_is_refused() -> None:
    """The partition must be the grant's."""
    with pytest.raises(ValidationError, match="not 'aws-cn'") as exc_info:
        _grant().role_arn(CUSTOMER, partition="aws-cn")

    assert "partition" == exc_info.value.field


def test_role_arn_accepts_the_grants_own_partition() -> None:
    """Passing the grant's partition explicitly is fine."""
    assert _grant().role_arn(CUSTOMER) == _grant().role_arn(CUSTOMER, partition="aws")


@pytest.mark.parametrize(("account", "match"), [(VENDOR, "trusts"), ("1234", "12 digits")])
def test_role_arn_refuses_a_trusted_or_malformed_account(account: str, match: str) -> None:
    """The role lives in the customer's account: never a trusted one, always 12 digits."""
    with pytest.raises(ValidationError, match=match) as exc_info:
        _grant().role_arn(account)

    assert "account_id" == exc_info.value.field


def test_handoff_carries_what_the_vendor_needs() -> None:
    """The handoff has the role ARN, the current ID, all IDs and the session rules."""
    grant = (
        _grant(external_id=[EXT, EXT2], max_session_duration=7200)
        .restrict_session_name("acme-*")
        .require_source_identity("svc-*")
        .allow_session_tags(["team"])
        .require_org_id("o-a1b2c3d4e5")
    )

    handoff = grant.handoff(CUSTOMER)

    assert {
        "role_arn": "arn:aws:iam::444455556666:role/AcmeAudit",
        "external_id": EXT2,
        "external_ids": [EXT, EXT2],
        "trusted_principals": [f"arn:aws:iam::{VENDOR}:root"],
        "max_session_duration": 7200,
        "session_name_patterns": ["acme-*"],
        "source_identity_required": True,
        "source_identity_patterns": ["svc-*"],
        "source_identity_allowed": True,
        "session_tags_allowed": True,
        "session_tag_keys": ["team"],
        "required_org_ids": ["o-a1b2c3d4e5"],
    } == handoff.to_dict()
    assert handoff.to_dict() == json.loads(handoff.to_json(indent=2))


def test_handoff_of_a_minimal_grant() -> None:
    """Without options the handoff says any session name and no tags or source identity."""
    handoff = _grant().handoff(CUSTOMER)

    assert (
        Handoff(
            role_arn="arn:aws:iam::444455556666:role/AcmeAudit",
            external_id=EXT,
            external_ids=(EXT,),
            trusted_principals=(f"arn:aws:iam::{VENDOR}:root",),
            max_session_duration=3600,
        )
        == handoff
    )


def test_handoff_refuses_an_incomplete_grant() -> None:
    """No handoff for a grant whose trust policy cannot be built."""
    with pytest.raises(ValidationError, match="external ID"):
        _grant(external_id=None).handoff(CUSTOMER)


def test_handoff_repr_hides_external_ids() -> None:
    """The handoff's repr counts the external IDs instead of showing them."""
    text = repr(_grant(external_id=[EXT, EXT2]).handoff(CUSTOMER))

    assert (False, True) == (EXT in text, "<2 external IDs>" in text)
