"""How the strict STS decides AssumeRole: trust, external ID, identity policies, durations,
session tags, source identity and the log of attempts.

Most scenarios run twice through the ``aws`` fixture: once against ``moto.mock_aws()`` and once
against a ``ThreadedMotoServer`` on 127.0.0.1, reached with ``endpoint_url``.
"""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st
from moto import mock_aws

from tests.testing.helpers import (
    CUSTOMER,
    EXTERNAL_ID,
    OTHER,
    READ_ONLY,
    ROLE_ARN,
    ROLE_NAME,
    VENDOR,
    VENDOR_ROLE,
    Aws,
    denied_message,
    error_of,
    session_of,
    trust_policy,
)
from xaccess.testing import StrictSTS, strict_sts

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
