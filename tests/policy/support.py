"""Documents shared by the policy tests."""

from __future__ import annotations

from typing import Any

TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "abc123"}},
        }
    ],
}


def doc_with(**statement: Any) -> dict[str, Any]:
    """A policy of one statement: s3:GetObject on * unless ``statement`` overrides it."""
    base: dict[str, Any] = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    base.update(statement)
    return {"Version": "2012-10-17", "Statement": [base]}
