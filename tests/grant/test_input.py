"""ThirdPartyGrant against malformed and tampered input, and the trust options' laws."""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given

from tests.grant.test_properties import (
    Case,
    _assume,
    _callers,
    _examples,
    _good_context,
    _trust_actions,
    _wildcard,
    cases,
)
from xaccess import ValidationError, limits
from xaccess.grant import ThirdPartyGrant
from xaccess.policy import Outcome

if TYPE_CHECKING:
    from collections.abc import Callable

VENDOR = "111122223333"
EXT = "4f1b6c0e9a2d4e7fb3c85d1e0a9f2b7c"
CALLER = f"arn:aws:iam::{VENDOR}:role/Any"
_MISS = "zz-no-pattern-matches-zz"


def _grant() -> ThirdPartyGrant:
    return ThirdPartyGrant(role_name="AcmeAudit", trusted_account=VENDOR, external_id=EXT).allow(
        "s3:GetObject", "arn:aws:s3:::acme-logs/*"
    )


# -- every malformed argument of the offline checks is a ValidationError naming it -----------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"resource": None}, "resource"),
        ({"resource": 42}, "resource"),
        ({"context": 42}, "context"),
        ({"context": ["aws:SourceIp"]}, "context"),
        ({"policy_documents": 42}, "policy_documents"),
        ({"policy_documents": ["arn:aws:iam::aws:policy/X"]}, "policy_documents"),
    ],
)
def test_permits_refuses_malformed_arguments_with_validation_error(
    kwargs: dict[str, Any], field: str
) -> None:
    """permits() raises ValidationError naming the argument, never TypeError/AttributeError."""
    args: dict[str, Any] = {"action": "s3:GetObject", "resource": "*", **kwargs}

    with pytest.raises(ValidationError) as exc_info:
        _grant().permits(**args)

    assert field == exc_info.value.field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"session_tags": ["team"]}, "session_tags"),
        ({"session_tags": 42}, "session_tags"),
        ({"context": 42}, "context"),
        ({"context": [("aws:PrincipalOrgID", "o-a1b2c3d4e5")]}, "context"),
        ({"identity_policies": 42}, "identity_policies"),
        ({"identity_policies": "policy"}, "identity_policies"),
    ],
)
def test_can_assume_refuses_malformed_arguments_with_validation_error(
    kwargs: dict[str, Any], field: str
) -> None:
    """can_assume() raises ValidationError naming the argument, never TypeError/AttributeError."""
    with pytest.raises(ValidationError) as exc_info:
        _grant().can_assume(CALLER, external_id=EXT, **kwargs)

    assert field == exc_info.value.field


# -- from_json refuses what is not a grant, with ValidationError only ------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        '{"role_name": "R", "statements": ' + "[" * 100_000 + "]" * 100_000 + "}",
        42,
        None,
        '{"role_name": "R", "max_session_duration": NaN}',
    ],
)
def test_from_json_refuses_malformed_input_with_validation_error(text: Any) -> None:
    """Deep nesting, a non-text argument or a JSON constant is a ValidationError."""
    with pytest.raises(ValidationError) as exc_info:
        ThirdPartyGrant.from_json(text)

    assert "grant" == exc_info.value.field


def test_from_json_refuses_a_repeated_key() -> None:
    """A key given twice is refused: a reviewer could read one value and IAM get the other."""
    text = _grant().to_json()
    tampered = text[:-1] + ',"external_ids":[],"allow_missing_external_id":true}'
    tampered = tampered.replace('"allow_missing_external_id":false,', "", 1)

    with pytest.raises(ValidationError, match="external_ids") as exc_info:
        ThirdPartyGrant.from_json(tampered)

    assert "grant" == exc_info.value.field


# -- trust laws for the optional conditions --------------------------------------------------


