"""Tests for the Terraform export: documents equal the grant's, the variable substituted."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.export.strategies import grants
from tests.export.support import expected_spec, rich_grant
from tests.identifiers import strategies as ids
from xaccess import ValidationError
from xaccess.export import render_json, to_terraform
from xaccess.export.terraform import literal
from xaccess.grant import ThirdPartyGrant

if TYPE_CHECKING:
    from collections.abc import Mapping

_TOKEN = re.compile(r"\$\$\{|%%\{|\$\{([^}]*)\}|%\{")
_CONDITION = re.compile(
    r"\$\{length\(var\.(\w+)\) >= (\d+) && length\(var\.\1\) <= (\d+) && "
    r'can\(regex\("(.+)", var\.\1\)\)\}'
)
_REFERENCES = ("aws_iam_role.this.id", "aws_iam_role.this.name", "aws_iam_role.this.arn")
_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def untemplate(text: str, values: Mapping[str, str]) -> str:
    """Evaluate a Terraform string template whose interpolations are all in ``values``."""
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(text[position : match.start()])
        token = match.group(0)
        if token == "$${":
            out.append("${")
        elif token == "%%{":
            out.append("%{")
        elif token == "%{":
            raise AssertionError(f"template directive in {text!r}")
        else:
            out.append(values[match.group(1)])
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*_strings(key), *_strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _documents(config: dict[str, Any], external_id: str) -> dict[str, Any]:
    """What the configuration creates, templates evaluated with ``external_id``."""
    values = {"var.external_id": external_id} | {ref: f"<{ref}>" for ref in _REFERENCES}
    role = config["resource"]["aws_iam_role"]["this"]
    policies = config["resource"].get("aws_iam_role_policy", {}).values()
    attachments = config["resource"].get("aws_iam_role_policy_attachment", {}).values()
    return {
        "name": untemplate(role["name"], values),
        "path": untemplate(role["path"], values),
        "description": untemplate(role.get("description", ""), values),
        "max_session_duration": role["max_session_duration"],
        "permissions_boundary": role.get("permissions_boundary"),
        "tags": {
            untemplate(k, values): untemplate(v, values) for k, v in role.get("tags", {}).items()
        },
        "trust": json.loads(untemplate(role["assume_role_policy"], values)),
        "inline": [
            (
                untemplate(p["role"], values),
                untemplate(p["name"], values),
                json.loads(untemplate(p["policy"], values)),
            )
            for p in policies
        ],
        "managed": [(untemplate(a["role"], values), a["policy_arn"]) for a in attachments],
    }


def _expected(grant: ThirdPartyGrant, external_id: str) -> dict[str, Any]:
    spec = expected_spec(grant, external_id)
    return {
        "name": spec.role_name,
        "path": spec.path,
        "description": spec.description,
        "max_session_duration": spec.max_session_duration,
        "permissions_boundary": spec.permissions_boundary,
        "tags": {tag.key: tag.value for tag in spec.tags},
        "trust": spec.trust_policy.to_dict(),
        "inline": [
            ("<aws_iam_role.this.id>", name, document.to_dict())
            for name, document in spec.inline_policies
        ],
        "managed": [("<aws_iam_role.this.name>", arn) for arn in spec.managed_policy_arns],
    }


def _max_length(config: dict[str, Any]) -> int:
    (validation,) = config["variable"]["external_id"]["validation"]
    match = _CONDITION.fullmatch(validation["condition"])
    assert match is not None
    return int(match.group(3))


def test_rich_grant_documents_equal_the_grants() -> None:
    """Trust, inline and managed policies, tags and settings are the grant's role spec."""
    grant = rich_grant()
    config = json.loads(render_json(to_terraform(grant)))

    assert _expected(grant, "customer-id-1234") == _documents(config, "customer-id-1234")


@given(grants(), ids.external_ids())
@_SETTINGS
def test_every_grant_gives_its_role_with_the_variable_substituted(
    grant: ThirdPartyGrant, external_id: str
) -> None:
    """For every grant and external ID, the evaluated configuration is what create() makes."""
    config = to_terraform(grant)
    external_id = external_id[: _max_length(config)]

    assert _expected(grant, external_id) == _documents(config, external_id)


@given(grants())
@_SETTINGS
def test_every_interpolation_is_the_variable_or_the_role(grant: ThirdPartyGrant) -> None:
    """Outside the validation only the variable and the role are interpolated; no grant ID."""
    config = to_terraform(grant)
    del config["variable"]
    trust = config["resource"]["aws_iam_role"]["this"]["assume_role_policy"]
    interpolations = {
        match.group(1)
        for string in _strings(config)
        for match in _TOKEN.finditer(string)
        if match.group(1) is not None
    }

    assert interpolations <= {"var.external_id", *_REFERENCES}
    assert "var.external_id" in interpolations
    for external_id in grant.external_ids:
        assert json.dumps(external_id) not in trust


