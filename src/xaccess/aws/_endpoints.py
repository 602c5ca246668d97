"""Where STS is called: regions, partitions and the regional STS endpoint.

Region names are checked against botocore's partition data: a region of another partition than
the role's can never issue credentials for it. :func:`sts_client` makes the STS client on the
regional endpoint of the role's partition, overriding only a legacy configuration that sends
calls to the global endpoint.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import botocore.loaders

from xaccess._validate import check_str
from xaccess.errors import ValidationError

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_sts import STSClient

__all__ = [
    "GLOBAL_SIGNING_REGION",
    "check_sts_region",
    "is_http_url",
    "partition_of",
    "sts_client",
]

GLOBAL_SIGNING_REGION: Final = "us-east-1"
"""The region requests to the global STS endpoint are signed for."""
_GLOBAL_STS_HOST: Final = "sts.amazonaws.com"
_REGION: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)


@functools.cache
def _partition_data() -> tuple[tuple[str, str, re.Pattern[str], frozenset[str]], ...]:
    """(partition, DNS suffix, region regex, known regions) from botocore's partition data."""
    data = botocore.loaders.create_loader().load_data("partitions")
    return tuple(
        (
            str(item["id"]),
            str(item["outputs"]["dnsSuffix"]),
            re.compile(str(item["regionRegex"])),
            frozenset(item.get("regions", {})),
        )
        for item in data["partitions"]
    )


def partition_of(region: str) -> str | None:
    """The partition a region belongs to, or ``None`` when botocore does not know it."""
    for partition, _, _, regions in _partition_data():
        if region in regions:
            return partition
    for partition, _, pattern, _ in _partition_data():
        if pattern.match(region):
            return partition
    return None


def _dns_suffix(partition: str) -> str:
    for name, suffix, _, _ in _partition_data():
        if name == partition:
            return suffix
    return "amazonaws.com"  # pragma: no cover - every known partition is in botocore's data


def check_sts_region(value: object, *, field: str, partition: str) -> str:
    """Return ``value`` if it names a region whose STS can issue credentials in ``partition``.

    Refused are malformed names, pseudo-regions such as ``aws-global`` and regions botocore
    places in another partition; regions botocore does not list yet are matched by their
    partition's pattern.

    Raises:
        ValidationError: Naming ``field`` and the rule.
    """
    value = check_str(value, field)
    if _REGION.fullmatch(value) is None:
        raise ValidationError(field, f"must be a region name such as 'eu-west-1', got {value!r}")
    if value.endswith("-global"):
        raise ValidationError(
            field,
            f"{value!r} is a pseudo-region, not a region: pass a region such as 'us-east-1' "
            "(or use_global_endpoint=True for the global STS endpoint)",
        )
    found = partition_of(value)
    if found is not None and found != partition:
        raise ValidationError(
            field,
            f"region {value!r} is in partition {found!r} but the role is in {partition!r}; "
            "STS in one partition cannot issue credentials for another",
        )
    return value


def is_http_url(value: object) -> bool:
    """Whether ``value`` is an http(s) URL with a host, a valid port and no whitespace."""
    if not isinstance(value, str) or any(char.isspace() for char in value):
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError for a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def sts_client(
    session: boto3.Session,
    *,
    region: str,
    partition: str,
    endpoint_url: str | None,
    use_global: bool,
) -> STSClient:
    """Make the STS client to assume roles with: regional unless ``use_global``.

    An ``endpoint_url`` (a VPC endpoint, a test server), or one configured for STS in the
    environment or config file, stands. Otherwise botocore is overridden only where it picked
    the other kind of AWS STS endpoint (legacy global-endpoint configuration); a configured
    FIPS or dual-stack endpoint stands too.
    """
    client = session.client("sts", region_name=region, endpoint_url=endpoint_url)
    if endpoint_url is not None:
        return client
    regional = f"sts.{region}.{_dns_suffix(partition)}"
    wanted = _GLOBAL_STS_HOST if use_global else regional
    host = urlsplit(client.meta.endpoint_url).hostname
    if host != wanted and host in (_GLOBAL_STS_HOST, regional):
        client = session.client("sts", region_name=region, endpoint_url=f"https://{wanted}")
    return client
