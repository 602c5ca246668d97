"""The pytest plugin: loading it is cheap, and the strict_sts fixture reaches users."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.testing.helpers import (
    ROLE_ARN,
    error_of,
)

if TYPE_CHECKING:
    from pathlib import Path

    from xaccess.testing import StrictSTS


def test_loading_the_plugin_imports_neither_moto_nor_boto3() -> None:
    """Importing xaccess.testing (as pytest does for the plugin) leaves moto and boto3 unloaded."""
    code = (
        "import sys, xaccess.testing; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('moto', 'boto3', 'botocore')))"
    )
    completed = subprocess.run(  # noqa: S603 - this interpreter on our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "[]" == completed.stdout.strip()


# --- the pytest fixture --------------------------------------------------------------------------


def test_fixture_gives_an_active_strict_sts_inside_mock_aws(strict_sts: StrictSTS) -> None:
    """The strict_sts fixture: fake region, no config files, moto and strict STS active."""
    assert "us-east-1" == os.environ["AWS_DEFAULT_REGION"]
    assert not os.path.exists(os.environ["AWS_CONFIG_FILE"])
    assert not os.path.exists(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    assert strict_sts.active
    with pytest.raises(ClientError) as excinfo:
        boto3.client("sts").assume_role(RoleArn=ROLE_ARN, RoleSessionName="s1")
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    assert 1 == len(strict_sts.denied)


def test_entry_point_provides_the_fixture_to_users(tmp_path: Path) -> None:
    """An installed xaccess registers the strict_sts fixture with any pytest run."""
    (tmp_path / "test_user.py").write_text(
        "def test_fixture(strict_sts):\n    assert strict_sts.active\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert 0 == done.returncode, done.stdout + done.stderr
    assert "1 passed" in done.stdout
