"""Fleet.map in one process: results and errors per target, bounds, caching, throttling.

moto runs in-process and accepts every AssumeRole; refusals and throttling are injected by the
:class:`~tests.aws.sts_recorder.StsRecorder` hooks on the vendor's base session, which the
fleet's shared STS client inherits. Time is a :class:`~tests.support.FakeClock`.
"""

from __future__ import annotations

import concurrent.futures as cf
import pickle
import threading
import time
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
import pytest
from botocore.exceptions import ConnectTimeoutError

from tests.aws.fleet_support import SESSION_NAME, caller_arn
from tests.aws.sts_recorder import REGION
from xaccess.aws._redact import MASK
from xaccess.aws.fleet import Fleet, FleetResult, FleetTaskError, Target
from xaccess.errors import AssumeRoleDenied, AWSError, ValidationError

if TYPE_CHECKING:
    from tests.aws.sts_recorder import StsRecorder
    from tests.support import FakeClock

EXTERNAL_ID = "fleet-ext-0123456789abcdef"
T = TypeVar("T")


def targets(count: int, *, first: int = 0) -> list[Target]:
    return [
        Target(
            f"arn:aws:iam::{600000000000 + index}:role/VendorAccess",
            f"{EXTERNAL_ID}-{index}",
            name=f"customer-{index}",
        )
        for index in range(first, first + count)
    ]


def fleet_of(base: boto3.Session, clock: FakeClock, count: int, **kwargs: Any) -> Fleet:
    arguments: dict[str, Any] = {
        "session_name": SESSION_NAME,
        "base_session": base,
        "clock": clock,
        "sleep": clock.sleep,
        "max_workers": 4,
    }
    arguments.update(kwargs)
    return Fleet(targets(count), **arguments)


def round_trip(value: T) -> T:
    """``value`` pickled and unpickled."""
    again: T = pickle.loads(pickle.dumps(value))  # noqa: S301 - our own data
    return again


def nothing(session: boto3.Session, target: Target) -> None:
    """A target's work that makes no call of its own."""


# --- Target ----------------------------------------------------------------------------------


def test_target_hides_its_external_id_and_pickles() -> None:
    """repr shows the role, name and region, never the external ID; pickling keeps equality."""
    target = Target(
        "arn:aws:iam::444455556666:role/VendorAccess", EXTERNAL_ID, name="acme", region_name=REGION
    )
    assert EXTERNAL_ID not in repr(target)
    assert "arn:aws:iam::444455556666:role/VendorAccess" in repr(target)
    assert "external_id='***'" in repr(target)
    again = round_trip(target)
    assert again == target
    assert hash(again) == hash(target)
    assert target.label == "acme"
    assert Target(target.role_arn, None).label == "444455556666"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"role_arn": "arn:aws:iam::4444:role/X", "external_id": EXTERNAL_ID}, "role_arn"),
        ({"role_arn": "arn:aws:iam::444455556666:role/X", "external_id": "x"}, "external_id"),
        (
            {"role_arn": "arn:aws:iam::444455556666:role/X", "external_id": None, "name": 3},
            "name",
        ),
        (
            {
                "role_arn": "arn:aws:iam::444455556666:role/X",
                "external_id": None,
                "region_name": "cn-north-1",
            },
            "region_name",
        ),
    ],
)
def test_target_refuses_bad_input(arguments: dict[str, Any], field: str) -> None:
    """A malformed ARN or external ID, a non-str name, a region of another partition."""
    with pytest.raises(ValidationError) as caught:
        Target(**arguments)
    assert caught.value.field == field


# --- Fleet arguments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"targets": "arn"}, "targets"),
        ({"targets": [object()]}, "targets[0]"),
        ({"targets": [*targets(1), *targets(1)]}, "targets[1]"),
        ({"session_name": "x"}, "session_name"),
        ({"max_workers": 0}, "max_workers"),
        ({"max_workers": True}, "max_workers"),
        ({"max_cached": 0}, "max_cached"),
        ({"duration_seconds": 60}, "duration_seconds"),
        ({"base_session": "session"}, "base_session"),
        ({"base_session_factory": 3}, "base_session_factory"),
        (
            {"base_session": boto3.Session(), "base_session_factory": boto3.Session},
            "base_session_factory",
        ),
        ({"region_name": 3}, "region_name"),
    ],
)
def test_fleet_refuses_bad_input(arguments: dict[str, Any], field: str) -> None:
    """Every argument is checked when the fleet is made, naming the field."""
    given: dict[str, Any] = {"targets": targets(2), "session_name": SESSION_NAME}
    given.update(arguments)
    with pytest.raises(ValidationError) as caught:
        Fleet(**given)
    assert caught.value.field == field


