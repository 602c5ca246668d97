"""Tests for `xaccess audit`, in process and end to end as a subprocess on a moto server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber

from tests.audit.vendor_policies import (
    DATADOG_ACCOUNT,
    DATADOG_EXTERNAL_ID,
    DATADOG_TEMPLATE,
    trust,
)
from tests.cli.support import assert_usage_error, run_xaccess
from xaccess.cli import _role_client, main
from xaccess.limits import MAX_AUDIT_FILE

if TYPE_CHECKING:
    from pathlib import Path

SAFE = trust(
    {
        "Effect": "Allow",
        "Principal": {"AWS": DATADOG_ACCOUNT},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}},
    }
)
OPEN = trust({"Effect": "Allow", "Principal": {"AWS": DATADOG_ACCOUNT}, "Action": "sts:AssumeRole"})
PATTERN = trust(
    {
        "Effect": "Allow",
        "Principal": {"AWS": DATADOG_ACCOUNT},
        "Action": "sts:AssumeRole",
        "Condition": {"StringLike": {"sts:ExternalId": "datadog-*"}},
    }
)


def write(path: Path, document: Any) -> str:
    """Write JSON to `path` and return the path as a string."""
    path.write_text(json.dumps(document, indent=2))
    return str(path)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m xaccess` as a user would."""
    return subprocess.run(  # noqa: S603 - runs this interpreter on our own code
        [sys.executable, "-m", "xaccess", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )


def test_a_safe_policy_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing found: exit 0 and a summary line."""
    assert 0 == main(["audit", write(tmp_path / "safe.json", SAFE)])

    assert "1 roles audited: 0 high, 0 medium, 0 low, 0 info" in capsys.readouterr().out


def test_an_open_policy_exits_one_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A high finding: exit 1, one line naming file, line, role, code, and the fix."""
    path = write(tmp_path / "open.json", OPEN)

    assert 1 == main(["audit", path])

    out = capsys.readouterr().out
    assert f"{path}:4: open statement 0: high XA101 No external ID required" in out
    assert '"sts:ExternalId": "<EXTERNAL-ID>"' in out


@pytest.mark.parametrize(("fail_on", "status"), [("high", 0), ("medium", 1), ("info", 1)])
def test_fail_on_sets_the_threshold(tmp_path: Path, fail_on: str, status: int) -> None:
    """--fail-on LEVEL: exit 1 only for findings at or above LEVEL."""
    assert status == main(["audit", "--fail-on", fail_on, write(tmp_path / "p.json", PATTERN)])


def test_role_arn_makes_the_own_account_not_a_third_party(tmp_path: Path) -> None:
    """--role-arn tells a bare policy which role (and account) it belongs to."""
    own = trust(
        {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "sts:AssumeRole"}
    )
    path = write(tmp_path / "own.json", own)

    assert 1 == main(["audit", path])
    assert 0 == main(["audit", "--role-arn", "arn:aws:iam::444455556666:role/Own", path])


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json: findings with role, source, statement, code, severity, message, fix."""
    path = write(tmp_path / "open.json", OPEN)

    main(["audit", "--format", "json", path])

    report = json.loads(capsys.readouterr().out)
    (finding,) = report["findings"]
    assert {
        "role": "open",
        "source": path,
        "statement": 0,
        "code": "XA101",
        "severity": "high",
    }.items() <= finding.items()
    assert finding["witness"]["action"] == "sts:AssumeRole"
    assert finding["fix"]["Condition"] == {"StringEquals": {"sts:ExternalId": "<EXTERNAL-ID>"}}
    assert {"roles": 1, "findings": 1, "high": 1, "ok": False}.items() <= report["summary"].items()


def test_sarif_output_of_a_yaml_template_points_at_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format sarif on a YAML template: SARIF 2.1.0 with rule metadata and file/line."""
    template = DATADOG_TEMPLATE.replace(
        '"sts:ExternalId": !Ref DataDogExternalId', '"sts:ExternalId": "*"'
    )
    template = template.replace("StringEquals:", "StringLike:")
    path = tmp_path / "datadog.yaml"
    path.write_text(template)

    assert 1 == main(["audit", "--format", "sarif", str(path)])

    log = json.loads(capsys.readouterr().out)
    assert "2.1.0" == log["version"]
    (run_,) = log["runs"]
    (result,) = run_["results"]
    assert ("XA104", "error") == (result["ruleId"], result["level"])
    assert run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "XA104"
    location = result["locations"][0]["physicalLocation"]
    assert {"uri": str(path)} == location["artifactLocation"]
    assert {"startLine": 15} == location["region"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "name at least one FILE, or --account"),
        (["absent.json"], "absent.json"),
        (["--role-arn", "arn:aws:iam::1:user/x", "x.json"], "--role-arn"),
    ],
)
def test_bad_usage_and_unreadable_input_exit_two(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One `xaccess: error:` line on stderr and exit 2, never a traceback."""
    assert 2 == main(["audit", *args])

    err = capsys.readouterr().err
    assert err.startswith("xaccess: error: ")
    assert message in err
    assert "Traceback" not in err


def test_an_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse refuses an unknown --format with exit 2."""
    assert 2 == main(["audit", "--format", "xml", "x.json"])

    assert "invalid choice" in capsys.readouterr().err


def test_a_broken_file_exits_two_as_a_subprocess(tmp_path: Path) -> None:
    """End to end: a malformed policy file gives exit 2 and one error line, no traceback."""
    path = tmp_path / "broken.json"
    path.write_text('{"Statement": [{"Effect": "Allow"}]}')

    completed = run("audit", str(path))

    assert 2 == completed.returncode
    assert completed.stderr.startswith(f"xaccess: error: {path}: Statement[0]")
    assert 1 == len(completed.stderr.splitlines())


def test_a_plan_file_end_to_end(tmp_path: Path) -> None:
    """End to end: a Terraform plan with an open role exits 1 and names the resource address."""
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_iam_role.vendor",
                        "type": "aws_iam_role",
                        "values": {"name": "vendor", "assume_role_policy": json.dumps(OPEN)},
                    }
                ]
            }
        },
    }

    completed = run("audit", "--format", "json", write(tmp_path / "plan.json", plan))

    assert (1, "") == (completed.returncode, completed.stderr)
    (finding,) = json.loads(completed.stdout)["findings"]
    assert ("aws_iam_role.vendor", "XA101") == (finding["role"], finding["code"])


