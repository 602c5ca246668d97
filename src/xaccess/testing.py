"""A strict STS for tests: moto, plus the authorization AWS applies to ``sts:AssumeRole``.

moto answers every ``AssumeRole``: it checks neither the role's trust policy nor the external
ID, lets callers assume roles that do not exist and ignores ``MaxSessionDuration``. While a
:class:`StrictSTS` is active (``with strict_sts():``), every ``AssumeRole`` request that moto
serves in this process -- through ``moto.mock_aws()`` or a ``moto.server.ThreadedMotoServer`` --
is first authorized the way AWS does it:

* the request must be signed, with a key that is active and of the request's partition;
* the role must exist in moto's IAM, in the account and partition of the role ARN;
* the caller is identified from the request's access key: a session moto issued (in any
  account; one whose role was deleted since has no permissions), an IAM user's key, or else
  moto's default identity of the request's account, which is evaluated as the IAM user
  ``arn:aws:iam::ACCOUNT:user/moto`` with full permissions (AWS refuses ``AssumeRole`` to the
  account root, so the default identity cannot be the root);
* the role's trust policy, and where AWS requires it the caller's identity policies, are
  evaluated by :func:`xaccess.policy.evaluate` with the request context AWS builds
  (``sts:ExternalId``, ``sts:RoleSessionName``, session tags, source identity, ...); session tags
  and a source identity (also one carried on along a role chain, which cannot change) need
  ``sts:TagSession`` and ``sts:SetSourceIdentity``; transitive session tags pass on along the
  chain and cannot be overridden; a role or user ARN in the trust policy names only the role or
  user that has exactly that ARN and was not deleted since the policy was saved (AWS stores
  its unique ID);
* ``DurationSeconds`` may not exceed the role's ``MaxSessionDuration``, nor one hour when the
  caller is itself an assumed-role session (role chaining).

A refusal is answered as STS answers it (``AccessDenied``, ``InvalidClientTokenId`` or
``MissingAuthenticationToken``, HTTP 403, or ``ValidationError`` or ``InvalidParameterValue``,
HTTP 400), so boto3 raises the same ``ClientError`` it would raise against AWS. Everything else is
moto's own behaviour. :func:`session_for` gives a boto3 session that acts as a chosen principal in
any account, and the ``strict_sts`` pytest fixture switches all of this on for one test.

moto and boto3 are imported when first needed, so loading this module as a pytest plugin costs
nothing in projects that do not use it.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import functools
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TypeAlias
from xml.sax.saxutils import escape

import attrs

from xaccess.errors import ValidationError

if TYPE_CHECKING:
    from types import TracebackType

    import boto3
    from botocore.hooks import HierarchicalEmitter
    from botocore.loaders import Loader

    from xaccess.policy import ContextValue, Decision, PolicyDocument

__all__ = [
    "AssumeRoleAttempt",
    "PolicyInput",
    "StrictSTS",
    "session_for",
    "strict_sts",
]


_Untyped: TypeAlias = Any
"""moto's handlers and models, and botocore's requests: dynamically typed at this boundary."""


class _JsonSerializable(Protocol):
    def to_json(self) -> str: ...  # pragma: no cover - a protocol


PolicyInput: TypeAlias = "str | Mapping[str, Any] | _JsonSerializable"
"""A policy as :func:`session_for` accepts it.

JSON text, a mapping, or an object with ``to_json()`` such as
:class:`xaccess.PolicyDocument`.

.. versionadded:: 0.1.0
"""

_ASSUME_ROLE: Final = "sts:AssumeRole"
_TAG_SESSION: Final = "sts:TagSession"
_SET_SOURCE_IDENTITY: Final = "sts:SetSourceIdentity"
_CHAINING_LIMIT: Final = 3600
_DEFAULT_DURATION: Final = 3600
_DEFAULT_MAX_SESSION_DURATION: Final = 3600
_ACCOUNT_HEADER: Final = "x-moto-account-id"
_DEFAULT_USER: Final = "moto"  # moto's name for its default identity
_DEFAULT_USER_ID: Final = "AKIAIOSFODNN7EXAMPLE"  # what moto's GetCallerIdentity reports
_FAKE_SECRET: Final = "testing"
_ERROR_STATUS: Final = {
    "AccessDenied": 403,
    "ValidationError": 400,
    "InvalidParameterValue": 400,
    "InvalidClientTokenId": 403,
    "MissingAuthenticationToken": 403,
}
_INVALID_TOKEN: Final = "The security token included in the request is invalid."
_UNSIGNED: Final = "Request is missing Authentication Token"
# STS refuses both of these transitive-tag requests (IAM User Guide, "Chaining roles with
# session tags"); it does not document its wording, so these messages are ours.
_TRANSITIVE_NOT_PASSED: Final = (
    "Every key in TransitiveTagKeys must be the key of a tag passed in Tags."
)
_TRANSITIVE_CONFLICT: Final = (
    "A tag passed in Tags has the key of a transitive tag that the calling session passes "
    "on, and a transitive tag cannot be changed along a role chain."
)

_ROLE_ARN: Final = re.compile(
    r"arn:(aws[a-z-]*):iam::([0-9]{12}):role/(?:[\x21-\x7e]*/)?[\w+=,.@-]+"
)
_NAMED_PRINCIPAL: Final = re.compile(r"arn:(aws[a-z-]*):iam::([0-9]{12}):(role|user)/[^*?]+")
_SESSION_NAME: Final = re.compile(r"[\w+=,.@-]*", re.ASCII)
_EXTERNAL_ID: Final = re.compile(r"[\w+=,.@:/-]*", re.ASCII)

_ADMIN_POLICY: Final = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
_DEFAULT_VENDOR_POLICY: Final = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [_ASSUME_ROLE, _TAG_SESSION, _SET_SOURCE_IDENTITY],
            "Resource": "*",
        }
    ],
}


# --- the public record and the context manager -------------------------------------------------


@attrs.frozen
class AssumeRoleAttempt:
    """One ``sts:AssumeRole`` request seen by the strict STS, and what was decided.

    Attributes:
        caller_arn: The caller as AWS names it in errors: an assumed-role session or IAM user
            ARN (``arn:aws:iam::ACCOUNT:user/moto`` for moto's default identity), or ``""``
            when the request's credentials were refused.
        principal_arn: The caller's ``aws:PrincipalArn`` (for a session, its role's ARN), or
            ``""`` when the request's credentials were refused.
        role_arn: The role ARN as requested.
        session_name: The requested ``RoleSessionName``.
        external_id: The requested ``ExternalId``, or ``None`` when none was passed.
        duration_seconds: The requested ``DurationSeconds``, or ``None`` when none was passed.
        allowed: Whether the request was passed on to moto.
        error_code: The STS error code when refused (``"AccessDenied"``,
            ``"ValidationError"``, ``"InvalidParameterValue"``, ``"InvalidClientTokenId"`` or
            ``"MissingAuthenticationToken"``), else ``None``.
        error_message: The error message as STS words it, or ``""`` when allowed.
        denied_action: The action that was refused (``sts:AssumeRole``, ``sts:TagSession`` or
            ``sts:SetSourceIdentity``), or ``None``.
        context: The request context the policies were evaluated with.
        decisions: The evaluator's decisions, in the order they were made (empty when the
            request was refused before any evaluation, for example for a missing role).
        reason: A one-line explanation of the outcome.

    .. versionadded:: 0.1.0
    """

    caller_arn: str
    principal_arn: str
    role_arn: str
    session_name: str
    external_id: str | None
    duration_seconds: int | None
    allowed: bool
    error_code: str | None
    error_message: str
    denied_action: str | None
    context: Mapping[str, ContextValue] = attrs.field(hash=False, repr=False)
    decisions: tuple[Decision, ...] = attrs.field(hash=False, repr=False)
    reason: str

    def __str__(self) -> str:
        verdict = "allowed" if self.allowed else f"{self.error_code}: {self.error_message}"
        lines = [f"{self.caller_arn} -> {self.role_arn}: {verdict} ({self.reason})"]
        lines.extend(
            f"  {line}" for decision in self.decisions for line in str(decision).splitlines()
        )
        return "\n".join(lines)


class StrictSTS:
    """Strict ``sts:AssumeRole`` authorization for moto, active inside a ``with`` block.

    Entering installs the interception (once, however many instances are active, including
    nested and concurrent ones); leaving the last active instance restores moto exactly. Every
    active instance records each ``AssumeRole`` request it sees in :attr:`attempts`. Use
    :func:`strict_sts` to make one.

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._attempts: list[AssumeRoleAttempt] = []
        self._depth = 0

    def __enter__(self) -> StrictSTS:
        _INTERCEPTOR.activate(self)
        with self._lock:
            self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _INTERCEPTOR.deactivate(self)
        with self._lock:
            self._depth -= 1

    def __repr__(self) -> str:
        return f"<StrictSTS active={self.active} attempts={len(self.attempts)}>"

    @property
    def active(self) -> bool:
        """Whether this instance is inside its ``with`` block.

        .. versionadded:: 0.1.0
        """
        with self._lock:
            return self._depth > 0

    @property
    def attempts(self) -> tuple[AssumeRoleAttempt, ...]:
        """Every ``AssumeRole`` request seen so far, oldest first.

        .. versionadded:: 0.1.0
        """
        with self._lock:
            return tuple(self._attempts)

    @property
    def allowed(self) -> tuple[AssumeRoleAttempt, ...]:
        """The attempts that were passed on to moto.

        .. versionadded:: 0.1.0
        """
        return tuple(attempt for attempt in self.attempts if attempt.allowed)

    @property
    def denied(self) -> tuple[AssumeRoleAttempt, ...]:
        """The attempts that were refused.

        .. versionadded:: 0.1.0
        """
        return tuple(attempt for attempt in self.attempts if not attempt.allowed)

    def clear(self) -> None:
        """Forget the recorded attempts.

        .. versionadded:: 0.1.0
        """
        with self._lock:
            self._attempts.clear()

    def _record(self, attempt: AssumeRoleAttempt) -> None:
        with self._lock:
            self._attempts.append(attempt)


