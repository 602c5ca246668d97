"""AssumeRoleClient against the strict STS double: trust policies and external IDs enforced.

The customer's role lives in moto's IAM in account 444455556666; the vendor acts as its role
``VendorWorker`` (or a user) in account 111122223333 through :func:`xaccess.testing.session_for`.
With :func:`xaccess.testing.strict_sts` active, moto's ``AssumeRole`` checks the role's trust
policy, the external ID, the role's existence and the duration rules as AWS does.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import botocore.loaders
import pytest
from moto import mock_aws

from tests.support import FakeClock
from xaccess.aws.assume import AssumeRoleClient, RoleChainingWarning
from xaccess.errors import AssumeRoleDenied, ConfusedDeputyRisk, SessionDurationTooLong
from xaccess.testing import StrictSTS, session_for, strict_sts

if TYPE_CHECKING:
    from collections.abc import Iterator

    import boto3

CUSTOMER = "444455556666"
VENDOR = "111122223333"
VENDOR_ROLE = f"arn:aws:iam::{VENDOR}:role/VendorWorker"
VENDOR_USER = f"arn:aws:iam::{VENDOR}:user/vendor-service"
ROLE_NAME = "AcmeVendorAccess"
ROLE = f"arn:aws:iam::{CUSTOMER}:role/{ROLE_NAME}"
EXTERNAL_ID = "3f1c9e0a7b2d4c6e8f0a1b2c3d4e5f60718293a4"
REGION = "eu-west-1"

REQUIRE_EXTERNAL_ID = {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}


def trust_policy(condition: dict[str, Any] | None, *, actions: tuple[str, ...] = ()) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"},
        "Action": ["sts:AssumeRole", *actions] if actions else "sts:AssumeRole",
    }
    if condition is not None:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def sts(fake_env: None) -> Iterator[StrictSTS]:
    """moto in-process with the strict STS double switched on."""
    with mock_aws(), strict_sts() as strict:
        yield strict


def customer_iam(endpoint_url: str | None = None) -> Any:
    root = session_for(
        f"arn:aws:iam::{CUSTOMER}:root", region_name=REGION, endpoint_url=endpoint_url
    )
    return root.client("iam")


def create_role(
    condition: dict[str, Any] | None,
    *,
    actions: tuple[str, ...] = (),
    max_session_duration: int = 3600,
    endpoint_url: str | None = None,
) -> Any:
    iam = customer_iam(endpoint_url)
    iam.create_role(
        RoleName=ROLE_NAME,
        AssumeRolePolicyDocument=trust_policy(condition, actions=actions),
        MaxSessionDuration=max_session_duration,
    )
    return iam


def vendor(principal: str = VENDOR_ROLE, endpoint_url: str | None = None) -> boto3.Session:
    session = session_for(principal, region_name=REGION, endpoint_url=endpoint_url)
    session._session.register_component("data_loader", _LOADER)
    return session


_LOADER = botocore.loaders.create_loader()


def make(base: boto3.Session, clock: FakeClock | None = None, **kwargs: Any) -> AssumeRoleClient:
    clock = clock or FakeClock()
    arguments: dict[str, Any] = {
        "role_arn": ROLE,
        "external_id": EXTERNAL_ID,
        "session_name": "acme-audit",
        "base_session": base,
        "clock": clock,
        "sleep": clock.sleep,
    }
    arguments.update(kwargs)
    return AssumeRoleClient(**arguments)


def test_verify_passes_for_a_role_that_requires_the_external_id(sts: StrictSTS) -> None:
    """A trust policy with StringEquals on sts:ExternalId passes all four steps."""
    create_role(REQUIRE_EXTERNAL_ID)

    report = make(vendor()).verify()

    assert report.ok, str(report)
    report.raise_for_status()
    assert [True, False, False] == [attempt.allowed for attempt in sts.attempts]
    assert f"arn:aws:sts::{CUSTOMER}:assumed-role/{ROLE_NAME}/acme-audit" == (
        report.check("caller_identity").observed
    )


def test_verify_fails_for_a_role_without_the_external_id_condition(sts: StrictSTS) -> None:
    """A trust policy that does not require the external ID is a confused deputy risk."""
    create_role(None)

    report = make(vendor()).verify()

    assert not report.ok
    assert report.confused_deputy
    with pytest.raises(ConfusedDeputyRisk):
        report.raise_for_status()
    assert [True, True, True] == [attempt.allowed for attempt in sts.attempts]


def test_verify_catches_string_equals_if_exists(sts: StrictSTS) -> None:
    """...IfExists on sts:ExternalId admits a caller without one: step 3 finds it."""
    create_role({"StringEqualsIfExists": {"sts:ExternalId": EXTERNAL_ID}})

    report = make(vendor()).verify()

    outcomes = [check.outcome for check in report.checks]
    assert ["passed", "passed", "failed", "passed"] == outcomes
    with pytest.raises(ConfusedDeputyRisk, match="without an external ID"):
        report.raise_for_status()


def test_wrong_external_id_is_denied_with_the_caller_named(sts: StrictSTS) -> None:
    """A wrong external ID gives AssumeRoleDenied naming the vendor's session."""
    create_role(REQUIRE_EXTERNAL_ID)

    with pytest.raises(AssumeRoleDenied) as raised:
        make(vendor(), external_id="not-the-right-one").credentials()

    error = raised.value
    assert error.caller_arn is not None
    assert error.caller_arn.startswith(f"arn:aws:sts::{VENDOR}:assumed-role/VendorWorker/")
    assert "external ID is wrong" in error.likely_causes[0]


