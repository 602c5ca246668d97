"""Tests for xaccess.aws.assume: AssumeRoleClient's credentials, sessions, refresh, forks, logs.

Against moto in-process (and once over HTTP); see :mod:`tests.aws.sts_recorder`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import signal
import threading
import warnings
from typing import TYPE_CHECKING, Any

import botocore.credentials
import botocore.loaders
import botocore.session
import moto.sts.models
import pytest
from botocore.exceptions import ClientError

from tests.aws.sts_recorder import (  # noqa: F401 - fixtures
    BASE_KEY_ID,
    BASE_SECRET,
    EXTERNAL_ID,
    REGION,
    ROLE,
    ROLE_ACCOUNT,
    SESSION_NAME,
    SESSION_POLICY,
    Answer,
    StsRecorder,
    assert_no_secret,
    deny,
    make,
    new_session,
    requires_external_id,
)
from xaccess.aws.assume import (
    AssumeRoleClient,
)
from xaccess.aws.credentials import ClientCredentials
from xaccess.errors import (
    AWSError,
    ConfusedDeputyRisk,
    ValidationError,
    XAccessError,
)
from xaccess.identifiers import Tag
from xaccess.policy import PolicyDocument

if TYPE_CHECKING:
    from pathlib import Path

    import boto3

    from tests.support import FakeClock


def test_credentials_are_assumed_once_and_cached(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """credentials() assumes the role with the external ID once, then serves the cache."""
    client = make(base, clock)

    first = client.credentials()
    clock.advance(60)
    second = client.credentials()

    assert first is second
    assert 1 == sts.count()
    body = sts.bodies()[0]
    assert (ROLE, SESSION_NAME, EXTERNAL_ID, 3600) == (
        body["RoleArn"],
        body["RoleSessionName"],
        body["ExternalId"],
        body["DurationSeconds"],
    )
    assert first.access_key_id.startswith("ASIA")
    assert f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/AcmeAudit/{SESSION_NAME}" == (
        first.assumed_role_arn
    )
    assert first.assumed_role_id.endswith(f":{SESSION_NAME}")
    assert ROLE_ACCOUNT == first.account_id
    assert dt.UTC == first.expiration.tzinfo


def test_temporary_credentials_never_show_the_secret_or_token(
    base: boto3.Session, clock: FakeClock
) -> None:
    """repr and str show the access key ID and expiry, never the secret or the token."""
    credentials = make(base, clock).credentials()

    for text in (repr(credentials), str(credentials), f"{credentials!r:>10}"):
        assert credentials.access_key_id in text
        assert credentials.secret_access_key not in text
        assert credentials.session_token not in text
    assert {
        "aws_access_key_id": credentials.access_key_id,
        "aws_secret_access_key": credentials.secret_access_key,
        "aws_session_token": credentials.session_token,
    } == credentials.to_boto3_kwargs()


def test_every_configured_parameter_is_sent(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Tags, transitive keys, source identity, session policy and policy ARNs reach STS."""
    client = make(
        base,
        clock,
        duration_seconds=dt.timedelta(minutes=15),
        source_identity="alice",
        tags=[Tag("customer", "acme"), Tag("tier", "gold")],
        transitive_tag_keys=("customer",),
        policy=PolicyDocument.from_dict(SESSION_POLICY).to_json(indent=2),
        policy_arns=["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    )

    client.credentials()

    body = sts.bodies()[0]
    assert 900 == body["DurationSeconds"]
    assert "alice" == body["SourceIdentity"]
    assert ("customer", "acme", "tier", "gold") == (
        body["Tags.member.1.Key"],
        body["Tags.member.1.Value"],
        body["Tags.member.2.Key"],
        body["Tags.member.2.Value"],
    )
    assert "customer" == body["TransitiveTagKeys.member.1"]
    assert PolicyDocument.from_dict(SESSION_POLICY).to_json() == body["Policy"]
    assert "arn:aws:iam::aws:policy/ReadOnlyAccess" == body["PolicyArns.member.1.arn"]


def test_external_id_none_sends_no_external_id(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """external_id=None, written out, assumes the role without an ExternalId."""
    make(base, clock, external_id=None).credentials()

    assert "ExternalId" not in sts.bodies()[0]


def test_32_threads_on_a_cold_client_make_one_assume_role(
    base: boto3.Session, sts: StsRecorder
) -> None:
    """However many threads ask at once, one AssumeRole is in flight and all share it."""
    sts.delay = 0.2
    client = AssumeRoleClient(
        role_arn=ROLE, external_id=EXTERNAL_ID, session_name=SESSION_NAME, base_session=base
    )
    barrier = threading.Barrier(32)
    results: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        barrier.wait()
        key = client.credentials().access_key_id
        with lock:
            results.append(key)

    threads = [threading.Thread(target=work) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert 1 == sts.count()
    assert 32 == len(results)
    assert 1 == len(set(results))


def test_900_second_credentials_serve_100_calls_over_10_minutes_with_one_assume_role(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """With 900 s credentials, a session's 100 calls over 10 minutes need one AssumeRole."""
    client = make(base, clock, duration_seconds=900)
    service = client.session().client("sts")

    arns = set()
    for _ in range(100):
        arns.add(service.get_caller_identity()["Arn"])
        clock.advance(5.99)

    assert 1 == sts.count()
    assert {f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/AcmeAudit/{SESSION_NAME}"} == arns

    clock.advance(600 - 599)  # 10 minutes after the first call: the 5-minute window opens
    service.get_caller_identity()
    assert 2 == sts.count()


def test_botocore_refreshable_assume_role_credentials_call_sts_on_every_request(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contrast: botocore's own assume-role credentials with 900 s refresh every call."""
    # botocore compares moto's Expiration with its own clock, so both run on the fake clock.
    monkeypatch.setattr(botocore.credentials, "_local_now", clock)
    monkeypatch.setattr(moto.sts.models, "utcnow", lambda: clock().replace(tzinfo=None))
    core = base._session
    fetcher = botocore.credentials.AssumeRoleCredentialFetcher(
        client_creator=core.create_client,
        source_credentials=core.get_credentials(),
        role_arn=ROLE,
        extra_args={
            "RoleSessionName": SESSION_NAME,
            "ExternalId": EXTERNAL_ID,
            "DurationSeconds": 900,
        },
    )
    credentials = botocore.credentials.DeferredRefreshableCredentials(
        refresh_using=fetcher.fetch_credentials, method="assume-role", time_fetcher=clock
    )
    for _ in range(10):
        credentials.get_frozen_credentials()
        clock.advance(6)

    assert 10 == sts.count()


def test_session_credentials_are_refreshable_and_come_from_the_client(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """session().get_credentials() is botocore-refreshable and reads the client's cache."""
    client = make(base, clock, duration_seconds=900)
    credentials = client.session().get_credentials()
    assert isinstance(credentials, botocore.credentials.RefreshableCredentials)
    assert isinstance(credentials, ClientCredentials)

    assert ROLE_ACCOUNT == credentials.account_id
    assert credentials.refresh_needed()
    assert 0 == sts.count()

    frozen = credentials.get_frozen_credentials()
    current = client.credentials()
    assert (
        current.access_key_id,
        current.secret_access_key,
        current.session_token,
        ROLE_ACCOUNT,
    ) == tuple(frozen)
    assert (current.access_key_id, current.secret_access_key, current.session_token) == (
        credentials.access_key,
        credentials.secret_key,
        credentials.token,
    )
    assert not credentials.refresh_needed()
    assert not credentials.refresh_needed(600)
    assert credentials.refresh_needed(901)
    assert 900 == pytest.approx(credentials._seconds_remaining())
    credentials._refresh()
    credentials._protected_refresh(is_mandatory=True)
    assert 1 == sts.count()
    assert current.secret_access_key not in repr(credentials)
    for name in ("access_key", "secret_key", "token", "account_id"):
        with pytest.raises(AttributeError):
            setattr(credentials, name, "x")


def test_all_sessions_of_a_client_share_its_credentials(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Many sessions and clients from one AssumeRoleClient cost one AssumeRole."""
    client = make(base, clock)

    for region in ("eu-west-1", "us-east-1", None):
        client.session(region_name=region).client("sts").get_caller_identity()
    client.client("s3", region_name="us-west-2").list_buckets()

    assert 1 == sts.count()


def test_session_is_cached_per_region_and_thread(base: boto3.Session, clock: FakeClock) -> None:
    """session() returns one session per region in a thread; other threads get their own."""
    client = make(base, clock)
    first = client.session()
    others: list[boto3.Session] = []
    thread = threading.Thread(target=lambda: others.append(client.session()))
    thread.start()
    thread.join(10)

    assert first is client.session()
    assert first is client.session(region_name=REGION)
    assert first is not client.session(region_name="us-east-1")
    assert client.session(region_name="us-east-1") is client.session(region_name="us-east-1")
    assert [first] != others
    assert REGION == others[0].region_name


def test_session_new_makes_an_uncached_session(base: boto3.Session, clock: FakeClock) -> None:
    """session(new=True) always makes a new session and leaves the cached one in place."""
    client = make(base, clock)
    cached = client.session()
    fresh = client.session(new=True)

    assert fresh is not cached
    assert fresh is not client.session(new=True)
    assert cached is client.session()
    with pytest.raises(ValidationError, match="new"):
        client.session(new=1)  # type: ignore[arg-type]


def test_a_cached_session_keeps_refreshing_itself(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """The cached session signs with fresh credentials after the first ones expired."""
    client = make(base, clock, duration_seconds=900)
    client.session().client("sts").get_caller_identity()
    first = client.credentials()
    clock.advance(901)

    client.session().client("sts").get_caller_identity()

    assert 2 == sts.count()
    assert first.access_key_id != client.credentials().access_key_id
    signing = client.session().get_credentials()
    assert signing is not None
    assert client.credentials().access_key_id == signing.get_frozen_credentials().access_key


def test_session_region_defaults_to_the_client_region(
    base: boto3.Session, clock: FakeClock
) -> None:
    """session() uses the client's region unless told otherwise, in the role's partition."""
    client = make(base, clock, region_name="eu-central-1")

    assert "eu-central-1" == client.session().region_name
    assert "us-east-1" == client.session(region_name="us-east-1").region_name
    assert "ap-south-1" == client.client("sts", region_name="ap-south-1").meta.region_name
    with pytest.raises(ValidationError) as raised:
        client.session(region_name="cn-north-1")
    assert "region_name" == raised.value.field


def test_session_keeps_a_named_profile_of_the_base_session(
    aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    """A base session made with a profile passes the profile's settings on to session()."""
    config = tmp_path / "config"
    config.write_text("[profile vendor]\nregion = ap-southeast-2\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    client = make(new_session(profile_name="vendor"), clock)

    session = client.session()

    assert "ap-southeast-2" == session.region_name
    assert "vendor" == session.profile_name


def test_refresh_failure_keeps_valid_credentials_then_raises_once_expired(
    base: boto3.Session,
    sts: StsRecorder,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing refresh serves the still-valid credentials, backs off, and raises at expiry."""
    client = make(base, clock, duration_seconds=900)
    first = client.credentials()

    def fail_after_first(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "AssumeRole" and sts.count() >= 2:
            return 503, "ServiceUnavailable", "try later"
        return None

    sts.answer = fail_after_first
    clock.advance(650)  # in the 5-minute advisory window
    with caplog.at_level(logging.WARNING, logger="xaccess"):
        assert first is client.credentials()
    assert 2 == sts.count()
    assert "ServiceUnavailable" in caplog.text
    assert "stay valid for 250 s" in caplog.text

    assert first is client.credentials()  # backing off: no call on every request
    assert 2 == sts.count()

    clock.advance(61)  # past the longest first backoff (at most 1 s) and into the last minute
    assert first is client.credentials()
    assert 3 == sts.count()

    clock.advance(300)  # expired
    with pytest.raises(AWSError) as raised:
        client.credentials()
    assert "ServiceUnavailable" == raised.value.code
    assert isinstance(raised.value.__cause__, ClientError)

    sts.answer = None
    fresh = client.credentials()
    assert first.access_key_id != fresh.access_key_id


def test_backoff_grows_between_failed_refreshes(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Repeated refresh failures wait longer each time, never retrying on every call."""
    client = make(base, clock, duration_seconds=43200)
    client.credentials()
    sts.answer = deny("Throttling", 400, "Rate exceeded")
    clock.advance(43200 - 3000)  # 50 minutes left, inside the 60-minute advisory window

    attempts_at: list[float] = []
    for second in range(600):
        before = sts.count()
        client.credentials()
        if sts.count() > before:
            attempts_at.append(second)
        clock.advance(1)

    gaps = [b - a for a, b in itertools.pairwise(attempts_at)]
    assert len(attempts_at) < 25  # instead of 600 calls
    assert gaps[0] <= 2  # the first retry comes after 0.5-1 s
    assert all(gap >= 30 for gap in gaps[-3:])  # later ones 30-60 s apart
    assert max(gaps) <= 61


def test_credentials_refresh_in_the_advisory_window(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """3600 s credentials are refreshed from 15 minutes before expiry, not before."""
    client = make(base, clock)
    first = client.credentials()

    clock.advance(2699)
    assert first is client.credentials()
    clock.advance(1)
    second = client.credentials()

    assert first.access_key_id != second.access_key_id
    assert 2 == sts.count()


def test_no_secret_or_token_in_any_log_record_repr_str_or_error(
    base: boto3.Session,
    sts: StsRecorder,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """At DEBUG, across assume, use, refresh, failures and verify, no secret is ever output."""
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        client = make(base, clock, duration_seconds=900, tags={"customer": "acme"})
        credentials = client.credentials()
        texts += [repr(credentials), str(credentials), repr(client)]
        session = client.session()
        session.client("sts").get_caller_identity()
        session.client("s3").list_buckets()
        frozen = session.get_credentials()
        texts.append(repr(frozen))
        clock.advance(650)
        sts.answer = deny("ServiceUnavailable", 503, "try later")
        client.credentials()
        clock.advance(300)
        for call in (client.credentials, client.verify):
            try:
                call()
            except XAccessError as error:
                texts += [str(error), repr(error), str(error.__cause__)]
        sts.answer = None
        report = client.verify()  # plain moto: the probes get credentials, which are dropped
        texts += [str(report), repr(report)]
        with pytest.raises(ConfusedDeputyRisk) as raised:
            report.raise_for_status()
        texts.append(str(raised.value))

    texts += [record.getMessage() for record in caplog.records]
    texts += [caplog.text]
    assert any(record.name.startswith("botocore") for record in caplog.records)
    assert len(sts.issued) >= 8  # 2 + verify's step 1 and two probes, secret and token each
    assert_no_secret(texts, [*sts.issued, BASE_SECRET])


def test_over_http_with_a_threaded_moto_server(
    moto_endpoint: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Against a moto server on 127.0.0.1, credentials, sessions and logs behave the same."""
    base = new_session(region_name=REGION)
    recorder = StsRecorder(base)
    client = make(base, clock, duration_seconds=900, sts_endpoint_url=moto_endpoint)

    with caplog.at_level(logging.DEBUG):
        arns = {
            client.client("sts", endpoint_url=moto_endpoint).get_caller_identity()["Arn"]
            for _ in range(5)
        }
        client.credentials()

    assert {f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/AcmeAudit/{SESSION_NAME}"} == arns
    assert 1 == recorder.count()
    assert recorder.calls[0].url.startswith(moto_endpoint)
    assert_no_secret([r.getMessage() for r in caplog.records], recorder.issued)


def test_base_credentials_that_call_back_into_the_client_raise_instead_of_hanging(
    base: boto3.Session, clock: FakeClock
) -> None:
    """A base credential provider that needs this client's own credentials is an error."""
    clients: list[AssumeRoleClient] = []

    def refresh() -> dict[str, str]:
        clients[0].credentials()  # never returns: the cycle is refused
        raise AssertionError

    expired = botocore.credentials.RefreshableCredentials.create_from_metadata(
        {
            "access_key": BASE_KEY_ID,
            "secret_key": BASE_SECRET,
            "token": "",
            "expiry_time": "2000-01-01T00:00:00Z",
        },
        refresh,
        "callback",
    )
    base._session._credentials = expired  # type: ignore[attr-defined]
    clients.append(make(base, clock))
    results: list[object] = []

    def run() -> None:
        try:
            results.append(clients[0].credentials())
        except XAccessError as error:
            results.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(30)

    assert not thread.is_alive(), "credentials() deadlocked"
    assert 1 == len(results)
    assert isinstance(results[0], XAccessError)
    assert "own credentials" in str(results[0])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("operation", ["GetCallerIdentity", "AssumeRole"])
def test_a_child_forked_while_a_thread_calls_sts_gets_its_own_credentials(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock, operation: str
) -> None:
    """A fork while another thread waits on STS (chaining check or AssumeRole) never blocks."""
    client = make(base, clock, duration_seconds=7200)
    parent = os.getpid()
    inside, release = threading.Event(), threading.Event()

    def hold_in_parent(name: str, body: dict[str, Any]) -> None:
        if name == operation and os.getpid() == parent:
            inside.set()
            release.wait(30)

    sts.answer = hold_in_parent
    thread = threading.Thread(target=client.credentials, daemon=True)
    thread.start()
    assert inside.wait(10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which coverage does not follow
            # The forking thread itself asks: a new thread might reuse the held thread's ident.
            signal.alarm(10)  # a deadlocked child is killed
            client.credentials()
            os._exit(0)
        _, status = os.waitpid(pid, 0)
    finally:
        release.set()
        thread.join(10)

    assert 0 == os.waitstatus_to_exitcode(status)


def test_the_xaccess_aws_logger_captures_the_vendor_side(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Loggers follow module paths, so the "xaccess.aws" logger sees assume, cache and verify."""
    client = make(base, clock, duration_seconds=900)
    with caplog.at_level(logging.DEBUG, logger="xaccess.aws"):
        client.credentials()
        clock.advance(700)  # in the advisory window
        sts.answer = deny("ServiceUnavailable", 503, "try later")
        client.credentials()
        sts.answer = None
        client.verify()

    names = {record.name for record in caplog.records if record.name.startswith("xaccess")}
    assert {"xaccess.aws.assume", "xaccess.aws.credentials", "xaccess.aws.verify"} <= names
