"""The role an export describes: the grant's role spec with the external ID left open.

One hosted template serves every customer, so an export never holds an external ID: the
grant's own external IDs are replaced by one placeholder, which each export then swaps for its
parameter (CloudFormation) or variable (Terraform). The placeholder is chosen so that it occurs
nowhere else in the grant, which makes swapping it by text safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from xaccess._validate import type_name
from xaccess.errors import ValidationError
from xaccess.limits import MAX_EXTERNAL_ID, MIN_EXTERNAL_ID

if TYPE_CHECKING:
    from xaccess.grant import ThirdPartyGrant
    from xaccess.rolespec import RoleSpec

__all__ = ["EXTERNAL_ID_PATTERN", "OpenRole", "check_grant", "open_role"]

EXTERNAL_ID_PATTERN: Final = "[A-Za-z0-9_+=,.@:/-]+"
"""The characters STS allows in an external ID, as a pattern that must match the whole value."""

_PLACEHOLDER: Final = "XACCESSEXTERNALID"
_EXTERNAL_ID_KEY: Final = "sts:ExternalId"


@attrs.frozen
class OpenRole:
    """The role a grant creates, with a placeholder where the external ID goes.

    Attributes:
        spec: What :meth:`~xaccess.ThirdPartyGrant.create` would create, the trust policy
            requiring the placeholder as external ID.
        placeholder: The placeholder; it occurs nowhere else in the grant.
        max_external_id: The longest external ID that keeps the trust policy within the
            grant's ``trust_policy_quota`` (at most STS's 1224).
    """

    spec: RoleSpec
    placeholder: str
    max_external_id: int

    def trust_policy(self, value: object) -> dict[str, Any]:
        """The trust policy as a ``dict``, ``value`` standing where the external ID goes."""
        document = self.spec.trust_policy.to_dict()
        for statement in document["Statement"]:
            equals = statement["Condition"]["StringEquals"]
            equals[_EXTERNAL_ID_KEY] = value
        return document


def check_grant(grant: object) -> ThirdPartyGrant:
    """Return ``grant`` if it is a :class:`~xaccess.ThirdPartyGrant`.

    Raises:
        ValidationError: It is not.
    """
    from xaccess.grant import ThirdPartyGrant  # noqa: PLC0415 - grant.py delegates here

    if not isinstance(grant, ThirdPartyGrant):
        raise ValidationError("grant", f"must be a ThirdPartyGrant, got {type_name(grant)}")
    return grant


def open_role(grant: ThirdPartyGrant) -> OpenRole:
    """The role ``grant`` creates, its external IDs replaced by one placeholder.

    Raises:
        ValidationError: ``grant`` is not a :class:`~xaccess.ThirdPartyGrant`, trusts no one,
            or a document exceeds its quota.
    """
    grant = check_grant(grant)
    data = grant.to_dict()
    text = grant.to_json()
    placeholder = _PLACEHOLDER
    suffix = 0
    while placeholder in text:
        suffix += 1
        placeholder = f"{_PLACEHOLDER}{suffix}"
    data["external_ids"] = [placeholder]
    spec = type(grant).from_dict(data).role_spec()
    room = grant.trust_policy_quota - (spec.trust_policy.size() - len(placeholder))
    max_external_id = min(MAX_EXTERNAL_ID, room)
    if max_external_id < MIN_EXTERNAL_ID:
        raise ValidationError(
            "trust_policy_quota",
            f"the trust policy leaves room for an external ID of {max_external_id} characters; "
            f"STS needs at least {MIN_EXTERNAL_ID}",
        )
    return OpenRole(spec=spec, placeholder=placeholder, max_external_id=max_external_id)
