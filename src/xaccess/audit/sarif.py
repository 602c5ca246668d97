"""Audit results as SARIF 2.1.0, for code-scanning dashboards.

One run, with the whole rule catalogue as the driver's rules (so a dashboard can show what each
code means even for rules with no result) and one result per finding. Levels: high is
``error``, medium ``warning``, low and info ``note``. A finding in a file points at its line
when the source knows it; a role of a live account is a logical location (its ARN).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from xaccess.audit.rules import RULES, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

    from xaccess.audit.rules import AuditReport, Finding
    from xaccess.audit.sources import DeclaredRole

__all__ = ["SARIF_SCHEMA", "SARIF_VERSION", "to_sarif"]

SARIF_VERSION: Final = "2.1.0"
SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS: Final = {
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub code scanning sorts security results by this score (0.0 to 10.0).
_SCORES: Final = {
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "2.0",
    Severity.INFO: "0.0",
}
_CODES: Final = tuple(RULES)


def _rule(code: str) -> dict[str, Any]:
    rule = RULES[code]
    return {
        "id": code,
        "name": "".join(word.capitalize() for word in rule.title.split()),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {
            "tags": ["security", "iam"],
            "security-severity": _SCORES[rule.severity],
        },
    }


def _location(role: DeclaredRole, finding: Finding) -> dict[str, Any]:
    if role.source.startswith("account:"):
        name = role.role_arn or role.name
        return {
            "logicalLocations": [
                {"name": role.name, "fullyQualifiedName": name, "kind": "resource"}
            ]
        }
    physical: dict[str, Any] = {"artifactLocation": {"uri": role.source}}
    line = role.line_of(finding)
    if line is not None:
        physical["region"] = {"startLine": line}
    return {
        "physicalLocation": physical,
        "logicalLocations": [{"name": role.name, "kind": "resource"}],
    }


def _result(role: DeclaredRole, finding: Finding) -> dict[str, Any]:
    where = "" if finding.statement is None else f" (statement {finding.statement})"
    return {
        "ruleId": finding.code,
        "ruleIndex": _CODES.index(finding.code),
        "level": _LEVELS[finding.severity],
        "message": {"text": f"{role.name}{where}: {finding.message}"},
        "locations": [_location(role, finding)],
    }


def _notification(role: str, source: str, message: str) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": f"{role}: {message}"},
        "locations": [{"logicalLocations": [{"name": role, "kind": "resource"}]}],
        "properties": {"source": source},
    }


def to_sarif(
    results: Iterable[tuple[DeclaredRole, AuditReport]],
    *,
    version: str,
    unreadable: Iterable[tuple[str, str, str]] = (),
) -> dict[str, Any]:
    """A SARIF 2.1.0 log (a JSON-ready dict) of audit results.

    Args:
        results: Each audited role with its report.
        version: The xaccess version, for the tool's driver.
        unreadable: ``(role name, source, message)`` of each role that could not be read:
            a tool execution notification each, and the invocation marked unsuccessful.

    .. versionadded:: 0.1.0
    """
    notifications = [_notification(*entry) for entry in unreadable]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "xaccess",
                        "version": version,
                        "informationUri": "https://github.com/xaccess/xaccess",
                        "rules": [_rule(code) for code in _CODES],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not notifications,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": [
                    _result(role, finding)
                    for role, report in results
                    for finding in report.findings
                ],
            }
        ],
    }
