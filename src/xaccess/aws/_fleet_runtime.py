"""What a :class:`~xaccess.aws.fleet.Fleet` keeps in each process: sessions, STS clients, caches.

A :class:`Runtime` lives in one process and is never pickled. It holds the vendor's base
session (one botocore session, so the service models are loaded once), one STS client per
region, a bounded least-recently-used cache of one :class:`~xaccess.aws.assume.AssumeRoleClient`
per target (a warm target costs its credentials and a few small objects), and the fleet-wide
:class:`Throttle`. Runtimes are found by the fleet's token in a per-process registry, so the
tasks a process-pool or cluster worker runs for the same fleet share one cache across passes.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import os
import pickle
import threading
from typing import TYPE_CHECKING, Any, Final

import attrs
import boto3
from botocore.config import Config

from xaccess.aws import _redact
from xaccess.aws._clock import Backoff, Clock, Sleep, system_clock, system_sleep
from xaccess.aws._endpoints import check_sts_region, partition_of, sts_client
from xaccess.aws._retry import TRANSIENT_ERROR_CODES, is_transient
from xaccess.aws.assume import AssumeRoleClient
from xaccess.errors import AWSError, ValidationError, XAccessError

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_sts import STSClient

    from xaccess.aws.fleet import Target

__all__ = ["FleetSpec", "FleetTaskError", "Runtime", "Throttle", "portable_error", "runtime_for"]

_LOG: Final = logging.getLogger("xaccess.aws.fleet")

_MAX_ATTEMPTS: Final = 8
_RUNTIMES_KEPT: Final = 16


class FleetTaskError(XAccessError):
    """An error of one target that could not be pickled, as its type name and message.

    Results cross process boundaries (a process pool, a Dask worker); an exception that does
    not survive pickling is replaced by this one, with any credentials masked in the message.

    Attributes:
        type_name: The qualified name of the original exception's type.
        message: Its message.

    .. versionadded:: 0.1.0
    """

    def __init__(self, type_name: str, message: str) -> None:
        self.type_name = type_name
        self.message = message
        super().__init__(f"{type_name}: {message}" if message else type_name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.type_name, self.message))


def portable_error(error: Exception, secrets: tuple[str, ...] = ()) -> Exception:
    """``error`` itself if it survives a pickle round trip, else a :class:`FleetTaskError`."""
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
    except Exception:  # noqa: BLE001 - any failure to pickle or unpickle means "not portable"
        message = str(error)
        for secret in secrets:
            if secret:
                message = message.replace(secret, _redact.MASK)
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        return FleetTaskError(kind, _redact.redact(message))
    return error


@attrs.frozen
class FleetSpec:
    """Everything a process needs to serve a fleet's targets; small, so it travels per task."""

    token: str
    max_workers: int
    session_name: str
    duration: int
    max_cached: int
    region_name: str | None
    base_session_factory: Callable[[], boto3.Session] | None = attrs.field(eq=False)
    clock: Clock | None = attrs.field(eq=False)
    sleep: Sleep | None = attrs.field(eq=False)


