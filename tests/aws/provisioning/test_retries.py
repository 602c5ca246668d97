"""How provisioning retries transient IAM failures (RetryPolicy and call_with_retry)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.provisioning_support import (
    NO_WAIT,
)
from xaccess.aws._retry import RetryPolicy, call_with_retry
from xaccess.errors import AWSError, ValidationError

# --- retry policy ----------------------------------------------------------------------------


def _client_error(code: str, status: int = 400) -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": "x"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "GetRole")


def test_backoff_is_exponential_jittered_and_capped() -> None:
    """Waits double up to the cap and are scaled by the random factor."""
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, random=lambda: 0.5)

    assert [0.25, 0.5, 1.0, 1.5, 1.5] == [policy.delay(n) for n in range(1, 6)]


def test_transient_errors_are_retried_until_success() -> None:
    """Throttling, 5xx and ConcurrentModification are retried with the policy's waits."""
    waits: list[float] = []
    policy = RetryPolicy(attempts=5, base_delay=1.0, sleep=waits.append, random=lambda: 1.0)
    answers: list[Exception] = [
        _client_error("Throttling"),
        _client_error("SomethingNew", 502),
        _client_error("ConcurrentModification", 409),
    ]

    def call() -> str:
        if answers:
            raise answers.pop(0)
        return "done"

    assert "done" == call_with_retry(policy, "GetRole", call)
    assert [1.0, 2.0, 4.0] == waits


def test_retries_are_bounded() -> None:
    """After the last attempt the error is raised, wrapped, with botocore's as its cause."""
    calls = []

    def call() -> None:
        calls.append(True)
        raise _client_error("Throttling")

    with pytest.raises(AWSError) as caught:
        call_with_retry(RetryPolicy(attempts=3, sleep=lambda _s: None), "GetRole", call)

    assert 3 == len(calls)
    assert "Throttling" == caught.value.code
    assert isinstance(caught.value.__cause__, ClientError)


def test_permanent_errors_are_not_retried() -> None:
    """AccessDenied is raised at once."""
    calls = []

    def call() -> None:
        calls.append(True)
        raise _client_error("AccessDenied", 403)

    with pytest.raises(AWSError, match="GetRole failed with AccessDenied: x"):
        call_with_retry(NO_WAIT, "GetRole", call)
    assert 1 == len(calls)


@pytest.mark.parametrize(
    "changes",
    [{"attempts": 0}, {"attempts": 21}, {"attempts": True}, {"base_delay": -1}, {"max_delay": "1"}],
)
def test_retry_policy_rejects_nonsense(changes: dict[str, Any]) -> None:
    """Attempts and delays are range-checked."""
    with pytest.raises(ValidationError):
        RetryPolicy(**changes)


def test_default_retry_policy_sleeps_with_jitter() -> None:
    """The default policy waits between 0 and base_delay * 2**(n-1) seconds."""
    policy = RetryPolicy()

    assert all(0 <= policy.delay(n) <= min(5.0, 0.2 * 2 ** (n - 1)) for n in range(1, 8))