def test_a_missing_role_is_denied(sts: StrictSTS) -> None:
    """STS answers AccessDenied for a role that does not exist, and so does the client."""
    with pytest.raises(AssumeRoleDenied) as raised:
        make(vendor()).credentials()

    assert ROLE == raised.value.role_arn
    assert any("does not exist" in cause for cause in raised.value.likely_causes)


def test_session_tags_need_tag_session_in_the_trust_policy(sts: StrictSTS) -> None:
    """Tags without sts:TagSession in the trust policy are denied, and that cause comes first."""
    create_role(REQUIRE_EXTERNAL_ID)

    with pytest.raises(AssumeRoleDenied) as raised:
        make(vendor(), tags={"customer": "acme"}).credentials()

    assert "sts:TagSession" in raised.value.likely_causes[0]


def test_session_tags_work_when_the_trust_policy_allows_them(sts: StrictSTS) -> None:
    """With sts:TagSession allowed, tagged sessions are issued."""
    create_role(REQUIRE_EXTERNAL_ID, actions=("sts:TagSession",))

    credentials = make(vendor(), tags={"customer": "acme"}).credentials()

    assert credentials.access_key_id.startswith("ASIA")


def test_duration_above_the_roles_maximum_is_session_duration_too_long(
    sts: StrictSTS,
) -> None:
    """Asking for more than the role's MaxSessionDuration raises SessionDurationTooLong."""
    create_role(REQUIRE_EXTERNAL_ID, max_session_duration=3600)

    with pytest.raises(SessionDurationTooLong) as raised:
        make(vendor(VENDOR_USER), duration_seconds=7200).credentials()

    assert "MaxSessionDuration" in str(raised.value)


def test_role_chaining_cap_keeps_strict_sts_satisfied(sts: StrictSTS) -> None:
    """From the vendor's role session, 7200 s is lowered to 3600 s, which STS accepts."""
    create_role(REQUIRE_EXTERNAL_ID, max_session_duration=43200)
    client = make(vendor(), duration_seconds=7200)

    with pytest.warns(RoleChainingWarning):
        client.credentials()

    assert [3600] == [attempt.duration_seconds for attempt in sts.attempts]


def test_role_chaining_strict_refuses_before_sts(sts: StrictSTS) -> None:
    """strict=True refuses the chained 7200 s request without asking STS."""
    create_role(REQUIRE_EXTERNAL_ID, max_session_duration=43200)

    with pytest.raises(SessionDurationTooLong):
        make(vendor(), duration_seconds=7200, strict=True).credentials()

    assert () == sts.attempts


def test_long_sessions_for_a_vendor_user(sts: StrictSTS) -> None:
    """A vendor user (no chaining) gets 12-hour credentials where the role allows them."""
    create_role(REQUIRE_EXTERNAL_ID, max_session_duration=43200)

    make(vendor(VENDOR_USER), duration_seconds=43200).credentials()

    assert [43200] == [attempt.duration_seconds for attempt in sts.attempts]


def test_wait_until_assumable_while_the_trust_policy_propagates(sts: StrictSTS) -> None:
    """The client keeps trying while the trust policy does not admit it yet."""
    iam = create_role({"StringEquals": {"sts:ExternalId": "an-older-external-id"}})
    clock = FakeClock()
    clock.on_sleep = [
        lambda: None,
        lambda: iam.update_assume_role_policy(
            RoleName=ROLE_NAME, PolicyDocument=trust_policy(REQUIRE_EXTERNAL_ID)
        ),
    ]

    credentials = make(vendor(), clock).wait_until_assumable(60, interval=5)

    assert [5.0, 5.0] == clock.slept
    assert [False, False, True] == [attempt.allowed for attempt in sts.attempts]
    assert credentials.assumed_role_arn.endswith(f"/{ROLE_NAME}/acme-audit")


def test_sessions_work_under_strict_sts(sts: StrictSTS) -> None:
    """A session from the client acts as the customer's role."""
    create_role(REQUIRE_EXTERNAL_ID)
    client = make(vendor())

    arn = client.session().client("sts").get_caller_identity()["Arn"]

    assert f"arn:aws:sts::{CUSTOMER}:assumed-role/{ROLE_NAME}/acme-audit" == arn


# --- over HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def server(moto_endpoint: str) -> Iterator[str]:
    """The shared moto server, emptied, with the strict STS double switched on."""
    with strict_sts():
        yield moto_endpoint


@pytest.mark.parametrize(("condition", "ok"), [(REQUIRE_EXTERNAL_ID, True), (None, False)])
def test_verify_over_a_threaded_moto_server(
    server: str, condition: dict[str, Any] | None, ok: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """Over HTTP on 127.0.0.1 the verdicts are the same, and no secret reaches the logs."""
    create_role(condition, endpoint_url=server)
    base = vendor(endpoint_url=server)
    client = make(base, sts_endpoint_url=server)

    with caplog.at_level(logging.DEBUG):
        report = client.verify()
        credentials = client.credentials()

    assert ok == report.ok, str(report)
    assert (not ok) == report.confused_deputy
    for record in caplog.records:
        message = record.getMessage()
        assert credentials.secret_access_key not in message
        assert credentials.session_token not in message