def test_variable_is_a_required_string_checked_as_sts_checks_it() -> None:
    """The variable has no default, is not nullable, and its validation states IAM's rules."""
    config = to_terraform(rich_grant())
    variable = config["variable"]["external_id"]
    (validation,) = variable["validation"]
    match = _CONDITION.fullmatch(validation["condition"])

    assert "default" not in variable
    assert ("string", False) == (variable["type"], variable["nullable"])
    assert match is not None
    assert ("external_id", "2", "1224", "^[A-Za-z0-9_+=,.@:/-]+$") == match.groups()
    assert "2-1224" in validation["error_message"]


def _as_re2(pattern: str) -> str:
    """Python's reading of a Terraform (RE2) regex: RE2's ``$`` matches only at the very end.

    Python's ``$`` also matches before a final newline, so it is spelled ``\\Z`` here.
    """
    return pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern


@given(ids.external_ids())
def test_validation_admits_every_valid_external_id(external_id: str) -> None:
    """The validation's length bounds and regex admit every valid external ID."""
    (validation,) = to_terraform(rich_grant())["variable"]["external_id"]["validation"]
    match = _CONDITION.fullmatch(validation["condition"])
    assert match is not None
    _, low, high, pattern = match.groups()

    assert int(low) <= len(external_id) <= int(high)
    assert re.search(_as_re2(pattern), external_id, re.ASCII)


@given(ids.invalid_external_ids())
def test_validation_refuses_every_invalid_external_id(external_id: object) -> None:
    """Every invalid external ID breaks the validation's length bounds or its regex."""
    (validation,) = to_terraform(rich_grant())["variable"]["external_id"]["validation"]
    match = _CONDITION.fullmatch(validation["condition"])
    assert match is not None
    _, low, high, pattern = match.groups()

    assert (
        not isinstance(external_id, str)
        or not int(low) <= len(external_id) <= int(high)
        or not re.search(_as_re2(pattern), external_id, re.ASCII)
    )


def test_variable_name_can_be_chosen() -> None:
    """external_id_variable names the variable and every reference to it."""
    config = to_terraform(rich_grant(), external_id_variable="acme_external-id")
    role = config["resource"]["aws_iam_role"]["this"]

    assert ["acme_external-id"] == list(config["variable"])
    assert '"${var.acme_external-id}"' in role["assume_role_policy"]


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "Terraform identifier"),
        ("1st", "Terraform identifier"),
        ("external id", "Terraform identifier"),
        ("ext\u00e9rnal", "Terraform identifier"),
        ("count", "reserved by Terraform"),
        ("for_each", "reserved by Terraform"),
        (None, "must be a str"),
    ],
)
def test_bad_variable_names_are_refused(name: object, rule: str) -> None:
    """A variable name that is not a free Terraform identifier raises on external_id_variable."""
    with pytest.raises(ValidationError, match=rule) as info:
        to_terraform(rich_grant(), external_id_variable=name)  # type: ignore[arg-type]

    assert "external_id_variable" == info.value.field


def test_role_arn_is_the_output() -> None:
    """The output role_arn is the role's ARN."""
    output = to_terraform(rich_grant())["output"]["role_arn"]

    assert "${aws_iam_role.this.arn}" == output["value"]


def test_grant_without_statements_has_no_policy_resources() -> None:
    """A grant with no statements or attachments creates the role alone."""
    grant = ThirdPartyGrant(role_name="Bare", trusted_account="111122223333", external_id="xx")

    assert ["aws_iam_role"] == list(to_terraform(grant)["resource"])


def test_something_else_than_a_grant_is_refused() -> None:
    """Passing a string for the grant raises a ValidationError on grant."""
    with pytest.raises(ValidationError, match="must be a ThirdPartyGrant, got str"):
        to_terraform("grant.json")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ("${aws:username}", "$${aws:username}"),
        ("%{if x}", "%%{if x}"),
        ("$$ and % and { alone", "$$ and % and { alone"),
        ("a${b}%{c}$${d}", "a$${b}%%{c}$$${d}"),
    ],
)
def test_literal_escapes_template_sequences(text: str, escaped: str) -> None:
    """literal() doubles the $ of ${ and the % of %{ so Terraform reads the text as itself."""
    assert escaped == literal(text)
    assert text == untemplate(escaped, {})
