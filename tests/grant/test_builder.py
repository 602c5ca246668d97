"""Tests for the third-party grant builder."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import pytest

from xaccess import PolicySizeError, ValidationError
from xaccess.grant import Handoff, NamedPolicy, ThirdPartyGrant
from xaccess.identifiers import Tag
from xaccess.policy import Condition, PolicyDocument, Statement

VENDOR = "111122223333"
OTHER_VENDOR = "222233334444"
CUSTOMER = "444455556666"
SCANNER = f"arn:aws:iam::{VENDOR}:role/Scanner"
EXT = "4f1b6c0e9a2d4e7fb3c85d1e0a9f2b7c"
EXT2 = "c7b2f9a0e1d58c3bf7e4d2a9e0c6b1f4"
BUCKET = "arn:aws:s3:::acme-logs"
OBJECTS = "arn:aws:s3:::acme-logs/*"
BOUNDARY = "arn:aws:iam::444455556666:policy/Boundary"


def _grant(**kwargs: Any) -> ThirdPartyGrant:
    args: dict[str, Any] = {"role_name": "AcmeAudit", "trusted_account": VENDOR, "external_id": EXT}
    args.update(kwargs)
    return ThirdPartyGrant(**args)


def _trust_statements(grant: ThirdPartyGrant) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = grant.trust_policy().to_dict()["Statement"]
    return statements


def _permissions(grant: ThirdPartyGrant) -> list[dict[str, Any]]:
    (policy,) = grant.permission_policies()
    statements: list[dict[str, Any]] = policy.document.to_dict()["Statement"]
    return statements


# -- trust policy: principals ---------------------------------------------------------------


def test_account_is_trusted_by_its_root_with_the_external_id() -> None:
    """trusted_account gives one Allow of sts:AssumeRole to the root, StringEquals on the ID."""
    expected = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": EXT}},
            }
        ],
    }

    assert expected == _grant().trust_policy().to_dict()


def test_role_is_pinned_by_principal_arn_condition_by_default() -> None:
    """A trusted role is written as its account root plus StringEquals on aws:PrincipalArn."""
    grant = _grant(trusted_account=None, trusted_principal=SCANNER)

    assert [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalArn": SCANNER, "sts:ExternalId": EXT}},
        }
    ] == _trust_statements(grant)


def test_pin_arn_names_the_role_in_principal() -> None:
    """pin='arn' puts the role ARN itself in Principal, with no aws:PrincipalArn condition."""
    grant = _grant(trusted_account=None, trusted_principal=SCANNER, pin="arn")

    assert [
        {
            "Effect": "Allow",
            "Principal": {"AWS": SCANNER},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": EXT}},
        }
    ] == _trust_statements(grant)


def test_user_is_pinned_like_a_role() -> None:
    """A trusted IAM user is pinned by aws:PrincipalArn too."""
    user = f"arn:aws:iam::{VENDOR}:user/ops/deployer"
    grant = _grant(trusted_account=None, trusted_principal=user)

    assert user == _trust_statements(grant)[0]["Condition"]["StringEquals"]["aws:PrincipalArn"]


def test_root_arn_principal_trusts_the_account() -> None:
    """An account root ARN as trusted_principal is the same as trusted_account."""
    by_arn = _grant(trusted_account=None, trusted_principal=f"arn:aws:iam::{VENDOR}:root")

    assert _grant().trust_policy() == by_arn.trust_policy()


def test_account_and_pinned_principals_get_separate_statements() -> None:
    """Whole accounts and pinned roles need different conditions, so two statements."""
    other = f"arn:aws:iam::{OTHER_VENDOR}:role/Worker"
    grant = _grant(trusted_principals=[other, SCANNER], trusted_account="999988887777")

    statements = _trust_statements(grant)

    assert [
        {"AWS": "arn:aws:iam::999988887777:root"},
        {"AWS": [f"arn:aws:iam::{OTHER_VENDOR}:root", f"arn:aws:iam::{VENDOR}:root"]},
    ] == [s["Principal"] for s in statements]
    assert [other, SCANNER] == statements[1]["Condition"]["StringEquals"]["aws:PrincipalArn"]
    assert "aws:PrincipalArn" not in statements[0]["Condition"]["StringEquals"]


def test_two_roles_of_one_account_share_one_root() -> None:
    """Pinned roles in the same account list that account's root once."""
    worker = f"arn:aws:iam::{VENDOR}:role/Worker"
    grant = _grant(trusted_account=None, trusted_principals=[SCANNER, worker])

    (statement,) = _trust_statements(grant)

    assert {"AWS": f"arn:aws:iam::{VENDOR}:root"} == statement["Principal"]


def test_pin_arn_lists_accounts_and_roles_in_one_principal() -> None:
    """With pin='arn' every trusted principal is named in one statement."""
    grant = _grant(trusted_principals=[f"arn:aws:iam::{OTHER_VENDOR}:role/Worker"], pin="arn")

    (statement,) = _trust_statements(grant)

    assert {
        "AWS": [f"arn:aws:iam::{VENDOR}:root", f"arn:aws:iam::{OTHER_VENDOR}:role/Worker"]
    } == statement["Principal"]


def test_trust_adds_principals_and_returns_a_new_grant() -> None:
    """trust() appends principals; the original grant is unchanged."""
    grant = _grant()
    more = grant.trust(OTHER_VENDOR, SCANNER.replace(VENDOR, "999988887777"))

    assert (f"arn:aws:iam::{VENDOR}:root",) == grant.trusted_principal_arns
    assert (
        f"arn:aws:iam::{VENDOR}:root",
        f"arn:aws:iam::{OTHER_VENDOR}:root",
        "arn:aws:iam::999988887777:role/Scanner",
    ) == more.trusted_principal_arns


def test_trust_without_principals_is_refused() -> None:
    """trust() with nothing to trust is a mistake."""
    with pytest.raises(ValidationError, match="at least one principal") as exc_info:
        _grant().trust()

    assert "principals" == exc_info.value.field