def strict_sts() -> StrictSTS:
    """Return a :class:`StrictSTS`: use it as ``with strict_sts() as sts:``.

    Inside the block, ``sts:AssumeRole`` requests served by moto in this process (in-process
    ``moto.mock_aws()`` or a ``ThreadedMotoServer``) are authorized as AWS authorizes them; see
    the module documentation for the rules. Start moto yourself; the order does not matter.

    Example:
        >>> import boto3, moto  # doctest: +SKIP
        >>> with moto.mock_aws(), strict_sts() as sts:  # doctest: +SKIP
        ...     boto3.client("sts").assume_role(RoleArn=arn, RoleSessionName="s")

    Returns:
        A new, not yet active, :class:`StrictSTS`.

    .. versionadded:: 0.1.0
    """
    return StrictSTS()


# --- interception ------------------------------------------------------------------------------


def _require_moto() -> None:
    try:
        import moto  # noqa: F401, PLC0415
    except ModuleNotFoundError as error:  # pragma: no cover - depends on the environment
        raise ModuleNotFoundError(
            "xaccess.testing needs moto; install it with: pip install 'xaccess[tests]'",
            name="moto",
        ) from error


def _patch_targets() -> list[tuple[type[Any], str]]:
    """What an active strict STS replaces in moto, as (class, attribute).

    moto's STS ``AssumeRole`` handler is the interception itself. IAM's role and user
    deletions and trust policy updates are only watched: AWS stores the unique ID of a role or
    user that a trust policy names, so one deleted (and perhaps created again) is no longer
    the principal the policy trusts.
    """
    from moto.iam.models import IAMBackend  # noqa: PLC0415
    from moto.sts.responses import TokenResponse  # noqa: PLC0415

    return [
        (TokenResponse, "assume_role"),
        (IAMBackend, "delete_role"),
        (IAMBackend, "delete_user"),
        (IAMBackend, "update_assume_role_policy"),
    ]


def _replacement(name: str) -> Callable[..., Any]:
    replacements: dict[str, Callable[..., Any]] = {
        "assume_role": _strict_assume_role,
        "delete_role": _watching_delete_role,
        "delete_user": _watching_delete_user,
        "update_assume_role_policy": _watching_update_assume_role_policy,
    }
    return replacements[name]


_RoleKey: TypeAlias = tuple[str, str, str]
"""A moto role as (account, partition, unique ID)."""


