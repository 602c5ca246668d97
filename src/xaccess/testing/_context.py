"""The request context AWS builds for ``AssumeRole``: the condition keys policies can test."""

from __future__ import annotations

import datetime
import ipaddress
from typing import TYPE_CHECKING, Final

import attrs

from xaccess._validate import check_bool, check_str, echo
from xaccess.errors import ValidationError

if TYPE_CHECKING:
    from xaccess.policy import ContextValue
    from xaccess.testing._callers import Caller
    from xaccess.testing._request import AssumeRoleRequest


DEFAULT_SOURCE_IP: Final = "203.0.113.10"
"""The caller's address unless a test chooses one (from TEST-NET-3, RFC 5737: never routed)."""


def _ip_address(value: object) -> str:
    text = check_str(value, "source_ip")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValidationError(
            "source_ip", f"must be an IPv4 or IPv6 address, got {echo(text)}"
        ) from None


def _flag(value: object) -> bool:
    return check_bool(value, "secure_transport")


@attrs.frozen
class Network:
    """How a request reached STS: from which address, and whether over TLS.

    moto is reached over plain HTTP (a ``ThreadedMotoServer``) or not at all (``mock_aws()``),
    but the requests a test stands in for go to AWS, which every SDK reaches over HTTPS; so
    ``aws:SecureTransport`` is true unless a test says otherwise, whatever moto's transport.
    ``aws:SourceIp`` is the address AWS would see (a public one), never moto's 127.0.0.1.
    """

    source_ip: str = attrs.field(default=DEFAULT_SOURCE_IP, converter=_ip_address)
    secure_transport: bool = attrs.field(default=True, converter=_flag)


def request_context(
    request: AssumeRoleRequest, caller: Caller, network: Network
) -> dict[str, ContextValue]:
    """The request context AWS builds for AssumeRole (see the IAM condition key reference).

    Besides the keys of ``AssumeRole`` itself, every request carries the global keys AWS
    always adds: ``aws:SecureTransport``, ``aws:SourceIp`` (no VPC endpoint is modelled),
    the time, the region, who is calling, and that no AWS service calls or calls on its behalf;
    a caller with temporary credentials (a role session) also brings ``aws:TokenIssueTime``.
    """
    now = datetime.datetime.now(datetime.UTC)
    context: dict[str, ContextValue] = {
        "aws:SecureTransport": network.secure_transport,
        "aws:SourceIp": network.source_ip,
        "aws:PrincipalIsAWSService": False,
        "aws:ViaAWSService": False,
        "aws:PrincipalArn": caller.principal_arn,
        "aws:PrincipalAccount": caller.account,
        "aws:PrincipalType": "AssumedRole" if caller.kind == "assumed-role" else "User",
        "aws:userid": caller.user_id,
        "aws:RequestedRegion": request.region,
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": int(now.timestamp()),
        "sts:RoleSessionName": request.session_name,
    }
    if caller.token_issue_time is not None:  # temporary credentials only
        context["aws:TokenIssueTime"] = caller.token_issue_time
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
