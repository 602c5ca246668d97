"""Tests for how AssumeRoleClient meets STS refusals: typed errors, chaining, propagation."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
import warnings
from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import ClientError, EndpointConnectionError

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
    RoleChainingWarning,
)
from xaccess.errors import (
    AssumeRoleDenied,
    AWSError,
    PackedPolicyTooLarge,
    RegionDisabled,
    SessionDurationTooLong,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    import boto3

    from tests.support import FakeClock


def test_access_denied_becomes_assume_role_denied_with_likely_causes(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """AccessDenied names the role, the caller and the likely causes, most likely first."""
    sts.answer = deny()
    client = make(base, clock)

    with pytest.raises(AssumeRoleDenied) as raised:
        client.credentials()

    error = raised.value
    caller = base.client("sts").get_caller_identity()["Arn"]  # moto: arn:aws:sts::...:user/moto
    assert (ROLE, "AccessDenied", "AssumeRole") == (error.role_arn, error.code, error.operation)
    assert caller == error.caller_arn
    assert isinstance(error.__cause__, ClientError)
    assert not isinstance(error, ClientError)
    causes = error.likely_causes
    assert 4 == len(causes)
    assert "external ID is wrong" in causes[0]
    assert f"trust policy does not name the caller {caller} (" in causes[1]
    assert "does not exist" in causes[2]
    assert "propagated" in causes[3]
    text = str(error)
    assert text.startswith(f"STS denied {caller} sts:AssumeRole on {ROLE}: User: ")
    assert "  1. the external ID is wrong" in text
    assert EXTERNAL_ID not in text


def test_access_denied_without_external_id_says_none_was_sent(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Without an external ID, the first likely cause is that the trust policy needs one."""
    sts.answer = deny()

    with pytest.raises(AssumeRoleDenied) as raised:
        make(base, clock, external_id=None).credentials()

    assert raised.value.likely_causes[0].startswith("no external ID was sent")


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        ("sts:TagSession", {"tags": {"customer": "acme"}}),
        ("sts:SetSourceIdentity", {"source_identity": "alice"}),
    ],
)
def test_denied_tag_session_or_source_identity_is_named_first(
    base: boto3.Session,
    sts: StsRecorder,
    clock: FakeClock,
    action: str,
    kwargs: dict[str, Any],
) -> None:
    """A denial naming sts:TagSession or sts:SetSourceIdentity puts that cause first."""
    sts.answer = deny(message=f"User: x is not authorized to perform: {action} on resource: {ROLE}")

    with pytest.raises(AssumeRoleDenied) as raised:
        make(base, clock, **kwargs).credentials()

    assert action in raised.value.likely_causes[0]


@pytest.mark.parametrize(
    ("code", "status", "message", "error_type"),
    [
        (
            "ValidationError",
            400,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            SessionDurationTooLong,
        ),
        (
            "PackedPolicyTooLarge",
            400,
            "Packed size of consumed policies exceeds 100% of limit",
            PackedPolicyTooLarge,
        ),
        (
            "RegionDisabledException",
            403,
            "STS is not activated in this region for account:444455556666.",
            RegionDisabled,
        ),
        ("ValidationError", 400, "1 validation error detected", AWSError),
        ("ExpiredToken", 400, "The security token included in the request is expired", AWSError),
    ],
)
def test_sts_errors_become_typed_errors(
    base: boto3.Session,
    sts: StsRecorder,
    clock: FakeClock,
    code: str,
    status: int,
    message: str,
    error_type: type[AWSError],
) -> None:
    """Each STS error code maps to its error class, with the code, operation and cause."""
    sts.answer = deny(code, status, message)

    with pytest.raises(AWSError) as raised:
        make(base, clock).credentials()

    error = raised.value
    assert error_type is type(error)
    assert (code, "AssumeRole") == (error.code, error.operation)
    assert message in str(error)
    assert ROLE in str(error)
    assert isinstance(error.__cause__, ClientError)


