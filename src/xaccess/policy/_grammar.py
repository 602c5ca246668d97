"""The grammar of policy elements: what text IAM accepts in each element of a statement.

The model (:mod:`xaccess.policy.model`) calls these checks when a value is constructed; the wire
format (:mod:`xaccess.policy.wire`) calls them with the JSON path of the element. Every check
raises :class:`~xaccess.errors.ValidationError` naming that path.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from xaccess._validate import echo
from xaccess.errors import ValidationError
from xaccess.identifiers import PARTITIONS
from xaccess.limits import MAX_ARN, MAX_JSON_NUMBER_DIGITS, MAX_POLICY_TEXT
from xaccess.policy._wildcard import compile_pattern

if TYPE_CHECKING:
    from xaccess.policy.model import ConditionValue

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

# IAM resources (IAM User Guide, "IAM identifiers"; Service Authorization Reference, IAM): the
# account root, or a resource type of lowercase letters, digits and hyphens, a slash and the rest.
# The set of types grows (AWS managed policies name role-template/), so the shape is checked, not
# a list of types; wildcards may stand anywhere.
_IAM_RESOURCE: Final = re.compile(r"[*?].*|root|[a-z0-9*?-]+/.*", flags=re.ASCII | re.DOTALL)
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
PRINCIPAL_TYPES: Final = ("AWS", "Service", "Federated", "CanonicalUser")
STATEMENT_KEYS: Final = (
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
DOCUMENT_KEYS: Final = ("Version", "Id", "Statement")

# IAM accepts tab, LF, CR and U+0020..U+00FF in policy text.
MAX_VALUES: Final = MAX_POLICY_TEXT // 2
"""The most values one element can list: each takes at least one character and a comma."""
_LOG10_2: Final = 0.30102999566398120

_BAD_CHAR = re.compile(r"[^\t\n\r\x20-\xff]")
SID = re.compile(r"[A-Za-z0-9]*", flags=re.ASCII)
# IAM checks an action's service prefix ("vendor"): present, letters, digits, '.' and '-', no
# wildcards, and one colon after it. It does not check the name after the colon: a name that
# no service defines (with a comma or a space, or empty) is stored and matches no request.
_VENDOR = re.compile(r"[A-Za-z0-9.-]+", flags=re.ASCII)
# The resource segment may be empty: IAM stores "arn:aws:organizations::*:" (AWS managed policy
# AmazonDevOpsGuruOrganizationsAccess).
_RESOURCE = re.compile(r"\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.*", flags=re.ASCII | re.DOTALL)
CONDITION_KEY = re.compile(r"[^:\s]+:\S+", flags=re.ASCII)
# A bare "*" or a concrete account ID or ARN: IAM allows no partial wildcards in principals.
_AWS_PRINCIPAL = re.compile(r"\*|[0-9]{12}|arn:[^\s*?]+", flags=re.ASCII)


def check_text(value: str, path: str) -> str:
    """Refuse text longer than a whole policy may be, then characters IAM refuses."""
    if len(value) > MAX_POLICY_TEXT:
        raise ValidationError(
            path,
            f"must be at most {MAX_POLICY_TEXT} characters long (longer than IAM takes for a "
            f"whole policy), got {len(value)}",
        )
    bad = _BAD_CHAR.search(value)
    if bad is not None:
        raise ValidationError(
            path,
            f"character U+{ord(bad.group()):04X} is not allowed in policy text "
            "(only tab, LF, CR and U+0020-U+00FF)",
        )
    return value


def check_count(values: tuple[object, ...], path: str) -> None:
    """Refuse more values in one element than a policy's text could hold."""
    if len(values) > MAX_VALUES:
        raise ValidationError(
            path,
            f"has more values than a policy can hold (at most {MAX_VALUES}), got {len(values)}",
        )


def check_number(value: int, path: str) -> None:
    """Refuse an integer whose JSON form would be longer than xaccess reads."""
    # bit_length bounds the digit count from below without converting (which is quadratic).
    if value.bit_length() * _LOG10_2 > MAX_JSON_NUMBER_DIGITS:
        raise ValidationError(path, f"holds a number longer than {MAX_JSON_NUMBER_DIGITS} digits")


def check_principal_length(value: str, path: str) -> None:
    """Refuse a principal longer than any ARN IAM takes, before reading its characters."""
    if len(value) > MAX_ARN:
        raise ValidationError(
            path, f"must be at most {MAX_ARN} characters long (an ARN), got {len(value)}"
        )


