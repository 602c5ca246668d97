"""Onboarding exports: a grant as a CloudFormation template, a quick-create link, Terraform.

Vendors onboard customers who do not write Python with a template behind a console link or a
Terraform file; these functions produce them from a :class:`~xaccess.ThirdPartyGrant`. Each
creates exactly the role :meth:`~xaccess.ThirdPartyGrant.create` creates, with the external ID
left as a parameter, so one hosted template serves every customer. Everything here is pure: no
boto3, no I/O.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from xaccess.export._render import render_json, render_yaml
from xaccess.export.cloudformation import to_cloudformation
from xaccess.export.quick_create import quick_create_url
from xaccess.export.terraform import to_terraform

__all__ = ["quick_create_url", "render_json", "render_yaml", "to_cloudformation", "to_terraform"]
