"""The request an evaluation decides: who calls, which action, on what, with which context.

:class:`Request` validates its fields once and keeps what evaluation needs
ready: the parsed caller and the request context prepared for conditions (keys
lower-cased, with the keys AWS derives from the request added).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Final, TypeAlias

import attrs

from xaccess._validate import echo, type_name
from xaccess.errors import ValidationError
from xaccess.identifiers import validate_account_id
from xaccess.limits import MAX_PRINCIPAL_ARN
from xaccess.policy._conditions import ContextScalar, PreparedContext, text_of
from xaccess.policy._principals import Caller, parse_caller

__all__ = ["ContextValue", "Request"]

ContextValue: TypeAlias = str | bool | int | float | Sequence[str]
"""The value of one request context key, which is a scalar or a sequence of strings.

A sequence makes the key multivalued.

.. versionadded:: 0.1.0
"""

_ACTION: Final = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9_-]+", re.ASCII)
_RESOURCE: Final = re.compile(r"arn:[^:]*:[^:]*:[^:]*:[^:]*:.+", re.ASCII | re.DOTALL)
_ACCOUNT_ID: Final = re.compile(r"[0-9]{12}", re.ASCII)
_CONTEXT_KEY: Final = re.compile(r"[^:\s]+:\S+", re.ASCII)


class _FrozenContext(Mapping[str, ContextValue]):
    """An immutable, hashable mapping of context keys to values (sequences as tuples)."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, ContextValue]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> ContextValue:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self._data) == dict(other.items())

    def __repr__(self) -> str:
        return repr(self._data)


def _freeze_context(value: Mapping[str, ContextValue]) -> Mapping[str, ContextValue]:
    if isinstance(value, _FrozenContext):
        return value
    if not isinstance(value, Mapping):
        raise ValidationError("context", f"must be a mapping, got {type_name(value)}")
    data: dict[str, ContextValue] = {}
    seen: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not _CONTEXT_KEY.fullmatch(key):
            raise ValidationError(
                "context", f"key {echo(key)} must look like 'prefix:name' (e.g. 'sts:ExternalId')"
            )
        where = f"context[{key!r}]"
        if key.lower() in seen:
            raise ValidationError(
                where, f"duplicates {seen[key.lower()]!r}: context keys ignore case"
            )
        seen[key.lower()] = key
        if isinstance(item, str | bool | int):
            data[key] = item
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ValidationError(where, "must be a finite number")
            data[key] = item
        elif isinstance(item, Sequence | frozenset | set):
            members = tuple(item)
            if not all(isinstance(m, str) for m in members):
                raise ValidationError(where, "a multivalued key holds strings only")
            # Sets have no order of their own: sort them so that equal requests compare equal.
            data[key] = tuple(sorted(members)) if isinstance(item, frozenset | set) else members
        else:
            raise ValidationError(
                where,
                "must be a string, boolean, number or a sequence of strings, "
                f"got {type_name(item)}",
            )
    return _FrozenContext(data)


_PRINCIPAL_TYPES: Final[dict[str, str]] = {
    "anonymous": "Anonymous",
    "root": "Account",
    "user": "User",
    "role": "AssumedRole",
    "assumed-role": "AssumedRole",
    "federated-user": "FederatedUser",
}


def _derived_context(caller: Caller, resource_account: str | None) -> dict[str, ContextValue]:
    out: dict[str, ContextValue] = {}
    if caller.principal_arn is not None:
        out["aws:PrincipalArn"] = caller.principal_arn
    if caller.account is not None:
        out["aws:PrincipalAccount"] = caller.account
    if caller.kind in _PRINCIPAL_TYPES:
        out["aws:PrincipalType"] = _PRINCIPAL_TYPES[caller.kind]
    if caller.user_name is not None:
        out["aws:username"] = caller.user_name
    if caller.kind == "root" and caller.account is not None:
        out["aws:userid"] = caller.account
    if caller.kind == "anonymous":
        out["aws:userid"] = "anonymous"
    out["aws:PrincipalIsAWSService"] = caller.kind == "service"
    if caller.kind == "service":
        out["aws:PrincipalServiceName"] = caller.name
    if resource_account is not None:
        out["aws:ResourceAccount"] = resource_account
    return out


