"""Where roles come from: files of every common shape, each turned into the roles it declares.

:func:`read_file` (and :func:`read_text`) recognise, by content:

- an IAM policy document (a trust policy when a statement has a principal, else a permission
  policy);
- ``aws iam get-role`` and ``aws iam list-roles`` output, and ``aws iam
  get-account-authorization-details`` output (roles with their inline and attached policies);
- a CloudFormation template, JSON or YAML with the short-form tags
  (:mod:`xaccess.audit.cloudformation`), with line numbers;
- a Terraform plan (``terraform show -json``): ``aws_iam_role`` with ``assume_role_policy``,
  ``inline_policy`` and ``managed_policy_arns``, plus ``aws_iam_role_policy`` and
  ``aws_iam_role_policy_attachment`` resources naming the role.

Roles of a live account come from :mod:`xaccess.audit.account`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
import sys
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from xaccess._validate import load_json
from xaccess.audit.permissions import audit_permissions
from xaccess.audit.trust import audit_trust_policy, to_document
from xaccess.errors import ValidationError
from xaccess.limits import MAX_AUDIT_FILE, MAX_JSON_DEPTH

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from xaccess.audit.rules import AuditReport, Finding
    from xaccess.policy import PolicyDocument

__all__ = ["STDIN", "DeclaredRole", "read_file", "read_text", "stored_policy"]

STDIN: Final = "-"
"""The path :func:`read_file` takes as standard input."""

_YAML_SUFFIXES: Final = (".yaml", ".yml", ".template")
# The unique ID IAM shows in place of a deleted role's or user's ARN.
_UNIQUE_ID: Final = re.compile(r"A(?:ROA|IDA|GPA|IPA|NPA|NVA|SIA)[A-Z0-9]{12,}", re.ASCII)


def _documents(value: Iterable[PolicyDocument]) -> tuple[PolicyDocument, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _lines(value: Iterable[int | None]) -> tuple[int | None, ...]:
    return tuple(value)


def _nested_lines(value: Iterable[Iterable[int | None]]) -> tuple[tuple[int | None, ...], ...]:
    return tuple(tuple(v) for v in value)


@attrs.frozen
class DeclaredRole:
    """One role as a source declares it.

    Attributes:
        name: The role's name in its source: a CloudFormation logical ID, a Terraform address,
            a role name, or the file name for a bare policy.
        source: Where it came from: a file path, or ``account:ID`` for a live account.
        trust_policy: Its trust policy, or ``None`` when the source does not give one.
        permissions: Its identity policies (inline and customer managed), as documents.
        managed_policy_arns: ARNs of the managed policies attached to it.
        role_arn: Its ARN, when the source knows it.
        line: The line that declares it in ``source`` (from 1), when known.
        trust_lines: The line of each trust-policy statement, when known.
        permission_lines: For each permission document, the line of each statement.

    .. versionadded:: 0.1.0
    """

    name: str
    source: str
    trust_policy: PolicyDocument | None = None
    permissions: tuple[PolicyDocument, ...] = attrs.field(default=(), converter=_documents)
    managed_policy_arns: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    role_arn: str | None = None
    line: int | None = None
    trust_lines: tuple[int | None, ...] = attrs.field(default=(), converter=_lines)
    permission_lines: tuple[tuple[int | None, ...], ...] = attrs.field(
        default=(), converter=_nested_lines
    )

    def audit(self, *, role_arn: str | None = None) -> AuditReport:
        """Audit this role's trust policy and permissions together.

        Args:
            role_arn: The ARN to judge self-assumption by when the source does not know it.
        """
        arn = self.role_arn or role_arn
        report = audit_permissions(
            self.permissions, managed_policy_arns=self.managed_policy_arns, role_arn=arn
        )
        if self.trust_policy is not None:
            report = audit_trust_policy(self.trust_policy, role_arn=arn) + report
        return report

    def line_of(self, finding: Finding) -> int | None:
        """The source line a finding points at: its statement's, else the role's."""
        if finding.statement is not None:
            lines = (
                self.trust_lines
                if finding.policy is None
                else (self.permission_lines[finding.policy : finding.policy + 1] or ((),))[0]
            )
            if finding.statement < len(lines) and lines[finding.statement] is not None:
                return lines[finding.statement]
        return self.line


def read_file(path: str | Path) -> tuple[DeclaredRole, ...]:
    """Read the roles a file declares; the path ``-`` (:data:`STDIN`) reads standard input.

    A file of a YAML suffix (``.yaml``, ``.yml``, ``.template``) is read as YAML, and so is
    standard input unless it starts with ``{``. Files larger than
    :data:`~xaccess.limits.MAX_AUDIT_FILE` bytes are refused before they are read whole.

    Raises:
        OSError: The file cannot be read.
        ValidationError: The file is too large or not one of the recognised shapes, or a
            policy in it is not a legal IAM policy (the error names the file and the place).

    .. versionadded:: 0.1.0
    """
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(MAX_AUDIT_FILE + 1)
        source = "<stdin>"
        yaml = not data.lstrip().startswith(b"{")
    else:
        target = Path(path)
        with target.open("rb") as file:
            data = file.read(MAX_AUDIT_FILE + 1)
        source = str(path)
        yaml = target.suffix.lower() in _YAML_SUFFIXES
    if len(data) > MAX_AUDIT_FILE:
        raise ValidationError(source, f"is larger than {MAX_AUDIT_FILE} bytes; not read")
    return read_text(data, source=source, yaml=yaml)


def read_text(text: str | bytes, *, source: str, yaml: bool = False) -> tuple[DeclaredRole, ...]:
    """Read the roles in ``text``; ``yaml`` for a YAML CloudFormation template.

    YAML nested deeper than :data:`~xaccess.limits.MAX_JSON_DEPTH` is refused before it is
    composed (the YAML composer recurses once per level).

    Raises:
        ValidationError: As :func:`read_file`.

    .. versionadded:: 0.1.0
    """
    from xaccess.audit import cloudformation  # noqa: PLC0415 - a cycle otherwise

    if yaml:
        _check_yaml_depth(text, source)
        return cloudformation.read_template(text, source=source, yaml=True)
    data = load_json(text, field=source)
    if not isinstance(data, dict):
        raise ValidationError(source, "must hold a JSON object")
    _check_json_depth(data, source)  # line numbers come from the YAML composer, which recurses
    try:
        if "Resources" in data or "AWSTemplateFormatVersion" in data:
            return cloudformation.read_template(text, source=source, yaml=False)
        if "planned_values" in data or "resource_changes" in data:
            return tuple(_plan_roles(data, source))
        if any(key in data for key in ("Role", "Roles", "RoleDetailList")):
            return tuple(_cli_roles(data, source, cloudformation.json_lines(text)))
        if "Statement" in data:
            return (_policy_role(data, source, cloudformation.json_lines(text)),)
    except ValidationError as exc:
        raise ValidationError(f"{source}: {exc.field}", exc.rule) from None
    raise ValidationError(
        source,
        "is not a policy, aws iam get-role output, CloudFormation template or Terraform plan",
    )


def _check_json_depth(data: object, source: str) -> None:
    """Refuse parsed JSON nested deeper than MAX_JSON_DEPTH (walked with a stack, not recursion)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: list[object] = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            raise ValidationError(source, f"is nested deeper than {MAX_JSON_DEPTH} levels")
        stack.extend((child, depth + 1) for child in children)


def _check_yaml_depth(text: str | bytes, source: str) -> None:
    """Refuse YAML nested deeper than MAX_JSON_DEPTH, from PyYAML's events (not recursive).

    PyYAML's parser keeps its state in a list and yields events one at a time, so the scan
    stops at the first level too deep; a malformed or unloadable text is left to the reader
    that follows, which reports it.
    """
    try:
        import yaml  # noqa: PLC0415 - an optional dependency; the template reader says so
    except ImportError:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_JSON_DEPTH:
                    raise ValidationError(source, f"is nested deeper than {MAX_JSON_DEPTH} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return


def _policy_role(data: dict[str, Any], source: str, lines: dict[Any, int]) -> DeclaredRole:
    from xaccess.audit.cloudformation import statement_lines  # noqa: PLC0415 - a cycle otherwise

    document = to_document(data)
    name = Path(source).stem or source
    where = statement_lines(lines, (), data)
    if any(s.has_principal for s in document):
        return DeclaredRole(name, source, trust_policy=document, trust_lines=where, line=1)
    return DeclaredRole(name, source, permissions=(document,), permission_lines=(where,), line=1)


def _without_deleted_principals(data: object) -> object:
    """A stored policy with the unique IDs IAM writes for deleted principals taken out.

    When a role or user named in a trust policy is deleted, IAM shows its unique ID
    (``AROA...``, ``AIDA...``) instead of its ARN. It names nobody any more, so it is removed;
    a statement left with no principal at all is removed too.
    """
    if not isinstance(data, dict) or not isinstance(data.get("Statement"), list | dict):
        return data
    statements = data["Statement"] if isinstance(data["Statement"], list) else [data["Statement"]]
    kept = [s for s in (_alive(statement) for statement in statements) if s is not None]
    return {**data, "Statement": kept} if kept else data


def _alive(statement: object) -> object | None:
    """The statement without deleted principals, or ``None`` if it names no one any more."""
    principal = statement.get("Principal") if isinstance(statement, dict) else None
    if not isinstance(statement, dict) or not isinstance(principal, dict) or "AWS" not in principal:
        return statement
    aws = principal["AWS"] if isinstance(principal["AWS"], list) else [principal["AWS"]]
    alive = [e for e in aws if not (isinstance(e, str) and _UNIQUE_ID.fullmatch(e))]
    if len(alive) == len(aws):
        return statement
    rest = {k: v for k, v in principal.items() if k != "AWS"}
    if alive:
        rest["AWS"] = alive
    return {**statement, "Principal": rest} if rest else None


def stored_policy(value: object, where: str) -> PolicyDocument:
    """A policy as the IAM API returns it: a dict, JSON text or URL-encoded JSON text.

    Principals IAM shows as unique IDs (deleted since the policy was saved) are left out.

    Raises:
        ValidationError: The value is not a legal IAM policy.

    .. versionadded:: 0.1.0
    """
    if isinstance(value, str):
        text = urllib.parse.unquote(value) if value.lstrip().startswith("%7B") else value
        value = load_json(text, field=where)
    if isinstance(value, dict):
        return to_document(_without_deleted_principals(value))  # type: ignore[arg-type]
    raise ValidationError(where, "must be a policy document")


def _mapping(value: object, where: str) -> dict[str, Any]:
    """``value`` if it is a JSON object (``None`` counts as empty), else a ValidationError."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(where, "must be a JSON object")
    return value


def _objects(value: object, where: str) -> list[dict[str, Any]]:
    """``value`` if it is a list of JSON objects (``None`` counts as empty)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(where, "must be a list")
    return [_mapping(item, f"{where}[{i}]") for i, item in enumerate(value)]


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(where, "must be a string")
    return value


def _cli_roles(data: dict[str, Any], source: str, lines: dict[Any, int]) -> Iterator[DeclaredRole]:
    from xaccess.audit.cloudformation import statement_lines  # noqa: PLC0415 - a cycle otherwise

    key = next((k for k in ("Roles", "RoleDetailList") if k in data), "Role")
    entries = [_mapping(data[key], key)] if key == "Role" else _objects(data[key], key)
    for i, role in enumerate(entries):
        where = key if key == "Role" else f"{key}[{i}]"
        if "AssumeRolePolicyDocument" not in role:
            raise ValidationError(where, "must be a role with AssumeRolePolicyDocument")
        path = (key,) if key == "Role" else (key, i)
        policies = _objects(role.get("RolePolicyList"), f"{where}.RolePolicyList")
        attached = _objects(role.get("AttachedManagedPolicies"), f"{where}.AttachedManagedPolicies")
        arn = role.get("Arn")
        yield DeclaredRole(
            str(role.get("RoleName", where)),
            source,
            trust_policy=stored_policy(role["AssumeRolePolicyDocument"], where),
            permissions=[
                stored_policy(p.get("PolicyDocument"), f"{where}.RolePolicyList[{j}]")
                for j, p in enumerate(policies)
            ],
            managed_policy_arns=[
                _text(p.get("PolicyArn"), f"{where}.AttachedManagedPolicies[{j}].PolicyArn")
                for j, p in enumerate(attached)
            ],
            role_arn=None if arn is None else _text(arn, f"{where}.Arn"),
            line=lines.get(path),
            trust_lines=statement_lines(
                lines, (*path, "AssumeRolePolicyDocument"), role["AssumeRolePolicyDocument"]
            ),
        )


def _modules(module: dict[str, Any], where: str) -> Iterator[tuple[dict[str, Any], str]]:
    yield module, where
    for i, child in enumerate(_objects(module.get("child_modules"), f"{where}.child_modules")):
        yield from _modules(child, f"{where}.child_modules[{i}]")


def _plan_resources(data: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(address, type, values)`` of every planned resource."""
    planned = _mapping(data.get("planned_values"), "planned_values")
    if "root_module" in planned:
        root = _mapping(planned["root_module"], "planned_values.root_module")
        for module, where in _modules(root, "planned_values.root_module"):
            for i, resource in enumerate(_objects(module.get("resources"), f"{where}.resources")):
                at = f"{where}.resources[{i}]"
                address, kind = _resource(resource, at)
                yield address, kind, _mapping(resource.get("values"), at)
        return
    for i, change in enumerate(_objects(data.get("resource_changes"), "resource_changes")):
        at = f"resource_changes[{i}]"
        after = _mapping(change.get("change"), f"{at}.change").get("after")
        if isinstance(after, dict):
            address, kind = _resource(change, at)
            yield address, kind, after


def _resource(resource: dict[str, Any], where: str) -> tuple[str, str]:
    """The resource's address and type."""
    return (
        _text(resource.get("address"), f"{where}.address"),
        _text(resource.get("type"), f"{where}.type"),
    )


def _policy_text(value: object, where: str) -> PolicyDocument | None:
    if value is None or value == "":
        return None  # known only after apply
    return stored_policy(value, where)


def _plan_roles(data: dict[str, Any], source: str) -> Iterator[DeclaredRole]:
    roles: dict[str, dict[str, Any]] = {}
    extra: dict[str, list[PolicyDocument]] = {}
    attached: dict[str, list[str]] = {}
    for address, kind, values in _plan_resources(data):
        if kind == "aws_iam_role":
            roles[address] = values
        elif kind == "aws_iam_role_policy" and values.get("role"):
            document = _policy_text(values.get("policy"), f"{address}.policy")
            if document is not None:
                extra.setdefault(str(values["role"]), []).append(document)
        elif kind == "aws_iam_role_policy_attachment" and values.get("role"):
            arn = _text(values.get("policy_arn"), f"{address}.policy_arn")
            attached.setdefault(str(values["role"]), []).append(arn)
    for address, values in roles.items():
        name = str(values.get("name") or "")
        inline = [
            document
            for j, p in enumerate(_objects(values.get("inline_policy"), f"{address}.inline_policy"))
            if (document := _policy_text(p.get("policy"), f"{address}.inline_policy[{j}]"))
        ]
        managed = values.get("managed_policy_arns") or []
        role_arn = values.get("arn") or None
        yield DeclaredRole(
            address,
            source,
            trust_policy=_policy_text(values.get("assume_role_policy"), address),
            permissions=[*inline, *extra.get(name, [])],
            managed_policy_arns=[
                *(_text(m, f"{address}.managed_policy_arns") for m in _list(managed, address)),
                *attached.get(name, []),
            ],
            role_arn=None if role_arn is None else _text(role_arn, f"{address}.arn"),
        )


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError(where, "must be a list")
    return value
