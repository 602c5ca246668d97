"""The grant's trust policy: trusted principals, external IDs and trust options."""

from __future__ import annotations

from typing import Any

import pytest

from tests.grant.grants import (
    CUSTOMER,
    EXT,
    EXT2,
    OTHER_VENDOR,
    SCANNER,
    VENDOR,
    _grant,
    _trust_statements,
)
from xaccess import PolicySizeError, ValidationError
from xaccess.grant import ThirdPartyGrant
from xaccess.policy import PolicyDocument

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
