"""Reading an account's quotas live (xaccess.aws.quotas)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from moto import mock_aws

from tests.provisioning_support import NO_WAIT, CallRecorder, iam_client
from xaccess import AccountQuotas, AWSError
from xaccess.aws.quotas import read_account_quotas

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_iam import IAMClient


@pytest.fixture
def iam(fake_env: None) -> Iterator[IAMClient]:
    with mock_aws():
        yield iam_client()


def test_read_takes_the_quotas_from_get_account_summary(iam: IAMClient) -> None:
    """AccountQuotas.read asks GetAccountSummary once and reads the four quotas."""
    recorder = CallRecorder().install(iam)

    quotas = AccountQuotas.read(iam)

    assert ["GetAccountSummary"] == recorder.calls
    assert AccountQuotas() == quotas  # moto reports IAM's defaults


def test_read_retries_a_throttled_call_and_wraps_a_refusal(iam: IAMClient) -> None:
    """A transient failure is retried; a refusal is an AWSError with its code."""
    recorder = CallRecorder().install(iam)
    recorder.reset(fail_at=1, code="Throttling")
    assert AccountQuotas() == read_account_quotas(iam, retry=NO_WAIT)

    recorder.reset(fail_at=1, code="AccessDenied")
    with pytest.raises(AWSError) as caught:
        read_account_quotas(iam, retry=NO_WAIT)
    assert ("AccessDenied", "GetAccountSummary") == (caught.value.code, caught.value.operation)
