"""The third-party grant: who may assume a role, with which external ID, to do what.

:class:`ThirdPartyGrant` is an immutable builder. Every argument is validated when
it is given and every method returns a new grant, so a grant can be shared, stored
(:meth:`ThirdPartyGrant.to_dict`) and extended without surprises. The documents are
built on demand: :meth:`ThirdPartyGrant.trust_policy` and
:meth:`ThirdPartyGrant.permission_policies` check them against IAM's grammar and
size quotas, and :meth:`ThirdPartyGrant.can_assume` and
:meth:`ThirdPartyGrant.permits` evaluate them offline.

How a vendor principal is trusted:

- an account (``trusted_account="111122223333"``) is named by its root ARN, which
  trusts every principal of that account that its own administrators allow;
- a role or user (``trusted_principal="arn:aws:iam::111122223333:role/Scanner"``)
  is by default (``pin="condition"``) written as the account root plus a
  ``StringEquals`` condition on ``aws:PrincipalArn``. IAM stores a role ARN named
  in ``Principal`` as the role's unique ID, so a trust that names the ARN breaks
  silently when the vendor deletes and recreates the role; the condition form keeps
  working, and an exact string comparison never reads ``*`` or ``?`` (legal in
  role paths) as wildcards. ``pin="arn"`` names the ARN in ``Principal`` instead.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, NoReturn, TypeAlias

import attrs

from xaccess.errors import PolicySizeError, ValidationError
from xaccess.identifiers import (
    Arn,
    AssumedRoleArn,
    RoleArn,
    Tag,
    principal_kind,
    validate_account_id,
    validate_description,
    validate_external_id,
    validate_managed_policy_arn,
    validate_max_session_duration,
    validate_partition,
    validate_policy_name,
    validate_role_name,
    validate_role_path,
    validate_tag_key,
    validate_tags,
)
from xaccess.policy.document import (
    INLINE_POLICIES_SIZE_QUOTA,
    MANAGED_POLICY_SIZE_QUOTA,
    TRUST_POLICY_SIZE_QUOTA,
    Condition,
    ConditionValue,
    PolicyDocument,
    Principal,
    Statement,
    iam_size,
)
from xaccess.policy.evaluation import ContextValue, Decision, Request, evaluate

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from mypy_boto3_iam import IAMClient

    from xaccess.aws.provisioning import Plan, ProvisionedRole, RetryPolicy
    from xaccess.rolespec import RoleSpec

__all__ = ["ConditionsInput", "Handoff", "NamedPolicy", "Pin", "ThirdPartyGrant"]

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

_SCHEMA: Final = "xaccess.grant/1"
_ASSUME_ROLE: Final = "sts:AssumeRole"
_TAG_SESSION: Final = "sts:TagSession"
_SET_SOURCE_IDENTITY: Final = "sts:SetSourceIdentity"
_ORG_ID: Final = re.compile(r"o-[a-z0-9]{10,32}", re.ASCII)
# Session names and source identities use [\w+=,.@-]; StringLike adds * and ?.
_PATTERN: Final = re.compile(r"[\w+=,.@*?-]{1,64}", re.ASCII)
_PINS: Final = ("condition", "arn")
_POLICY_TEXT: Final = re.compile(r"[\t\n\r\x20-\xff]*")
_MAX_POLICY_NAME: Final = 128
_CHECK_SESSION: Final = "xaccess-check"
_DOCUMENT_OVERHEAD: Final = iam_size('{"Version":"2012-10-17","Statement":[]}')


# --- small helpers -------------------------------------------------------------------------


def _type_name(value: object) -> str:
    return type(value).__name__


def _strings(value: str | Iterable[Any] | None, field: str) -> tuple[Any, ...]:
    """Turn ``None``, a string or an iterable of values into a tuple."""
    if type(value) is tuple:
        return value
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable) and not isinstance(value, bytes | bytearray | Mapping):
        return tuple(value)
    raise ValidationError(field, f"must be a string or a sequence, got {_type_name(value)}")


def _to_principals(value: str | Iterable[str]) -> tuple[str, ...]:
    return _strings(value, "trusted_principals")


def _to_external_ids(value: str | Iterable[str] | None) -> tuple[str, ...]:
    return _strings(value, "external_id")


def _to_org_ids(value: str | Iterable[str]) -> tuple[str, ...]:
    return _strings(value, "org_ids")


def _to_session_name_patterns(value: str | Iterable[str]) -> tuple[str, ...]:
    return _strings(value, "session_name_patterns")


def _to_source_identity_patterns(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else _strings(value, "source_identity_patterns")


def _to_session_tag_keys(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else _strings(value, "session_tag_keys")


def _to_policy_arns(value: str | Iterable[str]) -> tuple[str, ...]:
    return _strings(value, "managed_policy_arns")


def _to_duration(value: int | dt.timedelta) -> int:
    return validate_max_session_duration(value, field="max_session_duration")


def _to_tags(value: Mapping[str, str] | Iterable[Tag] | None) -> tuple[Tag, ...]:
    # Provisioning adds the ownership tag, so a grant has room for one tag fewer than IAM's
    # 50, and may not use that tag's key itself.
    from xaccess.rolespec import MANAGED_TAG_KEY, MAX_ROLE_TAGS  # noqa: PLC0415 - light import

    tags = validate_tags(value, field="tags", limit=MAX_ROLE_TAGS - 1)
    for index, tag in enumerate(tags):
        if tag.key.lower() == MANAGED_TAG_KEY:
            raise ValidationError(
                f"tags[{index}].key",
                f"the key {MANAGED_TAG_KEY!r} is reserved: xaccess adds it to mark the roles "
                "it manages",
            )
    return tags


def _check_bool(value: object, field: str) -> None:
    if not isinstance(value, bool):
        raise ValidationError(field, f"must be a bool, got {_type_name(value)}")


def _check_count(value: object, field: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"must be an int, got {_type_name(value)}")
    if value < minimum:
        raise ValidationError(field, f"must be at least {minimum}, got {value}")


def _index_field(field: str, index: int, count: int) -> str:
    return field if count == 1 else f"{field}[{index}]"


def _check_patterns(values: tuple[str, ...], field: str, what: str) -> None:
    if not values:
        raise ValidationError(field, "must name at least one pattern")
    for i, value in enumerate(values):
        where = _index_field(field, i, len(values))
        if not isinstance(value, str):
            raise ValidationError(where, f"must be a str, got {_type_name(value)}")
        if _PATTERN.fullmatch(value) is None:
            raise ValidationError(
                where,
                f"must be a {what} pattern: 1-64 characters of ASCII letters, digits and "
                "_+=,.@- with the wildcards * and ?",
            )
    _check_unique(values, field)


def _check_unique(values: tuple[str, ...], field: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            raise ValidationError(f"{field}[{i}]", "repeats an earlier value")
        seen.add(value)


def _mapping_argument(value: object, field: str) -> Mapping[Any, Any]:
    """An optional mapping argument of the offline checks; ``None`` is empty."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(field, f"must be a mapping, got {_type_name(value)}")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object hook that refuses a key given twice (JSON would keep the last)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValidationError("grant", f"repeats the key {key!r} in one JSON object")
        out[key] = value
    return out


