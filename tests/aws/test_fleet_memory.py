"""What a warm target costs: at most 16 KiB each, measured with tracemalloc over 1,000 targets.

STS is answered by a botocore ``before-send`` hook on the vendor's base session with a real
AssumeRole response (credentials of real length, a session token of 800 characters), so the
measurement holds only what the fleet keeps, not a moto backend's bookkeeping.
"""

from __future__ import annotations

import gc
import itertools
import threading
import tracemalloc
from typing import TYPE_CHECKING, Any

from botocore.awsrequest import AWSResponse, HTTPHeaders

from tests.aws.sts_recorder import new_session
from xaccess.aws.fleet import Fleet, Target

if TYPE_CHECKING:
    import boto3

    from tests.support import FakeClock

TARGETS = 1000
LIMIT = 16 * 1024
_COUNTER = itertools.count()
_LOCK = threading.Lock()


def _assume_role_answer(request: Any, **_: Any) -> Any:
    """Answer AssumeRole as STS does, with fresh credentials each time; send anything else."""
    body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
    if "Action=AssumeRole" not in body:
        return None
    with _LOCK:
        number = next(_COUNTER)
    account = body.split("arn%3Aaws%3Aiam%3A%3A")[1][:12]
    xml = (
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<AssumeRoleResult><Credentials>"
        f"<AccessKeyId>ASIA{number:016d}</AccessKeyId>"
        f"<SecretAccessKey>{number:040d}</SecretAccessKey>"
        f"<SessionToken>{'T' * 780}{number:020d}</SessionToken>"
        "<Expiration>2030-01-01T01:00:00Z</Expiration></Credentials>"
        f"<AssumedRoleUser><Arn>arn:aws:sts::{account}:assumed-role/VendorAccess/fleet</Arn>"
        f"<AssumedRoleId>AROA{number:017d}:fleet</AssumedRoleId></AssumedRoleUser>"
        "</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
        "</AssumeRoleResponse>"
    )
    return AWSResponse(request.url, 200, HTTPHeaders(), _Raw(xml.encode()))


class _Raw:
    """The raw body botocore reads from an answered request."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


def answered_base() -> boto3.Session:
    """A base session whose AssumeRole calls are answered locally."""
    base = new_session(region_name="eu-west-1")
    base.events.register("before-send.sts.AssumeRole", _assume_role_answer)
    return base


def test_a_warm_target_costs_at_most_16_kib(fake_env: None, clock: FakeClock) -> None:
    """1,000 targets holding credentials add at most 16 KiB each to the fleet's process."""
    targets = [
        Target(f"arn:aws:iam::{700000000000 + i}:role/VendorAccess", f"fleet-ext-{i:012d}")
        for i in range(TARGETS + 1)
    ]
    fleet = Fleet(
        targets,
        session_name="fleet",
        base_session=answered_base(),
        clock=clock,
        sleep=clock.sleep,
        max_workers=1,
    )
    runtime = fleet._local()
    runtime.session(targets[0])  # the shared parts: STS client, models, handler template
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        results = list(fleet.map(lambda session, target: None))
        del results
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()

    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    per_target = grown / TARGETS
    assert fleet.cached() == TARGETS + 1
    assert per_target <= LIMIT, f"{per_target:.0f} bytes per warm target"
    assert per_target > 800  # it does hold the credentials: the session token alone is 800 bytes
