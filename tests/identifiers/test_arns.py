"""Tests for xaccess.identifiers.arns: ARNs, role and session ARNs, policy ARNs, principals."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import given

from tests.identifiers.strategies import (
    ALL_PARTITIONS,
    account_ids,
    arns,
    assumed_role_arns,
    multi_segment_role_paths,
    partitions,
    role_arns,
    role_names,
)
from tests.identifiers.support import (
    ACCOUNT,
    FULLWIDTH_12,
    ROLE_ARN,
    WRONG_TYPES,
    assert_time_bounded,
    raises,
)
from xaccess.errors import ValidationError
from xaccess.identifiers import (
    Arn,
    AssumedRoleArn,
    RoleArn,
    principal_kind,
    validate_managed_policy_arn,
)

# --- managed policy ARNs ---------------------------------------------------------------------

if TYPE_CHECKING:
    from collections.abc import Callable


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::aws:policy/SecurityAudit",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        "arn:aws-cn:iam::123456789012:policy/a/b/MyPolicy",
        "arn:aws-us-gov:iam::123456789012:policy/" + "n" * 128,
        "arn:aws-eusc:iam::aws:policy/" + "p" * 505 + "/X",
    ],
)
def test_validate_managed_policy_arn_accepts_policy_arns(value: str) -> None:
    """AWS managed and customer managed policy ARNs, with paths, are accepted unchanged."""
    assert value == validate_managed_policy_arn(value)


_POLICY_SHAPE = "must look like 'arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME'"


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("arn:aws:iam::aws:role/X", _POLICY_SHAPE),
        ("arn:aws:s3:::bucket", _POLICY_SHAPE),
        ("arn:aws:iam:us-east-1:aws:policy/X", _POLICY_SHAPE),
        ("SecurityAudit", _POLICY_SHAPE),
        ("arn:foo:iam::aws:policy/X", "partition must be one of"),
        ("arn:aws:iam::12345:policy/X", "account must be exactly 12 digits, got 5 characters"),
        ("arn:aws:iam::AWS:policy/X", "account must be exactly 12 digits, got 3 characters"),
        ("arn:aws:iam::aws:policy/", "policy name must be 1-128 characters long, got 0"),
        ("arn:aws:iam::aws:policy/" + "n" * 129, "policy name must be 1-128 characters long"),
        ("arn:aws:iam::aws:policy/a b", "policy name may contain only"),
        ("arn:aws:iam::aws:policy/X\n", "policy name may contain only"),
        ("arn:aws:iam::aws:policy//X", "policy path must be at most 512 characters"),
        ("arn:aws:iam::aws:policy/a:b/X", "policy path must be at most 512 characters"),
        ("arn:aws:iam::aws:policy/a~/X", "policy path must be at most 512 characters"),
        ("arn:aws:iam::aws:policy/" + "p" * 511 + "/X", "policy path must be at most 512"),
    ],
)
def test_validate_managed_policy_arn_rejects_bad_arns(value: str, rule: str) -> None:
    """Other ARNs, bad partitions, accounts, paths and names are refused."""
    error = raises(validate_managed_policy_arn, value)
    assert "policy_arn" == error.field
    assert error.rule.startswith(rule)


# --- ARNs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts", "resource_type", "resource_id"),
    [
        (
            "arn:aws:iam::123456789012:role/a/b/Name",
            ("aws", "iam", "", ACCOUNT, "role/a/b/Name"),
            "role",
            "a/b/Name",
        ),
        ("arn:aws:iam::123456789012:root", ("aws", "iam", "", ACCOUNT, "root"), "root", ""),
        (
            "arn:aws:iam::123456789012:user/bob",
            ("aws", "iam", "", ACCOUNT, "user/bob"),
            "user",
            "bob",
        ),
        (
            "arn:aws-cn:sts::123456789012:assumed-role/R/s",
            ("aws-cn", "sts", "", ACCOUNT, "assumed-role/R/s"),
            "assumed-role",
            "R/s",
        ),
        (
            "arn:aws:iam::aws:policy/SecurityAudit",
            ("aws", "iam", "", "aws", "policy/SecurityAudit"),
            "policy",
            "SecurityAudit",
        ),
        ("arn:aws:s3:::acme-logs", ("aws", "s3", "", "", "acme-logs"), "acme-logs", ""),
        ("arn:aws:s3:::acme-logs/*", ("aws", "s3", "", "", "acme-logs/*"), "acme-logs", "*"),
        (
            "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/aws/lambda/f:*",
            ("aws-us-gov", "logs", "us-gov-west-1", ACCOUNT, "log-group:/aws/lambda/f:*"),
            "log-group",
            "/aws/lambda/f:*",
        ),
        (
            "arn:aws-eusc:execute-api:eusc-de-east-1:123456789012:abc/prod/GET/x y",
            ("aws-eusc", "execute-api", "eusc-de-east-1", ACCOUNT, "abc/prod/GET/x y"),
            "abc",
            "prod/GET/x y",
        ),
    ],
)
def test_arn_parse_splits_the_six_parts(
    text: str, parts: tuple[str, ...], resource_type: str, resource_id: str
) -> None:
    """Arn.parse gives the five components; str() gives the text back exactly."""
    arn = Arn.parse(text)
    assert parts == (arn.partition, arn.service, arn.region, arn.account, arn.resource)
    assert (resource_type, resource_id) == (arn.resource_type, arn.resource_id)
    assert text == str(arn)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "must look like 'arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE', got ''"),
        ("arn", "must look like"),
        ("arn:aws:iam::123456789012", "must look like"),
        ("ARN:aws:iam::123456789012:root", "must look like"),
        ("arn:foo:iam::123456789012:root", "partition must be one of"),
        ("arn:AWS:iam::123456789012:root", "partition must be one of"),
        ("arn:aws::::x", "service must be a service name of lowercase ASCII letters"),
        ("arn:aws:IAM::123456789012:root", "service must be a service name"),
        ("arn:aws:s3-:::b", "service must be a service name"),
        ("arn:aws:ec2:US-EAST-1:123456789012:vpc/x", "region must be empty or a region name"),
        ("arn:aws:ec2:us east:123456789012:vpc/x", "region must be empty or a region name"),
        ("arn:aws:iam::12345:root", "account must be empty, 'aws' or exactly 12 ASCII digits"),
        (
            f"arn:aws:iam::{FULLWIDTH_12}:root",
            "account must be empty, 'aws' or exactly",
        ),
        ("arn:aws:iam::123456789012:", "resource must not be empty"),
        (
            "arn:aws:iam::123456789012:root\n",
            "resource must not contain control characters; got '\\n' (U+000A) at position 4",
        ),
        ("arn:aws:s3:::a\x00b", "resource must not contain control characters"),
    ],
)
def test_arn_parse_rejects_malformed_text(text: str, rule: str) -> None:
    """Malformed ARNs, unknown partitions and bad components are refused under 'arn'."""
    error = raises(Arn.parse, text)
    assert "arn" == error.field
    assert error.rule.startswith(rule)


@pytest.mark.parametrize(("value", "type_name"), WRONG_TYPES)
def test_arn_parsers_reject_wrong_types(value: object, type_name: str) -> None:
    """Every ARN parser refuses non-str input."""
    rule = f"must be a str, got {type_name}"
    assert rule == raises(Arn.parse, value).rule
    assert rule == raises(RoleArn.parse, value).rule
    assert rule == raises(AssumedRoleArn.parse, value).rule
    assert rule == raises(principal_kind, value).rule


def test_parsers_return_instances_unchanged() -> None:
    """Passing an already parsed value to parse() returns that value."""
    arn = Arn.parse(ROLE_ARN)
    role = RoleArn.parse(ROLE_ARN)
    session = AssumedRoleArn.parse("arn:aws:sts::123456789012:assumed-role/R/s1")
    assert arn is Arn.parse(arn)
    assert role is RoleArn.parse(role)
    assert session is AssumedRoleArn.parse(session)


def test_arn_parse_field_names_the_error() -> None:
    """The field keyword names the error of Arn.parse."""
    with pytest.raises(ValidationError) as excinfo:
        Arn.parse("nope", field="resource_arn")
    assert "resource_arn" == excinfo.value.field


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("foo", "iam", "", ACCOUNT, "root"), "partition"),
        (("aws", "", "", ACCOUNT, "root"), "service"),
        (("aws", "iam", "Region", ACCOUNT, "root"), "region"),
        (("aws", "iam", "", "123", "root"), "account"),
        (("aws", "iam", "", ACCOUNT, ""), "resource"),
        (("aws", "iam", "", 123456789012, "root"), "account"),
    ],
)
def test_arn_validates_on_construction(args: tuple[object, ...], field: str) -> None:
    """Arn() refuses bad components, naming the attribute."""
    with pytest.raises(ValidationError) as excinfo:
        Arn(*args)  # type: ignore[arg-type]
    assert field == excinfo.value.field


@pytest.mark.parametrize("partition", ALL_PARTITIONS)
def test_arn_round_trips_in_every_partition(partition: str) -> None:
    """An ARN in each partition parses and prints back to the same text."""
    text = f"arn:{partition}:iam::123456789012:role/p/Name"
    assert text == str(Arn.parse(text))
    assert text == str(RoleArn.parse(text))


@pytest.mark.parametrize(
    ("text", "path", "name"),
    [
        ("arn:aws:iam::123456789012:role/Auditor", "/", "Auditor"),
        ("arn:aws:iam::123456789012:role/team/Auditor", "/team/", "Auditor"),
        ("arn:aws:iam::123456789012:role/a/b/c/Auditor", "/a/b/c/", "Auditor"),
        ("arn:aws:iam::123456789012:role/service-role/x.y@z", "/service-role/", "x.y@z"),
        ("arn:aws:iam::123456789012:role/a:b/N", "/a:b/", "N"),
        ("arn:aws:iam::123456789012:role///N", "///", "N"),
        ("arn:aws:iam::123456789012:role/" + "r" * 64, "/", "r" * 64),
    ],
)
def test_role_arn_parse_splits_path_and_name(text: str, path: str, name: str) -> None:
    """RoleArn.parse separates the (possibly multi-segment) path from the name."""
    role = RoleArn.parse(text)
    assert ("aws", ACCOUNT, path, name) == (role.partition, role.account, role.path, role.name)
    assert text == str(role)


_ROLE_SHAPE = "must look like 'arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME'"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Auditor", _ROLE_SHAPE),
        ("arn:aws:iam::123456789012:user/bob", _ROLE_SHAPE),
        ("arn:aws:iam::123456789012:roleAuditor", _ROLE_SHAPE),
        ("arn:aws:iam::123456789012:root", _ROLE_SHAPE),
        ("arn:aws:iam:us-east-1:123456789012:role/A", _ROLE_SHAPE),
        ("arn:aws:sts::123456789012:role/A", _ROLE_SHAPE),
        ("arn:aws:sts::123456789012:assumed-role/A/s", f"{_ROLE_SHAPE}, got 'arn:aws:sts::"),
        ("arn:foo:iam::123456789012:role/A", "partition must be one of"),
        ("arn:aws:iam::12345678901:role/A", "account must be exactly 12 digits, got 11"),
        ("arn:aws:iam::aws:role/A", "account must be exactly 12 digits, got 3 characters"),
        ("arn:aws:iam:::role/A", "account must be exactly 12 digits, got 0 characters"),
        ("arn:aws:iam::123456789012:role/", "role name must be 1-64 characters long, got 0"),
        ("arn:aws:iam::123456789012:role/a/", "role name must be 1-64 characters long, got 0"),
        ("arn:aws:iam::123456789012:role/" + "r" * 65, "role name must be 1-64 characters"),
        ("arn:aws:iam::123456789012:role/A\n", "role name may contain only"),
        ("arn:aws:iam::123456789012:role/A B", "role name may contain only"),
        ("arn:aws:iam::123456789012:role//A", "role path must be '/' or start and end"),
        ("arn:aws:iam::123456789012:role/a b/A", "role path must be '/' or start and end"),
        ("arn:aws:iam::123456789012:role/" + "p" * 520 + "/A", "role path must be 1-512"),
    ],
)
def test_role_arn_parse_rejects_other_arns(text: str, rule: str) -> None:
    """Non-role ARNs and bad partitions, accounts, paths or names are refused under 'role_arn'."""
    error = raises(RoleArn.parse, text)
    assert "role_arn" == error.field
    assert error.rule.startswith(rule)


def test_role_arn_parse_hints_at_assumed_role_arns() -> None:
    """Passing an assumed-role session ARN explains that it is not a role ARN."""
    error = raises(RoleArn.parse, "arn:aws:sts::123456789012:assumed-role/A/s")
    assert error.rule.endswith(
        "(this is an assumed-role session ARN; its role ARN uses iam and role/)"
    )


def test_role_arn_build_uses_defaults() -> None:
    """RoleArn.build defaults to the root path and the aws partition."""
    role = RoleArn.build(account_id=ACCOUNT, role_name="Auditor")
    assert RoleArn("aws", ACCOUNT, "/", "Auditor") == role
    assert ROLE_ARN == str(role)


def test_role_arn_build_with_path_and_partition() -> None:
    """RoleArn.build puts a multi-segment path and the partition into the ARN."""
    role = RoleArn.build(account_id=ACCOUNT, role_name="R", path="/a/b/", partition="aws-cn")
    assert "arn:aws-cn:iam::123456789012:role/a/b/R" == str(role)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"account_id": 123456789012, "role_name": "R"}, "account_id"),
        ({"account_id": ACCOUNT, "role_name": "a b"}, "role_name"),
        ({"account_id": ACCOUNT, "role_name": "R", "path": "team"}, "path"),
        ({"account_id": ACCOUNT, "role_name": "R", "partition": "aws-mars"}, "partition"),
    ],
)
def test_role_arn_build_names_the_bad_argument(kwargs: dict[str, object], field: str) -> None:
    """RoleArn.build reports errors under the argument's name."""
    with pytest.raises(ValidationError) as excinfo:
        RoleArn.build(**kwargs)
    assert field == excinfo.value.field


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("aws", "1", "/", "R"), "account"),
        (("aws", ACCOUNT, "x", "R"), "path"),
        (("aws", ACCOUNT, "/", "a/b"), "name"),
        (("aws-x", ACCOUNT, "/", "R"), "partition"),
    ],
)
def test_role_arn_validates_on_construction(args: tuple[str, ...], field: str) -> None:
    """RoleArn() refuses bad components, naming the attribute."""
    with pytest.raises(ValidationError) as excinfo:
        RoleArn(*args)
    assert field == excinfo.value.field


