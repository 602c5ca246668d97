"""Act in many customers' roles at once: each with its own external ID, in one process or many.

A vendor with thousands of customers describes each as a :class:`Target` (the customer's role
and external ID) and runs a function in every customer's account with :meth:`Fleet.map`, which
yields a :class:`FleetResult` per target as each finishes. An error of one target (denied,
throttled, timed out, raised by the function) is that target's result: nothing escapes and the
others go on. Credentials are cached per target and refreshed as
:class:`~xaccess.aws.assume.AssumeRoleClient` refreshes them, while all targets share one
botocore session, one STS client per region and the loaded service models; STS throttling
pauses the whole fleet with one backoff. ``executor=`` runs the same call on any
:class:`concurrent.futures.Executor` (a process pool, Dask's ``client.get_executor()``): the
fleet and its targets pickle, credentials and locks never do, and each worker process assumes
the roles itself and keeps its own cache across passes.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import os
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import attrs
import boto3

from xaccess import limits
from xaccess._validate import check_callable, check_int, check_str, type_name
from xaccess.aws._endpoints import check_sts_region
from xaccess.aws._fleet_runtime import (
    FleetSpec,
    FleetTaskError,
    Runtime,
    portable_error,
    runtime_for,
)
from xaccess.aws.verify import VerificationReport  # noqa: TC001 - resolved by the API docs
from xaccess.errors import ValidationError
from xaccess.identifiers import (
    RoleArn,
    validate_external_id,
    validate_session_duration,
    validate_session_name,
)

if TYPE_CHECKING:
    import datetime as dt

    from xaccess.aws._clock import Clock, Sleep

__all__ = ["Fleet", "FleetResult", "FleetTaskError", "Target"]

V = TypeVar("V")

_MAX_WORKERS: Final = 1024
_MAX_CACHED: Final = 10_000_000


def _role_arn(value: object) -> RoleArn:
    return RoleArn.parse(value, field="role_arn")


def _external_id(value: object) -> str | None:
    return None if value is None else validate_external_id(value, field="external_id")


def _name(value: object) -> str | None:
    return None if value is None else check_str(value, "name")


def _region(value: object) -> str | None:
    if value is None:
        return None
    check_str(value, "region_name")
    return value  # type: ignore[return-value]  # checked against the role's partition below


@attrs.frozen(repr=False)
class Target:
    """One customer: the role to assume in their account and the external ID they gave.

    Frozen, hashable and picklable. ``repr`` never shows the external ID.

    Args:
        role_arn: The customer's role, ``arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME``.
        external_id: The external ID this customer's trust policy requires; ``None`` only for
            a role that requires none (open to the confused deputy problem).
        name: A label for reports and logs (the customer's name); by default the account ID.
        region_name: The region to call STS in and the default region of the session ``fn``
            gets; by default the fleet's.

    Raises:
        ~xaccess.errors.ValidationError: If an argument is invalid, or the region is in
            another partition than the role.

    .. versionadded:: 0.1.0
    """

    role_arn: RoleArn = attrs.field(converter=_role_arn)
    external_id: str | None = attrs.field(converter=_external_id)
    name: str | None = attrs.field(default=None, converter=_name)
    region_name: str | None = attrs.field(default=None, converter=_region)

    def __attrs_post_init__(self) -> None:
        if self.region_name is not None:
            check_sts_region(
                self.region_name, field="region_name", partition=self.role_arn.partition
            )

    @property
    def label(self) -> str:
        """The target's name, or its account ID when it has none.

        .. versionadded:: 0.1.0
        """
        return self.name if self.name is not None else self.role_arn.account

    def __repr__(self) -> str:
        shown = "None" if self.external_id is None else "'***'"
        return (
            f"Target(role_arn={str(self.role_arn)!r}, external_id={shown}, "
            f"name={self.name!r}, region_name={self.region_name!r})"
        )


@attrs.frozen
class FleetResult(Generic[V]):
    """What happened for one target: the value ``fn`` returned, or the error.

    Attributes:
        target: The target.
        value: What ``fn`` returned (``None`` after an error).
        error: The error that stopped this target, or ``None``. Errors that cannot be pickled
            are replaced by :class:`FleetTaskError` (type name and message) when results
            cross processes.
        seconds: How long the target took, assuming its role included, in seconds.

    .. versionadded:: 0.1.0
    """

    target: Target
    value: V | None
    error: Exception | None = attrs.field(eq=False)
    seconds: float = attrs.field(eq=False)

    @property
    def ok(self) -> bool:
        """Whether the target finished without an error.

        .. versionadded:: 0.1.0
        """
        return self.error is None


# --- what runs for one target, in whichever process -----------------------------------------


def _call(fn: Callable[[boto3.Session, Target], Any], runtime: Runtime, target: Target) -> Any:  # noqa: ANN401 - fn's value
    return fn(runtime.session(target), target)


def _verify(runtime: Runtime, target: Target) -> VerificationReport:
    return runtime.client(target).verify()


Work = Callable[[Runtime, Target], Any]


def _run(work: Work, runtime: Runtime, target: Target) -> FleetResult[Any]:
    """Run ``work`` for one target; any :class:`Exception` becomes the target's result.

    An error that does not pickle is replaced (see :func:`portable_error`), so results can
    always cross processes.
    """
    started = time.perf_counter()
    try:
        value = work(runtime, target)
    except Exception as error:  # noqa: BLE001 - one target's failure is its result
        elapsed = time.perf_counter() - started
        return FleetResult(target, None, portable_error(error, runtime.secrets(target)), elapsed)
    return FleetResult(target, value, None, time.perf_counter() - started)


def _run_in_worker(spec: FleetSpec, work: Work, target: Target) -> FleetResult[Any]:
    """The task an executor runs: find this process's runtime for the fleet, run one target."""
    return _run(work, runtime_for(spec), target)


# --- the fleet ------------------------------------------------------------------------------


class Fleet:
    """Many customers' roles, each assumed with its own external ID, worked on concurrently.

    Args:
        targets: The customers, as :class:`Target` objects (none repeated).
        session_name: The ``RoleSessionName`` for every target: it appears in each customer's
            CloudTrail.
        base_session: The vendor's own boto3 session, whose credentials call STS. It stays in
            this process: a pickled fleet leaves it behind.
        base_session_factory: A picklable callable returning the base session, called once per
            process that works for the fleet (this one included, unless ``base_session`` is
            given). Without either, ``boto3.Session()``: each process's own identity.
        max_workers: How many targets are worked on at once (1-1024).
        duration_seconds: How long credentials live, 900-43200 seconds.
        max_cached: How many targets keep their credentials in each process, least recently
            used dropped first.
        region_name: The region of targets that name none; by default the base session's.
        clock: Returns the current time, timezone-aware (for tests and simulations).
        sleep: Waits a number of seconds (for tests and simulations).

    Raises:
        ~xaccess.errors.ValidationError: If any argument is invalid.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        targets: Iterable[Target],
        *,
        session_name: str,
        base_session: boto3.Session | None = None,
        base_session_factory: Callable[[], boto3.Session] | None = None,
        max_workers: int = 32,
        duration_seconds: int | dt.timedelta = limits.DEFAULT_DURATION,
        max_cached: int = 10_000,
        region_name: str | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self._targets = _check_targets(targets)
        if base_session is not None and not isinstance(base_session, boto3.Session):
            raise ValidationError(
                "base_session", f"must be a boto3.Session, got {type_name(base_session)}"
            )
        if base_session is not None and base_session_factory is not None:
            raise ValidationError(
                "base_session_factory", "pass either base_session or base_session_factory"
            )
        check_callable(base_session_factory, "base_session_factory")
        check_callable(clock, "clock")
        check_callable(sleep, "sleep")
        self._spec = FleetSpec(
            token=uuid.uuid4().hex,
            max_workers=check_int(max_workers, "max_workers", low=1, high=_MAX_WORKERS),
            session_name=validate_session_name(session_name, field="session_name"),
            duration=validate_session_duration(duration_seconds, field="duration_seconds"),
            max_cached=check_int(max_cached, "max_cached", low=1, high=_MAX_CACHED),
            region_name=None if region_name is None else check_str(region_name, "region_name"),
            base_session_factory=base_session_factory,
            clock=clock,
            sleep=sleep,
        )
        self._base = base_session
        self._runtime: Runtime | None = None

    @property
    def targets(self) -> tuple[Target, ...]:
        """The targets, in the order given.

        .. versionadded:: 0.1.0
        """
        return self._targets

    def __len__(self) -> int:
        return len(self._targets)

    def __repr__(self) -> str:
        return (
            f"Fleet({len(self._targets)} targets, session_name={self._spec.session_name!r}, "
            f"max_workers={self._spec.max_workers}, duration_seconds={self._spec.duration})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the targets and settings: never the base session, credentials or locks."""
        return (_restore_fleet, (self._targets, self._spec))

    def _local(self) -> Runtime:
        """This process's runtime (the base session given stays with the original fleet)."""
        runtime = self._runtime
        if runtime is None or runtime.pid != os.getpid():
            runtime = self._runtime = runtime_for(self._spec, self._base)
        return runtime

    def cached(self) -> int:
        """How many targets keep a client (and their credentials) in this process.

        .. versionadded:: 0.1.0
        """
        return self._local().cached()

    def clear(self) -> None:
        """Forget the cached credentials of every target in this process.

        .. versionadded:: 0.1.0
        """
        self._local().clear()

    def map(
        self,
        fn: Callable[[boto3.Session, Target], V],
        *,
        executor: cf.Executor | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> Generator[FleetResult[V], None, None]:
        """Call ``fn(session, target)`` for every target and yield the results as they finish.

        ``session`` is a new boto3 session acting in the target's role (its default region is
        the target's); ``fn`` may make clients from it freely. At most ``max_workers`` targets
        are in flight at once; closing the generator (or leaving a ``for`` loop early) submits
        no more targets and waits for those in flight.

        Args:
            fn: Called once per target. With an ``executor`` that runs other processes it must
                pickle (a module-level function), and so must what it returns.
            executor: Where to run: by default a thread pool of ``max_workers`` threads in
                this process; any :class:`concurrent.futures.Executor` otherwise (a
                :class:`~concurrent.futures.ProcessPoolExecutor`, Dask's
                ``client.get_executor()``). It is not shut down.
            progress: Called with ``(done, total)`` as each result arrives.

        Yields:
            One :class:`FleetResult` per target, in the order they finish.

        Raises:
            ~xaccess.errors.ValidationError: If ``fn``, ``executor`` or ``progress`` is
                invalid (at the call, before any target runs).

        .. versionadded:: 0.1.0
        """
        if not callable(fn):
            raise ValidationError("fn", f"must be callable, got {type_name(fn)}")
        return self._start(functools.partial(_call, fn), executor, progress)

    def verify(
        self,
        *,
        executor: cf.Executor | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> Generator[FleetResult[VerificationReport], None, None]:
        """Run the onboarding check on every target and yield the reports as they finish.

        Each result's value is the target's
        :class:`~xaccess.aws.verify.VerificationReport` (see
        :meth:`AssumeRoleClient.verify <xaccess.aws.assume.AssumeRoleClient.verify>`); a
        target without an external ID has a :class:`~xaccess.errors.ValidationError` instead.

        .. versionadded:: 0.1.0
        """
        return self._start(_verify, executor, progress)

    def _start(
        self,
        work: Work,
        executor: object,
        progress: object,
    ) -> Generator[FleetResult[Any], None, None]:
        if executor is not None and not isinstance(executor, cf.Executor):
            raise ValidationError(
                "executor", f"must be a concurrent.futures.Executor, got {type_name(executor)}"
            )
        check_callable(progress, "progress")
        return self._results(work, executor, progress)  # type: ignore[arg-type]

    def _results(
        self,
        work: Work,
        executor: cf.Executor | None,
        progress: Callable[[int, int], object] | None,
    ) -> Generator[FleetResult[Any], None, None]:
        own = executor is None
        # Made here with the base session given: tasks an executor runs in this process (a
        # thread pool) find it by the fleet's token and share its cache.
        runtime = self._local()
        if executor is None:
            pool: cf.Executor = cf.ThreadPoolExecutor(
                self._spec.max_workers, thread_name_prefix="xaccess-fleet"
            )
            task = functools.partial(_run, work, runtime)
        else:
            pool = executor
            task = functools.partial(_run_in_worker, self._spec, work)
        try:
            yield from _bounded(pool, task, self._targets, self._spec.max_workers, progress)
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)


def _bounded(
    pool: cf.Executor,
    task: Callable[[Target], FleetResult[Any]],
    targets: tuple[Target, ...],
    limit: int,
    progress: Callable[[int, int], object] | None,
) -> Iterator[FleetResult[Any]]:
    """Keep at most ``limit`` targets in flight on ``pool``; yield each result as it arrives."""
    waiting = iter(targets)
    pending: dict[cf.Future[FleetResult[Any]], tuple[Target, float]] = {}
    total, done = len(targets), 0

    def submit() -> None:
        for target in waiting:
            pending[pool.submit(task, target)] = (target, time.perf_counter())
            if len(pending) >= limit:
                return

    try:
        submit()
        while pending:
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                target, started = pending.pop(future)
                result = _outcome(future, target, started)
                done += 1
                if progress is not None:
                    progress(done, total)
                yield result
            submit()
    finally:
        for future in pending:
            future.cancel()


def _outcome(
    future: cf.Future[FleetResult[Any]], target: Target, started: float
) -> FleetResult[Any]:
    """The future's result, or the failure of the task itself (a worker lost, fn not pickled)."""
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 - the executor's failure is this target's result
        return FleetResult(target, None, portable_error(error), time.perf_counter() - started)


def _check_targets(targets: object) -> tuple[Target, ...]:
    if isinstance(targets, str | bytes) or not isinstance(targets, Iterable):
        raise ValidationError(
            "targets", f"must be an iterable of Target objects, got {type_name(targets)}"
        )
    checked = tuple(targets)
    seen: set[Target] = set()
    for index, target in enumerate(checked):
        if not isinstance(target, Target):
            raise ValidationError(f"targets[{index}]", f"must be a Target, got {type_name(target)}")
        if target in seen:
            raise ValidationError(f"targets[{index}]", f"repeats {target!r}")
        seen.add(target)
    return checked


def _restore_fleet(targets: tuple[Target, ...], spec: FleetSpec) -> Fleet:
    """Rebuild a pickled fleet; it finds this process's runtime by the original's token."""
    fleet = Fleet.__new__(Fleet)
    fleet._targets = targets
    fleet._spec = spec
    fleet._base = None
    fleet._runtime = None
    return fleet
