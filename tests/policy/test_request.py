"""Tests for xaccess.policy.request: validation and the context derived from a request."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.policy.evaluation_support import (
    ALLOW_ALL,
    BOB,
    OTHER,
    TARGET,
    request,
)
from xaccess.errors import ValidationError
from xaccess.policy import (
    Request,
    evaluate,
)

# -- the request -------------------------------------------------------------------


def test_request_is_keyword_only() -> None:
    """Request takes keyword arguments only."""
    with pytest.raises(TypeError):
        Request(BOB, "s3:GetObject", "*")  # type: ignore[call-arg]


def test_request_derives_resource_account() -> None:
    """The resource account comes from the ARN unless given or absent."""
    assert OTHER == request(resource=TARGET).resource_account
    assert request(resource="arn:aws:s3:::bucket/key").resource_account is None
    assert request(resource="*").resource_account is None
    assert OTHER == request(resource="arn:aws:s3:::b", resource_account=OTHER).resource_account


def test_request_is_hashable_and_compared_by_value() -> None:
    """Equal requests are equal and hash alike; the context is immutable."""
    one = request(context={"aws:TagKeys": ["a", "b"], "sts:ExternalId": "x"})
    two = request(context={"aws:TagKeys": ("a", "b"), "sts:ExternalId": "x"})
    assert one == two
    assert hash(one) == hash(two)
    assert ("a", "b") == one.context["aws:TagKeys"]
    assert one == request(context={"aws:TagKeys": {"b", "a"}, "sts:ExternalId": "x"})  # type: ignore[dict-item]
    assert {"aws:TagKeys": ("a", "b"), "sts:ExternalId": "x"} == one.context
    assert one.context != object()
    assert 2 == len(one.context)
    assert "{'aws:TagKeys': ('a', 'b'), 'sts:ExternalId': 'x'}" == repr(one.context)
    with pytest.raises(TypeError):
        one.context["x:y"] = "z"  # type: ignore[index]
    assert (
        one.context
        is Request(principal=BOB, action="s3:GetObject", resource="*", context=one.context).context
    )


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("principal", {"principal": "123456789012"}),
        ("principal", {"principal": "not a principal"}),
        ("principal", {"principal": 42}),
        ("principal", {"principal": "arn:aws:s3:::bucket"}),
        ("action", {"action": "s3"}),
        ("action", {"action": "s3:Get*"}),
        ("resource", {"resource": "bucket"}),
        ("resource_account", {"resource_account": "12345"}),
        ("context", {"context": ["sts:ExternalId"]}),
        ("context", {"context": {"ExternalId": "x"}}),
        ("context['aws:a']", {"context": {"aws:A": "x", "aws:a": "y"}}),
        ("context['aws:a']", {"context": {"aws:a": None}}),
        ("context['aws:a']", {"context": {"aws:a": [1, 2]}}),
        ("context['aws:a']", {"context": {"aws:a": {1, "x"}}}),
        ("context['aws:a']", {"context": {"aws:a": float("nan")}}),
        ("context['aws:a']", {"context": {"aws:a": b"bytes"}}),
    ],
)
def test_request_rejects_bad_fields(field: str, kw: dict[str, Any]) -> None:
    """Malformed request fields raise ValidationError naming the field."""
    args: dict[str, Any] = {"principal": BOB, "action": "s3:GetObject", "resource": "*"}
    args.update(kw)
    with pytest.raises(ValidationError) as info:
        Request(**args)
    assert field == info.value.field


def test_evaluate_rejects_non_documents() -> None:
    """Policy arguments must be PolicyDocument objects."""
    with pytest.raises(ValidationError, match=r"identity_policies\[1\]"):
        evaluate(request(), identity_policies=[ALLOW_ALL, {"Statement": []}])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="resource_policy"):
        evaluate(request(), resource_policy=ALLOW_ALL.to_dict())  # type: ignore[arg-type]


def test_huge_principal_is_refused_before_parsing() -> None:
    """A principal longer than IAM's ARN limit is refused at once, naming the rule."""
    prefix = "arn:aws:iam::111122223333:user/"
    huge = prefix + "a" * 50_000_000
    started = time.perf_counter()
    with pytest.raises(ValidationError) as caught:
        request(principal=huge)
    assert time.perf_counter() - started < 1.0
    assert caught.value.field == "principal"
    assert "at most 2048 characters" in str(caught.value)
    longest = prefix + "a" * (2048 - len(prefix))
    assert len(longest) == 2048
    with pytest.raises(ValidationError, match="user name must be 1-64"):
        request(principal=longest)