class _Interceptor:
    """Owns the patches of moto, shared by all active instances, and what they learn."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: list[StrictSTS] = []
        self._originals: dict[str, Callable[..., Any]] = {}
        self._had_own_attribute: dict[str, bool] = {}
        self._sessions: dict[str, _SessionFacts] = {}
        self._unresolved: dict[_RoleKey, tuple[str, frozenset[str]]] = {}

    def activate(self, strict: StrictSTS) -> None:
        _require_moto()
        targets = _patch_targets()
        with self._lock:
            if not self._active:
                for owner, name in targets:
                    current = owner.__dict__.get(name)
                    ours = _replacement(name)
                    if current is not ours:
                        self._had_own_attribute[name] = current is not None
                        self._originals[name] = getattr(owner, name)
                        setattr(owner, name, ours)
            self._active.append(strict)

    def deactivate(self, strict: StrictSTS) -> None:
        targets = _patch_targets()
        with self._lock:
            for index in range(len(self._active) - 1, -1, -1):
                if self._active[index] is strict:
                    del self._active[index]
                    break
            else:
                raise RuntimeError("this StrictSTS is not active: leave it only after entering it")
            if self._active:
                return
            # What was learnt about sessions and trust policies is kept: a session issued in
            # one block keeps its tags, source identity and session policies in the next.
            # Restore only our own patches: if someone patched over one, their restore brings
            # ours back, and it passes calls straight through while nothing is active.
            for owner, name in targets:
                if owner.__dict__.get(name) is _replacement(name):
                    if self._had_own_attribute[name]:
                        setattr(owner, name, self._originals[name])
                    else:  # pragma: no cover - moto defines these on the classes themselves
                        delattr(owner, name)

    def original(self, name: str) -> Callable[..., Any]:
        with self._lock:
            if name not in self._originals:  # pragma: no cover - only installed by activate()
                raise RuntimeError("the strict STS interception was never installed")
            return self._originals[name]

    def snapshot(self) -> tuple[Callable[..., Any], list[StrictSTS]]:
        original = self.original("assume_role")
        with self._lock:
            unique = list({id(strict): strict for strict in self._active}.values())
            return original, unique

    def remember(self, access_key_id: str, facts: _SessionFacts) -> None:
        with self._lock:
            self._sessions[access_key_id] = facts

    def facts(self, access_key_id: str) -> _SessionFacts | None:
        with self._lock:
            return self._sessions.get(access_key_id)

    def unresolve(self, role: _RoleKey, trust_policy: str, principal_arn: str) -> None:
        """Note that ``trust_policy`` of ``role`` names a principal that was deleted."""
        with self._lock:
            text, arns = self._unresolved.get(role, (trust_policy, frozenset()))
            if text != trust_policy:
                arns = frozenset()
            self._unresolved[role] = (trust_policy, arns | {principal_arn})

    def unresolved(self, role: _RoleKey, trust_policy: str) -> frozenset[str]:
        """The principal ARNs of ``trust_policy`` (still the role's) whose entity was deleted."""
        with self._lock:
            text, arns = self._unresolved.get(role, (trust_policy, frozenset()))
            return arns if text == trust_policy else frozenset()

    def resolve_again(self, role: _RoleKey) -> None:
        """A trust policy saved again names the principals that exist now."""
        with self._lock:
            self._unresolved.pop(role, None)


_INTERCEPTOR: Final = _Interceptor()


def _strict_assume_role(response: _Untyped) -> _Untyped:
    """Stand in for moto's ``TokenResponse.assume_role``: authorize, then defer to moto."""
    original, listeners = _INTERCEPTOR.snapshot()
    if not listeners:
        return original(response)
    request = _AssumeRoleRequest.from_response(response)
    attempt, facts = _judge(request)
    for strict in listeners:
        strict._record(attempt)
    if attempt.error_code is not None:
        return _error_response(attempt.error_code, attempt.error_message)
    result = original(response)
    access_key_id = _issued_access_key_id(result)
    if access_key_id is not None and facts is not None:
        _INTERCEPTOR.remember(access_key_id, facts)
    return result


def _watching_delete_role(backend: _Untyped, role_name: str) -> None:
    """Stand in for moto's ``IAMBackend.delete_role``: trust policies stop naming the role."""
    doomed = next((role for role in backend.get_roles() if role.name == role_name), None)
    _INTERCEPTOR.original("delete_role")(backend, role_name)
    if doomed is not None:
        _principal_deleted(str(doomed.arn), str(doomed.partition))


def _watching_delete_user(backend: _Untyped, user_name: str) -> None:
    """Stand in for moto's ``IAMBackend.delete_user``: trust policies stop naming the user."""
    doomed = backend.users.get(user_name)
    _INTERCEPTOR.original("delete_user")(backend, user_name)
    if doomed is not None:
        _principal_deleted(str(doomed.arn), str(doomed.arn).split(":")[1])


def _watching_update_assume_role_policy(
    backend: _Untyped, role_name: str, policy_document: str
) -> None:
    """Stand in for moto's ``IAMBackend.update_assume_role_policy``: IAM resolves the new
    trust policy's principals to the roles and users that exist now."""
    _INTERCEPTOR.original("update_assume_role_policy")(backend, role_name, policy_document)
    role = backend.get_role(role_name)
    _INTERCEPTOR.resolve_again((str(role.account_id), str(role.partition), str(role.id)))


def _principal_deleted(principal_arn: str, partition: str) -> None:
    """Every trust policy naming ``principal_arn`` now names a unique ID that matches nobody."""
    from moto.iam.models import iam_backends  # noqa: PLC0415

    for account in list(iam_backends):
        backend = _iam_backend(account, partition)
        for role in [] if backend is None else list(backend.get_roles()):
            text = str(role.assume_role_policy_document)
            if principal_arn in _aws_principals(text):
                _INTERCEPTOR.unresolve((account, partition, str(role.id)), text, principal_arn)


def _issued_access_key_id(result: _Untyped) -> str | None:
    payload = getattr(result, "result", None)
    if isinstance(payload, Mapping):
        key_id = getattr(payload.get("Credentials"), "access_key_id", None)
        if isinstance(key_id, str):
            return key_id
    return None  # pragma: no cover - moto returns an ActionResult with the AssumedRole


def _error_response(code: str, message: str) -> tuple[str, dict[str, Any]]:
    """Build the body and headers of an STS (query protocol) error response."""
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<Error><Type>Sender</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error>"
        "<RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
        "</ErrorResponse>"
    )
    return body, {"status": _ERROR_STATUS[code], "Content-Type": "text/xml"}


# --- the request -------------------------------------------------------------------------------


@attrs.frozen
class _SessionFacts:
    """What AWS keeps on an issued session and moto does not."""

    source_identity: str | None
    tags: tuple[tuple[str, str], ...]  # the session's own and inherited transitive tags
    transitive_tags: tuple[tuple[str, str], ...]  # what a session it assumes inherits
    policy_arns: tuple[str, ...]


@attrs.frozen
class _AssumeRoleRequest:
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
    def from_response(cls, response: _Untyped) -> _AssumeRoleRequest:
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


def _signing_key(response: _Untyped) -> str | None:
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


