"""A grant's permission policies: the inline policy first, then customer-managed policies.

The grant's statements are merged losslessly (:func:`~xaccess.policy.merge.merge_statements`).
While they fit the role's inline quota they make one inline policy, as IAM counts all inline
policies of a role against one quota. Beyond it they are packed
(:func:`~xaccess.policy.merge.pack_statements`): the inline policy is filled first, the rest goes
into customer-managed policies of at most the managed policy size quota each, and the managed
policies together with the ``attach()``-ed ones must fit the managed-policies-per-role quota.

``Deny`` statements always stay in the inline policy. Provisioning changes the managed policies
one by one; with every deny in the one inline policy, which changes in one call, no moment of an
update can lose a deny while an allow it was limiting is still in place.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final, Literal

import attrs

from xaccess._validate import type_name
from xaccess.errors import PolicySizeError, ValidationError
from xaccess.identifiers import validate_policy_name
from xaccess.policy import PolicyDocument, Statement
from xaccess.policy.merge import (
    DOCUMENT_OVERHEAD,
    StatementTooLarge,
    document_room,
    merge_statements,
    pack_statements,
    statement_size,
)
from xaccess.quotas import AccountQuotas

if TYPE_CHECKING:
    from xaccess.grant.builder import ThirdPartyGrant

__all__ = ["NamedPolicy", "PolicyKind", "grant_quotas", "permission_policies", "with_quotas"]

_CACHE_SIZE: Final = 256
_FIELD: Final = "permission_policies"


PolicyKind = Literal["inline", "managed"]
"""Where a :class:`NamedPolicy` goes: embedded in the role, or a customer-managed policy.