def _no_json_constant(name: str) -> NoReturn:
    raise ValidationError("grant", f"is not JSON: {name} is not a JSON value")


def _literal(value: str) -> str:
    """Escape ``${`` so that a condition value is never read as a policy variable."""
    return value.replace("${", "${$}{")


def _statement_size(statement: Statement) -> int:
    return iam_size(json.dumps(statement.to_dict(), separators=(",", ":"), ensure_ascii=True))


# --- trusted principals --------------------------------------------------------------------


@attrs.frozen
class _Trustee:
    """One trusted principal, normalised."""

    kind: Literal["root", "role", "user"]
    account: str
    arn: str | None  # None for a bare account ID: its root ARN takes the grant's partition
    partition: str | None
    field: str

    def principal_arn(self, partition: str) -> str:
        return self.arn if self.arn is not None else f"arn:{partition}:iam::{self.account}:root"


def _parse_trustee(value: object, field: str, *, account_only: bool) -> _Trustee:
    if not isinstance(value, str):
        if account_only:
            validate_account_id(value, field=field)
        raise ValidationError(
            field, f"must be an account ID or a principal ARN (str), got {_type_name(value)}"
        )
    try:
        kind, account, arn, partition = _read_trustee(value, account_only=account_only)
    except ValidationError as exc:
        raise ValidationError(field, exc.rule) from None
    return _Trustee(kind, account, arn, partition, field)


@functools.lru_cache(maxsize=1024)
def _read_trustee(
    value: str, *, account_only: bool
) -> tuple[Literal["root", "role", "user"], str, str | None, str | None]:
    """Parse one trusted principal (cached: a grant revalidates on every method call)."""
    if account_only or not value.startswith("arn:"):
        return "root", validate_account_id(value, field=""), None, None
    kind = principal_kind(value, field="")
    if kind == "assumed-role" or kind == "federated-user":  # noqa: PLR1714 - narrows the type
        raise ValidationError(
            "",
            f"names a {kind} session, which lasts hours at most; trust the role "
            "(arn:PARTITION:iam::ACCOUNT:role/NAME) or the user instead",
        )
    arn = Arn.parse(value, field="")
    return kind, arn.account, value, arn.partition


@functools.lru_cache(maxsize=4096)
def _valid_text(validate: Callable[..., object], value: str) -> object:
    return validate(value, field="")


def _check(validate: Callable[..., object], value: object, field: str) -> None:
    """Run an identifier validator, remembering strings already found valid."""
    if not isinstance(value, str):
        validate(value, field=field)  # raises: every identifier is a str
    try:
        _valid_text(validate, value)
    except ValidationError as exc:
        raise ValidationError(field, exc.rule) from None


# --- statement merging ---------------------------------------------------------------------


@attrs.frozen
class _Draft:
    """A statement being merged: actions deduplicated ignoring case, resources exactly."""

    effect: Literal["Allow", "Deny"]
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[Condition, ...]
    condition_key: frozenset[tuple[str, str, frozenset[tuple[str, ConditionValue]]]]
    sid: str | None
    source: Statement

    @classmethod
    def of(cls, statement: Statement) -> _Draft:
        key = frozenset(
            (c.operator, c.key.lower(), frozenset((_type_name(v), v) for v in c.values))
            for c in statement.conditions
        )
        return cls(
            statement.effect,
            _union_actions((), statement.actions),
            _union_resources((), statement.resources),
            statement.conditions,
            key,
            statement.sid,
            statement,
        )

    def to_statement(self) -> Statement:
        if (self.actions, self.resources) == (self.source.actions, self.source.resources):
            return self.source
        return Statement(
            effect=self.effect,
            actions=self.actions,
            resources=self.resources,
            conditions=self.conditions,
            sid=self.sid,
        )