def _parameter_errors(request: _AssumeRoleRequest) -> list[str]:
    """Check what the STS API model constrains and botocore only partly checks before sending."""
    errors: list[str] = []

    def value(field: str, text: str, constraint: str) -> None:
        errors.append(
            f"Value '{text}' at '{field}' failed to satisfy constraint: Member must {constraint}"
        )

    def string(field: str, text: str | None, low: int, high: int, pattern: re.Pattern[str]) -> None:
        if text is None:
            return
        if len(text) < low:
            value(field, text, f"have length greater than or equal to {low}")
        elif len(text) > high:
            value(field, text, f"have length less than or equal to {high}")
        if pattern.fullmatch(text) is None:
            value(field, text, f"satisfy regular expression pattern: {pattern.pattern}")

    if not 20 <= len(request.role_arn) <= 2048:
        bound = (
            "greater than or equal to 20"
            if len(request.role_arn) < 20
            else "less than or equal to 2048"
        )
        value("roleArn", request.role_arn, f"have length {bound}")
    string("roleSessionName", request.session_name, 2, 64, _SESSION_NAME)
    string("externalId", request.external_id, 2, 1224, _EXTERNAL_ID)
    string("sourceIdentity", request.source_identity, 2, 256, _SESSION_NAME)
    if request.duration_seconds is not None:
        if request.duration_seconds < 900:
            value(
                "durationSeconds",
                str(request.duration_seconds),
                "have value greater than or equal to 900",
            )
        elif request.duration_seconds > 43200:
            value(
                "durationSeconds",
                str(request.duration_seconds),
                "have value less than or equal to 43200",
            )
    if len({key.lower() for key, _ in request.tags}) < len(request.tags):
        errors.append("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    if len(request.tags) > 50:
        errors.append(
            "Value at 'tags' failed to satisfy constraint: "
            "Member must have length less than or equal to 50"
        )
    return errors


def _validation_message(errors: list[str]) -> str:
    plural = "" if len(errors) == 1 else "s"
    return f"{len(errors)} validation error{plural} detected: " + "; ".join(errors)


# --- who is calling, and which role --------------------------------------------------------------


@attrs.frozen
class _Caller:
    kind: Literal["default", "user", "assumed-role"]
    arn: str
    principal_arn: str
    account: str
    user_id: str
    username: str | None
    identity_policies: tuple[str, ...]
    permissions_boundary: str | None
    session_policies: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]
    source_identity: str | None
    transitive_tags: tuple[tuple[str, str], ...] = ()
    defunct: str | None = None  # why a session has no permissions left (its role is gone)


class _Unauthenticated(Exception):
    """The request's credentials are not valid (STS refuses before any authorization)."""

    def __init__(self, code: str, message: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.message = message
        self.reason = reason


@attrs.frozen
class _Role:
    arn: str
    account: str
    trust_policy: str
    max_session_duration: int
    key: _RoleKey


def _iam_backend(account: str, partition: str) -> _Untyped | None:
    """Return moto's IAM backend of an account, or ``None`` when moto has never seen it."""
    from moto.iam.models import iam_backends  # noqa: PLC0415

    if account not in iam_backends:
        return None
    try:
        return iam_backends[account][partition]
    except KeyError:  # an unknown partition
        return None


def _find_role(role_arn: str) -> tuple[_Role | None, Any]:
    match = _ROLE_ARN.fullmatch(role_arn)
    if match is None:
        return None, None
    partition, account = match.group(1), match.group(2)
    backend = _iam_backend(account, partition)
    if backend is None:
        return None, None
    try:
        role = backend.get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - moto raises its own NotFoundException
        return None, None
    maximum = getattr(role, "max_session_duration", None)
    return (
        _Role(
            arn=str(role.arn),
            account=account,
            trust_policy=str(role.assume_role_policy_document),
            max_session_duration=int(maximum) if maximum else _DEFAULT_MAX_SESSION_DURATION,
            key=(account, partition, str(role.id)),
        ),
        role,
    )


def _role_by_arn(role_arn: str) -> _Untyped | None:
    """moto's role with this ARN, even one whose name IAM would not have accepted."""
    parts = role_arn.split(":", 5)
    backend = _iam_backend(parts[4], parts[1]) if len(parts) == 6 else None
    try:
        return None if backend is None else backend.get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - moto raises its own NotFoundException
        return None


def _managed_document(policy: _Untyped) -> str | None:
    default = getattr(policy, "default_version_id", None)
    for version in getattr(policy, "versions", ()):
        if version.version_id == default:
            return str(version.document)
    document = getattr(policy, "document", None)  # pragma: no cover - every policy has versions
    return None if document is None else str(document)  # pragma: no cover


def _documents(holder: _Untyped) -> list[str]:
    """Inline and attached managed policy documents of a moto role, user or group."""
    documents = [str(text) for text in getattr(holder, "policies", {}).values()]
    for policy in list(getattr(holder, "managed_policies", {}).values()):
        document = _managed_document(policy)
        if document is not None:
            documents.append(document)
    return documents


def _policy_by_arn(backend: _Untyped, arn: str) -> str | None:
    try:
        return _managed_document(backend.get_policy(arn))
    except Exception:  # noqa: BLE001 - moto raises its own NotFoundException
        return None


def _tag_pairs(tags: _Untyped) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(tag["Key"]), str(tag.get("Value", "")))
        for tag in tags or ()
        if isinstance(tag, Mapping) and "Key" in tag
    )


def _identify_caller(request: _AssumeRoleRequest) -> _Caller:
    """Work out who signed the request, as moto maps access keys to accounts and sessions.

    Raises:
        _Unauthenticated: For an unsigned request, or a key that AWS would not accept: an
            inactive one, one of a deleted user, or one issued in another partition.
    """
    from moto.iam.models import get_account_id_from  # noqa: PLC0415
    from moto.utilities.utils import PARTITION_NAMES  # noqa: PLC0415

    if request.access_key is None:
        raise _Unauthenticated("MissingAuthenticationToken", _UNSIGNED, "the request is not signed")
    key_account = str(get_account_id_from(request.access_key))
    backend = _iam_backend(key_account, request.partition)
    key = None if backend is None else backend.access_keys.get(request.access_key)
    if key is None and any(
        request.access_key in getattr(_iam_backend(key_account, partition), "access_keys", {})
        for partition in PARTITION_NAMES
    ):
        raise _Unauthenticated(
            "InvalidClientTokenId",
            _INVALID_TOKEN,
            f"the access key was issued in another partition than {request.partition!r}",
        )
    if key is not None and str(getattr(key, "status", "Active")) != "Active":
        raise _Unauthenticated("InvalidClientTokenId", _INVALID_TOKEN, "the access key is inactive")
    if key is not None and getattr(key, "role_arn", None):
        return _session_caller(request, key_account, key)
    if backend is not None and key is not None and getattr(key, "user_name", None):
        if key.user_name not in backend.users:
            raise _Unauthenticated(
                "InvalidClientTokenId", _INVALID_TOKEN, "the access key's user was deleted"
            )
        return _user_caller(backend, str(key.user_name), key_account)
    default = f"arn:{request.partition}:iam::{request.account}:user/{_DEFAULT_USER}"
    return _Caller(
        kind="default",
        arn=default,
        principal_arn=default,
        account=request.account,
        user_id=_DEFAULT_USER_ID,
        username=_DEFAULT_USER,
        identity_policies=(_ADMIN_POLICY,),
        permissions_boundary=None,
        session_policies=(),
        tags=(),
        source_identity=None,
    )


