"""Values and helpers shared by the identifier tests."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from xaccess.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

ACCOUNT = "123456789012"
ARABIC_INDIC_12 = "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"
FULLWIDTH_12 = "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10\uff11\uff12"
ROLE_ARN = "arn:aws:iam::123456789012:role/Auditor"
NAME_CHARS = "may contain only ASCII letters, digits and _+=,.@-"
WRONG_TYPES = [
    pytest.param(123456789012, "int", id="int"),
    pytest.param(None, "NoneType", id="None"),
    pytest.param(b"abcdef", "bytes", id="bytes"),
    pytest.param(True, "bool", id="bool"),
    pytest.param(1.5, "float", id="float"),
]


def raises(validate: Callable[..., object], value: object) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validate(value)
    return excinfo.value


def refusal_time(call: Callable[[], object], *, repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs of ``call``, which must raise ValidationError, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        with pytest.raises(ValidationError):
            call()
        best = min(best, time.perf_counter() - started)
    return best


def assert_time_bounded(small: Callable[[], object], large: Callable[[], object]) -> None:
    """Refusing ``large`` (far bigger than ``small``) takes about as long as refusing ``small``.

    Linear work on inputs a thousand times bigger would take hundreds of times longer; a bound of
    three times plus five milliseconds leaves room for timer noise only.
    """
    assert refusal_time(large) < 3 * refusal_time(small) + 0.005