def _spoiled_contexts(case: Case, good: dict[str, Any]) -> list[dict[str, Any]]:
    """``good`` with one required key removed or not matching, or an extra tag key."""
    grant = case.grant
    required = {
        "aws:PrincipalOrgID": (bool(grant.org_ids), ()),
        "sts:RoleSessionName": (bool(grant.session_name_patterns), grant.session_name_patterns),
        "sts:SourceIdentity": (
            grant.source_identity_patterns is not None,
            grant.source_identity_patterns or (),
        ),
    }
    out: list[dict[str, Any]] = []
    for key, (needed, patterns) in required.items():
        if not needed:
            continue
        out.append({k: v for k, v in good.items() if k != key})
        if not any(_wildcard(p, ignore_case=False).fullmatch(_MISS) for p in patterns):
            out.append({**good, key: _MISS})
    if grant.session_tag_keys is not None:
        extra = "zzextra"
        out.append(
            {**good, "aws:TagKeys": [*good["aws:TagKeys"], extra], f"aws:RequestTag/{extra}": "v"}
        )
    return out


@_examples(1)
@given(case=cases())
def test_trust_options_refuse_a_missing_or_unmatched_key(case: Case) -> None:
    """Org ID, session name, source identity and tag-key options never let a missing key pass."""
    grant = case.grant
    admitted = [
        (principal, context, action)
        for trustee in case.trustees
        for principal, extra in _callers(trustee, case.partition)
        for context in _spoiled_contexts(
            case, {**_good_context(grant, grant.external_ids[0]), **extra}
        )
        for action in _trust_actions(grant)
        if _assume(case, principal, context, action) is Outcome.ALLOW
    ]

    assert [] == admitted


# -- tampered or malformed input reaching other modules -------------------------------------


def test_from_dict_refuses_a_non_string_condition_operator() -> None:
    """Tampered data with a non-string Condition operator is a ValidationError."""
    data = _grant().to_dict()
    data["statements"][0]["Condition"] = {1: {"aws:SourceIp": "10.0.0.0/8"}}

    with pytest.raises(ValidationError):
        ThirdPartyGrant.from_dict(data)


@pytest.mark.parametrize("user", ["user/", "user/a b", "user/" + "a" * 65, "user/*"])
def test_malformed_user_arns_are_refused(user: str) -> None:
    """A user ARN with an empty, spaced, over-long or wildcard name is refused when given."""
    with pytest.raises(ValidationError) as exc_info:
        ThirdPartyGrant(
            role_name="R", trusted_principal=f"arn:aws:iam::{VENDOR}:{user}", external_id=EXT
        )

    assert "trusted_principal" == exc_info.value.field


# -- hostile input: refused with ValidationError, and fast ----------------------------------------

_FAST = 1.0  # seconds; every refusal below takes milliseconds once counts are checked first


def _refused_quickly(build: Callable[[], object]) -> ValidationError:
    started = time.perf_counter()
    with pytest.raises(ValidationError) as exc_info:
        build()
    elapsed = time.perf_counter() - started
    assert elapsed < _FAST, f"refusing took {elapsed:.2f} s"
    return exc_info.value


_MANY_IDS = [f"{EXT}{i}" for i in range(1_400_000)]


def test_from_dict_refuses_more_external_ids_than_a_trust_policy_holds_quickly() -> None:
    """1.4 million distinct external IDs are refused before any of them is checked."""
    data = {"role_name": "R", "trusted_account": VENDOR, "external_ids": _MANY_IDS}

    _refused_quickly(lambda: ThirdPartyGrant.from_dict(data))


def test_constructor_refuses_more_external_ids_than_a_trust_policy_holds_quickly() -> None:
    """The constructor caps external IDs at what the largest trust policy can hold."""
    error = _refused_quickly(
        lambda: ThirdPartyGrant(role_name="R", trusted_account=VENDOR, external_id=_MANY_IDS)
    )

    assert error.field == "external_id"


def test_constructor_refuses_an_external_id_stream_without_reading_it_all() -> None:
    """An endless iterable of external IDs is refused after the cap, not read forever."""
    endless = (f"{EXT}{i}" for i in itertools.count())

    error = _refused_quickly(
        lambda: ThirdPartyGrant(role_name="R", trusted_account=VENDOR, external_id=endless)
    )

    assert error.field == "external_id"


