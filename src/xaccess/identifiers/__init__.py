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
