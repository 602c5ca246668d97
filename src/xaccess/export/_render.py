"""Exports as text: JSON for every export, YAML for CloudFormation (PyYAML, optional)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from xaccess._validate import type_name
from xaccess.errors import ValidationError

__all__ = ["render_json", "render_yaml"]


def _check_mapping(data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValidationError("template", f"must be a mapping, got {type_name(data)}")
    return data


def render_json(data: Mapping[str, Any]) -> str:
    """Render an export (a template or a Terraform configuration) as JSON text.

    Indented by two spaces, keys in the order the export gives them, with a final newline.
    Characters outside ASCII (in tags, which allow any Unicode letter) are written as
    themselves, not as ``\\u`` escapes: surrogate-pair escapes trip some template tools.

    Raises:
        ValidationError: ``data`` is not a mapping.

    .. versionadded:: 0.1.0
    """
    return json.dumps(_check_mapping(data), indent=2, ensure_ascii=False) + "\n"


def render_yaml(data: Mapping[str, Any]) -> str:
    """Render a CloudFormation template as YAML text (long forms: ``Ref:``, ``Fn::GetAtt:``).

    Needs PyYAML, which the ``yaml`` extra installs (``pip install 'xaccess[yaml]'``); it is
    imported only here. Strings YAML would read as something else (``"2012-10-17"``,
    ``"true"``) are quoted, so the YAML reads back as exactly ``data``.

    Raises:
        ValidationError: ``data`` is not a mapping.
        ModuleNotFoundError: PyYAML is not installed.

    .. versionadded:: 0.1.0
    """
    checked = _check_mapping(data)
    try:
        import yaml  # noqa: PLC0415 - an optional dependency, loaded on use
    except ModuleNotFoundError as missing:
        raise ModuleNotFoundError(
            "rendering YAML needs PyYAML: pip install 'xaccess[yaml]'", name="yaml"
        ) from missing
    # JSON round trip: plain dicts, lists and scalars, which the safe dumper always takes.
    plain = json.loads(json.dumps(checked))
    text: str = yaml.safe_dump(plain, sort_keys=False, allow_unicode=False, width=100)
    return text
