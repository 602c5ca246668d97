"""Tests for ``xaccess policy trust|permissions GRANT.json``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.cli.support import assert_usage_error, run_xaccess
from tests.export.support import rich_grant
from xaccess.cli import main
from xaccess.cli._grant_file import MAX_GRANT_FILE
from xaccess.grant import ThirdPartyGrant

if TYPE_CHECKING:
    from pathlib import Path


def test_trust_prints_the_grants_trust_policy(grant_file: Path) -> None:
    """`xaccess policy trust GRANT.json` prints the trust policy as JSON, exit 0."""
    completed = run_xaccess("policy", "trust", str(grant_file))

    assert (0, "") == (completed.returncode, completed.stderr)
    assert rich_grant().trust_policy().to_dict() == json.loads(completed.stdout)


def test_permissions_prints_every_inline_policy_by_name(grant_file: Path) -> None:
    """`xaccess policy permissions GRANT.json` prints {policy name: document}, exit 0."""
    completed = run_xaccess("policy", "permissions", str(grant_file))

    assert (0, "") == (completed.returncode, completed.stderr)
    assert {
        policy.name: policy.document.to_dict() for policy in rich_grant().permission_policies()
    } == json.loads(completed.stdout)


def test_a_grant_without_statements_has_no_permission_policies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A grant with no statements prints an empty object."""
    path = tmp_path / "bare.json"
    grant = ThirdPartyGrant(role_name="Bare", trusted_account="111122223333", external_id="xx")
    path.write_text(grant.to_json())

    assert 0 == main(["policy", "permissions", str(path)])
    assert {} == json.loads(capsys.readouterr().out)


def test_dash_reads_the_grant_from_standard_input() -> None:
    """GRANT.json '-' reads the grant from standard input."""
    completed = run_xaccess("policy", "trust", "-", stdin=rich_grant().to_json())

    assert 0 == completed.returncode
    assert rich_grant().trust_policy().to_dict() == json.loads(completed.stdout)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["policy"], ("required",)),
        (["policy", "trust"], ("GRANT.json",)),
        (["policy", "boundary", "g.json"], ("invalid choice: 'boundary'",)),
        (["policy", "trust", "/nonexistent/grant.json"], ("/nonexistent/grant.json", "No such")),
        (["policy", "trust", "g.json", "--yaml"], ("unrecognized arguments: --yaml",)),
    ],
)
def test_bad_usage_is_one_line_and_exit_two(
    argv: list[str], fragments: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """Missing or wrong arguments and unreadable files: one line on stderr, exit 2."""
    status = main(argv)

    assert_usage_error(status, capsys.readouterr().err, *fragments)


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"{not json", ("grant.json: grant", "not JSON")),
        (b'{"role_name": "A", "role_name": "B"}', ("grant.json",)),
        (b'{"role_name": "bad name!"}', ("grant.json: role_name",)),
        (b'{"role_name": "A", "colour": "red"}', ("grant.json: colour", "unknown key")),
        (b"[]", ("grant.json: grant", "must be a mapping")),
        (b"\xff\xfe", ("grant.json: grant",)),
        (b'{"role_name": "A"}', ("trusted_principals", "trusts no one")),
    ],
)
def test_invalid_grant_files_are_one_line_and_exit_two(
    content: bytes,
    fragments: tuple[str, ...],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A file that is not a complete grant gives one line naming the file or field, exit 2."""
    path = tmp_path / "grant.json"
    path.write_bytes(content)

    status = main(["policy", "trust", str(path)])

    assert_usage_error(status, capsys.readouterr().err, *fragments)


def test_huge_files_are_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file larger than a grant can be is refused before it is parsed."""
    path = tmp_path / "grant.json"
    path.write_bytes(b" " * (MAX_GRANT_FILE + 1))

    status = main(["policy", "trust", str(path)])

    assert_usage_error(status, capsys.readouterr().err, "larger than 1048576 bytes")


def test_a_directory_is_unreadable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A directory given as the grant file is one line on stderr, exit 2."""
    status = main(["policy", "trust", str(tmp_path)])

    assert_usage_error(status, capsys.readouterr().err, str(tmp_path))
