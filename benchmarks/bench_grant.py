"""Building a grant: ``ThirdPartyGrant`` against the same documents written with awacs.

One "typical" grant: a vendor role pinned by ``aws:PrincipalArn``, one external ID,
a session-name pattern, and five permission statements that cannot be merged. Each
iteration builds everything from scratch for a new customer (its own external ID,
account and bucket, so xaccess's caches of already validated text do not hide the
checks) and serialises the trust policy and the permission policies to JSON. awacs
builds the same two documents (checked equal before timing) and only checks the
types of what it is given, so the ratio is mostly the price of xaccess's checks.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import TYPE_CHECKING, Any

from awacs import awsencode, dynamodb, kms, s3, sts
from awacs.aws import (
    Allow,
    AWSPrincipal,
    Condition,
    Deny,
    Statement,
    StringEquals,
    StringLike,
)
from awacs.aws import PolicyDocument as AwacsDocument

from xaccess.grant import ThirdPartyGrant
from xaccess.policy import PolicyDocument

if TYPE_CHECKING:
    from collections.abc import Callable

TITLE = "ThirdPartyGrant build + JSON vs awacs (5 permission statements)"

VENDOR_ROLE = "arn:aws:iam::111122223333:role/vendor/Scanner"
VIA_S3 = "s3.eu-west-1.amazonaws.com"

SECONDS = 2.0
QUICK_SECONDS = 0.2


def _customer(number: int) -> tuple[str, str, str, str]:
    """External ID, bucket, table and key ARNs of customer ``number`` (both builders call it)."""
    account = f"4444{number % 10**8:08d}"
    return (
        f"4f1b6c0e9a2d4e7fb3c85d1e0a9f2b7c{number % 16**8:08x}",
        f"arn:aws:s3:::acme-logs-{number}",
        f"arn:aws:dynamodb:eu-west-1:{account}:table/Audit",
        f"arn:aws:kms:eu-west-1:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    )


def build_xaccess(number: int) -> tuple[str, list[str]]:
    """Build customer ``number``'s grant; return its trust and permission policies as JSON."""
    external_id, bucket, table, key = _customer(number)
    grant = (
        ThirdPartyGrant(
            role_name="AcmeAuditAccess",
            trusted_principal=VENDOR_ROLE,
            external_id=external_id,
        )
        .restrict_session_name("acme-*")
        .allow(["s3:GetObject", "s3:GetObjectVersion"], [f"{bucket}/*"])
        .allow("s3:ListBucket", bucket, {"StringLike": {"s3:prefix": ["logs/*", "audit/*"]}})
        .allow(["dynamodb:Query", "dynamodb:GetItem"], table)
        .allow("kms:Decrypt", key, {"StringEquals": {"kms:ViaService": VIA_S3}})
        .deny("s3:DeleteObject", f"{bucket}/*")
    )
    trust = grant.trust_policy().to_json()
    return trust, [policy.document.to_json() for policy in grant.permission_policies()]


def build_awacs(number: int) -> tuple[str, list[str]]:
    """The same two documents with awacs (imported at the top, not on every build)."""
    external_id, bucket, table, key = _customer(number)

    trust = AwacsDocument(
        Version="2012-10-17",
        Statement=[
            Statement(
                Effect=Allow,
                Principal=AWSPrincipal("arn:aws:iam::111122223333:root"),
                Action=[sts.AssumeRole],
                Condition=Condition(
                    [
                        StringEquals(
                            {"aws:PrincipalArn": VENDOR_ROLE, "sts:ExternalId": external_id}
                        ),
                        StringLike({"sts:RoleSessionName": "acme-*"}),
                    ]
                ),
            )
        ],
    )
    permissions = AwacsDocument(
        Version="2012-10-17",
        Statement=[
            Statement(
                Effect=Allow,
                Action=[s3.GetObject, s3.GetObjectVersion],
                Resource=[f"{bucket}/*"],
            ),
            Statement(
                Effect=Allow,
                Action=[s3.ListBucket],
                Resource=[bucket],
                Condition=Condition(StringLike({"s3:prefix": ["logs/*", "audit/*"]})),
            ),
            Statement(
                Effect=Allow,
                Action=[dynamodb.Query, dynamodb.GetItem],
                Resource=[table],
            ),
            Statement(
                Effect=Allow,
                Action=[kms.Decrypt],
                Resource=[key],
                Condition=Condition(StringEquals({"kms:ViaService": VIA_S3})),
            ),
            Statement(Effect=Deny, Action=[s3.DeleteObject], Resource=[f"{bucket}/*"]),
        ],
    )

    # Compact JSON, as xaccess emits it (awacs's to_json only indents).
    def compact(document: AwacsDocument) -> str:
        return json.dumps(document.properties, cls=awsencode, separators=(",", ":"))

    return compact(trust), [compact(permissions)]


def _canonical(documents: tuple[str, list[str]]) -> list[dict[str, Any]]:
    trust, permissions = documents
    return [PolicyDocument.from_json(text).to_dict() for text in (trust, *permissions)]


def check_equivalent() -> None:
    """Fail unless both builders produce the same documents (compared canonically)."""
    ours, theirs = _canonical(build_xaccess(0)), _canonical(build_awacs(0))
    if ours != theirs:
        msg = f"xaccess and awacs documents differ:\n{ours}\n{theirs}"
        raise AssertionError(msg)


_CUSTOMERS = itertools.count(1)  # every build, by either builder, is for a new customer


def _rate(build: Callable[[int], object], seconds: float) -> float:
    """Builds per second in the fastest of many short batches run for about ``seconds``.

    The fastest batch is the one least disturbed by other load on the machine, which is
    what makes two rates measured one after the other comparable.
    """
    build(next(_CUSTOMERS))  # warm up
    batch = 20
    best = float("inf")
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        for _ in range(batch):
            build(next(_CUSTOMERS))
        best = min(best, (time.perf_counter() - started) / batch)
    return 1 / best


def run(quick: bool) -> None:
    """Print grants built and serialised per second, for xaccess and awacs, and the ratio."""
    check_equivalent()
    seconds = QUICK_SECONDS if quick else SECONDS
    # Interleave rounds so that drift in machine load affects both builders alike.
    rates: dict[str, list[float]] = {"xaccess": [], "awacs": []}
    for _ in range(3):
        rates["xaccess"].append(_rate(build_xaccess, seconds / 3))
        rates["awacs"].append(_rate(build_awacs, seconds / 3))
    ours, theirs = max(rates["xaccess"]), max(rates["awacs"])
    print("   documents checked equal (parsed with PolicyDocument.from_json); best of batches")
    for label, rate in (("xaccess ThirdPartyGrant", ours), ("awacs (type checks)", theirs)):
        print(f"   {label:<24} {rate:10.0f} grants/s  ({1e6 / rate:7.1f} us each)")
    if ours >= theirs:
        print(f"   xaccess is {ours / theirs:.2f}x as fast as awacs")
    else:
        print(f"   awacs is {theirs / ours:.2f}x as fast as xaccess")
