"""Tests for xaccess.policy.wire: reading every IAM JSON form, canonical output, refusals."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from moto.iam.policy_validation import (
    IAMPolicyDocumentValidator,
    IAMTrustPolicyDocumentValidator,
)

from tests import strategies as pst
from tests.identifiers.support import assert_time_bounded
from tests.policy.support import TRUST, doc_with
from xaccess import ValidationError
from xaccess.limits import MAX_JSON_DEPTH, MAX_POLICY_TEXT
from xaccess.policy import (
    Condition,
    ConditionValue,
    PolicyDocument,
    Principal,
    Statement,
    _grammar,
    wire,
)

# -- accepted forms ----------------------------------------------------------------

if TYPE_CHECKING:
    from collections.abc import Callable


def test_trust_policy_round_trips_to_identical_text() -> None:
    """A typical trust policy parses and emits the same compact JSON."""
    doc = PolicyDocument.from_dict(TRUST)
    assert json.dumps(TRUST, separators=(",", ":")) == doc.to_json()


def test_statement_may_be_a_single_object() -> None:
    """``Statement`` as one object parses like a one-element list."""
    single = {"Version": "2012-10-17", "Statement": TRUST["Statement"][0]}
    assert PolicyDocument.from_dict(TRUST) == PolicyDocument.from_dict(single)


def test_string_and_list_spellings_are_equal() -> None:
    """``"Action": "x"`` and ``"Action": ["x"]`` give equal documents."""
    a = PolicyDocument.from_dict(doc_with(Action="s3:GetObject", Resource="*"))
    b = PolicyDocument.from_dict(doc_with(Action=["s3:GetObject"], Resource=["*"]))
    assert a == b
    assert hash(a) == hash(b)


def test_every_principal_type_is_accepted() -> None:
    """AWS, Service, Federated and CanonicalUser principals parse and are kept."""
    principal = {
        "AWS": ["111122223333", "arn:aws:iam::111122223333:role/R"],
        "Service": "ec2.amazonaws.com",
        "Federated": "cognito-identity.amazonaws.com",
        "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
    }
    doc = PolicyDocument.from_dict(
        {"Statement": {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}}
    )
    got = doc.statements[0].principal
    assert got is not None
    assert ("111122223333", "arn:aws:iam::111122223333:role/R") == got.aws
    assert ("ec2.amazonaws.com",) == got.service
    assert principal == doc.to_dict()["Statement"][0]["Principal"]


# Service Authorization Reference, "Actions, resources, and condition keys for Amazon S3",
# resource types table: besides access points, S3 Batch Operations jobs, Storage Lens
# configurations and groups, Access Grants and Multi-Region Access Point requests are regional.
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3:us-west-2:111122223333:accesspoint/ap",
        "arn:aws:s3:us-east-1:111122223333:job/*",
        "arn:aws:s3:us-east-1:111122223333:storage-lens/dashboard",
        "arn:aws:s3:us-east-1:111122223333:storage-lens-group/group",
        "arn:aws:s3:us-east-1:111122223333:access-grants/default",
        "arn:aws:s3:us-east-1:111122223333:access-grants/default/location/*",
        "arn:aws:s3:us-west-2:111122223333:async-request/mrap/*",
    ],
)
def test_regional_s3_resource_types_are_accepted(resource: str) -> None:
    """S3 resource types whose ARN has a Region (jobs, Storage Lens, Access Grants) parse."""
    doc = PolicyDocument.from_dict(doc_with(Resource=resource))
    assert (resource,) == doc.statements[0].resources


# IAM User Guide, "IAM JSON policy elements: Resource": wildcards (* and ?) may be used within
# any ARN segment except the service segment.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
@pytest.mark.parametrize(
    "resource", ["arn:aws*:s3:::bucket/*", "arn:aws-?n:s3:::bucket", "arn:aws-iso-*:ec2:*:*:*"]
)
def test_wildcards_in_the_partition_segment_are_accepted(resource: str) -> None:
    """A partition pattern that matches an AWS partition is a legal resource."""
    doc = PolicyDocument.from_dict(doc_with(Resource=resource))
    assert (resource,) == doc.statements[0].resources


def test_principal_star_and_aws_star_are_kept_apart() -> None:
    """``"*"`` and ``{"AWS": "*"}`` each emit as written."""
    star = PolicyDocument.from_dict(doc_with(Principal="*", Resource="*"))
    aws_star = PolicyDocument.from_dict(doc_with(Principal={"AWS": "*"}))
    assert "*" == star.to_dict()["Statement"][0]["Principal"]
    assert {"AWS": "*"} == aws_star.to_dict()["Statement"][0]["Principal"]


def test_not_elements_are_accepted() -> None:
    """NotPrincipal, NotAction and NotResource parse and round-trip."""
    data = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/Bob"},
                "NotAction": "iam:*",
                "NotResource": "arn:aws:s3:::bucket/*",
            }
        ],
    }
    assert data == PolicyDocument.from_dict(data).to_dict()


def test_conditions_with_set_prefixes_ifexists_bools_and_numbers() -> None:
    """Conditions keep every operator form and value type."""
    cond = {
        "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["team*", "env"]},
        "Bool": {"aws:SecureTransport": True},
        "NumericLessThan": {"s3:max-keys": 10},
        "Null": {"aws:TokenIssueTime": "false"},
        "DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
    }
    doc = PolicyDocument.from_dict(doc_with(Condition=cond))
    assert cond == doc.to_dict()["Statement"][0]["Condition"]
    assert Condition("Bool", "aws:SecureTransport", (True,)) in doc.statements[0].conditions


def test_both_policy_versions_and_missing_version() -> None:
    """2012-10-17 and 2008-10-17 are accepted; a missing Version stays missing."""
    old = doc_with()
    old["Version"] = "2008-10-17"
    assert "2008-10-17" == PolicyDocument.from_dict(old).version
    missing = doc_with()
    del missing["Version"]
    doc = PolicyDocument.from_dict(missing)
    assert doc.version is None
    assert "Version" not in doc.to_dict()


def test_sid_and_id_are_kept() -> None:
    """``Sid`` (including the empty one consoles write) and ``Id`` survive."""
    data = doc_with(Sid="")
    data["Id"] = "my-policy"
    data["Statement"].append(
        {"Sid": "Second1", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    )
    assert data == PolicyDocument.from_dict(data).to_dict()


def test_from_json_accepts_bytes_and_whitespace() -> None:
    """Pretty-printed bytes parse like compact text."""
    pretty = json.dumps(TRUST, indent=4).encode()
    assert PolicyDocument.from_dict(TRUST) == PolicyDocument.from_json(pretty)


def test_to_json_is_ascii_and_indentable() -> None:
    """Non-ASCII Latin-1 text is escaped; indent gives readable output."""
    doc = PolicyDocument.from_dict(doc_with(Condition={"StringEquals": {"s3:prefix": "caf\u00e9"}}))
    compact = doc.to_json()
    assert compact.isascii()
    assert "caf\\u00e9" in compact
    assert "\n" in doc.to_json(indent=2)
    assert doc == PolicyDocument.from_json(doc.to_json(indent=2))


# -- rejected forms ----------------------------------------------------------------

REJECTED: list[tuple[Any, str, str]] = [
    ("{not json", "policy", "malformed JSON"),
    ("[1, 2]", "policy", "must be a JSON object"),
    ('{"Statement": NaN}', "policy", "NaN is not a JSON value"),
    ({"Version": "2012-10-17"}, "Statement", "is required"),
    ({"Statement": []}, "Statement", "must not be an empty list"),
    ({"Statement": "x"}, "Statement", "must be an object or a list"),
    ({"Statement": ["x"]}, "Statement[0]", "must be an object"),
    ({"Version": "2012-10-18", "Statement": []}, "Version", "must be one of"),
    ({"Version": None, "Statement": []}, "Version", "must be one of"),
    ({"Id": 5, "Statement": []}, "Id", "must be a string"),
    ({"Extra": 1, "Statement": []}, "Extra", "unknown element"),
    (doc_with(Effect="allow"), "Statement[0].Effect", "exactly 'Allow' or 'Deny'"),
    (doc_with(Effect=None), "Statement[0].Effect", "exactly 'Allow' or 'Deny'"),
    (doc_with(effect="Allow"), "Statement[0].effect", "unknown element"),
    (
        doc_with(NotAction="s3:*"),
        "Statement[0].NotAction",
        "cannot be combined with Action",
    ),
    (
        doc_with(NotResource="*"),
        "Statement[0].NotResource",
        "cannot be combined with Resource",
    ),
    (
        doc_with(Principal="*", NotPrincipal="*"),
        "Statement[0].NotPrincipal",
        "cannot be combined with Principal",
    ),
    (doc_with(Action=[]), "Statement[0].Action", "must not be an empty list"),
    (doc_with(Action=""), "Statement[0].Action", "must not be empty"),
    (doc_with(Action="GetObject"), "Statement[0].Action", "is not an action"),
    (doc_with(Action=["s3:Get", 3]), "Statement[0].Action[1]", "must be a string"),
    (doc_with(Action={"a": 1}), "Statement[0].Action", "string or a list of strings"),
    (doc_with(Resource="bucket"), "Statement[0].Resource", "must be an ARN"),
    (doc_with(Resource="arn:aws:s3"), "Statement[0].Resource", "must be an ARN"),
    (
        doc_with(Resource="arn:aws2:s3:::b"),
        "Statement[0].Resource",
        "not an AWS partition",
    ),
    (doc_with(Resource="arn:aws::::b"), "Statement[0].Resource", "named in full"),
    (doc_with(Resource="arn:aws:s*:::b"), "Statement[0].Resource", "named in full"),
    (
        doc_with(Resource="arn:aws:iam:us-east-1::role/x"),
        "Statement[0].Resource",
        "region",
    ),
    (doc_with(Resource="arn:aws:s3:us-east-1::bucket"), "Statement[0].Resource", "region"),
    (
        doc_with(Resource="arn:aws:iam::111122223333:thing"),
        "Statement[0].Resource",
        "IAM resource",
    ),
    (
        doc_with(Resource="arn:aws:iam::111122223333:Role/x"),
        "Statement[0].Resource",
        "IAM resource",
    ),
    (doc_with(Sid="has space"), "Statement[0].Sid", "letters and digits"),
    (doc_with(Sid=None), "Statement[0].Sid", "must be a string"),
    (
        doc_with(Principal={"AWS": "1234"}),
        "Statement[0].Principal.AWS[0]",
        "not an AWS principal",
    ),
    (
        doc_with(Principal={"AWS": "arn:aws:iam::111122223333:role/*"}),
        "Statement[0].Principal.AWS[0]",
        "without wildcards",
    ),
    (
        doc_with(Principal={"AWS": []}),
        "Statement[0].Principal.AWS",
        "must not be an empty list",
    ),
    # IAM User Guide, "AWS JSON policy elements: Principal": "You cannot identify a user group as
    # a principal in a policy"; an AWS principal is an account, IAM user or role, or an STS
    # session (policy grammar, principal_id_string).
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    (
        doc_with(Principal={"AWS": "arn:aws:iam::111122223333:group/Admins"}),
        "Statement[0].Principal.AWS[0]",
        "a user group cannot be a principal",
    ),
    (
        doc_with(Principal={"AWS": ["111122223333", "arn:aws:s3:::bucket"]}),
        "Statement[0].Principal.AWS[1]",
        "not an AWS principal",
    ),
    (
        doc_with(Principal={"AWS": "arn:aws:iam"}),
        "Statement[0].Principal.AWS[0]",
        "IAM or STS ARN",
    ),
    (
        doc_with(Resource="arn:gcp*:s3:::b"),
        "Statement[0].Resource",
        "not an AWS partition",
    ),
    (
        doc_with(Principal={"Aws": "*"}),
        "Statement[0].Principal.Aws",
        "unknown principal type",
    ),
    (doc_with(Principal={}), "Statement[0].Principal", "must not be an empty object"),
    (doc_with(Principal="everyone"), "Statement[0].Principal", "must be '*' or an object"),
    (doc_with(Condition=[]), "Statement[0].Condition", "must be an object"),
    (
        doc_with(Condition={"StringEqualz": {"a:b": "c"}}),
        "Statement[0].Condition.StringEqualz",
        "unknown condition operator",
    ),
    (
        doc_with(Condition={"NullIfExists": {"a:b": "true"}}),
        "Statement[0].Condition.NullIfExists",
        "cannot take the 'IfExists'",
    ),
    (
        doc_with(Condition={"StringEquals": "x"}),
        "Statement[0].Condition.StringEquals",
        "must be an object",
    ),
    (
        doc_with(Condition={"StringEquals": {}}),
        "Statement[0].Condition.StringEquals",
        "not be empty",
    ),
    (
        doc_with(Condition={"StringEquals": {"a:b": []}}),
        "Statement[0].Condition.StringEquals.a:b",
        "must not be an empty list",
    ),
    (
        doc_with(Condition={"StringEquals": {"a:b": None}}),
        "Statement[0].Condition.StringEquals.a:b",
        "string, number or boolean",
    ),
    (
        doc_with(Condition={"StringEquals": {"a:b": ["x", {"y": 1}]}}),
        "Statement[0].Condition.StringEquals.a:b[1]",
        "string, number or boolean",
    ),
    (
        doc_with(Condition={"StringEquals": {"nocolon": "x"}}),
        "Statement[0].Condition.StringEquals.nocolon",
        "prefix:name",
    ),
    (
        doc_with(Condition={"StringEquals": {"a:b": "x", "A:B": "y"}}),
        "Statement[0].Condition.StringEquals.a:b",
        "appears twice",
    ),
    (
        doc_with(Condition={"DateLessThan": {"aws:CurrentTime": "yesterday"}}),
        "Statement[0].Condition.DateLessThan.aws:CurrentTime",
        "is not a date",
    ),
    (
        doc_with(Condition={"DateLessThan": {"aws:CurrentTime": "2026-02-30T25:00:00Z"}}),
        "Statement[0].Condition.DateLessThan.aws:CurrentTime",
        "is not a date",
    ),
    (doc_with(Action="s3:Get\u0100"), "Statement[0].Action", "U+0100 is not allowed"),
    ('{"Statement": [], "Statement": []}', "policy", "repeats the key 'Statement'"),
]


# IAM stores these (they appear in AWS managed policies); a resource type IAM adds later is a
# new lowercase word before a slash, so the shape is what is checked, not a list of types.
@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:iam::*:role-template/aws-service-role/*",
        "arn:aws:iam::111122223333:thing/x",
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::*:*",
        "arn:aws:iam::aws:policy/*",
        "arn:aws:organizations::*:",
    ],
)
def test_resources_iam_stores_are_accepted(resource: str) -> None:
    """IAM resources of any lowercase type, and an empty resource segment, parse and round-trip."""
    doc = PolicyDocument.from_dict(doc_with(Resource=resource))
    assert (resource,) == doc.statements[0].resources
    assert doc == PolicyDocument.from_json(doc.to_json())


@pytest.mark.parametrize(("data", "field", "rule"), REJECTED)
def test_illegal_documents_are_rejected_with_their_path(data: Any, field: str, rule: str) -> None:
    """Each illegal form raises ValidationError naming the element and the rule."""
    parse = PolicyDocument.from_json if isinstance(data, str) else PolicyDocument.from_dict
    with pytest.raises(ValidationError) as info:
        parse(data)
    assert field == info.value.field
    assert rule in info.value.rule


def test_duplicate_sids_are_rejected() -> None:
    """Two statements may not share a Sid."""
    data = doc_with(Sid="A")
    data["Statement"].append(dict(data["Statement"][0]))
    with pytest.raises(ValidationError, match=r"Statement\[1\]\.Sid: duplicate Sid 'A'"):
        PolicyDocument.from_dict(data)


def test_from_json_rejects_non_text_and_bad_utf8() -> None:
    """Only str or UTF-8 bytes are accepted as JSON text."""
    with pytest.raises(ValidationError, match="must be JSON text"):
        PolicyDocument.from_json(12)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="not UTF-8"):
        PolicyDocument.from_json(b"\xff\xfe")


def test_deeply_nested_json_is_a_validation_error() -> None:
    """Pathological nesting is refused cleanly."""
    with pytest.raises(ValidationError, match="nested too deeply"):
        PolicyDocument.from_json("[" * 60_000 + "]" * 60_000)


# -- properties --------------------------------------------------------------------


@given(pst.documents())
def test_round_trip_gives_an_equal_document(doc: PolicyDocument) -> None:
    """Parsing emitted JSON gives an equal document."""
    assert doc == PolicyDocument.from_json(doc.to_json())


@given(pst.documents())
def test_canonical_output_is_a_fixed_point(doc: PolicyDocument) -> None:
    """Emitting, parsing and emitting again gives identical text."""
    text = doc.to_json()
    assert text == PolicyDocument.from_json(text).to_json()
    assert doc.to_json(indent=2) == PolicyDocument.from_json(doc.to_json(indent=2)).to_json(
        indent=2
    )


def _dumps(data: object) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=True)


@given(pst.documents(version=None) | pst.documents() | pst.documents(version="2008-10-17"))
def test_compact_text_is_json_dumps_of_the_canonical_dict(doc: PolicyDocument) -> None:
    """The directly written compact text equals json.dumps of to_dict(), statement by statement."""
    assert _dumps(doc.to_dict()) == doc.to_json()
    for statement in doc.statements:
        assert _dumps(statement.to_dict()) == wire.statement_to_json(statement)


@given(
    st.lists(
        st.one_of(
            st.booleans(),
            st.integers(-(10**30), 10**30),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(st.characters(min_codepoint=0x09, max_codepoint=0xFF)).filter(
                lambda text: not _grammar._BAD_CHAR.search(text)
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_compact_text_writes_every_condition_value_as_json_does(
    values: list[ConditionValue],
) -> None:
    """Booleans, big integers, floats, quotes, backslashes and Latin-1 text come out as json."""
    doc = doc_with_condition(Condition("StringEquals", "aws:Any", tuple(values)))
    assert _dumps(doc.to_dict()) == doc.to_json()
    assert doc == PolicyDocument.from_json(doc.to_json())


def doc_with_condition(condition: Condition) -> PolicyDocument:
    """An identity policy of one statement holding ``condition`` and an odd Sid and Id."""
    return PolicyDocument(
        [Statement("Allow", actions="s3:GetObject", resources="*", conditions=[condition])],
        id='a "quoted" \\ id\u00e9',
    )


@given(st.data())
def test_every_legal_spelling_parses_to_the_same_document(data: st.DataObject) -> None:
    """Key order, string-or-list and object-or-list spellings do not matter."""
    doc = data.draw(pst.documents())
    assert doc == PolicyDocument.from_dict(data.draw(pst.respelled(doc)))


@given(pst.documents(use="identity", moto=True))
def test_identity_policies_pass_moto_validator(doc: PolicyDocument) -> None:
    """Every valid generated identity policy is accepted by moto's IAM validator."""
    doc.check_identity_policy()
    IAMPolicyDocumentValidator(doc.to_json()).validate()


