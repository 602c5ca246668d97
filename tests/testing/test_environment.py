"""fake_aws_environment: fake credentials for a block, and the real environment back after it."""

from __future__ import annotations

import os

import pytest

from xaccess.errors import ValidationError
from xaccess.testing import fake_aws_environment


def test_the_block_sees_only_fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside, AWS_* variables are the fake ones; after, the earlier ones are back."""
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    with fake_aws_environment(region="eu-west-1"):
        inside = {key: value for key, value in os.environ.items() if key.startswith("AWS_")}
        assert not os.path.exists(os.environ["AWS_CONFIG_FILE"])
        assert not os.path.exists(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    assert ("production", "AKIAREALKEY") == (
        os.environ["AWS_PROFILE"],
        os.environ["AWS_ACCESS_KEY_ID"],
    )
    assert {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    } == {key: inside[key] for key in inside if not key.endswith("_FILE")}


def test_a_region_that_is_not_a_string_is_refused() -> None:
    """The region must be a str: anything else is a ValidationError naming the field."""
    with pytest.raises(ValidationError, match="region"), fake_aws_environment(region=1):  # type: ignore[arg-type]
        pass
