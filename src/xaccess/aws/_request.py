"""One ``sts:AssumeRole`` request, validated, and what STS's refusals of it mean.

:class:`AssumeRoleRequest` checks every parameter an :class:`~xaccess.aws.assume.AssumeRoleClient`
sends, once, when the client is made, and builds the request for each call (the full one, or
the minimal one a verification probe sends). :func:`sts_error` turns botocore's errors into the
typed errors of :mod:`xaccess.errors`, with the likely causes of an ``AccessDenied``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from xaccess import limits
from xaccess.aws import _redact
from xaccess.errors import (
    AssumeRoleDenied,
    AWSError,
    PackedPolicyTooLarge,
    PolicySizeError,
    RegionDisabled,
    SessionDurationTooLong,
    ValidationError,
)
from xaccess.identifiers import (
    RoleArn,
    Tag,
    validate_external_id,
    validate_managed_policy_arn,
    validate_session_duration,
    validate_session_name,
    validate_source_identity,
    validate_tags,
)
from xaccess.policy.model import PolicyDocument

if TYPE_CHECKING:
    import datetime as dt

    from mypy_boto3_sts.type_defs import AssumeRoleRequestTypeDef

__all__ = [
    "ASSUME_ROLE",
    "AssumeRoleRequest",
    "chained_duration",
    "kept_cause",
    "sts_error",
]

ASSUME_ROLE: Final = "AssumeRole"
_METHOD: Final = ASSUME_ROLE


def _session_policy(policy: object) -> PolicyDocument | None:
    if policy is None:
        return None
    try:
        if isinstance(policy, PolicyDocument):
            document = policy
        elif isinstance(policy, str):
            document = PolicyDocument.from_json(policy)
        elif isinstance(policy, Mapping):
            document = PolicyDocument.from_dict(policy)
        else:
            raise ValidationError(
                "",
                f"must be a PolicyDocument, a mapping or JSON text, got {type(policy).__name__}",
            )
        document.check_identity_policy()
    except ValidationError as error:
        where = f"{error.field}: " if error.field else ""
        raise ValidationError("policy", f"{where}{error.rule}") from None
    return document


def _policy_arns(values: object, partition: str) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError(
            "policy_arns",
            f"must be an iterable of managed policy ARNs, got {type(values).__name__}",
        )
    arns = tuple(values)
    if len(arns) > limits.MAX_SESSION_POLICY_ARNS:
        raise ValidationError(
            "policy_arns",
            f"must have at most {limits.MAX_SESSION_POLICY_ARNS} ARNs, got {len(arns)}",
        )
    for index, arn in enumerate(arns):
        field = f"policy_arns[{index}]"
        validate_managed_policy_arn(arn, field=field)
        if arn.split(":")[1] != partition:
            raise ValidationError(field, f"must be in the role's partition {partition!r}")
    if len(set(arns)) != len(arns):
        raise ValidationError("policy_arns", "must not repeat an ARN")
    return arns


def _transitive_keys(values: object, tags: tuple[Tag, ...]) -> tuple[str, ...]:
    field = "transitive_tag_keys"
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError(
            field, f"must be an iterable of tag keys, got {type(values).__name__}"
        )
    keys = tuple(values)
    names = {tag.key for tag in tags}
    for index, key in enumerate(keys):
        if not isinstance(key, str):
            raise ValidationError(f"{field}[{index}]", f"must be a str, got {type(key).__name__}")
        if key not in names:
            raise ValidationError(
                f"{field}[{index}]", f"{key!r} is not one of the session tag keys passed in tags"
            )
    if len(set(keys)) != len(keys):
        raise ValidationError(field, "must not repeat a key")
    return keys


@attrs.frozen(kw_only=True)
class AssumeRoleRequest:
    """Every ``sts:AssumeRole`` parameter of one client, checked (see :meth:`build`)."""

    role: RoleArn
    external_id: str | None
    session_name: str
    duration: int
    source_identity: str | None = None
    tags: tuple[Tag, ...] = ()
    transitive_tag_keys: tuple[str, ...] = ()
    policy: str | None = attrs.field(default=None, repr=False)
    policy_arns: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        role_arn: object,
        external_id: object,
        session_name: object,
        duration_seconds: int | dt.timedelta,
        source_identity: object,
        tags: object,
        transitive_tag_keys: object,
        policy: object,
        policy_arns: object,
    ) -> AssumeRoleRequest:
        """Check each parameter as STS would, and the limits STS and moto leave unchecked.

        Raises:
            ~xaccess.errors.ValidationError: Naming the parameter and the rule.
            ~xaccess.errors.PolicySizeError: If the session policy and its ARNs together are
                longer than STS allows.
        """
        role = RoleArn.parse(role_arn, field="role_arn")
        valid_tags = validate_tags(tags, field="tags", limit=limits.MAX_SESSION_TAGS)  # type: ignore[arg-type]
        document = _session_policy(policy)
        arns = _policy_arns(policy_arns, role.partition)
        packed = (0 if document is None else document.size()) + sum(map(len, arns))
        if packed > limits.MAX_SESSION_POLICY:
            raise PolicySizeError(
                "policy",
                packed,
                limits.MAX_SESSION_POLICY,
                "session policy (inline plus PolicyArns)",
            )
        return cls(
            role=role,
            external_id=(
                None
                if external_id is None
                else validate_external_id(external_id, field="external_id")
            ),
            session_name=validate_session_name(session_name, field="session_name"),
            duration=validate_session_duration(duration_seconds, field="duration_seconds"),
            source_identity=(
                None
                if source_identity is None
                else validate_source_identity(source_identity, field="source_identity")
            ),
            tags=valid_tags,
            transitive_tag_keys=_transitive_keys(transitive_tag_keys, valid_tags),
            policy=None if document is None else document.to_json(),
            policy_arns=arns,
        )

    def arguments(self) -> dict[str, Any]:
        """The parameters as :meth:`build` takes them (checked again when built from them)."""
        return {
            "role_arn": str(self.role),
            "external_id": self.external_id,
            "session_name": self.session_name,
            "duration_seconds": self.duration,
            "source_identity": self.source_identity,
            "tags": self.tags,
            "transitive_tag_keys": self.transitive_tag_keys,
            "policy": self.policy,
            "policy_arns": self.policy_arns,
        }

    def params(
        self, *, external_id: str | None, duration: int, minimal: bool = False
    ) -> AssumeRoleRequestTypeDef:
        """The request for boto3's ``assume_role``; ``minimal`` sends only what a probe sends."""
        params: AssumeRoleRequestTypeDef = {
            "RoleArn": str(self.role),
            "RoleSessionName": self.session_name,
            "DurationSeconds": duration,
        }
        if external_id is not None:
            params["ExternalId"] = external_id
        if minimal:
            return params
        if self.source_identity is not None:
            params["SourceIdentity"] = self.source_identity
        if self.tags:
            params["Tags"] = [{"Key": tag.key, "Value": tag.value} for tag in self.tags]
        if self.transitive_tag_keys:
            params["TransitiveTagKeys"] = list(self.transitive_tag_keys)
        if self.policy is not None:
            params["Policy"] = self.policy
        if self.policy_arns:
            params["PolicyArns"] = [{"arn": arn} for arn in self.policy_arns]
        return params


