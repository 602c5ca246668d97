"""What ``xaccess assume`` and ``xaccess verify`` share: their options and the client they make.

The vendor's own credentials come from boto3's usual chain (environment, ``--profile``, config
files, instance roles); an endpoint set in the environment (``AWS_ENDPOINT_URL``,
``AWS_ENDPOINT_URL_STS``) is respected. When ``xaccess assume`` is an AWS profile's
``credential_process``, the base credentials must not come from that same profile, or each run
would start another: nested runs are counted in an environment variable and refused beyond
:data:`MAX_NESTING`.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Any, Final

from xaccess.cli._options import named_as_options
from xaccess.errors import AWSError, ValidationError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator

    import boto3

    from xaccess import AssumeRoleClient

__all__ = [
    "MAX_NESTING",
    "NESTING_VARIABLE",
    "add_role_arguments",
    "aws_configuration",
    "configured_client",
    "role_client",
    "role_run",
]

NESTING_VARIABLE: Final = "XACCESS_CLI_NESTING"
"""How many ``xaccess assume``/``verify`` runs enclose this one (through credential_process)."""
MAX_NESTING: Final = 3
"""The deepest nesting allowed: enough for a deliberate chain, few enough to stop a loop fast."""

DEFAULT_SESSION_NAME: Final = "xaccess"


def add_role_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``ROLE_ARN``, ``--external-id``, ``--session-name``, ``--region``, ``--profile``."""
    parser.add_argument("role_arn", metavar="ROLE_ARN", help="the customer's role")
    parser.add_argument(
        "--external-id",
        required=True,
        metavar="ID",
        help="the external ID the role requires (use --external-id=ID if it starts with -)",
    )
    parser.add_argument(
        "--session-name",
        default=DEFAULT_SESSION_NAME,
        metavar="NAME",
        help=f"the RoleSessionName, seen in the customer's CloudTrail "
        f"(default {DEFAULT_SESSION_NAME})",
    )
    parser.add_argument(
        "--region",
        help="the region whose STS endpoint is called (default: the configured region)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="the AWS profile with the vendor's own credentials (default: boto3's chain)",
    )


@contextlib.contextmanager
def role_run() -> Iterator[None]:
    """Run one ``assume`` or ``verify``: counted for nested runs, botocore errors made AWSError.

    Raises:
        ValidationError: Runs nest deeper than :data:`MAX_NESTING`.
        AWSError: A botocore error escaped (a missing profile, an unreadable configuration).
    """
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415 - the AWS layer loads on use

    previous = os.environ.get(NESTING_VARIABLE)
    depth = int(previous) if previous is not None and previous.isdigit() else 0
    if depth >= MAX_NESTING:
        raise ValidationError(
            "--profile",
            f"xaccess is running inside {depth} other xaccess runs: the base credentials "
            "probably come from a profile whose credential_process runs xaccess itself; "
            "pass --profile with the vendor's own credentials",
        )
    os.environ[NESTING_VARIABLE] = str(depth + 1)
    try:
        yield
    except BotoCoreError as error:
        raise AWSError(str(error), code=type(error).__name__, operation="configure") from error
    finally:
        if previous is None:
            del os.environ[NESTING_VARIABLE]
        else:
            os.environ[NESTING_VARIABLE] = previous


@contextlib.contextmanager
def aws_configuration() -> Iterator[None]:
    """Make the AWS configuration mistakes raised within an AWSError (code: the error's type).

    Only the making of a session or client belongs inside: there, a
    :class:`botocore.exceptions.BotoCoreError` (``ProfileNotFound``, ``ConfigParseError``,
    ``InvalidRegionError``, an invalid retry mode ...) and the :class:`ValueError` botocore
    raises for a malformed endpoint URL or ``AWS_MAX_ATTEMPTS`` come from the configuration,
    never from xaccess.

    Raises:
        AWSError: The configuration is unusable; the botocore error is the ``__cause__``.
    """
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415 - the AWS layer loads on use

    try:
        yield
    except (BotoCoreError, ValueError) as error:
        message = f"the AWS configuration is unusable: {error}"
        raise AWSError(message, code=type(error).__name__, operation="configure") from error


def configured_client(
    service: str, *, profile: str | None = None, region: str | None = None
) -> tuple[boto3.Session, Any]:
    """A boto3 session and a client of ``service`` made from it, configuration checked.

    The client is made at once, so that a configuration mistake (environment, config files,
    profile) is one AWSError here rather than a traceback from deep inside a later call.

    Raises:
        AWSError: As :func:`aws_configuration`.
    """
    import boto3  # noqa: PLC0415 - the AWS layer loads on use

    with aws_configuration():
        session = boto3.Session(profile_name=profile)
        client = session.client(service, region_name=region or session.region_name)  # type: ignore[call-overload]
    return session, client


def role_client(args: argparse.Namespace, *, duration: int = 3600) -> AssumeRoleClient:
    """The :class:`~xaccess.AssumeRoleClient` the arguments describe; call within role_run().

    Raises:
        ValidationError: An argument is invalid, or no region is configured.
        AWSError: The profile does not exist or the AWS configuration is unusable (checked
            by making an STS client from it: :func:`aws_configuration`).
    """
    import boto3  # noqa: PLC0415 - the AWS layer loads on use

    import xaccess  # noqa: PLC0415 - AssumeRoleClient is resolved on first use

    with aws_configuration():
        base = boto3.Session(profile_name=args.profile)
        region = args.region or base.region_name
    if region is None:
        raise ValidationError(
            "--region", "no region is configured: pass --region or set AWS_REGION"
        )
    with named_as_options(
        role_arn="ROLE_ARN",
        external_id="--external-id",
        session_name="--session-name",
        duration_seconds="--duration",
        region_name="--region",
    ):
        client = xaccess.AssumeRoleClient(
            role_arn=args.role_arn,
            external_id=args.external_id,
            session_name=args.session_name,
            duration_seconds=duration,
            base_session=base,
            region_name=region,
        )
    with aws_configuration():  # the client makes its STS client later, from the same settings
        base.client("sts", region_name=region)
    return client
