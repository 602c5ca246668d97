"""Tests for ``xaccess assume``: credential_process JSON and shell exports, on moto."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import sys
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from tests.cli.support import assert_usage_error, run_xaccess
from xaccess.cli import main
from xaccess.cli._role_client import MAX_NESTING, NESTING_VARIABLE

if TYPE_CHECKING:
    from pathlib import Path

    from tests.cli.conftest import Onboarded
    from xaccess.testing import StrictSTS

_EXPIRATION = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def _identity(onboarded: Onboarded, output: dict[str, Any]) -> str:
    """Whom the printed credentials belong to, by GetCallerIdentity."""
    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=onboarded.endpoint,
        aws_access_key_id=output["AccessKeyId"],
        aws_secret_access_key=output["SecretAccessKey"],
        aws_session_token=output["SessionToken"],
    )
    arn: str = sts.get_caller_identity()["Arn"]
    return arn


def _assume(onboarded: Onboarded, *more: str) -> list[str]:
    return ["assume", onboarded.role_arn, f"--external-id={onboarded.external_id}", *more]


def test_prints_credential_process_json_that_works(
    onboarded: Onboarded, strict_sts: StrictSTS, capsys: pytest.CaptureFixture[str]
) -> None:
    """The output is credential_process JSON (Version 1) whose credentials are the role's."""
    assert 0 == main(_assume(onboarded))

    captured = capsys.readouterr()
    output = json.loads(captured.out)
    assert ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"] == list(
        output
    )
    assert 1 == output["Version"]
    assert _EXPIRATION.fullmatch(output["Expiration"])
    assert "arn:aws:sts::444455556666:assumed-role/AcmeAudit/xaccess" == _identity(
        onboarded, output
    )
    assert ("", 1, 0) == (captured.err, len(strict_sts.allowed), len(strict_sts.denied))


def test_session_name_and_duration_are_passed_on(
    onboarded: Onboarded, capsys: pytest.CaptureFixture[str]
) -> None:
    """--session-name names the session and --duration sets the credentials' lifetime."""
    before = dt.datetime.now(dt.UTC)
    assert 0 == main(_assume(onboarded, "--session-name", "nightly-scan", "--duration", "900"))

    output = json.loads(capsys.readouterr().out)
    expires = dt.datetime.strptime(output["Expiration"], "%Y-%m-%dT%H:%M:%S%z")
    assert dt.timedelta(seconds=840) < expires - before < dt.timedelta(seconds=960)
    assert _identity(onboarded, output).endswith(":assumed-role/AcmeAudit/nightly-scan")


def test_env_prints_shell_exports(onboarded: Onboarded, capsys: pytest.CaptureFixture[str]) -> None:
    """--env prints one quoted `export` per variable, the credentials usable as printed."""
    assert 0 == main(_assume(onboarded, "--env"))

    lines = capsys.readouterr().out.splitlines()
    exported = dict(shlex.split(line)[1].split("=", 1) for line in lines)
    assert all(line.startswith("export ") for line in lines)
    assert [*_KEYS, "AWS_CREDENTIAL_EXPIRATION"] == list(exported)
    assert _EXPIRATION.fullmatch(exported["AWS_CREDENTIAL_EXPIRATION"])
    names = ("AccessKeyId", "SecretAccessKey", "SessionToken")
    output = {name: exported[key] for name, key in zip(names, _KEYS, strict=True)}
    assert _identity(onboarded, output).endswith(":assumed-role/AcmeAudit/xaccess")


