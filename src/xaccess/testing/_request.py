"""Request checks: read an ``AssumeRole`` request from moto and check what the STS API model
constrains (lengths, patterns, ranges, tag counts) and botocore only partly checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from xaccess import limits

if TYPE_CHECKING:
    from xaccess.testing._moto import Untyped

ASSUME_ROLE: Final = "sts:AssumeRole"
TAG_SESSION: Final = "sts:TagSession"
SET_SOURCE_IDENTITY: Final = "sts:SetSourceIdentity"


ROLE_ARN: Final = re.compile(
    r"arn:(aws[a-z-]*):iam::([0-9]{12}):role/(?:[\x21-\x7e]*/)?[\w+=,.@-]+"
)
_SESSION_NAME: Final = re.compile(r"[\w+=,.@-]*", re.ASCII)
_EXTERNAL_ID: Final = re.compile(r"[\w+=,.@:/-]*", re.ASCII)


@attrs.frozen
class AssumeRoleRequest:
    """The parameters of one ``AssumeRole`` request, and where it was sent."""

    access_key: str | None  # None when the request is not signed
    account: str
    partition: str
    region: str
    role_arn: str
    session_name: str
    external_id: str | None
    duration_seconds: int | None
    source_identity: str | None
    tags: tuple[tuple[str, str], ...]
    transitive_tag_keys: tuple[str, ...]
    policy_arns: tuple[str, ...]

    @classmethod
    def from_response(cls, response: Untyped) -> AssumeRoleRequest:
        params = getattr(response, "params", None)
        if not isinstance(params, Mapping) or "RoleArn" not in params:
            params = _parse_query(getattr(response, "querystring", {}))
        tags = tuple(
            (str(tag.get("Key", "")), str(tag.get("Value", "")))
            for tag in params.get("Tags") or ()
            if isinstance(tag, Mapping)
        )
        duration = params.get("DurationSeconds")
        return cls(
            access_key=_signing_key(response),
            account=str(response.current_account),
            partition=str(response.partition),
            region=str(response.region),
            role_arn=str(params.get("RoleArn") or ""),
            session_name=str(params.get("RoleSessionName") or ""),
            external_id=_optional_str(params.get("ExternalId")),
            duration_seconds=None if duration is None else int(duration),
            source_identity=_optional_str(params.get("SourceIdentity")),
            tags=tags,
            transitive_tag_keys=tuple(str(key) for key in params.get("TransitiveTagKeys") or ()),
            policy_arns=tuple(
                str(item.get("arn"))
                for item in params.get("PolicyArns") or ()
                if isinstance(item, Mapping) and item.get("arn")
            ),
        )


def _signing_key(response: Untyped) -> str | None:
    """The access key ID the request was signed with, or ``None`` for an unsigned request."""
    headers = getattr(response, "headers", None)
    if headers is None or headers.get("Authorization"):
        return str(response.get_access_key())
    query = getattr(response, "querystring", None) or {}
    for name in ("X-Amz-Credential", "AWSAccessKeyId"):  # a presigned request
        values = query.get(name)
        value = values[0] if isinstance(values, list) and values else values
        if value:
            return str(value).split("/", 1)[0]
    return None


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _parse_query(querystring: Mapping[str, Any]) -> dict[str, Any]:
    """Read AssumeRole parameters from a query-protocol request (``Tags.member.1.Key=...``)."""
    flat = {
        key: values[0] if isinstance(values, list) else values
        for key, values in querystring.items()
    }
    params: dict[str, Any] = {
        name: flat[name]
        for name in (
            "RoleArn",
            "RoleSessionName",
            "ExternalId",
            "DurationSeconds",
            "SourceIdentity",
        )
        if name in flat
    }

    def members(prefix: str) -> list[str]:
        pattern = re.compile(re.escape(prefix) + r"\.member\.([0-9]+)((?:\..*)?)")
        indexes = sorted({int(m.group(1)) for key in flat if (m := pattern.fullmatch(key))})
        return [f"{prefix}.member.{index}" for index in indexes]

    tags = [
        {"Key": flat.get(f"{member}.Key", ""), "Value": flat.get(f"{member}.Value", "")}
        for member in members("Tags")
    ]
    if tags:
        params["Tags"] = tags
    keys = [flat[member] for member in members("TransitiveTagKeys")]
    if keys:
        params["TransitiveTagKeys"] = keys
    arns = [
        {"arn": flat[f"{member}.arn"]}
        for member in members("PolicyArns")
        if f"{member}.arn" in flat
    ]
    if arns:
        params["PolicyArns"] = arns
    return params


_STRING_RULES: Final = (
    # (API field, request attribute, shortest, longest, pattern); for the source identity STS
    # applies the API model's bound, not the shorter documented one.
    ("roleSessionName", "session_name", limits.MIN_SESSION_NAME, limits.MAX_SESSION_NAME,
     _SESSION_NAME),
    ("externalId", "external_id", limits.MIN_EXTERNAL_ID, limits.MAX_EXTERNAL_ID, _EXTERNAL_ID),
    ("sourceIdentity", "source_identity", limits.MIN_SOURCE_IDENTITY,
     limits.MODEL_MAX_SOURCE_IDENTITY, _SESSION_NAME),
)  # fmt: skip


def _constraint(field: str, text: str, constraint: str) -> str:
    return f"Value '{text}' at '{field}' failed to satisfy constraint: Member must {constraint}"


def _bound(what: str, amount: int, low: int, high: int) -> str | None:
    """The constraint ``amount`` breaks (``what`` is "length" or "value"), or ``None``."""
    if amount < low:
        return f"have {what} greater than or equal to {low}"
    if amount > high:
        return f"have {what} less than or equal to {high}"
    return None


def parameter_errors(request: AssumeRoleRequest) -> list[str]:
    """Check what the STS API model constrains and botocore only partly checks before sending."""
    errors: list[str] = []
    arn_length = _bound("length", len(request.role_arn), limits.MIN_ROLE_ARN, limits.MAX_ROLE_ARN)
    if arn_length is not None:
        errors.append(_constraint("roleArn", request.role_arn, arn_length))
    for field, attribute, low, high, pattern in _STRING_RULES:
        text: str | None = getattr(request, attribute)
        if text is None:
            continue
        length = _bound("length", len(text), low, high)
        if length is not None:
            errors.append(_constraint(field, text, length))
        if pattern.fullmatch(text) is None:
            rule = f"satisfy regular expression pattern: {pattern.pattern}"
            errors.append(_constraint(field, text, rule))
    if request.duration_seconds is not None:
        duration = request.duration_seconds
        value = _bound("value", duration, limits.MIN_DURATION, limits.MAX_DURATION)
        if value is not None:
            errors.append(_constraint("durationSeconds", str(duration), value))
    if len({key.lower() for key, _ in request.tags}) < len(request.tags):
        errors.append("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    if len(request.tags) > limits.MAX_SESSION_TAGS:
        errors.append(
            "Value at 'tags' failed to satisfy constraint: "
            f"Member must have length less than or equal to {limits.MAX_SESSION_TAGS}"
        )
    return errors


def validation_message(errors: list[str]) -> str:
    """The message of STS's ``ValidationError`` for these errors."""
    plural = "" if len(errors) == 1 else "s"
    return f"{len(errors)} validation error{plural} detected: " + "; ".join(errors)
