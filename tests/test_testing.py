"""Tests for the strict STS test double, in-process (``mock_aws``) and over HTTP (moto server).

Most scenarios run twice through the ``aws`` fixture: once against ``moto.mock_aws()`` and once
against a ``ThreadedMotoServer`` on 127.0.0.1, reached with ``endpoint_url``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
import urllib.request
from typing import TYPE_CHECKING, Any

import attrs
import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto.iam.models import IAMBackend
from moto.server import ThreadedMotoServer
from moto.sts.responses import TokenResponse

from xaccess import testing
from xaccess.errors import ValidationError
from xaccess.testing import StrictSTS, session_for, strict_sts

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path

    from mypy_boto3_iam.client import IAMClient
    from mypy_boto3_sts.client import STSClient
    from mypy_boto3_sts.type_defs import AssumeRoleResponseTypeDef

CUSTOMER = "123456789012"  # moto's default account
VENDOR = "111122223333"
OTHER = "444455556666"
VENDOR_ROLE = f"arn:aws:iam::{VENDOR}:role/VendorWorker"
EXTERNAL_ID = "3f1c9a7e5b2d4c6e8f0a1b3c5d7e9f1a"
ROLE_NAME = "AcmeAuditAccess"
ROLE_ARN = f"arn:aws:iam::{CUSTOMER}:role/{ROLE_NAME}"
READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 (a free port), shared by the session."""
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    werkzeug.setLevel(level)


def _reset(endpoint_url: str) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    url = f"{endpoint_url}/moto-api/reset"  # always http://127.0.0.1:PORT
    request = urllib.request.Request(url, method="POST")  # noqa: S310
    with opener.open(request, timeout=10) as response:
        assert 200 == response.status


@pytest.fixture
def fake_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials, no config files, no proxies."""
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "HTTP_PROXY",
        "HTTPS_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "absent" / "credentials"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


@attrs.frozen
class Aws:
    """moto in one mode: ``endpoint_url`` is None in-process and the server's URL otherwise."""

    endpoint_url: str | None

    def sts(self, session: boto3.Session | None = None) -> STSClient:
        return (session or default_session()).client(
            "sts", region_name="us-east-1", endpoint_url=self.endpoint_url
        )

    def iam(self) -> IAMClient:
        return default_session().client(
            "iam", region_name="us-east-1", endpoint_url=self.endpoint_url
        )

    def create_role(
        self,
        trust: Mapping[str, Any],
        *,
        name: str = ROLE_NAME,
        max_session_duration: int = 3600,
    ) -> str:
        """Create a role in the customer (default) account and return its ARN."""
        return self.iam().create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(trust),
            MaxSessionDuration=max_session_duration,
        )["Role"]["Arn"]

    def act_as(self, principal_arn: str, **kwargs: Any) -> boto3.Session:
        return session_for(principal_arn, endpoint_url=self.endpoint_url, **kwargs)

    def assume(
        self, session: boto3.Session | None = None, role_arn: str = ROLE_ARN, **kwargs: Any
    ) -> AssumeRoleResponseTypeDef:
        kwargs.setdefault("RoleSessionName", "acme-audit")
        return self.sts(session).assume_role(RoleArn=role_arn, **kwargs)


def default_session() -> boto3.Session:
    """The default session (default credentials), sharing the strict STS's model loader."""
    if boto3.DEFAULT_SESSION is None:
        boto3.DEFAULT_SESSION = testing._quick_session(boto3.Session)
    return boto3.DEFAULT_SESSION


@pytest.fixture(params=["in-process", "server"])
def aws(request: pytest.FixtureRequest, fake_env: None) -> Iterator[Aws]:
    """moto in-process and over HTTP, with fresh state."""
    if request.param == "in-process":
        with mock_aws():  # it resets boto3.DEFAULT_SESSION on exit
            yield Aws(endpoint_url=None)
    else:
        endpoint_url: str = request.getfixturevalue("moto_server")
        _reset(endpoint_url)
        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        yield Aws(endpoint_url=endpoint_url)
        _reset(endpoint_url)


@pytest.fixture
def in_process(fake_env: None) -> Iterator[Aws]:
    """moto in-process only, for details that do not depend on the transport."""
    with mock_aws():
        yield Aws(endpoint_url=None)


@pytest.fixture
def strict(aws: Aws) -> Iterator[StrictSTS]:
    """An active strict STS over the ``aws`` mode."""
    with strict_sts() as active:
        yield active


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    """The code, HTTP status and message of a ClientError."""
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def session_of(response: AssumeRoleResponseTypeDef) -> boto3.Session:
    """A session with the credentials an AssumeRole returned."""
    credentials = response["Credentials"]
    return testing._quick_session(
        boto3.Session,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def denied_message(caller: str, role_arn: str = ROLE_ARN, action: str = "sts:AssumeRole") -> str:
    """The message of an AccessDenied as STS words it."""
    return f"User: {caller} is not authorized to perform: {action} on resource: {role_arn}"


def trust_policy(
    principal: str | Sequence[str] = f"arn:aws:iam::{VENDOR}:root",
    *,
    external_id: str | None = EXTERNAL_ID,
    actions: Sequence[str] = ("sts:AssumeRole",),
    conditions: Mapping[str, Mapping[str, Any]] | None = None,
    extra: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """A trust policy allowing ``principal``, requiring ``external_id`` when given."""
    condition: dict[str, Any] = {key: dict(value) for key, value in (conditions or {}).items()}
    if external_id is not None:
        condition.setdefault("StringEquals", {})["sts:ExternalId"] = external_id
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal if isinstance(principal, str) else list(principal)},
        "Action": list(actions),
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement, *extra]}


# --- trust and external ID --------------------------------------------------------------------


def test_right_external_id_is_allowed(aws: Aws, strict: StrictSTS) -> None:
    """The trusted vendor with the right external ID gets a session of the customer's role."""
    aws.create_role(trust_policy())
    response = aws.assume(aws.act_as(VENDOR_ROLE), ExternalId=EXTERNAL_ID)
    identity = aws.sts(session_of(response)).get_caller_identity()
    assert f"arn:aws:sts::{CUSTOMER}:assumed-role/{ROLE_NAME}/acme-audit" == identity["Arn"]
    assert [True] == [attempt.allowed for attempt in strict.attempts]


@pytest.mark.parametrize(
    "external_id",
    [
        pytest.param("wrong-external-id", id="wrong"),
        pytest.param(None, id="missing"),
        pytest.param(EXTERNAL_ID.upper(), id="case-changed"),
    ],
)
def test_other_external_ids_are_denied(
    aws: Aws, strict: StrictSTS, external_id: str | None
) -> None:
    """A wrong, missing or case-changed external ID is refused with AccessDenied (403)."""
    aws.create_role(trust_policy())
    extra = {} if external_id is None else {"ExternalId": external_id}
    with pytest.raises(ClientError) as excinfo:
        aws.assume(aws.act_as(VENDOR_ROLE), **extra)
    caller = f"arn:aws:sts::{VENDOR}:assumed-role/VendorWorker/xaccess-testing"
    assert ("AccessDenied", 403, denied_message(caller)) == error_of(excinfo)
    (attempt,) = strict.attempts
    assert (False, "AccessDenied", "sts:AssumeRole") == (
        attempt.allowed,
        attempt.error_code,
        attempt.denied_action,
    )


