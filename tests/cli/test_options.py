"""Tests for naming a library field's error after the command-line option that gave it."""

from __future__ import annotations

import pytest

from xaccess.cli._options import named_as_options
from xaccess.errors import PolicySizeError, ValidationError


def test_a_mapped_field_is_named_as_its_option() -> None:
    """An error on a mapped field is raised again on the option, with the same rule."""
    with pytest.raises(ValidationError) as info, named_as_options(duration_seconds="--duration"):
        raise ValidationError("duration_seconds", "must be at least 900, got 60")

    assert ("--duration", "must be at least 900, got 60") == (info.value.field, info.value.rule)


def test_other_errors_pass_unchanged() -> None:
    """An error on another field (a size error here) is the very same exception."""
    error = PolicySizeError("trust_policy", 3000, 2048, "role trust policy")

    with pytest.raises(PolicySizeError) as info, named_as_options(region="--region"):
        raise error

    assert error is info.value
