"""A fake AWS environment: nothing a test does can reach a real account."""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import TYPE_CHECKING

from xaccess._validate import check_str
from xaccess.testing._sessions import FAKE_SECRET

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextlib.contextmanager
def fake_aws_environment(*, region: str = "us-east-1") -> Iterator[None]:
    """Run the ``with`` block with fake AWS credentials, so nothing in it can reach AWS.

    Every ``AWS_*`` variable is removed for the block (profiles, endpoints, role settings,
    real keys); the credentials become ``testing``/``testing``, the region ``region``, the
    shared config and credentials files point at paths that do not exist, and instance
    metadata is switched off. The previous ``AWS_*`` variables come back when the block ends.
    The ``strict_sts`` fixture runs inside it. It changes ``os.environ``, so it is meant for
    tests that do not run other threads reading the environment meanwhile.

    Args:
        region: The default region (``AWS_DEFAULT_REGION``).

    Raises:
        ValidationError: If ``region`` is not a string.

    Example:
        >>> with fake_aws_environment(region="eu-west-1"):  # doctest: +SKIP
        ...     boto3.client("sts")  # no real credentials can be found here

    .. versionadded:: 0.1.0
    """
    region = check_str(region, "region")
    saved = {key: value for key, value in os.environ.items() if key.startswith("AWS_")}
    with tempfile.TemporaryDirectory(prefix="xaccess-testing-") as directory:
        absent = os.path.join(directory, "absent")  # never created
        for key in saved:
            del os.environ[key]
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": FAKE_SECRET,
                "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
                "AWS_DEFAULT_REGION": region,
                "AWS_CONFIG_FILE": os.path.join(absent, "config"),
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(absent, "credentials"),
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )
        try:
            yield
        finally:
            for key in [key for key in os.environ if key.startswith("AWS_")]:
                del os.environ[key]
            os.environ.update(saved)