def test_only_the_trusted_external_id_is_accepted(fake_env: None) -> None:
    """For any external ID but the trusted one, the trusted vendor is refused."""
    with mock_aws():
        aws = Aws(endpoint_url=None)
        aws.create_role(trust_policy())
        vendor = aws.act_as(VENDOR_ROLE)
        sts = aws.sts(vendor)

        @given(st.from_regex(re.compile(r"[\w+=,.@:/-]{2,80}", re.ASCII), fullmatch=True))
        @settings(max_examples=40)
        def check(external_id: str) -> None:
            with strict_sts():
                if EXTERNAL_ID == external_id:
                    sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="s1", ExternalId=external_id)
                    return
                with pytest.raises(ClientError) as excinfo:
                    sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="s1", ExternalId=external_id)
                assert "AccessDenied" == excinfo.value.response["Error"]["Code"]

        check()


def test_trust_policy_naming_another_account_denies(aws: Aws, strict: StrictSTS) -> None:
    """A vendor is refused when the trust policy trusts a different account."""
    aws.create_role(trust_policy(f"arn:aws:iam::{OTHER}:root"))
    with pytest.raises(ClientError) as excinfo:
        aws.assume(aws.act_as(VENDOR_ROLE), ExternalId=EXTERNAL_ID)
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]


def test_explicit_deny_in_trust_policy_wins(aws: Aws, strict: StrictSTS) -> None:
    """An explicit Deny in the trust policy overrides the Allow."""
    deny = {"Effect": "Deny", "Principal": {"AWS": VENDOR_ROLE}, "Action": "sts:AssumeRole"}
    aws.create_role(trust_policy(extra=[deny]))
    with pytest.raises(ClientError) as excinfo:
        aws.assume(aws.act_as(VENDOR_ROLE), ExternalId=EXTERNAL_ID)
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    assert "explicit_deny" == strict.attempts[-1].decisions[-1].outcome


def test_nonexistent_role_is_denied(aws: Aws, strict: StrictSTS) -> None:
    """A role that does not exist is refused exactly like an untrusted one."""
    with pytest.raises(ClientError) as excinfo:
        aws.assume(aws.act_as(VENDOR_ROLE), ExternalId=EXTERNAL_ID)
    caller = f"arn:aws:sts::{VENDOR}:assumed-role/VendorWorker/xaccess-testing"
    assert ("AccessDenied", 403, denied_message(caller)) == error_of(excinfo)
    assert () == strict.attempts[-1].decisions


def test_role_is_looked_up_in_the_account_of_its_arn(aws: Aws, strict: StrictSTS) -> None:
    """A role of the same name in another account does not make the requested ARN exist."""
    aws.create_role(trust_policy())
    elsewhere = f"arn:aws:iam::{OTHER}:role/{ROLE_NAME}"
    with pytest.raises(ClientError) as excinfo:
        aws.assume(aws.act_as(VENDOR_ROLE), role_arn=elsewhere, ExternalId=EXTERNAL_ID)
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]


def test_principal_arn_condition_pins_the_vendor_role(aws: Aws, strict: StrictSTS) -> None:
    """Account root plus an aws:PrincipalArn condition admits only the pinned vendor role."""
    aws.create_role(trust_policy(conditions={"ArnEquals": {"aws:PrincipalArn": VENDOR_ROLE}}))
    aws.assume(aws.act_as(VENDOR_ROLE), ExternalId=EXTERNAL_ID)
    with pytest.raises(ClientError) as excinfo:
        aws.assume(aws.act_as(f"arn:aws:iam::{VENDOR}:role/Intern"), ExternalId=EXTERNAL_ID)
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    assert VENDOR_ROLE == strict.attempts[0].context["aws:PrincipalArn"]
    assert VENDOR == strict.attempts[0].context["aws:PrincipalAccount"]


# --- identity policies ---------------------------------------------------------------------------


def test_cross_account_caller_needs_an_identity_policy_allow(aws: Aws, strict: StrictSTS) -> None:
    """A trusted vendor role whose own policies do not allow sts:AssumeRole is refused."""
    aws.create_role(trust_policy())
    with pytest.raises(ClientError) as excinfo:
        aws.assume(aws.act_as(VENDOR_ROLE, policies={}), ExternalId=EXTERNAL_ID)
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]


def test_same_account_role_named_in_trust_policy_needs_no_identity_policy(
    aws: Aws, strict: StrictSTS
) -> None:
    """A same-account role named directly in the trust policy is enough on its own."""
    worker = f"arn:aws:iam::{CUSTOMER}:role/Worker"
    session = aws.act_as(worker, policies={})
    aws.create_role(trust_policy(worker, external_id=None))
    response = aws.assume(session)
    assert (
        f"arn:aws:sts::{CUSTOMER}:assumed-role/{ROLE_NAME}/acme-audit"
        == (response["AssumedRoleUser"]["Arn"])
    )


def test_same_account_root_trust_needs_an_identity_policy(aws: Aws, strict: StrictSTS) -> None:
    """A trust policy naming only the account root delegates to the caller's own policies."""
    aws.create_role(trust_policy(f"arn:aws:iam::{CUSTOMER}:root", external_id=None))
    without = aws.act_as(f"arn:aws:iam::{CUSTOMER}:role/Bare", policies={})
    with pytest.raises(ClientError) as excinfo:
        aws.assume(without)
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    aws.assume(aws.act_as(f"arn:aws:iam::{CUSTOMER}:role/Allowed"))


def test_default_identity_is_an_administrator_of_its_account(aws: Aws, strict: StrictSTS) -> None:
    """moto's default credentials are evaluated as the account's all-powerful user 'moto'."""
    aws.create_role(trust_policy(f"arn:aws:iam::{CUSTOMER}:root", external_id=None))
    aws.assume()
    other_account = aws.act_as(f"arn:aws:iam::{OTHER}:root")
    with pytest.raises(ClientError) as excinfo:
        aws.assume(other_account)
    caller = f"arn:aws:iam::{OTHER}:user/moto"
    assert ("AccessDenied", 403, denied_message(caller)) == error_of(excinfo)
    assert f"arn:aws:iam::{CUSTOMER}:user/moto" == strict.attempts[0].caller_arn


def test_user_caller_is_evaluated_with_its_group_policies(aws: Aws, strict: StrictSTS) -> None:
    """An IAM user's group policy counts as its identity policy."""
    aws.create_role(trust_policy(f"arn:aws:iam::{VENDOR}:user/ops/alice"))
    alice = aws.act_as(f"arn:aws:iam::{VENDOR}:user/ops/alice", policies={})
    with pytest.raises(ClientError):
        aws.assume(alice, ExternalId=EXTERNAL_ID)
    vendor_iam = aws.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    vendor_iam.create_group(GroupName="ops")
    vendor_iam.add_user_to_group(GroupName="ops", UserName="alice")
    vendor_iam.put_group_policy(
        GroupName="ops",
        PolicyName="assume",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
            }
        ),
    )
    aws.assume(alice, ExternalId=EXTERNAL_ID)
    assert f"arn:aws:iam::{VENDOR}:user/ops/alice" == strict.attempts[-1].caller_arn


def test_attached_managed_policy_counts_as_identity_policy(aws: Aws, strict: StrictSTS) -> None:
    """A customer-managed policy attached to the vendor role allows the call."""
    aws.create_role(trust_policy())
    session = aws.act_as(VENDOR_ROLE, policies={})
    vendor_iam = aws.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    policy_arn = vendor_iam.create_policy(
        PolicyName="assume-customers",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE_ARN}
                ],
            }
        ),
    )["Policy"]["Arn"]
    vendor_iam.attach_role_policy(RoleName="VendorWorker", PolicyArn=policy_arn)
    aws.assume(session, ExternalId=EXTERNAL_ID)


