"""``xaccess export cloudformation|terraform GRANT.json``: print an onboarding export.

``cloudformation`` prints the template of :func:`xaccess.export.to_cloudformation` as JSON, or
as YAML with ``--yaml`` (needs PyYAML: the ``yaml`` extra); ``terraform`` prints the
``.tf.json`` configuration of :func:`xaccess.export.to_terraform`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from xaccess.cli._grant_file import add_grant_argument, read_grant
from xaccess.cli._options import named_as_options

if TYPE_CHECKING:
    import argparse

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``xaccess export``.

    .. versionadded:: 0.1.0
    """
    parser = subparsers.add_parser(
        "export",
        help="print a CloudFormation template or Terraform file that creates a grant's role",
        description=(
            "Print a CloudFormation template or a Terraform JSON configuration that creates "
            "exactly the role the grant in GRANT.json describes, with the external ID left as a "
            "parameter (variable), so that one file serves every customer."
        ),
    )
    targets = parser.add_subparsers(dest="target", metavar="FORMAT", required=True)
    template = targets.add_parser(
        "cloudformation",
        help="a CloudFormation template (JSON, or YAML with --yaml)",
        description="Print a CloudFormation template; deploy it with CAPABILITY_NAMED_IAM.",
    )
    add_grant_argument(template)
    template.add_argument(
        "--yaml", action="store_true", help="print YAML instead of JSON (needs PyYAML)"
    )
    template.add_argument(
        "--external-id-parameter",
        default="ExternalId",
        metavar="NAME",
        help="the template parameter that holds the external ID (default ExternalId)",
    )
    terraform = targets.add_parser(
        "terraform",
        help="a Terraform JSON configuration (save it as a .tf.json file)",
        description="Print a Terraform JSON configuration (save it as a .tf.json file).",
    )
    add_grant_argument(terraform)
    terraform.add_argument(
        "--external-id-variable",
        default="external_id",
        metavar="NAME",
        help="the input variable that holds the external ID (default external_id)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the export; ``0``, or ``1`` when ``--yaml`` is asked for without PyYAML.

    .. versionadded:: 0.1.0
    """
    from xaccess import export  # noqa: PLC0415 - loaded when the verb runs

    grant = read_grant(args.grant)
    options = named_as_options(
        external_id_variable="--external-id-variable",
        external_id_parameter="--external-id-parameter",
    )
    if args.target == "terraform":
        with options:
            config = export.to_terraform(grant, external_id_variable=args.external_id_variable)
        text = export.render_json(config)
    else:
        with options:
            template = export.to_cloudformation(
                grant, external_id_parameter=args.external_id_parameter
            )
        if not args.yaml:
            text = export.render_json(template)
        else:
            try:
                text = export.render_yaml(template)
            except ModuleNotFoundError as missing:
                if missing.name != "yaml":
                    raise
                print(
                    "xaccess: error: --yaml needs PyYAML, which is not installed: "
                    "pip install 'xaccess[yaml]'",
                    file=sys.stderr,
                )
                return 1
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))  # UTF-8 whatever the locale
    sys.stdout.buffer.flush()
    return 0
