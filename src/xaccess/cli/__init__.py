"""The ``xaccess`` command line: one module per verb.

Each verb lives in ``xaccess/cli/<verb>.py`` with two functions: ``add_parser(subparsers)``
registers it (ending with ``parser.set_defaults(run=run)``) and ``run(args)`` does the work and
returns the exit status: ``0`` when all is well, ``1`` when the verb found something (a role
open to the confused deputy) or an optional dependency is missing. Bad usage and unreadable
input give one line on stderr (``xaccess: error: ...``) and exit status ``2``, never a
traceback: verbs signal it by raising :class:`~xaccess.errors.XAccessError` (usually
:class:`~xaccess.errors.ValidationError`) or :class:`OSError`. Output goes to stdout,
diagnostics to stderr.

Importing this package, or any verb module, never imports boto3: verbs load what they need
when they run.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import TYPE_CHECKING, Final, NoReturn

from xaccess.errors import XAccessError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["USAGE_ERROR", "VERBS", "build_parser", "main", "one_line", "printable"]

VERBS: Final = (
    "demo",
    "policy",
    "export",
    "quick_create_url",
    "audit",
    "assume",
    "verify",
    "new_external_id",
)
"""The modules of ``xaccess.cli`` that each register one verb, in the order ``--help`` lists them.

.. versionadded:: 0.1.0
"""

_PREFIX: Final = "xaccess: error: "
USAGE_ERROR: Final = 2
"""The exit status for bad usage and unreadable input.

.. versionadded:: 0.1.0
"""


def one_line(text: str) -> str:
    """``text`` with every run of whitespace, line breaks included, made one space.

    .. versionadded:: 0.1.0
    """
    return " ".join(text.split())


def printable(text: str) -> str:
    """``text`` with every character that is not printable (control characters, line breaks,
    escape sequences, format characters) written as a Python escape such as ``\\x1b``.

    Text that comes from audited files or AWS goes through it before it reaches a terminal,
    so that it cannot forge lines of the report or move the cursor.

    .. versionadded:: 0.1.0
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, exit status 2."""

    def error(self, message: str) -> NoReturn:
        usage = one_line(self.format_usage())
        self.exit(USAGE_ERROR, f"{_PREFIX}{one_line(message)} ({usage})\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of the whole command line, every verb of :data:`VERBS` registered.

    .. versionadded:: 0.1.0
    """
    from importlib.metadata import version  # noqa: PLC0415 - slow to import, needed here only

    parser = _Parser(
        prog="xaccess",
        description="IAM roles that a third party assumes with an external ID.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('xaccess')}")
    verbs = parser.add_subparsers(metavar="COMMAND", required=True)
    for name in VERBS:
        importlib.import_module(f"{__name__}.{name}").add_parser(verbs)
    return parser


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        where = f"{error.filename}: " if error.filename is not None else ""
        return f"{where}{error.strerror}"
    return str(error) or type(error).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Args:
        argv: The arguments after the program name; ``None`` reads ``sys.argv``.

    Returns:
        ``0`` on success; ``1`` when the verb found something (see each verb); ``2`` for bad
        usage or unreadable input, reported in one line on stderr.

    .. versionadded:: 0.1.0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits for --help, --version and usage errors
        return int(exc.code or 0)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (XAccessError, OSError) as error:
        print(f"{_PREFIX}{printable(one_line(_describe(error)))}", file=sys.stderr)
        return USAGE_ERROR
