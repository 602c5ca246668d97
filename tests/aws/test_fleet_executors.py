"""Fleet.map on other processes: a process pool and a Dask LocalCluster, against a moto server.

The moto server runs in this process on 127.0.0.1 with the strict STS switched on, so every
worker's AssumeRole is judged by the customers' trust policies and recorded here. Workers find
the server through ``AWS_ENDPOINT_URL``; the vendor's identity reaches them either as a
picklable ``base_session_factory`` or as credentials in their environment.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import multiprocessing
import os
from typing import TYPE_CHECKING, Any

import boto3
import distributed
import pytest

from tests.aws.fleet_support import (
    REGION,
    SESSION_NAME,
    create_customer_role,
    customer_account,
    vendor_session,
)
from xaccess.aws.fleet import Fleet, FleetResult, Target
from xaccess.errors import AssumeRoleDenied
from xaccess.testing import StrictSTS, strict_sts

if TYPE_CHECKING:
    from collections.abc import Iterator

CUSTOMERS = 12


def pid_and_caller(session: boto3.Session, target: Target) -> tuple[int, str]:
    """The worker process and who the session is, from the target's own call."""
    arn: str = session.client("sts").get_caller_identity()["Arn"]
    return os.getpid(), arn


@pytest.fixture
def served(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[StrictSTS]:
    """The moto server, strict, reached through AWS_ENDPOINT_URL by this process and workers."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    with strict_sts() as strict:
        yield strict


def customers(url: str) -> list[Target]:
    return [create_customer_role(index, endpoint_url=url) for index in range(CUSTOMERS)]


def vendor_credentials(url: str) -> dict[str, str]:
    """The vendor role's session credentials, as boto3.Session keyword arguments."""
    credentials = vendor_session(url).get_credentials()
    assert credentials is not None
    frozen = credentials.get_frozen_credentials()
    return {
        "aws_access_key_id": str(frozen.access_key),
        "aws_secret_access_key": str(frozen.secret_key),
        "aws_session_token": str(frozen.token),
    }


def check(results: list[FleetResult[tuple[int, str]]], targets: list[Target]) -> set[int]:
    """Every target succeeded as itself; return the worker processes that ran them."""
    assert sorted(r.target.label for r in results) == sorted(t.label for t in targets)
    for result in results:
        assert result.ok, result.error
        assert result.value is not None
        account = result.target.role_arn.account
        assert result.value[1] == f"arn:aws:sts::{account}:assumed-role/VendorAccess/{SESSION_NAME}"
    return {result.value[0] for result in results if result.value is not None}


def newly_warmed(seen: set[tuple[int, str]], results: list[FleetResult[tuple[int, str]]]) -> int:
    """How many results ran on a worker that had not served that target before."""
    fresh = 0
    for result in results:
        assert result.value is not None
        pair = (result.value[0], result.target.label)
        if pair not in seen:
            fresh += 1
            seen.add(pair)
    return fresh


def test_a_process_pool_assumes_each_role_once_per_worker(served: StrictSTS) -> None:
    """Workers assume roles from the factory's identity and keep them across passes."""
    url = os.environ["AWS_ENDPOINT_URL"]
    targets = customers(url)
    denied = Target(targets[0].role_arn, "fleet-ext-wrong-0123456789abcdef", name="wrong")
    vendor = vendor_credentials(url)
    factory = functools.partial(
        boto3.Session,
        aws_access_key_id=vendor["aws_access_key_id"],
        aws_secret_access_key=vendor["aws_secret_access_key"],
        aws_session_token=vendor["aws_session_token"],
        region_name=REGION,
    )
    fleet = Fleet([*targets, denied], session_name=SESSION_NAME, base_session_factory=factory)
    context = multiprocessing.get_context("fork")
    seen: set[tuple[int, str]] = set()

    with cf.ProcessPoolExecutor(2, mp_context=context) as executor:
        first = list(fleet.map(pid_and_caller, executor=executor))
        wrong = [r for r in first if r.target.label == "wrong"]
        first = [r for r in first if r.target.label != "wrong"]
        assert os.getpid() not in check(first, targets)
        newly_warmed(seen, first)
        assumed = len(served.allowed)
        assert assumed == len(seen)

        second = [r for r in fleet.map(pid_and_caller, executor=executor) if r.ok]
        check(second, targets)
        assert len(served.allowed) - assumed == newly_warmed(seen, second)

    assert isinstance(wrong[0].error, AssumeRoleDenied)
    assert customer_account(0) in str(wrong[0].error.role_arn)


def test_the_fleet_runs_on_a_dask_local_cluster(
    served: StrictSTS, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two worker processes, their own identity from the environment: every result correct."""
    url = os.environ["AWS_ENDPOINT_URL"]
    targets = customers(url)
    for name, value in vendor_credentials(url).items():
        monkeypatch.setenv(name.upper(), value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    fleet = Fleet(targets, session_name=SESSION_NAME, max_workers=8)
    seen: set[tuple[int, str]] = set()

    with (
        distributed.LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        executor: Any = client.get_executor()
        first = list(fleet.map(pid_and_caller, executor=executor))
        workers = check(first, targets)
        newly_warmed(seen, first)
        assumed = len(served.allowed)

        second = list(fleet.map(pid_and_caller, executor=executor))
        check(second, targets)
        fresh = newly_warmed(seen, second)

    assert os.getpid() not in workers
    assert assumed == len(seen) - fresh
    assert len(served.allowed) - assumed == fresh