.. versionadded:: 0.1.0
"""

_KINDS: Final = ("inline", "managed")


def _check_policy_name(_instance: object, _attribute: attrs.Attribute[str], value: str) -> None:
    validate_policy_name(value, field="name")


def _check_document(
    _instance: object, _attribute: attrs.Attribute[PolicyDocument], value: PolicyDocument
) -> None:
    if not isinstance(value, PolicyDocument):
        raise ValidationError("document", f"must be a PolicyDocument, got {type_name(value)}")


def _check_kind(_instance: object, _attribute: attrs.Attribute[str], value: object) -> None:
    if value not in _KINDS:
        raise ValidationError("kind", f"must be 'inline' or 'managed', got {value!r:.40}")


@attrs.frozen
class NamedPolicy:
    """A permission policy of a role: its name, its document and its kind.

    Args:
        name: The policy name (1-128 characters of ``[A-Za-z0-9_+=,.@-]``).
        document: The policy document.
        kind: ``"inline"`` (embedded in the role) or ``"managed"`` (a customer-managed
            policy that provisioning creates under the role's path and attaches; its name
            comes from :func:`xaccess.rolespec.managed_policy_name`).

    .. versionadded:: 0.1.0
    """

    name: str = attrs.field(validator=_check_policy_name)
    document: PolicyDocument = attrs.field(validator=_check_document)
    kind: PolicyKind = attrs.field(default="inline", validator=_check_kind)


def grant_quotas(grant: ThirdPartyGrant) -> AccountQuotas:
    """The grant's quotas as one value (see :meth:`with_quotas`).

    .. versionadded:: 0.1.0
    """
    return _quotas(
        grant.trust_policy_quota,
        grant.inline_policies_quota,
        grant.managed_policy_quota,
        grant.max_managed_policies,
    )


@functools.lru_cache(maxsize=64)
def _quotas(trust: int, inline: int, managed: int, per_role: int) -> AccountQuotas:
    """The quotas value of four quota fields; the same few sets recur, so each is made once."""
    return AccountQuotas(
        trust_policy_size=trust,
        inline_policies_size=inline,
        managed_policy_size=managed,
        managed_policies_per_role=per_role,
    )


def with_quotas(grant: ThirdPartyGrant, quotas: AccountQuotas) -> ThirdPartyGrant:
    """Use an account's quotas (for example :meth:`xaccess.AccountQuotas.read`).

    Sets ``trust_policy_quota``, ``inline_policies_quota``, ``managed_policy_quota`` and
    ``max_managed_policies`` at once; :attr:`quotas` reads them back.

    Raises:
        ValidationError: ``quotas`` is not an :class:`~xaccess.AccountQuotas`, or the grant
            attaches more managed policies than it allows.

    .. versionadded:: 0.1.0
    """
    if not isinstance(quotas, AccountQuotas):
        raise ValidationError("quotas", f"must be an AccountQuotas, got {type(quotas).__name__}")
    attached = len(grant.managed_policy_arns)
    if attached > quotas.managed_policies_per_role:
        raise ValidationError(
            "quotas",
            f"the grant attaches {attached} managed policies, more than "
            f"managed_policies_per_role={quotas.managed_policies_per_role}",
        )
    return attrs.evolve(
        grant,
        trust_policy_quota=quotas.trust_policy_size,
        inline_policies_quota=quotas.inline_policies_size,
        managed_policy_quota=quotas.managed_policy_size,
        max_managed_policies=quotas.managed_policies_per_role,
    )


def permission_policies(
    grant: ThirdPartyGrant, *, quotas: AccountQuotas | None = None
) -> tuple[NamedPolicy, ...]:
    """Build the role's permission policies from :meth:`allow` and :meth:`deny`.

    Statements are merged where that changes no decision: same effect and conditions, and the
    same resources (actions united) or the same actions (resources united); duplicates are
    dropped; statements with a ``Sid`` are kept as written. While they fit the inline quota
    they make one inline policy named ``PREFIX-0``. Beyond it, the inline policy is filled
    first (every ``Deny`` goes there) and the rest is packed into customer-managed policies
    (``kind="managed"``, named by :func:`~xaccess.rolespec.managed_policy_name`), as few as
    possible, splitting a statement by its resources or actions where that saves a policy.
    Every request is decided by the policies exactly as by the grant's statements. A grant
    without statements has no policies.

    Args:
        quotas: The account's quotas (for example :meth:`xaccess.AccountQuotas.read`); the
            grant's own (:attr:`quotas`) by default.

    Raises:
        PolicySizeError: The statements need more than the quotas allow: more managed
            policies than ``managed_policies_per_role`` leaves beside the attached ones,
            the ``Deny`` statements exceed the inline quota, or one statement that cannot be
            split exceeds every policy. ``size`` is the characters needed, ``limit`` the most
            that fits.
        ValidationError: ``quotas`` is not an :class:`~xaccess.AccountQuotas`.

    .. versionadded:: 0.1.0
    """
    if quotas is None:
        quotas = grant_quotas(grant)
    elif not isinstance(quotas, AccountQuotas):
        raise ValidationError("quotas", f"must be an AccountQuotas, got {type(quotas).__name__}")
    if not grant.statements:
        return ()
    prefix = grant.role_name if grant.inline_policy_prefix is None else grant.inline_policy_prefix
    return _lay_out(
        grant.statements, quotas, prefix, grant.role_name, len(grant.managed_policy_arns)
    )


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _lay_out(
    statements: tuple[Statement, ...],
    quotas: AccountQuotas,
    prefix: str,
    role_name: str,
    attached: int,
) -> tuple[NamedPolicy, ...]:
    merged = merge_statements(statements)
    document = PolicyDocument(merged)
    document.check_identity_policy()
    size = document.size()
    if size <= quotas.inline_policies_size:
        return (NamedPolicy(name=f"{prefix}-0", document=document),)
    denies = [s for s in merged if s.effect == "Deny"]
    allows = [s for s in merged if s.effect != "Deny"]
    deny_size = sum(statement_size(s) + 1 for s in denies)
    room = document_room(quotas.inline_policies_size)
    if deny_size > room:
        error = PolicySizeError(
            _FIELD,
            deny_size - 1 + DOCUMENT_OVERHEAD,
            quotas.inline_policies_size,
            "inline policies per role (every Deny statement stays inline)",
        )
        error.add_note("move Deny statements into a permissions boundary, or merge them")
        raise error
    free = quotas.managed_policies_per_role - attached
    most = quotas.inline_policies_size + max(free, 0) * quotas.managed_policy_size
    try:
        layout = pack_statements(
            allows, first=room - deny_size, room=document_room(quotas.managed_policy_size)
        )
    except StatementTooLarge as exc:
        error = PolicySizeError(_FIELD, exc.size, quotas.managed_policy_size, "managed policy")
        error.add_note("one statement with a Sid or a single action and resource is too large")
        raise error from None
    managed = [b for b in layout[1:] if b]
    if len(managed) > free:
        needed = sum(PolicyDocument(part).size() for part in ((*denies, *layout[0]), *managed))
        error = PolicySizeError(_FIELD, needed, most, "policies of one role")
        error.add_note(
            f"the statements need {len(managed)} customer-managed policies beside the inline "
            f"one, but {attached} of managed_policies_per_role="
            f"{quotas.managed_policies_per_role} are attached already; raise the quota "
            f"(up to 20) or narrow the statements"
        )
        raise error
    if managed:
        # Only a grant past the inline quota needs the desired-state module, so it loads here.
        from xaccess.rolespec import managed_policy_name  # noqa: PLC0415

    policies = []
    inline = (*denies, *layout[0])
    if inline:
        policies.append(NamedPolicy(name=f"{prefix}-0", document=PolicyDocument(inline)))
    policies.extend(
        NamedPolicy(
            name=managed_policy_name(role_name, index),
            document=PolicyDocument(part),
            kind="managed",
        )
        for index, part in enumerate(managed)
    )
    for policy in policies:
        limit = (
            quotas.inline_policies_size if policy.kind == "inline" else quotas.managed_policy_size
        )
        policy.document.check_size(limit, quota=f"{policy.kind} policy", field=_FIELD)
    return tuple(policies)
