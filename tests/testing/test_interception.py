"""How the strict STS hooks into moto: installed, shared, restored, thread-safe."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.iam.models import IAMBackend
from moto.sts.responses import TokenResponse

from tests.support import reset_moto_server
from tests.testing.helpers import (
    OTHER,
    VENDOR,
    Aws,
    trust_policy,
)
from xaccess.testing import strict_sts
from xaccess.testing._interception import strict_assume_role

if TYPE_CHECKING:
    import boto3


# --- interception ---------------------------------------------------------------------------


def test_interception_is_installed_and_restored() -> None:
    """Entering patches moto's AssumeRole handler (and watches IAM deletions and trust policy
    updates); leaving restores the original functions."""
    watched = ("delete_role", "delete_user", "update_assume_role_policy")
    original = TokenResponse.__dict__["assume_role"]
    originals = [IAMBackend.__dict__[name] for name in watched]
    with strict_sts() as active:
        assert active.active
        assert original is not TokenResponse.__dict__["assume_role"]
        assert all(
            before is not IAMBackend.__dict__[name]
            for before, name in zip(originals, watched, strict=True)
        )
    assert original is TokenResponse.__dict__["assume_role"]
    assert originals == [IAMBackend.__dict__[name] for name in watched]
    assert not active.active


def test_nesting_keeps_interception_until_the_last_exit(fake_env: None) -> None:
    """Nested and re-entered instances share one patch, and each records what it sees."""
    original = TokenResponse.__dict__["assume_role"]
    outer = strict_sts()
    with mock_aws(), outer, strict_sts() as inner:
        with outer:
            pass
        assert original is not TokenResponse.__dict__["assume_role"]
        with pytest.raises(ClientError):
            Aws(None).assume()
        assert (1, 1) == (len(outer.attempts), len(inner.attempts))
    assert original is TokenResponse.__dict__["assume_role"]


def test_leaving_without_entering_is_an_error() -> None:
    """Leaving an instance that is not active raises, and leaves nothing half-done."""
    inactive = strict_sts()
    with pytest.raises(RuntimeError, match="not active"):
        inactive.__exit__(None, None, None)
    assert "<StrictSTS active=False attempts=0>" == repr(inactive)


def test_interception_is_restored_after_an_exception() -> None:
    """An exception inside the block still restores moto."""
    original = TokenResponse.__dict__["assume_role"]
    with pytest.raises(RuntimeError, match="boom"), strict_sts():
        raise RuntimeError("boom")
    assert original is TokenResponse.__dict__["assume_role"]


def test_a_patch_over_ours_is_left_to_its_owner(fake_env: None) -> None:
    """If another patch replaces ours, ours passes through until it is restored for good."""
    original = TokenResponse.__dict__["assume_role"]
    other = pytest.MonkeyPatch()
    with mock_aws():
        with strict_sts():
            other.setattr(TokenResponse, "assume_role", original)
        assert original is TokenResponse.__dict__["assume_role"]
        other.undo()
        # The other patch brought ours back with nothing active: it passes requests through.
        assert strict_assume_role is TokenResponse.__dict__["assume_role"]
        response = Aws(None).assume(role_arn=f"arn:aws:iam::{OTHER}:role/Missing")
        assert "Credentials" in response
        with strict_sts() as again, pytest.raises(ClientError):
            Aws(None).assume(role_arn=f"arn:aws:iam::{OTHER}:role/Missing")
        assert 1 == len(again.attempts)
    assert original is TokenResponse.__dict__["assume_role"]


def test_concurrent_requests_over_the_server(fake_env: None, moto_server: str) -> None:
    """Parallel AssumeRole requests to a threaded server are each decided and logged once."""
    reset_moto_server(moto_server)
    aws = Aws(moto_server)
    aws.create_role(trust_policy(external_id=None))
    sessions = [aws.act_as(f"arn:aws:iam::{VENDOR}:role/W{index}") for index in range(4)]
    sessions += [aws.act_as(f"arn:aws:iam::{OTHER}:role/W{index}") for index in range(4)]
    outcomes: list[str] = []
    lock = threading.Lock()

    def call(session: boto3.Session) -> None:
        for _ in range(3):
            try:
                aws.assume(session)
                result = "allowed"
            except ClientError as error:
                result = error.response["Error"]["Code"]
            with lock:
                outcomes.append(result)

    with strict_sts() as active:
        threads = [threading.Thread(target=call, args=(session,)) for session in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert ["AccessDenied"] * 12 + ["allowed"] * 12 == sorted(outcomes)
    assert 24 == len(active.attempts)
    reset_moto_server(moto_server)
