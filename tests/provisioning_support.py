"""Shared helpers for the provisioning tests: clients, specs, call recording, moto snapshots.

Every client is configured with one botocore attempt (``total_max_attempts=1``) so that faults
injected by :class:`CallRecorder` reach xaccess's own retry logic instead of botocore's.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from typing import TYPE_CHECKING, Any, Final, cast

import attrs
import boto3
import moto
import pytest
from botocore.config import Config

# Re-exported: tests/test_docs.py imports it from here.
from tests.support import fake_aws_environment as fake_aws_environment  # noqa: PLC0414
from xaccess.aws.provisioning import RetryPolicy
from xaccess.grant import ThirdPartyGrant
from xaccess.policy import PolicyDocument
from xaccess.quotas import AccountQuotas
from xaccess.rolespec import RoleSpec

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from mypy_boto3_iam import IAMClient

    from xaccess.aws.provisioning import ProvisionedRole

ACCOUNT: Final = "123456789012"  # moto's default account
VENDOR: Final = "111122223333"
EXTERNAL_ID: Final = "3f2b8c1e9d7a4b6f8e0c2a1d5b7e9f01"
NEXT_EXTERNAL_ID: Final = "c0ffee00deadbeef0123456789abcdef"

#: No waiting between retries in tests.
NO_WAIT: Final = RetryPolicy(sleep=lambda _seconds: None)

WRITE_PREFIXES: Final = (
    "Put",
    "Create",
    "Update",
    "Attach",
    "Detach",
    "Delete",
    "Tag",
    "Untag",
    "Remove",
    "Add",
)

_STATUS: Final = {
    "Throttling": 400,
    "ServiceFailure": 500,
    "ServiceUnavailable": 503,
    "ConcurrentModification": 409,
    "LimitExceeded": 409,
    "MalformedPolicyDocument": 400,
    "AccessDenied": 403,
    "NoSuchEntity": 404,
    "EntityAlreadyExists": 409,
    "DeleteConflict": 409,
}


@functools.cache
def _session() -> boto3.Session:
    # One session for all tests: it caches the service models, so each client is cheap.
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )


def iam_client(endpoint_url: str | None = None) -> IAMClient:
    """An IAM client with fake credentials that makes exactly one attempt per call."""
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    return _session().client("iam", endpoint_url=endpoint_url, config=config)


class _Response:
    """Just enough of an HTTP response for botocore to raise a ClientError."""

    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self.headers: dict[str, str] = {}


@attrs.define
class CallRecorder:
    """Records every IAM call a client makes and can fail chosen ones.

    ``failures`` maps a 1-based call number to the error code that call answers with. The
    failing call never reaches moto, so it has no effect, like a call AWS refuses.
    """

    calls: list[str] = attrs.Factory(list)
    failures: dict[int, str] = attrs.Factory(dict)
    failed: list[str] = attrs.Factory(list)

    def install(self, iam: IAMClient) -> CallRecorder:
        # A before-call handler may answer in place of AWS; the stubs only allow None.
        handler = cast("Callable[..., None]", self._before_call)
        iam.meta.events.register("before-call.iam.*", handler)
        return self

    def reset(
        self,
        *,
        fail_at: int | None = None,
        code: str = "Throttling",
        times: int = 1,
        also: dict[int, str] | None = None,
    ) -> None:
        """Forget the calls so far; fail calls ``fail_at`` to ``fail_at + times - 1`` with
        ``code`` (a call retried by xaccess counts again), and the calls in ``also``."""
        self.calls.clear()
        self.failed.clear()
        self.failures = dict(also or {})
        if fail_at is not None:
            for number in range(fail_at, fail_at + times):
                self.failures[number] = code

    @property
    def writes(self) -> list[str]:
        return [call for call in self.calls if call.startswith(WRITE_PREFIXES)]

    def _before_call(self, model: Any, **_kwargs: Any) -> tuple[_Response, dict[str, Any]] | None:
        self.calls.append(model.name)
        code = self.failures.get(len(self.calls))
        if code is None:
            return None
        self.failed.append(model.name)
        status = _STATUS.get(code, 400)
        return _Response(status), {
            "Error": {"Code": code, "Message": f"injected {code}"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }


def trust_policy(*external_ids: str, vendor: str = VENDOR) -> PolicyDocument:
    """A vendor trust policy requiring one of ``external_ids``."""
    ids: str | list[str] = external_ids[0] if len(external_ids) == 1 else list(external_ids)
    return PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{vendor}:root"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": ids}},
                }
            ],
        }
    )


def identity_policy(*actions: str, resource: str = "arn:aws:s3:::acme-logs/*") -> PolicyDocument:
    """A small permission policy."""
    return PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}],
        }
    )


def make_managed_policy(iam: IAMClient, name: str) -> str:
    """Create a customer-managed policy in moto (it loads no AWS managed policies) and return
    its ARN."""
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
    }
    return iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))["Policy"]["Arn"]


def managed_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/{name}"


def full_spec(name: str = "AcmeAudit", **changes: Any) -> RoleSpec:
    """A spec using every field: two inline policies, two managed policies, a boundary, tags."""
    fields: dict[str, Any] = {
        "role_name": name,
        "trust_policy": trust_policy(EXTERNAL_ID),
        "inline_policies": {
            "Logs": identity_policy("s3:GetObject"),
            "List": identity_policy("s3:ListBucket", resource="arn:aws:s3:::acme-logs"),
        },
        "managed_policy_arns": (managed_arn("AuditOne"), managed_arn("AuditTwo")),
        "permissions_boundary": managed_arn("Boundary"),
        "description": "Read-only audit access for Acme",
        "max_session_duration": 7200,
        "tags": {"team": "security", "vendor": "acme"},
    }
    fields.update(changes)
    return RoleSpec(**fields)


def make_policies(iam: IAMClient) -> None:
    """The managed policies :func:`full_spec` refers to, plus a spare."""
    for name in ("AuditOne", "AuditTwo", "AuditThree", "Boundary"):
        make_managed_policy(iam, name)


def drift_spec(name: str) -> RoleSpec:
    """A role with every kind of setting, for :func:`drift` to change behind xaccess's back."""
    return RoleSpec(
        role_name=name,
        trust_policy=trust_policy(EXTERNAL_ID),
        inline_policies={"Logs": identity_policy("s3:GetObject")},
        managed_policy_arns=[managed_arn("AuditOne")],
        permissions_boundary=managed_arn("Boundary"),
        description="Audit access",
        max_session_duration=7200,
        tags={"team": "security", "vendor": "acme"},
    )


