"""The request context the strict STS builds: the global keys every real AssumeRole carries.

A trust policy statement conditioned only on such keys (``aws:SecureTransport``,
``aws:SourceIp``, ...) admits callers without an external ID on AWS, so it must here too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from ipaddress import IPv4Address, ip_network
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import FakeClock
from tests.testing.helpers import (
    CUSTOMER,
    EXTERNAL_ID,
    ROLE_ARN,
    ROLE_NAME,
    VENDOR,
    VENDOR_ROLE,
    Aws,
    trust_policy,
)
from xaccess import AssumeRoleClient
from xaccess.errors import ValidationError
from xaccess.testing import StrictSTS, strict_sts

if TYPE_CHECKING:
    from collections.abc import Mapping

VENDOR_ACCOUNT = f"arn:aws:iam::{VENDOR}:root"


def open_statement(condition: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A second trust statement for the vendor, conditioned only on ``condition``."""
    return {
        "Effect": "Allow",
        "Principal": {"AWS": VENDOR_ACCOUNT},
        "Action": "sts:AssumeRole",
        "Condition": condition,
    }


SECURE_TRANSPORT = {"Bool": {"aws:SecureTransport": "true"}}
ANY_SOURCE_IP = {"IpAddress": {"aws:SourceIp": ["0.0.0.0/0", "::/0"]}}


@pytest.mark.parametrize(
    "condition",
    [
        pytest.param(SECURE_TRANSPORT, id="secure-transport"),
        pytest.param(ANY_SOURCE_IP, id="source-ip"),
        pytest.param({"Bool": {"aws:PrincipalIsAWSService": "false"}}, id="not-a-service"),
        pytest.param({"Null": {"aws:SourceIp": "false"}}, id="source-ip-present"),
    ],
)
def test_a_statement_on_global_keys_lets_callers_in_without_the_external_id(
    aws: Aws, strict: StrictSTS, condition: Mapping[str, Mapping[str, Any]]
) -> None:
    """A trust statement conditioned only on a key every request carries admits the vendor
    without the external ID, as AWS does."""
    aws.create_role(trust_policy(extra=[open_statement(condition)]))
    response = aws.assume(aws.act_as(VENDOR_ROLE))
    assert "Credentials" in response
    assert [True] == [attempt.allowed for attempt in strict.attempts]


def test_the_context_carries_every_global_key(in_process: Aws) -> None:
    """Every AssumeRole carries SecureTransport, SourceIp, the time, the region, the caller's
    user ID and name and tags, and PrincipalIsAWSService and ViaAWSService as false."""
    iam = in_process.iam()
    iam.create_user(UserName="deployer", Tags=[{"Key": "team", "Value": "audit"}])
    user = in_process.act_as(f"arn:aws:iam::{CUSTOMER}:user/deployer")
    in_process.create_role(trust_policy(f"arn:aws:iam::{CUSTOMER}:user/deployer"))
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with strict_sts(source_ip="198.51.100.7") as strict:
        in_process.assume(user, ExternalId=EXTERNAL_ID)
    context = strict.attempts[0].context
    assert (True, "198.51.100.7", False, False, "us-east-1", "deployer", "audit") == (
        context["aws:SecureTransport"],
        context["aws:SourceIp"],
        context["aws:PrincipalIsAWSService"],
        context["aws:ViaAWSService"],
        context["aws:RequestedRegion"],
        context["aws:username"],
        context["aws:PrincipalTag/team"],
    )
    assert str(iam.get_user(UserName="deployer")["User"]["UserId"]) == context["aws:userid"]
    epoch = context["aws:EpochTime"]
    assert isinstance(epoch, int)
    assert before.timestamp() <= epoch
    current = dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert current == context["aws:CurrentTime"]


def test_a_role_session_brings_its_token_issue_time(in_process: Aws) -> None:
    """A caller with temporary credentials carries aws:TokenIssueTime; an IAM user does not."""
    in_process.create_role(trust_policy())
    in_process.iam().create_user(UserName="ci")
    with strict_sts() as strict:
        in_process.assume(in_process.act_as(VENDOR_ROLE), ExternalId=EXTERNAL_ID)
        with pytest.raises(ClientError):
            in_process.assume(in_process.act_as(f"arn:aws:iam::{CUSTOMER}:user/ci"))
    session, user = (attempt.context for attempt in strict.attempts)
    issued = session["aws:TokenIssueTime"]
    assert isinstance(issued, str)
    age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(issued.replace("Z", "+00:00"))
    assert dt.timedelta(0) <= age < dt.timedelta(minutes=5)
    assert "aws:TokenIssueTime" not in user