def test_role_arn_helpers() -> None:
    """to_arn() gives the generic Arn and account_root_arn() the owning account's root ARN."""
    role = RoleArn.parse("arn:aws-cn:iam::123456789012:role/p/R")
    assert Arn("aws-cn", "iam", "", ACCOUNT, "role/p/R") == role.to_arn()
    assert "arn:aws-cn:iam::123456789012:root" == role.account_root_arn()


def test_role_arn_is_a_hashable_value() -> None:
    """Role ARNs compare and hash by value and cannot be changed."""
    role = RoleArn.parse(ROLE_ARN)
    assert {RoleArn.build(account_id=ACCOUNT, role_name="Auditor")} == {role}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        role.name = "Other"  # type: ignore[misc]


def test_assumed_role_arn_parse_and_role_arn() -> None:
    """An assumed-role ARN gives its parts and the role ARN with the root path."""
    session = AssumedRoleArn.parse("arn:aws-us-gov:sts::123456789012:assumed-role/Auditor/s-1")
    assert ("aws-us-gov", ACCOUNT, "Auditor", "s-1") == (
        session.partition,
        session.account,
        session.role_name,
        session.session_name,
    )
    assert "arn:aws-us-gov:sts::123456789012:assumed-role/Auditor/s-1" == str(session)
    assert RoleArn("aws-us-gov", ACCOUNT, "/", "Auditor") == session.role_arn()


