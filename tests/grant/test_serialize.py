"""Storing and reading a grant: to_dict/from_dict, JSON, repr and describe."""

from __future__ import annotations

import attrs
import pytest

from tests.grant.grants import (
    BOUNDARY,
    EXT,
    OBJECTS,
    OTHER_VENDOR,
    SCANNER,
    VENDOR,
    _full_grant,
    _grant,
)
from xaccess import ValidationError
from xaccess.grant import NamedPolicy, ThirdPartyGrant
from xaccess.policy import PolicyDocument, Statement

# -- serialisation and reading --------------------------------------------------------------


def test_to_dict_round_trips_exactly() -> None:
    """from_dict(to_dict()) gives an equal grant, for a grant using every setting."""
    grant = _full_grant()

    assert grant == ThirdPartyGrant.from_dict(grant.to_dict())


def test_to_json_round_trips_and_is_stable() -> None:
    """to_json output parses back to an equal grant that emits the same text."""
    text = _full_grant().to_json(indent=2)

    assert text == ThirdPartyGrant.from_json(text).to_json(indent=2)


def test_to_dict_lists_every_setting() -> None:
    """to_dict has every key, defaults included, for stable diffs."""
    data = _grant().to_dict()

    assert {
        "schema": "xaccess.grant/1",
        "role_name": "AcmeAudit",
        "path": "/",
        "description": None,
        "max_session_duration": 3600,
        "tags": {},
        "partition": None,
        "trusted_account": VENDOR,
        "trusted_principal": None,
        "trusted_principals": [],
        "pin": "condition",
        "external_ids": [EXT],
        "allow_missing_external_id": False,
        "org_ids": [],
        "session_name_patterns": [],
        "source_identity_patterns": None,
        "source_identity_allowed": False,
        "session_tags_allowed": False,
        "session_tag_keys": None,
        "statements": [],
        "managed_policy_arns": [],
        "permissions_boundary": None,
        "trust_policy_quota": 2048,
        "inline_policies_quota": 10240,
        "max_managed_policies": 10,
        "managed_policy_quota": 6144,
        "inline_policy_prefix": None,
    } == data


def test_from_dict_fills_defaults_for_missing_keys() -> None:
    """A hand-written dict needs only what differs from the defaults."""
    grant = ThirdPartyGrant.from_dict(
        {"role_name": "AcmeAudit", "trusted_account": VENDOR, "external_ids": [EXT], "tags": None}
    )

    assert _grant() == grant


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "grant"),
        ({"role_name": "R", "bogus": 1}, "bogus"),
        ({"role_name": "R", "schema": "xaccess.grant/2"}, "schema"),
        ({"trusted_account": VENDOR}, "role_name"),
        ({"role_name": "R", "statements": "x"}, "statements"),
        ({"role_name": "R", "statements": [{"Effect": "Allow"}]}, "statements[0].Action"),
        ({"role_name": "has space"}, "role_name"),
    ],
)
def test_from_dict_refuses_what_is_not_a_grant(data: object, field: str) -> None:
    """from_dict validates like the constructor and names the offending key."""
    with pytest.raises(ValidationError) as exc_info:
        ThirdPartyGrant.from_dict(data)

    assert field == exc_info.value.field


def test_from_json_refuses_malformed_json() -> None:
    """Text that is not JSON is a ValidationError, not a JSONDecodeError."""
    with pytest.raises(ValidationError, match="not JSON"):
        ThirdPartyGrant.from_json("{")


def test_grants_are_immutable_values() -> None:
    """Equal grants are equal and hash alike; attributes cannot be assigned."""
    grant = _full_grant()

    assert (_full_grant(), hash(_full_grant())) == (grant, hash(grant))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        grant.role_name = "Other"  # type: ignore[misc]


def test_methods_leave_the_original_grant_unchanged() -> None:
    """Every builder method returns a new grant."""
    grant = _grant()
    grant.allow("s3:GetObject", OBJECTS).attach(BOUNDARY).require_org_id("o-a1b2c3d4e5")

    assert _grant() == grant


def test_repr_is_readable_and_hides_external_ids() -> None:
    """repr names the role and principals and counts the external IDs."""
    text = repr(_full_grant())

    assert text.startswith("ThirdPartyGrant(role_name='AcmeAudit', path='/vendors/', trusted=[")
    assert "external_ids=<2 external IDs>" in text
    assert EXT not in text


def test_repr_shows_pin_arn() -> None:
    """A non-default pin appears in the repr."""
    assert "pin='arn'" in repr(_grant(pin="arn"))


def test_describe_summarises_without_external_ids() -> None:
    """describe() lists trust, options and permissions; external IDs are only counted."""
    text = _full_grant().describe()

    assert text.splitlines()[:3] == [
        "Role /vendors/AcmeAudit (aws)",
        f"  trusts arn:aws:iam::{VENDOR}:root (account)",
        f"  trusts arn:aws:iam::{OTHER_VENDOR}:role/Scanner (role, pinned by aws:PrincipalArn)",
    ]
    assert "  external IDs: 2 (StringEquals sts:ExternalId)" in text
    assert "  DENY s3:DeleteObject on arn:aws:s3:::acme-logs/*" in text
    assert EXT not in text


def test_describe_of_an_incomplete_grant_says_what_is_missing() -> None:
    """describe() shows that no one is trusted and that the external ID is missing."""
    text = ThirdPartyGrant(role_name="R").allow_source_identity().describe()

    assert [
        "Role /R (aws)",
        "  trusts no one yet",
        "  external ID: none (REQUIRED, not set)",
        "  source identity allowed",
        "  max session: 3600 s",
    ] == text.splitlines()


def test_describe_names_arn_pins_and_the_opt_out() -> None:
    """describe() says when a role is named in Principal and when no external ID is allowed."""
    grant = _grant(
        trusted_account=None,
        trusted_principal=SCANNER,
        pin="arn",
        external_id=None,
        allow_missing_external_id=True,
    ).allow_session_tags()

    assert [
        "Role /AcmeAudit (aws)",
        f"  trusts {SCANNER} (role, named in Principal)",
        "  external ID: none (allowed)",
        "  session tags allowed: any keys",
        "  max session: 3600 s",
    ] == grant.describe().splitlines()


def test_named_policy_validates_its_fields() -> None:
    """NamedPolicy checks the policy name and the document type."""
    document = PolicyDocument([Statement("Allow", actions=("s3:*",), resources=("*",))])
    with pytest.raises(ValidationError) as name_error:
        NamedPolicy("bad name", document)
    with pytest.raises(ValidationError) as document_error:
        NamedPolicy("ok", {"Statement": []})  # type: ignore[arg-type]

    assert ("name", "document") == (name_error.value.field, document_error.value.field)