def drift(iam: IAMClient, name: str) -> None:
    """Change every kind of setting of the role behind xaccess's back."""
    iam.update_assume_role_policy(
        RoleName=name, PolicyDocument=trust_policy(NEXT_EXTERNAL_ID).to_json()
    )
    iam.update_role(RoleName=name, Description="edited by hand", MaxSessionDuration=3600)
    iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=managed_arn("AuditThree"))
    iam.detach_role_policy(RoleName=name, PolicyArn=managed_arn("AuditOne"))
    iam.attach_role_policy(RoleName=name, PolicyArn=managed_arn("AuditTwo"))
    iam.put_role_policy(
        RoleName=name, PolicyName="Logs", PolicyDocument=identity_policy("s3:*").to_json()
    )
    iam.put_role_policy(
        RoleName=name, PolicyName="Extra", PolicyDocument=identity_policy("s3:PutObject").to_json()
    )
    iam.tag_role(RoleName=name, Tags=[{"Key": "team", "Value": "x"}, {"Key": "stray", "Value": ""}])


def moto_iam_snapshot() -> Any:
    """A copy of moto's in-process IAM state (account 123456789012, partition aws).

    Restoring a snapshot is much cheaper than rebuilding a role through the API for each of the
    hundreds of fault-injection cases. It reaches into moto's backend registry; if moto changes
    that, the fault tests fail loudly (their fault-free probe no longer matches).
    """
    from moto.backends import get_backend  # noqa: PLC0415 - moto internals, only here

    return copy.deepcopy(get_backend("iam")[ACCOUNT]["aws"])


