"""Policy documents in and out of IAM's JSON form.

Reading accepts every form IAM accepts (a single statement or a list, a string or a list for
every multi-valued element, every principal type) and refuses what IAM refuses, naming the JSON
path of the offending element. Writing emits one canonical form: elements in a fixed order,
single values as strings, ASCII only, so that emitting, parsing and emitting again gives
identical text.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring_ascii as _quote
from typing import Any

from xaccess._validate import echo, load_json, type_name
from xaccess.errors import ValidationError
from xaccess.limits import MAX_JSON_DEPTH, MAX_POLICY_TEXT
from xaccess.policy import _grammar
from xaccess.policy.model import (
    POLICY_VERSIONS,
    Condition,
    ConditionValue,
    PolicyDocument,
    Principal,
    Statement,
)

__all__ = [
    "document_from_dict",
    "document_from_json",
    "document_to_dict",
    "document_to_json",
    "principal_from_json",
    "principal_to_json",
    "statement_from_dict",
    "statement_to_dict",
    "statement_to_json",
]

_PRINCIPAL_FIELDS = {
    "AWS": "aws",
    "Service": "service",
    "Federated": "federated",
    "CanonicalUser": "canonical_user",
}


# --- reading ---------------------------------------------------------------------------------


def _scalar_cost(value: object, field: str) -> int:
    """The fewest characters ``value`` takes in JSON text (a lower bound, never an estimate)."""
    if isinstance(value, str):
        return len(value) + 2
    if isinstance(value, bool) or value is None:
        return 4
    if isinstance(value, int):
        _grammar.check_number(value, field)
    return 1


def _check_bounds(data: object, field: str) -> None:
    """Refuse parsed JSON that no policy IAM takes could hold, before reading it element by element.

    Walks ``data`` without recursion, refusing nesting deeper than
    :data:`~xaccess.limits.MAX_JSON_DEPTH` and data whose JSON text would be longer than
    :data:`~xaccess.limits.MAX_POLICY_TEXT`. Every value visited costs at least one character
    and a container's length is charged before its items are visited, so the walk stops after
    at most that many values whatever the size of ``data``.
    """
    budget = MAX_POLICY_TEXT
    level: list[object] = [data]
    depth = 1
    while level:  # one level of nesting at a time
        if depth > MAX_JSON_DEPTH:
            raise ValidationError(field, f"is nested deeper than {MAX_JSON_DEPTH} levels")
        below: list[object] = []
        for value in level:
            if isinstance(value, str):
                budget -= len(value) + 2
            elif isinstance(value, list | tuple):
                budget -= 2 + len(value)
                if budget >= 0:
                    below.extend(value)
            elif isinstance(value, Mapping):
                budget -= 2 + 2 * len(value)
                if budget >= 0:
                    for key, item in value.items():
                        budget -= _scalar_cost(key, field)
                        below.append(item)
            else:
                budget -= _scalar_cost(value, field)
            if budget < 0:
                raise ValidationError(
                    field,
                    f"is longer than IAM takes: its JSON text would exceed {MAX_POLICY_TEXT} "
                    "characters",
                )
        level = below
        depth += 1


def _as_strings(value: object, path: str) -> tuple[str, ...]:
    """Read IAM's string-or-list-of-strings form; empty strings are refused."""
    items: Sequence[object]
    if isinstance(value, str):
        items = (value,)
    elif isinstance(value, list | tuple):
        if not value:
            raise ValidationError(path, "must not be an empty list")
        items = value
    else:
        raise ValidationError(path, f"must be a string or a list of strings, got {echo(value)}")
    out: list[str] = []
    for i, item in enumerate(items):
        where = path if isinstance(value, str) else f"{path}[{i}]"
        if not isinstance(item, str):
            raise ValidationError(where, f"must be a string, got {echo(item)}")
        if not item:
            raise ValidationError(where, "must not be empty")
        out.append(_grammar.check_text(item, where))
    return tuple(out)


def principal_from_json(value: object, path: str = "Principal") -> Principal:
    """Parse the JSON value of a ``Principal`` or ``NotPrincipal`` element.

    .. versionadded:: 0.1.0
    """
    _check_bounds(value, path)
    return _principal(value, path)


