"""What a third party needs to assume the role: :class:`Handoff`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs

from xaccess.grant.fields import count_repr

if TYPE_CHECKING:
    from xaccess.grant.builder import ThirdPartyGrant

__all__ = ["Handoff", "handoff"]


@attrs.frozen(kw_only=True)
class Handoff:
    """What the third party needs to assume the role: give it this, and nothing else.

    Attributes:
        role_arn: The ARN of the role to assume.
        external_id: The external ID to pass (the newest trusted one), or ``None``.
        external_ids: Every external ID the role accepts, oldest first.
        trusted_principals: The principals allowed to call ``sts:AssumeRole``.
        max_session_duration: The longest ``DurationSeconds`` the role allows.
        session_name_patterns: ``RoleSessionName`` must match one (``StringLike``);
            empty when any session name is accepted.
        source_identity_required: Whether ``SourceIdentity`` must be passed.
        source_identity_patterns: Patterns a required source identity must match.
        source_identity_allowed: Whether ``SourceIdentity`` may be passed.
        session_tags_allowed: Whether session ``Tags`` may be passed.
        session_tag_keys: The only tag keys allowed, or ``None`` for any.
        required_org_ids: The caller's account must belong to one of these
            organizations; empty when not required.

    .. versionadded:: 0.1.0
    """

    role_arn: str
    external_id: str | None
    external_ids: tuple[str, ...] = attrs.field(repr=count_repr)
    trusted_principals: tuple[str, ...]
    max_session_duration: int
    session_name_patterns: tuple[str, ...] = ()
    source_identity_required: bool = False
    source_identity_patterns: tuple[str, ...] = ()
    source_identity_allowed: bool = False
    session_tags_allowed: bool = False
    session_tag_keys: tuple[str, ...] | None = None
    required_org_ids: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"Handoff(role_arn={self.role_arn!r}, external_ids={count_repr(self.external_ids)}, "
            f"trusted_principals={self.trusted_principals!r}, "
            f"max_session_duration={self.max_session_duration})"
        )

    def to_dict(self) -> dict[str, Any]:
        """This handoff as a JSON-ready ``dict``.

        .. versionadded:: 0.1.0
        """
        out: dict[str, Any] = {}
        for field in attrs.fields(Handoff):
            value = getattr(self, field.name)
            out[field.name] = list(value) if isinstance(value, tuple) else value
        return out

    def to_json(self, indent: int | None = None) -> str:
        """This handoff as JSON text (ASCII, keys in a fixed order).

        .. versionadded:: 0.1.0
        """
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(self.to_dict(), indent=indent, separators=separators, ensure_ascii=True)


def handoff(grant: ThirdPartyGrant, account_id: str, *, partition: str | None = None) -> Handoff:
    """What to give the third party once the role exists in ``account_id``.

    Raises:
        ValidationError: As :meth:`role_arn`, or when the grant is incomplete (see
            :meth:`trust_policy`).

    .. versionadded:: 0.1.0
    """
    role_arn = grant.role_arn(account_id, partition=partition)
    grant.trust_policy()  # refuse an incomplete or oversized grant
    required = grant.source_identity_patterns is not None
    return Handoff(
        role_arn=role_arn,
        external_id=grant.external_id,
        external_ids=grant.external_ids,
        trusted_principals=grant.trusted_principal_arns,
        max_session_duration=grant.max_session_duration,
        session_name_patterns=grant.session_name_patterns,
        source_identity_required=required,
        source_identity_patterns=grant.source_identity_patterns or (),
        source_identity_allowed=grant.source_identity_allowed or required,
        session_tags_allowed=grant.session_tags_allowed,
        session_tag_keys=grant.session_tag_keys,
        required_org_ids=grant.org_ids,
    )
