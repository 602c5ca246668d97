"""Tests for xaccess.rolespec: the RoleSpec value and the canonical form of policies."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import strategies as pst
from tests.identifiers.strategies import managed_policy_arns, policy_names, role_names, tag_dicts
from xaccess.errors import PolicySizeError, ValidationError
from xaccess.identifiers import RoleArn, Tag
from xaccess.policy import (
    INLINE_POLICIES_SIZE_QUOTA,
    TRUST_POLICY_SIZE_QUOTA,
    PolicyDocument,
)
from xaccess.rolespec import (
    MANAGED_TAG_KEY,
    MANAGED_TAG_VALUE,
    MAX_ROLE_TAGS,
    RoleSpec,
    canonical_policy,
    managed_policy_arn,
    managed_policy_name,
    managed_policy_name_and_path,
)

if TYPE_CHECKING:
    import random

VENDOR = "111122223333"


def _trust(*external_ids: str, principal: str = f"arn:aws:iam::{VENDOR}:root") -> PolicyDocument:
    ids: str | list[str] = external_ids[0] if len(external_ids) == 1 else list(external_ids)
    return PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"AWS": principal},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": ids}},
            },
        }
    )


def _policy(action: str = "s3:GetObject", resource: str | list[str] = "*") -> PolicyDocument:
    return PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": action, "Resource": resource},
        }
    )


TRUST = _trust("ext-0001")
READ = _policy()


def _spec(**changes: Any) -> RoleSpec:
    fields: dict[str, Any] = {"role_name": "AcmeAudit", "trust_policy": TRUST}
    fields.update(changes)
    return RoleSpec(**fields)


# --- construction and normalisation ----------------------------------------------------------


def test_defaults_describe_a_plain_role() -> None:
    """Only the name and trust policy are required; the rest defaults to IAM's defaults."""
    spec = _spec()

    assert ("/", (), (), None, "", 3600, ()) == (
        spec.path,
        spec.inline_policies,
        spec.managed_policy_arns,
        spec.permissions_boundary,
        spec.description,
        spec.max_session_duration,
        spec.tags,
    )


def test_fields_are_keyword_only() -> None:
    """A spec cannot be built positionally, so arguments never land in the wrong field."""
    with pytest.raises(TypeError):
        RoleSpec("AcmeAudit", TRUST)  # type: ignore[call-arg]


def test_spec_is_immutable_and_hashable() -> None:
    """A spec is a frozen value usable as a dict key."""
    spec = _spec(tags={"team": "security"})

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        spec.role_name = "Other"  # type: ignore[misc]
    assert {spec: 1}[_spec(tags={"team": "security"})] == 1


def test_order_of_collections_does_not_matter() -> None:
    """Inline policies, managed policy ARNs and tags are sorted, so order never makes specs
    differ."""
    one = _spec(
        inline_policies={"b": READ, "a": _policy("s3:ListBucket")},
        managed_policy_arns=["arn:aws:iam::aws:policy/Z", "arn:aws:iam::aws:policy/A"],
        tags={"z": "1", "a": "2"},
    )
    two = _spec(
        inline_policies=[("a", _policy("s3:ListBucket")), ("b", READ)],
        managed_policy_arns=("arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/Z"),
        tags=[Tag("a", "2"), Tag("z", "1")],
    )

    assert one == two
    assert hash(one) == hash(two)
    assert ("a", "b") == one.inline_policy_names
    assert ("arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/Z") == one.managed_policy_arns
    assert ("a", "z") == tuple(tag.key for tag in one.tags)


@attrs.frozen
class _Named:
    """Shaped like a named policy from the grant builder."""

    name: str
    document: PolicyDocument


def test_inline_policies_accept_objects_with_a_name_and_a_document() -> None:
    """Named-policy objects are read through their ``name`` and ``document``."""
    spec = _spec(inline_policies=[_Named("Read", READ)])

    assert (("Read", READ),) == spec.inline_policies
    assert READ == spec.inline_policy("Read")


def test_inline_policy_lookup_of_an_unknown_name_is_a_key_error() -> None:
    """Asking for a policy the spec does not have raises KeyError."""
    with pytest.raises(KeyError, match="Nope"):
        _spec(inline_policies={"Read": READ}).inline_policy("Nope")


def test_max_session_duration_accepts_a_timedelta_and_stores_seconds() -> None:
    """A whole-seconds timedelta is stored as an int number of seconds."""
    assert 7200 == _spec(max_session_duration=dt.timedelta(hours=2)).max_session_duration


def test_role_tags_add_the_ownership_tag() -> None:
    """The role carries the spec's tags plus the ownership tag, sorted by key."""
    spec = _spec(tags={"zone": "eu", "app": "audit"})

    assert (
        Tag("app", "audit"),
        Tag(MANAGED_TAG_KEY, MANAGED_TAG_VALUE),
        Tag("zone", "eu"),
    ) == spec.role_tags


