"""Fixtures of the strict STS tests: moto in-process and over HTTP, and an active strict STS."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest
from moto import mock_aws

from tests.support import reset_moto_server
from tests.testing.helpers import Aws
from xaccess.testing import StrictSTS, strict_sts

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(params=["in-process", "server"])
def aws(request: pytest.FixtureRequest, fake_env: None) -> Iterator[Aws]:
    """moto in-process and over HTTP, with fresh state."""
    if request.param == "in-process":
        with mock_aws():  # it resets boto3.DEFAULT_SESSION on exit
            yield Aws(endpoint_url=None)
    else:
        endpoint_url: str = request.getfixturevalue("moto_endpoint")  # emptied for this test
        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        yield Aws(endpoint_url=endpoint_url)
        reset_moto_server(endpoint_url)


@pytest.fixture
def in_process(fake_env: None) -> Iterator[Aws]:
    """moto in-process only, for details that do not depend on the transport."""
    with mock_aws():
        yield Aws(endpoint_url=None)


@pytest.fixture
def strict(aws: Aws) -> Iterator[StrictSTS]:
    """An active strict STS over the ``aws`` mode."""
    with strict_sts() as active:
        yield active