class Throttle:
    """One backoff for every target: STS throttling pauses all new AssumeRole calls at once.

    Each throttled call makes the pause longer (exponential, jittered); calls that succeed
    reset it. Warm targets never wait: only calls about to reach STS go through :meth:`wait`.
    """

    def __init__(self, clock: Clock, sleep: Sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._backoff = Backoff(base=0.5, cap=20.0)
        self._strikes = 0
        self._until: dt.datetime | None = None

    def wait(self) -> None:
        """Wait until the fleet's pause (if any) is over."""
        while True:
            with self._lock:
                until = self._until
            if until is None:
                return
            left = (until - self._clock()).total_seconds()
            if left <= 0:
                return
            self._sleep(left)

    def throttled(self) -> float:
        """Record a throttled call and return the pause every caller now waits out."""
        with self._lock:
            self._strikes += 1
            delay = self._backoff.delay(self._strikes)
            until = self._clock() + dt.timedelta(seconds=delay)
            if self._until is None or until > self._until:
                self._until = until
            return delay

    def succeeded(self) -> None:
        """A call went through: the next throttling starts the backoff from the beginning."""
        with self._lock:
            self._strikes = 0

    @property
    def strikes(self) -> int:
        """Throttled calls since the last success."""
        with self._lock:
            return self._strikes


class Runtime:
    """One process's base session, STS clients, client cache and throttle for one fleet."""

    def __init__(self, spec: FleetSpec, base_session: boto3.Session | None) -> None:
        self.spec = spec
        self.pid = os.getpid()
        self._base = base_session
        self._clock = system_clock if spec.clock is None else spec.clock
        self._sleep = system_sleep if spec.sleep is None else spec.sleep
        self._lock = threading.Lock()
        self._sts: dict[str, STSClient] = {}
        self._clients: collections.OrderedDict[Target, AssumeRoleClient] = collections.OrderedDict()
        self.throttle = Throttle(self._clock, self._sleep)

    def _base_session(self) -> boto3.Session:
        """The base session: given, from the factory, or ``boto3.Session()`` (under the lock)."""
        if self._base is None:
            factory = self.spec.base_session_factory
            base = boto3.Session() if factory is None else factory()
            if not isinstance(base, boto3.Session):
                raise ValidationError(
                    "base_session_factory",
                    f"must return a boto3.Session, returned {type(base).__name__}",
                )
            self._base = base
        return self._base

    def _region(self, target: Target) -> str:
        region = target.region_name or self.spec.region_name or self._base_session().region_name
        if region is None:
            raise ValidationError(
                "region_name",
                "no region: give the target or the fleet a region_name, or the base session one",
            )
        return check_sts_region(region, field="region_name", partition=target.role_arn.partition)

    def _sts_client(self, region: str) -> STSClient:
        client = self._sts.get(region)
        if client is None:
            base = self._base_session()
            # Shared by every worker thread (one pooled connection each); retries are left to
            # the fleet, whose one backoff paces every target, and parameters were checked
            # when each client was made.
            config = Config(
                retries={"mode": "standard", "total_max_attempts": 1},
                max_pool_connections=self.spec.max_workers,
                parameter_validation=False,
            )
            client = self._sts[region] = sts_client(
                base,
                region=region,
                partition=partition_of(region) or "aws",
                endpoint_url=None,
                use_global=False,
                config=config,
            )
        return client

    def client(self, target: Target) -> AssumeRoleClient:
        """The target's client: cached (most recently used last), or made and cached."""
        with self._lock:
            client = self._clients.get(target)
            if client is not None:
                self._clients.move_to_end(target)
                return client
            region = self._region(target)
            client = AssumeRoleClient(
                role_arn=target.role_arn,
                external_id=target.external_id,
                session_name=self.spec.session_name,
                duration_seconds=self.spec.duration,
                base_session=self._base_session(),
                sts_client=self._sts_client(region),
                clock=self._clock,
                sleep=self._sleep,
            )
            self._clients[target] = client
            while len(self._clients) > self.spec.max_cached:
                self._clients.popitem(last=False)
            return client

    def cached(self) -> int:
        """How many targets have a client (and maybe credentials) in the cache."""
        with self._lock:
            return len(self._clients)

    def clear(self) -> None:
        """Forget every cached client and its credentials."""
        with self._lock:
            self._clients.clear()

    def session(self, target: Target) -> boto3.Session:
        """A new boto3 session acting in the target's role, with credentials ready.

        A throttled AssumeRole waits for the fleet's shared pause and is tried again, up to
        eight attempts; other errors are raised at once.
        """
        client = self.client(target)
        attempt = 1
        while True:
            self.throttle.wait()
            try:
                client.credentials()
            except AWSError as error:
                if attempt >= _MAX_ATTEMPTS or not _worth_retrying(error):
                    raise
                pause = self.throttle.throttled()
                _LOG.info(
                    "STS throttled AssumeRole for %s (%s, attempt %d); the fleet pauses %.1f s",
                    target.role_arn,
                    error.code,
                    attempt,
                    pause,
                )
                attempt += 1
                continue
            self.throttle.succeeded()
            return client.session(new=True, region_name=self._region(target))

    def secrets(self, target: Target) -> tuple[str, ...]:
        """The target's cached secrets, to mask in an error message that may quote them."""
        with self._lock:
            client = self._clients.get(target)
        credentials = None if client is None else client.cached_credentials()
        if credentials is None:
            return ()
        return (credentials.secret_access_key, credentials.session_token)


def _worth_retrying(error: AWSError) -> bool:
    """Throttling, a service failure or a connection error: the same call may go through."""
    cause = error.__cause__
    if cause is not None:
        return is_transient(cause)
    return error.code in TRANSIENT_ERROR_CODES


_REGISTRY_LOCK = threading.Lock()
_REGISTRY: collections.OrderedDict[str, Runtime] = collections.OrderedDict()
_REGISTRY_PID = os.getpid()


def runtime_for(spec: FleetSpec, base_session: boto3.Session | None = None) -> Runtime:
    """This process's runtime for the fleet ``spec`` names, made on first use.

    The registry keeps the runtimes of the last sixteen fleets; a forked child starts afresh
    (the parent's locks and pooled connections are not its own).
    """
    global _REGISTRY_LOCK, _REGISTRY_PID  # noqa: PLW0603 - reset once after a fork
    if os.getpid() != _REGISTRY_PID:
        _REGISTRY_LOCK = threading.Lock()
        _REGISTRY.clear()
        _REGISTRY_PID = os.getpid()
    with _REGISTRY_LOCK:
        runtime = _REGISTRY.get(spec.token)
        if runtime is None:
            runtime = _REGISTRY[spec.token] = Runtime(spec, base_session)
            while len(_REGISTRY) > _RUNTIMES_KEPT:
                _REGISTRY.popitem(last=False)
        _REGISTRY.move_to_end(spec.token)
        return runtime