def _principal(value: object, path: str) -> Principal:
    if value == "*":
        return Principal(everyone=True)
    if not isinstance(value, Mapping):
        raise ValidationError(path, f"must be '*' or an object, got {echo(value)}")
    if not value:
        raise ValidationError(path, "must not be an empty object")
    fields: dict[str, tuple[str, ...]] = {}
    for key, raw in value.items():
        if key not in _PRINCIPAL_FIELDS:
            raise ValidationError(
                f"{path}.{key}",
                f"unknown principal type; expected one of {', '.join(_grammar.PRINCIPAL_TYPES)}",
            )
        fields[_PRINCIPAL_FIELDS[key]] = _as_strings(raw, f"{path}.{key}")
    try:
        return Principal(
            aws=fields.get("aws", ()),
            service=fields.get("service", ()),
            federated=fields.get("federated", ()),
            canonical_user=fields.get("canonical_user", ()),
        )
    except ValidationError as exc:
        raise ValidationError(path + exc.field.removeprefix("Principal"), exc.rule) from None


def _condition_values(raw: object, key_path: str) -> tuple[ConditionValue, ...]:
    raw_items: Sequence[object]
    if isinstance(raw, list):
        if not raw:
            raise ValidationError(key_path, "must not be an empty list")
        raw_items = raw
    else:
        raw_items = (raw,)
    for i, item in enumerate(raw_items):
        if item is None or not isinstance(item, str | bool | int | float):
            where = key_path if not isinstance(raw, list) else f"{key_path}[{i}]"
            raise ValidationError(where, f"must be a string, number or boolean, got {echo(item)}")
    return tuple(raw_items)


def _conditions_from_json(value: object, path: str) -> tuple[Condition, ...]:
    if not isinstance(value, Mapping):
        raise ValidationError(path, f"must be an object, got {echo(value)}")
    out: list[Condition] = []
    for operator, block in value.items():
        where = f"{path}.{operator}"
        _grammar.validate_operator(operator, where)
        if not isinstance(block, Mapping):
            raise ValidationError(where, f"must be an object of condition keys, got {echo(block)}")
        if not block:
            raise ValidationError(where, "must not be empty")
        for key, raw in block.items():
            key_path = f"{where}.{key}"
            values = _condition_values(raw, key_path)
            try:
                out.append(Condition(operator, key, values))
            except ValidationError as exc:
                raise ValidationError(key_path, exc.rule) from None
    return tuple(out)


