"""Tests for xaccess.aws.credentials: refresh windows and the refreshing cache.

These drive :class:`xaccess.aws.credentials.RefreshingCache` with a fake fetch function and a
fake clock, so the concurrency rules (who refreshes, who waits, who keeps the old value) are
pinned without AWS.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import logging
import os
import random
import signal
import sys
import threading
import warnings
from typing import Any, Final

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.aws.sts_recorder import ROLE_ACCOUNT
from tests.support import FakeClock
from xaccess.aws import credentials
from xaccess.aws._clock import Backoff
from xaccess.aws.credentials import (
    Fetched,
    RefreshingCache,
    RefreshWindows,
    TemporaryCredentials,
    refresh_windows,
)
from xaccess.errors import AWSError, ValidationError, XAccessError

MINUTE = dt.timedelta(minutes=1)


class Source:
    """A fetch function handing out numbered values that live ``lifetime`` seconds."""

    def __init__(self, clock: FakeClock, lifetime: float = 900) -> None:
        self.clock = clock
        self.lifetime = dt.timedelta(seconds=lifetime)
        self.calls = 0
        self.fail: BaseException | None = None
        self.fail_once: list[BaseException] = []
        self.gate: threading.Event | None = None
        self.entered = threading.Event()

    def __call__(self) -> Fetched[int]:
        self.calls += 1
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(10)
        if self.fail is not None:
            raise self.fail
        if self.fail_once:
            raise self.fail_once.pop(0)
        return Fetched(self.calls, self.clock(), self.lifetime)


def cache_for(source: Source, *, rng_seed: int = 0) -> RefreshingCache[int]:
    return RefreshingCache(
        source,
        clock=source.clock,
        backoff=Backoff(rng=random.Random(rng_seed)),
        describe="arn:aws:iam::444455556666:role/R",
    )


def in_thread(function: Any) -> tuple[threading.Thread, list[Any]]:
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(function())
        except Exception as error:  # noqa: BLE001 - handed to the test
            results.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, results


# --- windows -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lifetime", "advisory", "mandatory"),
    [
        (15, 5, 1),
        (20, 5, 1),
        (21, 10.5, 1),  # the table's 15 minutes would leave 6 minutes of use
        (30, 15, 1),
        (60, 15, 1),
        (89, 15, 1),
        (90, 45, 1),  # the table's 60 minutes would leave 30 minutes of use
        (120, 60, 1),
        (720, 60, 1),
    ],
)
def test_refresh_windows_follow_the_lifetime(
    lifetime: int, advisory: float, mandatory: int
) -> None:
    """Advisory 5/15/60 minutes by lifetime, capped at half of it; mandatory one minute."""
    assert RefreshWindows(advisory * MINUTE, mandatory * MINUTE) == refresh_windows(
        lifetime * MINUTE
    )


@given(st.integers(min_value=900, max_value=43200))
def test_credentials_are_used_for_at_least_half_their_lifetime(lifetime: int) -> None:
    """For every STS duration, refreshing starts no earlier than half-way, and before the end."""
    windows = refresh_windows(dt.timedelta(seconds=lifetime))

    assert dt.timedelta(seconds=lifetime) / 2 >= windows.advisory > windows.mandatory
    assert windows.mandatory > dt.timedelta(0)


# --- the cache ---------------------------------------------------------------------------------


def test_value_is_fetched_once_and_served_until_the_advisory_window() -> None:
    """The first get fetches; later gets before the window are served from the cache."""
    clock = FakeClock()
    source = Source(clock)
    cache = cache_for(source)

    assert (1, 1) == (cache.get(), cache.get())
    clock.advance(599)
    assert 1 == cache.get()
    assert (301.0, 300.0) == (cache.seconds_left(), cache.advisory_seconds())
    clock.advance(1)
    assert 2 == cache.get()
    assert 2 == source.calls


def test_in_the_advisory_window_others_keep_the_current_value_during_a_refresh() -> None:
    """While one caller refreshes in the advisory window, the others get the current value."""
    clock = FakeClock()
    source = Source(clock)
    cache = cache_for(source)
    cache.get()
    clock.advance(650)
    source.gate = threading.Event()
    source.entered.clear()

    refresher, refreshed = in_thread(cache.get)
    assert source.entered.wait(10)
    assert [1, 1, 1] == [cache.get() for _ in range(3)]  # not blocked, no second fetch
    source.gate.set()
    refresher.join(10)

    assert [2] == refreshed
    assert 2 == source.calls


def test_in_the_mandatory_window_everyone_waits_for_the_refresh() -> None:
    """In the last minute, callers arriving during a refresh wait for its result."""
    clock = FakeClock()
    source = Source(clock)
    cache = cache_for(source)
    cache.get()
    clock.advance(870)
    source.gate = threading.Event()
    source.entered.clear()

    refresher, refreshed = in_thread(cache.get)
    assert source.entered.wait(10)
    waiter, waited = in_thread(cache.get)
    waiter.join(0.2)
    assert waiter.is_alive()  # blocked on the refresh in flight
    source.gate.set()
    refresher.join(10)
    waiter.join(10)

    assert ([2], [2]) == (refreshed, waited)
    assert 2 == source.calls


def test_waiters_on_a_failed_fetch_get_its_error_when_nothing_is_valid() -> None:
    """A cold fetch that fails raises in the fetching caller and in every waiting caller."""
    clock = FakeClock()
    source = Source(clock)
    source.fail = AWSError("no", code="ServiceUnavailable", operation="AssumeRole")
    source.gate = threading.Event()
    cache = cache_for(source)

    first, first_result = in_thread(cache.get)
    assert source.entered.wait(10)
    second, second_result = in_thread(cache.get)
    second.join(0.2)
    source.gate.set()
    first.join(10)
    second.join(10)

    assert [source.fail] == first_result
    assert [source.fail] == second_result
    assert 1 == source.calls


def test_waiters_keep_a_still_valid_value_when_the_refresh_fails() -> None:
    """In the mandatory window a failed refresh leaves the waiters with the valid value."""
    clock = FakeClock()
    source = Source(clock)
    cache = cache_for(source)
    cache.get()
    clock.advance(870)
    source.fail = AWSError("no", code="Throttling", operation="AssumeRole")
    source.gate = threading.Event()
    source.entered.clear()

    refresher, refreshed = in_thread(cache.get)
    assert source.entered.wait(10)
    waiter, waited = in_thread(cache.get)
    waiter.join(0.2)
    source.gate.set()
    refresher.join(10)
    waiter.join(10)

    assert ([1], [1]) == (refreshed, waited)


def test_an_unexpected_exception_propagates_and_frees_the_next_caller() -> None:
    """A bug in fetch (not an XAccessError) reaches the caller and does not wedge the cache."""
    clock = FakeClock()
    source = Source(clock)
    source.fail = KeyError("bug")
    cache = cache_for(source)

    with pytest.raises(KeyError):
        cache.get()
    source.fail = None

    assert 2 == cache.get()


def test_an_unexpected_exception_sends_waiters_to_fetch_again() -> None:
    """Callers waiting on a fetch that died of a bug try again themselves."""
    clock = FakeClock()
    source = Source(clock)
    source.fail_once = [KeyError("bug")]
    source.gate = threading.Event()
    cache = cache_for(source)

    first, first_result = in_thread(cache.get)
    assert source.entered.wait(10)
    second, second_result = in_thread(cache.get)
    second.join(0.2)
    source.gate.set()
    first.join(10)
    second.join(10)

    assert isinstance(first_result[0], KeyError)
    assert [2] == second_result
    assert 2 == source.calls


def test_put_keeps_the_value_that_lives_longest() -> None:
    """A value stored from elsewhere replaces the cached one only if it expires later."""
    clock = FakeClock()
    source = Source(clock)
    cache = cache_for(source)
    assert cache.seconds_left() is None
    assert cache.advisory_seconds() is None
    cache.put(Fetched(10, clock(), dt.timedelta(hours=1)))

    cache.put(Fetched(11, clock(), dt.timedelta(minutes=15)))

    assert 10 == cache.get()
    assert 0 == source.calls


def test_a_naive_clock_is_refused() -> None:
    """A clock returning a naive datetime is an error, not a silent timezone guess."""
    source = Source(FakeClock())
    cache: RefreshingCache[int] = RefreshingCache(
        source,
        clock=lambda: dt.datetime(2030, 1, 1),  # noqa: DTZ001 - the point of the test
        backoff=Backoff(),
        describe="r",
    )

    with pytest.raises(ValidationError) as raised:
        cache.get()

    assert "clock" == raised.value.field


def test_a_log_handler_may_ask_the_cache_while_a_failed_refresh_is_reported() -> None:
    """The refresh-failure warning is logged without holding the cache's lock."""
    clock = FakeClock()
    source = Source(clock)
    cache = cache_for(source)
    first = cache.get()
    seen: list[int] = []

    class AskAgain(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(cache.get())

    handler = AskAgain(logging.WARNING)
    logger = logging.getLogger("xaccess.aws.credentials")
    logger.addHandler(handler)
    source.fail = AWSError("boom", code="ServiceUnavailable", operation="AssumeRole")
    clock.advance(700)  # in the advisory window
    try:
        thread, results = in_thread(cache.get)
        thread.join(30)
    finally:
        logger.removeHandler(handler)

    assert not thread.is_alive(), "the cache deadlocked"
    assert [first] == results
    assert [first] == seen


def test_a_fetch_that_needs_the_cache_again_is_an_error_not_a_deadlock() -> None:
    """A fetch asking its own cache for a value that does not exist yet raises at once."""
    clock = FakeClock()
    caches: list[RefreshingCache[int]] = []

    def fetch() -> Fetched[int]:
        return Fetched(caches[0].get(), clock(), dt.timedelta(minutes=15))

    caches.append(
        RefreshingCache(fetch, clock=clock, backoff=Backoff(), describe="arn:aws:iam::1:role/R")
    )
    thread, results = in_thread(caches[0].get)
    thread.join(30)

    assert not thread.is_alive(), "the cache deadlocked"
    assert 1 == len(results)
    assert isinstance(results[0], XAccessError)
    assert "own credentials" in str(results[0])


def test_a_fetch_that_needs_the_cache_again_gets_the_still_valid_value() -> None:
    """In the last minute a nested get() from the fetch returns the still-valid value."""
    clock = FakeClock()
    source = Source(clock)
    cache = cache_for(source)
    first = cache.get()
    nested: list[int] = []

    def fetch() -> Fetched[int]:
        nested.append(cache.get())
        return source()

    cache._fetch = fetch
    clock.advance(870)  # in the mandatory window
    thread, results = in_thread(cache.get)
    thread.join(30)

    assert not thread.is_alive(), "the cache deadlocked"
    assert [first] == nested
    assert [2] == results


# --- temporary credentials ---------------------------------------------------------------


def _response(expiration: object) -> Any:
    return {
        "Credentials": {
            "AccessKeyId": "ASIAEXAMPLE",
            "SecretAccessKey": "secret",
            "SessionToken": "token",
            "Expiration": expiration,
        },
        "AssumedRoleUser": {
            "Arn": f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/R/s",
            "AssumedRoleId": "AROA:s",
        },
        "SourceIdentity": "alice",
        "PackedPolicySize": 7,
    }


def test_temporary_credentials_read_every_field_of_the_response() -> None:
    """A naive Expiration is read as UTC; source identity and packed size are kept."""
    credentials = TemporaryCredentials.from_response(_response(dt.datetime(2030, 1, 1, 12)))  # noqa: DTZ001

    assert dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC) == credentials.expiration
    assert ("alice", 7) == (credentials.source_identity, credentials.packed_policy_size)
    other_zone = dt.datetime(2030, 1, 1, 13, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert (
        credentials.expiration
        == TemporaryCredentials.from_response(_response(other_zone)).expiration
    )


def test_an_expiration_that_is_not_a_timestamp_is_an_aws_error() -> None:
    """A malformed STS response is reported as such, not as a TypeError later."""
    with pytest.raises(AWSError) as raised:
        TemporaryCredentials.from_response(_response("tomorrow"))

    assert "InvalidResponse" == raised.value.code


# --- interrupts and forks ---------------------------------------------------------------------


def _in_daemon(function: Any) -> tuple[threading.Thread, list[Any]]:
    """Run ``function`` in a daemon thread (one that deadlocks cannot keep the run alive)."""
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(function())
        except Exception as error:  # noqa: BLE001 - handed to the test
            results.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, results


_SOURCE_LINES: Final = inspect.getsource(credentials).splitlines()


class _InterruptAtLine:
    """A tracer raising KeyboardInterrupt at the ``target``-th line run in the cache's module.

    Lines of the fetch function (in this test module) are not counted: a fetch that raises is
    a case of its own. Nor are ``with`` lines: CPython reports the lock's release there too,
    and an exception raised before ``__exit__`` runs would leak the lock whatever the code
    around it does. ``seen`` counts the lines run, so a test can try every one of them.
    """

    def __init__(self, target: int) -> None:
        self.target = target
        self.seen = 0

    def __call__(self, frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != credentials.__file__:
            return None
        if event == "line" and not _SOURCE_LINES[frame.f_lineno - 1].lstrip().startswith("with "):
            self.seen += 1
            if self.seen == self.target:
                raise KeyboardInterrupt
        return self

    def run(self, function: Any) -> None:
        sys.settrace(self)
        try:
            function()
        finally:
            sys.settrace(None)


def _interrupted_refresh(target: int) -> tuple[RefreshingCache[int], Source, int]:
    """A cache whose value has expired, refreshed once with an interrupt at line ``target``."""
    clock = FakeClock()
    source = Source(clock)
    cache = cache_for(source)
    cache.get()
    clock.advance(950)  # expired: every caller must wait for a refresh
    tracer = _InterruptAtLine(target)

    def refresh() -> None:
        with contextlib.suppress(KeyboardInterrupt):
            tracer.run(cache.get)

    thread, _ = _in_daemon(refresh)
    thread.join(5)
    assert not thread.is_alive(), f"the interrupted refresh hangs (line {target})"
    return cache, source, tracer.seen


def test_an_interrupt_anywhere_in_a_refresh_leaves_the_cache_usable() -> None:
    """A KeyboardInterrupt at any line of a refresh never leaves the next caller waiting."""
    _, _, lines = _interrupted_refresh(0)  # count the lines one refresh runs
    assert lines > 10
    for target in range(1, lines + 1):
        cache, source, _ = _interrupted_refresh(target)
        thread, results = _in_daemon(cache.get)
        thread.join(5)

        assert not thread.is_alive(), f"deadlock after an interrupt at line {target} of {lines}"
        assert [source.calls] == results, f"interrupt at line {target}"


def _in_child(function: Any) -> bool:
    """Run ``function`` in a forked child; whether it returned within 10 seconds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which coverage does not follow
        # The forking thread itself asks: a new thread might reuse the fetching thread's ident.
        signal.alarm(10)  # a deadlocked child is killed
        try:
            ok = bool(function())
        except BaseException:  # noqa: BLE001 - the child reports by its exit status
            ok = False
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_child_forked_during_a_refresh_fetches_its_own_value() -> None:
    """A fork while another thread is inside the fetch does not leave the child waiting."""
    clock = FakeClock()
    source = Source(clock)
    cache = cache_for(source)
    cache.get()
    clock.advance(950)  # expired
    source.gate = threading.Event()
    source.entered.clear()
    fetching, _ = in_thread(cache.get)
    assert source.entered.wait(10)
    try:
        child_ok = _in_child(lambda: _child_fetch(cache, source))
    finally:
        source.gate.set()
        fetching.join(10)

    assert child_ok


def _child_fetch(cache: RefreshingCache[int], source: Source) -> int:
    source.gate = None  # the child's own fetch does not wait for the parent's gate
    return cache.get()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_child_forked_during_a_refresh_reuses_a_still_valid_value() -> None:
    """In the mandatory window, a child forked mid-refresh gets a value instead of waiting."""
    clock = FakeClock()
    source = Source(clock)
    cache = cache_for(source)
    first = cache.get()
    clock.advance(870)  # in the last minute: callers wait for a refresh in flight
    source.gate = threading.Event()
    source.entered.clear()
    fetching, _ = in_thread(cache.get)
    assert source.entered.wait(10)
    try:
        child_ok = _in_child(lambda: _child_fetch(cache, source) in (first, source.calls))
    finally:
        source.gate.set()
        fetching.join(10)

    assert child_ok