def _user_caller(backend: _Untyped, name: str, account: str) -> _Caller:
    user = backend.get_user(name)
    documents = _documents(user)
    for group in backend.get_groups_for_user(name):
        documents.extend(_documents(group))
    return _Caller(
        kind="user",
        arn=str(user.arn),
        principal_arn=str(user.arn),
        account=account,
        user_id=str(user.id),
        username=name,
        identity_policies=tuple(documents),
        permissions_boundary=None,
        session_policies=(),
        tags=_tag_pairs(backend.list_user_tags(name)),
        source_identity=None,
    )


def _session_caller(request: _AssumeRoleRequest, account: str, access_key: _Untyped) -> _Caller:
    from moto.sts.models import sts_backends  # noqa: PLC0415

    role_arn = str(access_key.role_arn)
    key_id = str(access_key.access_key_id)
    assumed = sts_backends[account][request.partition].get_assumed_role_from_access_key(key_id)
    role_name = role_arn.rsplit("/", 1)[-1]
    session_name = "unknown" if assumed is None else str(assumed.session_name)
    session_arn = f"arn:{request.partition}:sts::{account}:assumed-role/{role_name}/{session_name}"
    role, moto_role = _find_role(role_arn)
    backend = _iam_backend(account, request.partition)
    current = moto_role if moto_role is not None else _role_by_arn(role_arn)
    defunct = None
    if current is None:
        defunct = (
            f"the caller's role {role_arn} no longer exists, so its session has no permissions"
        )
    elif current.create_date > access_key.create_date:
        defunct = (
            f"the caller's role {role_arn} was deleted and created again after the session was "
            "issued; the session belongs to the deleted role and has no permissions"
        )
    documents: tuple[str, ...] = ()
    boundary = None
    tags: dict[str, tuple[str, str]] = {}  # by lowercased key: tag keys ignore case
    user_id = f"{role_name}:{session_name}"
    if role is not None and moto_role is not None:
        documents = tuple(_documents(moto_role))
        boundary_arn = getattr(moto_role, "permissions_boundary_arn", None)
        if boundary_arn:
            boundary = _policy_by_arn(backend, str(boundary_arn))
        tags.update((key.lower(), (key, value)) for key, value in _tag_pairs(moto_role.tags))
        user_id = f"{moto_role.id}:{session_name}"
    session_policies: list[str] = []
    if assumed is not None and assumed.policy:
        session_policies.append(str(assumed.policy))
    facts = _INTERCEPTOR.facts(key_id)
    if facts is not None:
        tags.update((key.lower(), (key, value)) for key, value in facts.tags)
        for arn in facts.policy_arns:
            document = _policy_by_arn(backend, arn)
            if document is not None:
                session_policies.append(document)
    return _Caller(
        kind="assumed-role",
        arn=session_arn,
        principal_arn=role_arn if role is None else role.arn,
        account=account,
        user_id=user_id,
        username=None,
        identity_policies=documents,
        permissions_boundary=boundary,
        session_policies=tuple(session_policies),
        tags=tuple(tags.values()),
        source_identity=None if facts is None else facts.source_identity,
        transitive_tags=() if facts is None else facts.transitive_tags,
        defunct=defunct,
    )


def _request_context(request: _AssumeRoleRequest, caller: _Caller) -> dict[str, ContextValue]:
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
        if _usable_key(key):
            context[f"aws:PrincipalTag/{key}"] = value
    if caller.source_identity is not None:
        context["aws:SourceIdentity"] = caller.source_identity
    if request.external_id is not None:
        context["sts:ExternalId"] = request.external_id
    source_identity = _source_identity(request, caller)
    if source_identity is not None:  # set now, or carried on from the calling session
        context["sts:SourceIdentity"] = source_identity
    if request.tags:
        for key, value in request.tags:
            if _usable_key(key):
                context[f"aws:RequestTag/{key}"] = value
        context["aws:TagKeys"] = [key for key, _ in request.tags]
    if request.transitive_tag_keys:
        context["sts:TransitiveTagKeys"] = list(request.transitive_tag_keys)
    return context


def _source_identity(request: _AssumeRoleRequest, caller: _Caller) -> str | None:
    """The new session's source identity: once set, it persists along a role chain."""
    return (
        request.source_identity if request.source_identity is not None else caller.source_identity
    )


def _usable_key(tag_key: str) -> bool:
    """Whether a tag key can be part of a condition key (policies cannot name one with spaces)."""
    return not any(char.isspace() for char in tag_key)


# --- the decision --------------------------------------------------------------------------------


@attrs.frozen
class _Verdict:
    allowed: bool
    decisions: tuple[Decision, ...]
    reason: str


def _judge(request: _AssumeRoleRequest) -> tuple[AssumeRoleAttempt, _SessionFacts | None]:
    """Decide a request; when allowed, also say what the new session carries."""
    try:
        caller = _identify_caller(request)
    except _Unauthenticated as refusal:
        return _unauthenticated(request, refusal), None
    attempt = _decide(request, caller)
    if not attempt.allowed:
        return attempt, None
    transitive = {key.lower() for key in request.transitive_tag_keys}
    facts = _SessionFacts(
        source_identity=_source_identity(request, caller),
        tags=request.tags + caller.transitive_tags,
        transitive_tags=caller.transitive_tags
        + tuple((key, value) for key, value in request.tags if key.lower() in transitive),
        policy_arns=request.policy_arns,
    )
    return attempt, facts


def _unauthenticated(request: _AssumeRoleRequest, refusal: _Unauthenticated) -> AssumeRoleAttempt:
    return AssumeRoleAttempt(
        caller_arn="",
        principal_arn="",
        role_arn=request.role_arn,
        session_name=request.session_name,
        external_id=request.external_id,
        duration_seconds=request.duration_seconds,
        allowed=False,
        error_code=refusal.code,
        error_message=refusal.message,
        denied_action=None,
        context={},
        decisions=(),
        reason=refusal.reason,
    )


