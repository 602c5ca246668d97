"""Offline evaluation of IAM policies: would AWS allow this request?

:func:`evaluate` applies the IAM policy evaluation logic to one :class:`Request`
and the policies that apply to it (identity policies, a resource-based policy
such as a role trust policy, a permissions boundary, session policies and
service control policies) and returns a :class:`Decision` that says which
statements of which policies decided it, and why.

The model follows the IAM User Guide ("Policy evaluation logic", "Cross-account
policy evaluation logic", the pages on each policy element and condition
operator). Where AWS leaves room, or where this model simplifies, the choice is
stated in the docstring of :func:`evaluate`.
"""

from __future__ import annotations

import enum
import functools
import math
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Final, Literal, TypeAlias

import attrs

from xaccess.errors import ValidationError
from xaccess.identifiers import Arn, AssumedRoleArn, RoleArn, principal_kind, validate_account_id
from xaccess.policy._conditions import (
    CompiledCondition,
    ContextScalar,
    PreparedContext,
    Template,
    compile_condition,
    parse_template,
    resolve_tokens,
    text_of,
)
from xaccess.policy._wildcard import (
    Token,
    WildcardPattern,
    compile_pattern,
    compile_tokens,
    tokenize,
)
from xaccess.policy.document import PolicyDocument, Principal, Statement

__all__ = [
    "ContextValue",
    "Decision",
    "Outcome",
    "Request",
    "StatementRef",
    "evaluate",
]

ContextValue: TypeAlias = str | bool | int | float | Sequence[str]
"""The value of one request context key, which is a scalar or a sequence of strings.

A sequence makes the key multivalued.

.. versionadded:: 0.1.0
"""

_ANONYMOUS: Final = frozenset({"*", "anonymous"})
_ACTION: Final = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9_-]+", re.ASCII)
_RESOURCE: Final = re.compile(r"arn:[^:]*:[^:]*:[^:]*:[^:]*:.+", re.ASCII | re.DOTALL)
_ACCOUNT_ID: Final = re.compile(r"[0-9]{12}", re.ASCII)
_DOMAIN: Final = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+",
    re.ASCII,
)
_CANONICAL_USER: Final = re.compile(r"[0-9a-f]{64}", re.ASCII)
_CONTEXT_KEY: Final = re.compile(r"[^:\s]+:\S+", re.ASCII)
_SERVICE_SUFFIXES: Final = (".amazonaws.com", ".amazonaws.com.cn")
_WEB_IDENTITY_PROVIDERS: Final = frozenset(
    {
        "cognito-identity.amazonaws.com",
        "www.amazon.com",
        "graph.facebook.com",
        "accounts.google.com",
    }
)
# Actions authorised by a role's trust policy rather than by a resource policy.
_TRUST_ACTIONS: Final = frozenset({"sts:tagsession", "sts:setsourceidentity", "sts:setcontext"})
_CACHE_LIMIT: Final = 1024

# How a resource-based policy statement names the caller, weakest first.
_NO_MATCH: Final = 0
_BY_ACCOUNT: Final = 1  # the caller's account (12-digit ID or root ARN)
_BY_ROLE: Final = 2  # the role whose session is calling
_DIRECT: Final = 3  # the caller itself (user, session, service...) or everyone


class Outcome(enum.StrEnum):
    """The result of an evaluation.

    .. versionadded:: 0.1.0
    """

    ALLOW = "allow"
    IMPLICIT_DENY = "implicit_deny"
    EXPLICIT_DENY = "explicit_deny"


