"""The ``xaccess`` command line.

``xaccess demo`` prints the documents behind a third-party role: the trust policy
that admits one vendor account only with the right external ID, and a permission
policy scoped to what the vendor needs. The command line belongs to the pure core:
importing it never imports boto3.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import argparse
import json
import secrets
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["main"]

_DEMO_ROLE = "AcmeAuditAccess"
_DEMO_VENDOR_ACCOUNT = "111122223333"
_DEMO_BUCKET = "acme-logs"


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
        help="print an example trust policy and permission policy",
        description="Print the documents of an example third-party role.",
    )
    demo.set_defaults(handler=_demo)
    return parser


def _exit_status(exc: SystemExit) -> int:
    # argparse exits with 0 (--help, --version) or 2 (usage error).
    return int(exc.code or 0)


def _demo() -> int:
    # Plain dictionaries keep this command independent of the AWS layer; the demo
    # grows with the library.
    external_id = secrets.token_hex(16)
    trust_policy: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{_DEMO_VENDOR_ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
            }
        ],
    }
    permission_policy: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{_DEMO_BUCKET}", f"arn:aws:s3:::{_DEMO_BUCKET}/*"],
            }
        ],
    }
    print(
        f"A customer creates the role {_DEMO_ROLE} so that the vendor account\n"
        f"{_DEMO_VENDOR_ACCOUNT} can read the bucket {_DEMO_BUCKET}. The vendor generated\n"
        f"the external ID {external_id} for this customer\n"
        "alone. STS lets the vendor in only when it passes that ID, so nobody else can\n"
        "trick the vendor into using the role for them (the confused deputy)."
    )
    print()
    print(f"Trust policy of {_DEMO_ROLE}:")
    print(json.dumps(trust_policy, indent=2, ensure_ascii=True))
    print()
    print(f"Inline permission policy of {_DEMO_ROLE}:")
    print(json.dumps(permission_policy, indent=2, ensure_ascii=True))
    return 0
