"""Tests for xaccess.aws._clock: the one backoff, durations as arguments, the system clock."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xaccess.aws._clock import Backoff, seconds, system_clock, system_sleep
from xaccess.errors import ValidationError

# --- backoff and durations ---------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=200), st.integers())
def test_backoff_delay_is_between_half_and_all_of_the_capped_exponential(
    attempt: int, seed: int
) -> None:
    """Attempt n waits between d/2 and d, d = min(60, 2**(n-1))."""
    ceiling = min(60.0, 2.0 ** min(attempt - 1, 62))

    delay = Backoff(rng=random.Random(seed)).delay(attempt)

    assert ceiling / 2 <= delay <= ceiling


@pytest.mark.parametrize(
    ("value", "expected"), [(3, 3.0), (2.5, 2.5), (dt.timedelta(minutes=1), 60.0), (0, 0.0)]
)
def test_seconds_accepts_numbers_and_timedeltas(value: object, expected: float) -> None:
    """Durations may be given as int or float seconds or as a timedelta."""
    assert expected == seconds(value, field="timeout")


@pytest.mark.parametrize("value", [True, "1", None, float("inf"), -1, dt.timedelta(seconds=-1)])
def test_seconds_refuses_other_values(value: object) -> None:
    """bool, text, infinities and negative durations are refused, naming the field."""
    with pytest.raises(ValidationError) as raised:
        seconds(value, field="timeout")

    assert "timeout" == raised.value.field


def test_system_clock_and_sleep() -> None:
    """The defaults: an aware UTC clock and time.sleep."""
    before = dt.datetime.now(dt.UTC)
    system_sleep(0)
    assert before <= system_clock()
    assert dt.UTC == system_clock().tzinfo
