"""Tests for ``xaccess verify``: the onboarding check, exit 1 when the role is open."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.cli.support import assert_usage_error, run_xaccess
from xaccess.cli import main

if TYPE_CHECKING:
    from tests.cli.conftest import Onboarded

_CHECKS = [
    "assume_with_external_id",
    "caller_identity",
    "assume_without_external_id",
    "assume_with_wrong_external_id",
]


def _verify(role_arn: str, external_id: str, *more: str) -> list[str]:
    return ["verify", role_arn, f"--external-id={external_id}", *more]


def test_a_safe_role_passes_with_exit_zero(
    onboarded: Onboarded, capsys: pytest.CaptureFixture[str]
) -> None:
    """A role that requires its external ID passes every step; the text report says so."""
    assert 0 == main(_verify(onboarded.role_arn, onboarded.external_id))

    captured = capsys.readouterr()
    assert captured.out.startswith(f"verification of {onboarded.role_arn}: passed\n")
    assert 4 == captured.out.count(": passed\n") - 1
    assert "" == captured.err
    assert onboarded.external_id not in captured.out


def test_json_report_lists_every_step(
    onboarded: Onboarded, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format json prints the verdict and each step's outcome."""
    assert 0 == main(_verify(onboarded.role_arn, onboarded.external_id, "--format", "json"))

    report = json.loads(capsys.readouterr().out)
    assert (onboarded.role_arn, True, False) == (
        report["role_arn"],
        report["ok"],
        report["confused_deputy"],
    )
    assert _CHECKS == [check["name"] for check in report["checks"]]
    assert {"passed"} == {check["outcome"] for check in report["checks"]}
    assert {"name", "title", "outcome", "expected", "observed"} == set(report["checks"][0])


def test_an_open_role_fails_with_exit_one(onboarded: Onboarded) -> None:
    """A role assumable without the external ID is a confused deputy risk: exit 1."""
    completed = run_xaccess(
        *_verify(onboarded.careless_arn, onboarded.external_id, "--format", "json")
    )

    report = json.loads(completed.stdout)
    assert (1, "") == (completed.returncode, completed.stderr)
    assert (False, True) == (report["ok"], report["confused_deputy"])
    assert ["passed", "passed", "failed", "failed"] == [c["outcome"] for c in report["checks"]]
    assert onboarded.external_id not in completed.stdout


def test_an_open_role_is_named_in_the_text_report(onboarded: Onboarded) -> None:
    """The text report of an open role says FAILED: confused deputy risk."""
    completed = run_xaccess(*_verify(onboarded.careless_arn, onboarded.external_id))

    assert 1 == completed.returncode
    assert f"{onboarded.careless_arn}: FAILED: confused deputy risk" in completed.stdout


def test_a_role_refusing_the_external_id_fails_with_exit_one(
    onboarded: Onboarded, capsys: pytest.CaptureFixture[str]
) -> None:
    """A role that cannot be assumed with the given ID fails (exit 1), but is no open role."""
    status = main(_verify(onboarded.role_arn, "someone-elses-id", "--format", "json"))

    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert (1, False, False) == (status, report["ok"], report["confused_deputy"])
    assert ["failed", "skipped", "passed", "passed"] == [c["outcome"] for c in report["checks"]]
    assert "someone-elses-id" not in captured.out + captured.err


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["verify"], ("required: ROLE_ARN, --external-id",)),
        (["verify", "ROLE"], ("required: --external-id",)),
        (["verify", "ROLE", "--external-id", "xx", "--format", "xml"], ("invalid choice: 'xml'",)),
        (["verify", "role/AcmeAudit", "--external-id", "xx"], ("ROLE_ARN:",)),
        (["verify", "ROLE", "--external-id", "x"], ("--external-id:",)),
        (["verify", "ROLE", "--external-id", "xx", "--duration", "900"], ("unrecognized",)),
    ],
)
def test_bad_usage_is_one_line_and_exit_two(
    argv: list[str],
    fragments: tuple[str, ...],
    onboarded: Onboarded,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Missing or invalid arguments: one line on stderr, exit 2, nothing on stdout."""
    status = main([onboarded.role_arn if arg == "ROLE" else arg for arg in argv])

    captured = capsys.readouterr()
    assert "" == captured.out
    assert_usage_error(status, captured.err, *fragments)