def _union_actions(first: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    seen = {action.lower() for action in first}
    out = list(first)
    for action in more:
        if action.lower() not in seen:
            seen.add(action.lower())
            out.append(action)
    return tuple(out)


def _union_resources(first: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(first + more))


def _merge_pass(drafts: list[_Draft], *, by: Literal["resources", "actions"]) -> list[_Draft]:
    """Merge statements that agree on effect, conditions and ``by``; union the other part."""
    out: list[_Draft] = []
    index: dict[object, int] = {}
    for draft in drafts:
        if draft.sid is not None:  # a Sid names one statement: keep it as written
            out.append(draft)
            continue
        same: frozenset[str] = (
            frozenset(draft.resources)
            if by == "resources"
            else frozenset(action.lower() for action in draft.actions)
        )
        key = (draft.effect, draft.condition_key, same)
        if key not in index:
            index[key] = len(out)
            out.append(draft)
            continue
        target = out[index[key]]
        if by == "resources":
            target = attrs.evolve(target, actions=_union_actions(target.actions, draft.actions))
        else:
            target = attrs.evolve(
                target, resources=_union_resources(target.resources, draft.resources)
            )
        out[index[key]] = target
    return out


def _merge_statements(statements: Sequence[Statement]) -> tuple[Statement, ...]:
    """Merge statements where the result decides every request exactly as the input.

    Two statements with the same effect and the same conditions are merged when they
    have the same resources (their actions are united) or the same actions (their
    resources are united); exact duplicates disappear. Statements with a ``Sid`` are
    kept as they are. Repeated until nothing changes; order follows first appearance.
    """
    drafts = [_Draft.of(statement) for statement in statements]
    while True:
        merged = _merge_pass(_merge_pass(drafts, by="resources"), by="actions")
        if len(merged) == len(drafts):
            return tuple(draft.to_statement() for draft in merged)
        drafts = merged


def _first_fit_decreasing(sizes: Sequence[int], capacity: int) -> int:
    """How many bins of ``capacity`` the items need, packed first-fit decreasing."""
    bins: list[int] = []
    for size in sorted(sizes, reverse=True):
        for i, used in enumerate(bins):
            if used + size <= capacity:
                bins[i] = used + size
                break
        else:
            bins.append(size)
    return len(bins)


def _to_statements(value: Iterable[Statement]) -> tuple[Statement, ...]:
    if type(value) is tuple and all(type(item) is Statement for item in value):
        return value
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(
            "statements", f"must be a sequence of Statement, got {_type_name(value)}"
        )
    out: list[Statement] = []
    for i, statement in enumerate(value):
        if not isinstance(statement, Statement):
            raise ValidationError(
                f"statements[{i}]", f"must be a Statement, got {_type_name(statement)}"
            )
        out.append(statement)
    return tuple(out)


def _plain_conditions(conditions: object) -> object:
    """Copy a conditions mapping with tuples turned into lists, as JSON would have them."""
    if not isinstance(conditions, Mapping):
        return conditions
    return {
        operator: (
            {key: list(v) if isinstance(v, tuple) else v for key, v in block.items()}
            if isinstance(block, Mapping)
            else block
        )
        for operator, block in conditions.items()
    }


def _strings_argument(value: object, field: str) -> object:
    if isinstance(value, str | list | tuple):
        return list(value) if isinstance(value, tuple) else value
    if isinstance(value, Iterable) and not isinstance(value, bytes | bytearray | Mapping):
        return list(value)
    raise ValidationError(
        field, f"must be a string or a sequence of strings, got {_type_name(value)}"
    )


_STATEMENT_FIELDS: Final = {
    "Action": "actions",
    "Resource": "resources",
    "Condition": "conditions",
    "Sid": "sid",
}


def _argument_field(field: str) -> str:
    """Rename a document path (``.Action[1]``) after the argument it came from."""
    head, sep, rest = field.lstrip(".").partition(".")
    name, bracket, index = head.partition("[")
    renamed = _STATEMENT_FIELDS.get(name, name)
    return renamed + bracket + index + sep + rest


# --- value types ---------------------------------------------------------------------------


def _check_policy_name(_instance: object, _attribute: attrs.Attribute[str], value: str) -> None:
    validate_policy_name(value, field="name")


def _check_document(
    _instance: object, _attribute: attrs.Attribute[PolicyDocument], value: PolicyDocument
) -> None:
    if not isinstance(value, PolicyDocument):
        raise ValidationError("document", f"must be a PolicyDocument, got {_type_name(value)}")


@attrs.frozen
class NamedPolicy:
    """An inline policy of a role: its name and its document.

    Args:
        name: The inline policy name (1-128 characters of ``[A-Za-z0-9_+=,.@-]``).
        document: The policy document.

    .. versionadded:: 0.1.0
    """

    name: str = attrs.field(validator=_check_policy_name)
    document: PolicyDocument = attrs.field(validator=_check_document)


def _count_repr(values: tuple[str, ...]) -> str:
    return f"<{len(values)} external ID{'' if len(values) == 1 else 's'}>"


@attrs.frozen(kw_only=True)
class Handoff:
    """What the third party needs to assume the role: give it this, and nothing else.

    Attributes:
        role_arn: The ARN of the role to assume.
        external_id: The external ID to pass (the newest trusted one), or ``None``.
        external_ids: Every external ID the role accepts, oldest first.
        trusted_principals: The principals allowed to call ``sts:AssumeRole``.
        max_session_duration: The longest ``DurationSeconds`` the role allows.
        session_name_patterns: ``RoleSessionName`` must match one (``StringLike``);
            empty when any session name is accepted.
        source_identity_required: Whether ``SourceIdentity`` must be passed.
        source_identity_patterns: Patterns a required source identity must match.
        source_identity_allowed: Whether ``SourceIdentity`` may be passed.
        session_tags_allowed: Whether session ``Tags`` may be passed.
        session_tag_keys: The only tag keys allowed, or ``None`` for any.
        required_org_ids: The caller's account must belong to one of these
            organizations; empty when not required.

    .. versionadded:: 0.1.0
    """

    role_arn: str
    external_id: str | None
    external_ids: tuple[str, ...] = attrs.field(repr=_count_repr)
    trusted_principals: tuple[str, ...]
    max_session_duration: int
    session_name_patterns: tuple[str, ...] = ()
    source_identity_required: bool = False
    source_identity_patterns: tuple[str, ...] = ()
    source_identity_allowed: bool = False
    session_tags_allowed: bool = False
    session_tag_keys: tuple[str, ...] | None = None
    required_org_ids: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"Handoff(role_arn={self.role_arn!r}, external_ids={_count_repr(self.external_ids)}, "
            f"trusted_principals={self.trusted_principals!r}, "
            f"max_session_duration={self.max_session_duration})"
        )

    def to_dict(self) -> dict[str, Any]:
        """This handoff as a JSON-ready ``dict``.

        .. versionadded:: 0.1.0
        """
        return {
            "role_arn": self.role_arn,
            "external_id": self.external_id,
            "external_ids": list(self.external_ids),
            "trusted_principals": list(self.trusted_principals),
            "max_session_duration": self.max_session_duration,
            "session_name_patterns": list(self.session_name_patterns),
            "source_identity_required": self.source_identity_required,
            "source_identity_patterns": list(self.source_identity_patterns),
            "source_identity_allowed": self.source_identity_allowed,
            "session_tags_allowed": self.session_tags_allowed,
            "session_tag_keys": (
                None if self.session_tag_keys is None else list(self.session_tag_keys)
            ),
            "required_org_ids": list(self.required_org_ids),
        }

    def to_json(self, indent: int | None = None) -> str:
        """This handoff as JSON text (ASCII, keys in a fixed order).

        .. versionadded:: 0.1.0
        """
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(self.to_dict(), indent=indent, separators=separators, ensure_ascii=True)