def test_permissions_boundary_limits_the_vendor(aws: Aws, strict: StrictSTS) -> None:
    """A permissions boundary on the vendor role that does not allow sts:AssumeRole denies."""
    aws.create_role(trust_policy())
    vendor = aws.act_as(VENDOR_ROLE)
    vendor_iam = aws.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    boundary = vendor_iam.create_policy(PolicyName="s3-only", PolicyDocument=json.dumps(READ_ONLY))[
        "Policy"
    ]["Arn"]
    vendor_iam.put_role_permissions_boundary(RoleName="VendorWorker", PermissionsBoundary=boundary)
    with pytest.raises(ClientError) as excinfo:
        aws.assume(vendor, ExternalId=EXTERNAL_ID)
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    assert "permissions boundary" in strict.attempts[-1].reason


def test_session_policies_limit_a_session(aws: Aws, strict: StrictSTS) -> None:
    """Session policies (inline and by ARN) of the calling session must allow the call too."""
    aws.create_role(trust_policy())
    hub = f"arn:aws:iam::{VENDOR}:role/Hub"
    aws.act_as(hub)
    batch = aws.act_as(f"arn:aws:iam::{VENDOR}:user/batch")
    vendor_iam = aws.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    assume_any = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
    allow_arn = vendor_iam.create_policy(
        PolicyName="assume-any", PolicyDocument=json.dumps(assume_any)
    )["Policy"]["Arn"]
    narrowed = aws.assume(batch, role_arn=hub, Policy=json.dumps(READ_ONLY))
    widened = aws.assume(
        batch,
        role_arn=hub,
        PolicyArns=[{"arn": allow_arn}, {"arn": f"arn:aws:iam::{VENDOR}:policy/missing"}],
    )
    with pytest.raises(ClientError):
        aws.assume(session_of(narrowed), ExternalId=EXTERNAL_ID)
    assert "no session policy allows it" in strict.attempts[-1].reason
    aws.assume(session_of(widened), ExternalId=EXTERNAL_ID)


def test_an_unreadable_session_policy_denies_rather_than_widens(
    aws: Aws, strict: StrictSTS
) -> None:
    """A session policy only restricts, so one that cannot be parsed must not be skipped."""
    aws.create_role(trust_policy())
    hub = f"arn:aws:iam::{VENDOR}:role/Hub"
    aws.act_as(hub)
    batch = aws.act_as(f"arn:aws:iam::{VENDOR}:user/batch")
    garbled = aws.assume(batch, role_arn=hub, Policy='{"Version": "2012-10-17", "Statement": [')

    with pytest.raises(ClientError) as excinfo:
        aws.assume(session_of(garbled), ExternalId=EXTERNAL_ID)

    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    assert "session policy cannot be read" in strict.attempts[-1].reason
    aws.assume(session_of(aws.assume(batch, role_arn=hub)), ExternalId=EXTERNAL_ID)


def test_role_tags_are_principal_tags(aws: Aws, strict: StrictSTS) -> None:
    """Tags of the calling session's role are aws:PrincipalTag keys."""
    aws.create_role(trust_policy(conditions={"StringEquals": {"aws:PrincipalTag/team": "audit"}}))
    vendor = aws.act_as(VENDOR_ROLE)
    vendor_iam = aws.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    vendor_iam.tag_role(RoleName="VendorWorker", Tags=[{"Key": "team", "Value": "audit"}])
    aws.assume(vendor, ExternalId=EXTERNAL_ID)
    with pytest.raises(ClientError):
        aws.assume(aws.act_as(f"arn:aws:iam::{VENDOR}:role/Intern"), ExternalId=EXTERNAL_ID)


def test_an_invalid_trust_policy_denies(aws: Aws, strict: StrictSTS) -> None:
    """moto stores any trust policy text; one that is not a policy trusts nobody."""
    aws.iam().create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument="not a policy")
    with pytest.raises(ClientError) as excinfo:
        aws.assume()
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    assert strict.attempts[-1].reason.startswith("the role's trust policy is not valid")


def test_a_caller_the_evaluator_cannot_name_is_denied(aws: Aws) -> None:
    """A session moto issued for a malformed role ARN is refused, not crashed on."""
    vendor_iam = aws.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    vendor_iam.create_role(RoleName="Bad Name", AssumeRolePolicyDocument="{}")  # moto allows it
    odd = aws.assume(role_arn=f"arn:aws:iam::{VENDOR}:role/Bad Name", RoleSessionName="odd")
    with strict_sts() as strict:
        aws.create_role(trust_policy(external_id=None))
        with pytest.raises(ClientError) as excinfo:
            aws.assume(session_of(odd))
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    assert strict.attempts[-1].reason.startswith("cannot be evaluated")


# --- durations -----------------------------------------------------------------------------------


def test_duration_above_max_session_duration_is_a_validation_error(
    aws: Aws, strict: StrictSTS
) -> None:
    """DurationSeconds above the role's MaxSessionDuration gives ValidationError (400)."""
    batch = f"arn:aws:iam::{VENDOR}:user/batch"  # long-term credentials: no chaining cap
    aws.create_role(trust_policy(batch), max_session_duration=7200)
    vendor = aws.act_as(batch)
    aws.assume(vendor, ExternalId=EXTERNAL_ID, DurationSeconds=7200)
    with pytest.raises(ClientError) as excinfo:
        aws.assume(vendor, ExternalId=EXTERNAL_ID, DurationSeconds=7201)
    message = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    assert ("ValidationError", 400, message) == error_of(excinfo)


def test_role_chaining_above_one_hour_is_a_validation_error(aws: Aws, strict: StrictSTS) -> None:
    """A session assuming a role may ask for at most one hour, whatever the role allows."""
    aws.create_role(trust_policy(), max_session_duration=43200)
    vendor = aws.act_as(VENDOR_ROLE)  # itself an assumed-role session
    aws.assume(vendor, ExternalId=EXTERNAL_ID, DurationSeconds=3600)
    with pytest.raises(ClientError) as excinfo:
        aws.assume(vendor, ExternalId=EXTERNAL_ID, DurationSeconds=3601)
    message = (
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining."
    )
    assert ("ValidationError", 400, message) == error_of(excinfo)


def test_user_may_ask_for_the_role_maximum(aws: Aws, strict: StrictSTS) -> None:
    """The one-hour chaining cap does not apply to an IAM user's long-term credentials."""
    user = f"arn:aws:iam::{VENDOR}:user/batch"
    aws.create_role(trust_policy(user), max_session_duration=43200)
    response = aws.assume(aws.act_as(user), ExternalId=EXTERNAL_ID, DurationSeconds=43200)
    assert "Credentials" in response


# --- session tags and source identity -------------------------------------------------------


def test_session_tags_need_tag_session(aws: Aws, strict: StrictSTS) -> None:
    """Tags without sts:TagSession in the trust policy are refused naming sts:TagSession."""
    aws.create_role(trust_policy())
    vendor = aws.act_as(VENDOR_ROLE)
    with pytest.raises(ClientError) as excinfo:
        aws.assume(vendor, ExternalId=EXTERNAL_ID, Tags=[{"Key": "team", "Value": "audit"}])
    caller = f"arn:aws:sts::{VENDOR}:assumed-role/VendorWorker/xaccess-testing"
    assert ("AccessDenied", 403, denied_message(caller, action="sts:TagSession")) == (
        error_of(excinfo)
    )
    assert "sts:TagSession" == strict.attempts[-1].denied_action


