"""Argument checks, wrapped AWS errors and logs of the provisioning functions."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import EndpointConnectionError, NoCredentialsError

from tests.provisioning_support import (
    NO_WAIT,
    CallRecorder,
    full_spec,
)
from xaccess.aws import provisioning
from xaccess.aws._retry import RetryPolicy
from xaccess.aws.provisioning import (
    apply,
    create,
    plan,
    revoke,
)
from xaccess.errors import AWSError, ValidationError

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


# --- input checking and errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda iam: create(iam, "AcmeAudit"),  # type: ignore[arg-type]
        lambda iam: plan(iam, {"role_name": "AcmeAudit"}),  # type: ignore[arg-type]
        lambda iam: apply(iam, None),  # type: ignore[arg-type]
        lambda iam: apply(iam, full_spec(), adopt="yes"),  # type: ignore[arg-type]
        lambda iam: apply(iam, full_spec(), retry=3),  # type: ignore[arg-type]
        lambda iam: revoke(iam, "not a role name!"),
        lambda iam: revoke(iam, "x" * 65),
        lambda iam: revoke(iam, "AcmeAudit", force=1),  # type: ignore[arg-type]
        lambda iam: create(iam, full_spec(tags={"aws:reserved": "x"})),
    ],
    ids=[
        "create-str",
        "plan-dict",
        "apply-none",
        "adopt",
        "retry",
        "name",
        "long",
        "force",
        "spec",
    ],
)
def test_bad_input_never_reaches_aws(iam: IAMClient, recorder: CallRecorder, call: Any) -> None:
    """Invalid arguments raise ValidationError before any AWS call is made."""
    with pytest.raises(ValidationError):
        call(iam)

    assert [] == recorder.calls


def test_connection_errors_are_retried_then_wrapped(iam: IAMClient) -> None:
    """A connection error is transient: retried, and wrapped with its class as the code."""
    failures = []

    def no_connection(**_: Any) -> None:
        failures.append(True)
        raise EndpointConnectionError(endpoint_url="https://iam.amazonaws.com/")

    iam.meta.events.register("before-call.iam.GetRole", no_connection)

    with pytest.raises(AWSError) as caught:
        plan(iam, full_spec(), retry=RetryPolicy(attempts=3, sleep=lambda _s: None))

    assert 3 == len(failures)
    assert ("EndpointConnectionError", "GetRole") == (caught.value.code, caught.value.operation)
    assert isinstance(caught.value.__cause__, EndpointConnectionError)


def test_logs_name_the_steps_and_never_the_credentials(
    iam: IAMClient, recorder: CallRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    """xaccess logs what it changes and retries, with no credential in any record."""
    recorder.reset(fail_at=1, code="Throttling")
    with caplog.at_level(logging.DEBUG, logger="xaccess"):
        create(iam, full_spec(), retry=NO_WAIT)
        revoke(iam, "AcmeAudit", retry=NO_WAIT)

    ours = [r.getMessage() for r in caplog.records if r.name.startswith("xaccess")]
    assert any("CreateRole failed with Throttling" in m for m in ours)
    assert any("created role" in m for m in ours)
    assert not any("testing" in m for m in ours)


# --- errors ----------------------------------------------------------------------------------


def test_missing_credentials_are_a_wrapped_error(iam: IAMClient) -> None:
    """NoCredentialsError is not retried and comes out as an AWSError keeping it as cause."""
    calls: list[bool] = []

    def no_credentials(**_: Any) -> None:
        calls.append(True)
        raise NoCredentialsError

    iam.meta.events.register("before-call.iam.*", no_credentials)

    with pytest.raises(AWSError) as caught:
        revoke(iam, "AcmeAudit", retry=NO_WAIT)

    assert [True] == calls
    assert ("NoCredentialsError", "GetRole") == (caught.value.code, caught.value.operation)
    assert isinstance(caught.value.__cause__, NoCredentialsError)


def test_the_aws_package_loads_provisioning_names_lazily() -> None:
    """xaccess.aws resolves its names on first use and refuses unknown ones."""
    import xaccess.aws  # noqa: PLC0415

    assert provisioning.apply is xaccess.aws.apply
    assert {"apply", "create", "plan", "revoke", "RoleNotManaged"} <= set(dir(xaccess.aws))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = xaccess.aws.nothing
