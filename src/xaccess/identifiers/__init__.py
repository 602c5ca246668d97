"""AWS identifiers: account IDs, ARNs, role names and paths, session values, tags, external IDs.

Every validator checks the whole value against the rule AWS applies (length, character set,
range) and raises :class:`~xaccess.errors.ValidationError` naming the field and the rule. Wrong
types are errors too: an ``int`` is never turned into an account ID, and ``bool`` is never
accepted where a number is expected. Regular expressions are applied to the whole value with
ASCII semantics, so ``\\w`` means ``[A-Za-z0-9_]`` and a trailing newline is never accepted.
Lengths are checked before any per-character work, so a huge value is refused quickly.

The value types (:class:`Arn`, :class:`RoleArn`, :class:`AssumedRoleArn`, :class:`Tag`) are
immutable and validate their fields when constructed.

One module per kind of value: :mod:`~xaccess.identifiers.accounts` (partitions, account IDs),
:mod:`~xaccess.identifiers.arns`, :mod:`~xaccess.identifiers.names` (role and policy names,
role paths, descriptions), :mod:`~xaccess.identifiers.sessions` (session names, source
identities, durations), :mod:`~xaccess.identifiers.tags` and
:mod:`~xaccess.identifiers.external_ids`. Every public name is importable from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xaccess.identifiers.accounts import (
        PARTITIONS,
        account_root_arn,
        validate_account_id,
        validate_partition,
    )
    from xaccess.identifiers.arns import (
        Arn,
        AssumedRoleArn,
        PrincipalKind,
        RoleArn,
        principal_kind,
        validate_managed_policy_arn,
    )
    from xaccess.identifiers.external_ids import new_external_id, validate_external_id
    from xaccess.identifiers.names import (
        validate_description,
        validate_policy_name,
        validate_role_name,
        validate_role_path,
    )
    from xaccess.identifiers.sessions import (
        validate_max_session_duration,
        validate_session_duration,
        validate_session_name,
        validate_source_identity,
    )
    from xaccess.identifiers.tags import Tag, validate_tag_key, validate_tag_value, validate_tags

# Each name is served from its module on first use (PEP 562), so that a program that needs only
# the partitions (the policy grammar does) does not load the ARN and tag classes.
_MODULES: dict[str, str] = {
    "PARTITIONS": "accounts",
    "account_root_arn": "accounts",
    "validate_account_id": "accounts",
    "validate_partition": "accounts",
    "Arn": "arns",
    "AssumedRoleArn": "arns",
    "PrincipalKind": "arns",
    "RoleArn": "arns",
    "principal_kind": "arns",
    "validate_managed_policy_arn": "arns",
    "new_external_id": "external_ids",
    "validate_external_id": "external_ids",
    "validate_description": "names",
    "validate_policy_name": "names",
    "validate_role_name": "names",
    "validate_role_path": "names",
    "validate_max_session_duration": "sessions",
    "validate_session_duration": "sessions",
    "validate_session_name": "sessions",
    "validate_source_identity": "sessions",
    "Tag": "tags",
    "validate_tag_key": "tags",
    "validate_tag_value": "tags",
    "validate_tags": "tags",
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - the type depends on the name
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'xaccess.identifiers' has no attribute {name!r}")
    import importlib  # noqa: PLC0415 - needed only on first use of a name

    value = getattr(importlib.import_module(f"xaccess.identifiers.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "PARTITIONS",
    "Arn",
    "AssumedRoleArn",
    "PrincipalKind",
    "RoleArn",
    "Tag",
    "account_root_arn",
    "new_external_id",
    "principal_kind",
    "validate_account_id",
    "validate_description",
    "validate_external_id",
    "validate_managed_policy_arn",
    "validate_max_session_duration",
    "validate_partition",
    "validate_policy_name",
    "validate_role_name",
    "validate_role_path",
    "validate_session_duration",
    "validate_session_name",
    "validate_source_identity",
    "validate_tag_key",
    "validate_tag_value",
    "validate_tags",
]
