"""Who the caller of a request is, and how a policy's ``Principal`` names it.

:func:`parse_caller` reads a request's principal (an ARN, a service or identity
provider name, a canonical user ID or ``"*"``) into a :class:`Caller`;
:func:`principal_strength` and :func:`exempt` match a statement's ``Principal``
and ``NotPrincipal`` against it.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Final, Literal

import attrs

from xaccess._validate import echo
from xaccess.errors import ValidationError
from xaccess.identifiers import Arn, AssumedRoleArn, RoleArn, principal_kind

if TYPE_CHECKING:
    from xaccess.policy.model import Principal

__all__ = [
    "BY_ACCOUNT",
    "BY_ROLE",
    "DIRECT",
    "NO_MATCH",
    "Caller",
    "exempt",
    "parse_caller",
    "principal_strength",
]

_ANONYMOUS: Final = frozenset({"*", "anonymous"})
_DOMAIN: Final = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+",
    re.ASCII,
)
_CANONICAL_USER: Final = re.compile(r"[0-9a-f]{64}", re.ASCII)
_SERVICE_SUFFIXES: Final = (".amazonaws.com", ".amazonaws.com.cn")
_WEB_IDENTITY_PROVIDERS: Final = frozenset(
    {
        "cognito-identity.amazonaws.com",
        "www.amazon.com",
        "graph.facebook.com",
        "accounts.google.com",
    }
)
_CACHE_SIZE: Final = 1024

# How a resource-based policy statement names the caller, weakest first.
NO_MATCH: Final = 0
BY_ACCOUNT: Final = 1  # the caller's account (12-digit ID or root ARN)
BY_ROLE: Final = 2  # the role whose session is calling
DIRECT: Final = 3  # the caller itself (user, session, service...) or everyone

_Kind = Literal[
    "anonymous",
    "root",
    "user",
    "role",
    "assumed-role",
    "federated-user",
    "service",
    "identity-provider",
    "canonical-user",
]


@attrs.frozen
class Caller:
    """What evaluation needs to know about the request's principal."""

    kind: _Kind
    name: str  # the principal as given
    partition: str | None = None
    account: str | None = None
    role_name: str | None = None
    principal_arn: str | None = None  # aws:PrincipalArn: a session's role, else the ARN itself
    user_name: str | None = None

    @property
    def has_identity(self) -> bool:
        """Whether the caller is an IAM identity (with an account and identity policies)."""
        return self.account is not None


@functools.lru_cache(maxsize=_CACHE_SIZE)
def parse_caller(principal: str) -> Caller:
    if principal in _ANONYMOUS:
        return Caller("anonymous", principal)
    if principal.startswith("arn:"):
        arn = Arn.parse(principal, field="principal")
        if arn.service == "iam" and arn.resource_type in ("saml-provider", "oidc-provider"):
            return Caller("identity-provider", principal, arn.partition)
        kind = principal_kind(principal, field="principal")
        caller = Caller(kind, principal, arn.partition, arn.account, principal_arn=principal)
        if kind == "role":
            return attrs.evolve(caller, role_name=RoleArn.parse(principal).name)
        if kind == "assumed-role":
            session = AssumedRoleArn.parse(principal)
            return attrs.evolve(
                caller, role_name=session.role_name, principal_arn=str(session.role_arn())
            )
        if kind == "user":
            return attrs.evolve(caller, user_name=arn.resource.rsplit("/", 1)[1])
        return caller
    if _DOMAIN.fullmatch(principal):
        lowered = principal.lower()
        is_service = lowered.endswith(_SERVICE_SUFFIXES) and lowered not in _WEB_IDENTITY_PROVIDERS
        return Caller("service" if is_service else "identity-provider", lowered)
    if _CANONICAL_USER.fullmatch(principal):
        return Caller("canonical-user", principal)
    raise ValidationError(
        "principal",
        f"{echo(principal)} is not a principal: expected an ARN (account root, user, role, "
        "assumed-role or federated-user session, SAML/OIDC provider), a service or identity "
        "provider name such as 'ec2.amazonaws.com', a canonical user ID, or '*' for anonymous",
    )


def _names_account(entry: str, caller: Caller) -> bool:
    """Whether an AWS principal entry is the caller's account (ID or root ARN)."""
    if caller.account is None:
        return False
    if entry == caller.account:
        return True
    return entry == f"arn:{caller.partition}:iam::{caller.account}:root"


def _names_role(entry: str, caller: Caller) -> bool:
    """Whether an AWS principal entry is the role of the caller (any path, same name)."""
    if caller.role_name is None:
        return False
    prefix = f"arn:{caller.partition}:iam::{caller.account}:role/"
    return entry.startswith(prefix) and entry.rsplit("/", 1)[1] == caller.role_name


def principal_strength(principal: Principal, caller: Caller) -> int:
    """How directly ``principal`` names the caller (``NO_MATCH`` if it does not)."""
    if principal.everyone or "*" in principal.aws:
        return DIRECT
    best = NO_MATCH
    if caller.kind == "service":
        return DIRECT if caller.name in (s.lower() for s in principal.service) else NO_MATCH
    if caller.kind == "identity-provider":
        names = {f if f.startswith("arn:") else f.lower() for f in principal.federated}
        return DIRECT if caller.name in names else NO_MATCH
    if caller.kind == "canonical-user":
        return DIRECT if caller.name in principal.canonical_user else NO_MATCH
    for entry in principal.aws:
        if entry == caller.name and caller.kind in ("user", "assumed-role", "federated-user"):
            return DIRECT
        if _names_role(entry, caller):
            best = BY_ROLE
        elif best == NO_MATCH and _names_account(entry, caller):
            best = BY_ACCOUNT
    return best


def exempt(not_principal: Principal, caller: Caller) -> bool:
    """Whether a ``NotPrincipal`` exempts the caller.

    AWS may check the caller's account, role and session (or user) one after the
    other, so every one of them must be listed for the caller to be exempt.
    """
    if not_principal.everyone or "*" in not_principal.aws:
        return True
    if caller.kind == "service":
        return caller.name in (s.lower() for s in not_principal.service)
    if caller.kind == "identity-provider":
        return caller.name in {
            f if f.startswith("arn:") else f.lower() for f in not_principal.federated
        }
    if caller.kind == "canonical-user":
        return caller.name in not_principal.canonical_user
    if caller.kind == "anonymous":
        return False
    entries = not_principal.aws
    if not any(_names_account(e, caller) for e in entries):
        return False
    if caller.role_name is not None and not any(_names_role(e, caller) for e in entries):
        return False
    if caller.kind in ("user", "assumed-role", "federated-user"):
        return caller.name in entries
    return True
