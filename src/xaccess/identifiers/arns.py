"""ARNs: the generic shape, role and assumed-role ARNs, managed policy ARNs, principal kinds."""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

import attrs

from xaccess._validate import check_str, echo
from xaccess.errors import ValidationError
from xaccess.identifiers._checks import (
    ACCOUNT_ID,
    NAME_CHARS_TEXT,
    check_length,
    describe_char,
    nested,
    validator,
)
from xaccess.identifiers.accounts import validate_account_id, validate_partition
from xaccess.identifiers.names import validate_policy_name, validate_role_name, validate_role_path
from xaccess.identifiers.sessions import validate_session_name
from xaccess.limits import MAX_ARN, MAX_POLICY_PATH

__all__ = [
    "Arn",
    "AssumedRoleArn",
    "PrincipalKind",
    "RoleArn",
    "principal_kind",
    "validate_managed_policy_arn",
]

PrincipalKind = Literal["root", "role", "user", "assumed-role", "federated-user"]
"""What :func:`principal_kind` can answer.

.. versionadded:: 0.1.0
"""

_SERVICE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
_REGION: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
_POLICY_PATH: Final = re.compile(r"(?:/[A-Za-z0-9.,+@=_-]+)*/", re.ASCII)


# --- ARN component validators ----------------------------------------------------------------


def _validate_service(value: object, *, field: str = "service") -> str:
    text = check_str(value, field)
    if _SERVICE.fullmatch(text) is None:
        raise ValidationError(
            field,
            f"must be a service name of lowercase ASCII letters, digits and -, got {echo(text)}",
        )
    return text


def _validate_arn_region(value: object, *, field: str = "region") -> str:
    text = check_str(value, field)
    if text and _REGION.fullmatch(text) is None:
        raise ValidationError(
            field,
            f"must be empty or a region name such as 'us-east-1', got {echo(text)}",
        )
    return text


def _validate_arn_account(value: object, *, field: str = "account") -> str:
    text = check_str(value, field)
    if text not in ("", "aws") and ACCOUNT_ID.fullmatch(text) is None:
        raise ValidationError(
            field, f"must be empty, 'aws' or exactly 12 ASCII digits, got {echo(text)}"
        )
    return text


def _validate_resource(value: object, *, field: str = "resource") -> str:
    text = check_str(value, field)
    if not text:
        raise ValidationError(field, "must not be empty")
    check_length(text, field, 0, MAX_ARN)
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Cc", "Cs"):
            raise ValidationError(
                field,
                f"must not contain control characters; got {describe_char(char)} "
                f"at position {index}",
            )
    return text


# --- ARNs ------------------------------------------------------------------------------------


def _arn_text(value: object, field: str) -> str:
    """``value`` as ARN text, refused by its length alone when longer than any ARN IAM takes."""
    text = check_str(value, field)
    check_length(text, field, 0, MAX_ARN)
    return text


_ARN_SHAPE: Final = "'arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE'"
_ROLE_ARN_SHAPE: Final = "'arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME'"
_ASSUMED_ROLE_ARN_SHAPE: Final = "'arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION'"
_POLICY_ARN_SHAPE: Final = "'arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME'"


@attrs.frozen
class Arn:
    """An Amazon Resource Name: ``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE``.

    ``account`` is empty (global resources such as S3 buckets), 12 digits, or ``aws`` (resources
    owned by AWS, such as AWS managed policies). ``str(arn)`` gives back the ARN text.

    .. versionadded:: 0.1.0
    """

    partition: str = attrs.field(validator=validator(validate_partition))
    service: str = attrs.field(validator=validator(_validate_service))
    region: str = attrs.field(validator=validator(_validate_arn_region))
    account: str = attrs.field(validator=validator(_validate_arn_account))
    resource: str = attrs.field(validator=validator(_validate_resource))

    @classmethod
    def parse(cls, text: object, *, field: str = "arn") -> Arn:
        """Parse and validate an ARN.

        Args:
            text: The ARN text (an :class:`Arn` is returned as is).
            field: The name used in the error.

        Returns:
            The ARN.

        Raises:
            ValidationError: If ``text`` is not a well-formed ARN in a known partition.

        .. versionadded:: 0.1.0
        """
        if isinstance(text, Arn):
            return text
        value = _arn_text(text, field)
        parts = value.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            raise ValidationError(field, f"must look like {_ARN_SHAPE}, got {echo(value)}")
        _, partition, service, region, account, resource = parts
        nested(field, "partition", lambda: validate_partition(partition))
        nested(field, "service", lambda: _validate_service(service))
        nested(field, "region", lambda: _validate_arn_region(region))
        nested(field, "account", lambda: _validate_arn_account(account))
        nested(field, "resource", lambda: _validate_resource(resource))
        return cls(partition, service, region, account, resource)

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"

    @property
    def resource_type(self) -> str:
        """The resource text before the first ``/`` or ``:``.

        For example ``role``, ``user``, ``assumed-role``, ``policy`` or ``root``. When the
        resource has no separator (``root``, an S3 bucket name) this is the whole resource.

        .. versionadded:: 0.1.0
        """
        return re.split(r"[/:]", self.resource, maxsplit=1)[0]

    @property
    def resource_id(self) -> str:
        """The resource text after the first ``/`` or ``:``, or ``""`` if there is none.

        .. versionadded:: 0.1.0
        """
        parts = re.split(r"[/:]", self.resource, maxsplit=1)
        return parts[1] if len(parts) == 2 else ""