def test_grant_trusting_no_one_cannot_build_a_trust_policy() -> None:
    """An incomplete grant (no principal) is refused at build time, naming what is missing."""
    grant = ThirdPartyGrant(role_name="AcmeAudit", external_id=EXT)

    with pytest.raises(ValidationError, match="trusts no one") as exc_info:
        grant.trust_policy()

    assert "trusted_principals" == exc_info.value.field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"trusted_principals": [VENDOR]}, "trusted_principals[0]"),
        ({"trusted_principals": [f"arn:aws:iam::{VENDOR}:root"]}, "trusted_principals[0]"),
        ({"trusted_principal": SCANNER}, "trusted_principal"),
    ],
)
def test_principal_of_an_account_already_trusted_is_refused(
    kwargs: dict[str, Any], field: str
) -> None:
    """Trusting an account and the same account again, or one of its principals, is an error."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(**kwargs)

    assert field == exc_info.value.field


def test_same_role_twice_is_refused() -> None:
    """A principal listed twice is refused, naming both places."""
    with pytest.raises(ValidationError, match="same principal as trusted_principal"):
        _grant(trusted_account=None, trusted_principal=SCANNER, trusted_principals=[SCANNER])


@pytest.mark.parametrize(
    "session",
    [
        f"arn:aws:sts::{VENDOR}:assumed-role/Scanner/session",
        f"arn:aws:sts::{VENDOR}:federated-user/bob",
    ],
)
def test_session_arns_cannot_be_trusted(session: str) -> None:
    """A session ARN is refused with a hint to trust the role or user instead."""
    with pytest.raises(ValidationError, match="trust the role") as exc_info:
        _grant(trusted_account=None, trusted_principal=session)

    assert "trusted_principal" == exc_info.value.field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"trusted_account": "11112222333"}, "trusted_account"),
        ({"trusted_account": 111122223333}, "trusted_account"),
        ({"trusted_account": f"arn:aws:iam::{VENDOR}:root"}, "trusted_account"),
        ({"trusted_principal": 111122223333}, "trusted_principal"),
        ({"trusted_principal": "arn:aws:s3:::bucket"}, "trusted_principal"),
        ({"trusted_principals": ["arn:aws:iam::1:role/x"]}, "trusted_principals[0]"),
        ({"trusted_principals": 12}, "trusted_principals"),
    ],
)
def test_malformed_principals_are_refused(kwargs: dict[str, Any], field: str) -> None:
    """Bad account IDs and ARNs raise ValidationError naming the argument."""
    args = {"trusted_account": None, **kwargs}

    with pytest.raises(ValidationError) as exc_info:
        _grant(**args)

    assert field == exc_info.value.field


def test_partition_follows_the_trusted_arns() -> None:
    """Principals in aws-cn make the grant, its account roots and its role ARN aws-cn."""
    grant = _grant(trusted_principals=["arn:aws-cn:iam::222233334444:role/Worker"])

    assert "aws-cn" == grant.resolved_partition
    assert "arn:aws-cn:iam::111122223333:root" == grant.trusted_principal_arns[0]
    assert "arn:aws-cn:iam::444455556666:role/AcmeAudit" == grant.role_arn(CUSTOMER)


def test_principals_in_two_partitions_are_refused() -> None:
    """STS does not cross partitions, so all principals must share one."""
    with pytest.raises(ValidationError, match="partition") as exc_info:
        _grant(
            trusted_principals=[
                "arn:aws-cn:iam::222233334444:role/Worker",
                "arn:aws:iam::999988887777:role/Worker",
            ]
        )

    assert "trusted_principals[1]" == exc_info.value.field


def test_explicit_partition_must_match_the_arns() -> None:
    """partition= that disagrees with a principal ARN is refused."""
    with pytest.raises(ValidationError, match="aws-us-gov"):
        _grant(trusted_account=None, trusted_principal=SCANNER, partition="aws-us-gov")


def test_explicit_partition_applies_to_account_ids() -> None:
    """partition= decides the root ARN of a bare account ID."""
    assert ("arn:aws-us-gov:iam::111122223333:root",) == _grant(
        partition="aws-us-gov"
    ).trusted_principal_arns


def test_unknown_partition_is_refused() -> None:
    """partition= must be an AWS partition."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(partition="aws-moon")

    assert "partition" == exc_info.value.field


def test_pin_arn_refuses_wildcard_characters() -> None:
    """A role path with * or ? cannot be named in Principal, so pin='arn' refuses it."""
    with pytest.raises(ValidationError, match="pin='condition'"):
        _grant(trusted_principals=[f"arn:aws:iam::{OTHER_VENDOR}:role/a*/Worker"], pin="arn")