def test_session_tags_are_request_tags(aws: Aws, strict: StrictSTS) -> None:
    """With sts:TagSession allowed, tags reach the evaluator as aws:RequestTag and aws:TagKeys."""
    aws.create_role(
        trust_policy(
            actions=["sts:AssumeRole", "sts:TagSession"],
            conditions={"StringEquals": {"aws:RequestTag/team": "audit"}},
        )
    )
    vendor = aws.act_as(VENDOR_ROLE)
    aws.assume(vendor, ExternalId=EXTERNAL_ID, Tags=[{"Key": "team", "Value": "audit"}])
    with pytest.raises(ClientError):
        aws.assume(vendor, ExternalId=EXTERNAL_ID, Tags=[{"Key": "team", "Value": "sales"}])
    context = strict.attempts[0].context
    assert ("audit", ["team"]) == (context["aws:RequestTag/team"], context["aws:TagKeys"])


def test_tag_keys_that_policies_cannot_name(in_process: Aws) -> None:
    """A tag key with a space is listed in aws:TagKeys only; transitive keys are passed on."""
    in_process.create_role(trust_policy(actions=["sts:AssumeRole", "sts:TagSession"]))
    with strict_sts() as strict:
        in_process.assume(
            in_process.act_as(VENDOR_ROLE),
            ExternalId=EXTERNAL_ID,
            Tags=[{"Key": "cost center", "Value": "7"}, {"Key": "team", "Value": "audit"}],
            TransitiveTagKeys=["team"],
        )
    context = strict.attempts[0].context
    assert (["cost center", "team"], ["team"]) == (
        context["aws:TagKeys"],
        context["sts:TransitiveTagKeys"],
    )
    assert not any(" " in key for key in context)


def test_source_identity_needs_set_source_identity(aws: Aws, strict: StrictSTS) -> None:
    """SourceIdentity without sts:SetSourceIdentity is refused naming that action."""
    aws.create_role(trust_policy())
    with pytest.raises(ClientError) as excinfo:
        aws.assume(aws.act_as(VENDOR_ROLE), ExternalId=EXTERNAL_ID, SourceIdentity="alice")
    assert "sts:SetSourceIdentity" == strict.attempts[-1].denied_action
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]


def test_source_identity_is_in_the_context(aws: Aws, strict: StrictSTS) -> None:
    """A requested source identity is sts:SourceIdentity; a chained session carries it on."""
    aws.create_role(
        trust_policy(
            [VENDOR_ROLE, ROLE_ARN],
            external_id=None,
            actions=["sts:AssumeRole", "sts:SetSourceIdentity"],
        )
    )
    first = aws.assume(aws.act_as(VENDOR_ROLE), SourceIdentity="alice")
    aws.assume(session_of(first))
    assert "alice" == strict.attempts[0].context["sts:SourceIdentity"]
    assert "alice" == strict.attempts[1].context["aws:SourceIdentity"]
    assert "alice" == strict.attempts[1].context["sts:SourceIdentity"]


def test_session_name_is_in_the_context(aws: Aws, strict: StrictSTS) -> None:
    """sts:RoleSessionName can be required by the trust policy."""
    aws.create_role(trust_policy(conditions={"StringLike": {"sts:RoleSessionName": "audit-*"}}))
    vendor = aws.act_as(VENDOR_ROLE)
    aws.assume(vendor, ExternalId=EXTERNAL_ID, RoleSessionName="audit-42")
    with pytest.raises(ClientError):
        aws.assume(vendor, ExternalId=EXTERNAL_ID, RoleSessionName="other")


# --- request validation ----------------------------------------------------------------------


def test_invalid_parameters_are_validation_errors(aws: Aws, strict: StrictSTS) -> None:
    """Values the STS API model forbids are refused before anything else, as STS does."""
    aws.create_role(trust_policy())
    with pytest.raises(ClientError) as excinfo:
        aws.assume(ExternalId="has space", DurationSeconds=43201)
    message = (
        "2 validation errors detected: Value 'has space' at 'externalId' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: [\w+=,.@:/-]*; "
        "Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have "
        "value less than or equal to 43200"
    )
    assert ("ValidationError", 400, message) == error_of(excinfo)


def test_a_role_arn_that_is_not_a_role_is_a_validation_error(aws: Aws, strict: StrictSTS) -> None:
    """A RoleArn that is not an IAM role ARN gives ValidationError."""
    with pytest.raises(ClientError) as excinfo:
        aws.assume(role_arn=f"arn:aws:iam::{CUSTOMER}:user/alice")
    assert ("ValidationError", 400, "Request ARN is invalid") == error_of(excinfo)


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("roleArn", "arn:aws:iam::1:r", "have length greater than or equal to 20"),
        ("roleSessionName", "x", "have length greater than or equal to 2"),
        ("roleSessionName", "x" * 65, "have length less than or equal to 64"),
        ("externalId", "é" * 3, r"satisfy regular expression pattern: [\w+=,.@:/-]*"),
        ("sourceIdentity", "a b", r"satisfy regular expression pattern: [\w+=,.@-]*"),
        ("durationSeconds", 899, "have value greater than or equal to 900"),
    ],
)
def test_parameter_constraints(
    in_process: Aws, field: str, value: str | int, constraint: str
) -> None:
    """Each model constraint is checked server-side even when the client does not check it."""
    parameters: dict[str, Any] = {
        "roleArn": {"role_arn": value},
        "roleSessionName": {"RoleSessionName": value},
        "externalId": {"ExternalId": value},
        "sourceIdentity": {"SourceIdentity": value},
        "durationSeconds": {"DurationSeconds": value},
    }[field]
    sts = default_session().client(
        "sts", region_name="us-east-1", config=Config(parameter_validation=False)
    )
    role_arn = parameters.pop("role_arn", ROLE_ARN)
    parameters.setdefault("RoleSessionName", "valid-name")
    with strict_sts(), pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, **parameters)
    message = (
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
        f"constraint: Member must {constraint}"
    )
    assert ("ValidationError", 400, message) == error_of(excinfo)


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (
            [{"Key": "team", "Value": "a"}, {"Key": "Team", "Value": "b"}],
            (
                "1 validation error detected: Duplicate tag keys found. Please note that Tag keys "
                "are case insensitive."
            ),
        ),
        (
            [{"Key": f"k{index}", "Value": "v"} for index in range(51)],
            (
                "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member "
                "must have length less than or equal to 50"
            ),
        ),
    ],
)
def test_session_tag_constraints(in_process: Aws, tags: list[Any], message: str) -> None:
    """Duplicate (ignoring case) and too many session tags are ValidationErrors."""
    sts = default_session().client(
        "sts", region_name="us-east-1", config=Config(parameter_validation=False)
    )
    with strict_sts(), pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="s1", Tags=tags)
    assert ("ValidationError", 400, message) == error_of(excinfo)


@pytest.mark.parametrize(
    "role_arn",
    [
        f"arn:aws-foo:iam::{CUSTOMER}:role/{ROLE_NAME}",
        f"arn:aws:iam::987654321098:role/{ROLE_NAME}",
        f"arn:aws:iam::{CUSTOMER}:role/other/{ROLE_NAME}",
    ],
    ids=["unknown-partition", "unknown-account", "other-path"],
)
def test_roles_that_do_not_exist(in_process: Aws, role_arn: str) -> None:
    """Unknown partitions, accounts never used and other paths name no role."""
    in_process.create_role(trust_policy(f"arn:aws:iam::{CUSTOMER}:root", external_id=None))
    with strict_sts(), pytest.raises(ClientError) as excinfo:
        in_process.assume(role_arn=role_arn)
    caller = f"arn:aws:iam::{CUSTOMER}:user/moto"
    assert ("AccessDenied", 403, denied_message(caller, role_arn)) == error_of(excinfo)


# --- the log ------------------------------------------------------------------------------------


def test_attempts_record_each_decision(aws: Aws, strict: StrictSTS) -> None:
    """Each request is logged with its outcome, context and explanation; clear() forgets them."""
    aws.create_role(trust_policy())
    vendor = aws.act_as(VENDOR_ROLE)
    aws.assume(vendor, ExternalId=EXTERNAL_ID, DurationSeconds=1800)
    with pytest.raises(ClientError):
        aws.assume(vendor, ExternalId="nope-nope")
    allowed, denied = strict.attempts
    assert (allowed,) == strict.allowed
    assert (denied,) == strict.denied
    assert (EXTERNAL_ID, 1800, None) == (
        allowed.external_id,
        allowed.duration_seconds,
        allowed.error_code,
    )
    assert "nope-nope" == denied.context["sts:ExternalId"]
    assert str(denied).startswith(
        f"arn:aws:sts::{VENDOR}:assumed-role/VendorWorker/xaccess-testing -> {ROLE_ARN}: "
        "AccessDenied: User: "
    )
    strict.clear()
    assert () == strict.attempts


def test_moto_itself_accepts_anything_outside_the_block(aws: Aws) -> None:
    """Outside strict_sts() moto's own permissive behaviour is untouched."""
    with strict_sts():
        pass
    response = aws.assume(role_arn=f"arn:aws:iam::{OTHER}:role/DoesNotExist", ExternalId="x1")
    assert (
        f"arn:aws:sts::{OTHER}:assumed-role/DoesNotExist/acme-audit"
        == (response["AssumedRoleUser"]["Arn"])
    )


