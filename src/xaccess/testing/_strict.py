"""The context manager that switches the strict STS on, and records what it decided."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from xaccess.testing._context import DEFAULT_SOURCE_IP, Network
from xaccess.testing._interception import INTERCEPTOR

if TYPE_CHECKING:
    from types import TracebackType

    from xaccess.testing._attempt import AssumeRoleAttempt


class StrictSTS:
    """Strict ``sts:AssumeRole`` authorization for moto, active inside a ``with`` block.

    Entering installs the interception (once, however many instances are active, including
    nested and concurrent ones); leaving the last active instance restores moto exactly. Every
    active instance records each ``AssumeRole`` request it sees in :attr:`attempts`. Use
    :func:`strict_sts` to make one.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self, *, source_ip: str = DEFAULT_SOURCE_IP, secure_transport: bool = True
    ) -> None:
        self._network = Network(source_ip=source_ip, secure_transport=secure_transport)
        self._lock = threading.Lock()
        self._attempts: list[AssumeRoleAttempt] = []
        self._depth = 0

    def __enter__(self) -> StrictSTS:
        INTERCEPTOR.activate(self)
        with self._lock:
            self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        INTERCEPTOR.deactivate(self)
        with self._lock:
            self._depth -= 1

    def __repr__(self) -> str:
        return f"<StrictSTS active={self.active} attempts={len(self.attempts)}>"

    @property
    def network(self) -> Network:
        """Where requests come from while this is the innermost active instance.

        .. versionadded:: 0.1.0
        """
        return self._network

    @property
    def active(self) -> bool:
        """Whether this instance is inside its ``with`` block.

        .. versionadded:: 0.1.0
        """
        with self._lock:
            return self._depth > 0

    @property
    def attempts(self) -> tuple[AssumeRoleAttempt, ...]:
        """Every ``AssumeRole`` request seen so far, oldest first.

        .. versionadded:: 0.1.0
        """
        with self._lock:
            return tuple(self._attempts)

    @property
    def allowed(self) -> tuple[AssumeRoleAttempt, ...]:
        """The attempts that were passed on to moto.

        .. versionadded:: 0.1.0
        """
        return tuple(attempt for attempt in self.attempts if attempt.allowed)

    @property
    def denied(self) -> tuple[AssumeRoleAttempt, ...]:
        """The attempts that were refused.

        .. versionadded:: 0.1.0
        """
        return tuple(attempt for attempt in self.attempts if not attempt.allowed)

    def clear(self) -> None:
        """Forget the recorded attempts.

        .. versionadded:: 0.1.0
        """
        with self._lock:
            self._attempts.clear()

    def _record(self, attempt: AssumeRoleAttempt) -> None:
        with self._lock:
            self._attempts.append(attempt)


def strict_sts(*, source_ip: str = DEFAULT_SOURCE_IP, secure_transport: bool = True) -> StrictSTS:
    """Return a :class:`StrictSTS`: use it as ``with strict_sts() as sts:``.

    Inside the block, ``sts:AssumeRole`` requests served by moto in this process (in-process
    ``moto.mock_aws()`` or a ``ThreadedMotoServer``) are authorized as AWS authorizes them; see
    the module documentation for the rules. Start moto yourself; the order does not matter.

    Every request carries the global condition keys AWS adds. ``aws:SourceIp`` is
    ``source_ip`` and ``aws:SecureTransport`` is ``secure_transport``: true by default,
    because every SDK reaches AWS over HTTPS, even when the test reaches moto over plain
    HTTP. When instances are nested, the one entered last decides both.

    Args:
        source_ip: The caller's IPv4 or IPv6 address, as AWS would see it.
        secure_transport: Whether requests count as sent over TLS.

    Example:
        >>> import boto3, moto  # doctest: +SKIP
        >>> with moto.mock_aws(), strict_sts() as sts:  # doctest: +SKIP
        ...     boto3.client("sts").assume_role(RoleArn=arn, RoleSessionName="s")

    Returns:
        A new, not yet active, :class:`StrictSTS`.

    Raises:
        ValidationError: If ``source_ip`` is not an IP address or ``secure_transport`` is not
            a bool.

    .. versionadded:: 0.1.0
    """
    return StrictSTS(source_ip=source_ip, secure_transport=secure_transport)
