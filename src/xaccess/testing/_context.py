"""The request context AWS builds for ``AssumeRole``: the condition keys policies can test."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xaccess.policy import ContextValue
    from xaccess.testing._callers import Caller
    from xaccess.testing._request import AssumeRoleRequest


def request_context(request: AssumeRoleRequest, caller: Caller) -> dict[str, ContextValue]:
    """The request context AWS builds for AssumeRole (see the IAM condition key reference)."""
    now = datetime.datetime.now(datetime.UTC)
    context: dict[str, ContextValue] = {
        "aws:PrincipalArn": caller.principal_arn,
        "aws:PrincipalAccount": caller.account,
        "aws:PrincipalType": "AssumedRole" if caller.kind == "assumed-role" else "User",
        "aws:userid": caller.user_id,
        "aws:RequestedRegion": request.region,
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": int(now.timestamp()),
        "sts:RoleSessionName": request.session_name,
    }
    if caller.username is not None:
        context["aws:username"] = caller.username
    for key, value in caller.tags:
        if usable_key(key):
            context[f"aws:PrincipalTag/{key}"] = value
    if caller.source_identity is not None:
        context["aws:SourceIdentity"] = caller.source_identity
    if request.external_id is not None:
        context["sts:ExternalId"] = request.external_id
    source_identity = new_source_identity(request, caller)
    if source_identity is not None:  # set now, or carried on from the calling session
        context["sts:SourceIdentity"] = source_identity
    if request.tags:
        for key, value in request.tags:
            if usable_key(key):
                context[f"aws:RequestTag/{key}"] = value
        context["aws:TagKeys"] = [key for key, _ in request.tags]
    if request.transitive_tag_keys:
        context["sts:TransitiveTagKeys"] = list(request.transitive_tag_keys)
    return context


def new_source_identity(request: AssumeRoleRequest, caller: Caller) -> str | None:
    """The new session's source identity: once set, it persists along a role chain."""
    return (
        request.source_identity if request.source_identity is not None else caller.source_identity
    )


def usable_key(tag_key: str) -> bool:
    """Whether a tag key can be part of a condition key (policies cannot name one with spaces)."""
    return not any(char.isspace() for char in tag_key)