def test_a_live_account_on_a_moto_server_end_to_end(moto_endpoint: str) -> None:
    """`xaccess audit --account` reaches the moto server through AWS_ENDPOINT_URL."""
    iam = boto3.client("iam", endpoint_url=moto_endpoint)
    for name, policy in (("Safe", SAFE), ("Open", OPEN)):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(policy))
    env = dict(os.environ, AWS_ENDPOINT_URL=moto_endpoint)

    completed = run("audit", "--account", "--format", "json", env=env)

    assert (1, "") == (completed.returncode, completed.stderr)  # stderr is not a terminal
    report = json.loads(completed.stdout)
    assert 2 == report["summary"]["roles"]
    (finding,) = report["findings"]
    assert ("Open", "account:123456789012", "XA101") == (
        finding["role"],
        finding["source"],
        finding["code"],
    )
    assert "arn:aws:iam::123456789012:role/Open" == finding["role_arn"]


def test_progress_goes_to_stderr_when_it_is_a_terminal(
    moto_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With a terminal on stderr, --account reports progress there, and stdout stays clean."""
    iam = boto3.client("iam", endpoint_url=moto_endpoint)
    iam.create_role(RoleName="Safe", AssumeRolePolicyDocument=json.dumps(SAFE))
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)

    assert 0 == main(["audit", "--account", "--format", "json"])

    captured = capsys.readouterr()
    assert "\raudited 1/1 roles\n" == captured.err
    assert 1 == json.loads(captured.out)["summary"]["roles"]


def test_help_lists_audit_and_demo(capsys: pytest.CaptureFixture[str]) -> None:
    """`xaccess --help` lists both verbs."""
    assert 0 == main(["--help"])

    out = capsys.readouterr().out
    assert "audit" in out
    assert "demo" in out


def test_an_account_without_credentials_exits_two(moto_endpoint: str) -> None:
    """End to end: no credentials for --account gives one error line and exit 2."""
    env = dict(os.environ, AWS_ENDPOINT_URL=moto_endpoint)
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]

    completed = run("audit", "--account", env=env)

    assert 2 == completed.returncode
    assert "xaccess: error: ListRoles failed: Unable to locate credentials\n" == completed.stderr


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000 + "]" * 50_000 + "\n",
        "".join("  " * i + "a:\n" for i in range(3000)),
        "Resources:\n" + "".join("  " * i + "- x:\n" for i in range(1, 200)),
    ],
    ids=["flow", "block-mapping", "block-sequence"],
)
def test_deeply_nested_yaml_is_one_line_and_exit_two(tmp_path: Path, text: str) -> None:
    """YAML nested past MAX_JSON_DEPTH is refused before PyYAML recurses: one line, exit 2."""
    path = tmp_path / "deep.yaml"
    path.write_text(text)

    completed = run_xaccess("audit", str(path))

    assert_usage_error(
        completed.returncode, completed.stderr, f"{path}: is nested deeper than 64 levels"
    )


def test_deeply_nested_json_is_one_line_and_exit_two(tmp_path: Path) -> None:
    """JSON nested past MAX_JSON_DEPTH (yet within Python's recursion limit) is refused before
    its line numbers are read with the recursive YAML composer: one line, exit 2."""
    deep = "[" * 900 + "]" * 900
    path = tmp_path / "deep.json"
    path.write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
        f'"Resource": "*", "Condition": {{"StringEquals": {{"a": {deep}}}}}}}]}}'
    )

    completed = run_xaccess("audit", str(path))

    assert_usage_error(
        completed.returncode, completed.stderr, f"{path}: is nested deeper than 64 levels"
    )


def test_a_file_larger_than_the_cap_is_refused_before_it_is_read_whole() -> None:
    """`xaccess audit /dev/zero` stops at MAX_AUDIT_FILE bytes: one line, exit 2."""
    completed = run_xaccess("audit", "/dev/zero")

    assert_usage_error(
        completed.returncode, completed.stderr, f"/dev/zero: is larger than {MAX_AUDIT_FILE} bytes"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (json.dumps(OPEN), "<stdin>:1: "),
        (
            "Resources:\n  Deputy:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument:\n"
            + "".join(f"        {line}\n" for line in json.dumps(OPEN).splitlines()),
            "<stdin>:",
        ),
    ],
    ids=["json", "yaml"],
)
def test_a_dash_reads_standard_input(text: str, expected: str) -> None:
    """`xaccess audit -` audits standard input, JSON or YAML, named <stdin> in the report."""
    completed = run_xaccess("audit", "-", stdin=text)

    assert 1 == completed.returncode, completed.stderr
    assert expected in completed.stdout
    assert "XA101" in completed.stdout


def test_role_arn_lets_the_permission_probes_find_self_escalation(tmp_path: Path) -> None:
    """--role-arn reaches the permissions audit: PutRolePolicy on the role itself is XA202."""
    role = "arn:aws:iam::444455556666:role/R"
    path = write(
        tmp_path / "permissions.json",
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": role}],
        },
    )

    assert 0 == main(["audit", path])
    assert 1 == main(["audit", path, "--role-arn", role])


def test_control_characters_from_a_file_are_escaped_in_the_text_report(tmp_path: Path) -> None:
    """A role name with a line break and an escape sequence cannot forge a summary line."""
    forged = "R\n1 roles audited: 0 high, 0 medium, 0 low, 0 info\x1b[2K\u202e"
    role = {"RoleName": forged, "AssumeRolePolicyDocument": OPEN}
    path = write(tmp_path / "roles.json", {"Roles": [role]})

    completed = run_xaccess("audit", path)

    assert 1 == completed.returncode, completed.stderr
    lines = completed.stdout.splitlines()
    assert "1 roles audited: 1 high, 0 medium, 0 low, 0 info" == lines[-1]
    assert [lines[-1]] == [line for line in lines if line.startswith("1 roles audited")]
    assert "\x1b" not in completed.stdout
    assert "\u202e" not in completed.stdout
    assert "R\\n1 roles audited: 0 high" in completed.stdout
    assert "\\x1b[2K\\u202e" in completed.stdout


def test_control_characters_in_an_error_line_are_escaped(tmp_path: Path) -> None:
    """An error naming a file whose name holds an escape sequence stays one printable line."""
    path = tmp_path / "evil\x1b[2K.json"
    path.write_text("{")

    completed = run_xaccess("audit", str(path))

    assert_usage_error(completed.returncode, completed.stderr, "evil\\x1b[2K.json")
    assert "\x1b" not in completed.stderr


def _account_with_a_broken_role(
    monkeypatch: pytest.MonkeyPatch, roles: list[dict[str, Any]]
) -> Stubber:
    """--account reads a stubbed IAM client listing `roles` (inline and attached: none)."""
    iam = boto3.client("iam", region_name="us-east-1")
    stub = Stubber(iam)
    stub.add_response("list_roles", {"Roles": roles, "IsTruncated": False})
    for _ in range(sum(1 for r in roles if r["RoleName"] != "Broken")):
        stub.add_response("list_role_policies", {"PolicyNames": [], "IsTruncated": False})
        stub.add_response(
            "list_attached_role_policies", {"AttachedPolicies": [], "IsTruncated": False}
        )
    stub.activate()
    monkeypatch.setattr(_role_client, "configured_client", lambda service: (None, iam))
    return stub


def _role(name: str, trust_policy: str) -> dict[str, Any]:
    """A role as ListRoles returns it."""
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": "AROA" + name.upper().ljust(17, "X"),
        "Arn": f"arn:aws:iam::123456789012:role/{name}",
        "CreateDate": "2026-01-01T00:00:00Z",
        "AssumeRolePolicyDocument": trust_policy,
    }


@pytest.mark.usefixtures("fake_env")
@pytest.mark.parametrize("output", ["text", "json", "sarif"])
def test_an_unreadable_role_of_an_account_is_reported_and_the_rest_audited(
    output: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One role with an illegal stored policy is that role's error; the others are audited."""
    broken = _role("Broken", '{"Statement": [}')
    _account_with_a_broken_role(monkeypatch, [broken, _role("Open", json.dumps(OPEN))])

    assert 1 == main(["audit", "--account", "--format", output])

    out = capsys.readouterr().out
    if output == "text":
        lines = out.splitlines()
        assert any(line.startswith("account:123456789012: Broken: error: ") for line in lines)
        assert "XA101" in out
        assert ["1 roles audited: 1 high, 0 medium, 0 low, 0 info"] == [
            line for line in lines if "roles audited" in line
        ]
        assert "1 roles could not be read" == lines[-1]
    elif output == "json":
        report = json.loads(out)
        ((entry),) = report["unreadable"]
        assert ("Broken", "account:123456789012") == (entry["role"], entry["source"])
        assert {"roles": 1, "unreadable": 1, "high": 1}.items() <= report["summary"].items()
    else:
        (invocation,) = json.loads(out)["runs"][0]["invocations"]
        assert invocation["executionSuccessful"] is False
        (note,) = invocation["toolExecutionNotifications"]
        assert note["message"]["text"].startswith("Broken: ")


@pytest.mark.usefixtures("fake_env")
def test_an_account_where_no_role_can_be_read_exits_two(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """When every role is unreadable the audit read nothing: one error line, exit 2."""
    _account_with_a_broken_role(monkeypatch, [_role("Broken", '{"Statement": [}')])

    status = main(["audit", "--account"])

    assert_usage_error(status, capsys.readouterr().err, "Broken")
