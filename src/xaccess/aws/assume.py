"""Assume customers' roles with an external ID: cached, self-refreshing, verified credentials.

:class:`AssumeRoleClient` is the vendor side of a third-party role. It validates every
``sts:AssumeRole`` parameter locally, calls STS on the regional endpoint, caches the credentials
and refreshes them ahead of expiry (one call in flight however many threads ask), hands out
boto3 sessions that stay signed with fresh credentials, turns STS errors into typed errors that
say what probably went wrong, and :meth:`~AssumeRoleClient.verify` checks at onboarding that the
customer's role really requires the external ID.

The client delegates: :mod:`xaccess.aws.credentials` holds the credentials and their refresh
cache, :mod:`xaccess.aws.verify` the onboarding check, :mod:`xaccess.aws._endpoints` regions and
endpoints, :mod:`xaccess.aws._retry` the retry loop. This module imports boto3 and botocore;
``import xaccess`` does not import it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import threading
import weakref
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from xaccess import limits
from xaccess._validate import check_bool, check_callable
from xaccess.aws import _redact, _retry
from xaccess.aws._clock import Backoff, Clock, Sleep, seconds, system_clock, system_sleep
from xaccess.aws._endpoints import StsConnection, check_sts_region
from xaccess.aws._request import (
    AssumeRoleRequest,
    chained_duration,
    kept_cause,
    sts_error,
)
from xaccess.aws._sessions import new_session
from xaccess.aws.credentials import (
    ClientCredentials,
    CredentialProvider,
    Fetched,
    RefreshingCache,
    TemporaryCredentials,
)
from xaccess.aws.verify import (
    CheckName,
    CheckOutcome,
    VerificationCheck,
    VerificationReport,
    verify,
    wait_until_assumable,
)
from xaccess.errors import (
    AssumeRoleDenied,
    AWSError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import boto3
    from mypy_boto3_sts import STSClient
    from mypy_boto3_sts.type_defs import AssumeRoleRequestTypeDef, AssumeRoleResponseTypeDef

    from xaccess.identifiers import (
        RoleArn,
        Tag,
    )
    from xaccess.policy.model import PolicyDocument

__all__ = [
    "AssumeRoleClient",
    "CheckName",
    "CheckOutcome",
    "RoleChainingWarning",
    "SessionPolicy",
    "TemporaryCredentials",
    "VerificationCheck",
    "VerificationReport",
]

_LOG: Final = logging.getLogger(__name__)

_PROBE_DURATION: Final = limits.MIN_DURATION
_DEFAULT_INTERVAL: Final = 2.0
_METHOD: Final = "AssumeRole"

SessionPolicy: TypeAlias = "PolicyDocument | Mapping[str, Any] | str"
"""A session policy as :class:`AssumeRoleClient` accepts it.

A :class:`~xaccess.PolicyDocument`, parsed JSON or JSON text.

