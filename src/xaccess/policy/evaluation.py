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

import enum
from collections.abc import Iterable, Sequence
from typing import Final, Literal

import attrs

from xaccess._validate import type_name
from xaccess.errors import ValidationError
from xaccess.policy._aws_owned import aws_owned_reason, needs_no_permission
from xaccess.policy._compiled import CompiledStatement, compiled
from xaccess.policy._principals import (
    BY_ACCOUNT,
    BY_ROLE,
    DIRECT,
    NO_MATCH,
    Caller,
    exempt,
    principal_strength,
)
from xaccess.policy.model import PolicyDocument
from xaccess.policy.request import ContextValue, Request

__all__ = [
    "ContextValue",
    "Decision",
    "Outcome",
    "Request",
    "StatementRef",
    "evaluate",
]

_REFS_PER_STATEMENT: Final = 64
_OWNED_SERVICES: Final = ("iam:", "kms:")  # services with resources AWS owns (see _aws_owned)
# Actions authorised by a role's trust policy rather than by a resource policy.
_TRUST_ACTIONS: Final = frozenset({"sts:tagsession", "sts:setsourceidentity", "sts:setcontext"})


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


# -- evaluation --------------------------------------------------------------------


@attrs.define
class _Layer:
    label: str
    allows: list[StatementRef] = attrs.Factory(list)
    strength: int = NO_MATCH


def _ref(label: str, statement: CompiledStatement) -> StatementRef:
    """The statement's reference under ``label``, made once per statement and label."""
    ref = statement.refs.get(label)
    if ref is None:
        if len(statement.refs) >= _REFS_PER_STATEMENT:
            statement.refs.clear()
        ref = StatementRef(label, statement.index, statement.sid, statement.effect)
        statement.refs[label] = ref
    return ref


def _documents(name: str, documents: Iterable[PolicyDocument]) -> list[PolicyDocument]:
    out = list(documents)
    for i, document in enumerate(out):
        if not isinstance(document, PolicyDocument):
            raise ValidationError(
                f"{name}[{i}]", f"must be a PolicyDocument, got {type_name(document)}"
            )
    return out


def _one_document(name: str, document: PolicyDocument | None) -> PolicyDocument | None:
    if document is not None and not isinstance(document, PolicyDocument):
        raise ValidationError(name, f"must be a PolicyDocument, got {type_name(document)}")
    return document


def _resource_strength(statement: CompiledStatement, caller: Caller, *, bounded: bool) -> int:
    """How a resource-based policy statement names the caller (``NO_MATCH`` if not at all).

    A statement with neither ``Principal`` nor ``NotPrincipal`` names nobody.
    """
    if statement.principal is not None:
        return principal_strength(statement.principal, caller)
    if statement.not_principal is not None:
        return _not_principal_strength(statement, caller, bounded=bounded)
    return NO_MATCH


def _not_principal_strength(statement: CompiledStatement, caller: Caller, *, bounded: bool) -> int:
    """Whether a ``NotPrincipal`` statement applies to the caller (``DIRECT``) or not.

    ``NotPrincipal`` is supported with ``Deny`` only: an ``Allow`` with it grants nothing.
    A ``Deny`` with it always applies to a caller that has a permissions boundary,
    whatever it lists (IAM User Guide, "AWS JSON policy elements: NotPrincipal").
    """
    assert statement.not_principal is not None  # noqa: S101 - checked by the caller
    if statement.effect == "Allow":
        return NO_MATCH
    if bounded:
        return DIRECT
    return NO_MATCH if exempt(statement.not_principal, caller) else DIRECT


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

    Two rules come before any policy: ``sts:GetCallerIdentity`` is allowed to every
    IAM identity, whatever the policies say; and changing an AWS-owned resource (an
    AWS managed policy, a service-linked role or a role under ``/aws-reserved/``, a KMS
    alias under ``alias/aws/``) is an explicit deny with no statement behind it, whose
    reason says why.

    Otherwise an explicit ``Deny`` in any applicable policy wins. Otherwise an ``Allow``
    is needed, and the policy types combine as follows:

    - Same account (the principal's account owns the resource, or the resource
      account is unknown): an allow from the identity policies or from the
      resource policy is enough. A resource-policy statement that names the
      caller itself (user, role session, federated-user session, service) or
      everyone (``"*"``) is not limited
      by the permissions boundary or session policies; one that names the
      caller's role is.
    - A resource-policy statement that names only the caller's account (its ID
      or root ARN) delegates to the account: an identity-policy allow is needed
      as well, in every resource-based policy (IAM User Guide, "Principal",
      AWS account principals).
    - Role trust policies (``sts:AssumeRole*``, ``sts:TagSession``,
      ``sts:SetSourceIdentity``, ``sts:SetContext`` on a role) and KMS key
      policies must allow the request themselves.
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
    - ``NotPrincipal`` works with ``Deny`` only (an ``Allow`` with it grants
      nothing). It exempts a caller only when its account, its role (for a session)
      and the caller itself are all listed, because AWS may check each; and it never
      exempts a caller that has a permissions boundary.
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
    if needs_no_permission(action) and caller.has_identity:
        return Decision(
            Outcome.ALLOW, (), (f"{request.action} needs no permission and no policy can deny it",)
        )
    owned = aws_owned_reason(action, resource) if action.startswith(_OWNED_SERVICES) else None
    if owned is not None:
        return Decision(Outcome.EXPLICIT_DENY, (), (f"denied whatever the policies say: {owned}",))
    bounded = boundary_doc is not None and caller.has_identity
    denies: list[StatementRef] = []

    def scan(label: str, document: PolicyDocument, *, resource_based: bool) -> _Layer:
        layer = _Layer(label)
        for statement in compiled(document).for_action(action):
            if not statement.applies(resource, context):
                continue
            strength = DIRECT
            if resource_based:
                strength = _resource_strength(statement, caller, bounded=bounded)
                if strength == NO_MATCH:
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