def test_role_arn_includes_the_path() -> None:
    """The ARN the role gets in an account carries its path."""
    spec = _spec(path="/vendors/acme/")

    assert RoleArn("aws-cn", "444455556666", "/vendors/acme/", "AcmeAudit") == spec.role_arn(
        account_id="444455556666", partition="aws-cn"
    )


def test_tags_may_be_none() -> None:
    """``tags=None`` means no tags."""
    assert () == _spec(tags=None).tags


# --- validation ------------------------------------------------------------------------------

_TOO_MANY_TAGS = {f"k{i}": "v" for i in range(MAX_ROLE_TAGS)}

INVALID: list[tuple[dict[str, Any], str]] = [
    ({"role_name": "has space"}, "role_name"),
    ({"role_name": "x" * 65}, "role_name"),
    ({"role_name": 7}, "role_name"),
    ({"path": "no-slashes"}, "path"),
    ({"path": "//"}, "path"),
    ({"trust_policy": {"Version": "2012-10-17"}}, "trust_policy"),
    ({"trust_policy": READ}, "trust_policy.Statement[0].Principal"),
    ({"inline_policies": {"Read": TRUST}}, "inline_policies['Read'].Statement[0].Principal"),
    ({"inline_policies": {"bad name": READ}}, "inline_policies[0].name"),
    ({"inline_policies": {"Read": READ.to_dict()}}, "inline_policies['Read']"),
    ({"inline_policies": [("Read", READ), ("Read", READ)]}, "inline_policies['Read']"),
    ({"inline_policies": [1]}, "inline_policies[0]"),
    ({"inline_policies": 1}, "inline_policies"),
    ({"managed_policy_arns": "arn:aws:iam::aws:policy/A"}, "managed_policy_arns"),
    ({"managed_policy_arns": ["arn:aws:s3:::bucket"]}, "managed_policy_arns[0]"),
    (
        {"managed_policy_arns": ["arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/A"]},
        "managed_policy_arns[1]",
    ),
    ({"managed_policy_arns": [1]}, "managed_policy_arns[0]"),
    ({"permissions_boundary": "arn:aws:iam::aws:role/A"}, "permissions_boundary"),
    ({"description": "x" * 1001}, "description"),
    ({"description": "emoji \U0001f600"}, "description"),
    ({"max_session_duration": 3599}, "max_session_duration"),
    ({"max_session_duration": 43201}, "max_session_duration"),
    ({"max_session_duration": True}, "max_session_duration"),
    ({"max_session_duration": 3600.0}, "max_session_duration"),
    ({"tags": "team=security"}, "tags"),
    ({"tags": 5}, "tags"),
    ({"tags": {"aws:team": "x"}}, "tags[0].key"),
    ({"tags": {"team": "x" * 257}}, "tags[0].value"),
    ({"tags": {"Team": "a", "team": "b"}}, "tags"),
    ({"tags": {MANAGED_TAG_KEY: "true"}}, "tags"),
    ({"tags": {"XAccess:Managed": "yes"}}, "tags"),
    ({"tags": _TOO_MANY_TAGS}, "tags"),
]


@pytest.mark.parametrize(("changes", "field"), INVALID, ids=lambda v: repr(v)[:40])
def test_invalid_fields_are_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    """Every invalid field raises ValidationError that names it."""
    with pytest.raises(ValidationError) as caught:
        _spec(**changes)

    assert field == caught.value.field


def test_forty_nine_tags_leave_room_for_the_ownership_tag() -> None:
    """49 tags are fine: with the ownership tag the role has IAM's maximum of 50."""
    spec = _spec(tags={f"k{i}": "v" for i in range(MAX_ROLE_TAGS - 1)})

    assert MAX_ROLE_TAGS == len(spec.role_tags)


def test_a_trust_policy_over_the_quota_is_a_size_error() -> None:
    """A trust policy over 2048 characters (without whitespace) is refused before any call."""
    ids = [f"external-id-{i:04d}-{'x' * 20}" for i in range(80)]

    with pytest.raises(PolicySizeError) as caught:
        _spec(trust_policy=_trust(*ids))

    assert ("trust_policy", TRUST_POLICY_SIZE_QUOTA) == (caught.value.field, caught.value.limit)


