"""The grant builder: role settings, managed policies, and checking only what a call adds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.grant.grants import BOUNDARY, BUCKET, EXT, EXT2, OBJECTS, _grant
from xaccess import ValidationError
from xaccess.grant import ThirdPartyGrant, fields, trust
from xaccess.identifiers import Tag

# -- role settings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role_name": "has space"}, "role_name"),
        ({"role_name": "x" * 65}, "role_name"),
        ({"path": "no-slashes"}, "path"),
        ({"description": "\x00"}, "description"),
        ({"max_session_duration": 3599}, "max_session_duration"),
        ({"max_session_duration": 43201}, "max_session_duration"),
        ({"max_session_duration": True}, "max_session_duration"),
        ({"tags": {"aws:x": "y"}}, "tags[0].key"),
        ({"tags": "team=a"}, "tags"),
        ({"permissions_boundary": "arn:aws:s3:::bucket"}, "permissions_boundary"),
        ({"permissions_boundary": "arn:aws-cn:iam::aws:policy/X"}, "permissions_boundary"),
        ({"allow_missing_external_id": "yes"}, "allow_missing_external_id"),
        ({"trust_policy_quota": 0}, "trust_policy_quota"),
        ({"inline_policies_quota": 1.5}, "inline_policies_quota"),
        ({"max_managed_policies": -1}, "max_managed_policies"),
        ({"inline_policy_prefix": "bad/name"}, "inline_policy_prefix"),
        ({"inline_policy_prefix": "p" * 121}, "inline_policy_prefix"),
        ({"source_identity_allowed": 1}, "source_identity_allowed"),
        ({"session_tags_allowed": None}, "session_tags_allowed"),
    ],
)
def test_invalid_role_settings_are_refused(kwargs: dict[str, Any], field: str) -> None:
    """Every constructor argument is validated and the error names it."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(**kwargs)

    assert field == exc_info.value.field


def test_role_settings_are_normalised() -> None:
    """A timedelta duration becomes seconds and a tag mapping becomes Tag values."""
    grant = _grant(max_session_duration=dt.timedelta(hours=2), tags={"team": "audit"})

    assert (7200, (Tag("team", "audit"),)) == (grant.max_session_duration, grant.tags)


def test_constructor_arguments_are_keyword_only() -> None:
    """Positional arguments are refused."""
    with pytest.raises(TypeError):
        ThirdPartyGrant("AcmeAudit")  # type: ignore[call-arg]


# -- managed policies -----------------------------------------------------------------------


def test_attach_adds_managed_policies_in_order() -> None:
    """attach() records managed policy ARNs."""
    grant = _grant().attach("arn:aws:iam::aws:policy/SecurityAudit").attach(BOUNDARY)

    assert ("arn:aws:iam::aws:policy/SecurityAudit", BOUNDARY) == grant.managed_policy_arns


def test_attach_twice_is_refused() -> None:
    """The same managed policy cannot be attached twice."""
    grant = _grant().attach(BOUNDARY)

    with pytest.raises(ValidationError, match="already attached"):
        grant.attach(BOUNDARY)


@pytest.mark.parametrize(
    "arn",
    ["arn:aws:iam::aws:role/NotAPolicy", "arn:aws-cn:iam::aws:policy/ReadOnlyAccess", 12],
)
def test_attach_validates_the_arn_and_partition(arn: Any) -> None:
    """Managed policy ARNs are validated and must be in the grant's partition."""
    with pytest.raises(ValidationError) as exc_info:
        _grant().attach(arn)

    assert "policy_arn" == exc_info.value.field


def test_attach_beyond_the_limit_is_refused() -> None:
    """At most max_managed_policies (10 by default) can be attached."""
    grant = _grant()
    for i in range(10):
        grant = grant.attach(f"arn:aws:iam::444455556666:policy/P{i}")

    with pytest.raises(ValidationError, match="max_managed_policies"):
        grant.attach("arn:aws:iam::444455556666:policy/P10")


def test_raised_managed_policy_limit_allows_more() -> None:
    """max_managed_policies can be raised for accounts with a higher quota."""
    grant = _grant(max_managed_policies=20)
    for i in range(11):
        grant = grant.attach(f"arn:aws:iam::444455556666:policy/P{i}")

    assert 11 == len(grant.managed_policy_arns)


def test_managed_policies_beyond_the_limit_are_refused_in_the_constructor() -> None:
    """A lowered limit below the attached count is refused."""
    arns = [f"arn:aws:iam::444455556666:policy/P{i}" for i in range(3)]

    with pytest.raises(ValidationError, match="exceed"):
        _grant(managed_policy_arns=arns, max_managed_policies=2)


def test_managed_policy_listed_twice_is_refused() -> None:
    """managed_policy_arns= must not repeat an ARN."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(managed_policy_arns=[BOUNDARY, BOUNDARY])

    assert "managed_policy_arns[1]" == exc_info.value.field


# -- a builder call checks only what it adds ---------------------------------------------------


def _refuse_whole_grant_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        msg = "a whole-grant check ran"
        raise AssertionError(msg)

    monkeypatch.setattr(fields, "check_statements", refuse)
    monkeypatch.setattr(trust, "find_trustees", refuse)


def test_builder_methods_do_not_recheck_the_existing_grant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """allow(), deny(), attach() and friends check their argument, not the whole grant."""
    grant = _grant().allow("s3:GetObject", OBJECTS).allow("s3:ListBucket", BUCKET)
    _refuse_whole_grant_checks(monkeypatch)

    built = (
        grant.allow("s3:PutObject", OBJECTS)
        .deny("s3:DeleteObject", OBJECTS)
        .attach(BOUNDARY)
        .add_external_id(EXT2)
        .require_org_id("o-a1b2c3d4e5")
        .restrict_session_name("acme-*")
        .allow_session_tags(["team"])
    )

    assert len(built.statements) == 4
    with pytest.raises(AssertionError, match="whole-grant"):
        ThirdPartyGrant(role_name="AcmeAudit", statements=built.statements)


def test_builder_methods_still_check_what_they_add(monkeypatch: pytest.MonkeyPatch) -> None:
    """The argument a builder call adds is checked, and a repeated Sid is refused."""
    grant = _grant().allow("s3:GetObject", OBJECTS, sid="Read")
    _refuse_whole_grant_checks(monkeypatch)

    with pytest.raises(ValidationError) as exc_info:
        grant.allow("s3:GetObject", "not an arn")
    assert exc_info.value.field.startswith("resources")
    with pytest.raises(ValidationError, match="already used"):
        grant.allow("s3:PutObject", OBJECTS, sid="Read")
    with pytest.raises(ValidationError, match="repeats"):
        grant.add_external_id(EXT)


def test_a_grant_built_by_calls_equals_one_built_at_once() -> None:
    """The copy a builder call makes equals, hashes and behaves like a constructed grant."""
    built = _grant().allow("s3:GetObject", OBJECTS).attach(BOUNDARY).add_external_id(EXT2)
    direct = _grant(
        external_id=[EXT, EXT2],
        statements=built.statements,
        managed_policy_arns=[BOUNDARY],
    )

    assert (built, hash(built)) == (direct, hash(direct))
    assert built.trust_policy() == direct.trust_policy()
    assert built.trusted_principal_arns == direct.trusted_principal_arns