def test_loading_the_plugin_imports_neither_moto_nor_boto3() -> None:
    """Importing xaccess.testing (as pytest does for the plugin) leaves moto and boto3 unloaded."""
    code = (
        "import sys, xaccess.testing; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('moto', 'boto3', 'botocore')))"
    )
    completed = subprocess.run(  # noqa: S603 - this interpreter on our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "[]" == completed.stdout.strip()


# --- interception ---------------------------------------------------------------------------


def test_interception_is_installed_and_restored() -> None:
    """Entering patches moto's AssumeRole handler (and watches IAM deletions and trust policy
    updates); leaving restores the original functions."""
    watched = ("delete_role", "delete_user", "update_assume_role_policy")
    original = TokenResponse.__dict__["assume_role"]
    originals = [IAMBackend.__dict__[name] for name in watched]
    with strict_sts() as active:
        assert active.active
        assert original is not TokenResponse.__dict__["assume_role"]
        assert all(
            before is not IAMBackend.__dict__[name]
            for before, name in zip(originals, watched, strict=True)
        )
    assert original is TokenResponse.__dict__["assume_role"]
    assert originals == [IAMBackend.__dict__[name] for name in watched]
    assert not active.active


def test_nesting_keeps_interception_until_the_last_exit(fake_env: None) -> None:
    """Nested and re-entered instances share one patch, and each records what it sees."""
    original = TokenResponse.__dict__["assume_role"]
    outer = strict_sts()
    with mock_aws(), outer, strict_sts() as inner:
        with outer:
            pass
        assert original is not TokenResponse.__dict__["assume_role"]
        with pytest.raises(ClientError):
            Aws(None).assume()
        assert (1, 1) == (len(outer.attempts), len(inner.attempts))
    assert original is TokenResponse.__dict__["assume_role"]


def test_leaving_without_entering_is_an_error() -> None:
    """Leaving an instance that is not active raises, and leaves nothing half-done."""
    inactive = strict_sts()
    with pytest.raises(RuntimeError, match="not active"):
        inactive.__exit__(None, None, None)
    assert "<StrictSTS active=False attempts=0>" == repr(inactive)


def test_interception_is_restored_after_an_exception() -> None:
    """An exception inside the block still restores moto."""
    original = TokenResponse.__dict__["assume_role"]
    with pytest.raises(RuntimeError, match="boom"), strict_sts():
        raise RuntimeError("boom")
    assert original is TokenResponse.__dict__["assume_role"]


def test_a_patch_over_ours_is_left_to_its_owner(fake_env: None) -> None:
    """If another patch replaces ours, ours passes through until it is restored for good."""
    original = TokenResponse.__dict__["assume_role"]
    other = pytest.MonkeyPatch()
    with mock_aws():
        with strict_sts():
            other.setattr(TokenResponse, "assume_role", original)
        assert original is TokenResponse.__dict__["assume_role"]
        other.undo()
        # The other patch brought ours back with nothing active: it passes requests through.
        assert testing._strict_assume_role is TokenResponse.__dict__["assume_role"]
        response = Aws(None).assume(role_arn=f"arn:aws:iam::{OTHER}:role/Missing")
        assert "Credentials" in response
        with strict_sts() as again, pytest.raises(ClientError):
            Aws(None).assume(role_arn=f"arn:aws:iam::{OTHER}:role/Missing")
        assert 1 == len(again.attempts)
    assert original is TokenResponse.__dict__["assume_role"]


def test_concurrent_requests_over_the_server(fake_env: None, moto_server: str) -> None:
    """Parallel AssumeRole requests to a threaded server are each decided and logged once."""
    _reset(moto_server)
    aws = Aws(moto_server)
    aws.create_role(trust_policy(external_id=None))
    sessions = [aws.act_as(f"arn:aws:iam::{VENDOR}:role/W{index}") for index in range(4)]
    sessions += [aws.act_as(f"arn:aws:iam::{OTHER}:role/W{index}") for index in range(4)]
    outcomes: list[str] = []
    lock = threading.Lock()

    def call(session: boto3.Session) -> None:
        for _ in range(3):
            try:
                aws.assume(session)
                result = "allowed"
            except ClientError as error:
                result = error.response["Error"]["Code"]
            with lock:
                outcomes.append(result)

    with strict_sts() as active:
        threads = [threading.Thread(target=call, args=(session,)) for session in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert ["AccessDenied"] * 12 + ["allowed"] * 12 == sorted(outcomes)
    assert 24 == len(active.attempts)
    _reset(moto_server)


class _FakeResponse:
    """The attributes of moto's response handler that the strict STS reads."""

    current_account = CUSTOMER
    partition = "aws"
    region = "eu-west-1"
    querystring: Mapping[str, list[str]] = {
        "Action": ["AssumeRole"],
        "RoleArn": [ROLE_ARN],
        "RoleSessionName": ["s1"],
        "ExternalId": ["e1"],
        "DurationSeconds": ["1800"],
        "SourceIdentity": ["alice"],
        "Policy": ["{}"],
        "Tags.member.2.Key": ["b"],
        "Tags.member.2.Value": ["2"],
        "Tags.member.1.Key": ["a"],
        "Tags.member.1.Value": ["1"],
        "TransitiveTagKeys.member.1": ["a"],
        "PolicyArns.member.1.arn": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    }

    def get_access_key(self) -> str:
        return "AKIAEXAMPLE"


class _BareResponse(_FakeResponse):
    querystring: Mapping[str, list[str]] = {"RoleArn": [ROLE_ARN], "RoleSessionName": ["s1"]}


def test_absent_query_parameters_stay_absent() -> None:
    """Optional parameters missing from the query string are None or empty."""
    request = testing._AssumeRoleRequest.from_response(_BareResponse())
    assert (None, None, None, (), (), ()) == (
        request.external_id,
        request.duration_seconds,
        request.source_identity,
        request.tags,
        request.transitive_tag_keys,
        request.policy_arns,
    )


def test_query_parameters_are_read_without_moto_parsing() -> None:
    """Without moto's parsed parameters, the query string is read (tags in member order)."""
    request = testing._AssumeRoleRequest.from_response(_FakeResponse())
    assert (
        ROLE_ARN,
        "s1",
        "e1",
        1800,
        "alice",
        (("a", "1"), ("b", "2")),
        ("a",),
        ("arn:aws:iam::aws:policy/ReadOnlyAccess",),
        "eu-west-1",
    ) == (
        request.role_arn,
        request.session_name,
        request.external_id,
        request.duration_seconds,
        request.source_identity,
        request.tags,
        request.transitive_tag_keys,
        request.policy_arns,
        request.region,
    )


# --- session_for ---------------------------------------------------------------------------------


def test_session_for_a_role_creates_it_in_its_account(aws: Aws) -> None:
    """A role principal is created in its own account with the default vendor policy."""
    session = aws.act_as(VENDOR_ROLE)
    identity = aws.sts(session).get_caller_identity()
    assert (VENDOR, f"arn:aws:sts::{VENDOR}:assumed-role/VendorWorker/xaccess-testing") == (
        identity["Account"],
        identity["Arn"],
    )
    vendor_iam = aws.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    assert ["xaccess-testing-assume-role"] == vendor_iam.list_role_policies(
        RoleName="VendorWorker"
    )["PolicyNames"]


def test_session_for_an_existing_role_keeps_or_replaces_policies(in_process: Aws) -> None:
    """An existing role keeps its policies unless new ones are given, under their names."""
    in_process.act_as(VENDOR_ROLE)
    in_process.act_as(VENDOR_ROLE, session_name="second")
    in_process.act_as(VENDOR_ROLE, policies={"extra": json.dumps(READ_ONLY)})
    vendor_iam = in_process.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    assert ["extra", "xaccess-testing-assume-role"] == sorted(
        vendor_iam.list_role_policies(RoleName="VendorWorker")["PolicyNames"]
    )


def test_session_for_a_role_with_a_path(in_process: Aws) -> None:
    """The role path is part of the ARN: an existing role with another path is an error."""
    in_process.act_as(f"arn:aws:iam::{VENDOR}:role/team/a/Scanner")
    vendor_iam = in_process.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    assert "/team/a/" == vendor_iam.get_role(RoleName="Scanner")["Role"]["Path"]
    with pytest.raises(ValidationError, match="another path"):
        in_process.act_as(f"arn:aws:iam::{VENDOR}:role/Scanner")


def test_session_for_an_assumed_role_arn_uses_its_session_name(in_process: Aws) -> None:
    """An assumed-role ARN gives a session of that role with that session name."""
    arn = f"arn:aws:sts::{VENDOR}:assumed-role/Scanner/nightly"
    assert arn == in_process.sts(in_process.act_as(arn)).get_caller_identity()["Arn"]


def test_session_for_a_user_reuses_its_key(in_process: Aws) -> None:
    """A user principal gets an access key; asking again reuses it."""
    arn = f"arn:aws:iam::{VENDOR}:user/ops/bob"
    first, second = in_process.act_as(arn), in_process.act_as(arn)
    assert arn == in_process.sts(first).get_caller_identity()["Arn"]
    first_credentials, second_credentials = first.get_credentials(), second.get_credentials()
    assert first_credentials is not None
    assert second_credentials is not None
    assert first_credentials.access_key == second_credentials.access_key


def test_session_for_a_root_acts_in_its_account(aws: Aws) -> None:
    """An account root session acts as moto's default identity of that account."""
    root = aws.act_as(f"arn:aws:iam::{OTHER}:root")
    assert OTHER == aws.sts(root).get_caller_identity()["Account"]
    root.client("iam").create_role(RoleName="Made", AssumeRolePolicyDocument="{}")
    assert f"arn:aws:iam::{OTHER}:role/Made" == (root.resource("iam").Role("Made").arn)


def test_session_for_policies_accept_documents(in_process: Aws) -> None:
    """Policies may be JSON text, mappings or objects with to_json()."""

    @attrs.frozen
    class Document:
        text: str

        def to_json(self) -> str:
            return self.text

    empty = READ_ONLY
    in_process.act_as(
        f"arn:aws:iam::{VENDOR}:user/carol",
        policies={"a": json.dumps(empty), "b": empty, "c": Document(json.dumps(empty))},
    )
    vendor_iam = in_process.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    assert ["a", "b", "c"] == sorted(vendor_iam.list_user_policies(UserName="carol")["PolicyNames"])


@pytest.mark.parametrize(
    ("principal", "policies", "field"),
    [
        (f"arn:aws:iam::{VENDOR}:root", {}, "policies"),
        (f"arn:aws:sts::{VENDOR}:federated-user/bob", None, "principal_arn"),
        (f"arn:aws:s3:::{VENDOR}", None, "principal_arn"),
        ("not an arn", None, "principal_arn"),
    ],
)
def test_session_for_rejects_what_it_cannot_act_as(
    principal: str, policies: dict[str, str] | None, field: str
) -> None:
    """Unsupported principals and policies for a root raise ValidationError."""
    with pytest.raises(ValidationError) as excinfo:
        session_for(principal, policies=policies)
    assert field == excinfo.value.field


def test_session_for_a_user_with_another_path_is_an_error(in_process: Aws) -> None:
    """An existing user with another path than the ARN's is an error."""
    in_process.act_as(f"arn:aws:iam::{VENDOR}:user/ops/dave")
    with pytest.raises(ValidationError, match="another path"):
        in_process.act_as(f"arn:aws:iam::{VENDOR}:user/dave")


def test_session_for_refuses_to_reach_aws(fake_env: None) -> None:
    """Without mock_aws() and without an endpoint URL, session_for raises instead of calling AWS."""
    with pytest.raises(RuntimeError, match="moto is not active"):
        session_for(VENDOR_ROLE)


def test_session_for_rejects_a_bad_session_name(in_process: Aws) -> None:
    """The session name follows the STS rules."""
    with pytest.raises(ValidationError) as excinfo:
        in_process.act_as(VENDOR_ROLE, session_name="has space")
    assert "session_name" == excinfo.value.field


def test_session_clients_default_to_the_endpoint(fake_env: None, moto_server: str) -> None:
    """Clients and resources of a session for a server use its endpoint unless told otherwise."""
    _reset(moto_server)
    session = session_for(VENDOR_ROLE, endpoint_url=moto_server)
    assert moto_server == session.client("sts").meta.endpoint_url
    assert moto_server == session.resource("iam").meta.client.meta.endpoint_url
    elsewhere = "http://127.0.0.1:9"
    assert elsewhere == session.client("sts", endpoint_url=elsewhere).meta.endpoint_url
    _reset(moto_server)


# --- what AWS refuses that moto lets through ----------------------------------------------------


def _delete_role(iam: IAMClient, name: str) -> None:
    """Delete a role and its inline policies, as IAM requires."""
    for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
    iam.delete_role(RoleName=name)


def _any_caller_of(account: str) -> dict[str, Any]:
    """A trust policy for every principal of one account (no identity policy needed in it)."""
    return trust_policy(
        "*", external_id=None, conditions={"StringEquals": {"aws:PrincipalAccount": account}}
    )


def test_an_unsigned_request_is_refused(in_process: Aws) -> None:
    """An unsigned request is not moto's default identity: STS asks for a signature."""
    # In-process only: a moto server cannot tell that an unsigned request is meant for STS.
    in_process.create_role(_any_caller_of(CUSTOMER))
    unsigned = default_session().client(
        "sts", region_name="us-east-1", config=Config(signature_version=UNSIGNED)
    )
    with strict_sts() as strict, pytest.raises(ClientError) as excinfo:
        unsigned.assume_role(RoleArn=ROLE_ARN, RoleSessionName="anonymous")
    expected = ("MissingAuthenticationToken", 403, "Request is missing Authentication Token")
    assert expected == error_of(excinfo)
    assert ("", None) == (strict.attempts[-1].caller_arn, strict.attempts[-1].denied_action)


def test_an_inactive_access_key_is_refused(aws: Aws, strict: StrictSTS) -> None:
    """An IAM user's deactivated access key no longer authenticates anything."""
    alice = f"arn:aws:iam::{CUSTOMER}:user/alice"
    aws.create_role(trust_policy(alice, external_id=None))
    session = aws.act_as(alice)
    aws.assume(session)
    credentials = session.get_credentials()
    assert credentials is not None
    aws.iam().update_access_key(
        UserName="alice", AccessKeyId=credentials.access_key, Status="Inactive"
    )
    with pytest.raises(ClientError) as excinfo:
        aws.assume(session)
    message = "The security token included in the request is invalid."
    assert ("InvalidClientTokenId", 403, message) == error_of(excinfo)


def test_a_user_deleted_and_created_again_is_neither_signer_nor_trusted(
    aws: Aws, strict: StrictSTS
) -> None:
    """A deleted user's key (moto keeps it) is invalid; a new user of that name is not trusted."""
    alice = f"arn:aws:iam::{CUSTOMER}:user/alice"
    aws.create_role(trust_policy(alice, external_id=None))
    old = aws.act_as(alice, policies={})
    aws.assume(old)
    aws.iam().delete_user(UserName="alice")
    with pytest.raises(ClientError) as excinfo:
        aws.assume(old)
    message = "The security token included in the request is invalid."
    assert ("InvalidClientTokenId", 403, message) == error_of(excinfo)
    assert "user was deleted" in strict.attempts[-1].reason

    with pytest.raises(ClientError) as excinfo:
        aws.assume(aws.act_as(alice, policies={}))
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]


def test_a_presigned_request_is_read_as_signed() -> None:
    """A presigned request carries its access key in X-Amz-Credential; none at all is unsigned."""

    class Presigned(_BareResponse):
        headers: Mapping[str, str] = {}
        querystring: Mapping[str, list[str]] = {
            **_BareResponse.querystring,
            "X-Amz-Credential": ["ASIAEXAMPLEKEY/20260101/us-east-1/sts/aws4_request"],
        }

    class Unsigned(_BareResponse):
        headers: Mapping[str, str] = {}

    assert "ASIAEXAMPLEKEY" == testing._AssumeRoleRequest.from_response(Presigned()).access_key
    assert testing._AssumeRoleRequest.from_response(Unsigned()).access_key is None


def test_credentials_of_another_partition_are_refused(in_process: Aws) -> None:
    """A session issued in aws-cn is not a credential in aws (nor moto's default identity)."""
    china_iam = default_session().client("iam", region_name="cn-north-1")
    china_iam.create_role(
        RoleName="Hub",
        AssumeRolePolicyDocument=json.dumps(trust_policy("*", external_id=None)),
    )
    in_process.create_role(_any_caller_of(CUSTOMER))
    china_sts = default_session().client("sts", region_name="cn-north-1")
    with strict_sts() as strict:
        china = china_sts.assume_role(
            RoleArn=f"arn:aws-cn:iam::{CUSTOMER}:role/Hub", RoleSessionName="cn"
        )
        with pytest.raises(ClientError) as excinfo:
            in_process.assume(session_of(china))
    assert ("InvalidClientTokenId", 403) == error_of(excinfo)[:2]
    assert "another partition" in strict.attempts[-1].reason


def test_a_role_in_another_partition_is_not_found(in_process: Aws) -> None:
    """STS in one partition does not assume a role of another, whatever its trust policy."""
    china_iam = default_session().client("iam", region_name="cn-north-1")
    china_iam.create_role(
        RoleName=ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps(trust_policy("*", external_id=None)),
    )
    china_role = f"arn:aws-cn:iam::{CUSTOMER}:role/{ROLE_NAME}"
    with strict_sts() as strict, pytest.raises(ClientError) as excinfo:
        in_process.assume(role_arn=china_role)
    caller = f"arn:aws:iam::{CUSTOMER}:user/moto"
    assert ("AccessDenied", 403, denied_message(caller, china_role)) == error_of(excinfo)
    assert "partition" in strict.attempts[-1].reason


def test_a_session_of_a_deleted_role_is_refused(aws: Aws, strict: StrictSTS) -> None:
    """Once its role is deleted a session has no permissions, even if the role comes back."""
    worker = f"arn:aws:iam::{CUSTOMER}:role/Worker"
    named = aws.act_as(worker, policies={})
    aws.create_role(trust_policy(worker, external_id=None))
    old = aws.act_as(worker)
    aws.create_role(_any_caller_of(CUSTOMER), name="Open")
    open_arn = f"arn:aws:iam::{CUSTOMER}:role/Open"
    aws.assume(old, role_arn=open_arn)
    _delete_role(aws.iam(), "Worker")

    for session, role_arn in ((named, ROLE_ARN), (old, open_arn)):
        with pytest.raises(ClientError) as excinfo:
            aws.assume(session, role_arn=role_arn)
        assert ("AccessDenied", 403) == error_of(excinfo)[:2]
        assert "no longer exists" in strict.attempts[-1].reason

    new = aws.act_as(worker)  # the role again, as a new role
    with pytest.raises(ClientError):
        aws.assume(old, role_arn=open_arn)
    assert "created again" in strict.attempts[-1].reason
    aws.assume(new, role_arn=open_arn)


def test_a_role_created_again_is_not_the_role_the_trust_policy_names(
    aws: Aws, strict: StrictSTS
) -> None:
    """A trust policy names a role's unique ID: its successor is trusted only once it is saved."""
    vendor_iam = aws.act_as(f"arn:aws:iam::{VENDOR}:root").client("iam")
    aws.act_as(VENDOR_ROLE)
    aws.create_role(trust_policy(VENDOR_ROLE))
    aws.assume(aws.act_as(VENDOR_ROLE), ExternalId=EXTERNAL_ID)
    _delete_role(vendor_iam, "VendorWorker")
    again = aws.act_as(VENDOR_ROLE)

    with pytest.raises(ClientError) as excinfo:
        aws.assume(again, ExternalId=EXTERNAL_ID)

    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    aws.iam().update_assume_role_policy(
        RoleName=ROLE_NAME, PolicyDocument=json.dumps(trust_policy(VENDOR_ROLE))
    )
    aws.assume(again, ExternalId=EXTERNAL_ID)


def test_a_trust_policy_naming_a_role_by_another_path_trusts_nobody(
    aws: Aws, strict: StrictSTS
) -> None:
    """A role ARN is matched with its path: naming /team/Scanner as /Scanner names no role."""
    scanner = aws.act_as(f"arn:aws:iam::{VENDOR}:role/team/Scanner")
    aws.create_role(trust_policy(f"arn:aws:iam::{VENDOR}:role/Scanner"))
    with pytest.raises(ClientError) as excinfo:
        aws.assume(scanner, ExternalId=EXTERNAL_ID)
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    aws.iam().update_assume_role_policy(
        RoleName=ROLE_NAME,
        PolicyDocument=json.dumps(trust_policy(f"arn:aws:iam::{VENDOR}:role/team/Scanner")),
    )
    aws.assume(scanner, ExternalId=EXTERNAL_ID)


def test_a_source_identity_persists_along_a_role_chain(aws: Aws, strict: StrictSTS) -> None:
    """A chained session keeps its source identity, unchangeable, and needs SetSourceIdentity."""
    setting = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    hub = aws.create_role(trust_policy(VENDOR_ROLE, external_id=None, actions=setting), name="Hub")
    aws.iam().put_role_policy(
        RoleName="Hub",
        PolicyName="chain",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": setting, "Resource": "*"}],
            }
        ),
    )
    aws.create_role(trust_policy(hub, external_id=None), name="Plain")
    aws.create_role(trust_policy(hub, external_id=None, actions=setting), name="Setting")
    first = session_of(aws.assume(aws.act_as(VENDOR_ROLE), role_arn=hub, SourceIdentity="alice"))

    with pytest.raises(ClientError) as excinfo:
        aws.assume(first, role_arn=f"arn:aws:iam::{CUSTOMER}:role/Plain")
    assert "sts:SetSourceIdentity" == strict.attempts[-1].denied_action
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    with pytest.raises(ClientError):
        aws.assume(
            first, role_arn=f"arn:aws:iam::{CUSTOMER}:role/Setting", SourceIdentity="mallory"
        )
    assert "sts:SetSourceIdentity" == strict.attempts[-1].denied_action

    second = aws.assume(first, role_arn=f"arn:aws:iam::{CUSTOMER}:role/Setting")
    context = strict.attempts[-1].context
    assert ("alice", "alice") == (context["aws:SourceIdentity"], context["sts:SourceIdentity"])
    aws.create_role(
        trust_policy(f"arn:aws:iam::{CUSTOMER}:role/Setting", external_id=None, actions=setting),
        name="Third",
    )
    aws.iam().put_role_policy(
        RoleName="Setting",
        PolicyName="chain",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": setting, "Resource": "*"}],
            }
        ),
    )
    aws.assume(session_of(second), role_arn=f"arn:aws:iam::{CUSTOMER}:role/Third")
    assert "alice" == strict.attempts[-1].context["aws:SourceIdentity"]


