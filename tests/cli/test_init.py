"""Tests for the command line's entry point: the verb registry, usage errors, exit statuses."""

from __future__ import annotations

import argparse
import importlib
import runpy
import sys
from importlib.metadata import entry_points, version
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import xaccess
from tests.cli.support import assert_usage_error, run_xaccess
from xaccess.cli import VERBS, build_parser, main
from xaccess.errors import AWSError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable


def _replace_run(monkeypatch: pytest.MonkeyPatch, run: Callable[[argparse.Namespace], int]) -> None:
    """Make `xaccess new-external-id` call ``run``."""
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.choices["new-external-id"].set_defaults(run=run)
    monkeypatch.setattr("xaccess.cli.build_parser", lambda: parser)


_COMMANDS = ("demo", "policy", "export", "quick-create-url", "assume", "verify", "new-external-id")


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`xaccess --version` prints the package version and exits zero."""
    assert 0 == main(["--version"])

    assert f"xaccess {version('xaccess')}\n" == capsys.readouterr().out


def test_help_lists_the_commands_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """`xaccess --help` returns 0 and lists every command, in the documented order."""
    assert 0 == main(["--help"])

    out = capsys.readouterr().out
    positions = [
        out.index(f"\n    {command}\n" if len(command) > 12 else f"\n    {command} ")
        for command in _COMMANDS
    ]
    assert sorted(positions) == positions


@pytest.mark.parametrize("command", _COMMANDS)
def test_each_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`xaccess COMMAND --help` exits 0 and shows that command's usage."""
    assert 0 == main([command, "--help"])

    assert f"usage: xaccess {command}" in capsys.readouterr().out


def test_every_verb_module_follows_the_contract() -> None:
    """Each module of VERBS has add_parser() and run(), and registers run as the default."""
    for name in VERBS:
        module = importlib.import_module(f"xaccess.cli.{name}")
        parser = argparse.ArgumentParser()
        module.add_parser(parser.add_subparsers())
        assert callable(module.run)
        (registered,) = (
            action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
        )
        (subparser,) = registered.choices.values()
        assert module.run is subparser.get_default("run")


def test_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Running without a command returns 2 and explains the usage on stderr, in one line."""
    assert 2 == main([])

    err = capsys.readouterr().err
    assert "usage: xaccess" in err
    assert_usage_error(2, err, "required: COMMAND")


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown command returns 2 and names the valid choices on stderr."""
    assert 2 == main(["frobnicate"])

    err = capsys.readouterr().err
    assert "demo" in err
    assert_usage_error(2, err, "invalid choice: 'frobnicate'")


@pytest.mark.parametrize(
    "error",
    [
        ValidationError("role_name", "must be 1-64 characters,\nnot 65"),
        AWSError("AssumeRole failed:\n  AccessDenied", code="AccessDenied", operation="AssumeRole"),
        FileNotFoundError(2, "No such file or directory", "grant.json"),
        PermissionError(13, "Permission denied"),
        OSError("disk on fire"),
    ],
)
def test_errors_of_a_verb_are_one_line_and_exit_two(
    error: Exception, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An XAccessError or OSError from a verb is one line on stderr and exit status 2."""

    def fail(args: argparse.Namespace) -> int:
        raise error

    _replace_run(monkeypatch, fail)
    status = main(["new-external-id"])

    assert_usage_error(status, capsys.readouterr().err)


def test_unexpected_errors_are_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """An error that is neither an XAccessError nor an OSError is a bug and propagates."""

    def fail(args: argparse.Namespace) -> int:
        raise RuntimeError("a bug")

    _replace_run(monkeypatch, fail)

    with pytest.raises(RuntimeError, match="a bug"):
        main(["new-external-id"])


def test_main_module_exits_with_the_status_of_main(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The package's __main__ runs the command line and exits with its status."""
    monkeypatch.setattr(sys, "argv", ["xaccess", "new-external-id", "--prefix", "m-"])
    main_module = Path(xaccess.__file__).with_name("__main__.py")

    with pytest.raises(SystemExit) as exc_info:
        # Named as the package module (not "__main__") so coverage attributes it.
        runpy.run_path(str(main_module), run_name="xaccess.__main__")

    assert 0 == exc_info.value.code
    assert capsys.readouterr().out.startswith("m-")


def test_usage_errors_in_a_fresh_interpreter_have_no_traceback() -> None:
    """`python -m xaccess` with a bad option exits 2 with one line on stderr."""
    completed = run_xaccess("policy", "trust")

    assert "" == completed.stdout
    assert_usage_error(completed.returncode, completed.stderr, "GRANT.json")


def test_console_script_points_at_main() -> None:
    """The installed `xaccess` console script calls `xaccess.cli.main`."""
    (script,) = entry_points(group="console_scripts", name="xaccess")

    assert main is script.load()
