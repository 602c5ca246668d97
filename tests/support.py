"""Test helpers shared by the whole suite: a fake clock, a fake AWS environment, a moto server.

Fixtures built on these live in ``tests/conftest.py``; import the classes and functions from
here when a test needs them directly.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import urllib.request
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    import pytest

#: The moment every fake clock starts at, far from any real credential's expiry.
START: Final = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)

#: The variables that could point a test at a real account or a proxy; all are removed.
_REMOVED: Final = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_IAM",
    "AWS_ENDPOINT_URL_STS",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
)


class FakeClock:
    """A clock and a sleep that move only when told to; sleeping advances the clock.

    Call it for the time (an aware UTC datetime); ``sleep`` records each wait in ``slept``,
    advances the clock, then runs the next callable queued in ``on_sleep`` (if any), so a test
    can make something happen "while" the code under test waits.
    """

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start
        self.slept: list[float] = []
        self.on_sleep: list[Callable[[], object]] = []
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += dt.timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)
        if self.on_sleep:
            self.on_sleep.pop(0)()


def fake_aws_environment(
    monkeypatch: pytest.MonkeyPatch,
    home: Path,
    *,
    region: str = "us-east-1",
    access_key_id: str = "testing",
    secret_access_key: str = "testing",
) -> None:
    """Fake credentials and region, no AWS config files, no proxies, no instance metadata.

    Nothing a test does can reach a real account: the config and credentials files point into
    ``home`` (and are never created), and every variable naming a profile, an endpoint, a role
    or a proxy is removed.
    """
    for name in _REMOVED:
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "AWS_ACCESS_KEY_ID": access_key_id,
        "AWS_SECRET_ACCESS_KEY": secret_access_key,
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": str(home / "absent" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "absent" / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1",
    }.items():
        monkeypatch.setenv(name, value)


def start_moto_server() -> Iterator[str]:
    """Run moto's ThreadedMotoServer on a free port of 127.0.0.1 and yield its URL."""
    from moto.server import ThreadedMotoServer  # noqa: PLC0415 - only the HTTP tests need it

    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        werkzeug.setLevel(level)


def reset_moto_server(url: str) -> None:
    """Forget every resource the moto server at ``url`` (always 127.0.0.1) holds."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")  # noqa: S310
    with opener.open(request, timeout=10) as response:
        if response.status != 200:  # pragma: no cover - moto answers 200
            raise RuntimeError(f"moto server reset failed with HTTP {response.status}")