def test_profile_gives_the_base_credentials(
    onboarded: Onboarded,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--profile takes the vendor's own credentials from that profile, not the environment."""
    config = tmp_path / "config"
    config.write_text(
        "[profile vendor]\n"
        + "".join(f"{k.lower()} = {v}\n" for k, v in onboarded.credentials.items())
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    for name in _KEYS:
        monkeypatch.delenv(name)

    assert 0 == main(_assume(onboarded, "--profile", "vendor"))
    assert _identity(onboarded, json.loads(capsys.readouterr().out)).endswith("/xaccess")


def test_a_boto3_profile_uses_it_as_credential_process(
    onboarded: Onboarded, strict_sts: StrictSTS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real boto3 profile with `credential_process = xaccess assume ...` acts as the role."""
    command = shlex.join([sys.executable, "-m", "xaccess", *_assume(onboarded)])
    config = tmp_path / "config"
    config.write_text(f"[profile acme]\ncredential_process = {command}\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))

    session = boto3.Session(profile_name="acme")
    identity = session.client("sts").get_caller_identity()

    assert "arn:aws:sts::444455556666:assumed-role/AcmeAudit/xaccess" == identity["Arn"]
    (attempt,) = strict_sts.allowed
    assert onboarded.role_arn == attempt.role_arn


def test_a_profile_that_runs_itself_is_stopped(onboarded: Onboarded, tmp_path: Path) -> None:
    """A credential_process whose base credentials are its own profile fails fast, in one line."""
    command = shlex.join(
        [sys.executable, "-m", "xaccess", *_assume(onboarded), "--region", "us-east-1"]
    )
    config = tmp_path / "config"
    config.write_text(f"[profile loop]\ncredential_process = {command}\n")

    completed = run_xaccess(
        *_assume(onboarded),
        env={"AWS_PROFILE": "loop", "AWS_CONFIG_FILE": str(config)},
        unset=_KEYS,
    )

    assert "" == completed.stdout
    assert_usage_error(completed.returncode, completed.stderr, "credential_process")
    assert f"inside {MAX_NESTING} other xaccess runs" in completed.stderr


def test_nesting_is_counted_only_while_a_run_lasts(
    onboarded: Onboarded, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nesting counter is restored after each run: many runs in one process all work."""
    monkeypatch.setenv(NESTING_VARIABLE, str(MAX_NESTING - 1))
    for _ in range(MAX_NESTING + 1):
        assert 0 == main(_assume(onboarded))

    assert str(MAX_NESTING - 1) == os.environ[NESTING_VARIABLE]
    assert MAX_NESTING + 1 == len(capsys.readouterr().out.splitlines())


def test_end_to_end_in_a_fresh_interpreter(onboarded: Onboarded) -> None:
    """`python -m xaccess assume` prints working credentials and nothing on stderr."""
    completed = run_xaccess(*_assume(onboarded))

    assert (0, "") == (completed.returncode, completed.stderr)
    assert _identity(onboarded, json.loads(completed.stdout)).endswith("/AcmeAudit/xaccess")


def test_a_wrong_external_id_is_one_line_without_secrets(
    onboarded: Onboarded, strict_sts: StrictSTS, capsys: pytest.CaptureFixture[str]
) -> None:
    """STS refusing is one line naming AccessDenied, exit 2; no ID or credential on stderr."""
    status = main(["assume", onboarded.role_arn, "--external-id", "wrong-guess-1234"])

    captured = capsys.readouterr()
    assert "" == captured.out
    assert_usage_error(status, captured.err, "AccessDenied")
    assert "wrong-guess-1234" not in captured.err
    for value in onboarded.credentials.values():
        assert value not in captured.err
    assert 1 == len(strict_sts.denied)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["assume"], ("required: ROLE_ARN, --external-id",)),
        (["assume", "ROLE"], ("required: --external-id",)),
        (["assume", "arn:aws:iam::1:role/x", "--external-id", "xx"], ("ROLE_ARN:",)),
        (["assume", "ROLE", "--external-id", "a b"], ("--external-id:",)),
        (["assume", "ROLE", "--external-id", "xx", "--duration", "60"], ("--duration:",)),
        (["assume", "ROLE", "--external-id", "xx", "--duration", "1h"], ("invalid int value",)),
        (["assume", "ROLE", "--external-id", "xx", "--session-name", "a b"], ("--session-name:",)),
        (["assume", "ROLE", "--external-id", "xx", "--region", "EU_WEST_1"], ("--region:",)),
        (["assume", "ROLE", "--external-id", "xx", "--profile", "nope"], ("nope",)),
        (["assume", "ROLE", "--external-id", "xx", "--json"], ("unrecognized arguments",)),
    ],
)
def test_bad_usage_is_one_line_and_exit_two(
    argv: list[str],
    fragments: tuple[str, ...],
    onboarded: Onboarded,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Missing or invalid arguments and unknown profiles: one line on stderr, exit 2."""
    status = main([onboarded.role_arn if arg == "ROLE" else arg for arg in argv])

    captured = capsys.readouterr()
    assert "" == captured.out
    assert_usage_error(status, captured.err, *fragments)


def test_no_region_is_a_usage_error(
    onboarded: Onboarded, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --region and without a configured region, exit 2 naming --region."""
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION", raising=False)

    status = main(_assume(onboarded))

    assert_usage_error(status, capsys.readouterr().err, "--region: no region is configured")
