"""The pytest plugin: the ``strict_sts`` fixture (entry point ``xaccess = "xaccess.testing"``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xaccess.testing._environment import fake_aws_environment
from xaccess.testing._moto import require_moto
from xaccess.testing._sessions import quick_session
from xaccess.testing._strict import StrictSTS, strict_sts

if TYPE_CHECKING:
    from collections.abc import Iterator


try:
    import pytest
except ModuleNotFoundError:  # pragma: no cover - pytest is only needed for the fixture
    pass
else:

    @pytest.fixture(name="strict_sts")
    def strict_sts_fixture() -> Iterator[StrictSTS]:
        """Yield an active :class:`StrictSTS` inside ``moto.mock_aws()``.

        The environment has fake credentials (``testing``), region ``us-east-1``, no shared
        config or credentials file and no instance metadata, so nothing can reach AWS.

        .. versionadded:: 0.1.0
        """
        require_moto()
        from moto import mock_aws  # noqa: PLC0415

        with fake_aws_environment(), mock_aws(), strict_sts() as active:
            import boto3  # noqa: PLC0415

            boto3.DEFAULT_SESSION = quick_session(boto3.Session)  # mock_aws() restores it
            yield active
