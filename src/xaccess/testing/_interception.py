"""Interception: an active strict STS stands in for moto's ``AssumeRole`` handler.

moto's STS ``TokenResponse.assume_role`` is replaced while at least one :class:`StrictSTS` is
active, so every ``AssumeRole`` that moto serves in this process (``mock_aws()`` or a
``ThreadedMotoServer``) is judged first. IAM's role and user deletions and trust policy updates
are watched, because AWS stores the unique ID of a principal a trust policy names.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final
from xml.sax.saxutils import escape

from xaccess.testing._authorization import judge
from xaccess.testing._context import Network
from xaccess.testing._memory import MEMORY
from xaccess.testing._moto import Untyped, iam_backend, require_moto
from xaccess.testing._request import AssumeRoleRequest
from xaccess.testing._trust import aws_principals

if TYPE_CHECKING:
    from xaccess.testing._strict import StrictSTS

_ERROR_STATUS: Final = {
    "AccessDenied": 403,
    "ValidationError": 400,
    "InvalidParameterValue": 400,
    "InvalidClientTokenId": 403,
    "MissingAuthenticationToken": 403,
}


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
        "assume_role": strict_assume_role,
        "delete_role": _watching_delete_role,
        "delete_user": _watching_delete_user,
        "update_assume_role_policy": _watching_update_assume_role_policy,
    }
    return replacements[name]


class _Interceptor:
    """Owns the patches of moto, shared by all active instances."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: list[StrictSTS] = []
        self._originals: dict[str, Callable[..., Any]] = {}
        self._had_own_attribute: dict[str, bool] = {}

    def activate(self, strict: StrictSTS) -> None:
        require_moto()
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
            # What was learnt about sessions and trust policies stays in MEMORY.
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

    def snapshot(self) -> tuple[Callable[..., Any], list[StrictSTS], Network]:
        """moto's handler, the active instances (each once), and the network of the innermost."""
        original = self.original("assume_role")
        with self._lock:
            unique = list({id(strict): strict for strict in self._active}.values())
            network = self._active[-1].network if self._active else Network()
            return original, unique, network


INTERCEPTOR: Final = _Interceptor()


def strict_assume_role(response: Untyped) -> Untyped:
    """Stand in for moto's ``TokenResponse.assume_role``: authorize, then defer to moto."""
    original, listeners, network = INTERCEPTOR.snapshot()
    if not listeners:
        return original(response)
    request = AssumeRoleRequest.from_response(response)
    attempt, facts = judge(request, network)
    for strict in listeners:
        strict._record(attempt)
    if attempt.error_code is not None:
        return _error_response(attempt.error_code, attempt.error_message)
    result = original(response)
    access_key_id = _issued_access_key_id(result)
    if access_key_id is not None and facts is not None:
        MEMORY.remember(access_key_id, facts)
    return result


def _watching_delete_role(backend: Untyped, role_name: str) -> None:
    """Stand in for moto's ``IAMBackend.delete_role``: trust policies stop naming the role."""
    doomed = next((role for role in backend.get_roles() if role.name == role_name), None)
    INTERCEPTOR.original("delete_role")(backend, role_name)
    if doomed is not None:
        _principal_deleted(str(doomed.arn), str(doomed.partition))


def _watching_delete_user(backend: Untyped, user_name: str) -> None:
    """Stand in for moto's ``IAMBackend.delete_user``: trust policies stop naming the user."""
    doomed = backend.users.get(user_name)
    INTERCEPTOR.original("delete_user")(backend, user_name)
    if doomed is not None:
        _principal_deleted(str(doomed.arn), str(doomed.arn).split(":")[1])


def _watching_update_assume_role_policy(
    backend: Untyped, role_name: str, policy_document: str
) -> None:
    """Stand in for moto's ``IAMBackend.update_assume_role_policy``: IAM resolves the new
    trust policy's principals to the roles and users that exist now."""
    INTERCEPTOR.original("update_assume_role_policy")(backend, role_name, policy_document)
    role = backend.get_role(role_name)
    MEMORY.resolve_again((str(role.account_id), str(role.partition), str(role.id)))


def _principal_deleted(principal_arn: str, partition: str) -> None:
    """Every trust policy naming ``principal_arn`` now names a unique ID that matches nobody."""
    from moto.iam.models import iam_backends  # noqa: PLC0415

    for account in list(iam_backends):
        backend = iam_backend(account, partition)
        for role in [] if backend is None else list(backend.get_roles()):
            text = str(role.assume_role_policy_document)
            if principal_arn in aws_principals(text):
                MEMORY.unresolve((account, partition, str(role.id)), text, principal_arn)


def _issued_access_key_id(result: Untyped) -> str | None:
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
