"""``xaccess quick-create-url GRANT.json ...``: print a console link that creates the stack.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xaccess.cli._grant_file import add_grant_argument, read_grant
from xaccess.cli._options import named_as_options
from xaccess.errors import ValidationError

if TYPE_CHECKING:
    import argparse

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``xaccess quick-create-url``.

    .. versionadded:: 0.1.0
    """
    parser = subparsers.add_parser(
        "quick-create-url",
        help="print the CloudFormation console link that creates a grant's stack",
        description=(
            "Print the CloudFormation console's quick-create link for the template of the "
            "grant in GRANT.json (as printed by 'xaccess export cloudformation' and hosted at "
            "--template-url), with the stack name and the customer's external ID filled in."
        ),
    )
    add_grant_argument(parser)
    parser.add_argument(
        "--template-url",
        required=True,
        metavar="URL",
        help="the https:// URL where the template is hosted (an S3 object URL)",
    )
    parser.add_argument(
        "--region", required=True, help="the region whose console opens (and gets the stack)"
    )
    parser.add_argument("--stack-name", required=True, metavar="NAME", help="the stack name")
    parser.add_argument(
        "--external-id",
        metavar="ID",
        help="this customer's external ID (default: the grant file's current external ID)",
    )
    parser.add_argument(
        "--external-id-parameter",
        default="ExternalId",
        metavar="NAME",
        help="the template's external ID parameter, as given to 'xaccess export "
        "cloudformation' (default ExternalId)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the link; ``0``.

    .. versionadded:: 0.1.0
    """
    from xaccess.export import quick_create_url  # noqa: PLC0415 - loaded when the verb runs

    grant = read_grant(args.grant)
    external_id = grant.external_id if args.external_id is None else args.external_id
    if external_id is None:
        raise ValidationError("--external-id", "is required: the grant file holds no external ID")
    with named_as_options(
        template_url="--template-url",
        region="--region",
        stack_name="--stack-name",
        external_id="--external-id",
        external_id_parameter="--external-id-parameter",
    ):
        url = quick_create_url(
            grant,
            args.template_url,
            region=args.region,
            stack_name=args.stack_name,
            external_id=external_id,
            external_id_parameter=args.external_id_parameter,
        )
    print(url)
    return 0
