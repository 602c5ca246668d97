"""A short human-readable summary of a grant; external IDs are counted, never shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xaccess.grant.builder import ThirdPartyGrant


def describe_grant(grant: ThirdPartyGrant) -> str:
    """A short human-readable summary; external IDs are counted, never shown.

    .. versionadded:: 0.1.0
    """
    lines = [f"Role {grant.path}{grant.role_name} ({grant.resolved_partition})"]
    pinned = grant.pin == "condition"
    for trustee in grant.trustees:
        how: str = "account" if trustee.kind == "root" else trustee.kind
        if trustee.kind != "root":
            how += ", pinned by aws:PrincipalArn" if pinned else ", named in Principal"
        lines.append(f"  trusts {trustee.principal_arn(grant.resolved_partition)} ({how})")
    if not grant.trustees:
        lines.append("  trusts no one yet")
    if grant.external_ids:
        lines.append(f"  external IDs: {len(grant.external_ids)} (StringEquals sts:ExternalId)")
    else:
        missing = "allowed" if grant.allow_missing_external_id else "REQUIRED, not set"
        lines.append(f"  external ID: none ({missing})")
    if grant.org_ids:
        lines.append(f"  organization: {', '.join(grant.org_ids)}")
    if grant.session_name_patterns:
        lines.append(f"  session name: {' | '.join(grant.session_name_patterns)}")
    if grant.source_identity_patterns is not None:
        lines.append(f"  source identity required: {' | '.join(grant.source_identity_patterns)}")
    elif grant.source_identity_allowed:
        lines.append("  source identity allowed")
    if grant.session_tags_allowed:
        keys = "any keys" if grant.session_tag_keys is None else ", ".join(grant.session_tag_keys)
        lines.append(f"  session tags allowed: {keys}")
    lines.append(f"  max session: {grant.max_session_duration} s")
    for statement in grant.statements:
        verb = "allow" if statement.effect == "Allow" else "DENY"
        when = " (conditional)" if statement.conditions else ""
        lines.append(
            f"  {verb} {', '.join(statement.actions)} on {', '.join(statement.resources)}{when}"
        )
    lines.extend(f"  managed policy {arn}" for arn in grant.managed_policy_arns)
    if grant.permissions_boundary is not None:
        lines.append(f"  permissions boundary {grant.permissions_boundary}")
    return "\n".join(lines)
