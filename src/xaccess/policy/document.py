"""IAM policy documents: an immutable model, strict parsing and canonical JSON.

The model is separate from the wire format. :meth:`PolicyDocument.from_json` and
:meth:`PolicyDocument.from_dict` accept every form IAM accepts (a single statement
or a list, a string or a list for every multi-valued element, every principal
type) and reject what IAM rejects, naming the path of the offending element.
:meth:`PolicyDocument.to_dict` and :meth:`PolicyDocument.to_json` emit one
canonical form: elements in a fixed order, single values as strings, ASCII only,
so that emitting, parsing and emitting again gives identical text.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Literal, NoReturn, TypeAlias

import attrs

from xaccess.errors import PolicySizeError, ValidationError
from xaccess.identifiers import PARTITIONS
from xaccess.policy._wildcard import compile_pattern

__all__ = [
    "CONDITION_OPERATORS",
    "INLINE_POLICIES_SIZE_QUOTA",
    "MANAGED_POLICY_SIZE_QUOTA",
    "POLICY_VERSIONS",
    "TRUST_POLICY_SIZE_QUOTA",
    "Condition",
    "ConditionValue",
    "PolicyDocument",
    "Principal",
    "Statement",
    "iam_size",
]

#: Default quota for a role's trust policy, in characters without whitespace.
TRUST_POLICY_SIZE_QUOTA: Final = 2048
#: Default quota for all inline policies of one role together.
INLINE_POLICIES_SIZE_QUOTA: Final = 10240
#: Quota for one customer-managed policy (not raisable).
MANAGED_POLICY_SIZE_QUOTA: Final = 6144

#: The policy language versions IAM accepts, newest first.
POLICY_VERSIONS: Final = ("2012-10-17", "2008-10-17")

ConditionValue: TypeAlias = str | bool | int | float
"""A single value in a condition block, which is a JSON string, boolean or number."""

_BASE_OPERATORS: Final = frozenset(
    {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
    }
)
#: Every base condition operator IAM knows (before ``IfExists`` and set prefixes).
CONDITION_OPERATORS: Final = _BASE_OPERATORS

_IAM_RESOURCE_TYPES: Final = (
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
    "root",
)
# S3 resource types whose ARN carries a Region (Service Authorization Reference, Amazon S3);
# buckets and objects have none.
_S3_REGIONAL_RESOURCE_TYPES: Final = (
    "accesspoint/",
    "job/",
    "storage-lens/",
    "storage-lens-group/",
    "access-grants/",
    "async-request/",
)
_SET_PREFIXES: Final = ("ForAnyValue:", "ForAllValues:")
_PRINCIPAL_TYPES: Final = ("AWS", "Service", "Federated", "CanonicalUser")
_STATEMENT_KEYS: Final = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_DOCUMENT_KEYS: Final = ("Version", "Id", "Statement")

# IAM accepts tab, LF, CR and U+0020..U+00FF in policy text.
_BAD_CHAR = re.compile(r"[^\t\n\r\x20-\xff]")
_SID = re.compile(r"[A-Za-z0-9]*", flags=re.ASCII)
_ACTION = re.compile(r"\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+", flags=re.ASCII)
_RESOURCE = re.compile(r"\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+", flags=re.ASCII | re.DOTALL)
_CONDITION_KEY = re.compile(r"[^:\s]+:\S+", flags=re.ASCII)
# A bare "*" or a concrete account ID or ARN: IAM allows no partial wildcards in principals.
_AWS_PRINCIPAL = re.compile(r"\*|[0-9]{12}|arn:[^\s*?]+", flags=re.ASCII)
_WHITESPACE = re.compile(r"\s", flags=re.ASCII)


def iam_size(text: str) -> int:
    """Count the characters of policy text as IAM does: whitespace is not counted.

    .. versionadded:: 0.1.0
    """
    return len(text) - len(_WHITESPACE.findall(text))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_text(value: str, path: str) -> str:
    bad = _BAD_CHAR.search(value)
    if bad is not None:
        raise ValidationError(
            path,
            f"character U+{ord(bad.group()):04X} is not allowed in policy text "
            "(only tab, LF, CR and U+0020-U+00FF)",
        )
    return value


def _as_strings(value: object, path: str, *, allow_empty_string: bool = True) -> tuple[str, ...]:
    """Read IAM's string-or-list-of-strings form."""
    items: Sequence[object]
    if isinstance(value, str):
        items = (value,)
    elif isinstance(value, list | tuple):
        if not value:
            raise ValidationError(path, "must not be an empty list")
        items = value
    else:
        raise ValidationError(path, f"must be a string or a list of strings, got {_short(value)}")
    out: list[str] = []
    for i, item in enumerate(items):
        where = path if isinstance(value, str) else f"{path}[{i}]"
        if not isinstance(item, str):
            raise ValidationError(where, f"must be a string, got {_short(item)}")
        if not allow_empty_string and not item:
            raise ValidationError(where, "must not be empty")
        out.append(_check_text(item, where))
    return tuple(out)


