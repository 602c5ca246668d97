"""Fixtures of the command-line tests: grant files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.export.support import rich_grant

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def grant_file(tmp_path: Path) -> Path:
    """A grant file holding the export tests' rich grant (every setting used)."""
    path = tmp_path / "grant.json"
    path.write_text(rich_grant().to_json(indent=2), encoding="ascii")
    return path
