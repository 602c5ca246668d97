"""``xaccess policy trust|permissions GRANT.json``: print a grant's policy documents.

``trust`` prints the trust policy; ``permissions`` prints the inline permission policies as one
JSON object, policy name to document (``{}`` for a grant without statements). Managed policies
and the permissions boundary are attached by ARN and are in the grant file itself.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from xaccess.cli._grant_file import add_grant_argument, read_grant

if TYPE_CHECKING:
    import argparse

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``xaccess policy``.

    .. versionadded:: 0.1.0
    """
    parser = subparsers.add_parser(
        "policy",
        help="print a grant's trust policy or permission policies",
        description=(
            "Print the trust policy, or the inline permission policies (a JSON object of "
            "policy name to document), that the grant in GRANT.json gives its role."
        ),
    )
    parser.add_argument(
        "document",
        choices=("trust", "permissions"),
        help="which documents to print",
    )
    add_grant_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the documents; ``0``.

    .. versionadded:: 0.1.0
    """
    grant = read_grant(args.grant)
    if args.document == "trust":
        text = grant.trust_policy().to_json(indent=2)
    else:
        policies = grant.permission_policies()
        documents = {policy.name: policy.document.to_dict() for policy in policies}
        text = json.dumps(documents, indent=2, ensure_ascii=True)
    print(text)
    return 0