@given(pst.documents(use="trust", moto=True))
def test_trust_policies_pass_moto_validator(doc: PolicyDocument) -> None:
    """Every valid generated trust policy is accepted by moto's trust validator."""
    doc.check_trust_policy()
    IAMTrustPolicyDocumentValidator(doc.to_json()).validate()


@given(pst.invalid_dicts())
def test_invalid_documents_raise_validation_error_only(data: dict[str, Any]) -> None:
    """A document with one rule broken raises ValidationError and nothing else."""
    with pytest.raises(ValidationError):
        PolicyDocument.from_dict(data)


@given(pst.json_values)
def test_arbitrary_json_never_raises_anything_but_validation_error(value: Any) -> None:
    """Fuzzed JSON either parses or raises ValidationError."""
    try:
        doc = PolicyDocument.from_dict(value if isinstance(value, dict) else {"Statement": value})
    except ValidationError:
        return
    assert doc == PolicyDocument.from_json(doc.to_json())


# -- hostile input: refused with ValidationError, in bounded time ---------------------------


_OVER = MAX_POLICY_TEXT + 10
_FAR_OVER = 20 * _OVER


def _nested_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _nested_dict(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"Statement": _nested_list(100_000)}, id="statement-list"),
        pytest.param({"Statement": _nested_dict(100_000)}, id="statement-dict"),
        pytest.param(doc_with(Resource=_nested_list(100_000)), id="resource"),
        pytest.param(doc_with(Principal={"AWS": _nested_list(100_000)}), id="principal"),
        pytest.param(
            doc_with(Condition={"StringEquals": {"a:b": _nested_list(100_000)}}), id="cond"
        ),
        pytest.param({"Id": _nested_dict(100_000), "Statement": []}, id="id"),
    ],
)
def test_from_dict_refuses_deep_nesting_without_recursing(data: dict[str, Any]) -> None:
    """Structures nested past MAX_JSON_DEPTH are a ValidationError, never a RecursionError."""
    with pytest.raises(ValidationError, match=f"nested deeper than {MAX_JSON_DEPTH} levels"):
        PolicyDocument.from_dict(data)


