"""Tests for xaccess.audit.account: every role of a live account, on a moto server."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from tests.audit.vendor_policies import (
    DATADOG_ACCOUNT,
    DATADOG_EXTERNAL_ID,
    DATADOG_PERMISSIONS,
    trust,
)
from xaccess import AWSError, ValidationError
from xaccess.audit.account import read_account
from xaccess.aws._retry import RetryPolicy

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

SAFE = trust(
    {
        "Effect": "Allow",
        "Principal": {"AWS": DATADOG_ACCOUNT},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}},
    }
)
SAFE_PERMISSIONS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
OPEN = trust({"Effect": "Allow", "Principal": {"AWS": DATADOG_ACCOUNT}, "Action": "sts:AssumeRole"})


def create_roles(iam: IAMClient, count: int, policy: dict[str, Any]) -> None:
    """Create `count` roles trusting with `policy`, each with an inline Datadog policy."""
    for i in range(count):
        name = f"Vendor{i:03d}"
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(policy))
        iam.put_role_policy(
            RoleName=name, PolicyName="datadog", PolicyDocument=json.dumps(DATADOG_PERMISSIONS)
        )


@pytest.fixture
def iam(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> IAMClient:
    """An IAM client of the moto server, found through AWS_ENDPOINT_URL as the CLI finds it."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    return boto3.client("iam")


def test_every_role_is_read_with_its_policies_across_pages(iam: IAMClient) -> None:
    """More roles than one ListRoles page, each with trust, inline and attached policies."""
    create_roles(iam, 105, SAFE)
    extra = iam.create_policy(PolicyName="Extra", PolicyDocument=json.dumps(SAFE_PERMISSIONS))
    iam.attach_role_policy(RoleName="Vendor000", PolicyArn=extra["Policy"]["Arn"])
    seen: list[tuple[int, int]] = []

    roles = read_account(
        iam, concurrency=4, progress=lambda done, total: seen.append((done, total))
    )

    assert [f"Vendor{i:03d}" for i in range(105)] == sorted(r.name for r in roles)
    assert (105, 105) == seen[-1]
    assert 105 == len(seen)
    (first,) = (r for r in roles if r.name == "Vendor000")
    assert "arn:aws:iam::123456789012:role/Vendor000" == first.role_arn
    assert "account:123456789012" == first.source
    assert ("arn:aws:iam::123456789012:policy/Extra",) == first.managed_policy_arns
    assert ("XA204", "XA205") == first.audit().codes()
    assert all(r.audit().ok for r in roles)


def test_an_open_role_is_found(iam: IAMClient) -> None:
    """A role trusting the vendor without the external ID is high."""
    create_roles(iam, 1, OPEN)

    (role,) = read_account(iam)

    assert not role.audit().ok


def test_an_empty_account_has_no_roles(iam: IAMClient) -> None:
    """No roles, no declared roles (and no progress calls)."""
    calls: list[tuple[int, int]] = []

    assert () == read_account(iam, progress=lambda done, total: calls.append((done, total)))
    assert [] == calls


@pytest.mark.parametrize(("concurrency", "progress"), [(0, None), (65, None), (1, "no")])
def test_bad_arguments_raise_validation_error(
    iam: IAMClient, concurrency: int, progress: Any
) -> None:
    """Concurrency must be 1 to 64 and progress callable."""
    with pytest.raises(ValidationError):
        read_account(iam, concurrency=concurrency, progress=progress)


def test_throttling_is_retried_and_refusals_become_aws_errors(iam: IAMClient) -> None:
    """A throttled ListRoles is retried; AccessDenied is an AWSError with the botocore cause."""
    waits: list[float] = []
    retry = RetryPolicy(sleep=waits.append, random=lambda: 0.5)
    with Stubber(iam) as stub:
        stub.add_client_error("list_roles", service_error_code="Throttling", http_status_code=400)
        stub.add_response("list_roles", {"Roles": [], "IsTruncated": False})
        stub.add_client_error("list_roles", service_error_code="AccessDenied", http_status_code=403)

        assert () == read_account(iam, retry=retry)
        with pytest.raises(AWSError) as exc_info:
            read_account(iam, retry=retry)

    assert [0.1] == waits
    assert ("AccessDenied", "ListRoles") == (exc_info.value.code, exc_info.value.operation)
    assert isinstance(exc_info.value.__cause__, ClientError)


def _listed(name: str, trust_policy: str) -> dict[str, Any]:
    """A role as ListRoles returns it."""
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": "AROA" + name.upper().ljust(17, "X"),
        "Arn": f"arn:aws:iam::123456789012:role/{name}",
        "CreateDate": "2026-01-01T00:00:00Z",
        "AssumeRolePolicyDocument": trust_policy,
    }


def _stub_account(stub: Stubber) -> None:
    """An account of two roles: Broken's stored trust policy is not legal, Fine's is."""
    roles = [_listed("Broken", '{"Statement": [}'), _listed("Fine", json.dumps(SAFE))]
    stub.add_response("list_roles", {"Roles": roles, "IsTruncated": False})
    stub.add_response("list_role_policies", {"PolicyNames": [], "IsTruncated": False})
    stub.add_response("list_attached_role_policies", {"AttachedPolicies": [], "IsTruncated": False})


def test_with_on_error_an_unreadable_role_is_handed_over_and_the_rest_read(
    iam: IAMClient,
) -> None:
    """on_error gets the unreadable role's name and error; the other roles are still read."""
    errors: list[tuple[str, Exception]] = []
    with Stubber(iam) as stub:
        _stub_account(stub)

        roles = read_account(
            iam, concurrency=1, on_error=lambda name, error: errors.append((name, error))
        )

    assert ["Fine"] == [role.name for role in roles]
    ((name, error),) = errors
    assert "Broken" == name
    assert isinstance(error, ValidationError)
    assert "Broken" in str(error)


def test_without_on_error_an_unreadable_role_stops_the_read(iam: IAMClient) -> None:
    """Without on_error the first unreadable role's error is raised, as before."""
    with Stubber(iam) as stub:
        _stub_account(stub)
        with pytest.raises(ValidationError, match="Broken"):
            read_account(iam, concurrency=1)