def _action_problem(action: str) -> str | None:
    """Why IAM refuses ``action`` (MalformedPolicyDocument), or ``None`` if IAM stores it."""
    if action == "*":
        return None
    vendor, colon, name = action.partition(":")
    if not colon:
        return (
            f"{echo(action)} is not an action: expected '*' or 'service:Action' "
            "(an action must be prefaced by a service prefix, such as 's3:')"
        )
    if ":" in name:
        return f"{echo(action)} is not an action: an action can contain only one colon"
    if not _VENDOR.fullmatch(vendor):
        return (
            f"{echo(action)} is not an action: the service prefix {echo(vendor)} may contain "
            "only letters, digits, '.' and '-' (no wildcards, no spaces)"
        )
    return None


def validate_actions(path: str, values: tuple[str, ...]) -> None:
    """Refuse the first action IAM refuses; names after the service prefix are not checked."""
    for i, action in enumerate(values):
        problem = _action_problem(action)
        if problem is not None:
            raise ValidationError(f"{path}[{i}]" if len(values) > 1 else path, problem)


def _resource_problem(resource: str) -> str | None:
    if resource == "*":
        return None
    if not _RESOURCE.fullmatch(resource):
        return (
            f"{echo(resource)} must be an ARN ('arn:partition:service:region:account:"
            "resource') or '*'"
        )
    _, partition, service, region, _account, rest = resource.split(":", 5)
    # Wildcards may appear in any segment but the service, so a partition is a pattern.
    if partition not in PARTITIONS and not any(
        compile_pattern(partition).matches(known) for known in PARTITIONS
    ):
        return f"partition {echo(partition)} of {echo(resource)} is not an AWS partition"
    if not service or "*" in service or "?" in service:
        return f"the service of {echo(resource)} must be named in full, without wildcards"
    if region and service == "iam":
        return f"IAM resource {echo(resource)} cannot contain region information"
    if region and service == "s3" and not rest.startswith(_S3_REGIONAL_RESOURCE_TYPES):
        return f"S3 resource {echo(resource)} cannot contain region information"
    if service == "iam" and not _IAM_RESOURCE.fullmatch(rest):
        return (
            f"IAM resource {echo(rest)} must be 'root' or 'TYPE/NAME' with TYPE of lowercase "
            "letters, digits and '-' (for example 'role/Admin'), or start with a wildcard"
        )
    return None


def validate_resources(path: str, values: tuple[str, ...]) -> None:
    for i, resource in enumerate(values):
        problem = _resource_problem(resource)
        if problem is not None:
            raise ValidationError(f"{path}[{i}]" if len(values) > 1 else path, problem)


def check_aws_principal(value: str, where: str) -> None:
    """An account, IAM user or role, or STS session; never a group (IAM User Guide, Principal)."""
    parts = value.split(":", 5)
    is_arn = value.startswith("arn:")
    if not _AWS_PRINCIPAL.fullmatch(value) or (
        is_arn and (len(parts) != 6 or parts[2] not in ("iam", "sts"))
    ):
        raise ValidationError(
            where,
            f"{echo(value)} is not an AWS principal: expected '*', a 12-digit account ID or "
            "an IAM or STS ARN without wildcards",
        )
    if is_arn and parts[2] == "iam" and parts[5].startswith("group/"):
        raise ValidationError(where, f"{echo(value)}: a user group cannot be a principal")


_ISO_DATE = re.compile(
    r"-?[0-9]{4,9}(-[0-9]{2}(-[0-9]{2})?)?"
    r"([Tt][0-9]{2}(:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?)?",
    flags=re.ASCII,
)


def valid_date(value: ConditionValue) -> bool:
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


def base_operator(operator: str) -> str:
    """``operator`` without its set prefix and ``IfExists`` suffix."""
    for prefix in _SET_PREFIXES:
        if operator.startswith(prefix):
            operator = operator[len(prefix) :]
            break
    if operator.endswith("IfExists") and operator != "IfExists":
        operator = operator[: -len("IfExists")]
    return operator


def validate_operator(operator: object, path: str) -> None:
    if not isinstance(operator, str):
        raise ValidationError(path, f"operator must be a string, got {echo(operator)}")
    base = base_operator(operator)
    if base == "Null" and operator.endswith("IfExists"):
        raise ValidationError(path, "'Null' cannot take the 'IfExists' suffix")
    if base not in _BASE_OPERATORS:
        raise ValidationError(path, f"unknown condition operator {echo(operator)}")
