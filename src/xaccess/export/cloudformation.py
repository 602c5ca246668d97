"""A CloudFormation template that creates a grant's role, the external ID a parameter.

The template creates exactly what :meth:`~xaccess.ThirdPartyGrant.create` creates: one
``AWS::IAM::Role`` with the trust policy, the inline policies, the attached managed policies,
the permissions boundary, the path, the description, the maximum session duration and the
tags. It leaves out the ownership tag ``xaccess:managed``: the stack owns the role, so
:func:`~xaccess.aws.provisioning.apply` and ``revoke()`` leave it alone unless told to adopt or
force it. The external ID is the template
parameter ``ExternalId``, with no default and with the length and characters STS allows, so one
hosted template serves every customer; the role ARN is the output ``RoleArn``.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from xaccess._validate import check_str, echo
from xaccess.errors import ValidationError
from xaccess.export._role import EXTERNAL_ID_PATTERN, open_role
from xaccess.limits import MAX_LOGICAL_ID, MIN_EXTERNAL_ID

if TYPE_CHECKING:
    from xaccess.grant import ThirdPartyGrant

__all__ = [
    "MANAGED_POLICY_RESOURCE",
    "ROLE_ARN_OUTPUT",
    "ROLE_RESOURCE",
    "check_parameter_name",
    "to_cloudformation",
]

ROLE_RESOURCE: Final = "Role"
"""The logical ID of the role in the template.

.. versionadded:: 0.1.0
"""

ROLE_ARN_OUTPUT: Final = "RoleArn"
"""The name of the template output that holds the role's ARN.

.. versionadded:: 0.1.0
"""
MANAGED_POLICY_RESOURCE: Final = "ManagedPolicy"
"""The logical ID prefix of the customer-managed policies (``ManagedPolicy0``, ...)."""

_LOGICAL_ID: Final = re.compile(r"[A-Za-z0-9]+", re.ASCII)
_TEMPLATE_VERSION: Final = "2010-09-09"


def check_parameter_name(name: object) -> str:
    """Return ``name`` if it can be the template parameter holding the external ID."""
    name = check_str(name, "external_id_parameter")
    if not 1 <= len(name) <= MAX_LOGICAL_ID or not _LOGICAL_ID.fullmatch(name):
        raise ValidationError(
            "external_id_parameter",
            f"must be 1-{MAX_LOGICAL_ID} ASCII letters and digits (a CloudFormation "
            f"logical ID), got {echo(name)}",
        )
    if name in (ROLE_RESOURCE, ROLE_ARN_OUTPUT) or name.startswith(MANAGED_POLICY_RESOURCE):
        raise ValidationError(
            "external_id_parameter",
            f"{name!r} is (or may be) a logical ID of the template's own resources or outputs",
        )
    return name


def _description(role_name: str, path: str) -> str:
    where = "" if path == "/" else f" (path {path})"
    return (
        f"IAM role {role_name}{where} for a third party, which assumes it with an external ID "
        "(made by xaccess)"
    )


def to_cloudformation(
    grant: ThirdPartyGrant, *, external_id_parameter: str = "ExternalId"
) -> dict[str, Any]:
    """Build a CloudFormation template that creates the role ``grant`` describes.

    The grant's own external IDs are not in the template: the trust policy requires the
    value of the parameter ``external_id_parameter`` instead. Deploying the stack needs the
    ``CAPABILITY_NAMED_IAM`` capability (the role has a fixed name).

    Args:
        grant: The grant.
        external_id_parameter: The name of the template parameter that holds the external ID
            (a CloudFormation logical ID: ASCII letters and digits).

    Returns:
        The template as a JSON-ready ``dict``; :func:`xaccess.export.render_json` and
        :func:`xaccess.export.render_yaml` turn it into text.

    Raises:
        ValidationError: The parameter name is not a logical ID, or the grant trusts no one.
        PolicySizeError: A document exceeds its quota.

    .. versionadded:: 0.1.0
    """
    parameter = check_parameter_name(external_id_parameter)
    role = open_role(grant)
    spec = role.spec
    properties: dict[str, Any] = {
        "RoleName": spec.role_name,
        "Path": spec.path,
        "AssumeRolePolicyDocument": role.trust_policy({"Ref": parameter}),
        "MaxSessionDuration": spec.max_session_duration,
    }
    if spec.description:
        properties["Description"] = spec.description
    if spec.inline_policies:
        properties["Policies"] = [
            {"PolicyName": name, "PolicyDocument": document.to_dict()}
            for name, document in spec.inline_policies
        ]
    if spec.managed_policy_arns:
        properties["ManagedPolicyArns"] = list(spec.managed_policy_arns)
    if spec.permissions_boundary is not None:
        properties["PermissionsBoundary"] = spec.permissions_boundary
    if spec.tags:  # the grant's own tags; the stack, not xaccess, owns the role
        properties["Tags"] = [
            {"Key": tag.key, "Value": tag.value}
            for tag in sorted(spec.tags, key=lambda tag: tag.key)
        ]
    resources: dict[str, Any] = {
        ROLE_RESOURCE: {"Type": "AWS::IAM::Role", "Properties": properties}
    }
    for index, (name, document) in enumerate(spec.managed_policies):
        # The customer-managed policies a large grant overflows into, attached to the role;
        # like the role, they belong to the stack.
        resources[f"{MANAGED_POLICY_RESOURCE}{index}"] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "ManagedPolicyName": name,
                "Path": spec.path,
                "PolicyDocument": document.to_dict(),
                "Roles": [{"Ref": ROLE_RESOURCE}],
            },
        }
    return {
        "AWSTemplateFormatVersion": _TEMPLATE_VERSION,
        "Description": _description(spec.role_name, spec.path),
        "Metadata": {
            "AWS::CloudFormation::Interface": {
                "ParameterLabels": {parameter: {"default": "External ID"}},
            },
        },
        "Parameters": {
            parameter: {
                "Type": "String",
                "Description": (
                    "The external ID the third party gave you for this account; the role "
                    "can be assumed only with it"
                ),
                "MinLength": MIN_EXTERNAL_ID,
                "MaxLength": role.max_external_id,
                "AllowedPattern": EXTERNAL_ID_PATTERN,
                "ConstraintDescription": (
                    f"{MIN_EXTERNAL_ID}-{role.max_external_id} characters: ASCII letters, "
                    "digits and _+=,.@:/-"
                ),
            },
        },
        "Resources": resources,
        "Outputs": {
            ROLE_ARN_OUTPUT: {
                "Description": "The ARN of the role, to give to the third party",
                "Value": {"Fn::GetAtt": [ROLE_RESOURCE, "Arn"]},
            },
        },
    }
