"""``xaccess demo``: a third-party role end to end, on an embedded moto.

Nothing here reaches AWS: moto serves IAM, STS and S3 in-process, and xaccess's
strict STS makes ``AssumeRole`` check trust policies and external IDs as AWS does.
The demo plays both sides — a customer granting a vendor read access to one bucket,
and the vendor using and checking that access. moto (the ``demo`` extra) and the AWS
layer are loaded only when the demo runs.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import os
import sys
import textwrap
from contextlib import ExitStack
from typing import TYPE_CHECKING, Final

import xaccess  # loaded already: this module is part of it; AWS names resolve on first use

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    import boto3

    from xaccess import AssumeRoleClient, ThirdPartyGrant

__all__ = ["add_parser", "run", "tell"]

VENDOR_ACCOUNT = "111122223333"
VENDOR_ROLE = f"arn:aws:iam::{VENDOR_ACCOUNT}:role/VendorWorker"
CUSTOMER_ACCOUNT = "444455556666"
BUCKET = "acme-logs"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
REGION: Final = "eu-west-1"

_FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``xaccess demo``.

    .. versionadded:: 0.1.0
    """
    parser = subparsers.add_parser(
        "demo",
        help="run a third-party role end to end on an embedded moto (no AWS account)",
        description=(
            "Create a third-party role, assume it with the external ID, show callers "
            "without it refused, run the onboarding check and revoke the role, all on an "
            "embedded moto with strict STS. Needs the 'demo' extra."
        ),
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo on stdout; ``0``, or ``1`` when moto is not installed.

    .. versionadded:: 0.1.0
    """
    try:
        return tell()
    except ModuleNotFoundError as missing:
        if missing.name not in ("moto", "boto3", "botocore"):
            raise
        print(
            f"xaccess demo needs {missing.name}, which is not installed: "
            "pip install 'xaccess[demo]'",
            file=sys.stderr,
        )
        return 1


def tell(out: Callable[[str], None] = print) -> int:
    """Run the demo, writing its narration through ``out``; return the exit status.

    Raises:
        ModuleNotFoundError: moto is not installed (``pip install 'xaccess[demo]'``).

    .. versionadded:: 0.1.0
    """
    from unittest import mock  # noqa: PLC0415 - only the demo patches the environment

    from moto import mock_aws  # noqa: PLC0415 - moto is only needed here

    with ExitStack() as stack:
        # patch.dict restores the whole environment on exit, removals included.
        stack.enter_context(mock.patch.dict(os.environ, _FAKE_ENVIRONMENT))
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "MOTO_ACCOUNT_ID"):
            os.environ.pop(name, None)
        stack.enter_context(mock_aws())
        _story(out)
    return 0


def _section(out: Callable[[str], None], title: str) -> None:
    out("")
    out(f"== {title}")


def _say(out: Callable[[str], None], text: str) -> None:
    out(textwrap.fill(" ".join(text.split()), width=88))


def _indent(text: str) -> str:
    return textwrap.indent(text, "   ")


def _story(out: Callable[[str], None]) -> None:
    from xaccess.testing import session_for, strict_sts  # noqa: PLC0415

    with strict_sts() as sts:
        _say(
            out,
            f"""Everything below runs against an embedded moto: no AWS account is used.
            xaccess's strict STS makes AssumeRole evaluate trust policies and external IDs
            as AWS does. The vendor works from {VENDOR_ROLE}; the customer is account
            {CUSTOMER_ACCOUNT}.""",
        )
        vendor = session_for(VENDOR_ROLE, region_name=REGION)
        customer = session_for(f"arn:aws:iam::{CUSTOMER_ACCOUNT}:root", region_name=REGION)
        customer_s3 = customer.client("s3")
        customer_s3.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        customer_s3.put_object(Bucket=BUCKET, Key="audit/2026-11.log", Body=b"all quiet\n")

        _section(out, "1. The vendor generates an external ID for this customer")
        external_id = xaccess.new_external_id()
        out(f"   external ID: {external_id}")
        grant = _describe_grant(out, external_id)
        client = _create_and_assume(out, grant, customer, vendor, external_id)
        _refuse_others(out, vendor, client.role_arn)
        _verify(out, client, customer, vendor, external_id)
        _revoke(out, customer)
        out("")
        allowed, denied_count = len(sts.allowed), len(sts.denied)
        out(
            f"Strict STS judged {allowed + denied_count} AssumeRole calls: "
            f"{allowed} allowed, {denied_count} denied."
        )


def _describe_grant(out: Callable[[str], None], external_id: str) -> ThirdPartyGrant:
    _section(out, "2. The customer describes the grant and checks it offline")
    grant: ThirdPartyGrant = xaccess.ThirdPartyGrant(
        role_name="AcmeAuditAccess",
        trusted_principal=VENDOR_ROLE,
        external_id=external_id,
        description="Read access to acme-logs for the vendor's auditor",
    ).allow(
        ["s3:GetObject", "s3:ListBucket"],
        [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
    )
    out("   trust policy:")
    out(_indent(_indent(grant.trust_policy().to_json(indent=2))))
    for policy in grant.permission_policies():
        out(f"   inline policy {policy.name}:")
        out(_indent(_indent(policy.document.to_json(indent=2))))
    vendor_ok = grant.can_assume(VENDOR_ROLE, external_id=external_id, account_id=CUSTOMER_ACCOUNT)
    stranger = grant.can_assume(
        f"arn:aws:iam::{VENDOR_ACCOUNT}:role/Intern",
        external_id=external_id,
        account_id=CUSTOMER_ACCOUNT,
    )
    no_id = grant.can_assume(VENDOR_ROLE, account_id=CUSTOMER_ACCOUNT)
    out(f"   offline: vendor role with the external ID -> {vendor_ok.outcome}")
    out(f"   offline: vendor role without it           -> {no_id.outcome}")
    out(f"   offline: another role of the vendor       -> {stranger.outcome}")
    return grant


def _create_and_assume(
    out: Callable[[str], None],
    grant: ThirdPartyGrant,
    customer: boto3.Session,
    vendor: boto3.Session,
    external_id: str,
) -> AssumeRoleClient:
    _section(out, "3. The customer creates the role (all or nothing)")
    created = grant.create(customer.client("iam"))
    out(f"   created {created.role_arn}")

    _section(out, "4. The vendor assumes the role and reads the customer's bucket")
    client: AssumeRoleClient = xaccess.AssumeRoleClient(
        role_arn=grant.role_arn(CUSTOMER_ACCOUNT),
        external_id=external_id,
        session_name="acme-audit",
        base_session=vendor,
        region_name=REGION,
    )
    s3 = client.session().client("s3")
    body = s3.get_object(Bucket=BUCKET, Key="audit/2026-11.log")["Body"].read()
    out(f"   read s3://{BUCKET}/audit/2026-11.log: {body.decode().strip()!r}")
    out(f"   credentials: {client.credentials()!r}")
    return client


def _refuse_others(out: Callable[[str], None], vendor: boto3.Session, role_arn: object) -> None:
    _section(out, "5. Callers without the right external ID are refused")
    for label, wrong in (
        ("no external ID", None),
        ("a wrong external ID", xaccess.new_external_id()),
    ):
        attempt = xaccess.AssumeRoleClient(
            role_arn=str(role_arn),
            external_id=wrong,
            session_name="acme-audit",
            base_session=vendor,
            region_name=REGION,
        )
        try:
            attempt.credentials()
        except xaccess.AssumeRoleDenied as denied:
            out(f"   with {label}: {denied.code} (as expected)")
        else:  # pragma: no cover - would mean strict STS let it through
            raise RuntimeError(f"STS accepted {label}")


def _verify(
    out: Callable[[str], None],
    client: AssumeRoleClient,
    customer: boto3.Session,
    vendor: boto3.Session,
    external_id: str,
) -> None:
    _section(out, "6. The vendor's onboarding check: verify()")
    report = client.verify()
    out(_indent(str(report)))
    report.raise_for_status()

    _section(out, "7. verify() flags a role that does not require the external ID")
    careless = xaccess.ThirdPartyGrant(
        role_name="CarelessAccess",
        trusted_principal=VENDOR_ROLE,
        allow_missing_external_id=True,
    ).allow("s3:ListBucket", f"arn:aws:s3:::{BUCKET}")
    careless_role = careless.create(customer.client("iam"))
    careless_report = xaccess.AssumeRoleClient(
        role_arn=careless_role.role_arn,
        external_id=external_id,
        session_name="acme-audit",
        base_session=vendor,
        region_name=REGION,
    ).verify()
    out(_indent(str(careless_report)))
    try:
        careless_report.raise_for_status()
    except xaccess.ConfusedDeputyRisk as risk:
        out(f"   ConfusedDeputyRisk: {risk}")


def _revoke(out: Callable[[str], None], customer: boto3.Session) -> None:
    _section(out, "8. The customer revokes both roles")
    iam = customer.client("iam")
    for name in ("AcmeAuditAccess", "CarelessAccess"):
        result = xaccess.revoke(iam, name)
        inline = ", ".join(result.deleted_inline_policies) or "none"
        out(f"   deleted role {result.role_name} (inline policies deleted: {inline})")
