"""Tests for the ``xaccess`` command line."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from importlib.metadata import entry_points, version
from pathlib import Path
from typing import Any

import pytest

import xaccess
from xaccess.cli import main


def _json_documents(output: str) -> list[Any]:
    """Return the JSON documents printed as paragraphs starting with ``{``."""
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    for paragraph in output.split("\n\n"):
        start = paragraph.find("\n{")
        if start != -1:
            document, end = decoder.raw_decode(paragraph, start + 1)
            assert "" == paragraph[end:].strip()
            documents.append(document)
    return documents


def test_demo_exits_zero_and_prints_two_json_policies(capsys: pytest.CaptureFixture[str]) -> None:
    """`xaccess demo` succeeds and prints a trust policy and a permission policy as JSON."""
    assert 0 == main(["demo"])

    documents = _json_documents(capsys.readouterr().out)

    assert 2 == len(documents)
    assert ["2012-10-17", "2012-10-17"] == [doc["Version"] for doc in documents]


def test_demo_trust_policy_requires_the_external_id(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo trust policy admits the vendor account only with StringEquals on sts:ExternalId."""
    main(["demo"])
    out = capsys.readouterr().out

    (statement,) = _json_documents(out)[0]["Statement"]

    assert "sts:AssumeRole" == statement["Action"]
    assert {"AWS": "arn:aws:iam::111122223333:root"} == statement["Principal"]
    external_id = statement["Condition"]["StringEquals"]["sts:ExternalId"]
    assert 32 == len(external_id)
    assert external_id in out.split("\n\n")[0]


def test_demo_external_id_differs_between_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """Each demo run shows a freshly generated external ID rather than a guessable constant."""
    ids = []
    for _ in range(2):
        main(["demo"])
        trust = _json_documents(capsys.readouterr().out)[0]
        ids.append(trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"])

    assert ids[0] != ids[1]


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
    assert 2 == len(_json_documents(capsys.readouterr().out))


def test_python_dash_m_xaccess_demo_runs_in_a_fresh_interpreter() -> None:
    """`python -m xaccess demo` works as a shell command and prints both policies."""
    completed = subprocess.run(
        [sys.executable, "-m", "xaccess", "demo"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert (0, "") == (completed.returncode, completed.stderr)
    assert 2 == len(_json_documents(completed.stdout))


def test_console_script_points_at_main() -> None:
    """The installed `xaccess` console script calls `xaccess.cli.main`."""
    (script,) = entry_points(group="console_scripts", name="xaccess")

    assert main is script.load()
