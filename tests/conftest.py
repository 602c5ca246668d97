"""Shared pytest configuration for the xaccess test suite.

Fixtures every area uses live here: ``clock`` (a :class:`tests.support.FakeClock`),
``fake_env`` (fake credentials, no AWS config), and ``moto_server`` / ``moto_endpoint`` (one
moto server on 127.0.0.1 for the whole run, reset for each test that asks for the endpoint).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from tests.support import FakeClock, fake_aws_environment, reset_moto_server, start_moto_server

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# The strict-STS fixture. Users get it through the installed pytest11 entry point; this
# suite disables that (see pyproject) so that coverage starts before xaccess is imported.
# The provisioning tests share their moto IAM (`iam`) and call recorder (`recorder`).
pytest_plugins = ["xaccess.testing", "tests.provisioning_support"]

# "dev" keeps a local run quick; "ci" (selected by .ci/run) searches harder and prints a
# blob that reproduces any failure it finds.
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None, derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def clock() -> FakeClock:
    """A clock that moves only when a test (or a fake sleep) advances it."""
    return FakeClock()


@pytest.fixture
def fake_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials in us-east-1 and no AWS configuration, so nothing reaches AWS."""
    fake_aws_environment(monkeypatch, tmp_path)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """One moto server on 127.0.0.1 for the whole run; its URL."""
    yield from start_moto_server()


@pytest.fixture
def moto_endpoint(moto_server: str, fake_env: None) -> str:
    """The shared moto server's URL, emptied for this test, with a fake AWS environment."""
    reset_moto_server(moto_server)
    return moto_server
