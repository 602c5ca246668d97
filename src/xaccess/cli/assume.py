"""``xaccess assume ROLE_ARN --external-id ID``: print credentials for an AWS profile.

The output is what an AWS config profile's ``credential_process`` expects::

    {
        "Version": 1,
        "AccessKeyId": "...",
        "SecretAccessKey": "...",
        "SessionToken": "...",
        "Expiration": "2026-12-04T18:00:00Z",
    }

so that every AWS SDK and the AWS CLI can use the customer's role through xaccess::

    [profile acme]
    credential_process = xaccess assume arn:aws:iam::444455556666:role/AcmeAudit
        --external-id=ID --region eu-west-1 --profile vendor

``--env`` prints shell ``export`` lines instead. This is the only verb whose output holds
credentials; they appear nowhere else (not on stderr, not in logs).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import json
import shlex
from typing import TYPE_CHECKING

from xaccess.cli._role_client import add_role_arguments, role_client, role_run
from xaccess.limits import DEFAULT_DURATION, MAX_DURATION, MIN_DURATION

if TYPE_CHECKING:
    import argparse

    from xaccess import TemporaryCredentials

__all__ = ["add_parser", "credential_process_output", "env_output", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``xaccess assume``.

    .. versionadded:: 0.1.0
    """
    parser = subparsers.add_parser(
        "assume",
        help="assume a role and print credential_process JSON (or shell exports)",
        description=(
            "Assume ROLE_ARN with the external ID and print the credentials as the JSON an AWS "
            "profile's credential_process expects, or as shell exports with --env."
        ),
    )
    add_role_arguments(parser)
    parser.add_argument(
        "--duration",
        type=int,
        default=DEFAULT_DURATION,
        metavar="SECONDS",
        help=f"how long the credentials live, {MIN_DURATION}-{MAX_DURATION} seconds, at most "
        f"the role's maximum (default {DEFAULT_DURATION})",
    )
    parser.add_argument(
        "--env",
        action="store_true",
        help="print 'export AWS_...=...' lines for a POSIX shell instead of JSON",
    )
    parser.set_defaults(run=run)


def _expiration(credentials: TemporaryCredentials) -> str:
    return credentials.expiration.strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_process_output(credentials: TemporaryCredentials) -> str:
    """The credentials as ``credential_process`` JSON (``Version`` 1).

    .. versionadded:: 0.1.0
    """
    return json.dumps(
        {
            "Version": 1,
            "AccessKeyId": credentials.access_key_id,
            "SecretAccessKey": credentials.secret_access_key,
            "SessionToken": credentials.session_token,
            "Expiration": _expiration(credentials),
        }
    )


def env_output(credentials: TemporaryCredentials) -> str:
    """The credentials as POSIX shell ``export`` lines.

    .. versionadded:: 0.1.0
    """
    values = {
        "AWS_ACCESS_KEY_ID": credentials.access_key_id,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
        "AWS_SESSION_TOKEN": credentials.session_token,
        "AWS_CREDENTIAL_EXPIRATION": _expiration(credentials),
    }
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in values.items())


def run(args: argparse.Namespace) -> int:
    """Assume the role and print its credentials; ``0``.

    .. versionadded:: 0.1.0
    """
    with role_run():
        credentials = role_client(args, duration=args.duration).credentials()
    print(env_output(credentials) if args.env else credential_process_output(credentials))
    return 0
