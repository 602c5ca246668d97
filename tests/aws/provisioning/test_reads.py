"""Reading a role from IAM: pagination, repeated markers, policies IAM stores as text."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import Stubber

from tests.provisioning_support import (
    ACCOUNT,
    EXTERNAL_ID,
    NO_WAIT,
    CallRecorder,
    full_spec,
    iam_client,
    identity_policy,
    trust_policy,
)
from xaccess.aws.provisioning import (
    create,
    plan,
    revoke,
)
from xaccess.aws.provisioning.reads import IAMReader, parse_policy
from xaccess.aws.provisioning.revocation import Revocation, strip_and_delete
from xaccess.errors import AWSError
from xaccess.rolespec import MANAGED_TAG_KEY, MANAGED_TAG_VALUE, RoleSpec

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient


# --- pagination ------------------------------------------------------------------------------


def test_list_calls_follow_markers(iam: IAMClient, recorder: CallRecorder) -> None:
    """With one item per page, plan and revoke still see every tag and attachment."""

    def one_per_page(params: dict[str, Any], **_: Any) -> None:
        params["MaxItems"] = 1

    iam.meta.events.register("provide-client-params.iam.ListRoleTags", one_per_page)
    iam.meta.events.register("provide-client-params.iam.ListAttachedRolePolicies", one_per_page)
    spec = full_spec()
    create(iam, spec, retry=NO_WAIT)
    recorder.reset()

    assert plan(iam, spec, retry=NO_WAIT).is_empty
    assert 3 <= recorder.calls.count("ListRoleTags")
    assert 2 <= recorder.calls.count("ListAttachedRolePolicies")
    assert 2 == len(revoke(iam, "AcmeAudit", retry=NO_WAIT).detached_managed_policies)


def test_inline_policy_and_instance_profile_lists_follow_markers() -> None:
    """ListRolePolicies and ListInstanceProfilesForRole pages are followed (moto does not page
    them, so botocore's Stubber plays IAM)."""
    client = iam_client()
    role = {
        "Path": "/",
        "RoleName": "Paged",
        "RoleId": "AROAEXAMPLEEXAMPLE01",
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/Paged",
        "CreateDate": "2026-01-01T00:00:00Z",
        "AssumeRolePolicyDocument": trust_policy(EXTERNAL_ID).to_json(),
        "MaxSessionDuration": 3600,
    }
    managed = [{"Key": MANAGED_TAG_KEY, "Value": MANAGED_TAG_VALUE}]
    read = identity_policy("s3:GetObject").to_json()
    with Stubber(client) as stub:
        stub.add_response("get_role", {"Role": role}, {"RoleName": "Paged"})
        stub.add_response("list_role_tags", {"Tags": managed, "IsTruncated": False})
        stub.add_response(
            "list_role_policies", {"PolicyNames": ["A"], "IsTruncated": True, "Marker": "m1"}
        )
        stub.add_response(
            "list_role_policies",
            {"PolicyNames": ["B"], "IsTruncated": False},
            {"RoleName": "Paged", "Marker": "m1"},
        )
        stub.add_response("list_attached_role_policies", {"AttachedPolicies": []})
        for name in ("A", "B"):
            stub.add_response(
                "get_role_policy", {"RoleName": "Paged", "PolicyName": name, "PolicyDocument": read}
            )
        spec = RoleSpec(
            role_name="Paged",
            trust_policy=trust_policy(EXTERNAL_ID),
            inline_policies={
                "A": identity_policy("s3:GetObject"),
                "B": identity_policy("s3:GetObject"),
            },
        )
        assert plan(client, spec, retry=NO_WAIT).is_empty

        stub.add_response("list_role_policies", {"PolicyNames": []})
        stub.add_response("list_attached_role_policies", {"AttachedPolicies": []})
        profile = {
            "Path": "/",
            "InstanceProfileId": "AIPAEXAMPLEEXAMPLE01",
            "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/P1",
            "CreateDate": "2026-01-01T00:00:00Z",
            "Roles": [],
        }
        stub.add_response(
            "list_instance_profiles_for_role",
            {
                "InstanceProfiles": [{**profile, "InstanceProfileName": "P1"}],
                "IsTruncated": True,
                "Marker": "m2",
            },
        )
        stub.add_response(
            "list_instance_profiles_for_role",
            {"InstanceProfiles": [{**profile, "InstanceProfileName": "P2"}], "IsTruncated": False},
            {"RoleName": "Paged", "Marker": "m2"},
        )
        for _ in ("P1", "P2"):
            stub.add_response("remove_role_from_instance_profile", {})
        stub.add_response("delete_role", {})
        session = IAMReader(client, NO_WAIT)
        progress = Revocation("Paged")
        assert strip_and_delete(session, progress)
        assert ["P1", "P2"] == progress.profiles


def test_a_pagination_marker_given_twice_is_an_error_not_an_endless_loop() -> None:
    """An IAM answer that repeats an earlier marker would page forever; it is an AWSError
    instead (botocore's paginator only notices a marker repeated on the very next page)."""
    client = iam_client()
    session = IAMReader(client, NO_WAIT)
    with Stubber(client) as stub:
        for marker, expected in (("m1", {}), ("m2", {"Marker": "m1"}), ("m1", {"Marker": "m2"})):
            stub.add_response(
                "list_role_policies",
                {"PolicyNames": ["P"], "IsTruncated": True, "Marker": marker},
                {"RoleName": "Paged", **expected},
            )
        with pytest.raises(AWSError) as caught:
            session.inline_policy_names("Paged")

    assert ("RepeatedMarker", "ListRolePolicies") == (caught.value.code, caught.value.operation)
    stub.assert_no_pending_responses()


def test_policies_boto3_could_not_decode_are_read_from_their_text() -> None:
    """URL-encoded JSON, plain JSON and invalid documents are all handled."""
    document = identity_policy("s3:GetObject")
    encoded = urllib.parse.quote(document.to_json(), safe="")

    assert document == parse_policy(encoded)
    assert document == parse_policy(document.to_json())
    assert '{"Statement": []}' == parse_policy({"Statement": []})


def test_a_policy_deleted_between_listing_and_reading_is_missing(
    iam: IAMClient, recorder: CallRecorder
) -> None:
    """GetRolePolicy answering NoSuchEntity means the policy is gone: plan puts it back."""
    create(iam, full_spec(), retry=NO_WAIT)
    recorder.reset(fail_at=5, code="NoSuchEntity")  # the first GetRolePolicy (List)

    result = plan(iam, full_spec(), retry=NO_WAIT)

    assert ["+ inline policy List"] == [str(c) for c in result.changes]
