"""Tests for the package surface: exports, lazy names and the error tree."""

from __future__ import annotations

import pickle
import subprocess
import sys
from importlib.metadata import version

import pytest

import xaccess
from xaccess import errors


def test_all_names_resolve() -> None:
    """Every name in __all__ is importable from the package."""
    missing = [name for name in xaccess.__all__ if not hasattr(xaccess, name)]
    assert [] == missing


def test_all_has_no_duplicates_and_is_listed_by_dir() -> None:
    """__all__ names each public name once and dir() offers them all, lazy ones included."""
    assert len(set(xaccess.__all__)) == len(xaccess.__all__)
    assert set(xaccess.__all__) <= set(dir(xaccess))


def test_version_comes_from_package_metadata() -> None:
    """__version__ is the installed distribution's version."""
    assert version("xaccess") == xaccess.__version__


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A name the package does not have raises AttributeError naming it."""
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        _ = xaccess.NoSuchThing


def test_lazy_aws_names_load_the_aws_layer_only_when_used() -> None:
    """The AWS names resolve to the AWS layer, which import xaccess alone does not load."""
    code = (
        "import sys, xaccess\n"
        "before = 'xaccess.aws.assume' in sys.modules\n"
        "client = xaccess.AssumeRoleClient\n"
        "print(before, client.__module__, 'boto3' in sys.modules)\n"
    )
    done = subprocess.run(  # noqa: S603 - runs this interpreter on our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "False xaccess.aws.assume True" == done.stdout.strip()


ERRORS = [
    errors.ValidationError("role_name", "must be 1 to 64 characters"),
    errors.PolicySizeError("trust_policy", 3000, 2048, "trust policy"),
    errors.AWSError("boom", code="Throttling", operation="CreateRole"),
    errors.ProvisioningError(
        "failed",
        code="LimitExceeded",
        operation="PutRolePolicy",
        step="put inline policy A-0",
        rolled_back=("role A",),
        left_behind=(),
    ),
    errors.RoleNotManaged(
        "not managed",
        code="RoleNotManaged",
        operation="GetRole",
        step="check ownership",
    ),
    errors.AssumeRoleDenied(
        "denied",
        role_arn="arn:aws:iam::444455556666:role/A",
        caller_arn="arn:aws:iam::111122223333:role/B",
        likely_causes=("missing or wrong external ID",),
    ),
    errors.SessionDurationTooLong("too long", code="ValidationError", operation="AssumeRole"),
    errors.PackedPolicyTooLarge("too large", code="PackedPolicyTooLarge", operation="AssumeRole"),
    errors.RegionDisabled("disabled", code="RegionDisabledException", operation="AssumeRole"),
    errors.ConfusedDeputyRisk("open role"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_pickle_with_their_fields(error: errors.XAccessError) -> None:
    """Every error survives pickling with its message and fields."""
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own data
    assert (type(error), str(error), vars(error)) == (type(again), str(again), vars(again))
    assert isinstance(again, errors.XAccessError)


def test_every_error_class_is_covered_here() -> None:
    """The pickling cases above include every error class the package exports."""
    exported = {name for name in errors.__all__ if isinstance(getattr(errors, name), type)}

    assert exported == {type(error).__name__ for error in ERRORS} | {"XAccessError"}


def test_aws_errors_carry_code_and_operation() -> None:
    """AWS-side errors expose AWS's error code and the operation."""
    denied = ERRORS[5]
    assert isinstance(denied, errors.AssumeRoleDenied)
    assert ("AccessDenied", "AssumeRole") == (denied.code, denied.operation)
    assert isinstance(denied, errors.AWSError)
    assert not isinstance(denied, ValueError)


def test_the_aws_layer_leaves_log_output_to_the_application() -> None:
    """Loading the AWS layer gives the "xaccess" logger a NullHandler, so nothing reaches stderr."""
    import logging  # noqa: PLC0415

    import xaccess.aws  # noqa: PLC0415, F401

    handlers = logging.getLogger("xaccess").handlers

    assert any(isinstance(handler, logging.NullHandler) for handler in handlers)