def test_transitive_session_tags_are_inherited_and_fixed(aws: Aws, strict: StrictSTS) -> None:
    """Transitive tags must be passed as tags, and are inherited, unchangeable, along a chain."""
    tagging = ["sts:AssumeRole", "sts:TagSession"]
    admin = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": tagging, "Resource": "*"}],
    }
    for name in ("Hub", "Middle"):
        aws.create_role(trust_policy(CUSTOMER, external_id=None, actions=tagging), name=name)
        aws.iam().put_role_policy(
            RoleName=name, PolicyName="chain", PolicyDocument=json.dumps(admin)
        )
    aws.create_role(
        trust_policy(
            CUSTOMER,
            external_id=None,
            conditions={"StringEquals": {"aws:PrincipalTag/team": "blue"}},
        ),
        name="BlueOnly",
    )
    hub = f"arn:aws:iam::{CUSTOMER}:role/Hub"
    with pytest.raises(ClientError) as excinfo:
        aws.assume(
            role_arn=hub, Tags=[{"Key": "team", "Value": "blue"}], TransitiveTagKeys=["project"]
        )
    message = "Every key in TransitiveTagKeys must be the key of a tag passed in Tags."
    assert ("InvalidParameterValue", 400, message) == error_of(excinfo)

    first = session_of(
        aws.assume(
            role_arn=hub, Tags=[{"Key": "team", "Value": "blue"}], TransitiveTagKeys=["team"]
        )
    )
    with pytest.raises(ClientError) as excinfo:
        aws.assume(
            first,
            role_arn=f"arn:aws:iam::{CUSTOMER}:role/Middle",
            Tags=[{"Key": "Team", "Value": "red"}],
        )
    message = (
        "A tag passed in Tags has the key of a transitive tag that the calling session passes "
        "on, and a transitive tag cannot be changed along a role chain."
    )
    assert ("InvalidParameterValue", 400, message) == error_of(excinfo)

    second = session_of(aws.assume(first, role_arn=f"arn:aws:iam::{CUSTOMER}:role/Middle"))
    aws.assume(second, role_arn=f"arn:aws:iam::{CUSTOMER}:role/BlueOnly")
    assert "blue" == strict.attempts[-1].context["aws:PrincipalTag/team"]


