"""Tests for xaccess.policy.size: sizes as IAM counts them and the size quotas."""

from __future__ import annotations

import json
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import strategies as pst
from tests.policy.support import TRUST
from xaccess import PolicySizeError
from xaccess.policy import (
    INLINE_POLICIES_SIZE_QUOTA,
    MANAGED_POLICY_SIZE_QUOTA,
    TRUST_POLICY_SIZE_QUOTA,
    PolicyDocument,
    iam_size,
)

# -- sizes -------------------------------------------------------------------------


def test_quotas_are_the_documented_defaults() -> None:
    """The default quotas are IAM's."""
    assert (2048, 10240, 6144) == (
        TRUST_POLICY_SIZE_QUOTA,
        INLINE_POLICIES_SIZE_QUOTA,
        MANAGED_POLICY_SIZE_QUOTA,
    )


def test_size_ignores_whitespace() -> None:
    """size() counts characters without whitespace, however the text was spelled."""
    doc = PolicyDocument.from_dict(TRUST)
    compact = json.dumps(TRUST, separators=(",", ":"))
    assert len(compact) == doc.size()
    assert doc.size() == iam_size(json.dumps(TRUST, indent=8))
    assert 0 == iam_size(" \t\r\n")


def test_check_size_raises_policy_size_error_with_numbers() -> None:
    """Over the limit raises PolicySizeError carrying size, limit and quota."""
    doc = PolicyDocument.from_dict(TRUST)
    doc.check_size(doc.size(), quota="trust policy")
    with pytest.raises(PolicySizeError) as info:
        doc.check_size(100, quota="trust policy", field="trust_policy")
    err = info.value
    assert (doc.size(), 100, "trust policy") == (err.size, err.limit, err.quota)
    assert "trust_policy" == err.field
    assert f"by {doc.size() - 100}" in str(err)
    assert isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own data
    assert (err.size, err.limit, err.quota, str(err)) == (
        again.size,
        again.limit,
        again.quota,
        str(again),
    )


@given(pst.documents(), st.integers(0, 8))
def test_size_is_the_iam_rule_on_canonical_json(doc: PolicyDocument, indent: int) -> None:
    """size() equals the non-whitespace character count of the canonical JSON."""
    text = doc.to_json()
    assert sum(1 for c in text if c not in " \t\r\n\f\v") == doc.size()
    assert doc.size() == iam_size(doc.to_json(indent=indent))
