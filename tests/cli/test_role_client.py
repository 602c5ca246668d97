"""Tests for what assume and verify share: nested-run counting and botocore errors."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import NoRegionError

from tests.cli.support import assert_usage_error, run_xaccess
from xaccess.cli import main
from xaccess.cli._role_client import MAX_NESTING, NESTING_VARIABLE, role_run
from xaccess.errors import AWSError

if TYPE_CHECKING:
    from pathlib import Path


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


_CONFIGURATION_MISTAKES = {
    "missing-profile": {"AWS_PROFILE": "nonexistent"},
    "garbled-config": {"AWS_CONFIG_FILE": "{garbage}"},
    "bad-region": {"AWS_DEFAULT_REGION": "bad/region"},
    "bad-retry-mode": {"AWS_RETRY_MODE": "bogus"},
    "bad-sts-endpoints": {"AWS_STS_REGIONAL_ENDPOINTS": "bogus"},
    "endpoint-not-a-url": {"AWS_ENDPOINT_URL": "notaurl"},
    "endpoint-bad-ipv6": {"AWS_ENDPOINT_URL": "http://[::1"},
    "max-attempts-not-a-number": {"AWS_MAX_ATTEMPTS": "abc"},
}
_VERBS = {
    "audit": ("audit", "--account"),
    "assume": ("assume", "arn:aws:iam::444455556666:role/R", "--external-id=abcdefgh12"),
    "verify": ("verify", "arn:aws:iam::444455556666:role/R", "--external-id=abcdefgh12"),
}


@pytest.mark.usefixtures("fake_env")
@pytest.mark.parametrize("verb", sorted(_VERBS))
@pytest.mark.parametrize("mistake", sorted(_CONFIGURATION_MISTAKES))
def test_an_aws_configuration_mistake_is_one_line_and_exit_two(
    verb: str, mistake: str, tmp_path: Path
) -> None:
    """Every verb that talks to AWS reports a bad AWS configuration in one line, exit 2."""
    garbage = tmp_path / "garbage"
    garbage.write_text("garbage\n")
    env = {
        name: value.format(garbage=garbage)
        for name, value in _CONFIGURATION_MISTAKES[mistake].items()
    }

    completed = run_xaccess(*_VERBS[verb], env=env)

    fragment = "--region: " if (verb, mistake) in _REGION_CHECKED_FIRST else "AWS configuration"
    assert_usage_error(completed.returncode, completed.stderr, fragment)


# assume and verify check their region themselves before any client is made.
_REGION_CHECKED_FIRST = {("assume", "bad-region"), ("verify", "bad-region")}
