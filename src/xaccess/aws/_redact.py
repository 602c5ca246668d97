"""Keep credentials out of botocore's DEBUG logs.

At DEBUG level botocore logs every response body (``botocore.parsers``: the ``AssumeRole``
response carries the secret access key and session token), every signed request
(``botocore.endpoint``: the ``X-Amz-Security-Token`` header) and every canonical request
(``botocore.auth``: the same header). xaccess adds one :class:`logging.Filter` to those three
loggers that masks these values in the message. The filter runs only for records that are
actually emitted, so it costs nothing unless DEBUG logging of botocore is on, and it changes
nothing else about the records.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Final

__all__ = ["MASK", "install", "redact", "redact_error"]

MASK: Final = "<redacted by xaccess>"
LOGGERS: Final = ("botocore.parsers", "botocore.endpoint", "botocore.auth")

_PATTERNS: Final = (
    # XML (query protocol, STS): <SecretAccessKey>...</SecretAccessKey>, also cut off before the
    # closing tag (botocore quotes a response it cannot parse in its error message)
    re.compile(r"(<(SecretAccessKey|SessionToken)>)[^<]*((?:</\2>)?)"),
    # JSON protocols: "SecretAccessKey": "...", "sessionToken": "..."
    re.compile(
        r"""(["'](?:SecretAccessKey|SessionToken|secretAccessKey|sessionToken)["']\s*:\s*["'])"""
        r"""()[^"']*(["'])"""
    ),
    # Headers (dict repr or canonical request line): X-Amz-Security-Token: value
    re.compile(r"""((?i:x-amz-security-token)["']?\s*:\s*b?["']?)()[^"'\s,}]+()"""),
    # Presigned URLs: X-Amz-Security-Token=value
    re.compile(r"((?i:x-amz-security-token)=)()[^&\s\"']+()"),
)
_MARKERS: Final = ("SecretAccessKey", "SessionToken", "sessionToken", "secretAccessKey", "ecurity-")
_LOCK: Final = threading.Lock()


def redact(text: str) -> str:
    """Return ``text`` with secret access keys and session tokens masked."""
    if not any(marker in text for marker in _MARKERS) and "ECURITY-" not in text:
        return text
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{MASK}{m.group(3)}", text)
    return text


def redact_error(error: BaseException) -> None:
    """Mask secrets and tokens in the text arguments of ``error``, in place.

    botocore's :class:`~botocore.parsers.ResponseParserError` quotes the whole response body it
    could not parse, which for ``AssumeRole`` can hold the credentials.
    """
    error.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in error.args)


class _RedactingFilter(logging.Filter):
    """Rewrite a record's message with credentials masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is the logging module's to report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_FILTER: Final = _RedactingFilter("xaccess.redact")


def install() -> None:
    """Add the redacting filter to botocore's request and response loggers (once)."""
    with _LOCK:
        for name in LOGGERS:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