_SESSION_SHAPE = "must look like 'arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION'"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("arn:aws:iam::123456789012:role/R", _SESSION_SHAPE),
        ("arn:aws:sts::123456789012:assumed-role/R", _SESSION_SHAPE),
        ("arn:aws:sts::123456789012:assumed-role/p/R/s", _SESSION_SHAPE),
        ("arn:aws:sts:us-east-1:123456789012:assumed-role/R/s", _SESSION_SHAPE),
        ("arn:aws:sts::123456789012:federated-user/bob", _SESSION_SHAPE),
        ("arn:nope:sts::123456789012:assumed-role/R/s1", "partition must be one of"),
        ("arn:aws:sts::1234:assumed-role/R/s1", "account must be exactly 12 digits"),
        ("arn:aws:sts::123456789012:assumed-role//s1", "role name must be 1-64 characters"),
        ("arn:aws:sts::123456789012:assumed-role/R/s", "session name must be 2-64 characters"),
        ("arn:aws:sts::123456789012:assumed-role/R/s 1", "session name may contain only"),
    ],
)
def test_assumed_role_arn_parse_rejects_other_arns(text: str, rule: str) -> None:
    """Other ARNs and bad components are refused under 'assumed_role_arn'."""
    error = raises(AssumedRoleArn.parse, text)
    assert "assumed_role_arn" == error.field
    assert error.rule.startswith(rule)


