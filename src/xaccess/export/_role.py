"""The role an export describes: the grant's role spec with the external ID left open.

One hosted template serves every customer, so an export never holds an external ID: the
grant's own external IDs are replaced by one placeholder, which each export then swaps for its
parameter (CloudFormation) or variable (Terraform). The placeholder is chosen so that it occurs
nowhere else in the trust policy, which makes swapping it by text safe.
"""

from __future__ import annotations

import json
import string
from typing import TYPE_CHECKING, Any, Final

import attrs

from xaccess._validate import type_name
from xaccess.errors import ValidationError
from xaccess.limits import MAX_EXTERNAL_ID

if TYPE_CHECKING:
    from xaccess.grant import ThirdPartyGrant
    from xaccess.rolespec import RoleSpec

__all__ = ["EXTERNAL_ID_PATTERN", "OpenRole", "check_grant", "open_role"]

EXTERNAL_ID_PATTERN: Final = "[A-Za-z0-9_+=,.@:/-]+"
"""The characters STS allows in an external ID, as a pattern that must match the whole value."""

# Two-character external IDs, tried in turn until one occurs nowhere else in the trust policy.
_PLACEHOLDERS: Final = tuple(
    first + second for first in "XYZ" for second in string.ascii_uppercase + string.digits
)
_EXTERNAL_ID_KEY: Final = "sts:ExternalId"


@attrs.frozen
class OpenRole:
    """The role a grant creates, with a placeholder where the external ID goes.

    Attributes:
        spec: What :meth:`~xaccess.ThirdPartyGrant.create` would create, the trust policy
            requiring the placeholder as external ID.
        placeholder: The placeholder; it occurs nowhere else in the trust policy.
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

    The placeholder is as short as an external ID can be, so that the trust policy fits its
    quota whenever it fits with the shortest real external ID.

    Raises:
        ValidationError: ``grant`` is not a :class:`~xaccess.ThirdPartyGrant`, or trusts no one.
        PolicySizeError: A document exceeds its quota, even with a two-character external ID.
    """
    grant = check_grant(grant)
    data = grant.to_dict()
    for placeholder in _PLACEHOLDERS:
        data["external_ids"] = [placeholder]
        spec = type(grant).from_dict(data).role_spec()
        document = spec.trust_policy
        if document.to_json().count(json.dumps(placeholder)) == len(document.statements):
            break
    else:  # pragma: no cover - a trust policy holds far fewer strings than there are candidates
        raise AssertionError("no free placeholder for the external ID")
    room = grant.trust_policy_quota - (document.size() - len(placeholder))
    return OpenRole(spec=spec, placeholder=placeholder, max_external_id=min(MAX_EXTERNAL_ID, room))