.. versionadded:: 0.1.0
"""


_CLIENTS: Final[weakref.WeakSet[AssumeRoleClient]] = weakref.WeakSet()
# One random source for every client's backoff jitter: a generator's state is 2.5 KiB, more
# than a third of what a warm client costs otherwise.
_JITTER: Final = random.Random()  # noqa: S311 - jitter, not cryptography


def _reset_clients_after_fork() -> None:
    for client in list(_CLIENTS):
        client._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_clients_after_fork)


class RoleChainingWarning(UserWarning):
    """A requested session duration was lowered to one hour because of role chaining.

    STS allows at most one hour when the caller is itself an assumed-role session. Pass
    ``strict=True`` to :class:`AssumeRoleClient` to get
    :class:`~xaccess.errors.SessionDurationTooLong` instead.

    .. versionadded:: 0.1.0
    """


# --- the client --------------------------------------------------------------------------------


class AssumeRoleClient:
    """Assume one customer's role with its external ID, and keep the credentials fresh.

    Every argument is checked when the client is made, before any AWS call; bad input raises
    :class:`~xaccess.errors.ValidationError`. No AWS call happens until credentials are first
    needed. One client serves any number of threads: however many ask at once, at most one
    ``AssumeRole`` is in flight.

    Credentials are refreshed ahead of expiry, by windows chosen from their lifetime: from
    5 minutes before expiry for lifetimes up to 20 minutes, 15 minutes up to 90 minutes and
    60 minutes beyond (never more than half the lifetime). In that advisory window one caller
    refreshes while the others keep using the current credentials; in the last minute every
    caller waits for the refresh. If a refresh fails while the current credentials are still
    valid, they keep being served and the refresh is retried after a jittered, growing delay;
    once they have expired, the error is raised. Expiry is measured on the injected ``clock``
    from the moment the request was sent, plus ``DurationSeconds``, so a skewed local clock
    never makes the client use expired credentials.

    Args:
        role_arn: The customer's role, ``arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME``.
        external_id: The external ID this customer's trust policy requires. Required: pass
            ``None`` explicitly only for a role that requires none (such a role is open to the
            confused deputy problem, and :meth:`verify` refuses to run).
        session_name: The ``RoleSessionName``: it appears in the customer's CloudTrail.
        duration_seconds: How long credentials live, 900-43200 seconds (an ``int`` or a
            :class:`~datetime.timedelta`); at most the role's ``MaxSessionDuration``.
        base_session: The vendor's own boto3 session, whose credentials call STS. By default
            ``boto3.Session()``, made on first use.
        region_name: The region whose STS endpoint is called (and the default region of
            :meth:`session`). By default the base session's region.
        use_global_endpoint: Call ``https://sts.amazonaws.com`` instead of the regional
            endpoint (``aws`` partition only). Its credentials do not work in opt-in regions.
        sts_endpoint_url: Call STS at this URL instead (a VPC endpoint, a test server). An
            endpoint configured for STS in the environment or config file
            (``AWS_ENDPOINT_URL_STS``) is respected too.
        sts_client: A boto3 STS client to share with other clients (one per region for many
            customers, as :class:`~xaccess.aws.fleet.Fleet` does), made from ``base_session``;
            its region is the default ``region_name`` and its endpoint is used as it is, so it
            excludes ``sts_endpoint_url`` and ``use_global_endpoint``.
        source_identity: The ``SourceIdentity`` to set on the session.
        tags: Session tags, as a mapping or :class:`~xaccess.identifiers.Tag` objects (at most 50).
        transitive_tag_keys: Keys of ``tags`` that pass on through role chaining.
        policy: A session policy, which can only narrow the role's permissions.
        policy_arns: Managed policies used as session policies (at most 10). With ``policy``
            at most 2048 characters together.
        strict: With a base session that is itself an assumed role (role chaining), STS allows
            at most one hour: by default a longer ``duration_seconds`` is lowered to 3600 with a
            :class:`RoleChainingWarning`; with ``strict=True``
            :class:`~xaccess.errors.SessionDurationTooLong` is raised instead.
        propagation_grace: For a role created moments ago: retry ``AccessDenied`` with backoff
            for this long (seconds or a timedelta) after the first attempt, until the role has
            been assumed once. ``None`` (the default) never retries ``AccessDenied``.
        clock: Returns the current time, timezone-aware (for tests and simulations).
        sleep: Waits a number of seconds (for tests and simulations).

    A client pickles (to run on a worker of a process pool or a cluster): its configuration
    travels, its credentials, locks, base session and STS client never do. The copy assumes
    the role itself, from its own environment's identity (``boto3.Session()``), when it first
    needs credentials; ``clock`` and ``sleep`` must pickle too when given.

    Raises:
        ~xaccess.errors.ValidationError: If any argument is invalid.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        *,
        role_arn: str | RoleArn,
        external_id: str | None,
        session_name: str,
        duration_seconds: int | dt.timedelta = limits.DEFAULT_DURATION,
        base_session: boto3.Session | None = None,
        region_name: str | None = None,
        use_global_endpoint: bool = False,
        sts_endpoint_url: str | None = None,
        sts_client: STSClient | None = None,
        source_identity: str | None = None,
        tags: Mapping[str, str] | Iterable[Tag] | None = None,
        transitive_tag_keys: Iterable[str] = (),
        policy: SessionPolicy | None = None,
        policy_arns: Iterable[str] = (),
        strict: bool = False,
        propagation_grace: float | dt.timedelta | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self._request = AssumeRoleRequest.build(
            role_arn=role_arn,
            external_id=external_id,
            session_name=session_name,
            duration_seconds=duration_seconds,
            source_identity=source_identity,
            tags=tags,
            transitive_tag_keys=transitive_tag_keys,
            policy=policy,
            policy_arns=policy_arns,
        )
        self._role = self._request.role
        self._external_id = self._request.external_id
        self._session_name = self._request.session_name
        self._duration = self._request.duration
        self._setup = threading.RLock()
        self._aws = StsConnection(
            partition=self._role.partition,
            base_session=base_session,
            region_name=region_name,
            use_global_endpoint=use_global_endpoint,
            sts_endpoint_url=sts_endpoint_url,
            lock=self._setup,
            sts_client=sts_client,
        )
        self._strict = check_bool(strict, "strict")
        self._grace = (
            None
            if propagation_grace is None
            else dt.timedelta(seconds=seconds(propagation_grace, field="propagation_grace"))
        )
        check_callable(clock, "clock")
        check_callable(sleep, "sleep")
        self._clock, self._given_sleep = clock, sleep
        self._sleep: Sleep = system_sleep if sleep is None else sleep
        self._backoff = Backoff(rng=_JITTER)
        self._cache: RefreshingCache[TemporaryCredentials] = RefreshingCache(
            self._fetch,
            clock=system_clock if clock is None else clock,
            backoff=self._backoff,
            describe=str(self._role),
        )

        self._effective_duration: int | None = None
        self._grace_until: dt.datetime | None = None
        self._assumed_once = False
        self._botocore_credentials: ClientCredentials | None = None
        self._sessions = threading.local()  # by_region: this thread's session per region
        _CLIENTS.add(self)

    def _after_fork_in_child(self) -> None:
        """A lock held by a thread of the parent would never be released in the child."""
        self._setup = threading.RLock()
        self._aws.after_fork_in_child(self._setup)
        self._sessions = threading.local()  # their clients' connections are the parent's

    # -- what the client is ----------------------------------------------------------------

    @property
    def role_arn(self) -> RoleArn:
        """The role this client assumes.

        .. versionadded:: 0.1.0
        """
        return self._role

    @property
    def session_name(self) -> str:
        """The ``RoleSessionName`` sent to STS.

        .. versionadded:: 0.1.0
        """
        return self._session_name

    @property
    def duration_seconds(self) -> int:
        """The requested session duration in seconds (before any role-chaining cap).

        .. versionadded:: 0.1.0
        """
        return self._duration

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the configuration only: never credentials, locks, sessions or clients."""
        grace = None if self._grace is None else self._grace.total_seconds()
        arguments: dict[str, Any] = {
            **self._request.arguments(),
            "region_name": self._aws.known_region(),
            "use_global_endpoint": self._aws.use_global,
            "sts_endpoint_url": self._aws.endpoint_url(),
            "strict": self._strict,
            "propagation_grace": grace,
            "clock": self._clock,
            "sleep": self._given_sleep,
        }
        return (_restore_client, (arguments,))

    def __repr__(self) -> str:
        return (
            f"AssumeRoleClient(role_arn={str(self._role)!r}, "
            f"session_name={self._session_name!r}, duration_seconds={self._duration})"
        )

    # -- public operations -----------------------------------------------------------------

    def credentials(self) -> TemporaryCredentials:
        """Return valid credentials for the role, assuming it or refreshing first if due.

        Returns:
            The cached credentials while they are fresh; new ones otherwise.

        Raises:
            ~xaccess.errors.AssumeRoleDenied: If STS refuses (and there are no valid
                credentials to fall back on).
            ~xaccess.errors.SessionDurationTooLong: If the duration is above the role's
                maximum, or above one hour while role chaining with ``strict=True``.
            ~xaccess.errors.PackedPolicyTooLarge: If the session policy and tags are too large
                for STS.
            ~xaccess.errors.RegionDisabled: If STS is not activated in the region for the
                role's account.
            ~xaccess.errors.AWSError: For any other failure of the call.
            ~xaccess.errors.ValidationError: If no region is known (see ``region_name``).

        .. versionadded:: 0.1.0
        """
        return self._cache.get()

    def cached_credentials(self) -> TemporaryCredentials | None:
        """Return the cached credentials, valid or not, without calling STS.

        Returns:
            The last credentials obtained, or ``None`` if the role was never assumed.

        .. versionadded:: 0.1.0
        """
        return self._cache.peek()

    def session(self, *, region_name: str | None = None, new: bool = False) -> boto3.Session:
        """Return a boto3 session that signs with this client's credentials, refreshed as due.

        The session is cached: each thread gets the same one for a region on every call, so
        asking for it costs microseconds, not the milliseconds of making one (boto3 sessions
        are not safe to make clients from in several threads at once, so threads do not share
        one). It never goes stale: its credentials come from this client, which refreshes them
        by its own windows, not botocore's. Every session of one client shares the credentials:
        making many costs no extra ``AssumeRole``.

        Args:
            region_name: The session's default region; by default the client's region.
            new: Make a new session instead of returning the cached one (for example to
                register event handlers on a session of one's own). It is not cached.

        Returns:
            A :class:`boto3.Session`.

        Raises:
            ~xaccess.errors.ValidationError: If ``region_name`` or ``new`` is invalid, or the
                region is in another partition.

        .. versionadded:: 0.1.0
        """
        region = (
            self._aws.region()
            if region_name is None
            else check_sts_region(region_name, field="region_name", partition=self._role.partition)
        )
        if check_bool(new, "new"):
            return self._new_session(region)
        cached: dict[str, boto3.Session] = self._sessions.__dict__.setdefault("by_region", {})
        session = cached.get(region)
        if session is None:
            session = cached[region] = self._new_session(region)
        return session

    def _new_session(self, region: str) -> boto3.Session:
        _redact.install()
        with self._setup:
            if self._botocore_credentials is None:
                self._botocore_credentials = ClientCredentials(
                    fetch=self.credentials, cache=self._cache, account_id=self._role.account
                )
            credentials = self._botocore_credentials
            base = self._aws.base()
        # Sessions share their base session's service models and copy botocore's built-in
        # handlers: making a session and a client costs a few milliseconds.
        return new_session(
            base, region_name=region, credential_provider=CredentialProvider(credentials)
        )

    def client(
        self,
        service_name: str,
        *,
        region_name: str | None = None,
        **kwargs: Any,  # noqa: ANN401 - passed to boto3 as they are
    ) -> Any:  # noqa: ANN401 - a client of any service; typed use goes through session()
        """Return a boto3 client for ``service_name`` signed with this client's credentials.

        A shorthand for ``self.session(region_name=...).client(service_name, **kwargs)``; use
        that form for clients typed by boto3-stubs.

        .. versionadded:: 0.1.0
        """
        return self.session(region_name=region_name).client(service_name, **kwargs)  # type: ignore[call-overload]

    def wait_until_assumable(
        self, timeout: float | dt.timedelta, *, interval: float | dt.timedelta = _DEFAULT_INTERVAL
    ) -> TemporaryCredentials:
        """Keep trying to assume the role until STS allows it, for onboarding a new role.

        A new role, or a changed trust policy, takes from seconds to a minute or more to reach
        STS; meanwhile STS answers ``AccessDenied``. This retries ``AccessDenied`` every
        ``interval`` until ``timeout``; any other error is raised at once. The credentials
        obtained are cached, so :meth:`credentials` does not assume the role again.

        Args:
            timeout: How long to keep trying, in seconds or as a timedelta.
            interval: How long to wait between attempts.

        Returns:
            The credentials.

        Raises:
            ~xaccess.errors.AssumeRoleDenied: If STS still refuses when ``timeout`` has
                passed; its notes say how many attempts were made.
            ~xaccess.errors.ValidationError: If ``timeout`` or ``interval`` is invalid.
            ~xaccess.errors.AWSError: For any other failure, at once.

        .. versionadded:: 0.1.0
        """
        return wait_until_assumable(self, timeout, interval)

    def verify(self) -> VerificationReport:
        """Check the role the way AWS recommends at onboarding, and report each step.

        1. Assume the role with the external ID (and every other configured parameter): must
           succeed.
        2. Call ``GetCallerIdentity`` with those credentials: must name the role's account and
           the role.
        3. Assume the role without an external ID: must be denied.
        4. Assume the role with a random wrong external ID: must be denied.

        Steps 3 and 4 send only the role ARN, the session name, the shortest duration and (for
        4) the wrong external ID, as an attacker would; credentials STS wrongly issues there are
        discarded at once, never cached or logged. Credentials from step 1 are cached once step 2
        has confirmed whose they are.

        Returns:
            The report; ``report.ok`` is the verdict, ``report.raise_for_status()`` raises
            :class:`~xaccess.errors.ConfusedDeputyRisk` when step 3 or 4 succeeded.

        Raises:
            ~xaccess.errors.ValidationError: If the client has no external ID
                (``external_id=None``).

        .. versionadded:: 0.1.0
        """
        return verify(self)

    # -- assuming --------------------------------------------------------------------------

    def _fetch(self) -> Fetched[TemporaryCredentials]:
        """Assume the role for the cache, retrying AccessDenied inside the propagation grace."""
        duration = self._duration_now()
        if self._grace is not None and self._grace_until is None:
            self._grace_until = self._cache.now() + self._grace
        fetched = _retry.retry_loop(
            lambda: self._assume(external_id=self._external_id, duration=duration),
            wait_before_retry=self._grace_delay,
            sleep=self._sleep,
        )
        self._assumed_once = True
        return fetched

    def _grace_delay(self, error: Exception, attempt: int) -> float | None:
        """The wait before retrying a denied AssumeRole while the role may be propagating."""
        if not isinstance(error, AssumeRoleDenied):
            return None
        if self._grace_until is None or self._assumed_once:
            return None
        left = (self._grace_until - self._cache.now()).total_seconds()
        if left <= 0:
            return None
        delay = min(self._backoff.delay(attempt), left)
        _LOG.info(
            "%s denied AssumeRole; the role may still be propagating, retrying in %.1f s "
            "(attempt %d)",
            self._role,
            delay,
            attempt,
        )
        return delay

    def _keep(self, fetched: Fetched[TemporaryCredentials]) -> None:
        """Cache credentials obtained outside the cache (the role is assumable now)."""
        self._assumed_once = True
        self._cache.put(fetched)

    def _assume_for_verify(self, external_id: str) -> Fetched[TemporaryCredentials]:
        """Verification step 1: assume with every configured parameter, not cached yet."""
        fetched = self._assume(external_id=external_id, duration=self._duration_now())
        self._assumed_once = True
        return fetched

    def _probe_assume(self, external_id: str | None) -> None:
        """A verification probe: only ARN, session name, shortest duration, given external ID."""
        params = self._request.params(
            external_id=external_id, duration=_PROBE_DURATION, minimal=True
        )
        self._call(params, probe=True)

    def _identity_of(self, credentials: TemporaryCredentials) -> str:
        """The ARN GetCallerIdentity gives for ``credentials``.

        Raises:
            ~xaccess.errors.AWSError: The call failed; ``__cause__`` is the botocore error.
        """
        try:
            return self._aws.identity_of(credentials)
        except (ClientError, BotoCoreError, ResponseParserError) as error:
            wrapped, cause = self._wrap(error, operation="GetCallerIdentity"), kept_cause(error)
        raise wrapped from cause

    def _assume(self, *, external_id: str | None, duration: int) -> Fetched[TemporaryCredentials]:
        """Call AssumeRole with every configured parameter and return the credentials."""
        params = self._request.params(external_id=external_id, duration=duration, minimal=False)
        issued_at = self._cache.now()
        response = self._call(params, probe=False)
        credentials = TemporaryCredentials.from_response(response)
        _LOG.debug(
            "assumed %s: access key %s, STS expiration %s",
            credentials.assumed_role_arn,
            credentials.access_key_id,
            credentials.expiration.isoformat(timespec="seconds"),
        )
        return Fetched(credentials, issued_at, dt.timedelta(seconds=duration))

    def _call(self, params: AssumeRoleRequestTypeDef, *, probe: bool) -> AssumeRoleResponseTypeDef:
        """Call AssumeRole once; errors come back as typed errors with the botocore cause."""
        sts = self._aws.sts()
        _LOG.debug(
            "AssumeRole %s as %r for %d s via %s%s%s",
            self._role,
            self._session_name,
            params["DurationSeconds"],
            self._aws.endpoint(),
            "" if "ExternalId" in params else ", without an external ID",
            " (verification probe)" if probe else "",
        )
        try:
            return sts.assume_role(**params)
        except (ClientError, BotoCoreError, ResponseParserError) as error:
            duration = params["DurationSeconds"]
            wrapped = self._wrap(error, operation=_METHOD, duration=duration, probe=probe)
            cause = kept_cause(error)
        _LOG.debug("AssumeRole %s failed: %s", self._role, wrapped.code)
        # Raised here, outside the except block, so a parse error is not even the context.
        raise wrapped from cause

    def _duration_now(self) -> int:
        """The duration to request: the configured one, capped at an hour when role chaining."""
        with self._setup:
            if self._effective_duration is None:
                duration = self._duration
                if duration > limits.MAX_CHAINED_DURATION:
                    caller = self._aws.caller_arn()
                    if caller is None:
                        return duration  # unknown (the lookup failed): ask again next time
                    duration = chained_duration(
                        self._request,
                        caller=caller,
                        strict=self._strict,
                        category=RoleChainingWarning,
                    )
                self._effective_duration = duration
            return self._effective_duration

    # -- errors ----------------------------------------------------------------------------

    def _wrap(
        self,
        error: ClientError | BotoCoreError | ResponseParserError,
        *,
        operation: str,
        duration: int | None = None,
        probe: bool = False,
    ) -> AWSError:
        return sts_error(
            error,
            request=self._request,
            operation=operation,
            caller=_unknown if probe else self._aws.caller_arn,
            signing_region=self._aws.signing_region,
            duration=duration,
        )


def _restore_client(arguments: dict[str, Any]) -> AssumeRoleClient:
    """Rebuild a pickled client from its configuration (checked again)."""
    return AssumeRoleClient(**arguments)


def _unknown() -> str | None:
    """A verification probe does not look up who the caller is."""
    return None