@attrs.frozen
class StatementRef:
    """A statement that took part in a decision, and the policy it belongs to.

    Attributes:
        policy: Which policy: ``"identity[0]"``, ``"resource"``, ``"boundary"``,
            ``"session[0]"`` or ``"scp[0]"`` (indexes follow the order given to
            :func:`evaluate`).
        index: The statement's position in its policy, from 0.
        sid: The statement's ``Sid``, if it has one.
        effect: ``"Allow"`` or ``"Deny"``.

    .. versionadded:: 0.1.0
    """

    policy: str
    index: int
    sid: str | None
    effect: Literal["Allow", "Deny"]

    def __str__(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        return f"{self.policy} statement {self.index}{sid}"


@attrs.frozen
class Decision:
    """What :func:`evaluate` decided, with the statements and reasons behind it.

    Attributes:
        outcome: Allow, implicit deny or explicit deny.
        matched: For an explicit deny, every ``Deny`` statement that applies;
            otherwise the ``Allow`` statements that apply, from every policy
            (for an implicit deny, those that were not enough).
        reasons: One sentence per point of the decision, in evaluation order;
            ``str(decision)`` joins them.

    .. versionadded:: 0.1.0
    """

    outcome: Outcome
    matched: tuple[StatementRef, ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """Whether the request is allowed.

        .. versionadded:: 0.1.0
        """
        return self.outcome is Outcome.ALLOW

    def __str__(self) -> str:
        return f"{self.outcome.value}: " + "; ".join(self.reasons)


# -- the request -------------------------------------------------------------------


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
        raise ValidationError("context", f"must be a mapping, got {type(value).__name__}")
    data: dict[str, ContextValue] = {}
    seen: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not _CONTEXT_KEY.fullmatch(key):
            raise ValidationError(
                "context", f"key {key!r} must look like 'prefix:name' (e.g. 'sts:ExternalId')"
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
                f"got {type(item).__name__}",
            )
    return _FrozenContext(data)


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
class _Caller:
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


@functools.lru_cache(maxsize=1024)
def _parse_caller(principal: str) -> _Caller:
    if principal in _ANONYMOUS:
        return _Caller("anonymous", principal)
    if principal.startswith("arn:"):
        arn = Arn.parse(principal, field="principal")
        if arn.service == "iam" and arn.resource_type in ("saml-provider", "oidc-provider"):
            return _Caller("identity-provider", principal, arn.partition)
        kind = principal_kind(principal, field="principal")
        caller = _Caller(kind, principal, arn.partition, arn.account, principal_arn=principal)
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
        return _Caller("service" if is_service else "identity-provider", lowered)
    if _CANONICAL_USER.fullmatch(principal):
        return _Caller("canonical-user", principal)
    raise ValidationError(
        "principal",
        f"{principal[:40]!r} is not a principal: expected an ARN (account root, user, role, "
        "assumed-role or federated-user session, SAML/OIDC provider), a service or identity "
        "provider name such as 'ec2.amazonaws.com', a canonical user ID, or '*' for anonymous",
    )


_PRINCIPAL_TYPES: Final[dict[str, str]] = {
    "anonymous": "Anonymous",
    "root": "Account",
    "user": "User",
    "role": "AssumedRole",
    "assumed-role": "AssumedRole",
    "federated-user": "FederatedUser",
}


def _derived_context(caller: _Caller, resource_account: str | None) -> dict[str, ContextValue]:
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
            f"{value!r} is not an action: expected 'service:Action', e.g. 'sts:AssumeRole'",
        )


def _check_resource(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not (value == "*" or _RESOURCE.fullmatch(value)):
        raise ValidationError(
            "resource",
            f"{value!r} is not a resource: expected an ARN "
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
            spelled ``"anonymous"``) for an unauthenticated caller.
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
    _caller: _Caller = attrs.field(init=False, repr=False, eq=False, hash=False)
    _prepared: PreparedContext = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.principal, str):
            raise ValidationError(
                "principal", f"must be a string, got {type(self.principal).__name__}"
            )
        caller = _parse_caller(self.principal)
        object.__setattr__(self, "_caller", caller)
        if self.resource_account is None and self.resource != "*":
            account = self.resource.split(":", 5)[4]
            if _ACCOUNT_ID.fullmatch(account):
                object.__setattr__(self, "resource_account", account)
        derived = _derived_context(caller, self.resource_account)
        object.__setattr__(self, "_prepared", _prepare(derived, self.context))


# -- compiled policies -------------------------------------------------------------


class _ResourcePattern:
    """A ``Resource`` entry; policy variables are substituted in the part after the fifth colon."""

    __slots__ = ("_prefix", "_static", "_template")

    def __init__(self, pattern: str, *, variables: bool) -> None:
        self._static: WildcardPattern | None = None
        self._prefix: tuple[Token, ...] = ()
        self._template: Template | None = None
        parts = pattern.split(":", 5)
        template = parse_template(parts[5]) if variables and len(parts) == 6 else None
        if template is None:
            self._static = compile_pattern(pattern)
        else:
            self._prefix = tokenize(":".join(parts[:5]) + ":")
            self._template = template

    def matches(self, resource: str, context: PreparedContext) -> bool:
        if self._static is not None:
            return self._static.matches(resource)
        assert self._template is not None  # noqa: S101 - set when _static is not
        tokens = resolve_tokens(self._template, context.variables)
        return tokens is not None and compile_tokens(self._prefix + tokens).matches(resource)


class _CompiledStatement:
    __slots__ = (
        "actions",
        "conditions",
        "effect",
        "index",
        "not_action",
        "not_principal",
        "not_resource",
        "principal",
        "resources",
        "sid",
    )

    def __init__(self, index: int, statement: Statement, *, variables: bool) -> None:
        self.index = index
        self.sid = statement.sid
        self.effect: Literal["Allow", "Deny"] = statement.effect
        self.not_action = bool(statement.not_actions)
        self.actions = tuple(
            compile_pattern(a.lower()) for a in statement.not_actions or statement.actions
        )
        self.not_resource = bool(statement.not_resources)
        listed = statement.not_resources or statement.resources
        self.resources = (
            tuple(_ResourcePattern(r, variables=variables) for r in listed) if listed else None
        )
        self.principal = statement.principal
        self.not_principal = statement.not_principal
        self.conditions: tuple[CompiledCondition, ...] = tuple(
            compile_condition(c, variables=variables) for c in statement.conditions
        )

    def applies(self, action: str, resource: str, context: PreparedContext) -> bool:
        """Whether action, resource and conditions match (the principal is checked apart)."""
        listed = False
        for pattern in self.actions:
            if pattern.matches(action):
                listed = True
                break
        if listed is self.not_action:
            return False
        if self.resources is not None:
            listed = False
            for entry in self.resources:
                if entry.matches(resource, context):
                    listed = True
                    break
            if listed is self.not_resource:
                return False
        return all(condition.holds(context) for condition in self.conditions)


_compiled_cache: dict[int, tuple[weakref.ref[PolicyDocument], tuple[_CompiledStatement, ...]]] = {}


def _compiled(document: PolicyDocument) -> tuple[_CompiledStatement, ...]:
    """The compiled statements of ``document``, cached while the document is alive."""
    entry = _compiled_cache.get(id(document))
    if entry is not None and entry[0]() is document:
        return entry[1]
    variables = document.version == "2012-10-17"
    statements = tuple(
        _CompiledStatement(i, s, variables=variables) for i, s in enumerate(document.statements)
    )
    if len(_compiled_cache) >= _CACHE_LIMIT:
        _compiled_cache.clear()
    key = id(document)
    _compiled_cache[key] = (
        weakref.ref(document, lambda _r: _compiled_cache.pop(key, None)),
        statements,
    )
    return statements


# -- principals --------------------------------------------------------------------


def _names_account(entry: str, caller: _Caller) -> bool:
    """Whether an AWS principal entry is the caller's account (ID or root ARN)."""
    if caller.account is None:
        return False
    if entry == caller.account:
        return True
    return entry == f"arn:{caller.partition}:iam::{caller.account}:root"


def _names_role(entry: str, caller: _Caller) -> bool:
    """Whether an AWS principal entry is the role of the caller (any path, same name)."""
    if caller.role_name is None:
        return False
    prefix = f"arn:{caller.partition}:iam::{caller.account}:role/"
    return entry.startswith(prefix) and entry.rsplit("/", 1)[1] == caller.role_name


def _principal_strength(principal: Principal, caller: _Caller) -> int:
    """How directly ``principal`` names the caller (``_NO_MATCH`` if it does not)."""
    if principal.everyone or "*" in principal.aws:
        return _DIRECT
    best = _NO_MATCH
    if caller.kind == "service":
        return _DIRECT if caller.name in (s.lower() for s in principal.service) else _NO_MATCH
    if caller.kind == "identity-provider":
        names = {f if f.startswith("arn:") else f.lower() for f in principal.federated}
        return _DIRECT if caller.name in names else _NO_MATCH
    if caller.kind == "canonical-user":
        return _DIRECT if caller.name in principal.canonical_user else _NO_MATCH
    for entry in principal.aws:
        if entry == caller.name and caller.kind in ("user", "assumed-role", "federated-user"):
            return _DIRECT
        if _names_role(entry, caller):
            best = _BY_ROLE
        elif best == _NO_MATCH and _names_account(entry, caller):
            best = _BY_ACCOUNT
    return best


def _exempt(not_principal: Principal, caller: _Caller) -> bool:
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


# -- evaluation --------------------------------------------------------------------


@attrs.define
class _Layer:
    label: str
    allows: list[StatementRef] = attrs.Factory(list)
    strength: int = _NO_MATCH


def _ref(label: str, statement: _CompiledStatement) -> StatementRef:
    return StatementRef(label, statement.index, statement.sid, statement.effect)


def _documents(name: str, documents: Iterable[PolicyDocument]) -> list[PolicyDocument]:
    out = list(documents)
    for i, document in enumerate(out):
        if not isinstance(document, PolicyDocument):
            raise ValidationError(
                f"{name}[{i}]", f"must be a PolicyDocument, got {type(document).__name__}"
            )
    return out


def _one_document(name: str, document: PolicyDocument | None) -> PolicyDocument | None:
    if document is not None and not isinstance(document, PolicyDocument):
        raise ValidationError(name, f"must be a PolicyDocument, got {type(document).__name__}")
    return document


def _resource_policy_name(request: Request, action: str) -> str:
    if request.resource != "*":
        service, rest = request.resource.split(":", 5)[2::3]
        if (
            service == "iam"
            and rest.startswith("role/")
            and (action.startswith("sts:assumerole") or action in _TRUST_ACTIONS)
        ):
            return "trust policy"
        if service == "kms" and rest.startswith("key/") and action.startswith("kms:"):
            return "key policy"
    return "resource policy"


def _listing(refs: Sequence[StatementRef]) -> str:
    return ", ".join(str(r) for r in refs)


def evaluate(
    request: Request,
    *,
    identity_policies: Iterable[PolicyDocument] = (),
    resource_policy: PolicyDocument | None = None,
    permissions_boundary: PolicyDocument | None = None,
    session_policies: Iterable[PolicyDocument] = (),
    scps: Iterable[PolicyDocument] = (),
) -> Decision:
    """Decide a request the way IAM does.

    An explicit ``Deny`` in any applicable policy wins. Otherwise an ``Allow`` is
    needed, and the policy types combine as follows:

    - Same account (the principal's account owns the resource, or the resource
      account is unknown): an allow from the identity policies or from the
      resource policy is enough. A resource-policy statement that names the
      caller itself (user, role session, federated-user session, service) or
      everyone (``"*"``, or an ``Allow`` with ``NotPrincipal``) is not limited
      by the permissions boundary or session policies; one that names the
      caller's role or account is.
    - Role trust policies (``sts:AssumeRole*``, ``sts:TagSession``,
      ``sts:SetSourceIdentity``, ``sts:SetContext`` on a role) and KMS key
      policies must allow the request themselves. If they name only the
      caller's account, an identity-policy allow is needed as well.
    - Cross account: both the caller's identity policies and the resource
      policy must allow. Without a resource policy the request is denied.
    - Callers that are not IAM identities (anonymous, services, identity
      providers) have no identity policies: the resource policy decides (with
      any boundary, session policies or SCPs given).
    - The permissions boundary and the session policies, when given, must also
      allow. Session policies are one layer (any of them may allow). Without a
      session policy, a federated-user session (``GetFederationToken``) has no
      permissions unless a resource policy names the session itself.
    - Every SCP given must allow (one document per level of the organization);
      ``scps=()`` means no SCP applies.
    - The account root user is allowed by its identity (there are no identity
      policies for it) but cannot assume roles.

    Matching:

    - Actions ignore case; resources and everything else are case-sensitive.
      ``*`` and ``?`` are wildcards; ``*`` in a resource may span ``:`` and
      ``/`` (AWS keeps a ``*`` inside one ARN segment when it is not the last
      character of the segment; this model does not).
    - A ``Principal`` role ARN matches that role's sessions by account and role
      name (session ARNs carry no role path). Account IDs and root ARNs match
      every principal of the account. User, session and federated-user ARNs
      match exactly. Partial wildcards in principals have no wildcard meaning
      (AWS does not allow them). Resource-policy statements without a
      principal match nobody; principals in other policy types are ignored.
    - ``NotPrincipal`` exempts a caller only when its account, its role (for a
      session) and the caller itself are all listed, because AWS may check each.
    - A statement without ``Resource``/``NotResource`` applies to any resource.
    - Policy variables (``${aws:username}``, ``${aws:PrincipalTag/k}``,
      ``${key, 'default'}``, ``${*}``, ``${?}``, ``${$}``) are substituted only
      in ``2012-10-17`` documents, in the resource part of ``Resource`` entries
      and in ``String*``, ``Arn*`` and ``Bool`` condition values. Substituted
      text is always literal. A variable with no value and no default makes
      that one entry or condition value match nothing. Multivalued keys are
      not variables.

    Conditions:

    - Operators are ANDed, keys are ANDed, values of one key are ORed (NORed
      for negated operators). Key names ignore case, tag keys included.
    - A missing key makes an operator false, a negated operator
      (``StringNotEquals``, ``NotIpAddress``, ...) true, an ``...IfExists``
      operator true, ``ForAllValues:`` true and ``ForAnyValue:`` false. An empty
      list, or an empty string, is an empty set for the set operators. ``Null``
      is true for ``"true"`` when the key is missing (or an empty list).
    - A plain operator on a multivalued key is true when any request value
      matches (a negated one when none does).
    - Numbers are compared exactly (JSON numbers or decimal strings); dates are
      ISO 8601 (UTC unless a zone is given) or epoch seconds (a string of
      digits is epoch seconds); ``Bool`` takes booleans or ``"true"``/``"false"``
      in any case; ``BinaryEquals`` compares base64-decoded bytes (request
      values are base64 strings); ``IpAddress`` takes IPv4 and IPv6 addresses
      and CIDR ranges; ``ArnLike``/``ArnEquals`` match each of the six
      ``:``-separated parts on its own (the resource part as a whole). Values
      that cannot be read as the operator's type match nothing.

    Args:
        request: The request.
        identity_policies: Every identity-based policy of the caller (inline,
            managed and group policies), in any order.
        resource_policy: The resource-based policy of the resource, such as the
            role's trust policy for ``sts:AssumeRole``.
        permissions_boundary: The caller's permissions boundary, if any.
        session_policies: The session policies passed when the session was made.
        scps: The service control policies that apply to the caller's account.

    Returns:
        The decision, with the statements that made it and the reasons.

    Raises:
        ValidationError: If a policy argument is not a :class:`~xaccess.PolicyDocument`.

    .. versionadded:: 0.1.0
    """
    identities = _documents("identity_policies", identity_policies)
    resource_doc = _one_document("resource_policy", resource_policy)
    boundary_doc = _one_document("permissions_boundary", permissions_boundary)
    sessions = _documents("session_policies", session_policies)
    scp_docs = _documents("scps", scps)

    caller = request._caller
    context = request._prepared
    action = request.action.lower()
    resource = request.resource
    denies: list[StatementRef] = []

    def scan(label: str, document: PolicyDocument, *, resource_based: bool) -> _Layer:
        layer = _Layer(label)
        for statement in _compiled(document):
            if not statement.applies(action, resource, context):
                continue
            strength = _DIRECT
            if resource_based:
                if statement.principal is not None:
                    strength = _principal_strength(statement.principal, caller)
                elif statement.not_principal is not None:
                    strength = _NO_MATCH if _exempt(statement.not_principal, caller) else _DIRECT
                else:
                    strength = _NO_MATCH
                if strength == _NO_MATCH:
                    continue
            if statement.effect == "Deny":
                denies.append(_ref(label, statement))
            else:
                layer.allows.append(_ref(label, statement))
                layer.strength = max(layer.strength, strength)
        return layer

    identity_layers = [
        scan(f"identity[{i}]", d, resource_based=False) for i, d in enumerate(identities)
    ]
    resource_layer = scan("resource", resource_doc, resource_based=True) if resource_doc else None
    boundary_layer = scan("boundary", boundary_doc, resource_based=False) if boundary_doc else None
    session_layers = [
        scan(f"session[{i}]", d, resource_based=False) for i, d in enumerate(sessions)
    ]
    scp_layers = [scan(f"scp[{i}]", d, resource_based=False) for i, d in enumerate(scp_docs)]

    if denies:
        return Decision(
            Outcome.EXPLICIT_DENY,
            tuple(denies),
            (f"explicitly denied by {_listing(denies)}",),
        )
    return _decide(
        request,
        caller,
        action,
        identity_layers=identity_layers,
        resource_layer=resource_layer,
        boundary_layer=boundary_layer,
        session_layers=session_layers,
        scp_layers=scp_layers,
    )


def _decide(
    request: Request,
    caller: _Caller,
    action: str,
    *,
    identity_layers: list[_Layer],
    resource_layer: _Layer | None,
    boundary_layer: _Layer | None,
    session_layers: list[_Layer],
    scp_layers: list[_Layer],
) -> Decision:
    policy_name = _resource_policy_name(request, action)
    delegating = policy_name != "resource policy"
    identity_allows = [r for layer in identity_layers for r in layer.allows]
    resource_allows = resource_layer.allows if resource_layer else []
    strength = resource_layer.strength if resource_layer else _NO_MATCH
    session_allows = [r for layer in session_layers for r in layer.allows]
    reasons: list[str] = []
    failures: list[str] = []
    matched: list[StatementRef] = []

    # Which layers this request needs, from who the caller is and how the resource policy names it.
    cross = caller.has_identity and request.resource_account not in (None, caller.account)
    needs_identity, needs_resource, limited = True, True, True
    if not caller.has_identity:
        needs_identity = False
    elif cross:
        pass
    elif strength == _DIRECT:
        needs_identity, limited = False, False
    elif strength == _BY_ROLE or (strength == _BY_ACCOUNT and not delegating):
        needs_identity = False
    elif delegating:
        needs_identity = strength == _BY_ACCOUNT
    else:
        needs_resource = False
    scope = "cross-account: " if cross else ""

    if needs_resource:
        if resource_layer is None:
            failures.append(f"{scope}no {policy_name} was given")
        elif not resource_allows:
            failures.append(f"{scope}no statement in the {policy_name} allows it")
        else:
            matched.extend(resource_allows)
            reasons.append(f"the {policy_name} allows it ({_listing(resource_allows)})")
    if needs_identity:
        if caller.kind == "root":
            reasons.append("the account root user needs no identity policy")
        elif identity_allows:
            matched.extend(identity_allows)
            reasons.append(f"the identity policies allow it ({_listing(identity_allows)})")
        elif cross:
            failures.append(f"{scope}the identity policies do not allow it")
        elif delegating:
            failures.append(
                f"the {policy_name} names only the account, so an identity policy must "
                "allow it too, and the identity policies do not allow it"
            )
        elif resource_layer is not None:
            failures.append(f"neither the identity policies nor the {policy_name} allow it")
        else:
            failures.append("no identity policy allows it")
    elif caller.has_identity and resource_allows:
        how = {_DIRECT: "the principal itself", _BY_ROLE: "the principal's role"}.get(
            strength, "the principal's account"
        )
        reasons.append(f"same account: the {policy_name} names {how}, no identity policy is needed")

    if limited and boundary_layer is not None:
        if boundary_layer.allows:
            matched.extend(boundary_layer.allows)
            reasons.append(
                f"the permissions boundary allows it ({_listing(boundary_layer.allows)})"
            )
        else:
            failures.append("the permissions boundary does not allow it")
    if limited and session_layers:
        if session_allows:
            matched.extend(session_allows)
            reasons.append(f"the session policies allow it ({_listing(session_allows)})")
        else:
            failures.append("no session policy allows it")
    elif limited and caller.kind == "federated-user":
        failures.append("a federated-user session without a session policy has no permissions")
    for layer in scp_layers:
        if layer.allows:
            matched.extend(layer.allows)
            reasons.append(f"{layer.label} allows it ({_listing(layer.allows)})")
        else:
            failures.append(f"{layer.label} does not allow it")
    if caller.kind == "root" and action.startswith("sts:assumerole"):
        failures.append("the account root user cannot assume a role")

    if failures:
        return Decision(Outcome.IMPLICIT_DENY, tuple(matched), tuple(failures + reasons))
    return Decision(Outcome.ALLOW, tuple(matched), tuple(reasons))
