"""Temporary credentials and their refresh: lifetime-based windows, one fetch at a time, backoff.

:class:`TemporaryCredentials` is what ``sts:AssumeRole`` returns, with the secrets kept out of
every ``repr``. :class:`RefreshingCache` holds one value that expires (temporary credentials)
and decides when to fetch a new one. :class:`ClientCredentials` lets botocore sign requests with
it without applying its own refresh policy on top.

Timeline of one credential, measured on the injected clock from the moment the request for it
was sent (``issued_at``) -- never from the server's ``Expiration``, so a skewed local clock cannot
make us use credentials after they expire, and a simulated clock works against any server::

    issued_at ........ advisory_at ........ mandatory_at ..... deadline
      fresh: serve       one caller refreshes,  every caller waits    expired: fetch or
                         the others keep using  for the refresh        raise
                         the current value
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import attrs
from botocore.credentials import ReadOnlyCredentials, RefreshableCredentials

from xaccess.errors import AWSError, ValidationError, XAccessError

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_sts.type_defs import AssumeRoleResponseTypeDef

    from xaccess.aws._clock import Backoff, Clock

__all__ = [
    "MANDATORY_WINDOW",
    "ClientCredentials",
    "CredentialProvider",
    "Fetched",
    "RefreshWindows",
    "RefreshingCache",
    "TemporaryCredentials",
    "refresh_windows",
]

_LOG: Final = logging.getLogger(__name__)
_METHOD: Final = "AssumeRole"

MANDATORY_WINDOW: Final = dt.timedelta(minutes=1)
_SHORT_LIFETIME: Final = dt.timedelta(minutes=20)
_LONG_LIFETIME: Final = dt.timedelta(minutes=90)
_SHORT_ADVISORY: Final = dt.timedelta(minutes=5)
_MEDIUM_ADVISORY: Final = dt.timedelta(minutes=15)
_LONG_ADVISORY: Final = dt.timedelta(minutes=60)


def _aware_utc(value: object) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise AWSError(
            f"STS returned an Expiration that is not a timestamp: {type(value).__name__}",
            code="InvalidResponse",
            operation=_METHOD,
        )
    if value.utcoffset() is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


@attrs.frozen(repr=False)
class TemporaryCredentials:
    """Credentials returned by ``sts:AssumeRole``.

    The secret access key and the session token are never shown by ``repr`` or ``str``, which
    give only the access key ID (not a secret: it appears in CloudTrail) and the expiry.

    Attributes:
        access_key_id: The access key ID (``ASIA...``).
        secret_access_key: The secret access key.
        session_token: The session token.
        expiration: When STS says the credentials expire, timezone-aware, in UTC.
        assumed_role_arn: The session's ARN,
            ``arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION``.
        assumed_role_id: The session's unique ID, ``AROA...:SESSION``.
        source_identity: The source identity set on the session, if any.
        packed_policy_size: How much of the packed size budget the session policy and tags use,
            in percent, when STS reports it.

    .. versionadded:: 0.1.0
    """

    access_key_id: str
    secret_access_key: str = attrs.field(repr=False)
    session_token: str = attrs.field(repr=False)
    expiration: dt.datetime
    assumed_role_arn: str
    assumed_role_id: str
    source_identity: str | None = None
    packed_policy_size: int | None = None

    @classmethod
    def from_response(cls, response: AssumeRoleResponseTypeDef) -> TemporaryCredentials:
        """Build from a boto3 ``assume_role`` response.

        .. versionadded:: 0.1.0
        """
        credentials = response["Credentials"]
        user = response["AssumedRoleUser"]
        return cls(
            access_key_id=credentials["AccessKeyId"],
            secret_access_key=credentials["SecretAccessKey"],
            session_token=credentials["SessionToken"],
            expiration=_aware_utc(credentials["Expiration"]),
            assumed_role_arn=user["Arn"],
            assumed_role_id=user["AssumedRoleId"],
            source_identity=response.get("SourceIdentity"),
            packed_policy_size=response.get("PackedPolicySize"),
        )

    @property
    def account_id(self) -> str:
        """The account of the assumed role, from :attr:`assumed_role_arn`.

        .. versionadded:: 0.1.0
        """
        return self.assumed_role_arn.split(":")[4]

    def to_boto3_kwargs(self) -> dict[str, str]:
        """Return ``aws_access_key_id``, ``aws_secret_access_key`` and ``aws_session_token``.

        For ``boto3.Session(**credentials.to_boto3_kwargs())``; such a session does not refresh
        itself, so prefer :meth:`AssumeRoleClient.session`.

        .. versionadded:: 0.1.0
        """
        return {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
            "aws_session_token": self.session_token,
        }

    def __repr__(self) -> str:
        expires = self.expiration.isoformat(timespec="seconds")
        return f"TemporaryCredentials(access_key_id={self.access_key_id!r}, expiration={expires})"

    __str__ = __repr__


@attrs.frozen
class RefreshWindows:
    """How long before expiry a credential is refreshed.

    In the advisory window one caller refreshes while the others keep using the current
    credentials; in the mandatory window every caller waits for the refresh.
    """

    advisory: dt.timedelta
    mandatory: dt.timedelta


def refresh_windows(lifetime: dt.timedelta) -> RefreshWindows:
    """Choose the refresh windows for credentials that live ``lifetime``.

    The advisory window is 5 minutes for lifetimes up to 20 minutes, 15 minutes up to
    90 minutes and 60 minutes from 90 minutes on, but never more than half the lifetime: the
    table alone would refresh 90-minute credentials after only 30 minutes, and use 89-minute
    ones for 74. The mandatory window is 1 minute (and at most a quarter of the lifetime).
    """
    if lifetime <= _SHORT_LIFETIME:
        advisory = _SHORT_ADVISORY
    elif lifetime < _LONG_LIFETIME:
        advisory = _MEDIUM_ADVISORY
    else:
        advisory = _LONG_ADVISORY
    half = lifetime / 2
    return RefreshWindows(advisory=min(advisory, half), mandatory=min(MANDATORY_WINDOW, half / 2))


T = TypeVar("T")


@attrs.frozen
class Fetched(Generic[T]):
    """A freshly fetched value, when it was requested (local clock) and how long it lives."""

    value: T
    issued_at: dt.datetime
    lifetime: dt.timedelta


@attrs.frozen
class _Entry(Generic[T]):
    value: T
    advisory_at: dt.datetime
    mandatory_at: dt.datetime
    deadline: dt.datetime

    @classmethod
    def of(cls, fetched: Fetched[T]) -> _Entry[T]:
        windows = refresh_windows(fetched.lifetime)
        deadline = fetched.issued_at + fetched.lifetime
        return cls(
            fetched.value, deadline - windows.advisory, deadline - windows.mandatory, deadline
        )


@attrs.define
class _Claim:
    """Whether the calling thread has claimed the fetch; set before the cache records it."""

    thread: int
    held: bool = False


_CACHES: Final[weakref.WeakSet[RefreshingCache[Any]]] = weakref.WeakSet()


def _reset_caches_after_fork() -> None:
    for cache in list(_CACHES):
        cache._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_caches_after_fork)


class RefreshingCache(Generic[T]):
    """One expiring value, fetched on demand, refreshed ahead of expiry, one fetch at a time.

    * Before the advisory window the cached value is returned without taking part in any
      refresh.
    * In the advisory window the first caller fetches; callers arriving meanwhile get the
      current value.
    * In the mandatory window, or once expired, callers arriving during a fetch wait for it.
    * A failed fetch while the current value is still valid is logged, the value keeps being
      served, and the next attempt waits for a jittered, exponentially growing delay (not
      on every call). Once the value has expired the error is raised.

    Only :class:`~xaccess.errors.XAccessError` from ``fetch`` counts as a failed refresh; anything
    else propagates to the caller that fetched.
    """

    def __init__(
        self,
        fetch: Callable[[], Fetched[T]],
        *,
        clock: Clock,
        backoff: Backoff,
        describe: str,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._backoff = backoff
        self._describe = describe
        self._cond = threading.Condition(threading.Lock())
        self._entry: _Entry[T] | None = None
        self._fetching = False
        self._fetcher: int | None = None  # the thread running the fetch in flight
        self._generation = 0
        self._last_error: XAccessError | None = None
        self._failures = 0
        self._next_attempt: dt.datetime | None = None
        _CACHES.add(self)

    def now(self) -> dt.datetime:
        """Read the clock, checking that it gives an aware datetime."""
        now = self._clock()
        if not isinstance(now, dt.datetime) or now.utcoffset() is None:
            raise ValidationError("clock", f"must return an aware datetime, got {now!r}")
        return now

    def get(self) -> T:
        """Return a valid value, fetching or refreshing as the windows say.

        Whatever interrupts the caller that fetches (an error, ``KeyboardInterrupt``, any
        :class:`BaseException`, at any point), the fetch it claimed is released: the next caller
        fetches again instead of waiting for a fetch that will never end.
        """
        claim = _Claim(threading.get_ident())
        try:
            entry = self._serve(claim)
            return self._refresh() if entry is None else entry.value
        finally:
            if claim.held:
                self._release(claim.thread)

    def _serve(self, claim: _Claim) -> _Entry[T] | None:
        """Return the entry to serve, or claim the fetch and return ``None``."""
        with self._cond:
            while True:
                now = self.now()
                entry = self._entry
                if entry is not None and now < entry.advisory_at:
                    return entry
                valid = entry is not None and now < entry.deadline
                urgent = not valid or (entry is not None and now >= entry.mandatory_at)
                if self._fetching:
                    if entry is not None and not urgent:
                        return entry
                    if self._fetcher == claim.thread:
                        # The fetch needs this very value (say the base session's credential
                        # provider calls back): waiting for ourselves would never end.
                        if entry is not None and valid:
                            return entry
                        raise XAccessError(
                            f"fetching credentials for {self._describe} needs its own "
                            "credentials: the base session's credentials must not come from "
                            "the same client"
                        )
                    self._wait_for_fetch()
                    continue
                if (
                    entry is not None
                    and valid
                    and self._next_attempt is not None
                    and now < self._next_attempt
                ):
                    return entry
                claim.held = True  # first: an interrupt after it still releases the fetch
                self._fetcher = claim.thread
                self._fetching = True
                self._last_error = None
                return None

    def _release(self, thread: int) -> None:
        """End the fetch ``thread`` claimed, if it is still in flight, and wake the waiters."""
        with self._cond:
            if self._fetcher == thread:
                self._fetching = False
                self._fetcher = None
                self._generation += 1
                self._cond.notify_all()

    def _after_fork_in_child(self) -> None:
        """Forget a fetch in flight in the parent: no thread of the child will finish it."""
        self._cond = threading.Condition(threading.Lock())
        self._fetching = False
        self._fetcher = None
        self._generation += 1

    def _wait_for_fetch(self) -> None:
        """Wait for the fetch in flight; raise its error if it failed and nothing is valid."""
        generation = self._generation
        while self._fetching and self._generation == generation:
            self._cond.wait()
        error = self._last_error
        entry = self._entry
        if error is not None and (entry is None or self.now() >= entry.deadline):
            raise error

    def _refresh(self) -> T:
        """Fetch for the claim this thread holds; :meth:`get` releases it whatever happens."""
        try:
            fetched = self._fetch()
        except XAccessError as error:
            return self._failed(error)
        self.put(fetched, _finish=True)
        return fetched.value

    def _failed(self, error: XAccessError) -> T:
        with self._cond:
            self._fetching = False
            self._fetcher = None
            self._generation += 1
            self._last_error = error
            self._failures += 1
            failures = self._failures
            now = self.now()
            entry = self._entry
            try:
                if entry is None or now >= entry.deadline:
                    self._next_attempt = None
                    raise error
                delay = self._backoff.delay(failures)
                self._next_attempt = now + dt.timedelta(seconds=delay)
                left = (entry.deadline - now).total_seconds()
            finally:
                self._cond.notify_all()
        # Logged without the lock: a handler may itself need credentials from this cache.
        _LOG.warning(
            "refreshing credentials for %s failed (%s, attempt %d); the current "
            "credentials stay valid for %.0f s; next attempt in %.1f s",
            self._describe,
            getattr(error, "code", type(error).__name__),
            failures,
            left,
            delay,
        )
        return entry.value

    def put(self, fetched: Fetched[T], *, _finish: bool = False) -> None:
        """Store a value fetched elsewhere (or by :meth:`get`) and wake any waiters."""
        entry = _Entry.of(fetched)
        with self._cond:
            current = self._entry
            if current is None or entry.deadline >= current.deadline:
                self._entry = entry
            if _finish:
                self._fetching = False
                self._fetcher = None
            self._generation += 1
            self._last_error = None
            self._failures = 0
            self._next_attempt = None
            self._cond.notify_all()
        _LOG.debug(
            "credentials for %s cached: refresh from %s, all callers wait from %s, expire %s",
            self._describe,
            entry.advisory_at.isoformat(timespec="seconds"),
            entry.mandatory_at.isoformat(timespec="seconds"),
            entry.deadline.isoformat(timespec="seconds"),
        )

    def peek(self) -> T | None:
        """The cached value, valid or not, without fetching; ``None`` before the first fetch."""
        with self._cond:
            entry = self._entry
        return None if entry is None else entry.value

    def seconds_left(self) -> float | None:
        """Seconds until the cached value expires (negative once expired), or ``None``."""
        with self._cond:
            entry = self._entry
        if entry is None:
            return None
        return (entry.deadline - self.now()).total_seconds()

    def advisory_seconds(self) -> float | None:
        """Length of the advisory window of the cached value in seconds, or ``None``."""
        with self._cond:
            entry = self._entry
        if entry is None:
            return None
        return (entry.deadline - entry.advisory_at).total_seconds()


class ClientCredentials(RefreshableCredentials):
    """botocore credentials that take every value from an :class:`AssumeRoleClient`.

    botocore signs each request with :meth:`get_frozen_credentials`; here that asks the client,
    whose cache applies the lifetime-based windows. botocore's own fixed windows (15 and
    10 minutes) would refresh 15-minute credentials on every request, so the inherited refresh
    machinery is bypassed entirely: no initial credentials, no second lock, no second clock.
    The class stays a :class:`~botocore.credentials.RefreshableCredentials` so code that checks
    for refreshable credentials keeps working.
    """

    def __init__(
        self,
        *,
        fetch: Callable[[], TemporaryCredentials],
        cache: RefreshingCache[TemporaryCredentials],
        account_id: str,
    ) -> None:
        # RefreshableCredentials.__init__ needs credentials up front; these are fetched lazily.
        self._xaccess_fetch = fetch
        self._xaccess_cache = cache
        self._xaccess_account_id = account_id
        self._refresh_lock = threading.Lock()
        self.method = "xaccess-assume-role"

    def get_frozen_credentials(self) -> ReadOnlyCredentials:
        """Return the current credentials, refreshed by the client when due."""
        current = self._xaccess_fetch()
        return ReadOnlyCredentials(
            current.access_key_id,
            current.secret_access_key,
            current.session_token,
            self._xaccess_account_id,
        )

    @property
    def access_key(self) -> str:
        """The access key ID (prefer :meth:`get_frozen_credentials`)."""
        return self._xaccess_fetch().access_key_id

    @access_key.setter
    def access_key(self, value: str) -> None:
        raise AttributeError("credentials of an AssumeRoleClient session are read-only")

    @property
    def secret_key(self) -> str:
        """The secret access key (prefer :meth:`get_frozen_credentials`)."""
        return self._xaccess_fetch().secret_access_key

    @secret_key.setter
    def secret_key(self, value: str) -> None:
        raise AttributeError("credentials of an AssumeRoleClient session are read-only")

    @property
    def token(self) -> str:
        """The session token (prefer :meth:`get_frozen_credentials`)."""
        return self._xaccess_fetch().session_token

    @token.setter
    def token(self, value: str) -> None:
        raise AttributeError("credentials of an AssumeRoleClient session are read-only")

    @property
    def account_id(self) -> str:
        """The account of the assumed role, known from its ARN without calling AWS."""
        return self._xaccess_account_id

    @account_id.setter
    def account_id(self, value: str) -> None:
        raise AttributeError("credentials of an AssumeRoleClient session are read-only")

    def refresh_needed(self, refresh_in: int | None = None) -> bool:
        """Whether the credentials expire within ``refresh_in`` seconds.

        Without ``refresh_in`` this is the client's advisory window, not botocore's.
        """
        left = self._xaccess_cache.seconds_left()
        if left is None:
            return True
        window = self._xaccess_cache.advisory_seconds() if refresh_in is None else refresh_in
        return left < (window or 0)

    def _refresh(self) -> None:
        self._xaccess_fetch()

    def _protected_refresh(self, is_mandatory: bool) -> None:
        self._xaccess_fetch()

    def _seconds_remaining(self) -> float:
        left = self._xaccess_cache.seconds_left()
        return 0.0 if left is None else left

    def __repr__(self) -> str:
        return f"<ClientCredentials method={self.method!r} account_id={self._xaccess_account_id!r}>"


class CredentialProvider:
    """A botocore ``credential_provider`` component that always loads the same credentials.

    Registered with :meth:`botocore.session.Session.register_component`, it makes a botocore
    session sign with :class:`ClientCredentials` through botocore's public interface.
    """

    def __init__(self, credentials: ClientCredentials) -> None:
        self._credentials = credentials

    def load_credentials(self) -> ClientCredentials:
        """Return the client's credentials (botocore asks once per session)."""
        return self._credentials
