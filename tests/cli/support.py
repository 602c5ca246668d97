"""Running the ``xaccess`` command line in a fresh interpreter, as a user's shell would."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["assert_usage_error", "run_xaccess"]


def run_xaccess(
    *args: str,
    env: Mapping[str, str] | None = None,
    unset: Iterable[str] = (),
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m xaccess ARGS`` with this process's environment, plus ``env``, less
    the variables named in ``unset``."""
    environment = {**os.environ, **(env or {})}
    for name in unset:
        environment.pop(name, None)
    return subprocess.run(  # noqa: S603 - runs this interpreter on our own package
        [sys.executable, "-m", "xaccess", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        input=stdin,
        env=environment,
    )


def assert_usage_error(status: int, stderr: str, *fragments: str) -> None:
    """Exit status 2 and exactly one line on stderr, ``xaccess: error: ...``, no traceback."""
    assert 2 == status, stderr
    assert stderr.endswith("\n")
    (line,) = stderr.splitlines()
    assert line.startswith("xaccess: error: ")
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in line
