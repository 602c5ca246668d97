"""The ``xaccess`` command line.

``xaccess demo`` walks through a third-party role end to end on an embedded moto:
the customer builds a grant and creates the role, the vendor assumes it with the
external ID and reads a bucket, callers without the right external ID are refused,
the onboarding check passes, a careless role is flagged, and the roles are revoked.
Importing this module never imports boto3; the demo loads the AWS layer (and moto)
when it runs.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import version
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Args:
        argv: The arguments after the program name; ``None`` reads ``sys.argv``.

    Returns:
        ``0`` on success, ``2`` for a usage error.

    .. versionadded:: 0.1.0
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits for --help, --version and usage errors
        return _exit_status(exc)
    handler: Callable[[], int] = args.handler
    return handler()


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
    demo.set_defaults(handler=_demo)
    return parser


def _exit_status(exc: SystemExit) -> int:
    # argparse exits with 0 (--help, --version) or 2 (usage error).
    return int(exc.code or 0)


def _demo() -> int:
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
