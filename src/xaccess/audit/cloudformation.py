"""CloudFormation templates (JSON or YAML, short-form tags included) as declared roles.

Every ``AWS::IAM::Role`` becomes a :class:`~xaccess.audit.sources.DeclaredRole` with its trust
policy, inline ``Policies``, ``ManagedPolicyArns``, and the ``AWS::IAM::Policy`` /
``AWS::IAM::ManagedPolicy`` resources whose ``Roles`` name it.

Intrinsic functions are resolved where their value is known: ``AWS::AccountId`` is the stack's
own account (a stand-in, ``000000000000``, which is also the role's account), the other pseudo
parameters take fixed values, ``Fn::Sub`` and ``Fn::Join`` join what they can, ``Fn::If`` takes
its first branch and ``AWS::NoValue`` removes the entry. A parameter, an attribute or an import
is an unknown but fixed string, written with
:data:`~xaccess.audit.trust.UNRESOLVED_PREFIX`: a ``StringEquals`` on ``!Ref ExternalId`` is
exact. An unknown account in a principal becomes a stand-in third-party account.

Line numbers come from the YAML parser (JSON is YAML too), so the ``yaml`` extra is needed for
YAML templates, and for line numbers in JSON ones.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from xaccess._validate import load_json
from xaccess.audit.sources import DeclaredRole
from xaccess.audit.trust import UNRESOLVED_PREFIX, to_document
from xaccess.errors import ValidationError
from xaccess.limits import MAX_JSON_DEPTH

if TYPE_CHECKING:
    from xaccess.policy import PolicyDocument

__all__ = ["OWN_ACCOUNT", "json_lines", "read_template", "statement_lines"]

#: The stand-in for ``AWS::AccountId``: the account the stack (and so the role) is in.
OWN_ACCOUNT: Final = "000000000000"
_UNKNOWN_ACCOUNT: Final = "999999999999"
_PSEUDO: Final = {
    "AWS::AccountId": OWN_ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "stack",
}
_NO_VALUE: Final = object()
_SUB_VARIABLE: Final = re.compile(r"\$\{(!?)([^}]*)\}")
_NAME_CHARS: Final = re.compile(r"[^A-Za-z0-9._-]")
_MARKER: Final = re.compile(re.escape(UNRESOLVED_PREFIX) + r"[A-Za-z0-9._-]*")
_Path = tuple[str | int, ...]


# -- parsing with line numbers ---------------------------------------------------------------


def _yaml_tree(text: str | bytes, source: str) -> tuple[Any, dict[_Path, int]]:
    try:
        import yaml  # noqa: PLC0415 - an optional dependency
    except ModuleNotFoundError:
        raise ValidationError(
            source, "reading YAML templates needs PyYAML: pip install 'xaccess[yaml]'"
        ) from None
    lines: dict[_Path, int] = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ValidationError(source, f"is not valid YAML: {exc}") from None
    if node is None:
        raise ValidationError(source, "is empty")
    return _convert(node, (), lines, (source, set())), lines


def _scalar(node: Any) -> object:  # noqa: ANN401 - a YAML node
    tag = node.tag
    value = node.value
    if tag == "tag:yaml.org,2002:int":
        try:
            return int(value, 0)
        except ValueError:
            return value
    if tag == "tag:yaml.org,2002:float":
        return value  # policies compare numbers as text; keep it exact
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on")
    if tag == "tag:yaml.org,2002:null":
        return None
    return str(value)


def _convert(
    node: Any,  # noqa: ANN401 - a YAML node
    path: _Path,
    lines: dict[_Path, int],
    parse: tuple[str, set[int]],
) -> object:
    """The value of a YAML node, recording the line of it and of everything in it.

    ``parse`` is the source's name and the ids of the collection nodes converted so far.
    """
    import yaml  # noqa: PLC0415 - loaded by _yaml_tree already

    source, seen = parse
    where = f"{source}:{node.start_mark.line + 1}"
    if len(path) > MAX_JSON_DEPTH:
        raise ValidationError(where, f"nests deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(node, yaml.CollectionNode):
        # An alias makes the composer hand out the same node again; CloudFormation has no use
        # for them, and following them is how a small file becomes a huge or endless one.
        if id(node) in seen:
            raise ValidationError(where, "YAML aliases (*name) are not supported in templates")
        seen.add(id(node))
    lines[path] = node.start_mark.line + 1
    value: object
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, object] = {}
        value = mapping
        for key_node, item in node.value:
            key = str(key_node.value)
            if key in mapping:
                raise ValidationError(
                    f"{source}:{key_node.start_mark.line + 1}", f"repeats {key!r}"
                )
            mapping[key] = _convert(item, (*path, key), lines, parse)
            lines[(*path, key)] = key_node.start_mark.line + 1  # the key's line names it best
    elif isinstance(node, yaml.SequenceNode):
        value = [_convert(item, (*path, i), lines, parse) for i, item in enumerate(node.value)]
    else:
        value = _scalar(node)
    tag = str(node.tag)
    if tag.startswith("!"):
        return _short_form(tag[1:], value)
    return value


def _short_form(name: str, value: object) -> dict[str, object]:
    if name == "Ref":
        return {"Ref": value}
    if name == "Condition":
        return {"Condition": value}
    if name == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    return {f"Fn::{name}": value}


# -- resolving intrinsic functions -----------------------------------------------------------


def _marker(name: str) -> str:
    return UNRESOLVED_PREFIX + _NAME_CHARS.sub("_", name)


def _text(value: object) -> str:
    return (
        value if isinstance(value, str) else _marker("value") if value is _NO_VALUE else str(value)
    )


def _sub(template: str, variables: dict[str, object]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return "${" + match.group(2) + "}"
        name = match.group(2).strip()
        if name in variables:
            return _text(variables[name])
        return _PSEUDO.get(name) or _marker(name)

    return _SUB_VARIABLE.sub(replace, template)


def _resolve(value: object) -> object:
    if isinstance(value, list):
        return [r for r in (_resolve(v) for v in value) if r is not _NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            name = str(arg)
            return _NO_VALUE if name == "AWS::NoValue" else _PSEUDO.get(name) or _marker(name)
        if key == "Fn::Sub":
            return _resolve_sub(arg)
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            parts = _resolve(arg[1])
            if isinstance(parts, list):
                return str(arg[0]).join(_text(p) for p in parts)
        if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
            return _resolve(arg[1])
        if key == "Fn::GetAtt" and isinstance(arg, list):
            return _marker(".".join(str(a) for a in arg))
        if key.startswith("Fn::"):
            return _marker(key[4:])
    resolved = {k: _resolve(v) for k, v in value.items()}
    return {k: v for k, v in resolved.items() if v is not _NO_VALUE}


def _resolve_sub(arg: object) -> str:
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
        variables = {str(k): _resolve(v) for k, v in arg[1].items()}
        return _sub(str(arg[0]), variables)
    return _sub(str(arg), {})


def _principal_entry(entry: object) -> object:
    """An AWS principal with unresolved parts made into a valid stand-in."""
    if isinstance(entry, int) and not isinstance(entry, bool):
        return f"{entry:012d}"  # an unquoted account ID in YAML
    if not isinstance(entry, str) or UNRESOLVED_PREFIX not in entry:
        return entry
    if not entry.startswith("arn:"):
        return _UNKNOWN_ACCOUNT
    parts = entry.split(":", 5)
    if len(parts) == 6 and UNRESOLVED_PREFIX in parts[4]:
        parts[4] = _UNKNOWN_ACCOUNT
    return _MARKER.sub("Unresolved", ":".join(parts))


def _resource_entry(entry: object) -> object:
    if isinstance(entry, str) and entry.startswith(UNRESOLVED_PREFIX):
        return f"arn:aws:unresolved:::{entry}"
    return entry


def _fix_policy(document: object) -> object:
    """Make what unresolved values left behind into a legal policy."""
    if not isinstance(document, dict):
        return document
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict):
            continue
        for key in ("Principal", "NotPrincipal"):
            principal = statement.get(key)
            if isinstance(principal, dict) and "AWS" in principal:
                aws = principal["AWS"]
                principal["AWS"] = (
                    [_principal_entry(e) for e in aws]
                    if isinstance(aws, list)
                    else _principal_entry(aws)
                )
        for key in ("Resource", "NotResource"):
            resource = statement.get(key)
            if isinstance(resource, list):
                statement[key] = [_resource_entry(e) for e in resource]
            elif resource is not None:
                statement[key] = _resource_entry(resource)
    return document


# -- roles -----------------------------------------------------------------------------------


def _document(value: object, where: str) -> PolicyDocument:
    if isinstance(value, str):
        value = load_json(value, field=where)
    try:
        return to_document(_fix_policy(_resolve(value)))  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ValidationError(f"{where}.{exc.field}", exc.rule) from None


def _check_depth(value: object, source: str) -> None:
    """Refuse JSON nested deeper than :data:`~xaccess.limits.MAX_JSON_DEPTH` (walked by level)."""
    level: list[object] = [value]
    for _ in range(MAX_JSON_DEPTH + 1):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return
    raise ValidationError(source, f"nests deeper than {MAX_JSON_DEPTH} levels")


def json_lines(text: str | bytes) -> dict[_Path, int]:
    """The line of every element of a JSON text, by path; empty without PyYAML.

    .. versionadded:: 0.1.0
    """
    try:
        _, lines = _yaml_tree(text, "json")
    except ValidationError:
        return {}  # no PyYAML, or JSON PyYAML cannot read: findings point at the file only
    return lines


def statement_lines(lines: dict[_Path, int], path: _Path, document: object) -> list[int | None]:
    """The line of each statement of the policy at ``path``.

    .. versionadded:: 0.1.0
    """
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, list):
        return [lines.get((*path, "Statement", i)) for i in range(len(statements))]
    return [lines.get((*path, "Statement"))]


def read_template(text: str | bytes, *, source: str, yaml: bool) -> tuple[DeclaredRole, ...]:
    """The roles a CloudFormation template declares.

    Raises:
        ValidationError: The text is not a template, or a policy in it is not legal (the
            error names the file, resource and place).

    .. versionadded:: 0.1.0
    """
    lines: dict[_Path, int] = {}
    if yaml:
        template, lines = _yaml_tree(text, source)
    else:
        template = load_json(text, field=source)
        _check_depth(template, source)
        lines = json_lines(text)
    resources = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(resources, dict):
        raise ValidationError(source, "is not a CloudFormation template: no Resources")
    extra = _attached_policies(resources, lines, source)
    roles = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::IAM::Role":
            continue
        roles.append(_role(logical_id, resource, lines, source, extra.get(logical_id, [])))
    return tuple(roles)


def _role(
    logical_id: str,
    resource: dict[str, Any],
    lines: dict[_Path, int],
    source: str,
    extra: list[tuple[PolicyDocument, list[int | None]]],
) -> DeclaredRole:
    base: _Path = ("Resources", logical_id, "Properties")
    where = f"{source}: Resources.{logical_id}"
    properties = _properties(resource, where)
    trust = properties.get("AssumeRolePolicyDocument")
    if trust is None:
        raise ValidationError(where, "an AWS::IAM::Role needs AssumeRolePolicyDocument")
    documents: list[PolicyDocument] = []
    permission_lines: list[list[int | None]] = []
    policies = properties.get("Policies") or []
    for i, policy in enumerate(policies if isinstance(policies, list) else []):
        if not isinstance(policy, dict) or "PolicyDocument" not in policy:
            continue  # an Fn::If that resolves to AWS::NoValue, say
        path = (*base, "Policies", i, "PolicyDocument")
        raw = policy["PolicyDocument"]
        documents.append(_document(raw, f"{where}.Policies[{i}]"))
        permission_lines.append(statement_lines(lines, path, raw))
    for document, extra_lines in extra:
        documents.append(document)
        permission_lines.append(extra_lines)
    managed = _resolve(properties.get("ManagedPolicyArns") or [])
    name = _resolve(properties.get("RoleName", logical_id))
    return DeclaredRole(
        logical_id,
        source,
        trust_policy=_document(trust, f"{where}.AssumeRolePolicyDocument"),
        permissions=documents,
        managed_policy_arns=[str(m) for m in managed] if isinstance(managed, list) else [],
        role_arn=f"arn:aws:iam::{OWN_ACCOUNT}:role/{_safe_role_name(name, logical_id)}",
        line=lines.get(("Resources", logical_id)),
        trust_lines=statement_lines(lines, (*base, "AssumeRolePolicyDocument"), trust),
        permission_lines=permission_lines,
    )


def _properties(resource: dict[str, Any], where: str) -> dict[str, Any]:
    properties = resource.get("Properties") or {}
    if not isinstance(properties, dict):
        raise ValidationError(f"{where}.Properties", "must be a mapping")
    return properties


def _safe_role_name(name: object, logical_id: str) -> str:
    text = name if isinstance(name, str) and UNRESOLVED_PREFIX not in name else logical_id
    return _NAME_CHARS.sub("-", text)[:64] or "Role"


def _attached_policies(
    resources: dict[str, Any], lines: dict[_Path, int], source: str
) -> dict[str, list[tuple[PolicyDocument, list[int | None]]]]:
    """``AWS::IAM::Policy``/``ManagedPolicy`` documents by the logical ID of each role named."""
    out: dict[str, list[tuple[PolicyDocument, list[int | None]]]] = {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") not in (
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
        ):
            continue
        properties = _properties(resource, f"{source}: Resources.{logical_id}")
        raw = properties.get("PolicyDocument")
        path = ("Resources", logical_id, "Properties", "PolicyDocument")
        document = _document(raw, f"{source}: Resources.{logical_id}.PolicyDocument")
        roles = properties.get("Roles") or []
        for role in roles if isinstance(roles, list) else []:
            if isinstance(role, dict) and "Ref" in role:
                entry = (document, statement_lines(lines, path, raw))
                out.setdefault(str(role["Ref"]), []).append(entry)
    return out