def _prepare(
    derived: Mapping[str, ContextValue], given: Mapping[str, ContextValue]
) -> PreparedContext:
    values: dict[str, tuple[ContextScalar, ...]] = {}
    variables: dict[str, str] = {}
    for source in (derived, given):
        for key, value in source.items():
            lowered = key.lower()
            if isinstance(value, str | bool | int | float):
                values[lowered] = (value,)
                variables[lowered] = text_of(value)
            else:
                values[lowered] = tuple(value)
                variables.pop(lowered, None)
    return PreparedContext(values, variables)


def _check_action(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not _ACTION.fullmatch(value):
        raise ValidationError(
            "action",
            f"{echo(value)} is not an action: expected 'service:Action', e.g. 'sts:AssumeRole'",
        )


def _check_resource(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not (value == "*" or _RESOURCE.fullmatch(value)):
        raise ValidationError(
            "resource",
            f"{echo(value)} is not a resource: expected an ARN "
            "('arn:partition:service:region:account:resource') or '*'",
        )


def _check_resource_account(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None:
        validate_account_id(value, field="resource_account")


@attrs.frozen(kw_only=True)
class Request:
    """One request to AWS, as the policy evaluation sees it.

    Args:
        principal: Who makes the request: an account root
            (``arn:aws:iam::ACCOUNT:root``), IAM user, IAM role (standing for a
            session of that role), assumed-role session
            (``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION``) or federated-user
            session ARN; a service principal (``ec2.amazonaws.com``); an identity
            provider (a SAML/OIDC provider ARN, or a web identity domain such as
            ``accounts.google.com``); a canonical user ID; or ``"*"`` (also
            spelled ``"anonymous"``) for an unauthenticated caller. At most 2,048
            characters, the longest ARN IAM stores.
        action: The action, ``service:Action`` (matched ignoring case).
        resource: The resource ARN, or ``"*"`` for actions without a resource.
        context: Request context keys and their values (keys ignore case).
            These override the keys derived from the request: ``aws:PrincipalArn``
            (for a session, its role's ARN with the path ``/``),
            ``aws:PrincipalAccount``, ``aws:PrincipalType``, ``aws:username``
            (IAM users), ``aws:userid`` (account root, anonymous),
            ``aws:PrincipalIsAWSService``, ``aws:PrincipalServiceName`` and
            ``aws:ResourceAccount``. Time keys such as ``aws:CurrentTime`` are
            never derived: pass them when policies test them.
        resource_account: The account that owns the resource. Derived from the
            resource ARN when it names one; pass it for ARNs that do not (S3
            buckets). When it stays unknown, the resource is taken to be in the
            principal's account.

    Raises:
        ValidationError: If a field is malformed.

    .. versionadded:: 0.1.0
    """

    principal: str = attrs.field()
    action: str = attrs.field(validator=_check_action)
    resource: str = attrs.field(validator=_check_resource)
    context: Mapping[str, ContextValue] = attrs.field(factory=dict, converter=_freeze_context)
    resource_account: str | None = attrs.field(default=None, validator=_check_resource_account)
    _caller: Caller = attrs.field(init=False, repr=False, eq=False, hash=False)
    _prepared: PreparedContext = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.principal, str):
            raise ValidationError("principal", f"must be a string, got {type_name(self.principal)}")
        if len(self.principal) > MAX_PRINCIPAL_ARN:
            # Checked before any parsing, so a huge principal is refused at once.
            raise ValidationError(
                "principal",
                f"must be at most {MAX_PRINCIPAL_ARN} characters, got {len(self.principal)}",
            )
        caller = parse_caller(self.principal)
        object.__setattr__(self, "_caller", caller)
        if self.resource_account is None and self.resource != "*":
            account = self.resource.split(":", 5)[4]
            if _ACCOUNT_ID.fullmatch(account):
                object.__setattr__(self, "resource_account", account)
        derived = _derived_context(caller, self.resource_account)
        object.__setattr__(self, "_prepared", _prepare(derived, self.context))
