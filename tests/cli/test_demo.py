"""Tests for ``xaccess demo``: the end-to-end story on an embedded moto."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import pytest

from tests.cli.support import assert_usage_error, run_xaccess
from xaccess.cli import demo, main

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
    assert 0 == demo.tell(lines.append)
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


def test_demo_other_missing_modules_are_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing module other than moto, boto3 or botocore is raised, not explained away."""

    def missing(out: object = None) -> int:
        raise ModuleNotFoundError("No module named 'elsewhere'", name="elsewhere")

    monkeypatch.setattr(demo, "tell", missing)
    with pytest.raises(ModuleNotFoundError, match="elsewhere"):
        main(["demo"])


def test_python_dash_m_xaccess_demo_runs_in_a_fresh_interpreter() -> None:
    """`python -m xaccess demo` works as a shell command, quietly on stderr."""
    completed = run_xaccess("demo")

    assert (0, "") == (completed.returncode, completed.stderr)
    assert STEPS[-1] in completed.stdout


def test_demo_takes_no_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """`xaccess demo --fast` is a usage error: one line on stderr, exit 2."""
    status = main(["demo", "--fast"])

    assert_usage_error(status, capsys.readouterr().err, "unrecognized arguments: --fast")
