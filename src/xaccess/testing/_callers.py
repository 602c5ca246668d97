"""Caller identification: who signed an ``AssumeRole`` request, and which role it names.

moto maps each access key to an account, an IAM user or a session it issued; this module turns
that into a :class:`Caller` with the identity policies, permissions boundary, session policies
and tags AWS would evaluate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, Literal

import attrs

from xaccess import limits
from xaccess.testing._memory import MEMORY
from xaccess.testing._moto import RoleKey, Untyped, iam_backend
from xaccess.testing._request import ROLE_ARN, AssumeRoleRequest

_DEFAULT_USER: Final = "moto"  # moto's name for its default identity
_DEFAULT_USER_ID: Final = "AKIAIOSFODNN7EXAMPLE"  # what moto's GetCallerIdentity reports


_INVALID_TOKEN: Final = "The security token included in the request is invalid."
_UNSIGNED: Final = "Request is missing Authentication Token"


_ADMIN_POLICY: Final = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


@attrs.frozen
class Caller:
    """The principal that signed a request, with everything AWS evaluates about it."""

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
    token_issue_time: str | None = None  # when a session's credentials were issued (UTC)


class Unauthenticated(Exception):
    """The request's credentials are not valid (STS refuses before any authorization)."""

    def __init__(self, code: str, message: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.message = message
        self.reason = reason


@attrs.frozen
class Role:
    """The role a request names, as moto's IAM holds it."""

    arn: str
    account: str
    trust_policy: str
    max_session_duration: int
    key: RoleKey


def find_role(role_arn: str) -> tuple[Role | None, Any]:
    match = ROLE_ARN.fullmatch(role_arn)
    if match is None:
        return None, None
    partition, account = match.group(1), match.group(2)
    backend = iam_backend(account, partition)
    if backend is None:
        return None, None
    try:
        role = backend.get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - moto raises its own NotFoundException
        return None, None
    maximum = getattr(role, "max_session_duration", None)
    return (
        Role(
            arn=str(role.arn),
            account=account,
            trust_policy=str(role.assume_role_policy_document),
            max_session_duration=int(maximum) if maximum else limits.DEFAULT_MAX_SESSION_DURATION,
            key=(account, partition, str(role.id)),
        ),
        role,
    )


def _role_by_arn(role_arn: str) -> Untyped | None:
    """moto's role with this ARN, even one whose name IAM would not have accepted."""
    parts = role_arn.split(":", 5)
    backend = iam_backend(parts[4], parts[1]) if len(parts) == 6 else None
    try:
        return None if backend is None else backend.get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - moto raises its own NotFoundException
        return None


def _managed_document(policy: Untyped) -> str | None:
    default = getattr(policy, "default_version_id", None)
    for version in getattr(policy, "versions", ()):
        if version.version_id == default:
            return str(version.document)
    document = getattr(policy, "document", None)  # pragma: no cover - every policy has versions
    return None if document is None else str(document)  # pragma: no cover


def _documents(holder: Untyped) -> list[str]:
    """Inline and attached managed policy documents of a moto role, user or group."""
    documents = [str(text) for text in getattr(holder, "policies", {}).values()]
    for policy in list(getattr(holder, "managed_policies", {}).values()):
        document = _managed_document(policy)
        if document is not None:
            documents.append(document)
    return documents


def policy_by_arn(backend: Untyped, arn: str) -> str | None:
    try:
        return _managed_document(backend.get_policy(arn))
    except Exception:  # noqa: BLE001 - moto raises its own NotFoundException
        return None


def tag_pairs(tags: Untyped) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(tag["Key"]), str(tag.get("Value", "")))
        for tag in tags or ()
        if isinstance(tag, Mapping) and "Key" in tag
    )


def identify_caller(request: AssumeRoleRequest) -> Caller:
    """Work out who signed the request, as moto maps access keys to accounts and sessions.

    Raises:
        Unauthenticated: For an unsigned request, or a key that AWS would not accept: an
            inactive one, one of a deleted user, or one issued in another partition.
    """
    from moto.iam.models import get_account_id_from  # noqa: PLC0415
    from moto.utilities.utils import PARTITION_NAMES  # noqa: PLC0415

    if request.access_key is None:
        raise Unauthenticated("MissingAuthenticationToken", _UNSIGNED, "the request is not signed")
    key_account = str(get_account_id_from(request.access_key))
    backend = iam_backend(key_account, request.partition)
    key = None if backend is None else backend.access_keys.get(request.access_key)
    if key is None and any(
        request.access_key in getattr(iam_backend(key_account, partition), "access_keys", {})
        for partition in PARTITION_NAMES
    ):
        raise Unauthenticated(
            "InvalidClientTokenId",
            _INVALID_TOKEN,
            f"the access key was issued in another partition than {request.partition!r}",
        )
    if key is not None and str(getattr(key, "status", "Active")) != "Active":
        raise Unauthenticated("InvalidClientTokenId", _INVALID_TOKEN, "the access key is inactive")
    if key is not None and getattr(key, "role_arn", None):
        return _session_caller(request, key_account, key)
    if backend is not None and key is not None and getattr(key, "user_name", None):
        if key.user_name not in backend.users:
            raise Unauthenticated(
                "InvalidClientTokenId", _INVALID_TOKEN, "the access key's user was deleted"
            )
        return _user_caller(backend, str(key.user_name), key_account)
    default = f"arn:{request.partition}:iam::{request.account}:user/{_DEFAULT_USER}"
    return Caller(
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


def _user_caller(backend: Untyped, name: str, account: str) -> Caller:
    user = backend.get_user(name)
    documents = _documents(user)
    for group in backend.get_groups_for_user(name):
        documents.extend(_documents(group))
    return Caller(
        kind="user",
        arn=str(user.arn),
        principal_arn=str(user.arn),
        account=account,
        user_id=str(user.id),
        username=name,
        identity_policies=tuple(documents),
        permissions_boundary=None,
        session_policies=(),
        tags=tag_pairs(backend.list_user_tags(name)),
        source_identity=None,
    )


def _session_caller(request: AssumeRoleRequest, account: str, access_key: Untyped) -> Caller:
    from moto.sts.models import sts_backends  # noqa: PLC0415

    role_arn = str(access_key.role_arn)
    key_id = str(access_key.access_key_id)
    assumed = sts_backends[account][request.partition].get_assumed_role_from_access_key(key_id)
    role_name = role_arn.rsplit("/", 1)[-1]
    session_name = "unknown" if assumed is None else str(assumed.session_name)
    session_arn = f"arn:{request.partition}:sts::{account}:assumed-role/{role_name}/{session_name}"
    role, moto_role = find_role(role_arn)
    backend = iam_backend(account, request.partition)
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
            boundary = policy_by_arn(backend, str(boundary_arn))
        tags.update((key.lower(), (key, value)) for key, value in tag_pairs(moto_role.tags))
        user_id = f"{moto_role.id}:{session_name}"
    session_policies: list[str] = []
    if assumed is not None and assumed.policy:
        session_policies.append(str(assumed.policy))
    facts = MEMORY.facts(key_id)
    if facts is not None:
        tags.update((key.lower(), (key, value)) for key, value in facts.tags)
        for arn in facts.policy_arns:
            document = policy_by_arn(backend, arn)
            if document is not None:
                session_policies.append(document)
    return Caller(
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
        token_issue_time=access_key.create_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
