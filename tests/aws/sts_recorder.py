"""What the AssumeRoleClient tests share: an STS call recorder, a client factory, fixtures.

moto accepts every AssumeRole, so behaviour that depends on STS refusing is driven by botocore
event hooks on the vendor's base session (:class:`StsRecorder`): they record each STS request
and can answer it with an error response instead of sending it. Time is simulated with
:class:`tests.support.FakeClock`, injected as the client's clock and sleep; the client measures
expiry from the moment it sent the request plus ``DurationSeconds``, so moto's real-time
``Expiration`` does not matter.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
import boto3
import botocore.credentials
import botocore.loaders
import botocore.session
from botocore.awsrequest import AWSResponse, HTTPHeaders

from xaccess.aws.assume import (
    AssumeRoleClient,
)

if TYPE_CHECKING:
    from tests.support import FakeClock


ROLE = "arn:aws:iam::444455556666:role/AcmeAudit"


ROLE_ACCOUNT = "444455556666"


EXTERNAL_ID = "ext-0123456789abcdef0123"


SESSION_NAME = "vendor-audit"


REGION = "eu-west-1"


BASE_KEY_ID = "AKIAVENDORBASE000001"


BASE_SECRET = "base-secret-key-never-logged-0001"


SESSION_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
}


_LOADER = botocore.loaders.create_loader()


def new_session(**kwargs: Any) -> boto3.Session:
    """A boto3 session sharing one model loader, so each test does not read the models again."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    return boto3.Session(botocore_session=core, **kwargs)


@attrs.frozen
class Call:
    operation: str
    body: dict[str, Any]
    url: str


Answer = Callable[[str, dict[str, Any]], "tuple[int, str, str] | None"]


class StsRecorder:
    """Records every STS request made through a session; ``answer`` may fail some of them.

    ``answer(operation, body)`` returns ``(status, code, message)`` to answer with that error
    instead of sending the request, or ``None`` to send it; it may also raise.
    """

    def __init__(self, session: boto3.Session) -> None:
        self.calls: list[Call] = []
        self.issued: list[str] = []  # secrets and tokens STS issued, to look for in output
        self.answer: Answer | None = None
        self.delay = 0.0
        self._lock = threading.Lock()
        session.events.register("before-call.sts", self._before)
        session.events.register("after-call.sts.AssumeRole", self._after)

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> Any:
        body = dict(params["body"])
        with self._lock:
            self.calls.append(Call(model.name, body, params["url"]))
        if self.delay:
            time.sleep(self.delay)
        if self.answer is None:
            return None
        result = self.answer(model.name, body)
        if result is None:
            return None
        status, code, message = result
        parsed = {
            "Error": {"Code": code, "Message": message, "Type": "Sender"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        return AWSResponse(params["url"], status, HTTPHeaders(), None), parsed

    def _after(self, parsed: dict[str, Any], **_: Any) -> None:
        credentials = parsed.get("Credentials")
        if credentials:
            with self._lock:
                self.issued += [credentials["SecretAccessKey"], credentials["SessionToken"]]

    def count(self, operation: str = "AssumeRole") -> int:
        with self._lock:
            return sum(call.operation == operation for call in self.calls)

    def bodies(self, operation: str = "AssumeRole") -> list[dict[str, Any]]:
        with self._lock:
            return [call.body for call in self.calls if call.operation == operation]


def deny(code: str = "AccessDenied", status: int = 403, message: str = "") -> Answer:
    """An answer refusing every AssumeRole with ``code``."""
    text = message or (
        f"User: arn:aws:iam::123456789012:user/vendor is not authorized to perform: "
        f"sts:AssumeRole on resource: {ROLE}"
    )

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
        return (status, code, text) if operation == "AssumeRole" else None

    return answer


def requires_external_id(operation: str, body: dict[str, Any]) -> tuple[int, str, str] | None:
    """An answer that behaves like a trust policy requiring EXTERNAL_ID."""
    if operation == "AssumeRole" and body.get("ExternalId") != EXTERNAL_ID:
        return 403, "AccessDenied", "not authorized to perform: sts:AssumeRole"
    return None


def make(base: boto3.Session, clock: FakeClock, /, **kwargs: Any) -> AssumeRoleClient:
    arguments: dict[str, Any] = {
        "role_arn": ROLE,
        "external_id": EXTERNAL_ID,
        "session_name": SESSION_NAME,
        "base_session": base,
        "clock": clock,
        "sleep": clock.sleep,
    }
    arguments.update(kwargs)
    return AssumeRoleClient(**arguments)


def assert_no_secret(texts: list[str], secrets: list[str]) -> None:
    assert secrets
    leaks = [
        (secret[:6], text[:120])
        for text in texts
        for secret in secrets
        if secret and secret in text
    ]
    assert [] == leaks
