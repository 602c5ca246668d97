"""The desired state of a third-party IAM role, and the canonical form used to compare policies.

A :class:`RoleSpec` says everything :mod:`xaccess.aws.provisioning` needs to create or converge
one IAM role: its name and path, trust policy, inline and managed policies, permissions boundary,
description, maximum session duration and tags. It is a pure value: validated completely when
constructed, immutable, hashable and compared by value, so bad input is refused before any AWS
call.

:func:`canonical_policy` gives the form in which two policy documents are compared. IAM may
store a document differently from how it was written (an account ID principal becomes the
account's root ARN, single values and one-element lists are interchangeable, list order is not
kept), so provisioning compares canonical forms and never the text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from xaccess import limits
from xaccess.errors import PolicySizeError, ValidationError
from xaccess.identifiers import (
    RoleArn,
    Tag,
    validate_description,
    validate_managed_policy_arn,
    validate_max_session_duration,
    validate_partition,
    validate_policy_name,
    validate_role_name,
    validate_role_path,
    validate_tags,
)
from xaccess.policy import (
    INLINE_POLICIES_SIZE_QUOTA,
    TRUST_POLICY_SIZE_QUOTA,
    Condition,
    PolicyDocument,
    Principal,
    Statement,
)

if TYPE_CHECKING:
    from xaccess.policy import ConditionValue

__all__ = [
    "MANAGED_POLICY_INFIX",
    "MANAGED_TAG_KEY",
    "MANAGED_TAG_VALUE",
    "MAX_ROLE_TAGS",
    "ROLE_TAG_KEY",
    "RoleSpec",
    "canonical_policy",
    "managed_policy_arn",
    "managed_policy_name",
    "managed_policy_name_and_path",
]

MANAGED_TAG_KEY: Final = "xaccess:managed"
"""The tag key that marks a role as managed by xaccess.

:func:`~xaccess.aws.provisioning.apply` and :func:`~xaccess.aws.provisioning.revoke` only touch
roles that carry this tag with the value :data:`MANAGED_TAG_VALUE`, unless told to adopt or
force.

.. versionadded:: 0.1.0
"""

MANAGED_TAG_VALUE: Final = "true"
"""The value of the :data:`MANAGED_TAG_KEY` tag on a managed role.

.. versionadded:: 0.1.0
"""

MAX_ROLE_TAGS: Final = limits.MAX_ROLE_TAGS
"""The most tags an IAM role can carry, the ownership tag included (:mod:`xaccess.limits`).

.. versionadded:: 0.1.0
"""

_ACCOUNT_ID_LENGTH: Final = 12

ROLE_TAG_KEY: Final = "xaccess:role"
"""The tag on a customer-managed policy xaccess made that names the role it was made for.

.. versionadded:: 0.1.0
"""

MANAGED_POLICY_INFIX: Final = "-managed-"
"""What stands between the role name and the number in the name of a policy xaccess manages.

