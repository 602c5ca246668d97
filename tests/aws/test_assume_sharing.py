"""AssumeRoleClient shared and shipped: a shared STS client, pickling, cheap sessions."""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING, Any

import pytest

from tests.aws.sts_recorder import EXTERNAL_ID, REGION, ROLE, SESSION_NAME, make
from xaccess.aws._sessions import shared_loader
from xaccess.aws.assume import AssumeRoleClient
from xaccess.errors import ValidationError

if TYPE_CHECKING:
    import boto3

    from tests.aws.sts_recorder import StsRecorder
    from tests.support import FakeClock


def round_trip(client: AssumeRoleClient) -> AssumeRoleClient:
    """``client`` pickled and unpickled."""
    again: AssumeRoleClient = pickle.loads(pickle.dumps(client))  # noqa: S301 - our own data
    return again


def test_clients_share_one_sts_client(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """Two customers' clients given the same STS client call STS through it, each once."""
    shared = base.client("sts", region_name=REGION)
    first = make(base, clock, sts_client=shared)
    second = make(base, clock, sts_client=shared, role_arn="arn:aws:iam::777788889999:role/Other")

    first.credentials()
    second.credentials()
    first.credentials()

    assert first._aws.sts() is shared
    assert second._aws.sts() is shared
    assert sts.count() == 2
    assert first.session().region_name == REGION  # the shared client's region is the default


@pytest.mark.parametrize(
    "arguments",
    [
        {"sts_client": "sts"},
        {"sts_endpoint_url": "http://127.0.0.1:1"},
        {"use_global_endpoint": True},
        {"region_name": "us-west-2"},
    ],
)
def test_a_shared_sts_client_excludes_other_endpoint_settings(
    base: boto3.Session, clock: FakeClock, arguments: dict[str, Any]
) -> None:
    """Not an STS client, or combined with another endpoint or region: refused."""
    given: dict[str, Any] = {"sts_client": base.client("sts", region_name=REGION)}
    given.update(arguments)
    with pytest.raises(ValidationError) as caught:
        make(base, clock, **given)
    assert caught.value.field in ("sts_client", "region_name")


def test_a_client_pickles_its_configuration_only(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """Configuration travels; credentials, locks, the base session and STS client do not."""
    client = AssumeRoleClient(
        role_arn=ROLE,
        external_id=EXTERNAL_ID,
        session_name=SESSION_NAME,
        duration_seconds=1800,
        base_session=base,
        sts_client=base.client("sts", region_name=REGION),
        tags={"vendor": "acme"},
        transitive_tag_keys=["vendor"],
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        },
        source_identity="alice",
        propagation_grace=30,
    )
    credentials = client.credentials()
    data = pickle.dumps(client)

    again = round_trip(client)

    assert credentials.secret_access_key.encode() not in data
    assert credentials.session_token.encode() not in data
    assert again._request == client._request
    assert repr(again) == repr(client)
    assert again._aws.known_region() == REGION
    assert again._grace == client._grace
    assert again.cached_credentials() is None  # it assumes the role itself when asked


def test_an_unpickled_client_assumes_the_role_from_its_own_environment(aws: None) -> None:
    """The copy has no base session: it makes boto3.Session() and assumes the role itself."""
    client = AssumeRoleClient(
        role_arn=ROLE, external_id=EXTERNAL_ID, session_name=SESSION_NAME, region_name=REGION
    )

    again = round_trip(client)

    assert again.credentials().assumed_role_arn.endswith(f":assumed-role/AcmeAudit/{SESSION_NAME}")


def test_sessions_do_not_grow_the_shared_model_search_paths(
    base: boto3.Session, clock: FakeClock
) -> None:
    """boto3 appends its data path per session; the shared loader keeps one copy of it."""
    client = make(base, clock)
    client.session(new=True)
    paths = list(shared_loader(base).search_paths)

    for _ in range(5):
        client.session(new=True).client("sts")

    assert shared_loader(base).search_paths == paths
    assert len(set(paths)) == len(paths)


def test_cached_credentials_never_call_sts(
    base: boto3.Session, clock: FakeClock, sts: StsRecorder
) -> None:
    """cached_credentials() is None before the first AssumeRole and the cached value after."""
    client = make(base, clock)
    assert client.cached_credentials() is None
    assert sts.count() == 0

    credentials = client.credentials()

    assert client.cached_credentials() is credentials
    assert sts.count() == 1
