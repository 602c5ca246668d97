"""The retry loop of the AWS layer, its policy for transient AWS failures, and error wrapping.

This is separate from botocore's own retries: a client's retry configuration applies to each
attempt made here, so the two multiply. Every botocore error that leaves is wrapped as an
:class:`~xaccess.errors.AWSError` with the AWS error code and operation, the botocore error kept
as ``__cause__``.
"""

from __future__ import annotations

import logging
import random
import time
from typing import TYPE_CHECKING, Final, TypeVar

import attrs
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from xaccess.aws._clock import backoff_delay
from xaccess.errors import AWSError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "TRANSIENT_ERROR_CODES",
    "RetryPolicy",
    "call_with_retry",
    "error_code",
    "is_transient",
    "retry_loop",
    "wrap_error",
]

_log = logging.getLogger(__name__)

T = TypeVar("T")

TRANSIENT_ERROR_CODES: Final = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "ServiceFailure",
        "ServiceUnavailable",
        "InternalFailure",
        "InternalError",
        "RequestTimeout",
        "RequestTimeoutException",
        "ConcurrentModification",
    }
)
"""AWS error codes that are retried: throttling, service failures and concurrent modification.

Any error answered with an HTTP status of 500 or more, and connection errors and timeouts, are
retried as well.

.. versionadded:: 0.1.0
"""

_SERVER_ERROR: Final = 500


def _check_attempts(_policy: RetryPolicy, _attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 20:
        raise ValidationError("attempts", f"must be an int from 1 to 20, got {value!r}")


def _check_delay(_policy: RetryPolicy, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 300:
        raise ValidationError(attribute.name, f"must be 0-300 seconds, got {value!r}")


def _jitter() -> float:
    return random.random()  # noqa: S311 - jitter, not cryptography


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How transient AWS failures are retried: bounded exponential backoff with full jitter.

    Before retry ``n`` (1 for the first retry) the wait is
    ``random() * min(max_delay, base_delay * 2 ** (n - 1))`` seconds. Retried are throttling
    (``Throttling``, ``ThrottlingException``, ``RequestLimitExceeded``,
    ``TooManyRequestsException``), service failures (``ServiceFailure``,
    ``ServiceUnavailable``, ``InternalFailure``, ``InternalError``), timeouts
    (``RequestTimeout``, ``RequestTimeoutException``), ``ConcurrentModification``, any HTTP
    5xx answer, and connection errors and timeouts. All
    retried operations are idempotent or checked (a ``CreateRole`` retried after an ambiguous
    failure is recognised by its ownership tag).

    These retries come on top of the botocore client's own: with botocore's defaults each
    attempt here may itself be retried by botocore. Configure the client with
    ``Config(retries={"total_max_attempts": 1})`` to leave retrying to xaccess alone.

    Args:
        attempts: Total attempts per call, 1-20 (1 disables retrying).
        base_delay: The backoff base, in seconds.
        max_delay: The longest single wait, in seconds.
        sleep: Called with the number of seconds to wait; :func:`time.sleep` by default.
        random: Returns a float in ``[0, 1)`` that scales each wait; :func:`random.random` by
            default. Tests inject both to run without waiting.

    .. versionadded:: 0.1.0
    """

    attempts: int = attrs.field(default=5, validator=_check_attempts)
    base_delay: float = attrs.field(default=0.2, validator=_check_delay)
    max_delay: float = attrs.field(default=5.0, validator=_check_delay)
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, eq=False, repr=False)
    random: Callable[[], float] = attrs.field(default=_jitter, eq=False, repr=False)

    def delay(self, retry: int) -> float:
        """Return the wait before retry number ``retry`` (1 for the first retry), in seconds.

        .. versionadded:: 0.1.0
        """
        return backoff_delay(
            retry, base=self.base_delay, cap=self.max_delay, draw=self.random(), floor=0.0
        )


def error_code(exc: BaseException) -> str:
    """Return the AWS error code of a botocore error, or the exception's class name."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "Unknown")
    return type(exc).__name__


def _status(exc: ClientError) -> int:
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return status if isinstance(status, int) else 0


def is_transient(exc: BaseException) -> bool:
    """Whether retrying the call that raised ``exc`` may succeed."""
    if isinstance(exc, ClientError):
        return error_code(exc) in TRANSIENT_ERROR_CODES or _status(exc) >= _SERVER_ERROR
    return isinstance(exc, BotoConnectionError | HTTPClientError)


def wrap_error(exc: BotoCoreError | ClientError, operation: str) -> AWSError:
    """Return an :class:`AWSError` for a botocore error (the caller raises it ``from exc``)."""
    code = error_code(exc)
    if isinstance(exc, ClientError):
        detail = str(exc.response.get("Error", {}).get("Message") or "").strip()
        message = f"{operation} failed with {code}" + (f": {detail}" if detail else "")
    else:
        message = f"{operation} failed: {exc}"
    return AWSError(message, code=code, operation=operation)


def retry_loop(
    call: Callable[[], T],
    *,
    wait_before_retry: Callable[[Exception, int], float | None],
    sleep: Callable[[float], None],
) -> T:
    """Run ``call`` until it returns, waiting between attempts as ``wait_before_retry`` says.

    After attempt ``n`` fails with an :class:`Exception`, ``wait_before_retry(error, n)`` gives
    the seconds to wait before the next attempt, or ``None`` to raise the error as it is. Any
    other :class:`BaseException` (``KeyboardInterrupt``) leaves at once.
    """
    attempt = 1
    while True:
        try:
            return call()
        except Exception as error:
            wait = wait_before_retry(error, attempt)
            if wait is None:
                raise
        sleep(wait)
        attempt += 1


def call_with_retry(policy: RetryPolicy, operation: str, call: Callable[[], T]) -> T:
    """Run ``call`` and retry it on transient failures; wrap any botocore error that remains.

    Raises:
        ~xaccess.errors.AWSError: The call failed for good; ``__cause__`` is the botocore error.
    """

    def wait_before_retry(error: Exception, attempt: int) -> float | None:
        if not isinstance(error, ClientError | BotoCoreError):
            return None
        if attempt >= policy.attempts or not is_transient(error):
            return None
        wait = policy.delay(attempt)
        _log.info(
            "%s failed with %s (attempt %d of %d); retrying in %.2f s",
            operation,
            error_code(error),
            attempt,
            policy.attempts,
            wait,
        )
        return wait

    try:
        return retry_loop(call, wait_before_retry=wait_before_retry, sleep=policy.sleep)
    except (ClientError, BotoCoreError) as exc:
        raise wrap_error(exc, operation) from exc