def test_from_dict_refuses_integers_longer_than_json_numbers_may_be() -> None:
    """A Python int too long for JSON is refused when read and when built, not at to_json."""
    huge = 10**5000
    cond = doc_with(Condition={"NumericEquals": {"s3:max-keys": huge}})
    with pytest.raises(ValidationError, match="number longer than 100 digits"):
        PolicyDocument.from_dict(cond)
    with pytest.raises(ValidationError, match="number longer than 100 digits"):
        Condition("NumericEquals", "s3:max-keys", huge)
    text = '{"Statement": {"Effect": "Allow", "Action": "s3:x", "Resource": "*", "Condition": '
    text += '{"NumericEquals": {"s3:max-keys": ' + "9" * 5000 + "}}}}"
    with pytest.raises(ValidationError, match="number longer than 100 characters"):
        PolicyDocument.from_json(text)


def test_policy_text_longer_than_iam_takes_is_refused_by_length() -> None:
    """JSON text over MAX_POLICY_TEXT characters is refused before it is parsed, in bounded time."""
    small = json.dumps(doc_with(Resource="arn:aws:s3:::" + "a" * _OVER))
    huge = json.dumps(doc_with(Resource="arn:aws:s3:::" + "a" * _FAR_OVER))
    with pytest.raises(ValidationError, match=f"must be at most {MAX_POLICY_TEXT} characters long"):
        PolicyDocument.from_json(huge)
    assert_time_bounded(
        lambda: PolicyDocument.from_json(small), lambda: PolicyDocument.from_json(huge)
    )