def test_connection_errors_become_aws_errors(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A botocore error that is not a response (no connection) is wrapped too."""

    def unreachable(operation: str, body: dict[str, Any]) -> None:
        raise EndpointConnectionError(endpoint_url="https://sts.eu-west-1.amazonaws.com/")

    sts.answer = unreachable

    with pytest.raises(AWSError) as raised:
        make(base, clock).credentials()

    assert ("EndpointConnectionError", "AssumeRole") == (raised.value.code, raised.value.operation)
    assert isinstance(raised.value.__cause__, EndpointConnectionError)


def test_caller_is_unknown_when_get_caller_identity_fails(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """If GetCallerIdentity fails too, the denial still comes, without a caller ARN."""

    def deny_all(operation: str, body: dict[str, Any]) -> tuple[int, str, str]:
        return 403, "AccessDenied", "denied"

    sts.answer = deny_all

    with pytest.raises(AssumeRoleDenied) as raised:
        make(base, clock).credentials()

    assert raised.value.caller_arn is None
    assert str(raised.value).startswith("STS denied this caller")


def test_access_denied_without_a_message(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A denial with an empty message still lists the likely causes."""

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        return (403, "AccessDenied", "") if operation == "AssumeRole" else None

    sts.answer = answer

    with pytest.raises(AssumeRoleDenied) as raised:
        make(base, clock).credentials()

    assert str(raised.value).splitlines()[1] == "Likely causes, most likely first:"


class _RawBody:
    """The raw HTTP body of an :class:`AWSResponse` made up in a test."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def test_no_secret_in_the_error_or_logs_when_a_response_cannot_be_parsed(
    base: boto3.Session, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A cut-off AssumeRole response: its secret and token are in no error text or log record."""
    secret, token = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYTRUNCATED", "IQoJb3JpZ2luX2VjTRUNCATED+/="
    body = (
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
        f"<Credentials><AccessKeyId>ASIATRUNCATED</AccessKeyId><SecretAccessKey>{secret}"
        f"</SecretAccessKey><SessionToken>{token}"
    ).encode()

    def cut_off(request: Any, **_: Any) -> Any:
        return AWSResponse(request.url, 200, HTTPHeaders(), _RawBody(body))

    base.events.register("before-send.sts.AssumeRole", cut_off)
    with caplog.at_level(logging.DEBUG), pytest.raises(AWSError) as raised:
        make(base, clock).credentials()

    assert "ResponseParserError" == raised.value.code
    texts = [
        "".join(traceback.format_exception(raised.value)),
        repr(raised.value.__cause__),
        caplog.text,
        *(record.getMessage() for record in caplog.records),
    ]
    assert_no_secret(texts, [secret, token])


def _cut_off_credentials(base: boto3.Session) -> tuple[str, str]:
    """Answer every AssumeRole with a response cut off inside the session token."""
    secret, token = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYLOCALS", "IQoJb3JpZ2luX2VjLOCALS+/="
    body = (
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
        f"<Credentials><AccessKeyId>ASIATRUNCATED</AccessKeyId><SecretAccessKey>{secret}"
        f"</SecretAccessKey><SessionToken>{token}"
    ).encode()

    def cut_off(request: Any, **_: Any) -> Any:
        return AWSResponse(request.url, 200, HTTPHeaders(), _RawBody(body))

    base.events.register("before-send.sts.AssumeRole", cut_off)
    return secret, token


def test_an_unparsable_answer_leaves_no_secret_in_a_traceback_with_locals(
    base: boto3.Session, clock: FakeClock
) -> None:
    """The raw body stays out of every frame a traceback with locals renders (Sentry, rich)."""
    secrets = _cut_off_credentials(base)
    with pytest.raises(AWSError) as raised:
        make(base, clock).credentials()
    error = raised.value

    assert error.__traceback__ is not None
    below_the_test = error.__traceback__.tb_next  # this frame's locals hold the secrets
    rendered = "".join(
        traceback.TracebackException(
            type(error), error, below_the_test, capture_locals=True
        ).format()
    )

    assert_no_secret([rendered], list(secrets))
    assert error.__cause__ is None
    assert error.__context__ is None
    assert "ResponseParserError" == error.code
    assert "botocore.parsers.ResponseParserError" in str(error)


def test_role_chaining_caps_the_duration_at_an_hour_with_a_warning(
    chained_base: boto3.Session, clock: FakeClock
) -> None:
    """From an assumed-role base session, 7200 s is lowered to 3600 s with a warning."""
    recorder = StsRecorder(chained_base)
    client = make(chained_base, clock, duration_seconds=7200)

    with pytest.warns(RoleChainingWarning, match="at most 3600 s when role chaining"):
        client.credentials()

    assert 3600 == recorder.bodies()[0]["DurationSeconds"]
    clock.advance(3000)  # past the refresh point of a one-hour credential
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.credentials()
    assert 2 == recorder.count()
    assert 1 == recorder.count("GetCallerIdentity")


def test_role_chaining_with_strict_raises_before_assuming(
    chained_base: boto3.Session, clock: FakeClock
) -> None:
    """With strict=True, role chaining above an hour raises SessionDurationTooLong."""
    recorder = StsRecorder(chained_base)
    client = make(chained_base, clock, duration_seconds=7200, strict=True)

    with pytest.raises(SessionDurationTooLong) as raised:
        client.credentials()

    assert ("ValidationError", "AssumeRole") == (raised.value.code, raised.value.operation)
    assert "role chaining" in str(raised.value)
    assert 0 == recorder.count()


def test_long_durations_from_a_user_are_not_capped(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A base session that is not an assumed role may ask for more than an hour."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make(base, clock, duration_seconds=43200).credentials()

    assert 43200 == sts.bodies()[0]["DurationSeconds"]


def test_durations_up_to_an_hour_need_no_identity_lookup(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """Up to 3600 s the chaining cap cannot apply, so GetCallerIdentity is not called."""
    make(base, clock, duration_seconds=3600).credentials()

    assert 0 == sts.count("GetCallerIdentity")


def test_role_chaining_is_detected_after_a_failed_identity_lookup(
    chained_base: boto3.Session, clock: FakeClock
) -> None:
    """A GetCallerIdentity that failed once does not turn off the one-hour cap for good."""
    recorder = StsRecorder(chained_base)

    def sts_like(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "GetCallerIdentity" and recorder.count("GetCallerIdentity") == 1:
            return 503, "ServiceUnavailable", "try later"
        if operation == "AssumeRole" and body["DurationSeconds"] > 3600:
            return 400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour limit"
        return None

    recorder.answer = sts_like
    client = make(chained_base, clock, duration_seconds=7200)

    with pytest.raises(SessionDurationTooLong):
        client.credentials()
    with pytest.warns(RoleChainingWarning):
        client.credentials()

    assert [7200, 3600] == [body["DurationSeconds"] for body in recorder.bodies()]


def deny_first(count: int, sts: StsRecorder) -> Answer:
    """An answer refusing the first ``count`` AssumeRole calls, as a new role does."""

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        if operation == "AssumeRole" and sts.count() <= count:
            return 403, "AccessDenied", "not authorized to perform: sts:AssumeRole"
        return None

    return answer


def test_wait_until_assumable_retries_access_denied(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """wait_until_assumable retries AccessDenied every interval and caches the result."""
    sts.answer = deny_first(3, sts)
    client = make(base, clock)

    credentials = client.wait_until_assumable(60, interval=dt.timedelta(seconds=5))

    assert [5.0, 5.0, 5.0] == clock.slept
    assert 4 == sts.count()
    assert credentials is client.credentials()
    assert 4 == sts.count()


def test_wait_until_assumable_gives_up_after_the_timeout(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """When the role never becomes assumable, the last denial is raised with a note."""
    sts.answer = deny()
    client = make(base, clock)

    with pytest.raises(AssumeRoleDenied) as raised:
        client.wait_until_assumable(dt.timedelta(seconds=10), interval=4)

    assert [4.0, 4.0, 2.0] == clock.slept
    assert 4 == sts.count()
    assert ["still denied after 4 attempt(s) over 10 s (wait_until_assumable timeout 10 s)"] == (
        raised.value.__notes__
    )


def test_wait_until_assumable_raises_other_errors_at_once(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """An error other than AccessDenied is not waited out."""
    sts.answer = deny("ValidationError", 400, "DurationSeconds exceeds the MaxSessionDuration")

    with pytest.raises(SessionDurationTooLong):
        make(base, clock).wait_until_assumable(60)

    assert 1 == sts.count()
    assert [] == clock.slept


def test_propagation_grace_retries_access_denied_until_assumed(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """With propagation_grace, a just-created role's AccessDenied is retried with backoff."""
    sts.answer = deny_first(3, sts)
    client = make(base, clock, propagation_grace=60)

    credentials = client.credentials()

    assert 4 == sts.count()
    assert 3 == len(clock.slept)
    assert all(0 < delay <= 60 for delay in clock.slept)
    assert credentials.access_key_id.startswith("ASIA")


def test_without_propagation_grace_access_denied_is_raised_at_once(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """By default AccessDenied is never retried."""
    sts.answer = deny_first(3, sts)

    with pytest.raises(AssumeRoleDenied):
        make(base, clock).credentials()

    assert 1 == sts.count()
    assert [] == clock.slept


def test_propagation_grace_ends(base: boto3.Session, sts: StsRecorder, clock: FakeClock) -> None:
    """After the grace period the denial is raised; the waits never exceed the grace."""
    sts.answer = deny()

    with pytest.raises(AssumeRoleDenied):
        make(base, clock, propagation_grace=dt.timedelta(seconds=20)).credentials()

    assert 20 == pytest.approx(sum(clock.slept))
    assert sts.count() >= 3


def test_propagation_grace_ends_once_the_role_was_assumed(
    base: boto3.Session, sts: StsRecorder, clock: FakeClock
) -> None:
    """A denial after the role was assumed once is not propagation and is not retried."""
    client = make(base, clock, duration_seconds=900, propagation_grace=3600)
    client.credentials()
    sts.answer = deny()
    clock.advance(900)

    with pytest.raises(AssumeRoleDenied):
        client.credentials()

    assert [] == clock.slept
