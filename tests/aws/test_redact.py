"""Tests for xaccess.aws._redact: credentials masked in botocore's DEBUG logs and errors."""

from __future__ import annotations

import logging

import pytest

from xaccess.aws import _redact

# --- redaction ---------------------------------------------------------------------------------

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN+/="


@pytest.mark.parametrize(
    "text",
    [
        (
            f"b'<Credentials><SecretAccessKey>{SECRET}</SecretAccessKey>"
            f"<SessionToken>{TOKEN}</SessionToken></Credentials>'"
        ),
        f'{{"SecretAccessKey": "{SECRET}", "sessionToken": "{TOKEN}"}}',
        f"headers={{'X-Amz-Security-Token': b'{TOKEN}', 'X-Amz-Date': b'2030'}} {SECRET[:0]}",
        f"host:sts.amazonaws.com\nx-amz-security-token:{TOKEN}\n\nhost;x-amz-security-token",
        f"https://b.s3.amazonaws.com/k?X-Amz-Security-Token={TOKEN}&X-Amz-Signature=abc",
        (  # cut off before the closing tag, as botocore quotes a response it cannot parse
            f"invalid XML received:\nb'<SecretAccessKey>{SECRET}</SecretAccessKey>"
            f"<SessionToken>{TOKEN}'"
        ),
    ],
)
def test_redact_masks_secrets_and_tokens(text: str) -> None:
    """Secrets and tokens are masked in XML, JSON, header and query-string forms."""
    cleaned = _redact.redact(text)

    assert SECRET not in cleaned
    assert TOKEN not in cleaned
    assert _redact.MASK in cleaned


def test_redact_leaves_other_text_alone() -> None:
    """Text without credentials is returned unchanged."""
    text = "Response headers: {'x-amzn-RequestId': 'abc'}"

    assert text == _redact.redact(text)


def test_redacting_filter_rewrites_botocore_records(caplog: pytest.LogCaptureFixture) -> None:
    """Once installed, botocore's DEBUG records reach handlers with the values masked."""
    _redact.install()
    _redact.install()  # idempotent
    logger = logging.getLogger("botocore.parsers")

    with caplog.at_level(logging.DEBUG, logger="botocore"):
        logger.debug("Response body:\n%r", f"<SessionToken>{TOKEN}</SessionToken>".encode())
        logger.debug("plain %s", "text")

    assert 1 == sum(f is _redact._FILTER for f in logger.filters)
    assert TOKEN not in caplog.text
    assert "plain text" in caplog.text


def test_redacting_filter_passes_a_broken_record_on_untouched() -> None:
    """A record whose message cannot be formatted is left for logging to report."""
    record = logging.LogRecord("botocore.auth", logging.DEBUG, "f", 1, "%d", ("x",), None)

    assert _redact._FILTER.filter(record)
    assert ("%d", ("x",)) == (record.msg, record.args)