.. versionadded:: 0.1.0
"""


# --- the customer-managed policies of a role -------------------------------------------------


def managed_policy_name(role_name: str, index: int) -> str:
    """The name of the ``index``-th (from 0) customer-managed policy xaccess makes for a role.

    ``ROLE-managed-INDEX``: at most 64 + 13 characters, within IAM's 128 for a policy name,
    and unique in the account because the role name is.

    Raises:
        ~xaccess.errors.ValidationError: ``role_name`` is not a role name, or ``index`` is not
            an int from 0 to 19.

    .. versionadded:: 0.1.0
    """
    validate_role_name(role_name, field="role_name")
    if (
        isinstance(index, bool)
        or not isinstance(index, int)
        or not (0 <= index < limits.MAX_MANAGED_POLICIES_PER_ROLE)
    ):
        raise ValidationError(
            "index", f"must be an int from 0 to {limits.MAX_MANAGED_POLICIES_PER_ROLE - 1}"
        )
    return f"{role_name}{MANAGED_POLICY_INFIX}{index}"


def managed_policy_name_and_path(role_name: str, *, path: str = "/", index: int) -> tuple[str, str]:
    """The name and path of the ``index``-th (from 0) customer-managed policy of a role.

    The policy lives under the role's own ``path``. This is what provisioning creates and what
    an export (for example ``AWS::IAM::ManagedPolicy`` with ``ManagedPolicyName`` and ``Path``)
    should declare for ``grant.permission_policies()``'s managed policies, in their order.

    Raises:
        ~xaccess.errors.ValidationError: The role name, path or index is invalid.

    .. versionadded:: 0.1.0
    """
    validate_role_path(path, field="path")
    return managed_policy_name(role_name, index), path


def managed_policy_arn(*, partition: str, account_id: str, path: str, name: str) -> str:
    """The ARN of the customer-managed policy ``name`` under ``path`` in an account.

    .. versionadded:: 0.1.0
    """
    return f"arn:{partition}:iam::{account_id}:policy{path}{name}"


# --- converters ------------------------------------------------------------------------------


def _to_inline_policies(value: object) -> object:
    """Turn a mapping, pairs, or objects with ``name`` and ``document`` into sorted pairs.

    Anything else is passed through unchanged for the validator to reject with a clear message.
    """
    items: list[object]
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray):
        items = list(value)
    else:
        return value
    pairs: list[object] = []
    for item in items:
        name = getattr(item, "name", None)
        document = getattr(item, "document", None)
        if isinstance(name, str) and isinstance(document, PolicyDocument):
            pairs.append((name, document))
        elif isinstance(item, tuple | list) and len(item) == 2:
            pairs.append(tuple(item))
        else:
            pairs.append(item)
    if all(isinstance(p, tuple) and isinstance(p[0], str) for p in pairs):
        return tuple(sorted(pairs, key=lambda p: p[0]))  # type: ignore[index]
    return tuple(pairs)


def _to_arns(value: object) -> object:
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray):
        items = tuple(value)
        if all(isinstance(item, str) for item in items):
            return tuple(sorted(items))
        return items
    return value


def _to_tags(value: object) -> object:
    # validate_tags checks each tag (naming tags[i].key or tags[i].value) and the count.
    if value is None:
        return ()
    if isinstance(value, Mapping) or (
        isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray)
    ):
        tags = validate_tags(value, field="tags", limit=MAX_ROLE_TAGS - 1)
        return tuple(sorted(tags, key=lambda tag: tag.key))
    return value


# --- validators ------------------------------------------------------------------------------


def _check_role_name(_spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object) -> None:
    validate_role_name(value, field="role_name")


def _check_path(_spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object) -> None:
    validate_role_path(value, field="path")


def _checked_quota(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("trust_policy_quota", f"must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValidationError("trust_policy_quota", f"must be at least 1, got {value}")
    return value


def _check_quota(_spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object) -> None:
    _checked_quota(value)


def _check_trust_policy(spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, PolicyDocument):
        raise ValidationError(
            "trust_policy", f"must be a PolicyDocument, got {type(value).__name__}"
        )
    try:
        value.check_trust_policy()
    except ValidationError as exc:
        raise ValidationError(f"trust_policy.{exc.field}", exc.rule) from None
    # attrs runs validators once every field is set, so the quota is already there.
    quota = _checked_quota(spec.trust_policy_quota)
    value.check_size(quota, quota="trust policy", field="trust_policy")


def _check_inline_policies(
    _spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            "inline_policies",
            "must be a mapping of policy name to PolicyDocument, or (name, PolicyDocument) "
            f"pairs, got {type(value).__name__}",
        )
    seen: set[str] = set()
    total = 0
    for index, pair in enumerate(value):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise ValidationError(
                f"inline_policies[{index}]",
                f"must be a (name, PolicyDocument) pair, got {type(pair).__name__}",
            )
        name, document = pair
        validate_policy_name(name, field=f"inline_policies[{index}].name")
        where = f"inline_policies[{name!r}]"
        if name in seen:
            raise ValidationError(where, "the same policy name appears twice")
        seen.add(name)
        if not isinstance(document, PolicyDocument):
            raise ValidationError(where, f"must be a PolicyDocument, got {type(document).__name__}")
        try:
            document.check_identity_policy()
        except ValidationError as exc:
            raise ValidationError(f"{where}.{exc.field}", exc.rule) from None
        total += document.size()
    if total > INLINE_POLICIES_SIZE_QUOTA:
        raise PolicySizeError(
            "inline_policies", total, INLINE_POLICIES_SIZE_QUOTA, "inline policies of one role"
        )


def _check_managed_policies(
    spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            "managed_policies",
            "must be a mapping of policy name to PolicyDocument, or (name, PolicyDocument) "
            f"pairs, got {type(value).__name__}",
        )
    owned = {managed_policy_name(spec.role_name, i) for i in range(len(value))}
    for index, pair in enumerate(value):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise ValidationError(
                f"managed_policies[{index}]",
                f"must be a (name, PolicyDocument) pair, got {type(pair).__name__}",
            )
        name, document = pair
        where = f"managed_policies[{name!r}]"
        if name not in owned:
            raise ValidationError(
                where,
                f"must be named {managed_policy_name(spec.role_name, 0)!r}, ... in order "
                "(managed_policy_name), so that provisioning knows the policies it owns",
            )
        if not isinstance(document, PolicyDocument):
            raise ValidationError(where, f"must be a PolicyDocument, got {type(document).__name__}")
        try:
            document.check_identity_policy()
        except ValidationError as exc:
            raise ValidationError(f"{where}.{exc.field}", exc.rule) from None
        document.check_size(limits.MANAGED_POLICY_SIZE_QUOTA, quota="managed policy", field=where)
    if len({name for name, _ in value}) != len(value):
        raise ValidationError("managed_policies", "the same policy name appears twice")


def _check_most_managed(spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("max_managed_policies", f"must be an int, got {type(value).__name__}")
    if not 0 <= value <= limits.MAX_MANAGED_POLICIES_PER_ROLE:
        raise ValidationError(
            "max_managed_policies",
            f"must be from 0 to {limits.MAX_MANAGED_POLICIES_PER_ROLE}, got {value}",
        )
    count = len(spec.managed_policy_arns) + len(spec.managed_policies)
    if count > value:
        raise ValidationError(
            "managed_policies",
            f"{count} managed policies (attached and created) exceed max_managed_policies={value}",
        )


def _check_managed_policy_arns(
    _spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            "managed_policy_arns",
            f"must be an iterable of policy ARNs (not a single str), got {type(value).__name__}",
        )
    seen: set[str] = set()
    for index, arn in enumerate(value):
        validate_managed_policy_arn(arn, field=f"managed_policy_arns[{index}]")
        if arn in seen:
            raise ValidationError(f"managed_policy_arns[{index}]", f"{arn!r} appears twice")
        seen.add(arn)


def _check_boundary(_spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        validate_managed_policy_arn(value, field="permissions_boundary")


def _check_description(_spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object) -> None:
    validate_description(value, field="description")


def _check_max_session(_spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object) -> None:
    # The converter has turned a valid timedelta into seconds; anything left over is refused.
    validate_max_session_duration(value, field="max_session_duration")


def _check_tags(_spec: RoleSpec, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise ValidationError(
            "tags",
            f"must be a mapping of key to value or an iterable of Tag, got {type(value).__name__}",
        )
    for tag in value:
        if tag.key.lower() == MANAGED_TAG_KEY:
            raise ValidationError(
                "tags",
                f"the key {MANAGED_TAG_KEY!r} is reserved: xaccess adds it to mark the roles "
                "it manages",
            )


def _max_session_converter(value: object) -> object:
    # Accept a whole-seconds timedelta, as the identifiers do, but store plain seconds.
    try:
        return validate_max_session_duration(value, field="max_session_duration")
    except ValidationError:
        return value  # the validator reports it


# --- the spec --------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RoleSpec:
    """Everything that defines one IAM role that a third party assumes.

    The spec is the desired state that :func:`~xaccess.aws.provisioning.create`,
    :func:`~xaccess.aws.provisioning.plan` and :func:`~xaccess.aws.provisioning.apply` work
    towards. Every field is validated when the spec is built, with the rules IAM applies
    (including the ones neither botocore nor moto checks), so an invalid spec never reaches AWS.

    Collections are normalised so that equal specs compare equal whatever order they were
    written in: inline policies become ``(name, document)`` pairs sorted by name, managed policy
    ARNs are sorted, and tags are sorted by key.

    Args:
        role_name: The role name, 1-64 characters of ``[A-Za-z0-9_+=,.@-]``.
        path: The role path, ``/`` by default. IAM cannot change the path of an existing role.
        trust_policy: Who may assume the role; checked with
            :meth:`~xaccess.PolicyDocument.check_trust_policy` and against
            ``trust_policy_quota``.
        inline_policies: Inline (embedded) policies: a mapping of policy name to document, or
            ``(name, document)`` pairs, or objects with ``name`` and ``document`` attributes.
            Each is checked with :meth:`~xaccess.PolicyDocument.check_identity_policy`; together
            they must fit the 10240-character quota for one role.
        managed_policy_arns: ARNs of managed policies to attach.
        managed_policies: Customer-managed policies that provisioning creates, owns and
            attaches, as for ``inline_policies``; they are named
            :func:`managed_policy_name` ``(role_name, 0)``, ``(role_name, 1)``... and live
            under the role's path. Each must fit the 6144-character managed policy quota.
        max_managed_policies: The account's quota of managed policies per role (10 unless
            raised, at most 20); ``managed_policy_arns`` and ``managed_policies`` together
            must fit it.
        permissions_boundary: ARN of the managed policy that bounds the role's permissions, or
            ``None``.
        description: The role description, at most 1000 characters.
        max_session_duration: The longest session, in seconds, 3600-43200 (a whole-seconds
            :class:`datetime.timedelta` is accepted and stored as seconds).
        trust_policy_quota: The account's role trust policy size quota, in characters
            without whitespace: 2048 unless the account has had it raised.
        tags: The role's own tags, as a mapping or :class:`~xaccess.identifiers.Tag` values; at
            most 49, because provisioning adds the ownership tag :data:`MANAGED_TAG_KEY`, whose
            key is therefore reserved.

    Raises:
        ~xaccess.errors.ValidationError: If any field breaks a rule; the error names the field.

    .. versionadded:: 0.1.0
    """

    role_name: str = attrs.field(validator=_check_role_name)
    trust_policy: PolicyDocument = attrs.field(validator=_check_trust_policy)
    path: str = attrs.field(default="/", validator=_check_path)
    inline_policies: tuple[tuple[str, PolicyDocument], ...] = attrs.field(
        default=(),
        converter=_to_inline_policies,
        validator=_check_inline_policies,
    )
    managed_policy_arns: tuple[str, ...] = attrs.field(
        default=(),
        converter=_to_arns,
        validator=_check_managed_policy_arns,
    )
    managed_policies: tuple[tuple[str, PolicyDocument], ...] = attrs.field(
        default=(),
        converter=_to_inline_policies,
        validator=_check_managed_policies,
    )
    permissions_boundary: str | None = attrs.field(default=None, validator=_check_boundary)
    description: str = attrs.field(default="", validator=_check_description)
    max_session_duration: int = attrs.field(
        default=limits.DEFAULT_MAX_SESSION_DURATION,
        converter=_max_session_converter,
        validator=_check_max_session,
    )
    tags: tuple[Tag, ...] = attrs.field(
        default=(),
        converter=_to_tags,
        validator=_check_tags,
    )
    trust_policy_quota: int = attrs.field(default=TRUST_POLICY_SIZE_QUOTA, validator=_check_quota)
    max_managed_policies: int = attrs.field(
        default=limits.MANAGED_POLICIES_PER_ROLE, validator=_check_most_managed
    )

    @property
    def inline_policy_names(self) -> tuple[str, ...]:
        """The names of the inline policies, sorted.

        .. versionadded:: 0.1.0
        """
        return tuple(name for name, _ in self.inline_policies)

    def inline_policy(self, name: str) -> PolicyDocument:
        """Return the inline policy called ``name``.

        Raises:
            KeyError: If the spec has no inline policy of that name.

        .. versionadded:: 0.1.0
        """
        for candidate, document in self.inline_policies:
            if candidate == name:
                return document
        raise KeyError(name)

    @property
    def role_tags(self) -> tuple[Tag, ...]:
        """The tags the role carries, which are ``tags`` plus the ownership tag, sorted by key.

        .. versionadded:: 0.1.0
        """
        owned = Tag(MANAGED_TAG_KEY, MANAGED_TAG_VALUE)
        return tuple(sorted((*self.tags, owned), key=lambda tag: tag.key))

    def role_arn(self, *, account_id: str, partition: str = "aws") -> RoleArn:
        """Return the ARN this role has in ``account_id``.

        Args:
            account_id: The 12-digit account that owns the role.
            partition: The partition, ``aws`` by default.

        Returns:
            The role ARN, path included.

        Raises:
            ~xaccess.errors.ValidationError: If the account ID or the partition is invalid.

        .. versionadded:: 0.1.0
        """
        return RoleArn.build(
            account_id=account_id, role_name=self.role_name, path=self.path, partition=partition
        )


# --- canonical form --------------------------------------------------------------------------


def _canonical_value(value: ConditionValue) -> str:
    # IAM compares condition values as text: true and "true", 1 and "1" are the same value.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _canonical_aws_principal(value: str, partition: str) -> str:
    if len(value) == _ACCOUNT_ID_LENGTH and value.isascii() and value.isdigit():
        return f"arn:{partition}:iam::{value}:root"
    return value


def _canonical_principal(principal: Principal | None, partition: str) -> Principal | None:
    if principal is None or principal.everyone:
        return principal
    return Principal(
        aws=sorted({_canonical_aws_principal(v, partition) for v in principal.aws}),
        service=sorted(set(principal.service)),
        federated=sorted(set(principal.federated)),
        canonical_user=sorted(set(principal.canonical_user)),
    )


def _canonical_statement(statement: Statement, partition: str) -> Statement:
    conditions = tuple(
        Condition(
            condition.operator,
            condition.key.lower(),
            tuple(sorted({_canonical_value(v) for v in condition.values})),
        )
        for condition in statement.conditions
    )
    return attrs.evolve(
        statement,
        actions=sorted({action.lower() for action in statement.actions}),
        not_actions=sorted({action.lower() for action in statement.not_actions}),
        resources=sorted(set(statement.resources)),
        not_resources=sorted(set(statement.not_resources)),
        principal=_canonical_principal(statement.principal, partition),
        not_principal=_canonical_principal(statement.not_principal, partition),
        conditions=conditions,
    )


def _statement_key(statement: Statement) -> str:
    return json.dumps(statement.to_dict(), sort_keys=True)


def canonical_policy(document: PolicyDocument, *, partition: str = "aws") -> PolicyDocument:
    """Return the canonical form of ``document``, for comparing two policies by meaning.

    Two documents that IAM treats alike have equal canonical forms, in particular a document
    and the form IAM stores it in. The canonical form:

    * writes a 12-digit account ID principal as that account's root ARN
      (``arn:PARTITION:iam::ID:root``), as IAM does when it stores a policy;
    * sorts and de-duplicates principals, actions, resources and condition values, whose order
      IAM ignores, and the statements themselves;
    * lowercases actions and condition keys, which IAM matches ignoring case;
    * writes condition values as text (``true`` and ``"true"`` are the same value).

    Single values and one-element lists are already the same in :class:`~xaccess.PolicyDocument`.
    The result is a key for comparison, not a document to display or to send. The function is
    idempotent: ``canonical_policy(canonical_policy(d)) == canonical_policy(d)``.

    Args:
        document: The policy document.
        partition: The partition of the account that stores the policy; it decides the root ARN
            an account ID principal becomes.

    Returns:
        The canonical document.

    Raises:
        ~xaccess.errors.ValidationError: If ``partition`` is not an AWS partition.

    .. versionadded:: 0.1.0
    """
    validate_partition(partition, field="partition")
    statements = {_canonical_statement(s, partition) for s in document.statements}
    return PolicyDocument(
        statements=sorted(statements, key=_statement_key),
        version=document.version,
        id=document.id,
    )
