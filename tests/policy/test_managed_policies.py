"""Every AWS managed policy moto ships parses and round-trips: xaccess accepts what IAM stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.iam.aws_managed_policies import aws_managed_policies_data

from xaccess.policy import PolicyDocument

_MANAGED: dict[str, dict[str, Any]] = json.loads(aws_managed_policies_data)


def test_moto_ships_hundreds_of_managed_policies() -> None:
    """The data set is the real catalogue, not an empty stub."""
    assert len(_MANAGED) > 1000


@pytest.mark.parametrize("name", sorted(_MANAGED))
def test_aws_managed_policy_parses_and_round_trips(name: str) -> None:
    """An AWS managed policy as IAM stores it parses, and its canonical JSON parses back equal."""
    document = PolicyDocument.from_dict(_MANAGED[name]["Document"])
    assert document == PolicyDocument.from_json(document.to_json())
    assert document.to_json() == PolicyDocument.from_json(document.to_json()).to_json()
