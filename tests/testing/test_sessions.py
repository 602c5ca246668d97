"""session_for: boto3 sessions acting as a chosen principal in moto."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

from tests.support import reset_moto_server
from tests.testing.helpers import (
    OTHER,
    READ_ONLY,
    VENDOR,
    VENDOR_ROLE,
    Aws,
)
from xaccess.errors import ValidationError
from xaccess.testing import session_for

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
    reset_moto_server(moto_server)
    session = session_for(VENDOR_ROLE, endpoint_url=moto_server)
    assert moto_server == session.client("sts").meta.endpoint_url
    assert moto_server == session.resource("iam").meta.client.meta.endpoint_url
    elsewhere = "http://127.0.0.1:9"
    assert elsewhere == session.client("sts", endpoint_url=elsewhere).meta.endpoint_url
    reset_moto_server(moto_server)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        pytest.param({"region_name": None}, "region_name", id="region"),
        pytest.param({"endpoint_url": b"http://127.0.0.1"}, "endpoint_url", id="endpoint"),
    ],
)
def test_session_for_rejects_settings_that_are_not_strings(
    in_process: Aws, arguments: dict[str, Any], field: str
) -> None:
    """A region or endpoint URL that is not a str is a ValidationError naming it."""
    with pytest.raises(ValidationError, match=field):
        session_for(VENDOR_ROLE, **arguments)
