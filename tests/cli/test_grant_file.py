"""Tests for reading grant files, from a path or from standard input."""

from __future__ import annotations

import io
import sys

import pytest

from tests.export.support import rich_grant
from xaccess.cli._grant_file import MAX_GRANT_FILE, read_grant
from xaccess.errors import ValidationError


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """'-' reads the grant from standard input's bytes."""
    _stdin(monkeypatch, rich_grant().to_json().encode())

    assert rich_grant() == read_grant("-")


def test_errors_in_standard_input_name_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """An invalid grant on standard input is reported on '<stdin>: FIELD'."""
    _stdin(monkeypatch, b'{"role_name": "no spaces allowed"}')

    with pytest.raises(ValidationError) as info:
        read_grant("-")

    assert "<stdin>: role_name" == info.value.field


def test_too_much_standard_input_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """More than MAX_GRANT_FILE bytes on standard input is refused before parsing."""
    _stdin(monkeypatch, b"{" * (MAX_GRANT_FILE + 1))

    with pytest.raises(ValidationError, match="larger than"):
        read_grant("-")