def test_a_raised_trust_policy_quota_admits_a_larger_trust_policy() -> None:
    """An account whose trust policy quota was raised may say so; the spec then allows more."""
    ids = [f"external-id-{i:04d}-{'x' * 20}" for i in range(80)]
    trust = _trust(*ids)
    assert trust.size() > TRUST_POLICY_SIZE_QUOTA

    spec = _spec(trust_policy=trust, trust_policy_quota=4096)

    assert (trust, 4096) == (spec.trust_policy, spec.trust_policy_quota)
    with pytest.raises(PolicySizeError) as caught:
        _spec(trust_policy=trust, trust_policy_quota=trust.size() - 1)
    assert trust.size() - 1 == caught.value.limit


@pytest.mark.parametrize("quota", [0, -5, True, 2048.0, "4096", None])
def test_a_trust_policy_quota_that_is_not_a_positive_int_is_refused(quota: object) -> None:
    """The quota is a positive int: bools, floats, strings and None are refused by name."""
    with pytest.raises(ValidationError) as caught:
        _spec(trust_policy_quota=quota)

    assert "trust_policy_quota" == caught.value.field


def test_inline_policies_over_the_role_quota_are_a_size_error() -> None:
    """All inline policies together may not exceed 10240 characters."""
    big = _policy(resource=f"arn:aws:s3:::{'b' * 3000}/*")
    policies = {f"P{i}": big for i in range(4)}

    with pytest.raises(PolicySizeError) as caught:
        _spec(inline_policies=policies)

    assert ("inline_policies", INLINE_POLICIES_SIZE_QUOTA) == (
        caught.value.field,
        caught.value.limit,
    )
    assert caught.value.size == 4 * big.size()


@st.composite
def specs(draw: st.DrawFn) -> RoleSpec:
    """A valid spec with a few of everything."""
    names = draw(st.lists(policy_names(), max_size=3, unique=True))
    tags = draw(tag_dicts(max_size=5).filter(lambda t: MANAGED_TAG_KEY not in map(str.lower, t)))
    return RoleSpec(
        role_name=draw(role_names()),
        trust_policy=_trust(draw(st.text("abcdef0123456789", min_size=2, max_size=40))),
        inline_policies=dict.fromkeys(names, READ),
        managed_policy_arns=draw(st.lists(managed_policy_arns(), max_size=3, unique=True)),
        tags=tags,
    )


@given(specs(), st.randoms(use_true_random=False))
def test_a_spec_rebuilt_from_shuffled_fields_is_equal(spec: RoleSpec, rnd: random.Random) -> None:
    """For every spec, rebuilding it from its fields in another order gives an equal spec."""
    inline = list(spec.inline_policies)
    arns = list(spec.managed_policy_arns)
    tags = list(spec.tags)
    for items in (inline, arns, tags):
        rnd.shuffle(items)

    again = attrs.evolve(spec, inline_policies=inline, managed_policy_arns=arns, tags=tags)

    assert spec == again
    assert hash(spec) == hash(again)


# --- canonical form --------------------------------------------------------------------------


def test_account_id_principals_become_root_arns_in_the_partition() -> None:
    """A 12-digit principal is compared as the root ARN IAM stores it as."""
    by_id = _trust("a", principal=VENDOR)
    by_arn = _trust("a", principal=f"arn:aws-cn:iam::{VENDOR}:root")

    assert canonical_policy(by_id, partition="aws-cn") == canonical_policy(
        by_arn, partition="aws-cn"
    )
    assert canonical_policy(by_id) != canonical_policy(by_arn)


def test_order_duplicates_case_and_value_types_do_not_matter() -> None:
    """Lists in any order, repeated values, action case and true/"true" compare equal."""
    one = PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::a"],
                    "Condition": {"Bool": {"aws:SecureTransport": False}},
                },
            ],
        }
    )
    two = PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": ["S3:*"],
                    "Resource": ["arn:aws:s3:::a", "arn:aws:s3:::b", "arn:aws:s3:::a"],
                    "Condition": {"Bool": {"AWS:SecureTransport": "false"}},
                },
                {"Effect": "Allow", "Action": ["s3:listbucket", "s3:GetObject"], "Resource": ["*"]},
            ],
        }
    )

    assert canonical_policy(one) == canonical_policy(two)


def test_real_differences_remain() -> None:
    """A different external ID, resource case or effect is a different policy."""
    base = canonical_policy(_trust("ext-A"))

    assert base != canonical_policy(_trust("ext-a"))
    assert canonical_policy(_policy(resource="arn:aws:s3:::A")) != canonical_policy(
        _policy(resource="arn:aws:s3:::a")
    )


def test_canonical_policy_refuses_an_unknown_partition() -> None:
    """The partition is validated."""
    with pytest.raises(ValidationError, match="partition"):
        canonical_policy(TRUST, partition="aws-mars")


@given(pst.documents())
def test_canonical_policy_is_idempotent(document: PolicyDocument) -> None:
    """For every document, the canonical form of the canonical form is itself."""
    once = canonical_policy(document)

    assert once == canonical_policy(once)