def moto_iam_restore(snapshot: Any) -> None:
    """Put back the IAM state captured by :func:`moto_iam_snapshot`."""
    from moto.backends import get_backend  # noqa: PLC0415 - moto internals, only here

    get_backend("iam")[ACCOUNT]["aws"] = copy.deepcopy(snapshot)


def run_once(action: Callable[[], object]) -> Callable[..., None]:
    """An event handler that runs ``action`` the first time only."""
    done: list[bool] = []

    def handler(**_: Any) -> None:
        if not done:
            done.append(True)
            action()

    return handler


def apply_concurrently(
    make_client: Callable[[], IAMClient], spec: RoleSpec, workers: int = 4
) -> tuple[list[ProvisionedRole], list[BaseException]]:
    """Apply ``spec`` from ``workers`` threads released at once, each with its own client.

    Returns the results and the errors raised, for the caller to assert on.
    """
    from xaccess.aws.provisioning import apply  # noqa: PLC0415 - keeps this module's imports light

    barrier = threading.Barrier(workers)
    results: list[ProvisionedRole] = []
    errors: list[BaseException] = []

    def worker() -> None:
        client = make_client()
        barrier.wait()
        try:
            results.append(apply(client, spec, retry=NO_WAIT))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


# --- fixtures (registered for the whole suite by tests/conftest.py) ---------------------------


@pytest.fixture
def iam(fake_env: None) -> Iterator[IAMClient]:
    """An in-process moto IAM holding the managed policies the specs use."""
    with moto.mock_aws():
        client = iam_client()
        make_policies(client)
        yield client


@pytest.fixture
def recorder(iam: IAMClient) -> CallRecorder:
    """Records every call the ``iam`` client makes from now on."""
    return CallRecorder().install(iam)


# --- large grants: customer-managed policies -------------------------------------------------

#: Small quotas, so that a few statements overflow into several customer-managed policies.
SMALL_QUOTAS: Final = AccountQuotas(
    inline_policies_size=600, managed_policy_size=600, managed_policies_per_role=20
)


def large_grant(name: str, statements: range, *, deny: bool = True) -> ThirdPartyGrant:
    """A grant whose statements, under :data:`SMALL_QUOTAS`, need customer-managed policies.

    Statement ``i`` allows ``s3:Get{i}`` and ``s3:List{i % 3}`` on three objects of bucket
    ``b{i}``; with ``deny``, ``s3:DeleteBucket`` is denied everywhere.
    """
    grant = ThirdPartyGrant(
        role_name=name, trusted_account=VENDOR, external_id=EXTERNAL_ID, path="/vendor/"
    )
    for i in statements:
        grant = grant.allow(
            [f"s3:Get{i}", f"s3:List{i % 3}"],
            [f"arn:aws:s3:::b{i}/k{j}" for j in range(3)],
            check_actions=False,  # made-up actions, one per statement
        )
    return grant.deny("s3:DeleteBucket", "*") if deny else grant


def large_spec(name: str, statements: range, *, deny: bool = True) -> RoleSpec:
    """The role spec of :func:`large_grant` under :data:`SMALL_QUOTAS`."""
    return large_grant(name, statements, deny=deny).role_spec(quotas=SMALL_QUOTAS)


def owned_policy_names(iam: IAMClient) -> list[str]:
    """The names of the account's own (customer-managed) policies."""
    pages = iam.get_paginator("list_policies").paginate(Scope="Local")
    return sorted(p["PolicyName"] for page in pages for p in page["Policies"])


def role_documents(iam: IAMClient, name: str) -> list[PolicyDocument]:
    """The permission documents the role holds now: inline, and attached customer-managed."""
    documents = [
        PolicyDocument.from_dict(
            iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
        )
        for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]
    ]
    for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        arn = attached["PolicyArn"]
        if ":aws:policy/" in arn:
            continue
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
        raw = document["Document"]
        documents.append(
            PolicyDocument.from_json(raw) if isinstance(raw, str) else PolicyDocument.from_dict(raw)
        )
    return documents