def test_pin_must_be_condition_or_arn() -> None:
    """pin= takes 'condition' or 'arn' only."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(pin="principal")

    assert "pin" == exc_info.value.field


def test_policy_variable_syntax_in_a_pinned_path_is_escaped() -> None:
    """A '${' in a role path is written as '${$}{' so IAM reads it literally."""
    role = f"arn:aws:iam::{OTHER_VENDOR}:role/${{x}}/Worker"
    grant = _grant(trusted_principals=[role])

    condition = _trust_statements(grant)[1]["Condition"]["StringEquals"]

    assert f"arn:aws:iam::{OTHER_VENDOR}:role/${{$}}{{x}}/Worker" == condition["aws:PrincipalArn"]
    assert grant.can_assume(role, external_id=EXT).allowed


# -- trust policy: external IDs -------------------------------------------------------------


def test_several_external_ids_are_listed_in_one_condition() -> None:
    """During rotation every trusted ID is a value of the same StringEquals key."""
    grant = _grant(external_id=[EXT, EXT2])

    assert [EXT, EXT2] == _trust_statements(grant)[0]["Condition"]["StringEquals"]["sts:ExternalId"]


def test_add_external_id_makes_it_current() -> None:
    """add_external_id() appends; the newest ID is the current one."""
    grant = _grant().add_external_id(EXT2)

    assert ((EXT, EXT2), EXT2) == (grant.external_ids, grant.external_id)


def test_remove_external_id_keeps_the_others() -> None:
    """remove_external_id() drops one ID."""
    assert (EXT2,) == _grant(external_id=[EXT, EXT2]).remove_external_id(EXT).external_ids


def test_remove_unknown_external_id_is_refused_without_echoing_it() -> None:
    """Removing an ID the grant does not trust is an error that does not print the ID."""
    with pytest.raises(ValidationError) as exc_info:
        _grant().remove_external_id(EXT2)

    assert EXT2 not in str(exc_info.value)


def test_duplicate_external_ids_are_refused_without_echoing_them() -> None:
    """The same ID twice is refused; the message does not contain the ID."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(external_id=[EXT, EXT])

    assert ("external_id[1]", False) == (exc_info.value.field, EXT in str(exc_info.value))


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("x", "external_id"),
        ("has space", "external_id"),
        ("x" * 1225, "external_id"),
        ([EXT, "bad*id"], "external_id[1]"),
        (12345678, "external_id"),
    ],
)
def test_invalid_external_ids_are_refused(value: object, field: str) -> None:
    """External IDs follow the STS rules (2-1224 of [\\w+=,.@:/-])."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(external_id=value)

    assert field == exc_info.value.field


def test_external_id_is_required_to_build_the_trust_policy() -> None:
    """A trust policy without an external ID is refused unless explicitly allowed."""
    with pytest.raises(ValidationError, match="confused-deputy") as exc_info:
        _grant(external_id=None).trust_policy()

    assert "external_id" == exc_info.value.field


def test_allow_missing_external_id_omits_the_condition() -> None:
    """With the opt-out and no ID, the statement has no condition at all."""
    grant = _grant(external_id=None, allow_missing_external_id=True)

    assert "Condition" not in _trust_statements(grant)[0]


def test_allow_missing_external_id_still_requires_a_given_id() -> None:
    """The opt-out does not weaken a grant that has an external ID."""
    grant = _grant(allow_missing_external_id=True)

    assert not grant.can_assume(f"arn:aws:iam::{VENDOR}:role/Any").allowed


# -- trust policy: options ------------------------------------------------------------------


def test_require_org_id_adds_principal_org_id() -> None:
    """require_org_id() adds StringEquals on aws:PrincipalOrgID."""
    grant = _grant().require_org_id("o-a1b2c3d4e5")

    assert (
        "o-a1b2c3d4e5"
        == _trust_statements(grant)[0]["Condition"]["StringEquals"]["aws:PrincipalOrgID"]
    )


@pytest.mark.parametrize("org_id", ["o-short", "o-UPPERCASE12", "a1b2c3d4e5f6", "o-" + "a" * 33])
def test_malformed_org_ids_are_refused(org_id: str) -> None:
    """Organization IDs must match o-[a-z0-9]{10,32}."""
    with pytest.raises(ValidationError) as exc_info:
        _grant().require_org_id(org_id)

    assert "org_ids" == exc_info.value.field


def test_require_org_id_needs_an_id() -> None:
    """require_org_id() with no ID is refused."""
    with pytest.raises(ValidationError, match="at least one"):
        _grant().require_org_id()


def test_restrict_session_name_adds_string_like() -> None:
    """restrict_session_name() adds StringLike on sts:RoleSessionName."""
    grant = _grant().restrict_session_name("acme-*", "audit-??")

    assert {"sts:RoleSessionName": ["acme-*", "audit-??"]} == _trust_statements(grant)[0][
        "Condition"
    ]["StringLike"]


@pytest.mark.parametrize("pattern", ["has space", "", "a" * 65, "x:y", "${aws:username}"])
def test_malformed_session_name_patterns_are_refused(pattern: str) -> None:
    """Session-name patterns use the session-name characters plus * and ?."""
    with pytest.raises(ValidationError) as exc_info:
        _grant().restrict_session_name(pattern)

    assert "session_name_patterns" == exc_info.value.field


def test_restrict_session_name_needs_a_pattern() -> None:
    """restrict_session_name() with no pattern is refused."""
    with pytest.raises(ValidationError, match="at least one pattern"):
        _grant().restrict_session_name()


def test_require_source_identity_adds_the_action_and_condition() -> None:
    """require_source_identity() adds sts:SetSourceIdentity and StringLike sts:SourceIdentity."""
    (statement,) = _trust_statements(_grant().require_source_identity())

    assert ["sts:AssumeRole", "sts:SetSourceIdentity"] == statement["Action"]
    assert {"sts:SourceIdentity": "*"} == statement["Condition"]["StringLike"]


def test_require_source_identity_takes_patterns() -> None:
    """Patterns restrict which source identities are accepted."""
    (statement,) = _trust_statements(_grant().require_source_identity("user-*", "svc-?"))

    assert ["user-*", "svc-?"] == statement["Condition"]["StringLike"]["sts:SourceIdentity"]


def test_allow_source_identity_adds_only_the_action() -> None:
    """allow_source_identity() permits a source identity without requiring one."""
    (statement,) = _trust_statements(_grant().allow_source_identity())

    assert ["sts:AssumeRole", "sts:SetSourceIdentity"] == statement["Action"]
    assert "StringLike" not in statement["Condition"]


def test_allow_source_identity_after_require_is_refused() -> None:
    """Requiring already allows; allowing again is a mistake worth reporting."""
    with pytest.raises(ValidationError, match="implied"):
        _grant().require_source_identity().allow_source_identity()


def test_allow_session_tags_adds_tag_session() -> None:
    """allow_session_tags() adds sts:TagSession under the same conditions."""
    (statement,) = _trust_statements(_grant().allow_session_tags())

    assert ["sts:AssumeRole", "sts:TagSession"] == statement["Action"]
    assert {"StringEquals": {"sts:ExternalId": EXT}} == statement["Condition"]


def test_allow_session_tags_with_keys_restricts_tag_keys() -> None:
    """Keys become ForAllValues:StringEquals on aws:TagKeys."""
    (statement,) = _trust_statements(_grant().allow_session_tags(["team", "cost-center"]))

    assert {"aws:TagKeys": ["team", "cost-center"]} == statement["Condition"][
        "ForAllValues:StringEquals"
    ]


def test_tags_and_source_identity_together_list_all_three_actions() -> None:
    """All STS actions share one statement, in a fixed order."""
    grant = _grant().allow_source_identity().allow_session_tags()

    assert ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] == _trust_statements(
        grant
    )[0]["Action"]


@pytest.mark.parametrize(
    ("keys", "field"),
    [
        (["aws:reserved"], "session_tag_keys"),
        (["team", "Team"], "session_tag_keys[1]"),
        (["team", "\u540d\u524d"], "session_tag_keys[1]"),
        ([], "session_tag_keys"),
    ],
)
def test_invalid_session_tag_keys_are_refused(keys: list[str], field: str) -> None:
    """Tag keys follow the tag rules, are unique ignoring case, and are not an empty list."""
    with pytest.raises(ValidationError) as exc_info:
        _grant().allow_session_tags(keys)

    assert field == exc_info.value.field


def test_session_tag_keys_need_session_tags_allowed() -> None:
    """Constructing keys without allowing session tags is inconsistent."""
    with pytest.raises(ValidationError, match="session_tags_allowed"):
        _grant(session_tag_keys=["team"])


@pytest.mark.parametrize(
    "twice",
    [
        lambda g: g.require_org_id("o-a1b2c3d4e5").require_org_id("o-a1b2c3d4e6"),
        lambda g: g.restrict_session_name("a*").restrict_session_name("b*"),
        lambda g: g.require_source_identity().require_source_identity("x*"),
        lambda g: g.allow_source_identity().allow_source_identity(),
        lambda g: g.allow_session_tags().allow_session_tags(["team"]),
    ],
)
def test_options_can_be_set_only_once(twice: Any) -> None:
    """Setting a set-once option a second time is a clear error."""
    with pytest.raises(ValidationError, match="only once"):
        twice(_grant())


def test_trust_policy_over_quota_raises_policy_size_error() -> None:
    """A trust policy larger than the quota raises PolicySizeError with the numbers."""
    ids = [f"{i:02d}" + "x" * 1000 for i in range(3)]

    with pytest.raises(PolicySizeError) as exc_info:
        _grant(external_id=ids).trust_policy()

    error = exc_info.value
    assert ("trust_policy", 2048) == (error.field, error.limit)
    assert error.size > error.limit


def test_raised_trust_quota_accepts_a_larger_policy() -> None:
    """trust_policy_quota can be raised for accounts with a higher quota."""
    ids = [f"{i:02d}" + "x" * 1000 for i in range(3)]

    assert _grant(external_id=ids, trust_policy_quota=4096).trust_policy().size() > 2048


def test_grant_tags_leave_room_for_the_ownership_tag() -> None:
    """49 tags provision (IAM's 50 with the ownership tag); 50, or the reserved key, do not."""
    forty_nine = {f"k{i}": "v" for i in range(49)}

    spec = _grant(tags=forty_nine).role_spec()

    assert 50 == len(spec.role_tags)
    with pytest.raises(ValidationError) as too_many:
        _grant(tags={**forty_nine, "k49": "v"})
    assert "tags" == too_many.value.field
    with pytest.raises(ValidationError) as reserved:
        _grant(tags={"team": "audit", "XAccess:Managed": "true"})
    assert "tags[1].key" == reserved.value.field


@pytest.mark.parametrize("quota", [10241, 20480])
def test_the_inline_policies_quota_cannot_be_raised(quota: int) -> None:
    """IAM's 10240 for a role's inline policies is fixed: a grant may lower it, not raise it."""
    assert 300 == _grant(inline_policies_quota=300).inline_policies_quota

    with pytest.raises(ValidationError) as caught:
        _grant(inline_policies_quota=quota)

    assert "inline_policies_quota" == caught.value.field


def test_role_spec_carries_a_raised_trust_quota() -> None:
    """Provisioning checks the trust policy against the grant's quota, not the default."""
    ids = [f"{i:02d}" + "x" * 1000 for i in range(3)]

    spec = _grant(external_id=ids, trust_policy_quota=4096).role_spec()

    assert 4096 == spec.trust_policy_quota
    assert spec.trust_policy.size() > 2048


def test_trust_policy_passes_its_own_checks() -> None:
    """The emitted trust policy is valid for a trust policy and round-trips through JSON."""
    trust = _grant().allow_session_tags().require_source_identity().trust_policy()
    trust.check_trust_policy()

    assert trust == PolicyDocument.from_json(trust.to_json())


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


# -- permission policies --------------------------------------------------------------------


def test_allow_builds_one_inline_policy_named_after_the_role() -> None:
    """allow() statements go into one policy, ROLE-0."""
    grant = _grant().allow(["s3:GetObject"], [OBJECTS])

    assert (
        NamedPolicy(
            "AcmeAudit-0",
            PolicyDocument([Statement("Allow", actions=("s3:GetObject",), resources=(OBJECTS,))]),
        ),
    ) == grant.permission_policies()


def test_inline_policy_prefix_names_the_policies() -> None:
    """inline_policy_prefix replaces the role name in policy names."""
    grant = _grant(inline_policy_prefix="vendor-access").allow("s3:GetObject", OBJECTS)

    assert ["vendor-access-0"] == [p.name for p in grant.permission_policies()]


def test_grant_without_statements_has_no_inline_policy() -> None:
    """Only managed policies (or none): no inline policy is emitted."""
    assert () == _grant().attach("arn:aws:iam::aws:policy/SecurityAudit").permission_policies()


def test_conditions_mapping_is_parsed_with_the_model_rules() -> None:
    """Conditions are {operator: {key: value(s)}}; tuples are accepted as lists."""
    grant = _grant().allow(
        "s3:ListBucket",
        BUCKET,
        {"StringLike": {"s3:prefix": ("logs/*", "audit/*")}, "Bool": {"aws:SecureTransport": True}},
    )

    assert {
        "Bool": {"aws:SecureTransport": True},
        "StringLike": {"s3:prefix": ["logs/*", "audit/*"]},
    } == _permissions(grant)[0]["Condition"]


def test_deny_builds_a_deny_statement_with_a_sid() -> None:
    """deny() adds an explicit Deny, here with a Sid."""
    grant = _grant().deny("s3:DeleteObject", OBJECTS, sid="NoDelete")

    assert [
        {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": OBJECTS}
    ] == _permissions(grant)


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (("s3GetObject", OBJECTS), {}, "actions"),
        ((["s3:GetObject", "s3 Get"], OBJECTS), {}, "actions[1]"),
        (([], OBJECTS), {}, "actions"),
        ((42, OBJECTS), {}, "actions"),
        (([42], OBJECTS), {}, "actions[0]"),
        (("s3:GetObject", "bucket"), {}, "resources"),
        (("s3:GetObject", [OBJECTS, "arn:aws:s3:us-east-1::x"]), {}, "resources[1]"),
        (("s3:GetObject", OBJECTS, {"StringEqualz": {"a:b": "c"}}), {}, "conditions.StringEqualz"),
        (("s3:GetObject", OBJECTS, {"StringEquals": {"nocolon": "c"}}), {}, "conditions"),
        (("s3:GetObject", OBJECTS, "x"), {}, "conditions"),
        (("s3:GetObject", OBJECTS), {"sid": "not valid"}, "sid"),
    ],
)
def test_invalid_permission_arguments_are_refused(
    args: tuple[Any, ...], kwargs: dict[str, Any], field: str
) -> None:
    """allow() checks actions, resources, conditions and Sid, naming the argument."""
    with pytest.raises(ValidationError) as exc_info:
        _grant().allow(*args, **kwargs)

    assert exc_info.value.field.startswith(field)


