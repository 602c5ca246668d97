"""AssumeRole calls per customer-hour: AssumeRoleClient against botocore's own refreshing.

One customer, one API call (``GetCallerIdentity``) per simulated second for one simulated hour,
with 900 s and 3600 s credentials, against moto in this process. The same run measures the
mechanism other wrappers use: botocore's ``AssumeRoleCredentialFetcher`` feeding
``DeferredRefreshableCredentials``, whose fixed 15-minute advisory window puts 900 s credentials
inside it from the moment they are issued.

Simulated time drives all three parties alike: xaccess's injected clock; botocore's
``time_fetcher`` and ``botocore.credentials._local_now`` (the fetcher's cache compares the
credentials' ``Expiration`` with it); and moto's STS, whose ``Expiration`` is computed from
``moto.sts.models.utcnow``, patched for the run so issued credentials expire in simulated time.
Wall time is real time, per API call, credentials lookup and (in-process) moto included.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import boto3
import botocore.credentials
import botocore.session
import moto
import moto.sts.models

from xaccess.aws.assume import AssumeRoleClient

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from mypy_boto3_sts import STSClient

TITLE = (
    "AssumeRole calls per customer-hour: AssumeRoleClient vs botocore refreshable credentials; "
    "session() cached vs new"
)

ROLE = "arn:aws:iam::444455556666:role/AcmeAudit"
EXTERNAL_ID = "bench-external-id-0123456789abcdef"
REGION = "eu-west-1"
HOUR = 3600
DURATIONS = (900, 3600)


class SimulatedClock:
    """An aware UTC clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self.now

    def naive_utc(self) -> dt.datetime:
        return self().replace(tzinfo=None)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += dt.timedelta(seconds=seconds)


@contextmanager
def _simulated(clock: SimulatedClock) -> Iterator[None]:
    """Run moto in process, with moto's STS and botocore's credential code on ``clock``."""
    saved_env = {name: os.environ.get(name) for name in _ENV}
    patches = (
        (botocore.credentials, "_local_now", clock),
        (moto.sts.models, "utcnow", clock.naive_utc),
    )
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    os.environ.update(_ENV)
    for module, name, value in patches:
        setattr(module, name, value)
    try:
        with moto.mock_aws():
            yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)
        for name, old in saved_env.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


def _counted_base() -> tuple[boto3.Session, Callable[[], int]]:
    """A vendor base session and a function returning how many AssumeRole calls it made."""
    base = boto3.Session(region_name=REGION)
    calls = [0]

    def count(**_: object) -> None:
        calls[0] += 1

    base.events.register("before-call.sts.AssumeRole", count)
    return base, lambda: calls[0]


def _xaccess_service(base: boto3.Session, clock: SimulatedClock, duration: int) -> STSClient:
    client = AssumeRoleClient(
        role_arn=ROLE,
        external_id=EXTERNAL_ID,
        session_name="bench",
        duration_seconds=duration,
        base_session=base,
        clock=clock,
    )
    return client.session().client("sts")


def _botocore_service(base: boto3.Session, clock: SimulatedClock, duration: int) -> STSClient:
    core = base._session
    fetcher = botocore.credentials.AssumeRoleCredentialFetcher(
        client_creator=core.create_client,
        source_credentials=core.get_credentials(),
        role_arn=ROLE,
        extra_args={
            "RoleSessionName": "bench",
            "ExternalId": EXTERNAL_ID,
            "DurationSeconds": duration,
        },
    )
    credentials = botocore.credentials.DeferredRefreshableCredentials(
        refresh_using=fetcher.fetch_credentials, method="assume-role", time_fetcher=clock
    )
    session = botocore.session.Session()
    session.register_component("data_loader", core.get_component("data_loader"))
    session._credentials = credentials  # type: ignore[attr-defined]
    return boto3.Session(botocore_session=session, region_name=REGION).client("sts")


def measure(
    make: Callable[[boto3.Session, SimulatedClock, int], STSClient], duration: int, step: int
) -> tuple[int, int, float]:
    """Run one simulated hour; return (API calls, AssumeRole calls, wall seconds per call)."""
    clock = SimulatedClock()
    with _simulated(clock):
        base, assume_calls = _counted_base()
        service = make(base, clock, duration)
        calls = 0
        started = time.perf_counter()
        for _ in range(0, HOUR, step):
            service.get_caller_identity()
            calls += 1
            clock.advance(step)
        elapsed = time.perf_counter() - started
    return calls, assume_calls(), elapsed / calls


def _session_cost(*, new: bool, calls: int) -> float:
    """Seconds per ``AssumeRoleClient.session()`` call, cached or made anew, best of 5 runs."""
    clock = SimulatedClock()
    with _simulated(clock):
        base = boto3.Session(region_name=REGION)
        client = AssumeRoleClient(
            role_arn=ROLE,
            external_id=EXTERNAL_ID,
            session_name="bench",
            base_session=base,
            clock=clock,
        )
        client.session(new=new)  # the first call makes the session (and loads the loader)
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(calls):
                client.session(new=new)
            best = min(best, (time.perf_counter() - started) / calls)
    return best


def run_sessions(quick: bool) -> None:
    """Print the cost of session() cached (the default) against new=True, and their ratio."""
    calls = 20 if quick else 200
    cached = _session_cost(new=False, calls=calls)
    made = _session_cost(new=True, calls=calls)
    print(
        f"   session() per call, best of 5 x {calls}: cached {cached * 1e6:.1f} us, "
        f"new=True {made * 1e3:.2f} ms, ratio {made / cached:.0f}x"
    )
    print(
        "   (cached: one session per region and thread, signing with the client's refreshed "
        "credentials; a user calling session() per request gets the same saving. new=True "
        "is what every call cost before the cache.)"
    )


def run(quick: bool) -> None:
    """Print AssumeRole calls per customer-hour for both mechanisms, and the session() cost."""
    step = 10 if quick else 1
    print(
        f"   one customer, 1 API call every {step} s for 1 simulated hour; "
        "AssumeRole calls counted by a botocore event hook"
    )
    header = (
        f"   {'credentials':>11}  {'API calls':>9}  {'xaccess':>8}  {'botocore':>8}  "
        f"{'ratio':>7}  {'ms/call xaccess':>15}  {'ms/call botocore':>16}"
    )
    print(header)
    for duration in DURATIONS:
        calls, ours, our_time = measure(_xaccess_service, duration, step)
        _, theirs, their_time = measure(_botocore_service, duration, step)
        ratio = theirs / ours
        print(
            f"   {duration:>9} s  {calls:>9}  {ours:>8}  {theirs:>8}  {ratio:>6.0f}x  "
            f"{our_time * 1000:>15.2f}  {their_time * 1000:>16.2f}"
        )
    print(
        "   (AssumeRole per hour: xaccess refreshes 5 min before expiry for 900 s credentials "
        "and 15 min before for 3600 s; botocore's 15-min window covers all of a 900 s lifetime)"
    )
    run_sessions(quick)
