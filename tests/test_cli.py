"""Tests for the ``xaccess`` command line."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from importlib.metadata import entry_points, version
from pathlib import Path
from typing import Any

import pytest

import xaccess
from xaccess import _demo
from xaccess.cli import main

STEPS = (
    "== 1. The vendor generates an external ID for this customer",
    "== 2. The customer describes the grant and checks it offline",
    "== 3. The customer creates the role (all or nothing)",
    "== 4. The vendor assumes the role and reads the customer's bucket",
    "== 5. Callers without the right external ID are refused",
    "== 6. The vendor's onboarding check: verify()",
    "== 7. verify() flags a role that does not require the external ID",
    "== 8. The customer revokes both roles",
)


@pytest.fixture(scope="module")
def demo_output() -> str:
    """The output of one `xaccess demo` run (it takes a second or two)."""
    lines: list[str] = []
    before = dict(os.environ)
    assert 0 == _demo.run(lines.append)
    assert before == dict(os.environ)
    return "\n".join(lines)


def _trust_policy(output: str) -> Any:
    """The first JSON document the demo prints: the trust policy."""
    start = output.index("   trust policy:\n") + len("   trust policy:\n")
    document, _ = json.JSONDecoder().raw_decode(output[start:].lstrip())
    return document


def test_demo_walks_through_every_step_in_order(demo_output: str) -> None:
    """The demo prints each step of the story, in order, and exits 0."""
    positions = [demo_output.index(step) for step in STEPS]
    assert sorted(positions) == positions


def test_demo_trust_policy_pins_the_vendor_role_and_the_external_id(demo_output: str) -> None:
    """The role trusts the vendor's role only with StringEquals on the generated external ID."""
    external_id = demo_output.split("external ID: ", 1)[1].split(maxsplit=1)[0]
    (statement,) = _trust_policy(demo_output)["Statement"]
    assert {"AWS": "arn:aws:iam::111122223333:root"} == statement["Principal"]
    assert {
        "aws:PrincipalArn": "arn:aws:iam::111122223333:role/VendorWorker",
        "sts:ExternalId": external_id,
    } == statement["Condition"]["StringEquals"]


def test_demo_vendor_reads_the_bucket_and_others_are_refused(demo_output: str) -> None:
    """With the external ID the vendor reads S3; without it or with a wrong one STS refuses."""
    assert "read s3://acme-logs/audit/2026-11.log: 'all quiet'" in demo_output
    assert "with no external ID: AccessDenied (as expected)" in demo_output
    assert "with a wrong external ID: AccessDenied (as expected)" in demo_output
    assert "offline: vendor role without it           -> implicit_deny" in demo_output


def test_demo_verify_passes_and_flags_the_careless_role(demo_output: str) -> None:
    """verify() passes for the grant's role and reports a confused deputy for the open one."""
    assert "AcmeAuditAccess: passed" in demo_output
    assert "CarelessAccess: FAILED: confused deputy risk" in demo_output
    assert "ConfusedDeputyRisk: " in demo_output
    assert "deleted role AcmeAuditAccess" in demo_output
    assert "deleted role CarelessAccess" in demo_output
    assert demo_output.endswith("9 AssumeRole calls: 5 allowed, 4 denied.")


def test_demo_without_moto_explains_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without moto installed, `xaccess demo` exits 1 and names the extra to install."""
    monkeypatch.setitem(sys.modules, "moto", None)
    assert 1 == main(["demo"])
    assert "pip install 'xaccess[demo]'" in capsys.readouterr().err


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`xaccess --version` prints the package version and exits zero."""
    assert 0 == main(["--version"])

    assert f"xaccess {version('xaccess')}\n" == capsys.readouterr().out


def test_help_lists_the_commands_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """`xaccess --help` returns 0 and lists the demo command."""
    assert 0 == main(["--help"])

    assert "demo" in capsys.readouterr().out


def test_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Running without a command returns 2 and explains the usage on stderr."""
    assert 2 == main([])

    assert "usage: xaccess" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown command returns 2 and names the valid choices on stderr."""
    assert 2 == main(["frobnicate"])

    assert "demo" in capsys.readouterr().err


def test_main_module_exits_with_the_status_of_main(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The package's __main__ runs the command line and exits with its status."""
    monkeypatch.setattr(sys, "argv", ["xaccess", "demo"])
    main_module = Path(xaccess.__file__).with_name("__main__.py")

    with pytest.raises(SystemExit) as exc_info:
        # Named as the package module (not "__main__") so coverage attributes it.
        runpy.run_path(str(main_module), run_name="xaccess.__main__")

    assert 0 == exc_info.value.code
    assert STEPS[-1] in capsys.readouterr().out


def test_python_dash_m_xaccess_demo_runs_in_a_fresh_interpreter() -> None:
    """`python -m xaccess demo` works as a shell command, quietly on stderr."""
    completed = subprocess.run(
        [sys.executable, "-m", "xaccess", "demo"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert (0, "") == (completed.returncode, completed.stderr)
    assert STEPS[-1] in completed.stdout


def test_console_script_points_at_main() -> None:
    """The installed `xaccess` console script calls `xaccess.cli.main`."""
    (script,) = entry_points(group="console_scripts", name="xaccess")

    assert main is script.load()