@pytest.mark.parametrize(
    "element",
    [
        pytest.param(
            lambda s: {"Principal": {"AWS": "arn:aws:iam::111122223333:role/" + s}}, id="AWS"
        ),
        pytest.param(lambda s: {"Resource": "arn:aws:s3:::" + s}, id="Resource"),
        pytest.param(lambda s: {"Condition": {"StringEquals": {"aws:x": s}}}, id="Condition"),
        pytest.param(lambda s: {"Action": [s]}, id="Action"),
    ],
)
def test_from_dict_refuses_a_huge_string_in_bounded_time(element: Callable[[str], Any]) -> None:
    """A string longer than a whole policy is refused without reading it character by character."""
    small = doc_with(**element("a" * _OVER))
    huge = doc_with(**element("a" * _FAR_OVER))
    with pytest.raises(ValidationError, match="longer than IAM takes"):
        PolicyDocument.from_dict(huge)
    assert_time_bounded(
        lambda: PolicyDocument.from_dict(small), lambda: PolicyDocument.from_dict(huge)
    )


def test_from_dict_refuses_a_huge_list_before_reading_its_items() -> None:
    """A list with more items than a policy can hold is refused by its length."""
    small = doc_with(Action=["s3:GetObject"] * (_OVER // 10))
    huge = doc_with(Action=["s3:GetObject"] * (_FAR_OVER // 10))
    with pytest.raises(ValidationError, match="longer than IAM takes"):
        PolicyDocument.from_dict(huge)
    assert_time_bounded(
        lambda: PolicyDocument.from_dict(small), lambda: PolicyDocument.from_dict(huge)
    )


def test_model_constructors_refuse_huge_values_in_bounded_time() -> None:
    """Values built in code meet the same bounds: a principal is an ARN, text fits a policy."""
    role = "arn:aws:iam::111122223333:role/"
    with pytest.raises(ValidationError, match="at most 2048 characters"):
        Principal(aws=role + "a" * 3000)
    small, huge = role + "a" * 5_000, role + "a" * 5_000_000
    assert_time_bounded(lambda: Principal(aws=small), lambda: Principal(aws=huge))
    small_text, huge_text = "a" * _OVER, "a" * _FAR_OVER
    assert_time_bounded(
        lambda: Condition("StringEquals", "aws:x", small_text),
        lambda: Condition("StringEquals", "aws:x", huge_text),
    )
    many = ("s3:GetObject",) * _OVER
    with pytest.raises(ValidationError, match="more values than a policy can hold"):
        Statement(effect="Allow", actions=many, resources="*")