def chained_duration(
    request: AssumeRoleRequest, *, caller: str, strict: bool, category: type[Warning]
) -> int:
    """The duration STS allows ``caller``: at most an hour when it is an assumed role.

    Lowering it warns with ``category``.

    Raises:
        ~xaccess.errors.SessionDurationTooLong: Instead of lowering it, with ``strict``.
    """
    if ":assumed-role/" not in caller:
        return request.duration
    message = (
        f"the base session is the assumed role {caller}: STS allows at most "
        f"{limits.MAX_CHAINED_DURATION} s when role chaining, not {request.duration} s"
    )
    if strict:
        raise SessionDurationTooLong(
            f"cannot assume {request.role}: {message}",
            code="ValidationError",
            operation=_METHOD,
        )
    warnings.warn(
        f"{message}; using {limits.MAX_CHAINED_DURATION} s for {request.role} "
        "(strict=True raises instead)",
        category,
        stacklevel=3,
    )
    return limits.MAX_CHAINED_DURATION


# --- STS's answers ------------------------------------------------------------------------------


def sts_error(
    error: ClientError | BotoCoreError | ResponseParserError,
    *,
    request: AssumeRoleRequest,
    operation: str,
    caller: Callable[[], str | None],
    signing_region: Callable[[], str],
    duration: int | None = None,
) -> AWSError:
    """Turn a botocore error of an STS call for ``request`` into a typed xaccess error.

    ``caller`` names the base session's identity for an ``AccessDenied`` (``None`` when
    unknown); ``signing_region`` the region for a ``RegionDisabledException``. Both are asked
    only when needed.
    """
    if isinstance(error, ResponseParserError):
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        return AWSError(
            f"{operation} for {request.role} failed: STS's answer could not be parsed ({kind}; "
            "not chained, as its frames hold the raw answer with the credentials)",
            code=type(error).__name__,
            operation=operation,
        )
    if not isinstance(error, ClientError):
        # Its text may quote a response: mask any credentials in it.
        _redact.redact_error(error)
        return AWSError(
            f"{operation} for {request.role} failed: {error}",
            code=type(error).__name__,
            operation=operation,
        )
    details = error.response.get("Error", {})
    code = str(details.get("Code") or "Unknown")
    message = str(details.get("Message") or "")
    if operation == _METHOD and code in ("AccessDenied", "AccessDeniedException"):
        caller_arn = caller()
        causes = _likely_causes(message, caller_arn, request)
        return AssumeRoleDenied(
            _denied_message(request.role, caller_arn, message, causes),
            role_arn=str(request.role),
            caller_arn=caller_arn,
            likely_causes=causes,
            code=code,
            operation=operation,
        )
    if code == "ValidationError" and "duration" in message.lower():
        return SessionDurationTooLong(
            f"STS refused DurationSeconds={duration} for {request.role}: {message} "
            "(lower duration_seconds, or raise the role's MaxSessionDuration; role "
            f"chaining allows at most {limits.MAX_CHAINED_DURATION})",
            code=code,
            operation=operation,
        )
    if code == "PackedPolicyTooLarge":
        return PackedPolicyTooLarge(
            f"STS refused the session policy and tags for {request.role} as too large: "
            f"{message} (pass fewer or shorter session tags or a smaller session policy)",
            code=code,
            operation=operation,
        )
    if code == "RegionDisabledException":
        return RegionDisabled(
            f"STS is not activated in {signing_region()} for the account of "
            f"{request.role}: {message} (the customer can activate it in the IAM account "
            "settings, or use another region)",
            code=code,
            operation=operation,
        )
    return AWSError(
        f"{operation} for {request.role} failed ({code}): {message}",
        code=code,
        operation=operation,
    )