def test_duplicate_sid_is_refused() -> None:
    """Sids are unique across the grant."""
    grant = _grant().allow("s3:GetObject", OBJECTS, sid="Read")

    with pytest.raises(ValidationError, match="already used") as exc_info:
        grant.deny("s3:DeleteObject", OBJECTS, sid="Read")

    assert "sid" == exc_info.value.field


def test_statements_with_the_same_resources_merge_their_actions() -> None:
    """Same effect, resources and conditions: one statement with the actions united."""
    grant = (
        _grant()
        .allow("s3:GetObject", [BUCKET, OBJECTS])
        .allow(["s3:ListBucket", "s3:getobject"], [OBJECTS, BUCKET])
    )

    assert [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [BUCKET, OBJECTS],
        }
    ] == _permissions(grant)


def test_statements_with_the_same_actions_merge_their_resources() -> None:
    """Same effect, actions and conditions: one statement with the resources united."""
    grant = _grant().allow("s3:GetObject", OBJECTS).allow("s3:GetObject", "arn:aws:s3:::other/*")

    assert [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": [OBJECTS, "arn:aws:s3:::other/*"]}
    ] == _permissions(grant)


def test_merging_repeats_until_nothing_changes() -> None:
    """A grid of actions and resources collapses into one statement."""
    grant = (
        _grant()
        .allow("s3:GetObject", OBJECTS)
        .allow("s3:GetObject", BUCKET)
        .allow("s3:ListBucket", OBJECTS)
        .allow("s3:ListBucket", BUCKET)
    )

    assert 1 == len(_permissions(grant))


def test_different_conditions_effects_and_sids_are_never_merged() -> None:
    """Statements differing in conditions or effect, or carrying a Sid, stay apart."""
    secure = {"Bool": {"aws:SecureTransport": "true"}}
    grant = (
        _grant()
        .allow("s3:GetObject", OBJECTS)
        .allow("s3:PutObject", OBJECTS, secure)
        .deny("s3:DeleteObject", OBJECTS)
        .allow("s3:GetObjectAcl", OBJECTS, sid="Acl")
    )

    assert 4 == len(_permissions(grant))


def test_exact_duplicates_are_dropped() -> None:
    """Asking for the same permission twice emits it once."""
    grant = _grant().allow("s3:GetObject", OBJECTS).allow("s3:GetObject", OBJECTS)

    assert [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECTS}] == _permissions(
        grant
    )


def test_conditions_equal_up_to_key_case_and_value_order_merge() -> None:
    """Condition keys ignore case and values are a set, so these conditions are equal."""
    grant = (
        _grant()
        .allow("s3:GetObject", OBJECTS, {"StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}})
        .allow("s3:PutObject", OBJECTS, {"StringEquals": {"aws:sourcevpc": ["vpc-2", "vpc-1"]}})
    )

    assert 1 == len(_permissions(grant))


def test_permission_policies_over_quota_suggest_managed_policies() -> None:
    """Too many statements raise PolicySizeError with a note on managed policies."""
    grant = _grant(inline_policies_quota=300)
    for i in range(6):
        grant = grant.allow(f"s3:Get{i}", f"arn:aws:s3:::bucket{i}/*", sid=f"S{i}")

    with pytest.raises(PolicySizeError) as exc_info:
        grant.permission_policies()

    error = exc_info.value
    assert ("permission_policies", 300) == (error.field, error.limit)
    assert "into 1 customer-managed policy" in error.__notes__[0]


def test_statement_too_large_for_a_managed_policy_says_so() -> None:
    """When one statement alone exceeds a managed policy, the note says to split it."""
    resources = [f"arn:aws:s3:::bucket-{i:04d}-{'x' * 40}/*" for i in range(200)]
    grant = _grant().allow("s3:GetObject", resources)

    with pytest.raises(PolicySizeError) as exc_info:
        grant.permission_policies()

    assert "split its actions or resources" in exc_info.value.__notes__[0]


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        (Statement("Allow", not_actions=("s3:*",), resources=("*",)), "NotAction"),
        (Statement("Allow", actions=("s3:*",), not_resources=("*",)), "NotResource"),
        (Statement("Allow", actions=("s3:*",)), "needs resources"),
    ],
)
def test_unsupported_statements_are_refused(statement: Statement, rule: str) -> None:
    """Statements given directly must be plain Action/Resource statements."""
    with pytest.raises(ValidationError, match=rule) as exc_info:
        _grant(statements=[statement])

    assert "statements[0]" == exc_info.value.field


def test_statement_with_a_principal_is_refused() -> None:
    """A permission statement cannot name a principal."""
    statement = Statement.from_dict(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}
    )

    with pytest.raises(ValidationError, match="principal"):
        _grant(statements=[statement])


@pytest.mark.parametrize(
    ("statements", "field"),
    [("not statements", "statements"), ([{"Effect": "Allow"}], "statements[0]"), (3, "statements")],
)
def test_statements_must_be_statement_values(statements: object, field: str) -> None:
    """statements= takes Statement values only."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(statements=statements)

    assert field == exc_info.value.field


def test_statements_with_one_sid_twice_are_refused() -> None:
    """Sids given directly must be unique too."""
    statement = Statement("Allow", actions=("s3:*",), resources=("*",), sid="A")

    with pytest.raises(ValidationError, match="repeats the Sid"):
        _grant(statements=[statement, statement])


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


# -- role ARN and handoff -------------------------------------------------------------------


def test_role_arn_includes_the_path() -> None:
    """The role ARN is built from partition, account, path and name."""
    grant = _grant(path="/vendors/acme/")

    assert "arn:aws:iam::444455556666:role/vendors/acme/AcmeAudit" == grant.role_arn(CUSTOMER)


def test_role_arn_in_another_partition_is_refused() -> None:
    """The partition must be the grant's."""
    with pytest.raises(ValidationError, match="not 'aws-cn'") as exc_info:
        _grant().role_arn(CUSTOMER, partition="aws-cn")

    assert "partition" == exc_info.value.field


def test_role_arn_accepts_the_grants_own_partition() -> None:
    """Passing the grant's partition explicitly is fine."""
    assert _grant().role_arn(CUSTOMER) == _grant().role_arn(CUSTOMER, partition="aws")


@pytest.mark.parametrize(("account", "match"), [(VENDOR, "trusts"), ("1234", "12 digits")])
def test_role_arn_refuses_a_trusted_or_malformed_account(account: str, match: str) -> None:
    """The role lives in the customer's account: never a trusted one, always 12 digits."""
    with pytest.raises(ValidationError, match=match) as exc_info:
        _grant().role_arn(account)

    assert "account_id" == exc_info.value.field


def test_handoff_carries_what_the_vendor_needs() -> None:
    """The handoff has the role ARN, the current ID, all IDs and the session rules."""
    grant = (
        _grant(external_id=[EXT, EXT2], max_session_duration=7200)
        .restrict_session_name("acme-*")
        .require_source_identity("svc-*")
        .allow_session_tags(["team"])
        .require_org_id("o-a1b2c3d4e5")
    )

    handoff = grant.handoff(CUSTOMER)

    assert {
        "role_arn": "arn:aws:iam::444455556666:role/AcmeAudit",
        "external_id": EXT2,
        "external_ids": [EXT, EXT2],
        "trusted_principals": [f"arn:aws:iam::{VENDOR}:root"],
        "max_session_duration": 7200,
        "session_name_patterns": ["acme-*"],
        "source_identity_required": True,
        "source_identity_patterns": ["svc-*"],
        "source_identity_allowed": True,
        "session_tags_allowed": True,
        "session_tag_keys": ["team"],
        "required_org_ids": ["o-a1b2c3d4e5"],
    } == handoff.to_dict()
    assert handoff.to_dict() == json.loads(handoff.to_json(indent=2))


def test_handoff_of_a_minimal_grant() -> None:
    """Without options the handoff says any session name and no tags or source identity."""
    handoff = _grant().handoff(CUSTOMER)

    assert (
        Handoff(
            role_arn="arn:aws:iam::444455556666:role/AcmeAudit",
            external_id=EXT,
            external_ids=(EXT,),
            trusted_principals=(f"arn:aws:iam::{VENDOR}:root",),
            max_session_duration=3600,
        )
        == handoff
    )


def test_handoff_refuses_an_incomplete_grant() -> None:
    """No handoff for a grant whose trust policy cannot be built."""
    with pytest.raises(ValidationError, match="external ID"):
        _grant(external_id=None).handoff(CUSTOMER)


def test_handoff_repr_hides_external_ids() -> None:
    """The handoff's repr counts the external IDs instead of showing them."""
    text = repr(_grant(external_id=[EXT, EXT2]).handoff(CUSTOMER))

    assert (False, True) == (EXT in text, "<2 external IDs>" in text)


# -- serialisation and reading --------------------------------------------------------------


def _full_grant() -> ThirdPartyGrant:
    return (
        ThirdPartyGrant(
            role_name="AcmeAudit",
            trusted_account=VENDOR,
            trusted_principal=f"arn:aws:iam::{OTHER_VENDOR}:role/Scanner",
            trusted_principals=["999988887777"],
            external_id=[EXT, EXT2],
            path="/vendors/",
            description="Acme audit access",
            max_session_duration=7200,
            tags={"team": "security", "vendor": "acme"},
            permissions_boundary=BOUNDARY,
            trust_policy_quota=4096,
            inline_policies_quota=10240,
            max_managed_policies=12,
            inline_policy_prefix="acme",
        )
        .require_org_id("o-a1b2c3d4e5")
        .restrict_session_name("acme-*")
        .require_source_identity("svc-*")
        .allow_session_tags(["team"])
        .allow(["s3:GetObject"], [OBJECTS], {"Bool": {"aws:SecureTransport": "true"}}, sid="Read")
        .deny("s3:DeleteObject", OBJECTS)
        .attach("arn:aws:iam::aws:policy/SecurityAudit")
    )


def test_to_dict_round_trips_exactly() -> None:
    """from_dict(to_dict()) gives an equal grant, for a grant using every setting."""
    grant = _full_grant()

    assert grant == ThirdPartyGrant.from_dict(grant.to_dict())


def test_to_json_round_trips_and_is_stable() -> None:
    """to_json output parses back to an equal grant that emits the same text."""
    text = _full_grant().to_json(indent=2)

    assert text == ThirdPartyGrant.from_json(text).to_json(indent=2)


def test_to_dict_lists_every_setting() -> None:
    """to_dict has every key, defaults included, for stable diffs."""
    data = _grant().to_dict()

    assert {
        "schema": "xaccess.grant/1",
        "role_name": "AcmeAudit",
        "path": "/",
        "description": None,
        "max_session_duration": 3600,
        "tags": {},
        "partition": None,
        "trusted_account": VENDOR,
        "trusted_principal": None,
        "trusted_principals": [],
        "pin": "condition",
        "external_ids": [EXT],
        "allow_missing_external_id": False,
        "org_ids": [],
        "session_name_patterns": [],
        "source_identity_patterns": None,
        "source_identity_allowed": False,
        "session_tags_allowed": False,
        "session_tag_keys": None,
        "statements": [],
        "managed_policy_arns": [],
        "permissions_boundary": None,
        "trust_policy_quota": 2048,
        "inline_policies_quota": 10240,
        "max_managed_policies": 10,
        "inline_policy_prefix": None,
    } == data


def test_from_dict_fills_defaults_for_missing_keys() -> None:
    """A hand-written dict needs only what differs from the defaults."""
    grant = ThirdPartyGrant.from_dict(
        {"role_name": "AcmeAudit", "trusted_account": VENDOR, "external_ids": [EXT], "tags": None}
    )

    assert _grant() == grant


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "grant"),
        ({"role_name": "R", "bogus": 1}, "bogus"),
        ({"role_name": "R", "schema": "xaccess.grant/2"}, "schema"),
        ({"trusted_account": VENDOR}, "role_name"),
        ({"role_name": "R", "statements": "x"}, "statements"),
        ({"role_name": "R", "statements": [{"Effect": "Allow"}]}, "statements[0].Action"),
        ({"role_name": "has space"}, "role_name"),
    ],
)
def test_from_dict_refuses_what_is_not_a_grant(data: object, field: str) -> None:
    """from_dict validates like the constructor and names the offending key."""
    with pytest.raises(ValidationError) as exc_info:
        ThirdPartyGrant.from_dict(data)

    assert field == exc_info.value.field


def test_from_json_refuses_malformed_json() -> None:
    """Text that is not JSON is a ValidationError, not a JSONDecodeError."""
    with pytest.raises(ValidationError, match="not JSON"):
        ThirdPartyGrant.from_json("{")


def test_grants_are_immutable_values() -> None:
    """Equal grants are equal and hash alike; attributes cannot be assigned."""
    grant = _full_grant()

    assert (_full_grant(), hash(_full_grant())) == (grant, hash(grant))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        grant.role_name = "Other"  # type: ignore[misc]


def test_methods_leave_the_original_grant_unchanged() -> None:
    """Every builder method returns a new grant."""
    grant = _grant()
    grant.allow("s3:GetObject", OBJECTS).attach(BOUNDARY).require_org_id("o-a1b2c3d4e5")

    assert _grant() == grant


def test_repr_is_readable_and_hides_external_ids() -> None:
    """repr names the role and principals and counts the external IDs."""
    text = repr(_full_grant())

    assert text.startswith("ThirdPartyGrant(role_name='AcmeAudit', path='/vendors/', trusted=[")
    assert "external_ids=<2 external IDs>" in text
    assert EXT not in text


def test_repr_shows_pin_arn() -> None:
    """A non-default pin appears in the repr."""
    assert "pin='arn'" in repr(_grant(pin="arn"))


def test_describe_summarises_without_external_ids() -> None:
    """describe() lists trust, options and permissions; external IDs are only counted."""
    text = _full_grant().describe()

    assert text.splitlines()[:3] == [
        "Role /vendors/AcmeAudit (aws)",
        f"  trusts arn:aws:iam::{VENDOR}:root (account)",
        f"  trusts arn:aws:iam::{OTHER_VENDOR}:role/Scanner (role, pinned by aws:PrincipalArn)",
    ]
    assert "  external IDs: 2 (StringEquals sts:ExternalId)" in text
    assert "  DENY s3:DeleteObject on arn:aws:s3:::acme-logs/*" in text
    assert EXT not in text


def test_describe_of_an_incomplete_grant_says_what_is_missing() -> None:
    """describe() shows that no one is trusted and that the external ID is missing."""
    text = ThirdPartyGrant(role_name="R").allow_source_identity().describe()

    assert [
        "Role /R (aws)",
        "  trusts no one yet",
        "  external ID: none (REQUIRED, not set)",
        "  source identity allowed",
        "  max session: 3600 s",
    ] == text.splitlines()


def test_describe_names_arn_pins_and_the_opt_out() -> None:
    """describe() says when a role is named in Principal and when no external ID is allowed."""
    grant = _grant(
        trusted_account=None,
        trusted_principal=SCANNER,
        pin="arn",
        external_id=None,
        allow_missing_external_id=True,
    ).allow_session_tags()

    assert [
        "Role /AcmeAudit (aws)",
        f"  trusts {SCANNER} (role, named in Principal)",
        "  external ID: none (allowed)",
        "  session tags allowed: any keys",
        "  max session: 3600 s",
    ] == grant.describe().splitlines()


def test_named_policy_validates_its_fields() -> None:
    """NamedPolicy checks the policy name and the document type."""
    document = PolicyDocument([Statement("Allow", actions=("s3:*",), resources=("*",))])
    with pytest.raises(ValidationError) as name_error:
        NamedPolicy("bad name", document)
    with pytest.raises(ValidationError) as document_error:
        NamedPolicy("ok", {"Statement": []})  # type: ignore[arg-type]

    assert ("name", "document") == (name_error.value.field, document_error.value.field)


# -- offline evaluation ---------------------------------------------------------------------


def test_can_assume_allows_the_trusted_role_with_the_external_id() -> None:
    """A session of the pinned role with the right external ID may assume the role."""
    grant = _grant(trusted_account=None, trusted_principal=SCANNER)

    assert grant.can_assume(SCANNER, external_id=EXT).allowed


@pytest.mark.parametrize(
    ("principal", "external_id"),
    [
        (SCANNER, None),
        (SCANNER, EXT.upper()),
        (SCANNER, EXT + "x"),
        (SCANNER, "*"),
        (f"arn:aws:iam::{VENDOR}:role/Other", EXT),
        (f"arn:aws:iam::{OTHER_VENDOR}:role/Scanner", EXT),
        ("*", EXT),
    ],
)
def test_can_assume_refuses_everyone_else(principal: str, external_id: str | None) -> None:
    """Wrong or missing IDs, other roles, other accounts and anonymous callers are refused."""
    grant = _grant(trusted_account=None, trusted_principal=SCANNER)

    assert not grant.can_assume(principal, external_id=external_id).allowed


def test_can_assume_refuses_the_customers_own_account() -> None:
    """A principal of the account that owns the role is not trusted by a third-party grant."""
    decision = _grant().can_assume(
        f"arn:aws:iam::{CUSTOMER}:role/Admin", external_id=EXT, account_id=CUSTOMER
    )

    assert "implicit_deny" == decision.outcome


def test_can_assume_resolves_the_path_of_a_pinned_roles_session() -> None:
    """A session ARN has no role path; the pinned role's ARN supplies it."""
    role = f"arn:aws:iam::{VENDOR}:role/team/Scanner"
    grant = _grant(trusted_account=None, trusted_principal=role)

    session = f"arn:aws:sts::{VENDOR}:assumed-role/Scanner/run-1"
    assert grant.can_assume(session, external_id=EXT).allowed


def test_can_assume_does_not_resolve_other_sessions() -> None:
    """A session of another role (or of a role in another account) stays untrusted."""
    grant = _grant(
        trusted_account=None, trusted_principal=f"arn:aws:iam::{VENDOR}:role/team/Scanner"
    )

    assert [False, False] == [
        grant.can_assume(
            f"arn:aws:sts::{account}:assumed-role/{name}/run-1", external_id=EXT
        ).allowed
        for account, name in ((VENDOR, "Other"), (OTHER_VENDOR, "Scanner"))
    ]


def test_can_assume_refuses_a_malformed_principal() -> None:
    """The principal must be a string the evaluator understands."""
    with pytest.raises(ValidationError) as exc_info:
        _grant().can_assume(42)  # type: ignore[arg-type]

    assert "principal_arn" == exc_info.value.field


def test_can_assume_checks_session_name_patterns() -> None:
    """With a session-name restriction the session name must match."""
    grant = _grant().restrict_session_name("acme-*")
    caller = f"arn:aws:iam::{VENDOR}:role/Any"

    assert [True, False, False] == [
        grant.can_assume(caller, external_id=EXT, session_name=name).allowed
        for name in ("acme-1", "other", None)
    ]


def test_can_assume_with_tags_needs_tag_session() -> None:
    """Session tags are refused until allowed, then limited to the allowed keys."""
    caller = f"arn:aws:iam::{VENDOR}:role/Any"
    plain = _grant()
    tagged = plain.allow_session_tags(["team"])

    assert [False, True, False] == [
        plain.can_assume(caller, external_id=EXT, session_tags={"team": "a"}).allowed,
        tagged.can_assume(caller, external_id=EXT, session_tags={"team": "a"}).allowed,
        tagged.can_assume(caller, external_id=EXT, session_tags={"owner": "b"}).allowed,
    ]


def test_can_assume_with_source_identity() -> None:
    """A source identity needs sts:SetSourceIdentity; a required one must match."""
    caller = f"arn:aws:iam::{VENDOR}:role/Any"
    required = _grant().require_source_identity("svc-*")

    assert [False, True, False, False] == [
        _grant().can_assume(caller, external_id=EXT, source_identity="svc-a").allowed,
        required.can_assume(caller, external_id=EXT, source_identity="svc-a").allowed,
        required.can_assume(caller, external_id=EXT, source_identity="user-a").allowed,
        required.can_assume(caller, external_id=EXT).allowed,
    ]


def test_can_assume_checks_the_organization() -> None:
    """With require_org_id the caller's aws:PrincipalOrgID must match."""
    grant = _grant().require_org_id("o-a1b2c3d4e5")
    caller = f"arn:aws:iam::{VENDOR}:role/Any"

    assert [True, False] == [
        grant.can_assume(caller, external_id=EXT, context={"aws:PrincipalOrgID": org}).allowed
        for org in ("o-a1b2c3d4e5", "o-zzzzzzzzzz")
    ]


def test_can_assume_uses_the_given_identity_policies() -> None:
    """Cross account, the caller's own identity policies must allow too."""
    decision = _grant().can_assume(
        f"arn:aws:iam::{VENDOR}:role/Any", external_id=EXT, identity_policies=[]
    )

    assert "implicit_deny" == decision.outcome


def test_can_assume_refuses_an_incomplete_grant() -> None:
    """Evaluating a grant without an external ID is the same error as building it."""
    with pytest.raises(ValidationError, match="external ID"):
        _grant(external_id=None).can_assume(f"arn:aws:iam::{VENDOR}:role/Any")


def test_permits_follows_allows_and_denies() -> None:
    """Granted actions are allowed, others implicitly denied, denies win."""
    grant = _grant().allow("s3:GetObject", OBJECTS).deny("s3:GetObject", f"{BUCKET}/secret/*")

    assert ["allow", "implicit_deny", "explicit_deny"] == [
        grant.permits("s3:GetObject", f"{BUCKET}/a").outcome,
        grant.permits("s3:PutObject", f"{BUCKET}/a").outcome,
        grant.permits("s3:GetObject", f"{BUCKET}/secret/a").outcome,
    ]


def test_permits_evaluates_conditions_against_the_context() -> None:
    """Conditions see the context passed to permits()."""
    grant = _grant().allow("s3:GetObject", OBJECTS, {"Bool": {"aws:SecureTransport": "true"}})

    assert [True, False] == [
        grant.permits("s3:GetObject", f"{BUCKET}/a", context={"aws:SecureTransport": s}).allowed
        for s in (True, False)
    ]


def test_permits_sees_the_roles_own_arn() -> None:
    """aws:PrincipalArn is the role ARN, path included."""
    grant = _grant(path="/vendors/").allow(
        "s3:GetObject",
        f"{BUCKET}/${{aws:PrincipalAccount}}/*",
        {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/vendors/AcmeAudit"}},
    )

    assert grant.permits("s3:GetObject", f"{BUCKET}/{CUSTOMER}/x", account_id=CUSTOMER).allowed


def test_permits_uses_the_resources_account_by_default() -> None:
    """A resource in an account is evaluated as the role's own account."""
    table = f"arn:aws:dynamodb:eu-west-1:{CUSTOMER}:table/Audit"
    grant = _grant().allow("dynamodb:Query", table)

    assert grant.permits("dynamodb:Query", table).allowed
    assert not grant.permits("dynamodb:Query", table, account_id="999988887777").allowed


def test_permits_includes_managed_policy_documents_given() -> None:
    """Attached managed policies count when their documents are passed."""
    audit = "arn:aws:iam::aws:policy/SecurityAudit"
    document = PolicyDocument([Statement("Allow", actions=("iam:Get*",), resources=("*",))])
    grant = _grant().attach(audit)

    assert [False, True] == [
        grant.permits("iam:GetRole", "*").allowed,
        grant.permits("iam:GetRole", "*", policy_documents={audit: document}).allowed,
    ]


def test_permits_needs_the_boundary_document() -> None:
    """A boundary limits everything, so permits() refuses to guess without it."""
    grant = _grant(permissions_boundary=BOUNDARY).allow("s3:GetObject", OBJECTS)

    with pytest.raises(ValidationError, match="permissions boundary") as exc_info:
        grant.permits("s3:GetObject", f"{BUCKET}/a")

    assert "policy_documents" == exc_info.value.field


def test_permits_applies_the_boundary() -> None:
    """An action outside the boundary is denied even though a statement allows it."""
    boundary = PolicyDocument([Statement("Allow", actions=("s3:Get*",), resources=("*",))])
    grant = (
        _grant(permissions_boundary=BOUNDARY)
        .allow("s3:GetObject", OBJECTS)
        .allow("s3:PutObject", OBJECTS)
    )
    documents = {BOUNDARY: boundary}

    assert [True, False] == [
        grant.permits(action, f"{BUCKET}/a", policy_documents=documents).allowed
        for action in ("s3:GetObject", "s3:PutObject")
    ]


def test_permission_documents_are_identity_policies() -> None:
    """Emitted permission documents pass the identity-policy checks."""
    grant = _full_grant()
    for policy in grant.permission_policies():
        policy.document.check_identity_policy()

    assert [Condition("Bool", "aws:SecureTransport", ("true",))] == list(
        grant.statements[0].conditions
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role_name": 7}, "role_name"),
        ({"source_identity_patterns": ()}, "source_identity_patterns"),
        ({"session_name_patterns": ["ok", 5]}, "session_name_patterns[1]"),
        ({"org_ids": ["o-a1b2c3d4e5", "o-a1b2c3d4e5"]}, "org_ids[1]"),
    ],
)
def test_builder_state_given_directly_is_validated(kwargs: dict[str, Any], field: str) -> None:
    """Fields normally set by methods are validated when passed to the constructor."""
    with pytest.raises(ValidationError) as exc_info:
        _grant(**kwargs)

    assert field == exc_info.value.field


def test_allow_accepts_any_iterable_of_strings() -> None:
    """Actions and resources may come from a generator."""
    grant = _grant().allow((a for a in ["s3:GetObject"]), iter([OBJECTS]))

    assert [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECTS}] == _permissions(
        grant
    )


def test_over_quota_note_counts_several_managed_policies() -> None:
    """Statements that need more than one managed policy are counted with first-fit."""
    grant = _grant()
    for i in range(5):
        resources = [f"arn:aws:s3:::bucket-{i}-{j:03d}-{'x' * 30}/*" for j in range(45)]
        grant = grant.allow(f"s3:Get{i}", resources, sid=f"S{i}")

    with pytest.raises(PolicySizeError) as exc_info:
        grant.permission_policies()

    assert "into 3 customer-managed policies" in exc_info.value.__notes__[0]


def test_can_assume_leaves_a_malformed_session_arn_to_the_evaluator() -> None:
    """A session ARN that does not parse is reported by the evaluation, naming the principal."""
    grant = _grant(trusted_account=None, trusted_principal=SCANNER)

    with pytest.raises(ValidationError) as exc_info:
        grant.can_assume(f"arn:aws:sts::{VENDOR}:assumed-role/Scanner/x", external_id=EXT)

    assert "principal" == exc_info.value.field


def test_placeholder_account_avoids_trusted_and_calling_accounts() -> None:
    """The default role account is never a trusted account nor the caller's."""
    grant = _grant(trusted_account="000000000000", trusted_principals=["000000000001"])

    decision = grant.can_assume("arn:aws:iam::000000000002:role/Any", external_id=EXT)

    assert "implicit_deny" == decision.outcome