def test_map_refuses_bad_input_before_running_anything(
    base: boto3.Session, clock: FakeClock
) -> None:
    """fn, executor and progress are checked at the call, not when the generator first runs."""
    fleet = fleet_of(base, clock, 2)
    with pytest.raises(ValidationError, match="fn"):
        fleet.map(3)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="executor"):
        fleet.map(nothing, executor=object())  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="progress"):
        fleet.verify(progress=3)  # type: ignore[arg-type]


# --- results -----------------------------------------------------------------------------------


def test_map_yields_one_result_per_target_with_its_value_and_progress(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """fn gets a session in each target's role; progress counts up to the total."""
    fleet = fleet_of(base, clock, 6)
    progress: list[tuple[int, int]] = []

    results = list(
        fleet.map(caller_arn, progress=lambda done, total: progress.append((done, total)))
    )

    assert sorted(r.target.label for r in results) == [f"customer-{i}" for i in range(6)]
    for result in results:
        assert result.ok
        assert result.error is None
        assert result.seconds >= 0
        account = result.target.role_arn.account
        assert result.value == f"arn:aws:sts::{account}:assumed-role/VendorAccess/{SESSION_NAME}"
    assert progress == [(done, 6) for done in range(1, 7)]
    assert sts.count() == 6
    assert {body["ExternalId"] for body in sts.bodies()} == {f"{EXTERNAL_ID}-{i}" for i in range(6)}


def test_an_error_raised_by_fn_is_that_targets_result(
    base: boto3.Session, clock: FakeClock
) -> None:
    """fn raising for one customer does not stop the others; the error is kept as raised."""
    failure = KeyError("bucket missing")

    def work(session: boto3.Session, target: Target) -> str:
        if target.label == "customer-2":
            raise failure
        return target.label

    results = {r.target.label: r for r in fleet_of(base, clock, 5).map(work)}

    assert results["customer-2"].error is failure
    assert not results["customer-2"].ok
    assert [label for label, r in results.items() if r.ok] == [
        label for label in results if label != "customer-2"
    ]


def test_a_denied_target_is_its_result_and_the_others_go_on(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """AccessDenied for one role is an AssumeRoleDenied result; fn never runs for it."""
    denied = str(targets(1, first=1)[0].role_arn)
    sts.answer = lambda operation, body: (
        (403, "AccessDenied", "not authorized")
        if operation == "AssumeRole" and body["RoleArn"] == denied
        else None
    )
    ran: list[str] = []

    results = {
        r.target.label: r for r in fleet_of(base, clock, 3).map(lambda s, t: ran.append(t.label))
    }

    assert isinstance(results["customer-1"].error, AssumeRoleDenied)
    assert results["customer-0"].ok
    assert results["customer-2"].ok
    assert sorted(ran) == ["customer-0", "customer-2"]


class _Unpicklable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.lock = threading.Lock()


def test_an_unpicklable_error_is_replaced_without_its_credentials(
    base: boto3.Session, clock: FakeClock
) -> None:
    """Such an error becomes a FleetTaskError with its type name and message, secrets masked."""

    secrets: list[str] = []

    def leaky(session: boto3.Session, target: Target) -> None:
        credentials = session.get_credentials()
        assert credentials is not None
        secrets.append(str(credentials.get_frozen_credentials().secret_key))
        raise _Unpicklable(f"could not list buckets with {secrets[-1]}")

    (result,) = fleet_of(base, clock, 1).map(leaky)

    error = result.error
    assert isinstance(error, FleetTaskError)
    assert error.type_name == f"{__name__}._Unpicklable"
    assert error.message == f"could not list buckets with {MASK}"
    assert secrets[0] not in str(error)
    restored = round_trip(result)
    assert isinstance(restored.error, FleetTaskError)
    assert str(restored.error) == str(error)


def test_results_pickle_with_their_errors(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """A result with an AssumeRoleDenied round-trips through pickle with type and fields."""
    sts.answer = lambda operation, body: (
        (403, "AccessDenied", "no") if operation == "AssumeRole" else None
    )
    (result,) = fleet_of(base, clock, 1).map(nothing)

    restored: FleetResult[None] = round_trip(result)

    assert restored == result
    assert isinstance(restored.error, AssumeRoleDenied)
    assert restored.error.role_arn == str(result.target.role_arn)
    assert restored.error.likely_causes == result.error.likely_causes  # type: ignore[union-attr]


# --- concurrency, cancellation, thread safety -------------------------------------------------


def test_no_more_than_max_workers_targets_run_at_once(
    base: boto3.Session, clock: FakeClock
) -> None:
    """The fleet bounds concurrency to max_workers, even with a larger executor."""
    lock = threading.Lock()
    running = [0]
    peak = [0]

    def slow(session: boto3.Session, target: Target) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1

    with cf.ThreadPoolExecutor(16) as executor:
        results = list(fleet_of(base, clock, 12, max_workers=3).map(slow, executor=executor))

    assert all(r.ok for r in results)
    assert 1 <= peak[0] <= 3


def test_closing_the_generator_submits_no_more_targets(
    base: boto3.Session, clock: FakeClock
) -> None:
    """After three results and close(), at most max_workers more targets ever ran."""
    ran: list[str] = []
    lock = threading.Lock()

    def work(session: boto3.Session, target: Target) -> None:
        with lock:
            ran.append(target.label)

    results = fleet_of(base, clock, 40, max_workers=2).map(work)
    taken = [next(results) for _ in range(3)]
    results.close()
    count = len(ran)
    time.sleep(0.05)

    assert len(taken) == 3
    assert 3 <= count <= 3 + 2
    assert len(ran) == count


def test_concurrent_passes_assume_each_role_once(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """Two maps over the same fleet in two threads share the cache: one AssumeRole per target."""
    fleet = fleet_of(base, clock, 30, max_workers=8)
    collected: list[list[FleetResult[Any]]] = []

    def run() -> None:
        collected.append(list(fleet.map(caller_arn)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [len(results) for results in collected] == [30, 30]
    assert all(r.ok for results in collected for r in results)
    assert sts.count() == 30
    assert len({body["RoleArn"] for body in sts.bodies()}) == 30


# --- caching and refreshing ------------------------------------------------------------------


def test_a_second_pass_makes_no_assume_role_call(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """Credentials are cached per target: the second pass reuses them all."""
    fleet = fleet_of(base, clock, 10)
    assert all(r.ok for r in fleet.map(caller_arn))
    assert sts.count() == 10

    assert all(r.ok for r in fleet.map(caller_arn))

    assert sts.count() == 10
    assert fleet.cached() == 10


def test_credentials_are_refreshed_once_per_lifetime(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """Past the refresh window each target assumes its role again, once."""
    fleet = fleet_of(base, clock, 5, duration_seconds=900)
    list(fleet.map(nothing))
    clock.advance(500)  # before the 5-minute refresh window of 15-minute credentials
    list(fleet.map(nothing))
    assert sts.count() == 5

    clock.advance(400)
    list(fleet.map(nothing))
    list(fleet.map(nothing))

    assert sts.count() == 10


def test_the_cache_keeps_the_most_recently_used_targets(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """With max_cached=4, the last four targets stay warm and the first are dropped."""
    fleet = fleet_of(base, clock, 8, max_cached=4, max_workers=1)
    list(fleet.map(nothing))
    assert fleet.cached() == 4

    warm = Fleet(fleet.targets[4:], session_name=SESSION_NAME, base_session=base, clock=clock)
    list(warm.map(nothing))
    assert sts.count() == 12  # another fleet has its own cache

    before = sts.count()
    list(fleet.map(nothing))
    assert sts.count() == before + 8  # in order through 8 targets, 4 slots: all were evicted

    fleet.clear()
    assert fleet.cached() == 0


# --- throttling ------------------------------------------------------------------------------


def test_throttled_assume_role_waits_for_the_fleet_and_succeeds(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """Three throttled calls pause the fleet with a growing backoff; every target succeeds."""
    throttled = [3]
    lock = threading.Lock()

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        with lock:
            if operation == "AssumeRole" and throttled[0] > 0:
                throttled[0] -= 1
                return 400, "Throttling", "Rate exceeded"
        return None

    sts.answer = answer
    results = list(fleet_of(base, clock, 6, max_workers=1).map(nothing))

    assert all(r.ok for r in results)
    assert sts.count() == 6 + 3
    assert len(clock.slept) == 3
    assert clock.slept[1] > clock.slept[0] * 0.9 or clock.slept[2] > clock.slept[0]


def test_one_targets_throttling_pauses_the_whole_fleet(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """A throttled call anywhere makes every target's next AssumeRole wait out one shared pause."""
    fleet = fleet_of(base, clock, 2, max_workers=1)
    seen: list[object] = []
    sts.answer = lambda operation, body: seen.append(clock()) if operation == "AssumeRole" else None
    throttled_at = clock()
    fleet._local().throttle.throttled()  # as if another target had just been throttled

    assert all(r.ok for r in fleet.map(nothing))

    assert len(clock.slept) == 1
    assert all(moment > throttled_at for moment in seen)  # type: ignore[operator]


def test_a_target_throttled_for_good_fails_alone(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """After eight throttled attempts the target's result is the Throttling error."""
    stuck = str(targets(1)[0].role_arn)
    sts.answer = lambda operation, body: (
        (400, "Throttling", "Rate exceeded")
        if operation == "AssumeRole" and body["RoleArn"] == stuck
        else None
    )

    results = {r.target.label: r for r in fleet_of(base, clock, 3, max_workers=1).map(nothing)}

    error = results["customer-0"].error
    assert isinstance(error, AWSError)
    assert error.code == "Throttling"
    assert results["customer-1"].ok
    assert results["customer-2"].ok
    assert sum(body["RoleArn"] == stuck for body in sts.bodies()) == 8


# --- pickling and executors ------------------------------------------------------------------


def test_a_fleet_pickles_without_its_base_session(base: boto3.Session, clock: FakeClock) -> None:
    """Targets and settings travel; the base session, credentials and locks stay behind."""
    fleet = Fleet(
        targets(3), session_name=SESSION_NAME, base_session=base, max_workers=5, region_name=REGION
    )
    list(fleet.map(nothing))
    data = pickle.dumps(fleet)

    restored = pickle.loads(data)  # noqa: S301 - our own data

    assert restored.targets == fleet.targets
    assert repr(restored) == repr(fleet)
    assert b"ASIA" not in data
    assert b"FQoG" not in data
    assert b"secret" not in data.lower()
    assert restored.cached() == 3  # this process's cache, found by the fleet's token


def test_any_executor_runs_the_fleet_and_is_left_running(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """An executor given is used (in this process it shares the fleet's cache) and not shut down."""
    fleet = fleet_of(base, clock, 5)
    with cf.ThreadPoolExecutor(2) as executor:
        first = list(fleet.map(caller_arn, executor=executor))
        second = list(fleet.map(caller_arn, executor=executor))
        assert executor.submit(int, "7").result() == 7

    assert all(r.ok for r in first + second)
    assert sts.count() == 5


def test_a_task_the_executor_fails_is_that_targets_result(
    base: boto3.Session, clock: FakeClock
) -> None:
    """A process pool that cannot pickle fn reports it per target instead of raising."""
    fleet = fleet_of(base, clock, 2)
    with cf.ProcessPoolExecutor(1) as executor:
        results = list(fleet.map(lambda s, t: None, executor=executor))

    assert [r.ok for r in results] == [False, False]
    assert all(r.error is not None for r in results)


def test_targets_share_one_sts_client_per_region(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """A target's region is its session's default and picks the shared STS client it uses."""
    east = Target(
        "arn:aws:iam::600000000100:role/VendorAccess", EXTERNAL_ID, region_name="us-east-1"
    )
    fleet = Fleet([*targets(3), east], session_name=SESSION_NAME, base_session=base, clock=clock)

    regions = {r.target.label: r.value for r in fleet.map(lambda s, t: s.region_name)}

    assert regions == {
        "customer-0": REGION,
        "customer-1": REGION,
        "customer-2": REGION,
        "600000000100": "us-east-1",
    }
    assert sorted(fleet._local()._sts) == ["eu-west-1", "us-east-1"]
    urls = {call.url for call in sts.calls if call.operation == "AssumeRole"}
    assert len(urls) == 2


def test_a_target_whose_sts_calls_time_out_fails_alone(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """A connection timeout is retried with the fleet's backoff, then is that target's error."""
    stuck = str(targets(1)[0].role_arn)

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "AssumeRole" and body["RoleArn"] == stuck:
            raise ConnectTimeoutError(endpoint_url="https://sts.eu-west-1.amazonaws.com")
        return None

    sts.answer = answer
    results = {r.target.label: r for r in fleet_of(base, clock, 3, max_workers=1).map(nothing)}

    error = results["customer-0"].error
    assert isinstance(error, AWSError)
    assert error.code == "ConnectTimeoutError"
    assert results["customer-1"].ok
    assert results["customer-2"].ok
    assert sum(body["RoleArn"] == stuck for body in sts.bodies()) == 8
    assert len(clock.slept) == 7
