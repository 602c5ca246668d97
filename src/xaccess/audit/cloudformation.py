"""CloudFormation templates (JSON or YAML, short-form tags included) as declared roles.

Every ``AWS::IAM::Role`` becomes a :class:`~xaccess.audit.sources.DeclaredRole` with its trust
policy, inline ``Policies``, ``ManagedPolicyArns``, and the ``AWS::IAM::Policy`` /
``AWS::IAM::ManagedPolicy`` resources whose ``Roles`` name it.

Intrinsic functions are resolved where their value is known: ``AWS::AccountId`` is the stack's
own account (a stand-in, ``000000000000``, which is also the role's account), the other pseudo
parameters take fixed values, a parameter with a ``Default`` takes it (the stack deployed with
its defaults), ``Fn::Sub`` and ``Fn::Join`` join what they can, and ``AWS::NoValue`` removes
the entry (and a condition it empties). In a trust policy every choice of ``Fn::If`` branches
is audited and the worst kept; elsewhere ``Fn::If`` takes its first branch. A parameter
without a default, an attribute or an import is an unknown but fixed string, written with
:data:`~xaccess.audit.trust.UNRESOLVED_PREFIX`: a ``StringEquals`` on ``!Ref ExternalId`` is
exact. An unknown account in a principal becomes a stand-in third-party account; an unknown
action is ``sts:AssumeRole`` in a trust policy. A resource that is not a mapping with a
string ``Type``, or a YAML tag that is not CloudFormation's, makes the template unreadable.

Line numbers come from the YAML parser (JSON is YAML too), so the ``yaml`` extra is needed for
YAML templates, and for line numbers in JSON ones.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import copy
import itertools
import re
from typing import TYPE_CHECKING, Any, Final

import attrs

from xaccess._validate import load_json, type_name
from xaccess.audit.sources import DeclaredRole
from xaccess.audit.trust import UNRESOLVED_PREFIX, audit_trust_policy, to_document
from xaccess.errors import ValidationError
from xaccess.limits import MAX_JSON_DEPTH

if TYPE_CHECKING:
    from collections.abc import Mapping

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
# At most 2**4 ways to deploy a trust policy are audited; later conditions take the first branch.
_MAX_BRANCHING: Final = 4
# The short-form tags of CloudFormation's intrinsic functions and condition functions.
_SHORT_FORMS: Final = frozenset(
    {
        "Ref", "Condition", "GetAtt", "Sub", "Join", "If", "Select", "Split", "FindInMap",
        "GetAZs", "ImportValue", "Base64", "Cidr", "And", "Or", "Not", "Equals", "Transform",
        "Length", "ToJsonString",
    }
)  # fmt: skip
# The YAML tags a plain template uses (an unquoted date is a timestamp, read as text).
_PLAIN_TAGS: Final = frozenset({"str", "int", "float", "bool", "null", "map", "seq", "timestamp"})


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
    if tag.startswith("!") and tag[1:] in _SHORT_FORMS:
        return _short_form(tag[1:], value)
    if tag.removeprefix("tag:yaml.org,2002:") not in _PLAIN_TAGS:
        raise ValidationError(where, f"has the tag {tag!r}, which is not a CloudFormation one")
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


@attrs.frozen
class _Scope:
    """What resolving a template's values knows: parameter defaults and, for ``Fn::If``, the
    branch each condition name takes (``True``: the first; a name not listed takes it too)."""

    defaults: Mapping[str, object] = attrs.field(factory=dict)
    branches: Mapping[str, bool] = attrs.field(factory=dict)


def _defaults(template: dict[str, Any]) -> dict[str, object]:
    """The default value of each parameter that has a non-empty one: a stack deployed with
    the defaults gets them, so the audit judges them (a list parameter's default is split)."""
    parameters = template.get("Parameters")
    out: dict[str, object] = {}
    for name, parameter in parameters.items() if isinstance(parameters, dict) else ():
        if not isinstance(parameter, dict) or parameter.get("Default") in (None, "", []):
            continue
        default = parameter["Default"]
        if isinstance(default, bool | int | float):
            default = str(default).lower() if isinstance(default, bool) else str(default)
        if not isinstance(default, str):
            continue
        kind = str(parameter.get("Type", ""))
        out[str(name)] = default.split(",") if "List" in kind else default
    return out


def _text(value: object) -> str:
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return (
        value if isinstance(value, str) else _marker("value") if value is _NO_VALUE else str(value)
    )


def _sub(template: str, variables: Mapping[str, object], scope: _Scope) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return "${" + match.group(2) + "}"
        name = match.group(2).strip()
        if name in variables:
            return _text(variables[name])
        if name in scope.defaults:
            return _text(scope.defaults[name])
        return _PSEUDO.get(name) or _marker(name)

    return _SUB_VARIABLE.sub(replace, template)


def _resolve(value: object, scope: _Scope) -> object:
    if isinstance(value, list):
        return [r for r in (_resolve(v, scope) for v in value) if r is not _NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            name = str(arg)
            if name == "AWS::NoValue":
                return _NO_VALUE
            return scope.defaults.get(name) or _PSEUDO.get(name) or _marker(name)
        if key == "Fn::Sub":
            return _resolve_sub(arg, scope)
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            parts = _resolve(arg[1], scope)
            if isinstance(parts, list):
                return str(arg[0]).join(_text(p) for p in parts)
        if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
            first = scope.branches.get(str(arg[0]), True)
            return _resolve(arg[1] if first else arg[2], scope)
        if key == "Fn::GetAtt" and isinstance(arg, list):
            return _marker(".".join(str(a) for a in arg))
        if key.startswith("Fn::"):
            return _marker(key[4:])
    resolved = {k: _resolve(v, scope) for k, v in value.items()}
    return {k: v for k, v in resolved.items() if v is not _NO_VALUE}


def _resolve_sub(arg: object, scope: _Scope) -> str:
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
        variables = {str(k): _resolve(v, scope) for k, v in arg[1].items()}
        return _sub(str(arg[0]), variables, scope)
    return _sub(str(arg), {}, scope)


def _if_conditions(value: object) -> list[str]:
    """The condition names of the ``Fn::If`` in ``value``, in order of appearance."""
    names: dict[str, None] = {}
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            arg = item.get("Fn::If")
            if len(item) == 1 and isinstance(arg, list) and len(arg) == 3:
                names.setdefault(str(arg[0]))
            stack.extend(reversed(list(item.values())))
    return list(names)


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


def _fix_policy(document: object, *, trust: bool) -> object:
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
        for key, fix in (
            ("Resource", _resource_entry),
            ("NotResource", _resource_entry),
            ("Action", _action_entry if trust else _unknown_action),
            ("NotAction", _unknown_action),
        ):
            entries = statement.get(key)
            if isinstance(entries, list):
                statement[key] = [fix(e) for e in entries]
            elif entries is not None:
                statement[key] = fix(entries)
        _drop_empty_conditions(statement)
    return document


def _action_entry(entry: object) -> object:
    """In a trust policy an unresolved action is taken as the one that matters most."""
    return "sts:AssumeRole" if isinstance(entry, str) and UNRESOLVED_PREFIX in entry else entry


def _unknown_action(entry: object) -> object:
    """An unresolved action as a legal action that names its parameter and matches nothing."""
    if not isinstance(entry, str) or UNRESOLVED_PREFIX not in entry:
        return entry
    name = re.sub(r"[^A-Za-z0-9]", "", entry.replace(UNRESOLVED_PREFIX, "")) or "Value"
    return f"unresolved:{name}"


def _drop_empty_conditions(statement: dict[str, Any]) -> None:
    """Drop keys, operators and a ``Condition`` that ``AWS::NoValue`` emptied: the stack
    deploys without them, so the statement is judged without them."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return
    for operator in list(condition):
        keys = condition[operator]
        if isinstance(keys, dict):
            for key in [k for k, v in keys.items() if v == []]:
                del keys[key]
            if not keys:
                del condition[operator]
    if not condition:
        del statement["Condition"]


# -- roles -----------------------------------------------------------------------------------


def _document(value: object, where: str, scope: _Scope, *, trust: bool = False) -> PolicyDocument:
    if isinstance(value, str):
        value = load_json(value, field=where)
    try:
        return to_document(_fix_policy(_resolve(value, scope), trust=trust))  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ValidationError(f"{where}.{exc.field}", exc.rule) from None


def _trust_document(value: object, where: str, scope: _Scope, role_arn: str) -> PolicyDocument:
    """The trust policy as deployed with the worst choice of its ``Fn::If`` branches.

    Every combination of the first :data:`_MAX_BRANCHING` condition names is resolved and
    audited; the one with the most severe findings (then the most findings) is kept, so a
    branch that drops the external ID is found whichever branch the template lists first.
    """
    if isinstance(value, str):
        value = load_json(value, field=where)
    names = _if_conditions(value)[:_MAX_BRANCHING]
    if not names:
        return _document(value, where, scope, trust=True)
    worst: tuple[tuple[int, int], PolicyDocument] | None = None
    error: ValidationError | None = None
    for choice in itertools.product((True, False), repeat=len(names)):
        branches = attrs.evolve(scope, branches=dict(zip(names, choice, strict=True)))
        try:
            document = _document(copy.deepcopy(value), where, branches, trust=True)
        except ValidationError as exc:
            error = error or exc
            continue
        findings = audit_trust_policy(document, role_arn=role_arn).findings
        rank = (max((f.severity.rank for f in findings), default=-1), len(findings))
        if worst is None or rank > worst[0]:
            worst = (rank, document)
    if worst is None:
        assert error is not None  # noqa: S101 - every choice failed, so one error was kept
        raise error
    return worst[1]


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
    _check_types(resources, source)
    read = _Read(source, lines, _Scope(defaults=_defaults(template)))
    extra = _attached_policies(resources, read)
    roles = []
    for logical_id, resource in resources.items():
        if resource.get("Type") == "AWS::IAM::Role":
            roles.append(_role(logical_id, resource, read, extra.get(logical_id, [])))
    return tuple(roles)


@attrs.frozen
class _Read:
    """The template being read: its source name, line numbers and resolution scope."""

    source: str
    lines: dict[_Path, int]
    scope: _Scope


def _check_types(resources: dict[str, Any], source: str) -> None:
    """Every resource is a mapping with a string ``Type``: a template that says otherwise
    cannot be read, and skipping the resource could skip a role."""
    for logical_id, resource in resources.items():
        where = f"{source}: Resources.{logical_id}"
        if not isinstance(resource, dict):
            raise ValidationError(where, f"must be a mapping, got {type_name(resource)}")
        kind = resource.get("Type")
        if not isinstance(kind, str):
            raise ValidationError(f"{where}.Type", f"must be a string, got {type_name(kind)}")


def _role(
    logical_id: str,
    resource: dict[str, Any],
    read: _Read,
    extra: list[tuple[PolicyDocument, list[int | None]]],
) -> DeclaredRole:
    source, lines, scope = read.source, read.lines, read.scope
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
        documents.append(_document(raw, f"{where}.Policies[{i}]", scope))
        permission_lines.append(statement_lines(lines, path, raw))
    for document, extra_lines in extra:
        documents.append(document)
        permission_lines.append(extra_lines)
    managed = _resolve(properties.get("ManagedPolicyArns") or [], scope)
    name = _resolve(properties.get("RoleName", logical_id), scope)
    role_arn = f"arn:aws:iam::{OWN_ACCOUNT}:role/{_safe_role_name(name, logical_id)}"
    return DeclaredRole(
        logical_id,
        source,
        trust_policy=_trust_document(trust, f"{where}.AssumeRolePolicyDocument", scope, role_arn),
        permissions=documents,
        managed_policy_arns=[str(m) for m in managed] if isinstance(managed, list) else [],
        role_arn=role_arn,
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
    resources: dict[str, Any], read: _Read
) -> dict[str, list[tuple[PolicyDocument, list[int | None]]]]:
    """``AWS::IAM::Policy``/``ManagedPolicy`` documents by the logical ID of each role named."""
    out: dict[str, list[tuple[PolicyDocument, list[int | None]]]] = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") not in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            continue
        where = f"{read.source}: Resources.{logical_id}"
        properties = _properties(resource, where)
        raw = properties.get("PolicyDocument")
        path = ("Resources", logical_id, "Properties", "PolicyDocument")
        document = _document(raw, f"{where}.PolicyDocument", read.scope)
        roles = properties.get("Roles") or []
        for role in roles if isinstance(roles, list) else []:
            if isinstance(role, dict) and "Ref" in role:
                entry = (document, statement_lines(read.lines, path, raw))
                out.setdefault(str(role["Ref"]), []).append(entry)
    return out
