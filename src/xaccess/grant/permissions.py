"""What a grant allows: statements from ``allow()``/``deny()`` arguments, and the policies.

Statements are merged losslessly (:mod:`xaccess.policy.merge`) and written into one inline policy
while they fit the role's inline quota (IAM counts all inline policies of a role against one
aggregate quota, so a second inline policy never makes room). Beyond it, they are packed into
customer-managed policies (:mod:`xaccess.grant.packing`). Both steps are pure functions of their
inputs and cached, because a vendor builds the same permissions for every customer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

from xaccess import limits
from xaccess._validate import type_name
from xaccess.errors import ValidationError
from xaccess.grant.fields import check_text
from xaccess.policy import Statement

_CACHE_SIZE: Final = 256
_STATEMENT_FIELDS: Final = {
    "Action": "actions",
    "Resource": "resources",
    "Condition": "conditions",
    "Sid": "sid",
}


# --- statements from builder arguments --------------------------------------------------------


def _strings_argument(value: object, field: str) -> object:
    if isinstance(value, str | list | tuple):
        return list(value) if isinstance(value, tuple) else value
    if isinstance(value, Iterable) and not isinstance(value, bytes | bytearray | Mapping):
        return list(value)
    raise ValidationError(
        field, f"must be a string or a sequence of strings, got {type_name(value)}"
    )


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


def _argument_field(field: str) -> str:
    """Rename a document path (``.Action[1]``) after the argument it came from."""
    head, sep, rest = field.lstrip(".").partition(".")
    name, bracket, index = head.partition("[")
    renamed = _STATEMENT_FIELDS.get(name, name)
    return renamed + bracket + index + sep + rest


_PLAIN_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def _plain_key(data: dict[str, object]) -> str | None:
    """``repr(data)`` when it holds only built-in JSON types, else ``None`` (not cached).

    For those types the text tells apart every value that builds a different statement
    (``1``, ``1.0``, ``True`` and ``"1"`` all differ), so it can stand for the arguments.
    """
    pending: list[object] = [data]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is dict:
            for key, item in value.items():  # type: ignore[attr-defined]
                if type(key) is not str:
                    return None
                pending.append(item)
        elif kind is list:
            pending.extend(value)  # type: ignore[arg-type]
        elif kind not in _PLAIN_SCALARS:
            return None
    return repr(data)


_STATEMENTS: dict[str, Statement] = {}
"""Statements by the arguments they were built from; emptied when full, so it stays bounded."""


def _statement(data: dict[str, object]) -> Statement:
    try:
        statement = Statement.from_dict(data, "")
    except ValidationError as exc:
        raise ValidationError(_argument_field(exc.field), exc.rule) from None
    return statement


def statement_from_arguments(
    effect: Literal["Allow", "Deny"],
    actions: object,
    resources: object,
    conditions: object,
    sid: object,
) -> Statement:
    """The statement ``allow()``/``deny()`` add, checked; errors name the argument.

    Statements from arguments already seen are reused (they are immutable), so the same
    permissions written for every customer are checked once.
    """
    data: dict[str, object] = {
        "Effect": effect,
        "Action": _strings_argument(actions, "actions"),
        "Resource": _strings_argument(resources, "resources"),
    }
    if conditions is not None:
        data["Condition"] = _plain_conditions(conditions)
    if sid is not None:
        data["Sid"] = sid
    key = _plain_key(data)
    if key is None:
        return _statement(data)
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _statement(data)
        if len(_STATEMENTS) >= _CACHE_SIZE:
            _STATEMENTS.clear()
        _STATEMENTS[key] = statement
    return statement


def check_policy_arn(arn: object, field: str, partition: str) -> None:
    """Refuse a managed policy ARN that is malformed or in another partition."""
    from xaccess.identifiers.arns import validate_managed_policy_arn  # noqa: PLC0415 - on use

    check_text(validate_managed_policy_arn, arn, field, limits.MAX_ROLE_ARN)
    arn_partition = str(arn).split(":", 2)[1]
    if arn_partition != partition:
        raise ValidationError(
            field, f"is in partition {arn_partition!r} but the grant is in {partition!r}"
        )
