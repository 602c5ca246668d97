"""Time for the AWS layer: an injectable clock, durations as arguments, jittered backoff.

Everything that decides *when* (credential refresh, retry delays, waiting for a role) reads the
time through a :data:`Clock` and waits through a :data:`Sleep`, so tests and benchmarks can run
hours of simulated time in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable
from typing import Final, TypeAlias

import attrs

from xaccess.errors import ValidationError

__all__ = [
    "Backoff",
    "Clock",
    "Sleep",
    "backoff_delay",
    "seconds",
    "system_clock",
    "system_sleep",
]

Clock: TypeAlias = Callable[[], dt.datetime]
"""A callable returning the current time as a timezone-aware :class:`~datetime.datetime`."""

Sleep: TypeAlias = Callable[[float], None]
"""A callable that waits for the given number of seconds (like :func:`time.sleep`)."""


def system_clock() -> dt.datetime:
    """Return the current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def system_sleep(delay: float) -> None:
    """Wait ``delay`` seconds."""
    time.sleep(delay)


def seconds(value: object, *, field: str, minimum: float = 0.0) -> float:
    """Read a duration given as seconds (``int``/``float``) or a :class:`~datetime.timedelta`.

    Raises:
        ValidationError: If the type is wrong (``bool`` included), the value is not finite or it
            is below ``minimum``.
    """
    if isinstance(value, dt.timedelta):
        amount = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        amount = float(value)
    else:
        raise ValidationError(
            field,
            f"must be a number of seconds or a datetime.timedelta, got {type(value).__name__}",
        )
    if not math.isfinite(amount):
        raise ValidationError(field, f"must be a finite duration, got {amount}")
    if amount < minimum:
        raise ValidationError(field, f"must be at least {minimum:g} seconds, got {amount:g}")
    return amount


_DEFAULT_BASE: Final = 1.0
_MAX_DOUBLINGS: Final = 62


def backoff_delay(attempt: int, *, base: float, cap: float, draw: float, floor: float) -> float:
    """The one exponential backoff of the AWS layer: the wait before retry ``attempt``.

    The ceiling is ``base * 2 ** (attempt - 1)``, at most ``cap``; the wait is the part
    ``floor + (1 - floor) * draw`` of it, with ``draw`` a random number in ``[0, 1]``. A
    ``floor`` of 0 is "full jitter" (anywhere up to the ceiling), 0.5 "equal jitter" (at least
    half of it, so retries never come in a burst).
    """
    ceiling = min(cap, base * 2.0 ** max(0, min(attempt - 1, _MAX_DOUBLINGS)))
    fraction = max(0.0, min(1.0, draw))
    return ceiling * (floor + (1.0 - floor) * fraction)


_DEFAULT_CAP: Final = 60.0


@attrs.define
class Backoff:
    """Exponential backoff with "equal jitter": attempt *n* waits between d/2 and d seconds.

    ``d`` is ``base * 2 ** (n - 1)``, at most ``cap``. Half of the delay is fixed so that retries
    never come in a burst; the other half is random so that many clients failing at once spread
    out again.
    """

    base: float = _DEFAULT_BASE
    cap: float = _DEFAULT_CAP
    rng: random.Random = attrs.field(factory=random.Random, repr=False)

    def delay(self, attempt: int) -> float:
        """Return the delay in seconds before retry number ``attempt`` (1 for the first)."""
        return backoff_delay(
            attempt, base=self.base, cap=self.cap, draw=self.rng.random(), floor=0.5
        )