@pytest.mark.parametrize(
    ("arn", "kind"),
    [
        ("arn:aws:iam::123456789012:root", "root"),
        ("arn:aws:iam::123456789012:role/Scanner", "role"),
        ("arn:aws-cn:iam::123456789012:role/a/b/Scanner", "role"),
        ("arn:aws:iam::123456789012:user/ops/bob", "user"),
        ("arn:aws:iam::123456789012:user/bob", "user"),
        ("arn:aws:iam::123456789012:user/a//b/bob", "user"),
        ("arn:aws:sts::123456789012:assumed-role/Scanner/s1", "assumed-role"),
        ("arn:aws:sts::123456789012:federated-user/bob", "federated-user"),
        (Arn("aws", "iam", "", ACCOUNT, "root"), "root"),
    ],
)
def test_principal_kind(arn: object, kind: str) -> None:
    """principal_kind names account roots, roles, users and STS sessions."""
    assert kind == principal_kind(arn)


@pytest.mark.parametrize(
    ("arn", "rule"),
    [
        ("arn:aws:s3:::bucket", "must be the ARN of an account root, role, user"),
        ("arn:aws:iam::123456789012:root/x", "must be the ARN of an account root"),
        ("arn:aws:iam::123456789012:group/ops", "must be the ARN of an account root"),
        ("arn:aws:iam::aws:policy/SecurityAudit", "must be the ARN of an account root"),
        ("arn:aws:iam::123456789012:user:bob", "must be the ARN of an account root"),
        ("arn:aws:sts::123456789012:federated-user:bob", "must be the ARN of an account root"),
        ("arn:aws:iam:::root", "must be exactly 12 digits, got 0 characters"),
        ("arn:aws:iam::aws:user/bob", "must be exactly 12 digits, got 3 characters"),
        ("arn:aws:sts::aws:federated-user/bob", "must be exactly 12 digits, got 3 characters"),
        ("arn:aws:iam::123456789012:role/", "role name must be 1-64 characters"),
        ("arn:aws:iam::123456789012:user/", "user name must be 1-64 characters"),
        ("arn:aws:iam::123456789012:user/ops/", "user name must be 1-64 characters"),
        ("arn:aws:iam::123456789012:user/b*b", "user name may contain only"),
        ("arn:aws:iam::123456789012:user/" + "b" * 65, "user name must be 1-64 characters"),
        ("arn:aws:iam::123456789012:user//bob", "user path must be '/' or start and end"),
        ("arn:aws:sts::123456789012:assumed-role/R", _SESSION_SHAPE),
        ("not an arn", "must look like"),
    ],
)
def test_principal_kind_rejects_non_principals(arn: str, rule: str) -> None:
    """ARNs that do not name an IAM principal, or name one badly, are refused."""
    error = raises(principal_kind, arn)
    assert "principal" == error.field
    assert error.rule.startswith(rule)


