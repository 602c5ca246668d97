"""IAM policy documents as immutable values: documents, statements, principals, conditions.

The model is separate from the wire format (:mod:`xaccess.policy.wire`): a value checks the
grammar of its elements when it is constructed, whatever it was built from, while JSON forms are
read and written by the wire module. :meth:`PolicyDocument.from_json`, :meth:`~PolicyDocument.
from_dict`, :meth:`~PolicyDocument.to_dict` and :meth:`~PolicyDocument.to_json` delegate to it.
"""

from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs

from xaccess._validate import echo
from xaccess.errors import PolicySizeError, ValidationError
from xaccess.policy import _grammar

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = [
    "POLICY_VERSIONS",
    "Condition",
    "ConditionValue",
    "PolicyDocument",
    "Principal",
    "Statement",
]

#: The policy language versions IAM accepts, newest first.
POLICY_VERSIONS: Final = ("2012-10-17", "2008-10-17")

ConditionValue: TypeAlias = str | bool | int | float
"""A single value in a condition block, which is a JSON string, boolean or number."""


def _tuple_of_str(value: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _to_values(value: Iterable[ConditionValue] | ConditionValue) -> tuple[ConditionValue, ...]:
    if isinstance(value, str | bool | int | float):
        return (value,)
    return tuple(value)


_CONDITION_ORDER: Final = operator.attrgetter("operator", "key")


def _to_conditions(value: Iterable[Condition]) -> tuple[Condition, ...]:
    # JSON objects are unordered, so conditions are kept in one canonical order.
    items = tuple(value)
    if len(items) > 1 and all(isinstance(c, Condition) for c in items):
        return tuple(sorted(items, key=_CONDITION_ORDER))
    return items


def _to_statements(value: Iterable[Statement]) -> tuple[Statement, ...]:
    return tuple(value)


# Element values already found valid, so that the same actions, resources, principals and
# condition keys (a vendor's standard statements, rebuilt for every customer) are checked once.
# Only values that passed every check are kept, keyed by the check they passed; the cache is
# emptied when full, so it stays bounded whatever the input.
_VALID: Final[dict[tuple[str, object], object]] = {}
_VALID_MAX: Final = 4096
_UNKNOWN: Final = object()


def _known_valid(kind: str, value: object) -> bool:
    return _valid_result(kind, value) is not _UNKNOWN


def _valid_result(kind: str, value: object) -> object:
    """What the check ``kind`` found for ``value``, or ``_UNKNOWN`` if it has not passed it."""
    try:
        return _VALID.get((kind, value), _UNKNOWN)
    except TypeError:  # an unhashable value is never valid
        return _UNKNOWN


def _remember_valid(kind: str, value: object, result: object = None) -> None:
    if len(_VALID) >= _VALID_MAX:
        _VALID.clear()
    _VALID[kind, value] = result


@attrs.frozen(cache_hash=True)
class Principal:
    """The ``Principal`` (or ``NotPrincipal``) of a statement.

    Either everyone (``Principal: "*"``, ``everyone=True``) or a mapping of
    principal type to identifiers. Identifier order is kept as given.

    Args:
        aws: AWS principals: account IDs, account root ARNs, role, user and
            assumed-role session ARNs, or ``"*"``.
        service: Service principals such as ``"ec2.amazonaws.com"``.
        federated: Identity providers (SAML/OIDC ARNs or web identity domains).
        canonical_user: Canonical user IDs.
        everyone: The bare ``"*"`` form.

    .. versionadded:: 0.1.0
    """

    aws: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    service: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    federated: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    canonical_user: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    everyone: bool = False
    # Its compact JSON, written on first use: a vendor's principal is in every customer's trust.
    _compact: str | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        groups = self._groups()
        if self.everyone and groups:
            raise ValidationError("Principal", "'*' cannot be combined with typed principals")
        if not self.everyone and not groups:
            raise ValidationError("Principal", "must name at least one principal or be '*'")
        for name, values in groups:
            if _known_valid(name, values):
                continue
            _grammar.check_count(values, f"Principal.{name}")
            for i, value in enumerate(values):
                where = f"Principal.{name}[{i}]"
                if not isinstance(value, str) or not value:
                    raise ValidationError(where, "must be a non-empty string")
                _grammar.check_principal_length(value, where)
                _grammar.check_text(value, where)
                if name == "AWS":
                    _grammar.check_aws_principal(value, where)
            _remember_valid(name, values)

    def _compact_json(self) -> str:
        """The compact JSON value, written on the first call and kept."""
        text = self._compact
        if text is None:
            text = wire.compact_principal(self)
            object.__setattr__(self, "_compact", text)
        return text

    def _groups(self) -> list[tuple[str, tuple[str, ...]]]:
        pairs = zip(
            _grammar.PRINCIPAL_TYPES,
            (self.aws, self.service, self.federated, self.canonical_user),
            strict=True,
        )
        return [(name, values) for name, values in pairs if values]

    @classmethod
    def of_aws(cls, *identifiers: str) -> Principal:
        """An ``{"AWS": ...}`` principal.

        .. versionadded:: 0.1.0
        """
        return cls(aws=identifiers)

    def items(self) -> list[tuple[str, tuple[str, ...]]]:
        """The non-empty ``(type, identifiers)`` pairs in canonical order.

        .. versionadded:: 0.1.0
        """
        return self._groups()

    def to_json_value(self) -> str | dict[str, str | list[str]]:
        """This principal in canonical IAM JSON form.

        .. versionadded:: 0.1.0
        """
        return wire.principal_to_json(self)

    @classmethod
    def from_json_value(cls, value: object, path: str = "Principal") -> Principal:
        """Parse the JSON value of a ``Principal`` or ``NotPrincipal`` element.

        .. versionadded:: 0.1.0
        """
        return wire.principal_from_json(value, path)


@attrs.frozen(cache_hash=True)
class Condition:
    """One condition test: ``operator`` applied to ``key`` with any of ``values``.

    ``operator`` is the full operator as written in a policy, with its optional
    ``ForAnyValue:``/``ForAllValues:`` prefix and ``IfExists`` suffix, for example
    ``"StringEquals"`` or ``"ForAnyValue:StringLikeIfExists"``. Values are ORed.

    .. versionadded:: 0.1.0
    """

    operator: str
    key: str
    values: tuple[ConditionValue, ...] = attrs.field(converter=_to_values)
    # Its compact JSON ``"key":value``, written on first use (shared conditions are reused).
    _compact: str | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        is_date = _valid_result("condition", (self.operator, self.key))
        if is_date is _UNKNOWN:
            is_date = self._check_head()
        where = f"Condition.{self.operator}.{self.key}"
        if not self.values:
            raise ValidationError(where, "must have at least one value")
        _grammar.check_count(self.values, where)
        for i, value in enumerate(self.values):
            if isinstance(value, str):
                _grammar.check_text(value, f"{where}[{i}]")
            elif not isinstance(value, bool | int | float):
                raise ValidationError(
                    f"{where}[{i}]", f"must be a string, number or boolean, got {echo(value)}"
                )
            elif isinstance(value, float) and not math.isfinite(value):
                raise ValidationError(f"{where}[{i}]", "must be a finite number")
            elif isinstance(value, int):
                _grammar.check_number(value, f"{where}[{i}]")
            if is_date and not _grammar.valid_date(value):
                raise ValidationError(
                    f"{where}[{i}]",
                    f"{echo(value)} is not a date: expected ISO 8601 "
                    "(2026-01-31 or 2026-01-31T12:00:00Z) or epoch seconds",
                )

    def _compact_json(self) -> str:
        """The compact JSON member ``"key":value``, written on the first call and kept."""
        text = self._compact
        if text is None:
            text = wire.compact_condition(self)
            object.__setattr__(self, "_compact", text)
        return text

    def _check_head(self) -> bool:
        """Check the operator and the key; return whether the operator compares dates."""
        path = f"Condition.{self.operator}"
        if not isinstance(self.operator, str):
            raise ValidationError(
                "Condition", f"operator must be a string, got {echo(self.operator)}"
            )
        _grammar.validate_operator(self.operator, path)
        where = f"{path}.{self.key}"
        if isinstance(self.key, str):
            _grammar.check_text(self.key, where)
        if not isinstance(self.key, str) or not _grammar.CONDITION_KEY.fullmatch(self.key):
            raise ValidationError(
                where, "condition key must look like 'prefix:name' (for example 'sts:ExternalId')"
            )
        is_date = _grammar.base_operator(self.operator).startswith("Date")
        _remember_valid("condition", (self.operator, self.key), is_date)
        return is_date


def _check_element(name: str, values: tuple[str, ...]) -> None:
    """Check the values of ``Action``, ``NotAction``, ``Resource`` or ``NotResource``."""
    is_action = name.endswith("Action")
    kind = "actions" if is_action else "resources"  # the Not forms follow the same rules
    if _known_valid(kind, values):
        return
    _grammar.check_count(values, name)
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise ValidationError(f"{name}[{i}]", f"must be a string, got {echo(value)}")
        _grammar.check_text(value, f"{name}[{i}]")
    if is_action:
        _grammar.validate_actions(name, values)
    else:
        _grammar.validate_resources(name, values)
    _remember_valid(kind, values)


@attrs.frozen(cache_hash=True)
class Statement:
    """One statement of a policy.

    Exactly one of ``actions`` / ``not_actions`` is set; at most one of
    ``resources`` / ``not_resources`` and of ``principal`` / ``not_principal``.
    Whether a principal or a resource is required depends on how the document is
    used; see :meth:`PolicyDocument.check_trust_policy` and
    :meth:`PolicyDocument.check_identity_policy`.

    .. versionadded:: 0.1.0
    """

    effect: Literal["Allow", "Deny"]
    actions: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    resources: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    principal: Principal | None = None
    conditions: tuple[Condition, ...] = attrs.field(default=(), converter=_to_conditions)
    sid: str | None = None
    not_actions: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    not_resources: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    not_principal: Principal | None = None

    def __attrs_post_init__(self) -> None:
        if self.effect not in ("Allow", "Deny"):
            raise ValidationError(
                "Effect", f"must be exactly 'Allow' or 'Deny', got {echo(self.effect)}"
            )
        if self.sid is not None and (
            not isinstance(self.sid, str) or not _grammar.SID.fullmatch(self.sid)
        ):
            raise ValidationError("Sid", "must contain only ASCII letters and digits")
        if bool(self.actions) == bool(self.not_actions):
            raise ValidationError("Action", "a statement needs exactly one of Action or NotAction")
        if self.resources and self.not_resources:
            raise ValidationError("Resource", "Resource and NotResource cannot both be set")
        if self.principal is not None and self.not_principal is not None:
            raise ValidationError("Principal", "Principal and NotPrincipal cannot both be set")
        for name, values in (
            ("Action", self.actions),
            ("NotAction", self.not_actions),
            ("Resource", self.resources),
            ("NotResource", self.not_resources),
        ):
            if values:
                _check_element(name, values)
        seen: set[tuple[str, str]] = set()
        for cond in self.conditions:
            if not isinstance(cond, Condition):
                raise ValidationError("Condition", f"must hold Condition objects, got {echo(cond)}")
            ident = (cond.operator, cond.key.lower())
            if ident in seen:
                raise ValidationError(
                    f"Condition.{cond.operator}.{cond.key}",
                    "the same key appears twice under one operator (keys are case-insensitive)",
                )
            seen.add(ident)

    @property
    def has_resource(self) -> bool:
        """Whether ``Resource`` or ``NotResource`` is set."""
        return bool(self.resources or self.not_resources)

    @property
    def has_principal(self) -> bool:
        """Whether ``Principal`` or ``NotPrincipal`` is set."""
        return self.principal is not None or self.not_principal is not None

    def to_dict(self) -> dict[str, Any]:
        """This statement in canonical IAM JSON form (a new ``dict``).

        .. versionadded:: 0.1.0
        """
        return wire.statement_to_dict(self)

    @classmethod
    def from_dict(cls, data: object, path: str = "Statement") -> Statement:
        """Parse one statement object, naming ``path`` in any error.

        .. versionadded:: 0.1.0
        """
        return wire.statement_from_dict(data, path)


@attrs.frozen(cache_hash=True)
class PolicyDocument:
    """An IAM policy document: immutable, hashable, compared by value.

    Build one from statements, or parse IAM JSON with :meth:`from_json` /
    :meth:`from_dict`. ``version`` is ``None`` only when a parsed document had
    no ``Version`` element (IAM then applies ``2008-10-17``, which has no policy
    variables).

    .. versionadded:: 0.1.0
    """

    statements: tuple[Statement, ...] = attrs.field(converter=_to_statements)
    version: str | None = "2012-10-17"
    id: str | None = None
    # The compact JSON text and its IAM size, computed on first use: the document is immutable,
    # so checking its size and emitting it (or emitting it twice) serialise it once.
    _compact: str | None = attrs.field(init=False, default=None, eq=False, repr=False)
    _iam_size: int | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.version is not None and self.version not in POLICY_VERSIONS:
            raise ValidationError(
                "Version",
                f"must be one of {', '.join(POLICY_VERSIONS)}, got {echo(self.version)}",
            )
        if self.id is not None:
            if not isinstance(self.id, str):
                raise ValidationError("Id", f"must be a string, got {echo(self.id)}")
            _grammar.check_text(self.id, "Id")
        if not self.statements:
            raise ValidationError("Statement", "a policy needs at least one statement")
        _grammar.check_count(self.statements, "Statement")
        sids: set[str] = set()
        for i, statement in enumerate(self.statements):
            if not isinstance(statement, Statement):
                raise ValidationError(
                    f"Statement[{i}]", f"must be a Statement, got {echo(statement)}"
                )
            if statement.sid:
                if statement.sid in sids:
                    raise ValidationError(f"Statement[{i}].Sid", f"duplicate Sid {statement.sid!r}")
                sids.add(statement.sid)

    # -- parsing -----------------------------------------------------------------
    @classmethod
    def from_json(cls, text: str | bytes) -> PolicyDocument:
        """Parse IAM policy JSON.

        Raises:
            ValidationError: the text is not JSON, or not a legal IAM policy; the
                error names the path of the offending element.

        .. versionadded:: 0.1.0
        """
        return wire.document_from_json(text)

    @classmethod
    def from_dict(cls, data: object) -> PolicyDocument:
        """Build a document from parsed JSON (a mapping), accepting every IAM form.

        .. versionadded:: 0.1.0
        """
        return wire.document_from_dict(data)

    # -- emitting ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """This document in canonical IAM JSON form (a new ``dict``).

        .. versionadded:: 0.1.0
        """
        return wire.document_to_dict(self)

    def to_json(self, indent: int | None = None) -> str:
        """Canonical IAM JSON text, ASCII only; compact unless ``indent`` is given.

        .. versionadded:: 0.1.0
        """
        if indent is None:
            return self._compact_json()
        return wire.document_to_json(self, indent=indent)

    def _compact_json(self) -> str:
        """The compact JSON text, serialised on the first call and kept."""
        text = self._compact
        if text is None:
            text = wire.document_to_json(self)
            object.__setattr__(self, "_compact", text)
        return text

    def size(self) -> int:
        """The size IAM counts for this document: characters without whitespace.

        .. versionadded:: 0.1.0
        """
        size = self._iam_size
        if size is None:
            text = self._compact_json()
            # The compact text escapes tab, LF and CR inside strings and has no other
            # whitespace between elements, so a space is the only whitespace it can hold.
            size = len(text) - text.count(" ")
            object.__setattr__(self, "_iam_size", size)
        return size

    def check_size(self, limit: int, *, quota: str, field: str = "policy") -> None:
        """Raise :class:`~xaccess.PolicySizeError` if :meth:`size` exceeds ``limit``.

        .. versionadded:: 0.1.0
        """
        size = self.size()
        if size > limit:
            raise PolicySizeError(field, size, limit, quota)

    # -- use-specific grammar ----------------------------------------------------

    def check_trust_policy(self) -> None:
        """Check the rules for a role trust policy.

        Every statement names a ``Principal``, none names a resource, and every action is an
        ``sts:`` action. ``NotPrincipal`` is refused: IAM does not support it in a role trust
        policy (IAM User Guide, "AWS JSON policy elements: NotPrincipal").

        .. versionadded:: 0.1.0
        """
        for i, statement in enumerate(self.statements):
            if statement.not_principal is not None:
                raise ValidationError(
                    f"Statement[{i}].NotPrincipal",
                    "IAM does not support NotPrincipal in a role trust policy; name the "
                    "principals with Principal, or exclude some with a Deny on aws:PrincipalArn",
                )
            if not statement.has_principal:
                raise ValidationError(
                    f"Statement[{i}].Principal", "a trust policy statement needs a principal"
                )
            if statement.has_resource:
                raise ValidationError(f"Statement[{i}].Resource", "a trust policy has no Resource")
            for action in statement.actions or statement.not_actions:
                if action != "*" and not action.lower().startswith("sts:"):
                    raise ValidationError(
                        f"Statement[{i}].Action", f"{echo(action)} is not an sts: action"
                    )

    def check_identity_policy(self) -> None:
        """Check the rules for an identity (permission) policy.

        No statement names a principal and every statement names a resource.

        .. versionadded:: 0.1.0
        """
        for i, statement in enumerate(self.statements):
            if statement.has_principal:
                raise ValidationError(
                    f"Statement[{i}].Principal", "an identity policy cannot name a principal"
                )
            if not statement.has_resource:
                raise ValidationError(
                    f"Statement[{i}].Resource", "an identity policy statement needs a Resource"
                )

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.statements)

    def __len__(self) -> int:
        return len(self.statements)


# The wire format builds on the classes above, so it is imported last: whichever of the two
# modules is imported first, the other finds every name it needs.
from xaccess.policy import wire  # noqa: E402