# --- the grant -----------------------------------------------------------------------------


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
            10; raise it if your account's quota is higher).
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

    role_name: str
    trusted_account: str | None = None
    trusted_principal: str | None = None
    trusted_principals: tuple[str, ...] = attrs.field(default=(), converter=_to_principals)
    external_ids: tuple[str, ...] = attrs.field(
        default=(), converter=_to_external_ids, alias="external_id"
    )
    pin: Pin = "condition"
    partition: str | None = None
    path: str = "/"
    description: str | None = None
    max_session_duration: int = attrs.field(default=3600, converter=_to_duration)
    tags: tuple[Tag, ...] = attrs.field(default=(), converter=_to_tags)
    permissions_boundary: str | None = None
    allow_missing_external_id: bool = False
    trust_policy_quota: int = TRUST_POLICY_SIZE_QUOTA
    inline_policies_quota: int = INLINE_POLICIES_SIZE_QUOTA
    max_managed_policies: int = 10
    inline_policy_prefix: str | None = None
    org_ids: tuple[str, ...] = attrs.field(default=(), converter=_to_org_ids)
    session_name_patterns: tuple[str, ...] = attrs.field(
        default=(), converter=_to_session_name_patterns
    )
    source_identity_patterns: tuple[str, ...] | None = attrs.field(
        default=None, converter=_to_source_identity_patterns
    )
    source_identity_allowed: bool = False
    session_tags_allowed: bool = False
    session_tag_keys: tuple[str, ...] | None = attrs.field(
        default=None, converter=_to_session_tag_keys
    )
    statements: tuple[Statement, ...] = attrs.field(default=(), converter=_to_statements)
    managed_policy_arns: tuple[str, ...] = attrs.field(default=(), converter=_to_policy_arns)
    _trustees: tuple[_Trustee, ...] = attrs.field(init=False, eq=False, repr=False)
    _partition: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _check(validate_role_name, self.role_name, "role_name")
        _check(validate_role_path, self.path, "path")
        if self.description is not None:
            _check(validate_description, self.description, "description")
        if self.pin not in _PINS:
            raise ValidationError("pin", f"must be 'condition' or 'arn', got {self.pin!r}")
        _check_bool(self.allow_missing_external_id, "allow_missing_external_id")
        _check_bool(self.source_identity_allowed, "source_identity_allowed")
        _check_bool(self.session_tags_allowed, "session_tags_allowed")
        _check_count(self.trust_policy_quota, "trust_policy_quota", 1)
        _check_count(self.inline_policies_quota, "inline_policies_quota", 1)
        if self.inline_policies_quota > INLINE_POLICIES_SIZE_QUOTA:
            raise ValidationError(
                "inline_policies_quota",
                f"IAM's quota of {INLINE_POLICIES_SIZE_QUOTA} characters for the inline "
                f"policies of one role cannot be raised, got {self.inline_policies_quota}; "
                "attach managed policies for more",
            )
        _check_count(self.max_managed_policies, "max_managed_policies", 0)
        if self.inline_policy_prefix is not None:
            validate_policy_name(self.inline_policy_prefix, field="inline_policy_prefix")
            if len(self.inline_policy_prefix) > _MAX_POLICY_NAME - 8:
                raise ValidationError(
                    "inline_policy_prefix",
                    f"must be at most {_MAX_POLICY_NAME - 8} characters, so that "
                    "'PREFIX-N' stays a valid policy name",
                )
        partition, trustees = self._resolve_trust()
        object.__setattr__(self, "_partition", partition)
        object.__setattr__(self, "_trustees", trustees)
        self._check_external_ids()
        self._check_trust_options()
        self._check_permissions()

    def _resolve_trust(self) -> tuple[str, tuple[_Trustee, ...]]:
        found: list[_Trustee] = []
        if self.trusted_account is not None:
            found.append(_parse_trustee(self.trusted_account, "trusted_account", account_only=True))
        if self.trusted_principal is not None:
            found.append(
                _parse_trustee(self.trusted_principal, "trusted_principal", account_only=False)
            )
        for i, value in enumerate(self.trusted_principals):
            found.append(_parse_trustee(value, f"trusted_principals[{i}]", account_only=False))
        partition = (
            None
            if self.partition is None
            else validate_partition(self.partition, field="partition")
        )
        for trustee in found:
            if trustee.partition is None:
                continue
            if partition is None:
                partition = trustee.partition
            elif trustee.partition != partition:
                raise ValidationError(
                    trustee.field,
                    f"is in partition {trustee.partition!r} but the grant is in {partition!r}; "
                    "STS does not assume roles across partitions",
                )
        resolved = partition or "aws"
        seen: dict[str, str] = {}
        whole: dict[str, str] = {}
        for trustee in found:
            arn = trustee.principal_arn(resolved)
            if arn in seen:
                raise ValidationError(trustee.field, f"trusts the same principal as {seen[arn]}")
            seen[arn] = trustee.field
            if trustee.kind == "root":
                whole[trustee.account] = trustee.field
        for trustee in found:
            if trustee.kind != "root" and trustee.account in whole:
                raise ValidationError(
                    trustee.field,
                    f"is in account {trustee.account}, which {whole[trustee.account]} already "
                    "trusts as a whole; trust either the account or its principals",
                )
            if self.pin == "arn" and trustee.arn is not None and re.search(r"[*?]", trustee.arn):
                raise ValidationError(
                    trustee.field,
                    "contains '*' or '?', which a Principal cannot name; use pin='condition'",
                )
        return resolved, tuple(found)

    def _check_external_ids(self) -> None:
        count = len(self.external_ids)
        seen: set[str] = set()
        for i, value in enumerate(self.external_ids):
            where = _index_field("external_id", i, count)
            _check(validate_external_id, value, where)
            if value in seen:
                raise ValidationError(where, "repeats an earlier external ID")
            seen.add(value)

    def _check_trust_options(self) -> None:
        for i, org_id in enumerate(self.org_ids):
            where = _index_field("org_ids", i, len(self.org_ids))
            if not isinstance(org_id, str) or _ORG_ID.fullmatch(org_id) is None:
                raise ValidationError(
                    where, "must be an organization ID: 'o-' and 10-32 lowercase letters or digits"
                )
        _check_unique(self.org_ids, "org_ids")
        if self.session_name_patterns:
            _check_patterns(self.session_name_patterns, "session_name_patterns", "session name")
        if self.source_identity_patterns is not None:
            _check_patterns(
                self.source_identity_patterns, "source_identity_patterns", "source identity"
            )
        if self.session_tag_keys is not None:
            if not self.session_tags_allowed:
                raise ValidationError(
                    "session_tag_keys", "needs session_tags_allowed (see allow_session_tags())"
                )
            if not self.session_tag_keys:
                raise ValidationError("session_tag_keys", "must name at least one key, or be None")
            count = len(self.session_tag_keys)
            folded: set[str] = set()
            for i, key in enumerate(self.session_tag_keys):
                where = _index_field("session_tag_keys", i, count)
                _check(validate_tag_key, key, where)
                if _POLICY_TEXT.fullmatch(key) is None:
                    raise ValidationError(
                        where,
                        "cannot be written in a policy: IAM policy text allows only U+0020-U+00FF",
                    )
                if key.lower() in folded:
                    raise ValidationError(where, "repeats an earlier key (keys ignore case)")
                folded.add(key.lower())

    def _check_permissions(self) -> None:
        sids: set[str] = set()
        for i, statement in enumerate(self.statements):
            where = f"statements[{i}]"
            if statement.not_actions or statement.not_resources:
                raise ValidationError(where, "NotAction and NotResource are not supported")
            if statement.principal is not None or statement.not_principal is not None:
                raise ValidationError(where, "a permission statement cannot name a principal")
            if not statement.resources:
                raise ValidationError(where, "a permission statement needs resources")
            if statement.sid:
                if statement.sid in sids:
                    raise ValidationError(where, f"repeats the Sid {statement.sid!r}")
                sids.add(statement.sid)
        count = len(self.managed_policy_arns)
        for i, arn in enumerate(self.managed_policy_arns):
            self._check_policy_arn(arn, _index_field("managed_policy_arns", i, count))
        _check_unique(self.managed_policy_arns, "managed_policy_arns")
        if count > self.max_managed_policies:
            raise ValidationError(
                "managed_policy_arns",
                f"{count} managed policies exceed max_managed_policies={self.max_managed_policies}",
            )
        if self.permissions_boundary is not None:
            self._check_policy_arn(self.permissions_boundary, "permissions_boundary")

    def _check_policy_arn(self, arn: object, field: str) -> None:
        _check(validate_managed_policy_arn, arn, field)
        partition = str(arn).split(":", 2)[1]
        if partition != self._partition:
            raise ValidationError(
                field, f"is in partition {partition!r} but the grant is in {self._partition!r}"
            )

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
        return attrs.evolve(self, trusted_principals=self.trusted_principals + principals)

    def add_external_id(self, external_id: str) -> ThirdPartyGrant:
        """Trust one more external ID, which becomes the current one (for rotation).

        Trust the new ID, let the third party switch to it, then
        :meth:`remove_external_id` the old one.

        .. versionadded:: 0.1.0
        """
        return attrs.evolve(self, external_id=(*self.external_ids, external_id))

    def remove_external_id(self, external_id: str) -> ThirdPartyGrant:
        """Stop trusting an external ID.

        Raises:
            ValidationError: The grant does not trust this external ID.

        .. versionadded:: 0.1.0
        """
        if external_id not in self.external_ids:
            raise ValidationError("external_id", "is not one of the grant's external IDs")
        kept = tuple(value for value in self.external_ids if value != external_id)
        return attrs.evolve(self, external_id=kept)

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
        return attrs.evolve(self, org_ids=org_ids)

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
        return attrs.evolve(self, session_name_patterns=patterns)

    def require_source_identity(self, *patterns: str) -> ThirdPartyGrant:
        """Require a ``SourceIdentity`` matching one of these patterns (any by default).

        Adds ``sts:SetSourceIdentity`` to the trust policy and ``StringLike`` on
        ``sts:SourceIdentity``, which fails when no source identity is passed.

        Raises:
            ValidationError: A pattern is malformed, or this was already set.

        .. versionadded:: 0.1.0
        """
        self._set_once(self.source_identity_patterns is not None, "require_source_identity")
        return attrs.evolve(self, source_identity_patterns=patterns or ("*",))

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
        return attrs.evolve(self, source_identity_allowed=True)

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
        return attrs.evolve(self, session_tags_allowed=True, session_tag_keys=keys)

    def allow(
        self,
        actions: str | Iterable[str],
        resources: str | Iterable[str],
        conditions: ConditionsInput | None = None,
        *,
        sid: str | None = None,
    ) -> ThirdPartyGrant:
        """Allow ``actions`` on ``resources``, optionally under ``conditions``.

        Args:
            actions: ``service:Action`` names (``*`` and ``?`` are wildcards), or ``*``.
            resources: Resource ARNs (wildcards allowed) or ``*``.
            conditions: A ``Condition`` element: ``{operator: {key: value or [values]}}``.
            sid: A statement ID (ASCII letters and digits), unique in the grant.
                Statements with a Sid are never merged with others.

        Returns:
            A new grant.

        Raises:
            ValidationError: An argument breaks the policy grammar; the error names it.

        .. versionadded:: 0.1.0
        """
        return self._add("Allow", actions, resources, conditions, sid)

    def deny(
        self,
        actions: str | Iterable[str],
        resources: str | Iterable[str],
        conditions: ConditionsInput | None = None,
        *,
        sid: str | None = None,
    ) -> ThirdPartyGrant:
        """Deny ``actions`` on ``resources``; an explicit deny wins over any allow.

        Takes the same arguments as :meth:`allow`.

        .. versionadded:: 0.1.0
        """
        return self._add("Deny", actions, resources, conditions, sid)

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
        return attrs.evolve(self, managed_policy_arns=(*self.managed_policy_arns, policy_arn))

    def _set_once(self, already: bool, method: str) -> None:
        if already:
            raise ValidationError(method, "was already set on this grant and can be set only once")

    def _add(
        self,
        effect: Literal["Allow", "Deny"],
        actions: object,
        resources: object,
        conditions: object,
        sid: object,
    ) -> ThirdPartyGrant:
        data: dict[str, object] = {
            "Effect": effect,
            "Action": _strings_argument(actions, "actions"),
            "Resource": _strings_argument(resources, "resources"),
        }
        if conditions is not None:
            data["Condition"] = _plain_conditions(conditions)
        if sid is not None:
            data["Sid"] = sid
        try:
            statement = Statement.from_dict(data, "")
        except ValidationError as exc:
            raise ValidationError(_argument_field(exc.field), exc.rule) from None
        if sid is not None and any(s.sid == sid for s in self.statements):
            raise ValidationError("sid", f"{sid!r} is already used by another statement")
        return attrs.evolve(self, statements=(*self.statements, statement))

    # -- documents ---------------------------------------------------------------------------

    def trust_policy(self) -> PolicyDocument:
        """Build the role's trust policy.

        One ``Allow`` of ``sts:AssumeRole`` (plus ``sts:TagSession`` and
        ``sts:SetSourceIdentity`` when allowed) for the trusted principals, with
        ``StringEquals`` on ``sts:ExternalId`` listing every trusted external ID and the
        optional conditions. Session tags and source identity are authorised as
        separate actions of the same request, whose context carries the same
        external ID, session name and principal, so they share the statement and its
        conditions. Principals pinned by condition get a statement of their own.

        Raises:
            ValidationError: No principal is trusted, or no external ID is set and
                ``allow_missing_external_id`` is false.
            PolicySizeError: The policy exceeds ``trust_policy_quota``.

        .. versionadded:: 0.1.0
        """
        if not self._trustees:
            raise ValidationError(
                "trusted_principals",
                "the grant trusts no one: give trusted_account=, trusted_principal= or "
                "trusted_principals=, or call trust()",
            )
        if not self.external_ids and not self.allow_missing_external_id:
            raise ValidationError(
                "external_id",
                "a third-party trust policy needs an external ID (the confused-deputy "
                "defence); give external_id=, or allow_missing_external_id=True to opt out",
            )
        actions = [_ASSUME_ROLE]
        if self.session_tags_allowed:
            actions.append(_TAG_SESSION)
        if self.source_identity_allowed or self.source_identity_patterns is not None:
            actions.append(_SET_SOURCE_IDENTITY)
        named: list[str] = []
        pinned: list[_Trustee] = []
        for trustee in self._trustees:
            if trustee.kind == "root" or self.pin == "arn":
                named.append(trustee.principal_arn(self._partition))
            else:
                pinned.append(trustee)
        statements: list[Statement] = []
        if named:
            statements.append(
                Statement(
                    effect="Allow",
                    principal=Principal(aws=named),
                    actions=actions,
                    conditions=self._trust_conditions(()),
                )
            )
        if pinned:
            roots = dict.fromkeys(f"arn:{self._partition}:iam::{t.account}:root" for t in pinned)
            statements.append(
                Statement(
                    effect="Allow",
                    principal=Principal(aws=tuple(roots)),
                    actions=actions,
                    conditions=self._trust_conditions(
                        tuple(_literal(t.principal_arn(self._partition)) for t in pinned)
                    ),
                )
            )
        document = PolicyDocument(statements)
        document.check_trust_policy()
        document.check_size(
            self.trust_policy_quota, quota="role trust policy", field="trust_policy"
        )
        return document

    def _trust_conditions(self, principal_arns: tuple[str, ...]) -> tuple[Condition, ...]:
        out: list[Condition] = []
        if self.external_ids:
            out.append(Condition("StringEquals", "sts:ExternalId", self.external_ids))
        if principal_arns:
            out.append(Condition("StringEquals", "aws:PrincipalArn", principal_arns))
        if self.org_ids:
            out.append(Condition("StringEquals", "aws:PrincipalOrgID", self.org_ids))
        if self.session_name_patterns:
            out.append(Condition("StringLike", "sts:RoleSessionName", self.session_name_patterns))
        if self.source_identity_patterns is not None:
            out.append(Condition("StringLike", "sts:SourceIdentity", self.source_identity_patterns))
        if self.session_tag_keys is not None:
            out.append(Condition("ForAllValues:StringEquals", "aws:TagKeys", self.session_tag_keys))
        return tuple(out)

    def permission_policies(self) -> tuple[NamedPolicy, ...]:
        """Build the role's inline permission policies from :meth:`allow` and :meth:`deny`.

        Statements are merged where that changes no decision: same effect and
        conditions, and the same resources (actions united) or the same actions
        (resources united); duplicates are dropped; statements with a ``Sid`` are
        kept as written. IAM counts all inline policies of a role against one
        aggregate quota, so splitting never makes room: the statements go into one
        policy named ``PREFIX-0``. A grant without statements has no inline policy.

        Raises:
            PolicySizeError: The statements exceed ``inline_policies_quota``; its note
                says how many customer-managed policies they would need instead.

        .. versionadded:: 0.1.0
        """
        if not self.statements:
            return ()
        merged = _merge_statements(self.statements)
        document = PolicyDocument(merged)
        document.check_identity_policy()
        size = document.size()
        if size > self.inline_policies_quota:
            error = PolicySizeError(
                "permission_policies", size, self.inline_policies_quota, "inline policies per role"
            )
            error.add_note(self._managed_policy_hint(merged))
            raise error
        prefix = self.role_name if self.inline_policy_prefix is None else self.inline_policy_prefix
        return (NamedPolicy(name=f"{prefix}-0", document=document),)

    def _managed_policy_hint(self, statements: tuple[Statement, ...]) -> str:
        capacity = MANAGED_POLICY_SIZE_QUOTA - _DOCUMENT_OVERHEAD
        sizes = [_statement_size(s) + 1 for s in statements]  # +1: the separating comma
        largest = max(sizes) - 1
        if largest > capacity:
            return (
                f"one statement alone is {largest} characters, more than a customer-managed "
                f"policy can hold ({MANAGED_POLICY_SIZE_QUOTA}); split its actions or resources"
            )
        needed = _first_fit_decreasing(sizes, capacity + 1)
        free = self.max_managed_policies - len(self.managed_policy_arns)
        return (
            f"move the statements into {needed} customer-managed "
            f"polic{'y' if needed == 1 else 'ies'} (at most {MANAGED_POLICY_SIZE_QUOTA} "
            f"characters each) and attach() them; {free} of max_managed_policies="
            f"{self.max_managed_policies} attachments are free"
        )

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
        return str(
            RoleArn(partition=self._partition, account=account, path=self.path, name=self.role_name)
        )

    def handoff(self, account_id: str, *, partition: str | None = None) -> Handoff:
        """What to give the third party once the role exists in ``account_id``.

        Raises:
            ValidationError: As :meth:`role_arn`, or when the grant is incomplete (see
                :meth:`trust_policy`).

        .. versionadded:: 0.1.0
        """
        role_arn = self.role_arn(account_id, partition=partition)
        self.trust_policy()  # refuse an incomplete or oversized grant
        required = self.source_identity_patterns is not None
        return Handoff(
            role_arn=role_arn,
            external_id=self.external_ids[-1] if self.external_ids else None,
            external_ids=self.external_ids,
            trusted_principals=self.trusted_principal_arns,
            max_session_duration=self.max_session_duration,
            session_name_patterns=self.session_name_patterns,
            source_identity_required=required,
            source_identity_patterns=self.source_identity_patterns or (),
            source_identity_allowed=self.source_identity_allowed or required,
            session_tags_allowed=self.session_tags_allowed,
            session_tag_keys=self.session_tag_keys,
            required_org_ids=self.org_ids,
        )

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

    # -- offline evaluation ------------------------------------------------------------------

    # -- provisioning (the AWS layer is imported only here) -------------------------------

    def role_spec(self) -> RoleSpec:
        """The role this grant describes, as the desired state for provisioning.

        Raises:
            ValidationError: The grant is incomplete or a document exceeds its quota
                (see :meth:`trust_policy` and :meth:`permission_policies`).

        .. versionadded:: 0.1.0
        """
        from xaccess.rolespec import RoleSpec  # noqa: PLC0415 - keeps import xaccess light

        return RoleSpec(
            role_name=self.role_name,
            path=self.path,
            trust_policy=self.trust_policy(),
            inline_policies=[(p.name, p.document) for p in self.permission_policies()],
            managed_policy_arns=self.managed_policy_arns,
            permissions_boundary=self.permissions_boundary,
            description=self.description or "",
            max_session_duration=self.max_session_duration,
            tags=self.tags,
            trust_policy_quota=self.trust_policy_quota,
        )

    def create(self, iam: IAMClient, *, retry: RetryPolicy | None = None) -> ProvisionedRole:
        """Create the role in the account of ``iam``, all or nothing.

        Every document is built and checked before the first AWS call. If a step
        fails after the role was created, everything created is removed again and a
        :class:`~xaccess.ProvisioningError` says which step failed and what was rolled
        back. See :func:`xaccess.aws.provisioning.create`.

        Args:
            iam: A boto3 IAM client for the customer's account.
            retry: How transient AWS errors are retried.

        .. versionadded:: 0.1.0
        """
        from xaccess.aws import provisioning  # noqa: PLC0415 - the AWS layer loads on use

        return provisioning.create(iam, self.role_spec(), retry=retry)

    def plan(self, iam: IAMClient, *, retry: RetryPolicy | None = None) -> Plan:
        """The changes :meth:`apply` would make to bring the role to this grant.

        Read-only. See :func:`xaccess.aws.provisioning.plan`.

        .. versionadded:: 0.1.0
        """
        from xaccess.aws import provisioning  # noqa: PLC0415 - the AWS layer loads on use

        return provisioning.plan(iam, self.role_spec(), retry=retry)

    def apply(
        self, iam: IAMClient, *, adopt: bool = False, retry: RetryPolicy | None = None
    ) -> ProvisionedRole:
        """Create the role, or converge an existing one to this grant; idempotent.

        Only roles that xaccess manages (marked by a tag) are changed unless
        ``adopt`` is true. See :func:`xaccess.aws.provisioning.apply`.

        .. versionadded:: 0.1.0
        """
        from xaccess.aws import provisioning  # noqa: PLC0415 - the AWS layer loads on use

        return provisioning.apply(iam, self.role_spec(), adopt=adopt, retry=retry)

    def _evaluation_account(self, account_id: str | None, avoid: str | None) -> str:
        """The account that owns the role: ``account_id``, else a placeholder no one uses."""
        if account_id is not None:
            return account_id
        taken = {t.account for t in self._trustees} | {avoid}
        return next(a for a in map("{:012d}".format, itertools.count()) if a not in taken)

    def _pinned_role_of_session(self, principal_arn: str) -> str | None:
        """The trusted role ARN (with its path) of a session ARN, if the grant names it.

        A session ARN carries the role name but not its path; role names are unique
        in an account, so a trusted role with that exact name is the session's role.
        """
        if ":assumed-role/" not in principal_arn:
            return None
        try:
            session = AssumedRoleArn.parse(principal_arn, field="principal_arn")
        except ValidationError:
            return None  # the evaluation reports the malformed principal
        for trustee in self._trustees:
            if trustee.kind == "role" and trustee.account == session.account:
                role = RoleArn.parse(trustee.arn, field=trustee.field)
                if role.name == session.role_name:
                    return str(role)
        return None

    def can_assume(
        self,
        principal_arn: str,
        *,
        external_id: str | None = None,
        session_name: str | None = None,
        source_identity: str | None = None,
        session_tags: Mapping[str, str] | None = None,
        context: Mapping[str, ContextValue] | None = None,
        identity_policies: Iterable[PolicyDocument] | None = None,
        account_id: str | None = None,
    ) -> Decision:
        """Decide offline whether ``principal_arn`` may assume the role, as STS would.

        Evaluates ``sts:AssumeRole`` on the role against :meth:`trust_policy`, and
        also ``sts:TagSession`` when ``session_tags`` are passed and
        ``sts:SetSourceIdentity`` when ``source_identity`` is, because STS authorises
        each of them; the first refusal is returned, else the ``sts:AssumeRole``
        decision.

        Args:
            principal_arn: The caller: a role ARN (standing for a session of that
                role), an assumed-role session ARN, a user ARN, an account root.
                For a session of a role with a path, pass the role's ARN in
                ``context["aws:PrincipalArn"]`` (a session ARN has no path).
            external_id: The ``ExternalId`` passed, if any.
            session_name: The ``RoleSessionName`` passed; needed when the grant
                restricts session names (every real call passes one).
            source_identity: The ``SourceIdentity`` passed, if any.
            session_tags: The session ``Tags`` passed, if any.
            context: More request context keys; they override the derived ones.
            identity_policies: The caller's identity policies. By default one policy
                that allows the three STS actions on the role, so that the answer is
                about the trust policy alone.
            account_id: The account that owns the role. By default a placeholder
                account (the first of ``000000000000``, ``000000000001``... that is
                neither trusted nor the caller's), as for a real third party.

        Returns:
            The :class:`~xaccess.policy.Decision`.

        Raises:
            ValidationError: An argument is malformed, or the grant is incomplete
                (see :meth:`trust_policy`).

        .. versionadded:: 0.1.0
        """
        if not isinstance(principal_arn, str):
            raise ValidationError(
                "principal_arn", f"must be a str, got {_type_name(principal_arn)}"
            )
        parts = principal_arn.split(":", 5)
        caller_account = parts[4] if len(parts) == 6 else None
        role_arn = self.role_arn(self._evaluation_account(account_id, caller_account))
        trust = self.trust_policy()
        tags = _mapping_argument(session_tags, "session_tags")
        extra = _mapping_argument(context, "context")
        if identity_policies is not None and (
            isinstance(identity_policies, str | bytes | Mapping)
            or not isinstance(identity_policies, Iterable)
        ):
            raise ValidationError(
                "identity_policies",
                f"must be a sequence of PolicyDocument, got {_type_name(identity_policies)}",
            )
        values: dict[str, ContextValue] = {}
        pinned = self._pinned_role_of_session(principal_arn)
        if pinned is not None:
            values["aws:PrincipalArn"] = pinned
        if external_id is not None:
            values["sts:ExternalId"] = external_id
        if session_name is not None:
            values["sts:RoleSessionName"] = session_name
        if source_identity is not None:
            values["sts:SourceIdentity"] = source_identity
        if tags:
            values["aws:TagKeys"] = tuple(tags)
            for key, value in tags.items():
                values[f"aws:RequestTag/{key}"] = value
        values.update(extra)
        if identity_policies is None:
            identity_policies = (
                PolicyDocument(
                    [
                        Statement(
                            effect="Allow",
                            actions=(_ASSUME_ROLE, _TAG_SESSION, _SET_SOURCE_IDENTITY),
                            resources=(role_arn,),
                        )
                    ]
                ),
            )
        identities = tuple(identity_policies)
        actions = [_ASSUME_ROLE]
        if tags:
            actions.append(_TAG_SESSION)
        if source_identity is not None:
            actions.append(_SET_SOURCE_IDENTITY)
        decisions = [
            evaluate(
                Request(principal=principal_arn, action=action, resource=role_arn, context=values),
                identity_policies=identities,
                resource_policy=trust,
            )
            for action in actions
        ]
        return next((d for d in decisions if not d.allowed), decisions[0])

    def permits(
        self,
        action: str,
        resource: str,
        *,
        context: Mapping[str, ContextValue] | None = None,
        policy_documents: Mapping[str, PolicyDocument] | None = None,
        account_id: str | None = None,
    ) -> Decision:
        """Decide offline whether a session of the role may do ``action`` on ``resource``.

        Evaluates :meth:`permission_policies`, plus the attached managed policies
        and the permissions boundary whose documents are given (IAM's copies are
        not available offline: an attached managed policy without a document is
        left out, which can only make the answer stricter than AWS's, unless it
        holds a ``Deny``).

        Args:
            action: The action, ``service:Action``.
            resource: The resource ARN, or ``*``.
            context: Request context keys, such as ``aws:SourceIp`` or ``s3:prefix``.
            policy_documents: Documents of attached managed policies and of the
                permissions boundary, by ARN.
            account_id: The account that owns the role; by default the resource's
                account, else a placeholder. A resource in another account needs its
                own resource policy, which this method does not take.

        Raises:
            ValidationError: An argument is malformed, the role's account would be one
                the grant trusts, or the grant has a permissions boundary whose document
                is not in ``policy_documents``.

        .. versionadded:: 0.1.0
        """
        if not isinstance(resource, str):
            raise ValidationError("resource", f"must be a str, got {_type_name(resource)}")
        documents = dict(_mapping_argument(policy_documents, "policy_documents"))
        extra = _mapping_argument(context, "context")
        boundary = None
        if self.permissions_boundary is not None:
            boundary = documents.get(self.permissions_boundary)
            if boundary is None:
                raise ValidationError(
                    "policy_documents",
                    "the permissions boundary limits every permission; pass its document "
                    f"under {self.permissions_boundary!r}",
                )
        parts = resource.split(":", 5)
        owner = parts[4] if len(parts) == 6 and re.fullmatch(r"[0-9]{12}", parts[4]) else None
        account = account_id if account_id is not None else owner
        role_arn = self.role_arn(self._evaluation_account(account, None))
        session = f"arn:{self._partition}:sts::{role_arn.split(':')[4]}:assumed-role/"
        values: dict[str, ContextValue] = {"aws:PrincipalArn": role_arn}
        values.update(extra)
        identities = [policy.document for policy in self.permission_policies()]
        identities.extend(documents[a] for a in self.managed_policy_arns if a in documents)
        return evaluate(
            Request(
                principal=f"{session}{self.role_name}/{_CHECK_SESSION}",
                action=action,
                resource=resource,
                context=values,
            ),
            identity_policies=identities,
            permissions_boundary=boundary,
        )

    # -- serialisation -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """This grant as a JSON-ready ``dict`` for storing, reviewing and diffing.

        Every setting is present, in a fixed order; :meth:`from_dict` gives back an
        equal grant.

        .. versionadded:: 0.1.0
        """
        return {
            "schema": _SCHEMA,
            "role_name": self.role_name,
            "path": self.path,
            "description": self.description,
            "max_session_duration": self.max_session_duration,
            "tags": {tag.key: tag.value for tag in self.tags},
            "partition": self.partition,
            "trusted_account": self.trusted_account,
            "trusted_principal": self.trusted_principal,
            "trusted_principals": list(self.trusted_principals),
            "pin": self.pin,
            "external_ids": list(self.external_ids),
            "allow_missing_external_id": self.allow_missing_external_id,
            "org_ids": list(self.org_ids),
            "session_name_patterns": list(self.session_name_patterns),
            "source_identity_patterns": (
                None
                if self.source_identity_patterns is None
                else list(self.source_identity_patterns)
            ),
            "source_identity_allowed": self.source_identity_allowed,
            "session_tags_allowed": self.session_tags_allowed,
            "session_tag_keys": (
                None if self.session_tag_keys is None else list(self.session_tag_keys)
            ),
            "statements": [statement.to_dict() for statement in self.statements],
            "managed_policy_arns": list(self.managed_policy_arns),
            "permissions_boundary": self.permissions_boundary,
            "trust_policy_quota": self.trust_policy_quota,
            "inline_policies_quota": self.inline_policies_quota,
            "max_managed_policies": self.max_managed_policies,
            "inline_policy_prefix": self.inline_policy_prefix,
        }

    def to_json(self, indent: int | None = None) -> str:
        """This grant as JSON text; see :meth:`to_dict`.

        .. versionadded:: 0.1.0
        """
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(self.to_dict(), indent=indent, separators=separators, ensure_ascii=True)

    @classmethod
    def from_dict(cls, data: object) -> ThirdPartyGrant:
        """Rebuild a grant from :meth:`to_dict` output, validating everything again.

        Keys left out take their defaults; unknown keys are refused.

        Raises:
            ValidationError: The data is not a grant; the error names the key.

        .. versionadded:: 0.1.0
        """
        if not isinstance(data, Mapping):
            raise ValidationError("grant", f"must be a mapping, got {_type_name(data)}")
        known = _DICT_KEYS
        for key in data:
            if key not in known:
                raise ValidationError(str(key), "unknown key in a grant")
        if data.get("schema", _SCHEMA) != _SCHEMA:
            raise ValidationError("schema", f"must be {_SCHEMA!r}, got {data['schema']!r}")
        if "role_name" not in data:
            raise ValidationError("role_name", "is required")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key == "schema":
                continue
            if key == "statements":
                if not isinstance(value, list | tuple):
                    raise ValidationError(
                        "statements", f"must be a list of statements, got {_type_name(value)}"
                    )
                kwargs[key] = tuple(
                    Statement.from_dict(item, f"statements[{i}]") for i, item in enumerate(value)
                )
            elif key == "external_ids":
                kwargs["external_id"] = value
            elif key == "tags" and value is None:
                kwargs[key] = ()
            else:
                kwargs[key] = value
        return cls(**kwargs)

    @classmethod
    def from_json(cls, text: str | bytes) -> ThirdPartyGrant:
        """Rebuild a grant from :meth:`to_json` output.

        Raises:
            ValidationError: The text is not JSON, repeats a key in an object, or is
                not a grant.

        .. versionadded:: 0.1.0
        """
        if not isinstance(text, str | bytes):
            raise ValidationError("grant", f"must be JSON text, got {_type_name(text)}")
        try:
            data = json.loads(
                text, object_pairs_hook=_unique_keys, parse_constant=_no_json_constant
            )
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValidationError("grant", f"is not JSON: {exc}") from None
        except RecursionError:
            raise ValidationError("grant", "is JSON nested too deeply") from None
        return cls.from_dict(data)

    # -- reading -----------------------------------------------------------------------------

    def __repr__(self) -> str:
        parts = [f"role_name={self.role_name!r}"]
        if self.path != "/":
            parts.append(f"path={self.path!r}")
        parts.append(f"trusted={list(self.trusted_principal_arns)!r}")
        if self.pin != "condition":
            parts.append(f"pin={self.pin!r}")
        parts.append(f"external_ids={_count_repr(self.external_ids)}")
        parts.append(f"statements={len(self.statements)}")
        if self.managed_policy_arns:
            parts.append(f"managed_policy_arns={list(self.managed_policy_arns)!r}")
        return f"ThirdPartyGrant({', '.join(parts)})"

    def describe(self) -> str:
        """A short human-readable summary; external IDs are counted, never shown.

        .. versionadded:: 0.1.0
        """
        lines = [f"Role {self.path}{self.role_name} ({self._partition})"]
        pinned = self.pin == "condition"
        for trustee in self._trustees:
            how: str = "account" if trustee.kind == "root" else trustee.kind
            if trustee.kind != "root":
                how += ", pinned by aws:PrincipalArn" if pinned else ", named in Principal"
            lines.append(f"  trusts {trustee.principal_arn(self._partition)} ({how})")
        if not self._trustees:
            lines.append("  trusts no one yet")
        if self.external_ids:
            lines.append(f"  external IDs: {len(self.external_ids)} (StringEquals sts:ExternalId)")
        else:
            missing = "allowed" if self.allow_missing_external_id else "REQUIRED, not set"
            lines.append(f"  external ID: none ({missing})")
        if self.org_ids:
            lines.append(f"  organization: {', '.join(self.org_ids)}")
        if self.session_name_patterns:
            lines.append(f"  session name: {' | '.join(self.session_name_patterns)}")
        if self.source_identity_patterns is not None:
            lines.append(f"  source identity required: {' | '.join(self.source_identity_patterns)}")
        elif self.source_identity_allowed:
            lines.append("  source identity allowed")
        if self.session_tags_allowed:
            keys = "any keys" if self.session_tag_keys is None else ", ".join(self.session_tag_keys)
            lines.append(f"  session tags allowed: {keys}")
        lines.append(f"  max session: {self.max_session_duration} s")
        for statement in self.statements:
            verb = "allow" if statement.effect == "Allow" else "DENY"
            when = " (conditional)" if statement.conditions else ""
            lines.append(
                f"  {verb} {', '.join(statement.actions)} on {', '.join(statement.resources)}{when}"
            )
        lines.extend(f"  managed policy {arn}" for arn in self.managed_policy_arns)
        if self.permissions_boundary is not None:
            lines.append(f"  permissions boundary {self.permissions_boundary}")
        return "\n".join(lines)


_DICT_KEYS: Final = frozenset(
    {
        "schema",
        "role_name",
        "path",
        "description",
        "max_session_duration",
        "tags",
        "partition",
        "trusted_account",
        "trusted_principal",
        "trusted_principals",
        "pin",
        "external_ids",
        "allow_missing_external_id",
        "org_ids",
        "session_name_patterns",
        "source_identity_patterns",
        "source_identity_allowed",
        "session_tags_allowed",
        "session_tag_keys",
        "statements",
        "managed_policy_arns",
        "permissions_boundary",
        "trust_policy_quota",
        "inline_policies_quota",
        "max_managed_policies",
        "inline_policy_prefix",
    }
)