def _decide(request: _AssumeRoleRequest, caller: _Caller) -> AssumeRoleAttempt:
    context = _request_context(request, caller)
    decisions: list[Decision] = []

    def outcome(
        code: str | None, message: str, reason: str, action: str | None = None
    ) -> AssumeRoleAttempt:
        return AssumeRoleAttempt(
            caller_arn=caller.arn,
            principal_arn=caller.principal_arn,
            role_arn=request.role_arn,
            session_name=request.session_name,
            external_id=request.external_id,
            duration_seconds=request.duration_seconds,
            allowed=code is None,
            error_code=code,
            error_message=message,
            denied_action=action,
            context=context,
            decisions=tuple(decisions),
            reason=reason,
        )

    def denied(action: str, reason: str) -> AssumeRoleAttempt:
        message = (
            f"User: {caller.arn} is not authorized to perform: {action} "
            f"on resource: {request.role_arn}"
        )
        return outcome("AccessDenied", message, reason, action)

    errors = _parameter_errors(request)
    if errors:
        return outcome(
            "ValidationError", _validation_message(errors), "the request breaks the STS API model"
        )
    match = _ROLE_ARN.fullmatch(request.role_arn)
    if match is None:
        return outcome("ValidationError", "Request ARN is invalid", "not an IAM role ARN")
    passed = {key.lower() for key, _ in request.tags}
    if any(key.lower() not in passed for key in request.transitive_tag_keys):
        return outcome(
            "InvalidParameterValue",
            _TRANSITIVE_NOT_PASSED,
            "a transitive tag key is not the key of a tag passed",
        )
    if passed & {key.lower() for key, _ in caller.transitive_tags}:
        return outcome(
            "InvalidParameterValue",
            _TRANSITIVE_CONFLICT,
            "a tag passed has the key of a transitive tag the calling session passes on",
        )
    if match.group(1) != request.partition:
        return denied(
            _ASSUME_ROLE,
            f"the role is in partition {match.group(1)!r}, the request in "
            f"{request.partition!r}: STS does not assume roles across partitions",
        )
    role, _ = _find_role(request.role_arn)
    if role is None:
        return denied(_ASSUME_ROLE, "the role does not exist in moto's IAM")
    if caller.defunct is not None:
        return denied(_ASSUME_ROLE, caller.defunct)
    trust = _trust_document(role)
    if isinstance(trust, str):
        return denied(_ASSUME_ROLE, trust)
    source_identity = _source_identity(request, caller)
    if caller.source_identity is not None and source_identity != caller.source_identity:
        return denied(
            _SET_SOURCE_IDENTITY,
            f"the calling session's source identity {caller.source_identity!r} cannot be "
            "changed along a role chain",
        )
    actions = [_ASSUME_ROLE]
    if request.tags:
        actions.append(_TAG_SESSION)
    if source_identity is not None:  # also when carried on: every role of the chain must allow it
        actions.append(_SET_SOURCE_IDENTITY)
    for action in actions:
        verdict = _authorize(caller, role, trust, action, context)
        decisions.extend(verdict.decisions)
        if not verdict.allowed:
            return denied(action, verdict.reason)
    duration = request.duration_seconds or _DEFAULT_DURATION
    if duration > role.max_session_duration:
        return outcome(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            f"{duration} s is above the role's MaxSessionDuration of {role.max_session_duration} s",
        )
    if caller.kind == "assumed-role" and duration > _CHAINING_LIMIT:
        return outcome(
            "ValidationError",
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
            "by role chaining.",
            f"{duration} s is above the {_CHAINING_LIMIT} s limit of role chaining",
        )
    return outcome(None, "", str(decisions[0]))


