"""A Terraform JSON configuration (``.tf.json``) that creates a grant's role.

The configuration creates what :meth:`~xaccess.ThirdPartyGrant.create` creates, with the
external ID an input variable: an ``aws_iam_role`` (its ``assume_role_policy`` the trust
policy's JSON text, holding ``${var.external_id}``), one ``aws_iam_role_policy`` per inline
policy, one ``aws_iam_role_policy_attachment`` per managed policy, and the output
``role_arn``.

Every string in Terraform JSON is a template, so text that must stay literal has ``${`` and
``%{`` doubled (``$${aws:username}`` stays the IAM policy variable ``${aws:username}``).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final

from xaccess._validate import check_str, echo
from xaccess.errors import ValidationError
from xaccess.export._role import EXTERNAL_ID_PATTERN, open_role
from xaccess.limits import MIN_EXTERNAL_ID

if TYPE_CHECKING:
    from xaccess.grant import ThirdPartyGrant

__all__ = ["ROLE_ARN_OUTPUT", "ROLE_RESOURCE", "literal", "to_terraform"]

ROLE_RESOURCE: Final = "this"
"""The name of the ``aws_iam_role`` resource (``aws_iam_role.this``).

.. versionadded:: 0.1.0
"""

ROLE_ARN_OUTPUT: Final = "role_arn"
"""The name of the output that holds the role's ARN.

.. versionadded:: 0.1.0
"""

_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*", re.ASCII)
# Names Terraform reserves for variables (the meta-arguments of a module block).
_RESERVED: Final = frozenset(
    {"count", "depends_on", "for_each", "lifecycle", "locals", "providers", "source", "version"}
)
_ROLE: Final = f"aws_iam_role.{ROLE_RESOURCE}"


def literal(text: str) -> str:
    """Escape ``text`` so that Terraform reads it as itself, not as a template.

    .. versionadded:: 0.1.0
    """
    return text.replace("${", "$${").replace("%{", "%%{")


def _check_variable_name(name: object) -> str:
    name = check_str(name, "external_id_variable")
    if not _IDENTIFIER.fullmatch(name):
        raise ValidationError(
            "external_id_variable",
            "must be a Terraform identifier (a letter or _, then letters, digits, _ and -), "
            f"got {echo(name)}",
        )
    if name in _RESERVED:
        raise ValidationError("external_id_variable", f"{name!r} is reserved by Terraform")
    return name


def _variable_block(variable: str, max_length: int) -> dict[str, Any]:
    """The external ID variable: a required string, checked as STS checks an external ID."""
    reference = f"var.{variable}"
    # RE2 caps counted repetition at 1000, so the length is checked apart from the pattern.
    condition = (
        f"${{length({reference}) >= {MIN_EXTERNAL_ID} && length({reference}) <= "
        f'{max_length} && can(regex("^{EXTERNAL_ID_PATTERN}$", {reference}))}}'
    )
    return {
        "type": "string",
        "description": (
            "The external ID the third party gave you for this account; the role can be "
            "assumed only with it"
        ),
        "nullable": False,
        "validation": [
            {
                "condition": condition,
                "error_message": (
                    f"The external ID must be {MIN_EXTERNAL_ID}-{max_length} characters: "
                    "ASCII letters, digits and _+=,.@:/-."
                ),
            }
        ],
    }


def _policy_text(document: dict[str, Any]) -> str:
    return literal(json.dumps(document, separators=(",", ":"), ensure_ascii=True))


def to_terraform(
    grant: ThirdPartyGrant, *, external_id_variable: str = "external_id"
) -> dict[str, Any]:
    """Build a Terraform JSON configuration that creates the role ``grant`` describes.

    The grant's own external IDs are not in the configuration: the trust policy requires
    the value of the variable ``external_id_variable``, which has no default and is checked
    against the length and characters STS allows.

    Args:
        grant: The grant.
        external_id_variable: The name of the input variable that holds the external ID.

    Returns:
        The configuration as a JSON-ready ``dict``; :func:`xaccess.export.render_json` writes
        it as a ``.tf.json`` file.

    Raises:
        ValidationError: The variable name is not a Terraform identifier, or the grant trusts
            no one.
        PolicySizeError: A document exceeds its quota.

    .. versionadded:: 0.1.0
    """
    variable = _check_variable_name(external_id_variable)
    role = open_role(grant)
    spec = role.spec
    trust = _policy_text(role.trust_policy(role.placeholder)).replace(
        json.dumps(role.placeholder), json.dumps(f"${{var.{variable}}}")
    )
    attributes: dict[str, Any] = {
        "name": spec.role_name,
        "path": literal(spec.path),
        "assume_role_policy": trust,
        "max_session_duration": spec.max_session_duration,
    }
    if spec.description:
        attributes["description"] = literal(spec.description)
    if spec.permissions_boundary is not None:
        attributes["permissions_boundary"] = spec.permissions_boundary
    if spec.tags:  # the grant's own tags; Terraform, not xaccess, owns the role
        attributes["tags"] = {
            literal(tag.key): literal(tag.value)
            for tag in sorted(spec.tags, key=lambda tag: tag.key)
        }
    resources: dict[str, Any] = {"aws_iam_role": {ROLE_RESOURCE: attributes}}
    if spec.inline_policies:
        resources["aws_iam_role_policy"] = {
            f"inline_{index}": {
                "name": name,
                "role": f"${{{_ROLE}.id}}",
                "policy": _policy_text(document.to_dict()),
            }
            for index, (name, document) in enumerate(spec.inline_policies)
        }
    attachments = {
        f"managed_{index}": {"role": f"${{{_ROLE}.name}}", "policy_arn": arn}
        for index, arn in enumerate(spec.managed_policy_arns)
    }
    if spec.managed_policies:
        # The customer-managed policies a large grant overflows into, attached to the role.
        # Like the role, they belong to Terraform, so they carry no xaccess ownership tags.
        resources["aws_iam_policy"] = {
            f"owned_{index}": {
                "name": name,
                "path": literal(spec.path),
                "policy": _policy_text(document.to_dict()),
            }
            for index, (name, document) in enumerate(spec.managed_policies)
        }
        attachments.update(
            {
                f"owned_{index}": {
                    "role": f"${{{_ROLE}.name}}",
                    "policy_arn": f"${{aws_iam_policy.owned_{index}.arn}}",
                }
                for index in range(len(spec.managed_policies))
            }
        )
    if attachments:
        resources["aws_iam_role_policy_attachment"] = attachments
    return {
        "variable": {variable: _variable_block(variable, role.max_external_id)},
        "resource": resources,
        "output": {
            ROLE_ARN_OUTPUT: {
                "description": "The ARN of the role, to give to the third party",
                "value": f"${{{_ROLE}.arn}}",
            }
        },
    }