@given(arn=arns())
def test_arn_text_round_trips(arn: Arn) -> None:
    """For any ARN in any partition, parsing its text gives the same ARN."""
    assert arn == Arn.parse(str(arn))
    assert str(arn) == str(Arn.parse(str(arn)))


@given(role=role_arns())
def test_role_arn_text_round_trips(role: RoleArn) -> None:
    """For any role ARN, path included, parsing its text gives the same role ARN."""
    text = str(role)
    assert role == RoleArn.parse(text)
    assert f"arn:{role.partition}:iam::{role.account}:role{role.path}{role.name}" == text
    assert role.to_arn() == Arn.parse(text)
    assert "role" == Arn.parse(text).resource_type


@given(
    partition=partitions(),
    account=account_ids(),
    path=multi_segment_role_paths(),
    name=role_names(),
)
def test_role_arn_build_with_multi_segment_paths_round_trips(
    partition: str, account: str, path: str, name: str
) -> None:
    """For any multi-segment path, build() and parse() agree on every part."""
    role = RoleArn.build(account_id=account, role_name=name, path=path, partition=partition)
    assert (partition, account, path, name) == (role.partition, role.account, role.path, role.name)
    assert role == RoleArn.parse(str(role))


@given(session=assumed_role_arns())
def test_assumed_role_arn_maps_to_its_role(session: AssumedRoleArn) -> None:
    """For any assumed-role ARN, text round-trips and role_arn() is the same role at path '/'."""
    assert session == AssumedRoleArn.parse(str(session))
    role = session.role_arn()
    assert RoleArn(session.partition, session.account, "/", session.role_name) == role
    assert "assumed-role" == principal_kind(str(session))
    assert "role" == principal_kind(str(role))