def test_tests_choose_the_callers_source_ip(aws: Aws) -> None:
    """A trust statement on aws:SourceIp admits only callers from its ranges."""
    office = {"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}
    aws.create_role(trust_policy(extra=[open_statement(office)]))
    vendor = aws.act_as(VENDOR_ROLE)
    with strict_sts(source_ip="198.51.100.7"):
        assert "Credentials" in aws.assume(vendor)
    with strict_sts(source_ip="203.0.113.9"), pytest.raises(ClientError):
        aws.assume(vendor)


def test_plain_http_can_be_modelled(aws: Aws) -> None:
    """With secure_transport=False, a statement requiring TLS no longer admits the caller."""
    aws.create_role(trust_policy(extra=[open_statement(SECURE_TRANSPORT)]))
    with strict_sts(secure_transport=False) as strict, pytest.raises(ClientError):
        aws.assume(aws.act_as(VENDOR_ROLE))
    assert "aws:SecureTransport" in strict.attempts[0].context
    assert strict.attempts[0].context["aws:SecureTransport"] is False


def test_the_innermost_active_instance_chooses_the_network(aws: Aws) -> None:
    """Nested instances: the one entered last sets SourceIp for every request."""
    aws.create_role(trust_policy())
    vendor = aws.act_as(VENDOR_ROLE)
    with strict_sts(source_ip="192.0.2.1") as outer:
        with strict_sts(source_ip="2001:db8::1"):
            aws.assume(vendor, ExternalId=EXTERNAL_ID)
        aws.assume(vendor, ExternalId=EXTERNAL_ID)
    assert ["2001:db8::1", "192.0.2.1"] == [
        attempt.context["aws:SourceIp"] for attempt in outer.attempts
    ]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        pytest.param({"source_ip": "not-an-address"}, "source_ip", id="bad-address"),
        pytest.param({"source_ip": 7}, "source_ip", id="not-a-string"),
        pytest.param({"secure_transport": "true"}, "secure_transport", id="not-a-bool"),
    ],
)
def test_bad_network_settings_are_refused(arguments: dict[str, Any], field: str) -> None:
    """A source IP that is not an IP address, or a non-bool secure_transport, is refused."""
    with pytest.raises(ValidationError, match=field):
        strict_sts(**arguments)


def test_verify_reports_a_role_open_through_a_global_key_statement(aws: Aws) -> None:
    """AssumeRoleClient.verify() reports a confused-deputy risk for a role whose second trust
    statement is conditioned only on aws:SecureTransport."""
    aws.create_role(trust_policy(extra=[open_statement(SECURE_TRANSPORT)]))
    clock = FakeClock()
    client = AssumeRoleClient(
        role_arn=ROLE_ARN,
        external_id=EXTERNAL_ID,
        session_name="acme-audit",
        base_session=aws.act_as(VENDOR_ROLE),
        clock=clock,
        sleep=clock.sleep,
    )
    with strict_sts():
        report = client.verify()
    assert (False, True) == (report.ok, report.confused_deputy)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    address=st.ip_addresses(v=4),
    prefix=st.integers(min_value=8, max_value=32),
    outsider=st.ip_addresses(v=4),
    inside=st.booleans(),
    offset=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_a_source_ip_statement_admits_exactly_its_network(
    in_process: Aws,
    address: IPv4Address,
    prefix: int,
    outsider: IPv4Address,
    inside: bool,
    offset: int,
) -> None:
    """For every network and caller address, a trust statement on aws:SourceIp alone admits the
    vendor without the external ID exactly when the caller's address is in the network."""
    network = ip_network(f"{address}/{prefix}", strict=False)
    caller = network[offset % network.num_addresses] if inside else outsider
    trust = trust_policy(extra=[open_statement({"IpAddress": {"aws:SourceIp": str(network)}})])
    iam = in_process.iam()
    if not iam.list_roles()["Roles"]:
        in_process.create_role(trust)
    else:
        iam.update_assume_role_policy(RoleName=ROLE_NAME, PolicyDocument=json.dumps(trust))
    vendor = in_process.act_as(VENDOR_ROLE)
    with strict_sts(source_ip=str(caller)) as strict, contextlib.suppress(ClientError):
        in_process.assume(vendor)
    assert [caller in network] == [attempt.allowed for attempt in strict.attempts]