def _trust_document(role: _Role) -> PolicyDocument | str:
    """The role's trust policy as AWS holds it, or why it is not a policy.

    A role or user ARN in ``Principal`` is stored by AWS as that principal's unique ID, so it
    names only the role or user that existed with exactly that ARN (path included) when the
    policy was saved. One that does not exist now, or was deleted since, names nobody.
    """
    from xaccess.policy import PolicyDocument  # noqa: PLC0415

    try:
        PolicyDocument.from_json(role.trust_policy)
        return PolicyDocument.from_json(_resolved_trust(role))
    except ValueError as error:
        return f"the role's trust policy is not valid: {error}"


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _principal_lists(document: object) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    """Each ``Principal`` with an ``AWS`` element in a policy document, with its entries."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if isinstance(principal, dict) and "AWS" in principal:
            entries = principal["AWS"]
            yield principal, entries if isinstance(entries, list) else [entries]


def _aws_principals(trust_policy: str) -> set[str]:
    return {
        entry
        for _, entries in _principal_lists(_json_or_none(trust_policy))
        for entry in entries
        if isinstance(entry, str)
    }


def _resolved_trust(role: _Role) -> str:
    """The trust policy text with each role or user ARN that names nobody replaced."""
    document = _json_or_none(role.trust_policy)
    deleted = _INTERCEPTOR.unresolved(role.key, role.trust_policy)
    changed = False
    for principal, entries in _principal_lists(document):
        resolved = [_resolved_principal(entry, deleted) for entry in entries]
        if resolved != entries:
            changed = True
            principal["AWS"] = resolved
    return json.dumps(document) if changed else role.trust_policy


def _resolved_principal(entry: object, deleted: frozenset[str]) -> object:
    match = _NAMED_PRINCIPAL.fullmatch(entry) if isinstance(entry, str) else None
    if match is None:
        return entry
    partition, account, kind = match.groups()
    backend = _iam_backend(account, partition)
    entities = (
        []
        if backend is None
        else list(backend.get_roles() if kind == "role" else backend.users.values())
    )
    if entry not in deleted and any(str(entity.arn) == entry for entity in entities):
        return entry
    # An ARN no caller has (AWS shows the deleted principal's unique ID instead).
    return f"arn:{partition}:iam::{account}:unresolved-{kind}/{str(entry).split('/', 1)[1]}"


def _parse_policies(texts: tuple[str, ...]) -> list[PolicyDocument]:
    """Parse stored identity or session policies; one IAM would not have stored is skipped."""
    from xaccess.policy import PolicyDocument  # noqa: PLC0415

    documents = []
    for text in texts:
        try:
            documents.append(PolicyDocument.from_json(text))
        except ValueError:
            continue
    return documents


def _authorize(
    caller: _Caller,
    role: _Role,
    trust: PolicyDocument,
    action: str,
    context: Mapping[str, ContextValue],
) -> _Verdict:
    """Evaluate one action of an AssumeRole request against every policy that applies.

    The evaluator knows the rules of role trust policies: a trust policy naming the caller or
    its role is enough in the same account, one naming only the account delegates to the
    caller's identity policies, and across accounts both must allow.
    """
    from xaccess.policy import Request, evaluate  # noqa: PLC0415

    boundary_texts = () if caller.permissions_boundary is None else (caller.permissions_boundary,)
    boundaries = _parse_policies(boundary_texts)
    session_policies = _parse_policies(caller.session_policies)
    if len(boundaries) < len(boundary_texts) or len(session_policies) < len(
        caller.session_policies
    ):
        # These only restrict: one that cannot be read must not widen access by being
        # skipped, so the request is denied instead (fail closed).
        return _Verdict(
            allowed=False,
            decisions=(),
            reason="the caller's permissions boundary or session policy cannot be read, so "
            "it cannot be shown to allow the request",
        )
    try:
        request = Request(principal=caller.arn, action=action, resource=role.arn, context=context)
        decision = evaluate(
            request,
            identity_policies=_parse_policies(caller.identity_policies),
            resource_policy=trust,
            permissions_boundary=boundaries[0] if boundaries else None,
            session_policies=session_policies,
        )
    except ValueError as error:  # a request the evaluator cannot represent
        return _Verdict(allowed=False, decisions=(), reason=f"cannot be evaluated: {error}")
    return _Verdict(allowed=decision.allowed, decisions=(decision,), reason=str(decision))


# --- acting as a principal -----------------------------------------------------------------------


def session_for(
    principal_arn: str,
    *,
    region_name: str = "us-east-1",
    endpoint_url: str | None = None,
    policies: Mapping[str, PolicyInput] | None = None,
    session_name: str = "xaccess-testing",
) -> boto3.Session:
    """Return a boto3 session whose requests moto attributes to ``principal_arn``.

    This is how a test acts as, say, a vendor's role in another account. The principal is
    created in moto's IAM (in the account of its ARN) when it does not exist yet:

    * a role (``arn:aws:iam::111122223333:role/VendorWorker``, path included) is created trusting
      its own account, and the session is one of its assumed-role sessions;
    * an assumed-role session ARN (``arn:aws:sts::...:assumed-role/ROLE/SESSION``) works the same,
      with that session name;
    * a user (``arn:aws:iam::...:user/NAME``) gets an access key;
    * an account root (``arn:aws:iam::...:root``) gives moto's default identity of that account:
      it acts as the root for every service, and the strict STS evaluates its ``AssumeRole``
      requests as the IAM user ``arn:aws:iam::ACCOUNT:user/moto`` with full permissions.

    A role or user created here receives the identity policy ``policies`` names, or by default
    one allowing ``sts:AssumeRole`` (with ``sts:TagSession`` and ``sts:SetSourceIdentity``) on
    every resource. For one that already exists, ``policies`` (when given) are put as inline
    policies, replacing those of the same name.

    moto must be running in this process (``mock_aws()``, or a ``ThreadedMotoServer`` reached
    through ``endpoint_url``): role credentials are issued by moto's STS backend directly, so
    acting as a principal is never itself an ``AssumeRole`` the strict STS would judge.

    Args:
        principal_arn: The role, assumed-role session, user or account root to act as.
        region_name: The session's region.
        endpoint_url: The moto server's URL; every client and resource made from the returned
            session uses it unless told otherwise. ``None`` for in-process ``mock_aws()``.
        policies: Inline identity policies by name (JSON text, a mapping, or an object with
            ``to_json()`` such as :class:`xaccess.PolicyDocument`); ``{}`` for none. Not
            accepted for an account root.
        session_name: The session name of a role's session (an assumed-role ARN brings its own).

    Returns:
        A boto3 session with that principal's credentials.

    Raises:
        ValidationError: If ``principal_arn`` is not a role, assumed-role, user or root ARN, if
            ``policies`` is given for a root, or if ``session_name`` is invalid.
        RuntimeError: If ``endpoint_url`` is ``None`` and ``mock_aws()`` is not active (the
            session would reach AWS itself).

    .. versionadded:: 0.1.0
    """
    from xaccess.identifiers import (  # noqa: PLC0415
        Arn,
        AssumedRoleArn,
        RoleArn,
        principal_kind,
        validate_session_name,
    )

    kind = principal_kind(principal_arn, field="principal_arn")
    arn = Arn.parse(principal_arn, field="principal_arn")
    if kind == "federated-user":
        raise ValidationError(
            "principal_arn", "federated-user sessions are not supported; use a role or a user"
        )
    if kind == "root" and policies is not None:
        raise ValidationError(
            "policies", "an account root has no identity policies; it may do anything"
        )
    if kind == "role":
        session_name = validate_session_name(session_name, field="session_name")
    _require_moto()
    if endpoint_url is None and not _moto_in_process():
        raise RuntimeError(
            "moto is not active: call session_for() inside moto.mock_aws(), or pass the "
            "endpoint_url of a moto server"
        )
    if kind == "root":
        return _new_session(
            region_name=region_name,
            endpoint_url=endpoint_url,
            credentials=(_FAKE_SECRET, _FAKE_SECRET, None),
            account=arn.account,
        )
    iam = _administrator_client("iam", arn.account, region_name, endpoint_url)
    if kind == "user":
        path, _, name = arn.resource_id.rpartition("/")
        access_key = _ensure_user(iam, f"/{path}/" if path else "/", name, policies)
        return _new_session(
            region_name=region_name,
            endpoint_url=endpoint_url,
            credentials=(access_key, _FAKE_SECRET, None),
        )
    if kind == "assumed-role":
        session = AssumedRoleArn.parse(principal_arn, field="principal_arn")
        role_arn = _ensure_role(iam, None, session.role_name, str(session.role_arn()), policies)
        session_name = session.session_name
    else:
        role = RoleArn.parse(principal_arn, field="principal_arn")
        role_arn = _ensure_role(iam, role.path, role.name, str(role), policies)
    return _new_session(
        region_name=region_name,
        endpoint_url=endpoint_url,
        credentials=_issue_role_credentials(role_arn, session_name, arn.account, region_name),
    )


def _moto_in_process() -> bool:
    """Whether ``mock_aws()`` intercepts botocore now (assumed so if moto changes how)."""
    from moto.core import models  # noqa: PLC0415

    return bool(getattr(getattr(models, "botocore_stubber", None), "enabled", True))


@functools.lru_cache(maxsize=32)
def _administrator_client(
    service: str, account: str, region_name: str, endpoint_url: str | None
) -> _Untyped:
    """A client acting as moto's default identity of ``account`` (kept: clients are costly)."""
    session = _new_session(
        region_name=region_name,
        endpoint_url=endpoint_url,
        credentials=(_FAKE_SECRET, _FAKE_SECRET, None),
        account=account,
    )
    return session.client(service)  # type: ignore[call-overload]


def _policy_text(document: PolicyInput) -> str:
    if isinstance(document, str):
        return document
    if isinstance(document, Mapping):
        return json.dumps(document)
    return document.to_json()


def _is_missing(error: Exception) -> bool:
    response = getattr(error, "response", None)
    return isinstance(response, Mapping) and response.get("Error", {}).get("Code") == "NoSuchEntity"


def _ensure_role(
    iam: _Untyped,
    path: str | None,
    name: str,
    wanted_arn: str,
    policies: Mapping[str, PolicyInput] | None,
) -> str:
    """Create the role unless it exists; put its policies; return its real ARN."""
    from botocore.exceptions import ClientError  # noqa: PLC0415

    try:
        role = iam.get_role(RoleName=name)["Role"]
        created = False
    except ClientError as error:
        if not _is_missing(error):  # pragma: no cover - moto answers NoSuchEntity
            raise
        account = wanted_arn.split(":")[4]
        partition = wanted_arn.split(":")[1]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Action": _ASSUME_ROLE,
                }
            ],
        }
        role = iam.create_role(
            RoleName=name, Path=path or "/", AssumeRolePolicyDocument=json.dumps(trust)
        )["Role"]
        created = True
    actual = str(role["Arn"])
    if path is not None and actual != wanted_arn:
        raise ValidationError(
            "principal_arn", f"a role named {name!r} already exists with another path: {actual}"
        )
    chosen = _chosen_policies(policies, created=created)
    for policy_name, document in chosen.items():
        iam.put_role_policy(
            RoleName=name, PolicyName=policy_name, PolicyDocument=_policy_text(document)
        )
    return actual


