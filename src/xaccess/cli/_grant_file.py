"""Reading a grant file: the JSON of :meth:`xaccess.ThirdPartyGrant.to_json`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Final

from xaccess.errors import ValidationError

if TYPE_CHECKING:
    import argparse

    from xaccess.grant import ThirdPartyGrant

__all__ = ["MAX_GRANT_FILE", "add_grant_argument", "read_grant"]

MAX_GRANT_FILE: Final = 1 << 20
"""The largest grant file read, in bytes; a real one is a few kilobytes (its policies fit IAM's
quotas), so anything larger is refused before it is parsed."""

_STDIN: Final = "-"


def add_grant_argument(parser: argparse.ArgumentParser) -> None:
    """Add the positional ``GRANT.json`` argument to ``parser``."""
    parser.add_argument(
        "grant",
        metavar="GRANT.json",
        help="a grant file: the JSON of ThirdPartyGrant.to_json(); '-' reads standard input",
    )


def read_grant(path: str) -> ThirdPartyGrant:
    """Read and validate the grant in the file ``path`` (``-`` for standard input).

    Raises:
        OSError: The file cannot be read.
        ValidationError: The file is too large or does not hold a valid grant; the error
            names the file.
    """
    from xaccess.grant import ThirdPartyGrant  # noqa: PLC0415 - loaded by the verbs that read

    if path == _STDIN:
        data = sys.stdin.buffer.read(MAX_GRANT_FILE + 1)
        shown = "<stdin>"
    else:
        with open(path, "rb") as file:
            data = file.read(MAX_GRANT_FILE + 1)
        shown = path
    if len(data) > MAX_GRANT_FILE:
        raise ValidationError(shown, f"is larger than {MAX_GRANT_FILE} bytes; not a grant file")
    try:
        return ThirdPartyGrant.from_json(data)
    except ValidationError as error:
        field = f"{shown}: {error.field}" if error.field else shown
        raise ValidationError(field, error.rule) from None