def _aws_rewrite(value: Any, rnd: random.Random, partition: str, *, in_list: bool = False) -> Any:
    """Rewrite a document the ways IAM may when it stores one: account IDs become root ARNs,
    lists come back in another order, one-element lists and single values swap."""
    if isinstance(value, dict):
        items = list(value.items())
        rnd.shuffle(items)
        out = {}
        for key, item in items:
            if key in ("Effect", "Sid") or item == "*":
                out[key] = item  # scalars that must stay scalars
                continue
            if key == "AWS" and isinstance(item, str | list):
                principals = [item] if isinstance(item, str) else list(item)
                stored = [
                    f"arn:{partition}:iam::{p}:root" if p.isdigit() and len(p) == 12 else p
                    for p in principals
                ]
                out[key] = _aws_rewrite(stored, rnd, partition)
                continue
            out[key] = _aws_rewrite(item, rnd, partition)
        return out
    if isinstance(value, list):
        items = [_aws_rewrite(v, rnd, partition, in_list=True) for v in value]
        rnd.shuffle(items)
        return items[0] if len(items) == 1 and rnd.random() < 0.5 else items
    if isinstance(value, str) and not in_list and rnd.random() < 0.2:
        return [value]
    return value


@given(
    pst.documents(use="trust"),
    st.sampled_from(["aws", "aws-cn"]),
    st.randoms(use_true_random=False),
)
def test_iam_style_rewrites_are_not_differences(
    document: PolicyDocument, partition: str, rnd: random.Random
) -> None:
    """For every trust policy, the forms IAM may store it in have the same canonical form."""
    data = document.to_dict()
    data["Statement"] = [_aws_rewrite(s, rnd, partition) for s in data["Statement"]]
    stored = PolicyDocument.from_dict(json.loads(json.dumps(data)))

    assert canonical_policy(document, partition=partition) == canonical_policy(
        stored, partition=partition
    )


# --- customer-managed policies ------------------------------------------------------------------


def test_managed_policies_are_named_after_the_role_in_order() -> None:
    """A spec's customer-managed policies are ROLE-managed-0, -1, ...; other names are refused."""
    spec = _spec(managed_policies={"AcmeAudit-managed-1": READ, "AcmeAudit-managed-0": READ})

    assert ("AcmeAudit-managed-0", "AcmeAudit-managed-1") == tuple(
        name for name, _ in spec.managed_policies
    )
    with pytest.raises(ValidationError) as caught:
        _spec(managed_policies={"AcmeAudit-managed-1": READ})
    assert "managed_policies['AcmeAudit-managed-1']" == caught.value.field
    with pytest.raises(ValidationError, match="managed_policies"):
        _spec(managed_policies="AcmeAudit-managed-0")


def test_a_managed_policy_over_its_size_quota_is_refused() -> None:
    """Each customer-managed policy must fit IAM's 6144 characters."""
    big = _policy(resource=[f"arn:aws:s3:::bucket-{i:04d}/*" for i in range(400)])

    with pytest.raises(PolicySizeError) as caught:
        _spec(managed_policies={"AcmeAudit-managed-0": big})

    assert 6144 == caught.value.limit


def test_attached_and_created_managed_policies_must_fit_the_per_role_quota() -> None:
    """managed_policy_arns plus managed_policies stay within max_managed_policies (at most 20)."""
    arns = [f"arn:aws:iam::aws:policy/P{i}" for i in range(9)]
    two = {"AcmeAudit-managed-0": READ, "AcmeAudit-managed-1": READ}

    spec = _spec(managed_policy_arns=arns, managed_policies=two, max_managed_policies=11)
    assert 11 == len(spec.managed_policy_arns) + len(spec.managed_policies)
    with pytest.raises(ValidationError) as caught:
        _spec(managed_policy_arns=arns, managed_policies=two)
    assert "managed_policies" == caught.value.field
    with pytest.raises(ValidationError) as caught:
        _spec(max_managed_policies=21)
    assert "max_managed_policies" == caught.value.field


def test_managed_policy_name_and_path_give_the_nth_policy_of_a_role() -> None:
    """The export names the Nth customer-managed policy with managed_policy_name_and_path."""
    assert ("AcmeAudit-managed-2", "/vendor/") == managed_policy_name_and_path(
        "AcmeAudit", path="/vendor/", index=2
    )
    assert "arn:aws:iam::123456789012:policy/vendor/AcmeAudit-managed-2" == managed_policy_arn(
        partition="aws", account_id="123456789012", path="/vendor/", name="AcmeAudit-managed-2"
    )
    for index in (-1, 20, True):
        with pytest.raises(ValidationError) as caught:
            managed_policy_name("AcmeAudit", index)
        assert "index" == caught.value.field
