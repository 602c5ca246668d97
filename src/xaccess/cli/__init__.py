"""The ``xaccess`` command line: one module per verb, each with ``add_parser`` and ``run``.

``xaccess demo`` walks through a third-party role end to end on an embedded moto: the
customer builds a grant and creates the role, the vendor assumes it with the external ID and
reads a bucket, callers without the right external ID are refused, the onboarding check
passes, a careless role is flagged, and the roles are revoked. ``xaccess audit`` finds the
confused deputy in policies, templates, plans and live accounts.

Importing this package never imports boto3: each verb loads what it needs when it runs. Bad
usage and unreadable input end as one ``xaccess: error: ...`` line on stderr and exit status 2.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import argparse
import importlib
import sys
from importlib.metadata import version
from typing import TYPE_CHECKING, Final

from xaccess.errors import XAccessError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["main"]

#: The verb modules, in the order ``--help`` lists them.
VERBS: Final = ("xaccess.cli.audit",)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Args:
        argv: The arguments after the program name; ``None`` reads ``sys.argv``.

    Returns:
        The verb's status (``0`` on success, ``1`` where a verb found something), or ``2`` for
        bad usage or unreadable input.

    .. versionadded:: 0.1.0
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits for --help, --version and usage errors
        return _exit_status(exc)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (XAccessError, OSError) as exc:
        print(f"xaccess: error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xaccess",
        description="IAM roles that a third party assumes with an external ID.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('xaccess')}")
    commands = parser.add_subparsers(metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="run a third-party role end to end on an embedded moto (no AWS account)",
        description=(
            "Create a third-party role, assume it with the external ID, show callers "
            "without it refused, run the onboarding check and revoke the role, all on an "
            "embedded moto with strict STS. Needs the 'demo' extra."
        ),
    )
    demo.set_defaults(run=_demo)
    for name in VERBS:
        importlib.import_module(name).add_parser(commands)
    return parser


def _exit_status(exc: SystemExit) -> int:
    # argparse exits with 0 (--help, --version) or 2 (usage error).
    return int(exc.code or 0)


def _demo(_args: argparse.Namespace) -> int:
    try:
        from xaccess import _demo  # noqa: PLC0415 - the AWS layer loads only for the demo

        return _demo.run()
    except ModuleNotFoundError as missing:
        if missing.name not in ("moto", "boto3", "botocore"):
            raise
        print(
            f"xaccess demo needs {missing.name}, which is not installed: "
            "pip install 'xaccess[demo]'",
            file=sys.stderr,
        )
        return 1
