"""Tests for xaccess.policy._grammar: actions and principals as IAM stores or refuses them.

Sources, quoted in docs/policies.md ("Actions and principals as IAM stores them"): the IAM User
Guide's policy grammar (``principal_block`` is ``"*"`` or a map), the MalformedPolicyDocument
messages IAM gives for actions (a vendor prefix is required, one colon only, the vendor has no
wildcards), and the IAM Access Analyzer check reference ("Invalid action": AWS managed policies
hold actions that do not exist, and IAM keeps them; they grant nothing).
"""

from __future__ import annotations

import pytest

from tests.policy.support import doc_with
from xaccess import ValidationError
from xaccess.policy import Outcome, PolicyDocument, Request, evaluate

_CALLER = "arn:aws:iam::111122223333:role/Reader"
_OBJECT = "arn:aws:s3:::acme-logs/2026/01/app.log"


def _identity_allows(action: str) -> Outcome:
    policy = PolicyDocument.from_dict(doc_with(Action=action, Resource="*"))
    request = Request(principal=_CALLER, action="s3:GetObject", resource=_OBJECT)
    return evaluate(request, identity_policies=[policy]).outcome


@pytest.mark.parametrize(
    "action",
    [
        pytest.param("s3:Get,Object", id="comma-in-name"),
        pytest.param("s3:GetObject ", id="trailing-space"),
        pytest.param("s3: GetObject", id="space-after-colon"),
        pytest.param("s3:", id="empty-name"),
        pytest.param("s3:Get Object", id="space-in-name"),
        pytest.param("s3:GetObjekt", id="no-such-action"),
        pytest.param("aws-marketplace:ViewSubscriptions", id="hyphen-in-vendor"),
    ],
)
def test_actions_iam_stores_parse_round_trip_and_match_no_request(action: str) -> None:
    """An action IAM stores parses and round-trips, and allows no request for s3:GetObject."""
    document = PolicyDocument.from_dict(doc_with(Action=action))
    assert (action,) == document.statements[0].actions
    assert document == PolicyDocument.from_json(document.to_json())
    assert "implicit_deny" == _identity_allows(action)


def test_a_well_formed_action_still_matches() -> None:
    """The control case: the same policy with the exact action allows the request."""
    assert "allow" == _identity_allows("s3:GetObject")


@pytest.mark.parametrize(
    ("action", "rule"),
    [
        pytest.param("GetObject", "must be prefaced by a service prefix", id="no-vendor"),
        pytest.param(" s3:GetObject", "service prefix ' s3'", id="leading-space"),
        pytest.param("s3,ec2:GetObject", "service prefix 's3,ec2'", id="comma-in-vendor"),
        pytest.param("s3:GetObject,s3:PutObject", "only one colon", id="comma-list"),
        pytest.param("s3:Get:Object", "only one colon", id="two-colons"),
        pytest.param(":GetObject", "service prefix ''", id="empty-vendor"),
        pytest.param("*:Untag*", "service prefix '*'", id="wildcard-vendor"),
        pytest.param("s3*:GetObject", "service prefix 's3*'", id="wildcard-in-vendor"),
    ],
)
def test_actions_iam_refuses_are_refused(action: str, rule: str) -> None:
    """An action IAM refuses with MalformedPolicyDocument is a ValidationError naming the rule."""
    with pytest.raises(ValidationError) as info:
        PolicyDocument.from_dict(doc_with(Action=action))
    assert "Statement[0].Action" == info.value.field
    assert rule in info.value.rule


@pytest.mark.parametrize(
    "principal",
    [
        "arn:aws:iam::111122223333:role/Scanner",
        "111122223333",
        "ec2.amazonaws.com",
        "AWS",
    ],
)
def test_a_string_principal_other_than_star_is_refused(principal: str) -> None:
    """IAM's grammar allows only "*" or a map as Principal; any other string is refused."""
    data = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"},
    }
    with pytest.raises(ValidationError) as info:
        PolicyDocument.from_dict(data)
    assert "Statement.Principal" == info.value.field
    assert "must be '*' or an object" in info.value.rule
