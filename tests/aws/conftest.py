"""Fixtures of the AWS-layer tests: moto with the vendor's base session, and an STS recorder."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest
from moto import mock_aws

from tests.aws.sts_recorder import BASE_KEY_ID, BASE_SECRET, REGION, StsRecorder, new_session
from tests.support import fake_aws_environment

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """moto in-process, with the vendor's fake base credentials and region in the environment."""
    fake_aws_environment(
        monkeypatch,
        tmp_path,
        region=REGION,
        access_key_id=BASE_KEY_ID,
        secret_access_key=BASE_SECRET,
    )
    with mock_aws():
        yield


@pytest.fixture
def base(aws: None) -> boto3.Session:
    """The vendor's base session, recorded by :func:`sts`."""
    return new_session(region_name=REGION)


@pytest.fixture
def sts(base: boto3.Session) -> StsRecorder:
    """Records (and may answer) every STS call of the base session."""
    return StsRecorder(base)


@pytest.fixture
def chained_base(aws: None) -> boto3.Session:
    """A base session that is itself an assumed-role session (role chaining)."""
    response = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn="arn:aws:iam::111122223333:role/VendorWorker", RoleSessionName="worker"
    )
    credentials = response["Credentials"]
    return new_session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )
