"""Tests for xaccess.audit.rules: the catalogue, findings and reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xaccess import ValidationError
from xaccess.audit import RULES, AuditReport, Finding, Severity, rule


def test_codes_are_unique_well_formed_and_keyed_by_themselves() -> None:
    """Every rule has a code XA and three digits, equal to its key; titles are unique."""
    assert all(re.fullmatch(r"XA[12]\d\d", code) for code in RULES)
    assert all(code == entry.code for code, entry in RULES.items())
    assert len(RULES) == len({entry.title for entry in RULES.values()})


def test_the_catalogue_codes_are_stable() -> None:
    """Codes are a contract with scripts and dashboards: this list only ever grows."""
    assert {
        "XA101", "XA102", "XA103", "XA104", "XA105", "XA106", "XA107", "XA108", "XA109",
        "XA110", "XA111", "XA120", "XA121", "XA130", "XA131", "XA140", "XA141", "XA142",
        "XA143", "XA144", "XA145", "XA201", "XA202", "XA203", "XA204", "XA205", "XA206", "XA207",
    } <= set(RULES)  # fmt: skip


def test_rule_lookup_and_unknown_codes() -> None:
    """rule() returns the entry and refuses unknown codes with ValidationError."""
    assert Severity.HIGH == rule("XA101").severity
    with pytest.raises(ValidationError):
        rule("XA999")


@pytest.mark.parametrize(("text", "severity"), [("HIGH", Severity.HIGH), ("info", Severity.INFO)])
def test_severity_parses_any_case(text: str, severity: Severity) -> None:
    """Severity names ignore case."""
    assert severity == Severity.parse(text)


def test_severity_refuses_other_names() -> None:
    """Anything else is a ValidationError naming the field."""
    with pytest.raises(ValidationError) as exc_info:
        Severity.parse("critical", field="fail_on")

    assert "fail_on" == exc_info.value.field


def test_reports_order_findings_and_say_whether_they_are_ok() -> None:
    """Most severe first; ok means no high finding; at_least() filters; + concatenates."""
    low = Finding.of("XA140", "spelling", statement=1)
    high = Finding.of("XA101", "open", statement=2)

    report = AuditReport((low,)) + AuditReport((high,))

    assert (high, low) == report.findings
    assert not report.ok
    assert (high,) == report.at_least("medium")
    assert AuditReport((low,)).ok
    assert ("XA101", "XA140") == report.codes()


def test_findings_are_frozen_values() -> None:
    """Findings compare by value and are hashable."""
    assert Finding.of("XA101", "m") == Finding.of("XA101", "m")
    assert 1 == len({Finding.of("XA101", "m"), Finding.of("XA101", "m")})


def test_the_audit_page_lists_every_rule_with_its_severity() -> None:
    """docs/audit.md has a table row for every code, with the catalogue's severity."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "audit.md").read_text()
    rows = dict(re.findall(r"^\| (XA\d{3}) \| (\w+) \|", page, re.MULTILINE))

    assert {code: str(entry.severity) for code, entry in RULES.items()} == rows