def _likely_causes(message: str, caller: str | None, request: AssumeRoleRequest) -> tuple[str, ...]:
    causes: list[str] = []
    if "sts:TagSession" in message:
        causes.append("session tags need sts:TagSession, which the trust policy does not allow")
    if "sts:SetSourceIdentity" in message:
        causes.append(
            "a source identity needs sts:SetSourceIdentity, which the trust policy does not allow"
        )
    if request.external_id is None:
        causes.append("no external ID was sent, and the trust policy requires one (sts:ExternalId)")
    else:
        causes.append(
            "the external ID is wrong, or missing from the trust policy's StringEquals "
            "condition on sts:ExternalId (it is case-sensitive)"
        )
    who = f"the caller {caller}" if caller else "the caller"
    causes.append(
        f"the trust policy does not name {who} (its account or its role), or the "
        "caller's own IAM policies do not allow sts:AssumeRole on the role"
    )
    causes.append(
        f"the role {request.role} does not exist (STS answers AccessDenied for a missing role too)"
    )
    causes.append(
        "the role or its trust policy changed moments ago and has not propagated yet "
        "(use wait_until_assumable() or propagation_grace=)"
    )
    return tuple(causes)


def _denied_message(
    role: RoleArn, caller: str | None, message: str, causes: tuple[str, ...]
) -> str:
    who = caller or "this caller"
    lines = [f"STS denied {who} sts:AssumeRole on {role}"]
    if message:
        lines[0] += f": {message}"
    lines.append("Likely causes, most likely first:")
    lines.extend(f"  {number}. {cause}" for number, cause in enumerate(causes, start=1))
    return "\n".join(lines)


def kept_cause(error: BaseException) -> BaseException | None:
    """The botocore error to chain as ``__cause__``, or ``None`` for one that must not be kept.

    A :class:`~botocore.parsers.ResponseParserError` is neither chained nor left as
    ``__context__`` (``raise error from kept_cause(...)`` outside the ``except`` block) nor
    kept in a local variable: the
    frames of its traceback hold the raw response, credentials included, which a traceback
    rendered with its locals (Sentry, rich, ``pytest --showlocals``) would show.
    """
    if isinstance(error, ResponseParserError):
        _redact.redact_error(error)  # in case a reference survives somewhere after all
        return None
    return error