def test_sessions_keep_their_session_policies_after_the_block(aws: Aws) -> None:
    """A session issued inside one strict block keeps its session policies in the next."""
    aws.create_role(trust_policy(CUSTOMER, external_id=None), name="Target")
    hub = aws.create_role(trust_policy(CUSTOMER, external_id=None), name="Hub")
    aws.iam().put_role_policy(
        RoleName="Hub",
        PolicyName="assume",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
            }
        ),
    )
    read_only = aws.iam().create_policy(PolicyName="ro", PolicyDocument=json.dumps(READ_ONLY))
    with strict_sts():
        narrowed = session_of(
            aws.assume(role_arn=hub, PolicyArns=[{"arn": read_only["Policy"]["Arn"]}])
        )
    with strict_sts() as strict, pytest.raises(ClientError) as excinfo:
        aws.assume(narrowed, role_arn=f"arn:aws:iam::{CUSTOMER}:role/Target")
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    assert "no session policy allows it" in strict.attempts[-1].reason


# --- the pytest fixture --------------------------------------------------------------------------


def test_fixture_gives_an_active_strict_sts_inside_mock_aws(strict_sts: StrictSTS) -> None:
    """The strict_sts fixture: fake region, no config files, moto and strict STS active."""
    assert "us-east-1" == os.environ["AWS_DEFAULT_REGION"]
    assert not os.path.exists(os.environ["AWS_CONFIG_FILE"])
    assert not os.path.exists(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    assert strict_sts.active
    with pytest.raises(ClientError) as excinfo:
        boto3.client("sts").assume_role(RoleArn=ROLE_ARN, RoleSessionName="s1")
    assert ("AccessDenied", 403) == error_of(excinfo)[:2]
    assert 1 == len(strict_sts.denied)


def test_entry_point_provides_the_fixture_to_users(tmp_path: Path) -> None:
    """An installed xaccess registers the strict_sts fixture with any pytest run."""
    (tmp_path / "test_user.py").write_text(
        "def test_fixture(strict_sts):\n    assert strict_sts.active\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert 0 == done.returncode, done.stdout + done.stderr
    assert "1 passed" in done.stdout