def _split_arn(value: str, field: str, service: str, prefix: str, shape: str) -> list[str]:
    """Split an ARN into its six parts, requiring ``service``, no region and a resource prefix."""
    parts = value.split(":", 5)
    if (
        len(parts) != 6
        or parts[0] != "arn"
        or parts[2] != service
        or parts[3] != ""
        or not parts[5].startswith(prefix)
    ):
        hint = ""
        if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
            hint = " (this is an assumed-role session ARN; its role ARN uses iam and role/)"
        raise ValidationError(field, f"must look like {shape}, got {echo(value)}{hint}")
    return parts


@attrs.frozen
class RoleArn:
    """The ARN of an IAM role: ``arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME``.

    ``path`` is the role path, ``/`` or ``/a/b/``; ``str(role_arn)`` gives the full ARN.

    .. versionadded:: 0.1.0
    """

    partition: str = attrs.field(validator=validator(validate_partition))
    account: str = attrs.field(validator=validator(validate_account_id))
    path: str = attrs.field(validator=validator(validate_role_path))
    name: str = attrs.field(validator=validator(validate_role_name))

    @classmethod
    def parse(cls, text: object, *, field: str = "role_arn") -> RoleArn:
        """Parse and validate a role ARN, path included.

        Args:
            text: The role ARN text (a :class:`RoleArn` is returned as is).
            field: The name used in the error.

        Returns:
            The role ARN.

        Raises:
            ValidationError: If ``text`` is not an IAM role ARN with a valid partition, account,
                path and name.

        .. versionadded:: 0.1.0
        """
        if isinstance(text, RoleArn):
            return text
        value = _arn_text(text, field)
        _, partition, _, _, account, resource = _split_arn(
            value, field, "iam", "role/", _ROLE_ARN_SHAPE
        )
        rest = resource[len("role") :]
        cut = rest.rindex("/") + 1
        path, name = rest[:cut], rest[cut:]
        nested(field, "partition", lambda: validate_partition(partition))
        nested(field, "account", lambda: validate_account_id(account))
        nested(field, "role path", lambda: validate_role_path(path))
        nested(field, "role name", lambda: validate_role_name(name))
        return cls(partition, account, path, name)

    @classmethod
    def build(
        cls,
        *,
        account_id: object,
        role_name: object,
        path: object = "/",
        partition: object = "aws",
    ) -> RoleArn:
        """Build a role ARN from its parts, validating each under its argument's name.

        Args:
            account_id: The 12-digit account that owns the role.
            role_name: The role name.
            path: The role path, ``/`` by default.
            partition: The partition, ``aws`` by default.

        Returns:
            The role ARN.

        Raises:
            ValidationError: If any part is invalid.

        .. versionadded:: 0.1.0
        """
        return cls(
            validate_partition(partition, field="partition"),
            validate_account_id(account_id, field="account_id"),
            validate_role_path(path, field="path"),
            validate_role_name(role_name, field="role_name"),
        )

    def __str__(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:role{self.path}{self.name}"

    def to_arn(self) -> Arn:
        """Return this role ARN as a generic :class:`Arn`.

        .. versionadded:: 0.1.0
        """
        return Arn(self.partition, "iam", "", self.account, f"role{self.path}{self.name}")

    def account_root_arn(self) -> str:
        """Return the ARN of the root of the account that owns the role.

        .. versionadded:: 0.1.0
        """
        return f"arn:{self.partition}:iam::{self.account}:root"


@attrs.frozen
class AssumedRoleArn:
    """The ARN of an assumed-role session: ``arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION``.

    This is what ``sts:GetCallerIdentity`` returns for role credentials. It carries the role
    name but not the role path.

    .. versionadded:: 0.1.0
    """

    partition: str = attrs.field(validator=validator(validate_partition))
    account: str = attrs.field(validator=validator(validate_account_id))
    role_name: str = attrs.field(validator=validator(validate_role_name))
    session_name: str = attrs.field(validator=validator(validate_session_name))

    @classmethod
    def parse(cls, text: object, *, field: str = "assumed_role_arn") -> AssumedRoleArn:
        """Parse and validate an assumed-role session ARN.

        Args:
            text: The ARN text (an :class:`AssumedRoleArn` is returned as is).
            field: The name used in the error.

        Returns:
            The assumed-role ARN.

        Raises:
            ValidationError: If ``text`` is not an STS assumed-role ARN with a valid partition,
                account, role name and session name.

        .. versionadded:: 0.1.0
        """
        if isinstance(text, AssumedRoleArn):
            return text
        value = _arn_text(text, field)
        _, partition, _, _, account, resource = _split_arn(
            value, field, "sts", "assumed-role/", _ASSUMED_ROLE_ARN_SHAPE
        )
        pieces = resource.split("/")
        if len(pieces) != 3:
            raise ValidationError(
                field, f"must look like {_ASSUMED_ROLE_ARN_SHAPE}, got {echo(value)}"
            )
        _, role_name, session_name = pieces
        nested(field, "partition", lambda: validate_partition(partition))
        nested(field, "account", lambda: validate_account_id(account))
        nested(field, "role name", lambda: validate_role_name(role_name))
        nested(field, "session name", lambda: validate_session_name(session_name))
        return cls(partition, account, role_name, session_name)

    def __str__(self) -> str:
        return (
            f"arn:{self.partition}:sts::{self.account}:assumed-role/"
            f"{self.role_name}/{self.session_name}"
        )

    def role_arn(self) -> RoleArn:
        """Return the ARN of the role this session belongs to, assuming the path ``/``.

        An assumed-role ARN does not carry the role path, so for a role created with another
        path the result differs from the role's real ARN; ask IAM (``GetRole``) when it matters.

        .. versionadded:: 0.1.0
        """
        return RoleArn(self.partition, self.account, "/", self.role_name)


def validate_managed_policy_arn(value: object, *, field: str = "policy_arn") -> str:
    """Check the ARN of an IAM managed policy (AWS managed or customer managed).

    The shape is ``arn:PARTITION:iam::ACCOUNT:policy/[PATH/]NAME`` where ``ACCOUNT`` is 12 digits
    or ``aws``; the path follows the IAM policy path rule (segments of
    ``[A-Za-z0-9.,+@=_-]``, at most 512 characters) and the name has 1-128 characters.

    Args:
        value: The policy ARN, for example ``arn:aws:iam::aws:policy/SecurityAudit``.
        field: The name used in the error.

    Returns:
        The policy ARN.

    Raises:
        ValidationError: If ``value`` is not a valid managed policy ARN.

    .. versionadded:: 0.1.0
    """
    text = _arn_text(value, field)
    _, partition, _, _, account, resource = _split_arn(
        text, field, "iam", "policy/", _POLICY_ARN_SHAPE
    )
    rest = resource[len("policy") :]
    cut = rest.rindex("/") + 1
    path, name = rest[:cut], rest[cut:]
    nested(field, "partition", lambda: validate_partition(partition))
    if account != "aws":
        nested(field, "account", lambda: validate_account_id(account))
    if len(path) > MAX_POLICY_PATH or _POLICY_PATH.fullmatch(path) is None:
        raise ValidationError(
            field,
            "policy path must be at most 512 characters of '/'-separated segments of "
            f"{NAME_CHARS_TEXT}, got {echo(path)}",
        )
    nested(field, "policy name", lambda: validate_policy_name(name))
    return text


def principal_kind(arn: object, *, field: str = "principal") -> PrincipalKind:
    """Say what kind of IAM principal an ARN names.

    Args:
        arn: An ARN (text or :class:`Arn`) of an account root, IAM role, IAM user, assumed-role
            session or federated-user session.
        field: The name used in the error.

    Returns:
        ``"root"``, ``"role"``, ``"user"``, ``"assumed-role"`` or ``"federated-user"``.

    Raises:
        ValidationError: If ``arn`` is not a valid ARN of one of these principals.

    .. versionadded:: 0.1.0
    """
    parsed = Arn.parse(arn, field=field)
    text = str(parsed)
    kind = (parsed.service, parsed.resource_type)
    if kind == ("iam", "root") and parsed.resource == "root":
        validate_account_id(parsed.account, field=field)
        return "root"
    if kind == ("iam", "role"):
        RoleArn.parse(text, field=field)
        return "role"
    if kind == ("iam", "user") and parsed.resource.startswith("user/"):
        validate_account_id(parsed.account, field=field)
        # A user's name and path follow the rules of a role's (IAM User Guide, IAM quotas).
        head, slash, name = parsed.resource.removeprefix("user/").rpartition("/")
        try:
            validate_role_name(name, field=field)
        except ValidationError as exc:
            raise ValidationError(field, f"user name {exc.rule}") from None
        try:
            validate_role_path(f"/{head}{slash}", field=field)
        except ValidationError as exc:
            raise ValidationError(field, f"user path {exc.rule}") from None
        return "user"
    if kind == ("sts", "assumed-role"):
        AssumedRoleArn.parse(text, field=field)
        return "assumed-role"
    if kind == ("sts", "federated-user") and parsed.resource.startswith("federated-user/"):
        validate_account_id(parsed.account, field=field)
        return "federated-user"
    raise ValidationError(
        field,
        "must be the ARN of an account root, role, user, assumed-role or federated-user "
        f"session, got {echo(text)}",
    )


# --- tags ------------------------------------------------------------------------------------
