"""A vendor's many customers: Fleet.map against a sequential AssumeRoleClient loop; warm memory.

A moto server runs in a child process on 127.0.0.1 (so its work does not share this process's
interpreter lock), behind a WSGI wrapper that adds a fixed delay to every AWS request: each
AssumeRole and each target's own call (``GetCallerIdentity``) waits 100 ms, as a distant
region's STS and API would. Both sides do the same work per customer: assume the customer's
role with its own external ID, then make one call with the new credentials.

The memory part sets the delay to 0, warms N targets, and measures with tracemalloc what the
fleet's process holds per warm target (this process only: the server is elsewhere); a second
pass over the same targets counts its AssumeRole calls with a botocore event hook.
"""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.request
from typing import TYPE_CHECKING

import boto3

from xaccess.aws.assume import AssumeRoleClient
from xaccess.aws.fleet import Fleet, Target

if TYPE_CHECKING:
    from collections.abc import Iterator

TITLE = (
    "Fleet.map over many customers vs a sequential AssumeRoleClient loop (100 ms per AWS "
    "call); bytes per warm target; AssumeRole calls of a second pass"
)

REGION = "eu-west-1"
SESSION_NAME = "vendor-fleet"
DELAY = 0.1

_SERVER = r"""
import sys, time
from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication, MotoRequestHandler, create_backend_app,
)
delay = [float(sys.argv[1])]
moto = DomainDispatcherApplication(create_backend_app)

def app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path.startswith("/bench-delay/"):
        delay[0] = float(path.rsplit("/", 1)[1])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    if not path.startswith("/moto-api"):
        time.sleep(delay[0])
    return moto(environ, start_response)

server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "NO_PROXY": "127.0.0.1",
}


@contextlib.contextmanager
def delayed_moto_server() -> Iterator[str]:
    """A moto server in a child process adding a settable delay to every request; its URL."""
    child = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(DELAY)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        url = f"http://127.0.0.1:{port}"
        saved = {name: os.environ.get(name) for name in [*_ENVIRONMENT, "AWS_ENDPOINT_URL"]}
        os.environ.update(_ENVIRONMENT, AWS_ENDPOINT_URL=url)
        try:
            yield url
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    finally:
        child.terminate()
        child.wait(timeout=10)


def set_delay(url: str, seconds: float) -> None:
    """Change the server's added delay."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{url}/bench-delay/{seconds}", timeout=10) as answer:
        answer.read()


def customers(count: int, first: int = 0) -> list[Target]:
    """``count`` customers, each with its own account and external ID."""
    return [
        Target(
            f"arn:aws:iam::{800000000000 + index}:role/VendorAccess",
            f"bench-ext-{index:08d}-0123456789abcdef",
        )
        for index in range(first, first + count)
    ]


def own_call(session: boto3.Session, target: Target) -> str:
    """The work done in each customer's account: one call with the role's credentials."""
    arn: str = session.client("sts").get_caller_identity()["Arn"]
    return arn


class AssumeRoleCounter:
    """Counts the AssumeRole calls made through STS clients of ``session``."""

    def __init__(self, session: boto3.Session) -> None:
        self.count = 0
        self._lock = threading.Lock()
        session.events.register("before-call.sts.AssumeRole", self._count)

    def _count(self, **_: object) -> None:
        with self._lock:
            self.count += 1


def sequential(targets: list[Target]) -> tuple[float, int]:
    """The hand-written loop: one AssumeRoleClient per customer, one after the other."""
    base = boto3.Session(region_name=REGION)
    started = time.perf_counter()
    done = 0
    for target in targets:
        client = AssumeRoleClient(
            role_arn=target.role_arn,
            external_id=target.external_id,
            session_name=SESSION_NAME,
            base_session=base,
            region_name=REGION,
        )
        own_call(client.session(), target)
        done += 1
    return time.perf_counter() - started, done


def fan_out(targets: list[Target], workers: int) -> tuple[float, int]:
    """The same work through Fleet.map."""
    fleet = Fleet(
        targets,
        session_name=SESSION_NAME,
        base_session=boto3.Session(region_name=REGION),
        max_workers=workers,
    )
    started = time.perf_counter()
    done = sum(result.ok for result in fleet.map(own_call))
    return time.perf_counter() - started, done


def warm_memory(targets: list[Target]) -> tuple[float, int, int]:
    """Bytes per warm target, and AssumeRole calls of the first and of a second pass."""
    base = boto3.Session(region_name=REGION)
    counter = AssumeRoleCounter(base)
    fleet = Fleet(targets, session_name=SESSION_NAME, base_session=base, max_workers=32)
    fleet._local().session(targets[0])  # the shared parts: STS client, models, handlers
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        assert all(result.ok for result in fleet.map(lambda session, target: None))
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    first = counter.count
    assert all(result.ok for result in fleet.map(own_call))
    return grown / (len(targets) - 1), first, counter.count - first


def run(quick: bool) -> None:
    """Print the fan-out times and their ratio, the bytes per warm target, the second pass."""
    count = 20 if quick else 100
    warm = 200 if quick else 1000
    workers = 32
    with delayed_moto_server() as url:
        print(
            f"   {count} customers, each: AssumeRole + GetCallerIdentity, "
            f"{DELAY * 1000:.0f} ms added to every AWS call (moto server in a child process)"
        )
        loop_time, loop_done = sequential(customers(count))
        fleet_time, fleet_done = fan_out(customers(count, first=count), workers)
        print(
            f"   sequential AssumeRoleClient loop: {loop_time:.2f} s ({loop_done} ok); "
            f"Fleet.map, max_workers={workers}: {fleet_time:.2f} s ({fleet_done} ok); "
            f"ratio {loop_time / fleet_time:.1f}x"
        )
        set_delay(url, 0)
        per_target, first, second = warm_memory(customers(warm, first=10_000))
        print(
            f"   {warm} warm targets: {per_target / 1024:.1f} KiB each (tracemalloc, this "
            f"process; limit 16 KiB); AssumeRole calls: first pass {first}, second pass {second}"
        )