def test_add_external_id_refuses_one_more_than_the_cap() -> None:
    """add_external_id() keeps to the same cap as the constructor."""
    full = ThirdPartyGrant(
        role_name="R",
        trusted_account=VENDOR,
        external_id=_MANY_IDS[: limits.MAX_TRUST_POLICY_VALUES],
    )

    with pytest.raises(ValidationError, match="external IDs"):
        full.add_external_id("one-more-external-id")


def test_a_huge_principal_is_refused_quickly() -> None:
    """A 50 MB principal ARN is refused on its length, before it is parsed or hashed."""
    huge = "arn:aws:iam::111122223333:role/" + "a" * 50_000_000

    error = _refused_quickly(lambda: ThirdPartyGrant(role_name="R", trusted_principal=huge))

    assert error.field == "trusted_principal"


def test_a_huge_string_in_grant_data_is_refused_quickly() -> None:
    """from_dict refuses a string longer than any document of a grant before reading it."""
    data = {"role_name": "R", "description": "d" * 50_000_000}

    error = _refused_quickly(lambda: ThirdPartyGrant.from_dict(data))

    assert error.field == "grant"


def _nested(depth: int) -> object:
    value: object = "s3:GetObject"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [100, 100_000])
def test_from_dict_refuses_deep_nesting(depth: int) -> None:
    """Nesting deeper than any grant is a ValidationError, never a RecursionError."""
    statement = {"Effect": "Allow", "Action": _nested(depth), "Resource": "*"}
    data = {"role_name": "R", "statements": [statement]}

    error = _refused_quickly(lambda: ThirdPartyGrant.from_dict(data))

    assert error.field == "grant"
    assert "nested" in error.rule


def test_from_dict_refuses_deeply_nested_conditions() -> None:
    """A Condition nested thousands of levels deep is a ValidationError."""
    condition: object = "v"
    for _ in range(10_000):
        condition = {"k": condition}
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    data = {"role_name": "R", "statements": [{**statement, "Condition": condition}]}

    with pytest.raises(ValidationError, match="nested"):
        ThirdPartyGrant.from_dict(data)


@pytest.mark.parametrize(
    "key", ["max_session_duration", "trust_policy_quota", "inline_policies_quota"]
)
def test_from_dict_refuses_huge_integers(key: str) -> None:
    """An integer beyond Python's printable digits is a ValidationError, not a ValueError."""
    data = {"role_name": "R", key: 10**5000}

    with pytest.raises(ValidationError) as exc_info:
        ThirdPartyGrant.from_dict(data)

    assert exc_info.value.field == "grant"


@pytest.mark.parametrize(
    "key", ["max_session_duration", "trust_policy_quota", "max_managed_policies"]
)
def test_constructor_refuses_huge_integers(key: str) -> None:
    """The constructor refuses a huge integer with a ValidationError naming the argument."""
    kwargs: dict[str, Any] = {key: -(10**5000)}

    with pytest.raises(ValidationError) as exc_info:
        ThirdPartyGrant(role_name="R", **kwargs)

    assert exc_info.value.field == key


def test_from_json_refuses_a_huge_number_literal() -> None:
    """A number literal of thousands of digits is a ValidationError, not a ValueError."""
    text = '{"role_name": "R", "max_session_duration": 1' + "0" * 5000 + "}"

    with pytest.raises(ValidationError, match="number"):
        ThirdPartyGrant.from_json(text)


def test_from_json_refuses_deep_nesting() -> None:
    """JSON nested past the interpreter's recursion limit is a ValidationError."""
    text = '{"role_name": "R", "statements": ' + "[" * 100_000 + "]" * 100_000 + "}"

    with pytest.raises(ValidationError, match="nested"):
        ThirdPartyGrant.from_json(text)


def test_from_dict_refuses_more_statements_than_the_cap() -> None:
    """More statements than MAX_GRANT_STATEMENTS are refused before any is parsed."""
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    data = {"role_name": "R", "statements": [statement] * (limits.MAX_GRANT_STATEMENTS + 1)}

    _refused_quickly(lambda: ThirdPartyGrant.from_dict(data))
