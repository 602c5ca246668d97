"""Tests for xaccess.audit.sarif: SARIF 2.1.0 logs for code-scanning dashboards."""

from __future__ import annotations

import json

from tests.audit.vendor_policies import DATADOG_ACCOUNT, trust
from xaccess.audit import RULES
from xaccess.audit.sarif import SARIF_VERSION, to_sarif
from xaccess.audit.sources import DeclaredRole
from xaccess.audit.trust import to_document

OPEN = to_document(
    trust(
        {
            "Effect": "Allow",
            "Principal": {"AWS": [DATADOG_ACCOUNT], "Service": "ec2.amazonaws.com"},
            "Action": ["sts:AssumeRole"],
            "Condition": {"StringLike": {"sts:ExternalId": "dd-*"}},
        }
    )
)


def test_the_log_carries_every_rule_and_maps_severities_to_levels() -> None:
    """Every catalogue rule is described; medium is a warning and info a note."""
    role = DeclaredRole("Vendor", "roles/vendor.json", trust_policy=OPEN, trust_lines=(5,))

    log = to_sarif([(role, role.audit())], version="0.1.0")

    assert SARIF_VERSION == log["version"]
    assert log["$schema"].endswith("sarif-2.1.0.json")
    driver = log["runs"][0]["tool"]["driver"]
    assert ("xaccess", "0.1.0") == (driver["name"], driver["version"])
    assert list(RULES) == [rule["id"] for rule in driver["rules"]]
    assert {"error", "warning", "note"} == {
        rule["defaultConfiguration"]["level"] for rule in driver["rules"]
    }
    levels = {(r["ruleId"], r["level"]) for r in log["runs"][0]["results"]}
    assert {("XA110", "warning"), ("XA142", "note")} == levels
    json.dumps(log)  # JSON-ready


def test_file_findings_have_a_line_and_account_findings_a_logical_location() -> None:
    """A file role points at file and line; a live role at its ARN."""
    in_file = DeclaredRole("Vendor", "roles/vendor.json", trust_policy=OPEN, trust_lines=(5,))
    live = DeclaredRole(
        "Vendor",
        "account:111122223333",
        trust_policy=OPEN,
        role_arn="arn:aws:iam::111122223333:role/Vendor",
    )

    log = to_sarif([(in_file, in_file.audit()), (live, live.audit())], version="0")

    results = log["runs"][0]["results"]
    physical = results[0]["locations"][0]["physicalLocation"]
    assert {
        "artifactLocation": {"uri": "roles/vendor.json"},
        "region": {"startLine": 5},
    } == physical
    logical = results[-1]["locations"][0]["logicalLocations"][0]
    assert "arn:aws:iam::111122223333:role/Vendor" == logical["fullyQualifiedName"]
    assert "physicalLocation" not in results[-1]["locations"][0]