# --- hostile sizes ---------------------------------------------------------------------------

_HUGE = 5_000_000
_SMALL = 5_000


@pytest.mark.parametrize(
    ("parse", "prefix"),
    [
        pytest.param(Arn.parse, "arn:aws:s3:::", id="Arn.parse"),
        pytest.param(RoleArn.parse, "arn:aws:iam::123456789012:role/", id="RoleArn.parse"),
        pytest.param(
            AssumedRoleArn.parse, "arn:aws:sts::123456789012:assumed-role/r/", id="AssumedRoleArn"
        ),
        pytest.param(validate_managed_policy_arn, "arn:aws:iam::aws:policy/", id="policy_arn"),
        pytest.param(principal_kind, "arn:aws:iam::123456789012:user/", id="principal_kind"),
    ],
)
def test_an_arn_longer_than_iam_allows_is_refused_by_its_length(
    parse: Callable[..., object], prefix: str
) -> None:
    """An ARN over 2048 characters is refused by length, in time independent of its size."""
    error = raises(parse, prefix + "a" * 3000)
    assert "must be at most 2048 characters long, got" in error.rule
    small, huge = prefix + "a" * _SMALL, prefix + "a" * _HUGE
    assert_time_bounded(lambda: parse(small), lambda: parse(huge))


def test_arn_constructor_refuses_a_resource_longer_than_an_arn() -> None:
    """Arn() refuses a resource that cannot fit in a 2048-character ARN."""
    with pytest.raises(ValidationError, match="resource: must be at most 2048 characters long"):
        Arn("aws", "s3", "", "", "b" * 2049)
