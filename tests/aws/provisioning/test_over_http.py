"""Provisioning over real HTTP: moto's ThreadedMotoServer on 127.0.0.1.

Here requests and answers go through botocore's HTTP stack and IAM's wire format (policies
URL-encoded in XML), and concurrent appliers each have their own client and connection, as in
production. The suite's one moto server (``moto_server`` in conftest) is reset before each test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from tests.provisioning_support import (
    ACCOUNT,
    EXTERNAL_ID,
    NEXT_EXTERNAL_ID,
    NO_WAIT,
    CallRecorder,
    apply_concurrently,
    drift,
    full_spec,
    iam_client,
    make_policies,
    trust_policy,
)
from xaccess.aws.provisioning import apply, create, plan, revoke

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from mypy_boto3_iam import IAMClient


@pytest.fixture
def iam(moto_endpoint: str) -> IAMClient:
    """A client of the server, with the managed policies the specs use."""
    client = iam_client(endpoint_url=moto_endpoint)
    make_policies(client)
    return client


def test_the_server_is_on_the_loopback_interface(moto_server: str) -> None:
    """Nothing in these tests leaves 127.0.0.1."""
    assert moto_server.startswith("http://127.0.0.1:")


def test_create_plan_apply_revoke_over_http(iam: IAMClient) -> None:
    """The whole life cycle works through IAM's wire format."""
    spec = full_spec()

    created = create(iam, spec, retry=NO_WAIT)
    assert f"arn:aws:iam::{ACCOUNT}:role/AcmeAudit" == created.role_arn
    assert plan(iam, spec, retry=NO_WAIT).is_empty

    drift(iam, "AcmeAudit")
    repaired = apply(iam, spec, retry=NO_WAIT)
    assert 9 == len(repaired.changes)  # AuditTwo was attached already
    assert plan(iam, spec, retry=NO_WAIT).is_empty

    rotated = full_spec(trust_policy=trust_policy(EXTERNAL_ID, NEXT_EXTERNAL_ID))
    assert ["~ trust policy"] == [str(c) for c in apply(iam, rotated, retry=NO_WAIT).changes]

    result = revoke(iam, "AcmeAudit", retry=NO_WAIT)
    assert result.existed
    assert not revoke(iam, "AcmeAudit", retry=NO_WAIT).existed


def test_second_apply_over_http_makes_no_write_call(iam: IAMClient) -> None:
    """Idempotence holds over the wire too."""
    apply(iam, full_spec(), retry=NO_WAIT)
    recorder = CallRecorder().install(iam)

    apply(iam, full_spec(), retry=NO_WAIT)

    assert [] == recorder.writes
    assert recorder.calls


def test_http_server_errors_are_retried(iam: IAMClient) -> None:
    """A 500 answer with IAM's XML error body is retried like any ServiceFailure."""
    body = (
        b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
        b"<Type>Receiver</Type><Code>ServiceFailure</Code><Message>try again</Message>"
        b"</Error><RequestId>1</RequestId></ErrorResponse>"
    )
    failures: list[str] = []

    def fail_twice(request: Any, **_: Any) -> AWSResponse | None:
        if len(failures) < 2:
            failures.append(request.url)
            raw: Any = _Raw(body)
            headers = HTTPHeaders()
            headers["Content-Type"] = "text/xml"
            return AWSResponse(request.url, 500, headers, raw)
        return None

    # A before-send handler may answer in place of the server; the stubs only allow None.
    iam.meta.events.register("before-send.iam.CreateRole", cast("Callable[..., None]", fail_twice))

    assert create(iam, full_spec(), retry=NO_WAIT).created
    assert 2 == len(failures)
    assert all(url.startswith("http://127.0.0.1:") for url in failures)


class _Raw:
    """A minimal urllib3-like body for a canned response."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, *_args: Any, **_kwargs: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *_args: Any) -> bytes:
        return self._body


def test_four_threads_applying_at_once_converge_over_http(moto_endpoint: str) -> None:
    """Four processes' worth of clients applying one spec at once: no error, one role, the
    spec's state."""
    make_policies(iam_client(endpoint_url=moto_endpoint))
    spec = full_spec()

    results, errors = apply_concurrently(lambda: iam_client(endpoint_url=moto_endpoint), spec)

    assert [] == errors
    assert 4 == len(results)
    assert 1 <= sum(r.created for r in results)
    check = iam_client(endpoint_url=moto_endpoint)
    assert ["AcmeAudit"] == [r["RoleName"] for r in check.list_roles()["Roles"]]
    assert plan(check, spec, retry=NO_WAIT).is_empty