def _check_statement_shape(data: Mapping[Any, Any], path: str) -> None:
    """The element names and pairings of a statement, before any element is read."""
    for key in data:
        if key not in _grammar.STATEMENT_KEYS:
            raise ValidationError(
                f"{path}.{key}",
                f"unknown element; expected one of {', '.join(_grammar.STATEMENT_KEYS)}",
            )
    if "Effect" not in data:
        raise ValidationError(f"{path}.Effect", "is required")
    effect = data["Effect"]
    if effect not in ("Allow", "Deny"):
        raise ValidationError(
            f"{path}.Effect", f"must be exactly 'Allow' or 'Deny', got {echo(effect)}"
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
        raise ValidationError(f"{path}.Sid", f"must be a string, got {echo(sid)}")
    if sid is not None and not _grammar.SID.fullmatch(sid):
        raise ValidationError(f"{path}.Sid", "must contain only ASCII letters and digits")


def statement_from_dict(data: object, path: str = "Statement") -> Statement:
    """Parse one statement object, naming ``path`` in any error.

    .. versionadded:: 0.1.0
    """
    _check_bounds(data, path)
    return _statement(data, path)


def _statement(data: object, path: str) -> Statement:
    if not isinstance(data, Mapping):
        raise ValidationError(path, f"must be an object, got {echo(data)}")
    _check_statement_shape(data, path)

    def strings(name: str) -> tuple[str, ...]:
        if name not in data:
            return ()
        values = _as_strings(data[name], f"{path}.{name}")
        if name.endswith("Action"):
            _grammar.validate_actions(f"{path}.{name}", values)
        else:
            _grammar.validate_resources(f"{path}.{name}", values)
        return values

    def principal(name: str) -> Principal | None:
        return _principal(data[name], f"{path}.{name}") if name in data else None

    conditions: tuple[Condition, ...] = ()
    if "Condition" in data:
        conditions = _conditions_from_json(data["Condition"], f"{path}.Condition")
    actions, not_actions = strings("Action"), strings("NotAction")
    resources, not_resources = strings("Resource"), strings("NotResource")
    principals = (principal("Principal"), principal("NotPrincipal"))
    try:
        return Statement(
            effect=data["Effect"],
            sid=data.get("Sid"),
            principal=principals[0],
            not_principal=principals[1],
            conditions=conditions,
            actions=actions,
            not_actions=not_actions,
            resources=resources,
            not_resources=not_resources,
        )
    except ValidationError as exc:
        raise ValidationError(f"{path}.{exc.field}", exc.rule) from None


def document_from_dict(data: object) -> PolicyDocument:
    """Build a document from parsed JSON (a mapping), accepting every IAM form.

    Raises:
        ValidationError: ``data`` is not a legal IAM policy, is nested deeper than
            :data:`~xaccess.limits.MAX_JSON_DEPTH` levels, or is larger than any policy IAM
            takes (:data:`~xaccess.limits.MAX_POLICY_TEXT` characters of JSON).

    .. versionadded:: 0.1.0
    """
    if not isinstance(data, Mapping):
        raise ValidationError("policy", f"must be a JSON object, got {type_name(data)}")
    _check_bounds(data, "policy")
    for key in data:
        if key not in _grammar.DOCUMENT_KEYS:
            raise ValidationError(
                str(key), f"unknown element; expected one of {', '.join(_grammar.DOCUMENT_KEYS)}"
            )
    version = data.get("Version")
    if "Version" in data and version not in POLICY_VERSIONS:
        raise ValidationError(
            "Version", f"must be one of {', '.join(POLICY_VERSIONS)}, got {echo(version)}"
        )
    policy_id = data.get("Id")
    if "Id" in data and not isinstance(policy_id, str):
        raise ValidationError("Id", f"must be a string, got {echo(policy_id)}")
    if "Statement" not in data:
        raise ValidationError("Statement", "is required")
    raw = data["Statement"]
    statements: tuple[Statement, ...]
    if isinstance(raw, Mapping):
        statements = (_statement(raw, "Statement"),)
    elif isinstance(raw, list):
        if not raw:
            raise ValidationError("Statement", "must not be an empty list")
        statements = tuple(_statement(s, f"Statement[{i}]") for i, s in enumerate(raw))
    else:
        raise ValidationError("Statement", f"must be an object or a list, got {echo(raw)}")
    return PolicyDocument(statements=statements, version=version, id=policy_id)


def document_from_json(text: str | bytes) -> PolicyDocument:
    """Parse IAM policy JSON (text or UTF-8 bytes), strictly.

    Raises:
        ValidationError: the text is not JSON, or not a legal IAM policy; the error names the
            path of the offending element.

    .. versionadded:: 0.1.0
    """
    if isinstance(text, str | bytes | bytearray) and len(text) > MAX_POLICY_TEXT:
        raise ValidationError(
            "policy",
            f"must be at most {MAX_POLICY_TEXT} characters long (the most IAM takes for a "
            f"policy), got {len(text)}",
        )
    return document_from_dict(load_json(text, field="policy"))


# --- writing ---------------------------------------------------------------------------------


def _emit_strings(values: tuple[str, ...]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


def principal_to_json(principal: Principal) -> str | dict[str, str | list[str]]:
    """``principal`` in canonical IAM JSON form.

    .. versionadded:: 0.1.0
    """
    if principal.everyone:
        return "*"
    return {name: _emit_strings(values) for name, values in principal.items()}


def _conditions_to_json(
    conditions: tuple[Condition, ...],
) -> dict[str, dict[str, ConditionValue | list[ConditionValue]]]:
    out: dict[str, dict[str, ConditionValue | list[ConditionValue]]] = {}
    for cond in conditions:
        block = out.setdefault(cond.operator, {})
        block[cond.key] = cond.values[0] if len(cond.values) == 1 else list(cond.values)
    return out


def statement_to_dict(statement: Statement) -> dict[str, Any]:
    """``statement`` in canonical IAM JSON form (a new ``dict``).

    .. versionadded:: 0.1.0
    """
    out: dict[str, Any] = {}
    if statement.sid is not None:
        out["Sid"] = statement.sid
    out["Effect"] = statement.effect
    if statement.principal is not None:
        out["Principal"] = principal_to_json(statement.principal)
    if statement.not_principal is not None:
        out["NotPrincipal"] = principal_to_json(statement.not_principal)
    for name, values in (
        ("Action", statement.actions),
        ("NotAction", statement.not_actions),
        ("Resource", statement.resources),
        ("NotResource", statement.not_resources),
    ):
        if values:
            out[name] = _emit_strings(values)
    if statement.conditions:
        out["Condition"] = _conditions_to_json(statement.conditions)
    return out


def document_to_dict(document: PolicyDocument) -> dict[str, Any]:
    """``document`` in canonical IAM JSON form (a new ``dict``).

    .. versionadded:: 0.1.0
    """
    out: dict[str, Any] = {}
    if document.version is not None:
        out["Version"] = document.version
    if document.id is not None:
        out["Id"] = document.id
    out["Statement"] = [statement_to_dict(s) for s in document.statements]
    return out


def document_to_json(document: PolicyDocument, *, indent: int | None = None) -> str:
    """Canonical IAM JSON text of ``document``, ASCII only; compact unless ``indent`` is given.

    The compact text is written straight from the model; it is the same text as
    ``json.dumps(document_to_dict(document), separators=(",", ":"), ensure_ascii=True)``.

    .. versionadded:: 0.1.0
    """
    if indent is None:
        return _compact_document(document)
    return json.dumps(
        document_to_dict(document), indent=indent, separators=(",", ": "), ensure_ascii=True
    )


def statement_to_json(statement: Statement) -> str:
    """Compact canonical IAM JSON text of ``statement``, ASCII only.

    The same text as ``json.dumps(statement_to_dict(statement), separators=(",", ":"))``.

    .. versionadded:: 0.1.0
    """
    return _compact_statement(statement)


# Compact JSON written directly: building the dicts and running json.dumps over them costs
# about three times as much for a small document. Strings are escaped by the json module's own
# ASCII escaper, numbers written as json writes them (int.__repr__, float.__repr__), and the
# elements come in the order statement_to_dict and document_to_dict give them.


def _compact_scalar(value: ConditionValue) -> str:
    if isinstance(value, str):
        return _quote(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    return float.__repr__(value)  # the model refuses NaN and infinities


def _compact_strings(values: tuple[str, ...]) -> str:
    if len(values) == 1:
        return _quote(values[0])
    return "[" + ",".join(map(_quote, values)) + "]"


def compact_principal(principal: Principal) -> str:
    """Compact JSON of ``principal``'s value (see :meth:`Principal.to_json_value`)."""
    if principal.everyone:
        return '"*"'
    return (
        "{"
        + ",".join(
            f"{_quote(name)}:{_compact_strings(values)}" for name, values in principal.items()
        )
        + "}"
    )


def compact_condition(condition: Condition) -> str:
    """Compact JSON of ``condition`` as a member of its operator's block: ``"key":value``."""
    values = condition.values
    if len(values) == 1:
        return _quote(condition.key) + ":" + _compact_scalar(values[0])
    return _quote(condition.key) + ":[" + ",".join(map(_compact_scalar, values)) + "]"


def _compact_conditions(conditions: tuple[Condition, ...]) -> str:
    blocks: dict[str, list[str]] = {}
    for cond in conditions:
        members = blocks.get(cond.operator)
        if members is None:
            blocks[cond.operator] = members = []
        members.append(cond._compact_json())
    return (
        "{"
        + ",".join(_quote(op) + ":{" + ",".join(keys) + "}" for op, keys in blocks.items())
        + "}"
    )


def _compact_statement(statement: Statement) -> str:
    parts: list[str] = []
    if statement.sid is not None:
        parts.append('"Sid":' + _quote(statement.sid))
    parts.append('"Effect":' + _quote(statement.effect))
    if statement.principal is not None:
        parts.append('"Principal":' + statement.principal._compact_json())
    if statement.not_principal is not None:
        parts.append('"NotPrincipal":' + statement.not_principal._compact_json())
    if statement.actions:
        parts.append('"Action":' + _compact_strings(statement.actions))
    if statement.not_actions:
        parts.append('"NotAction":' + _compact_strings(statement.not_actions))
    if statement.resources:
        parts.append('"Resource":' + _compact_strings(statement.resources))
    if statement.not_resources:
        parts.append('"NotResource":' + _compact_strings(statement.not_resources))
    if statement.conditions:
        parts.append('"Condition":' + _compact_conditions(statement.conditions))
    return "{" + ",".join(parts) + "}"


def _compact_document(document: PolicyDocument) -> str:
    head = ""
    if document.version is not None:
        head += '"Version":' + _quote(document.version) + ","
    if document.id is not None:
        head += '"Id":' + _quote(document.id) + ","
    statements = ",".join(map(_compact_statement, document.statements))
    return "{" + head + '"Statement":[' + statements + "]}"
