"""Audit roles that already exist: trust policies, permissions, templates, plans and accounts.

:func:`audit_trust_policy` answers "can anyone but the named third party, or the third party
without this customer's external ID, assume this role?" by evaluating the policy, and returns
a witness request for every way in. :func:`audit_permissions` looks for escalation, admin
wildcards and unknown actions. :mod:`xaccess.audit.sources` turns CloudFormation templates,
Terraform plans, ``aws iam get-role`` output and policy files into the roles they declare;
:mod:`xaccess.audit.sarif` writes the results for code-scanning dashboards.

.. versionadded:: 0.1.0
"""

from xaccess.audit.permissions import BROAD_MANAGED_POLICIES, audit_grant, audit_permissions
from xaccess.audit.rules import RULES, AuditReport, Finding, Rule, Severity, rule
from xaccess.audit.trust import audit_trust_policy

__all__ = [
    "BROAD_MANAGED_POLICIES",
    "RULES",
    "AuditReport",
    "Finding",
    "Rule",
    "Severity",
    "audit_grant",
    "audit_permissions",
    "audit_trust_policy",
    "rule",
]
