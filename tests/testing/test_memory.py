"""What the strict STS remembers of sessions it issued: source identity, transitive tags,
session policies."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.testing.helpers import (
    CUSTOMER,
    READ_ONLY,
    VENDOR_ROLE,
    Aws,
    error_of,
    session_of,
    trust_policy,
)
from xaccess.testing import StrictSTS, strict_sts


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
