"""Tests for ``xaccess new-external-id``."""

from __future__ import annotations

import re

import pytest

from tests.cli.support import assert_usage_error, run_xaccess
from xaccess.cli import main
from xaccess.identifiers import validate_external_id


def test_prints_a_fresh_160_bit_external_id() -> None:
    """Each run prints a new valid external ID of 40 hex digits, exit 0."""
    first, second = run_xaccess("new-external-id"), run_xaccess("new-external-id")

    assert (0, 0, "", "") == (first.returncode, second.returncode, first.stderr, second.stderr)
    assert re.fullmatch(r"[0-9a-f]{40}\n", first.stdout)
    assert first.stdout != second.stdout


def test_prefix_and_bytes_shape_the_id(capsys: pytest.CaptureFixture[str]) -> None:
    """--prefix goes in front and --bytes sets the random part's size."""
    assert 0 == main(["new-external-id", "--prefix", "acme-", "--bytes", "32"])

    external_id = capsys.readouterr().out.strip()
    assert re.fullmatch(r"acme-[0-9a-f]{64}", external_id)
    assert external_id == validate_external_id(external_id)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["new-external-id", "--bytes", "8"], ("--bytes: must be at least 16",)),
        (["new-external-id", "--bytes", "many"], ("invalid int value: 'many'",)),
        (["new-external-id", "--prefix", "-acme"], ("--prefix",)),
        (["new-external-id", "--prefix", "a b"], ("--prefix",)),
        (["new-external-id", "extra"], ("unrecognized arguments: extra",)),
    ],
)
def test_bad_usage_is_one_line_and_exit_two(
    argv: list[str], fragments: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """Too few bytes, a bad prefix or stray arguments: one line on stderr, exit 2."""
    status = main(argv)

    captured = capsys.readouterr()
    assert "" == captured.out
    assert_usage_error(status, captured.err, *fragments)