def _tuple_of_str(value: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _to_values(value: Iterable[ConditionValue] | ConditionValue) -> tuple[ConditionValue, ...]:
    if isinstance(value, str | bool | int | float):
        return (value,)
    return tuple(value)


def _to_conditions(value: Iterable[Condition]) -> tuple[Condition, ...]:
    # JSON objects are unordered, so conditions are kept in one canonical order.
    items = tuple(value)
    if all(isinstance(c, Condition) for c in items):
        return tuple(sorted(items, key=lambda c: (c.operator, c.key)))
    return items


def _to_statements(value: Iterable[Statement]) -> tuple[Statement, ...]:
    return tuple(value)


def _validate_actions(path: str, values: tuple[str, ...]) -> None:
    for i, action in enumerate(values):
        if not _ACTION.fullmatch(action):
            raise ValidationError(
                f"{path}[{i}]" if len(values) > 1 else path,
                f"{_short(action)} is not an action: expected '*' or 'service:Action' "
                "(letters, digits, '*' and '?')",
            )


def _resource_problem(resource: str) -> str | None:
    if resource == "*":
        return None
    if not _RESOURCE.fullmatch(resource):
        return (
            f"{_short(resource)} must be an ARN ('arn:partition:service:region:account:"
            "resource') or '*'"
        )
    _, partition, service, region, _account, rest = resource.split(":", 5)
    # Wildcards may appear in any segment but the service, so a partition is a pattern.
    if partition not in PARTITIONS and not any(
        compile_pattern(partition).matches(known) for known in PARTITIONS
    ):
        return f"partition {_short(partition)} of {_short(resource)} is not an AWS partition"
    if not service or "*" in service or "?" in service:
        return f"the service of {_short(resource)} must be named in full, without wildcards"
    if region and service == "iam":
        return f"IAM resource {_short(resource)} cannot contain region information"
    if region and service == "s3" and not rest.startswith(_S3_REGIONAL_RESOURCE_TYPES):
        return f"S3 resource {_short(resource)} cannot contain region information"
    if service == "iam" and rest != "*" and not rest.startswith(_IAM_RESOURCE_TYPES):
        return (
            f"IAM resource path must be '*' or start with one of {', '.join(_IAM_RESOURCE_TYPES)}"
        )
    return None


def _validate_resources(path: str, values: tuple[str, ...]) -> None:
    for i, resource in enumerate(values):
        problem = _resource_problem(resource)
        if problem is not None:
            raise ValidationError(f"{path}[{i}]" if len(values) > 1 else path, problem)


def _check_aws_principal(value: str, where: str) -> None:
    """An account, IAM user or role, or STS session; never a group (IAM User Guide, Principal)."""
    parts = value.split(":", 5)
    is_arn = value.startswith("arn:")
    if not _AWS_PRINCIPAL.fullmatch(value) or (
        is_arn and (len(parts) != 6 or parts[2] not in ("iam", "sts"))
    ):
        raise ValidationError(
            where,
            f"{_short(value)} is not an AWS principal: expected '*', a 12-digit account ID or "
            "an IAM or STS ARN without wildcards",
        )
    if is_arn and parts[2] == "iam" and parts[5].startswith("group/"):
        raise ValidationError(where, f"{_short(value)}: a user group cannot be a principal")


@attrs.frozen
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

    def __attrs_post_init__(self) -> None:
        groups = self._groups()
        if self.everyone and groups:
            raise ValidationError("Principal", "'*' cannot be combined with typed principals")
        if not self.everyone and not groups:
            raise ValidationError("Principal", "must name at least one principal or be '*'")
        for name, values in groups:
            for i, value in enumerate(values):
                where = f"Principal.{name}[{i}]"
                if not isinstance(value, str) or not value:
                    raise ValidationError(where, "must be a non-empty string")
                _check_text(value, where)
                if name == "AWS":
                    _check_aws_principal(value, where)

    def _groups(self) -> list[tuple[str, tuple[str, ...]]]:
        pairs = zip(
            _PRINCIPAL_TYPES,
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
        if self.everyone:
            return "*"
        return {name: _emit_strings(values) for name, values in self._groups()}

    @classmethod
    def from_json_value(cls, value: object, path: str = "Principal") -> Principal:
        """Parse the JSON value of a ``Principal`` or ``NotPrincipal`` element.

        .. versionadded:: 0.1.0
        """
        if value == "*":
            return cls(everyone=True)
        if not isinstance(value, Mapping):
            raise ValidationError(path, f"must be '*' or an object, got {_short(value)}")
        if not value:
            raise ValidationError(path, "must not be an empty object")
        fields: dict[str, tuple[str, ...]] = {}
        names = {"AWS": "aws", "Service": "service", "Federated": "federated"}
        names["CanonicalUser"] = "canonical_user"
        for key, raw in value.items():
            if key not in names:
                raise ValidationError(
                    f"{path}.{key}",
                    f"unknown principal type; expected one of {', '.join(_PRINCIPAL_TYPES)}",
                )
            fields[names[key]] = _as_strings(raw, f"{path}.{key}", allow_empty_string=False)
        try:
            return cls(
                aws=fields.get("aws", ()),
                service=fields.get("service", ()),
                federated=fields.get("federated", ()),
                canonical_user=fields.get("canonical_user", ()),
            )
        except ValidationError as exc:
            raise ValidationError(path + exc.field.removeprefix("Principal"), exc.rule) from None


def _emit_strings(values: tuple[str, ...]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


_ISO_DATE = re.compile(
    r"-?[0-9]{4,9}(-[0-9]{2}(-[0-9]{2})?)?"
    r"([Tt][0-9]{2}(:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?)?",
    flags=re.ASCII,
)


def _valid_date(value: ConditionValue) -> bool:
    """IAM's date forms: ISO 8601 (date, or date and time) or epoch seconds."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 0
    if not isinstance(value, str):
        return False
    if value.isascii() and value.isdigit():
        return True
    if not _ISO_DATE.fullmatch(value):
        return False
    date, _, time = value.upper().partition("T")
    parts = date.lstrip("-").split("-")
    if len(parts) > 1 and not 1 <= int(parts[1]) <= 12:
        return False
    if len(parts) > 2 and not 1 <= int(parts[2]) <= 31:
        return False
    clock = re.split(r"[Z+-]", time, maxsplit=1)[0].split(":") if time else []
    limits = (23, 59, 59)
    return all(float(v) <= limit for v, limit in zip(clock, limits, strict=False))


def _base_operator(operator: str) -> str:
    """``operator`` without its set prefix and ``IfExists`` suffix."""
    for prefix in _SET_PREFIXES:
        if operator.startswith(prefix):
            operator = operator[len(prefix) :]
            break
    if operator.endswith("IfExists") and operator != "IfExists":
        operator = operator[: -len("IfExists")]
    return operator


def _validate_operator(operator: object, path: str) -> None:
    if not isinstance(operator, str):
        raise ValidationError(path, f"operator must be a string, got {_short(operator)}")
    base = _base_operator(operator)
    if base == "Null" and operator.endswith("IfExists"):
        raise ValidationError(path, "'Null' cannot take the 'IfExists' suffix")
    if base not in _BASE_OPERATORS:
        raise ValidationError(path, f"unknown condition operator {_short(operator)}")


@attrs.frozen
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

    def __attrs_post_init__(self) -> None:
        path = f"Condition.{self.operator}"
        if not isinstance(self.operator, str):
            raise ValidationError(
                "Condition", f"operator must be a string, got {_short(self.operator)}"
            )
        _validate_operator(self.operator, path)
        where = f"{path}.{self.key}"
        if not isinstance(self.key, str) or not _CONDITION_KEY.fullmatch(self.key):
            raise ValidationError(
                where, "condition key must look like 'prefix:name' (for example 'sts:ExternalId')"
            )
        _check_text(self.key, where)
        if not self.values:
            raise ValidationError(where, "must have at least one value")
        is_date = _base_operator(self.operator).startswith("Date")
        for i, value in enumerate(self.values):
            if isinstance(value, str):
                _check_text(value, f"{where}[{i}]")
            elif not isinstance(value, bool | int | float):
                raise ValidationError(
                    f"{where}[{i}]", f"must be a string, number or boolean, got {_short(value)}"
                )
            elif isinstance(value, float) and not math.isfinite(value):
                raise ValidationError(f"{where}[{i}]", "must be a finite number")
            if is_date and not _valid_date(value):
                raise ValidationError(
                    f"{where}[{i}]",
                    f"{_short(value)} is not a date: expected ISO 8601 "
                    "(2026-01-31 or 2026-01-31T12:00:00Z) or epoch seconds",
                )


def _conditions_from_json(value: object, path: str) -> tuple[Condition, ...]:
    if not isinstance(value, Mapping):
        raise ValidationError(path, f"must be an object, got {_short(value)}")
    out: list[Condition] = []
    for operator, block in value.items():
        where = f"{path}.{operator}"
        _validate_operator(operator, where)
        if not isinstance(block, Mapping):
            raise ValidationError(
                where, f"must be an object of condition keys, got {_short(block)}"
            )
        if not block:
            raise ValidationError(where, "must not be empty")
        for key, raw in block.items():
            key_path = f"{where}.{key}"
            raw_items: Sequence[object]
            if isinstance(raw, list):
                if not raw:
                    raise ValidationError(key_path, "must not be an empty list")
                raw_items = raw
            else:
                raw_items = (raw,)
            for i, item in enumerate(raw_items):
                if item is None or not isinstance(item, str | bool | int | float):
                    where_i = key_path if not isinstance(raw, list) else f"{key_path}[{i}]"
                    raise ValidationError(
                        where_i, f"must be a string, number or boolean, got {_short(item)}"
                    )
            try:
                out.append(Condition(operator, key, tuple(raw_items)))  # type: ignore[arg-type]
            except ValidationError as exc:
                raise ValidationError(key_path, exc.rule) from None
    return tuple(out)


def _conditions_to_json(
    conditions: tuple[Condition, ...],
) -> dict[str, dict[str, ConditionValue | list[ConditionValue]]]:
    out: dict[str, dict[str, ConditionValue | list[ConditionValue]]] = {}
    for cond in conditions:
        block = out.setdefault(cond.operator, {})
        block[cond.key] = cond.values[0] if len(cond.values) == 1 else list(cond.values)
    return out


@attrs.frozen
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
                "Effect", f"must be exactly 'Allow' or 'Deny', got {_short(self.effect)}"
            )
        if self.sid is not None and (not isinstance(self.sid, str) or not _SID.fullmatch(self.sid)):
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
            for i, value in enumerate(values):
                if not isinstance(value, str):
                    raise ValidationError(f"{name}[{i}]", f"must be a string, got {_short(value)}")
                _check_text(value, f"{name}[{i}]")
        _validate_actions("Action", self.actions)
        _validate_actions("NotAction", self.not_actions)
        _validate_resources("Resource", self.resources)
        _validate_resources("NotResource", self.not_resources)
        seen: set[tuple[str, str]] = set()
        for cond in self.conditions:
            if not isinstance(cond, Condition):
                raise ValidationError(
                    "Condition", f"must hold Condition objects, got {_short(cond)}"
                )
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
        out: dict[str, Any] = {}
        if self.sid is not None:
            out["Sid"] = self.sid
        out["Effect"] = self.effect
        if self.principal is not None:
            out["Principal"] = self.principal.to_json_value()
        if self.not_principal is not None:
            out["NotPrincipal"] = self.not_principal.to_json_value()
        if self.actions:
            out["Action"] = _emit_strings(self.actions)
        if self.not_actions:
            out["NotAction"] = _emit_strings(self.not_actions)
        if self.resources:
            out["Resource"] = _emit_strings(self.resources)
        if self.not_resources:
            out["NotResource"] = _emit_strings(self.not_resources)
        if self.conditions:
            out["Condition"] = _conditions_to_json(self.conditions)
        return out

    @classmethod
    def from_dict(cls, data: object, path: str = "Statement") -> Statement:
        """Parse one statement object, naming ``path`` in any error.

        .. versionadded:: 0.1.0
        """
        if not isinstance(data, Mapping):
            raise ValidationError(path, f"must be an object, got {_short(data)}")
        for key in data:
            if key not in _STATEMENT_KEYS:
                raise ValidationError(
                    f"{path}.{key}",
                    f"unknown element; expected one of {', '.join(_STATEMENT_KEYS)}",
                )
        if "Effect" not in data:
            raise ValidationError(f"{path}.Effect", "is required")
        effect = data["Effect"]
        if effect not in ("Allow", "Deny"):
            raise ValidationError(
                f"{path}.Effect", f"must be exactly 'Allow' or 'Deny', got {_short(effect)}"
            )
        for a, b in (
            ("Action", "NotAction"),
            ("Resource", "NotResource"),
            ("Principal", "NotPrincipal"),
        ):
            if a in data and b in data:
                raise ValidationError(f"{path}.{b}", f"cannot be combined with {a}")
        if "Action" not in data and "NotAction" not in data:
            raise ValidationError(f"{path}.Action", "a statement needs Action or NotAction")
        sid = data.get("Sid")
        if "Sid" in data and not isinstance(sid, str):
            raise ValidationError(f"{path}.Sid", f"must be a string, got {_short(sid)}")
        if sid is not None and not _SID.fullmatch(sid):
            raise ValidationError(f"{path}.Sid", "must contain only ASCII letters and digits")

        def strings(name: str) -> tuple[str, ...]:
            if name not in data:
                return ()
            values = _as_strings(data[name], f"{path}.{name}", allow_empty_string=False)
            check = _validate_actions if name.endswith("Action") else _validate_resources
            check(f"{path}.{name}", values)
            return values

        def principal(name: str) -> Principal | None:
            if name not in data:
                return None
            return Principal.from_json_value(data[name], f"{path}.{name}")

        conditions: tuple[Condition, ...] = ()
        if "Condition" in data:
            conditions = _conditions_from_json(data["Condition"], f"{path}.Condition")
        fields = {
            "actions": strings("Action"),
            "not_actions": strings("NotAction"),
            "resources": strings("Resource"),
            "not_resources": strings("NotResource"),
        }
        principals = (principal("Principal"), principal("NotPrincipal"))
        try:
            return cls(
                effect=effect,
                sid=sid,
                principal=principals[0],
                not_principal=principals[1],
                conditions=conditions,
                **fields,
            )
        except ValidationError as exc:
            raise ValidationError(f"{path}.{exc.field}", exc.rule) from None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_constant(name: str) -> NoReturn:
    raise ValidationError("policy", f"{name} is not valid JSON")


@attrs.frozen
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

    def __attrs_post_init__(self) -> None:
        if self.version is not None and self.version not in POLICY_VERSIONS:
            raise ValidationError(
                "Version",
                f"must be one of {', '.join(POLICY_VERSIONS)}, got {_short(self.version)}",
            )
        if self.id is not None:
            if not isinstance(self.id, str):
                raise ValidationError("Id", f"must be a string, got {_short(self.id)}")
            _check_text(self.id, "Id")
        if not self.statements:
            raise ValidationError("Statement", "a policy needs at least one statement")
        sids: set[str] = set()
        for i, statement in enumerate(self.statements):
            if not isinstance(statement, Statement):
                raise ValidationError(
                    f"Statement[{i}]", f"must be a Statement, got {_short(statement)}"
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
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValidationError("policy", f"is not UTF-8 text: {exc.reason}") from None
        if not isinstance(text, str):
            raise ValidationError("policy", f"must be JSON text, got {type(text).__name__}")
        try:
            data = json.loads(
                text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant
            )
        except _DuplicateKeyError as exc:
            raise ValidationError("policy", f"duplicate key {exc.key!r} in a JSON object") from None
        except json.JSONDecodeError as exc:
            raise ValidationError(
                "policy", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
        except RecursionError:
            raise ValidationError("policy", "JSON is nested too deeply") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: object) -> PolicyDocument:
        """Build a document from parsed JSON (a mapping), accepting every IAM form.

        .. versionadded:: 0.1.0
        """
        if not isinstance(data, Mapping):
            raise ValidationError("policy", f"must be a JSON object, got {type(data).__name__}")
        for key in data:
            if key not in _DOCUMENT_KEYS:
                raise ValidationError(
                    str(key), f"unknown element; expected one of {', '.join(_DOCUMENT_KEYS)}"
                )
        version = data.get("Version")
        if "Version" in data and version not in POLICY_VERSIONS:
            raise ValidationError(
                "Version", f"must be one of {', '.join(POLICY_VERSIONS)}, got {_short(version)}"
            )
        policy_id = data.get("Id")
        if "Id" in data and not isinstance(policy_id, str):
            raise ValidationError("Id", f"must be a string, got {_short(policy_id)}")
        if "Statement" not in data:
            raise ValidationError("Statement", "is required")
        raw = data["Statement"]
        statements: tuple[Statement, ...]
        if isinstance(raw, Mapping):
            statements = (Statement.from_dict(raw, "Statement"),)
        elif isinstance(raw, list):
            if not raw:
                raise ValidationError("Statement", "must not be an empty list")
            statements = tuple(Statement.from_dict(s, f"Statement[{i}]") for i, s in enumerate(raw))
        else:
            raise ValidationError("Statement", f"must be an object or a list, got {_short(raw)}")
        return cls(statements=statements, version=version, id=policy_id)

    # -- emitting ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """This document in canonical IAM JSON form (a new ``dict``).

        .. versionadded:: 0.1.0
        """
        out: dict[str, Any] = {}
        if self.version is not None:
            out["Version"] = self.version
        if self.id is not None:
            out["Id"] = self.id
        out["Statement"] = [s.to_dict() for s in self.statements]
        return out

    def to_json(self, indent: int | None = None) -> str:
        """Canonical IAM JSON text, ASCII only; compact unless ``indent`` is given.

        .. versionadded:: 0.1.0
        """
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(self.to_dict(), indent=indent, separators=separators, ensure_ascii=True)

    def size(self) -> int:
        """The size IAM counts for this document: characters without whitespace.

        .. versionadded:: 0.1.0
        """
        return iam_size(self.to_json())

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

        Every statement names a principal (``Principal`` or ``NotPrincipal``),
        none names a resource, and every action is an ``sts:`` action.

        .. versionadded:: 0.1.0
        """
        for i, statement in enumerate(self.statements):
            if not statement.has_principal:
                raise ValidationError(
                    f"Statement[{i}].Principal", "a trust policy statement needs a principal"
                )
            if statement.has_resource:
                raise ValidationError(f"Statement[{i}].Resource", "a trust policy has no Resource")
            for action in statement.actions or statement.not_actions:
                if action != "*" and not action.lower().startswith("sts:"):
                    raise ValidationError(
                        f"Statement[{i}].Action", f"{_short(action)} is not an sts: action"
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