def _ensure_user(
    iam: _Untyped, path: str, name: str, policies: Mapping[str, PolicyInput] | None
) -> str:
    """Create the user unless it exists; put its policies; return one of its access key IDs."""
    from botocore.exceptions import ClientError  # noqa: PLC0415

    try:
        user = iam.get_user(UserName=name)["User"]
        created = False
    except ClientError as error:
        if not _is_missing(error):  # pragma: no cover - moto answers NoSuchEntity
            raise
        user = iam.create_user(UserName=name, Path=path)["User"]
        created = True
    if user.get("Path", "/") != path:
        raise ValidationError(
            "principal_arn",
            f"a user named {name!r} already exists with another path: {user['Arn']}",
        )
    for policy_name, document in _chosen_policies(policies, created=created).items():
        iam.put_user_policy(
            UserName=name, PolicyName=policy_name, PolicyDocument=_policy_text(document)
        )
    # moto does not check signatures, so an existing key works with any secret.
    keys = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    if keys:
        return str(keys[0]["AccessKeyId"])
    return str(iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"])


def _chosen_policies(
    policies: Mapping[str, PolicyInput] | None, *, created: bool
) -> Mapping[str, PolicyInput]:
    if policies is not None:
        return policies
    return {"xaccess-testing-assume-role": _DEFAULT_VENDOR_POLICY} if created else {}


def _issue_role_credentials(
    role_arn: str, session_name: str, account: str, region_name: str
) -> tuple[str, str, str]:
    """Have moto's STS backend issue a session of the role, as a successful AssumeRole would."""
    from moto.sts.models import sts_backends  # noqa: PLC0415

    partition = role_arn.split(":")[1]
    backend: _Untyped = sts_backends[account][partition]
    assumed = backend.assume_role(
        region_name=region_name,
        role_session_name=session_name,
        role_arn=role_arn,
        policy=None,
        duration=_DEFAULT_DURATION,
        external_id=None,
    )
    return str(assumed.access_key_id), str(assumed.secret_access_key), str(assumed.session_token)


def _new_session(
    *,
    region_name: str,
    endpoint_url: str | None,
    credentials: tuple[str, str, str | None],
    account: str | None = None,
) -> boto3.Session:
    access_key, secret, token = credentials
    session = _quick_session(
        _session_class(),
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name=region_name,
    )
    session._xaccess_endpoint_url = endpoint_url  # type: ignore[attr-defined]
    if account is not None:
        session.events.register("before-sign", functools.partial(_pin_account, account=account))
    return session


def _quick_session(cls: type[boto3.Session], **kwargs: str | None) -> boto3.Session:
    """Make a boto3 session cheaply: tests make many.

    The sessions made here share one data loader (a new one reads the service models and
    endpoints from disk again, about a tenth of a second per client) and start from a copy of
    botocore's built-in event handlers instead of registering them again.
    """
    import botocore.session  # noqa: PLC0415

    with _SESSIONS_LOCK:
        loader = _shared_loader()
        core = botocore.session.Session(
            event_hooks=copy.copy(_builtin_handlers()), include_builtin_handlers=False
        )
        core.register_component("data_loader", loader)
        session = cls(botocore_session=core, **kwargs)
        # boto3 appends its resource models' directory to the loader of every new session.
        loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
    return session


_SESSIONS_LOCK: Final = threading.Lock()


@functools.cache
def _builtin_handlers() -> HierarchicalEmitter:
    """botocore's built-in event handlers, moto's included (so moto is imported first)."""
    import botocore.session  # noqa: PLC0415
    from botocore.hooks import HierarchicalEmitter  # noqa: PLC0415

    _require_moto()
    import moto  # noqa: F401, PLC0415 - registers its handler with botocore

    events = HierarchicalEmitter()
    botocore.session.Session(event_hooks=events)
    return events


@functools.cache
def _shared_loader() -> Loader:
    import botocore.session  # noqa: PLC0415

    loader: Loader = botocore.session.get_session().get_component("data_loader")
    return loader


def _pin_account(request: _Untyped, account: str, **_: _Untyped) -> None:
    """Tell moto which account the default identity acts in (moto's multi-account header)."""
    request.headers[_ACCOUNT_HEADER] = account


@functools.cache
def _session_class() -> type[boto3.Session]:
    import boto3  # noqa: PLC0415

    class _TestSession(boto3.Session):
        """A boto3 session whose clients and resources default to one endpoint URL."""

        _xaccess_endpoint_url: str | None = None

        def client(self, *args: _Untyped, **kwargs: _Untyped) -> _Untyped:
            if len(args) < 6 and kwargs.get("endpoint_url") is None and self._xaccess_endpoint_url:
                kwargs["endpoint_url"] = self._xaccess_endpoint_url
            return super().client(*args, **kwargs)

        def resource(self, *args: _Untyped, **kwargs: _Untyped) -> _Untyped:
            if len(args) < 6 and kwargs.get("endpoint_url") is None and self._xaccess_endpoint_url:
                kwargs["endpoint_url"] = self._xaccess_endpoint_url
            return super().resource(*args, **kwargs)

    return _TestSession


# --- the pytest fixture --------------------------------------------------------------------------


@contextlib.contextmanager
def _fake_aws_environment() -> Iterator[None]:
    """Fake credentials and region, and no shared config or credentials files."""
    saved = {key: value for key, value in os.environ.items() if key.startswith("AWS_")}
    with tempfile.TemporaryDirectory(prefix="xaccess-testing-") as directory:
        absent = os.path.join(directory, "absent")  # never created
        for key in saved:
            del os.environ[key]
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": _FAKE_SECRET,
                "AWS_SECRET_ACCESS_KEY": _FAKE_SECRET,
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_CONFIG_FILE": os.path.join(absent, "config"),
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(absent, "credentials"),
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )
        try:
            yield
        finally:
            for key in [key for key in os.environ if key.startswith("AWS_")]:
                del os.environ[key]
            os.environ.update(saved)


try:
    import pytest
except ModuleNotFoundError:  # pragma: no cover - pytest is only needed for the fixture
    pass
else:

    @pytest.fixture(name="strict_sts")
    def strict_sts_fixture() -> Iterator[StrictSTS]:
        """Yield an active :class:`StrictSTS` inside ``moto.mock_aws()``.

        The environment has fake credentials (``testing``), region ``us-east-1``, no shared
        config or credentials file and no instance metadata, so nothing can reach AWS.

        .. versionadded:: 0.1.0
        """
        _require_moto()
        from moto import mock_aws  # noqa: PLC0415

        with _fake_aws_environment(), mock_aws(), strict_sts() as active:
            import boto3  # noqa: PLC0415

            boto3.DEFAULT_SESSION = _quick_session(boto3.Session)  # mock_aws() restores it
            yield active