class _Verdict:
    """The statements, reasons and failures a decision collects, in evaluation order."""

    __slots__ = ("failures", "matched", "reasons")

    def __init__(self) -> None:
        self.matched: list[StatementRef] = []
        self.reasons: list[str] = []
        self.failures: list[str] = []

    def allowed_by(self, refs: Sequence[StatementRef], reason: str) -> None:
        self.matched.extend(refs)
        self.reasons.append(f"{reason} ({_listing(refs)})")

    def decision(self) -> Decision:
        if self.failures:
            return Decision(
                Outcome.IMPLICIT_DENY, tuple(self.matched), tuple(self.failures + self.reasons)
            )
        return Decision(Outcome.ALLOW, tuple(self.matched), tuple(self.reasons))


def _requirements(
    caller: Caller, *, cross: bool, strength: int, delegating: bool
) -> tuple[bool, bool, bool]:
    """Whether the request needs an identity allow, a resource-policy allow, and the limits.

    The limits are the permissions boundary and session policies; they do not apply when a
    same-account resource policy names the caller itself.
    """
    if not caller.has_identity:
        return False, True, True
    if cross or strength == BY_ACCOUNT:
        # Across accounts both sides must allow; naming the account delegates to it.
        return True, True, True
    if strength == DIRECT:
        return False, True, False
    if strength == BY_ROLE or delegating:
        return False, True, True
    return True, False, True


def _decide(
    request: Request,
    caller: Caller,
    action: str,
    *,
    identity_layers: list[_Layer],
    resource_layer: _Layer | None,
    boundary_layer: _Layer | None,
    session_layers: list[_Layer],
    scp_layers: list[_Layer],
) -> Decision:
    policy_name = _resource_policy_name(request, action)
    strength = resource_layer.strength if resource_layer else NO_MATCH
    cross = caller.has_identity and request.resource_account not in (None, caller.account)
    needs_identity, needs_resource, limited = _requirements(
        caller, cross=cross, strength=strength, delegating=policy_name != "resource policy"
    )
    verdict = _Verdict()
    scope = "cross-account: " if cross else ""
    resource_allows = resource_layer.allows if resource_layer else []
    if needs_resource:
        if resource_layer is None:
            verdict.failures.append(f"{scope}no {policy_name} was given")
        elif not resource_allows:
            verdict.failures.append(f"{scope}no statement in the {policy_name} allows it")
        else:
            verdict.allowed_by(resource_allows, f"the {policy_name} allows it")
    if needs_identity:
        identity_allows = [r for layer in identity_layers for r in layer.allows]
        if caller.kind == "root":
            verdict.reasons.append("the account root user needs no identity policy")
        elif identity_allows:
            verdict.allowed_by(identity_allows, "the identity policies allow it")
        elif cross:
            verdict.failures.append(f"{scope}the identity policies do not allow it")
        elif strength == BY_ACCOUNT:
            verdict.failures.append(
                f"the {policy_name} names only the account, so an identity policy must "
                "allow it too, and the identity policies do not allow it"
            )
        elif resource_layer is not None:
            verdict.failures.append(f"neither the identity policies nor the {policy_name} allow it")
        else:
            verdict.failures.append("no identity policy allows it")
    elif caller.has_identity and resource_allows:
        how = {DIRECT: "the principal itself", BY_ROLE: "the principal's role"}.get(
            strength, "the principal's account"
        )
        verdict.reasons.append(
            f"same account: the {policy_name} names {how}, no identity policy is needed"
        )
    _check_limits(
        verdict,
        caller,
        action,
        boundary_layer=boundary_layer if limited else None,
        session_layers=session_layers if limited else None,
        scp_layers=scp_layers,
    )
    return verdict.decision()


def _check_limits(
    verdict: _Verdict,
    caller: Caller,
    action: str,
    *,
    boundary_layer: _Layer | None,
    session_layers: list[_Layer] | None,
    scp_layers: list[_Layer],
) -> None:
    """Apply what only limits: the boundary, session policies, SCPs, root's own limits.

    ``session_layers`` is ``None`` when the limits do not apply to this request.
    """
    if boundary_layer is not None:
        if boundary_layer.allows:
            verdict.allowed_by(boundary_layer.allows, "the permissions boundary allows it")
        else:
            verdict.failures.append("the permissions boundary does not allow it")
    if session_layers:
        session_allows = [r for layer in session_layers for r in layer.allows]
        if session_allows:
            verdict.allowed_by(session_allows, "the session policies allow it")
        else:
            verdict.failures.append("no session policy allows it")
    elif session_layers is not None and caller.kind == "federated-user":
        verdict.failures.append(
            "a federated-user session without a session policy has no permissions"
        )
    for layer in scp_layers:
        if layer.allows:
            verdict.allowed_by(layer.allows, f"{layer.label} allows it")
        else:
            verdict.failures.append(f"{layer.label} does not allow it")
    if caller.kind == "root" and action.startswith("sts:assumerole"):
        verdict.failures.append("the account root user cannot assume a role")
