"""``xaccess verify ROLE_ARN --external-id ID``: the vendor's onboarding check.

Runs :meth:`xaccess.AssumeRoleClient.verify`: the role must be assumable with the external ID,
and refuse callers without it or with a wrong one. Prints the report (``--format text`` or
``json``) and exits ``0`` when the role passed, ``1`` when it failed: above all when it is open
to the confused deputy (assumable without the external ID), but also when it cannot be assumed
with it. The report never shows credentials or the external ID.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from xaccess.cli._role_client import add_role_arguments, role_client, role_run

if TYPE_CHECKING:
    import argparse

    from xaccess import VerificationReport

__all__ = ["add_parser", "report_to_dict", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``xaccess verify``.

    .. versionadded:: 0.1.0
    """
    parser = subparsers.add_parser(
        "verify",
        help="check that a role requires its external ID (exit 1 when it does not)",
        description=(
            "Assume ROLE_ARN with the external ID, check who the credentials are, then try "
            "without an external ID and with a wrong one, which must both be refused. Exits 1 "
            "when the role fails, above all when it is open to the confused deputy."
        ),
    )
    add_role_arguments(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="how to print the report (default text)",
    )
    parser.set_defaults(run=run)


def report_to_dict(report: VerificationReport) -> dict[str, Any]:
    """The report as a JSON-ready ``dict``.

    .. versionadded:: 0.1.0
    """
    return {
        "role_arn": report.role_arn,
        "ok": report.ok,
        "confused_deputy": report.confused_deputy,
        "checks": [
            {
                "name": check.name,
                "title": check.title,
                "outcome": check.outcome,
                "expected": check.expected,
                "observed": check.observed,
            }
            for check in report.checks
        ],
    }


def run(args: argparse.Namespace) -> int:
    """Verify the role and print the report; ``0`` if it passed, ``1`` if not.

    .. versionadded:: 0.1.0
    """
    with role_run():
        report = role_client(args).verify()
    if args.format == "json":
        print(json.dumps(report_to_dict(report), indent=2, ensure_ascii=True))
    else:
        print(report)
    return 0 if report.ok else 1
