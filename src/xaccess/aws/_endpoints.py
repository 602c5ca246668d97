"""Where STS is called: regions, partitions and the regional STS endpoint.

Region names are checked against botocore's partition data: a region of another partition than
the role's can never issue credentials for it. :class:`StsConnection` holds the base session
and makes the STS client on the regional endpoint of the role's partition, overriding only a
legacy configuration that sends calls to the global endpoint.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import boto3
import botocore.loaders

from xaccess._validate import check_bool, check_str, type_name
from xaccess.aws import _redact
from xaccess.errors import ValidationError

if TYPE_CHECKING:
    import threading

    from botocore.config import Config
    from mypy_boto3_sts import STSClient

    from xaccess.aws.credentials import TemporaryCredentials

__all__ = [
    "GLOBAL_SIGNING_REGION",
    "StsConnection",
    "check_sts_region",
    "is_http_url",
    "partition_of",
    "sts_client",
]

_LOG: Final = logging.getLogger(__name__)

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
    config: Config | None = None,
) -> STSClient:
    """Make the STS client to assume roles with: regional unless ``use_global``.

    An ``endpoint_url`` (a VPC endpoint, a test server), or one configured for STS in the
    environment or config file, stands. Otherwise botocore is overridden only where it picked
    the other kind of AWS STS endpoint (legacy global-endpoint configuration); a configured
    FIPS or dual-stack endpoint stands too. ``config`` is botocore's client configuration.
    """
    client = session.client("sts", region_name=region, endpoint_url=endpoint_url, config=config)
    if endpoint_url is not None:
        return client
    regional = f"sts.{region}.{_dns_suffix(partition)}"
    wanted = _GLOBAL_STS_HOST if use_global else regional
    host = urlsplit(client.meta.endpoint_url).hostname
    if host != wanted and host in (_GLOBAL_STS_HOST, regional):
        client = session.client(
            "sts", region_name=region, endpoint_url=f"https://{wanted}", config=config
        )
    return client


def _shared_sts_client(value: object) -> STSClient | None:
    """``value`` if it is a boto3 STS client (or ``None``); anything else is refused."""
    if value is None:
        return None
    model = getattr(getattr(value, "meta", None), "service_model", None)
    if getattr(model, "service_name", None) != "sts":
        raise ValidationError(
            "sts_client", f"must be a boto3 client of the sts service, got {type_name(value)}"
        )
    return value  # type: ignore[return-value]


class StsConnection:
    """The vendor's base session and its STS client for one role, made on first use.

    Checks the endpoint arguments when made; resolves the region (given, the shared STS client's
    or the base session's) and the STS client on first use, under the owner's lock, and looks
    up the base session's own identity once when asked. A shared ``sts_client`` (one per region
    for many roles) is used as it is: its endpoint is the one it was made with.

    Raises:
        ValidationError: If an argument is invalid (made) or no region is known (used).
    """

    def __init__(
        self,
        *,
        partition: str,
        base_session: object,
        region_name: object,
        use_global_endpoint: object,
        sts_endpoint_url: object,
        lock: threading.RLock,
        sts_client: object = None,
    ) -> None:
        if base_session is not None and not isinstance(base_session, boto3.Session):
            raise ValidationError(
                "base_session", f"must be a boto3.Session, got {type_name(base_session)}"
            )
        self.use_global = check_bool(use_global_endpoint, "use_global_endpoint")
        if self.use_global and partition != "aws":
            raise ValidationError(
                "use_global_endpoint",
                f"the global STS endpoint serves only the aws partition, not {partition!r}",
            )
        if sts_endpoint_url is not None:
            if self.use_global:
                raise ValidationError(
                    "sts_endpoint_url", "pass either sts_endpoint_url or use_global_endpoint"
                )
            if not is_http_url(sts_endpoint_url):
                raise ValidationError(
                    "sts_endpoint_url", f"must be an http(s) URL, got {sts_endpoint_url!r}"
                )
        shared = _shared_sts_client(sts_client)
        if shared is not None and (self.use_global or sts_endpoint_url is not None):
            raise ValidationError(
                "sts_client",
                "a shared STS client brings its own endpoint: pass neither sts_endpoint_url "
                "nor use_global_endpoint with it",
            )
        self._partition = partition
        self._endpoint_url: str | None = sts_endpoint_url  # type: ignore[assignment]
        field = "region_name"
        if shared is not None:
            if region_name is not None and region_name != shared.meta.region_name:
                raise ValidationError(
                    "region_name",
                    f"{region_name!r} is not the shared STS client's region "
                    f"{shared.meta.region_name!r}",
                )
            region_name, field = shared.meta.region_name, "sts_client.meta.region_name"
        self._region = (
            None
            if region_name is None
            else check_sts_region(region_name, field=field, partition=partition)
        )
        self.shared_sts = shared
        self._lock = lock
        self._base: boto3.Session | None = base_session
        self._sts: STSClient | None = shared
        self._caller: str | None = None
        if base_session is not None and self._region is None and not self.use_global:
            self._region = self._region_of(base_session)

    def after_fork_in_child(self, lock: threading.RLock) -> None:
        """Use the child's new ``lock``, and a new STS client: pooled connections are not shared."""
        self._lock = lock
        self._sts = None
        self.shared_sts = None

    def known_region(self) -> str | None:
        """The region if known yet (given, or the base session's), without asking for one."""
        with self._lock:
            return self._region

    def endpoint_url(self) -> str | None:
        """The STS endpoint URL that was given, if any."""
        return self._endpoint_url

    def base(self) -> boto3.Session:
        """The base session: the one given, or ``boto3.Session()`` made on first use."""
        with self._lock:
            if self._base is None:
                self._base = boto3.Session()
            return self._base

    def _region_of(self, session: boto3.Session) -> str | None:
        region: str | None = session.region_name
        if region is None:
            return None
        return check_sts_region(region, field="base_session.region_name", partition=self._partition)

    def region(self) -> str:
        """The client's region: given, the base session's, or the global endpoint's."""
        with self._lock:
            if self._region is None:
                region = None if self.use_global else self._region_of(self.base())
                if region is None:
                    if self.use_global:
                        return GLOBAL_SIGNING_REGION
                    raise ValidationError(
                        "region_name",
                        "no region: pass region_name=, give the base session a region, or "
                        "pass use_global_endpoint=True",
                    )
                self._region = region
            return self._region

    def signing_region(self) -> str:
        """The region STS requests are signed for."""
        return GLOBAL_SIGNING_REGION if self.use_global else self.region()

    def endpoint(self) -> str:
        """The URL STS is called at."""
        return self.sts().meta.endpoint_url

    def sts(self) -> STSClient:
        """The STS client (made once), on the regional endpoint unless configured otherwise."""
        with self._lock:
            if self._sts is None:
                _redact.install()
                self._sts = sts_client(
                    self.base(),
                    region=self.signing_region(),
                    partition=self._partition,
                    endpoint_url=self._endpoint_url,
                    use_global=self.use_global,
                )
            return self._sts

    def identity_of(self, credentials: TemporaryCredentials) -> str:
        """The ARN GetCallerIdentity names for ``credentials`` (botocore errors propagate)."""
        with self._lock:
            sts = self.base().client(
                "sts",
                region_name=self.signing_region(),
                endpoint_url=self.endpoint(),
                aws_access_key_id=credentials.access_key_id,
                aws_secret_access_key=credentials.secret_access_key,
                aws_session_token=credentials.session_token,
            )
        return sts.get_caller_identity()["Arn"]

    def caller_arn(self) -> str | None:
        """The base session's identity, from GetCallerIdentity (cached); ``None`` if unknown."""
        with self._lock:
            if self._caller is None:
                try:
                    self._caller = self.sts().get_caller_identity()["Arn"]
                except Exception as error:  # noqa: BLE001 - best effort: never hide the real error
                    _LOG.debug(
                        "GetCallerIdentity for the base session failed: %s", type_name(error)
                    )
                    return None
            return self._caller
