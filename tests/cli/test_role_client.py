"""Tests for what assume and verify share: nested-run counting and botocore errors."""

from __future__ import annotations

import os

import pytest
from botocore.exceptions import NoRegionError

from tests.cli.support import assert_usage_error
from xaccess.cli import main
from xaccess.cli._role_client import MAX_NESTING, NESTING_VARIABLE, role_run
from xaccess.errors import AWSError


@pytest.mark.parametrize("verb", ["assume", "verify"])
def test_a_run_nested_too_deeply_is_refused(
    verb: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Inside MAX_NESTING other runs, a run stops at once: one line, exit 2, count kept."""
    monkeypatch.setenv(NESTING_VARIABLE, str(MAX_NESTING))

    status = main([verb, "arn:aws:iam::444455556666:role/R", "--external-id", "xx"])

    assert_usage_error(status, capsys.readouterr().err, "--profile: xaccess is running inside")
    assert str(MAX_NESTING) == os.environ[NESTING_VARIABLE]


def test_a_garbled_count_is_read_as_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """A count that is not a number is read as no nesting and restored afterwards."""
    monkeypatch.setenv(NESTING_VARIABLE, "many")

    with role_run():
        assert "1" == os.environ[NESTING_VARIABLE]

    assert "many" == os.environ[NESTING_VARIABLE]


def test_botocore_errors_become_aws_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """A botocore error inside a run is an AWSError naming its class, the cause kept."""
    monkeypatch.delenv(NESTING_VARIABLE, raising=False)

    with pytest.raises(AWSError, match="You must specify a region") as info, role_run():
        raise NoRegionError

    assert "NoRegionError" == info.value.code
    assert isinstance(info.value.__cause__, NoRegionError)
    assert NESTING_VARIABLE not in os.environ
