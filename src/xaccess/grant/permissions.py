"""What a grant allows: statements from ``allow()``/``deny()`` arguments, and the inline policies.

Statements are merged losslessly (:mod:`xaccess.policy.merge`) and written into one inline policy:
IAM counts all inline policies of a role against one aggregate quota, so splitting never makes
room. Both steps are pure functions of their inputs and cached, because a vendor builds the same
permissions for every customer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, Literal

import attrs

from xaccess import limits
from xaccess._validate import type_name
from xaccess.errors import PolicySizeError, ValidationError
from xaccess.grant.fields import check_text
from xaccess.identifiers import validate_managed_policy_arn, validate_policy_name
from xaccess.policy import PolicyDocument, Statement, iam_size
from xaccess.policy.merge import first_fit_decreasing, merge_statements, statement_size

if TYPE_CHECKING:
    from xaccess.grant.builder import ThirdPartyGrant

_DOCUMENT_OVERHEAD: Final = iam_size('{"Version":"2012-10-17","Statement":[]}')
_CACHE_SIZE: Final = 256
_STATEMENT_FIELDS: Final = {
    "Action": "actions",
    "Resource": "resources",
    "Condition": "conditions",
    "Sid": "sid",
}


def _check_policy_name(_instance: object, _attribute: attrs.Attribute[str], value: str) -> None:
    validate_policy_name(value, field="name")


def _check_document(
    _instance: object, _attribute: attrs.Attribute[PolicyDocument], value: PolicyDocument
) -> None:
    if not isinstance(value, PolicyDocument):
        raise ValidationError("document", f"must be a PolicyDocument, got {type_name(value)}")


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
    check_text(validate_managed_policy_arn, arn, field, limits.MAX_ROLE_ARN)
    arn_partition = str(arn).split(":", 2)[1]
    if arn_partition != partition:
        raise ValidationError(
            field, f"is in partition {arn_partition!r} but the grant is in {partition!r}"
        )


# --- inline policies ------------------------------------------------------------------------------


def permission_policies(grant: ThirdPartyGrant) -> tuple[NamedPolicy, ...]:
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
    if not grant.statements:
        return ()
    prefix = grant.role_name if grant.inline_policy_prefix is None else grant.inline_policy_prefix
    free = grant.max_managed_policies - len(grant.managed_policy_arns)
    return _pack(
        grant.statements, grant.inline_policies_quota, prefix, grant.max_managed_policies, free
    )


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _pack(
    statements: tuple[Statement, ...], quota: int, prefix: str, most: int, free: int
) -> tuple[NamedPolicy, ...]:
    merged = merge_statements(statements)
    document = PolicyDocument(merged)
    document.check_identity_policy()
    size = document.size()
    if size > quota:
        error = PolicySizeError("permission_policies", size, quota, "inline policies per role")
        error.add_note(_managed_policy_hint(merged, most, free))
        raise error
    return (NamedPolicy(name=f"{prefix}-0", document=document),)


def _managed_policy_hint(statements: tuple[Statement, ...], most: int, free: int) -> str:
    quota = limits.MANAGED_POLICY_SIZE_QUOTA
    capacity = quota - _DOCUMENT_OVERHEAD
    sizes = [statement_size(s) + 1 for s in statements]  # +1: the separating comma
    largest = max(sizes) - 1
    if largest > capacity:
        return (
            f"one statement alone is {largest} characters, more than a customer-managed "
            f"policy can hold ({quota}); split its actions or resources"
        )
    needed = first_fit_decreasing(sizes, capacity + 1)
    return (
        f"move the statements into {needed} customer-managed "
        f"polic{'y' if needed == 1 else 'ies'} (at most {quota} "
        f"characters each) and attach() them; {free} of max_managed_policies="
        f"{most} attachments are free"
    )
