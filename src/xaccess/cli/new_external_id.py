"""``xaccess new-external-id``: print a new random external ID.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xaccess.cli._options import named_as_options
from xaccess.limits import DEFAULT_EXTERNAL_ID_BYTES

if TYPE_CHECKING:
    import argparse

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``xaccess new-external-id``.

    .. versionadded:: 0.1.0
    """
    parser = subparsers.add_parser(
        "new-external-id",
        help="print a new random external ID (one per customer)",
        description=(
            "Print a new external ID from the operating system's secure random source, as "
            "lowercase hex. Generate one per customer and keep it with that customer's record."
        ),
    )
    parser.add_argument(
        "--bytes",
        type=int,
        default=DEFAULT_EXTERNAL_ID_BYTES,
        metavar="N",
        dest="nbytes",
        help=f"random bytes, 16 (128 bits) or more (default {DEFAULT_EXTERNAL_ID_BYTES})",
    )
    parser.add_argument(
        "--prefix",
        default="",
        metavar="TEXT",
        help="text put in front, for example 'acme-' (external-ID characters only)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the external ID; ``0``.

    .. versionadded:: 0.1.0
    """
    from xaccess.identifiers import new_external_id  # noqa: PLC0415 - keeps the CLI light

    with named_as_options(nbytes="--bytes", prefix="--prefix"):
        external_id = new_external_id(nbytes=args.nbytes, prefix=args.prefix)
    print(external_id)
    return 0
