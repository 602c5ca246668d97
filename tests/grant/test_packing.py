"""A grant's permission policies beyond the inline quota (xaccess.grant.packing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.grant.grants import _grant
from xaccess import AccountQuotas, PolicySizeError, ValidationError
from xaccess.policy import Condition, PolicyDocument, Request, Statement, evaluate
from xaccess.rolespec import managed_policy_name

if TYPE_CHECKING:
    from xaccess.grant import ThirdPartyGrant

PRINCIPAL: Final = "arn:aws:sts::444455556666:assumed-role/AcmeAudit/check"
SERVICES: Final = ("s3", "ec2", "sqs")
SMALL: Final = AccountQuotas(
    inline_policies_size=700, managed_policy_size=600, managed_policies_per_role=20
)


def _statement(index: int, effect: str, width: int, conditioned: bool) -> Statement:
    service = SERVICES[index % len(SERVICES)]
    conditions = (
        (Condition("StringEquals", "aws:SourceVpc", (f"vpc-{index % 2}",)),) if conditioned else ()
    )
    return Statement(
        effect=effect,  # type: ignore[arg-type]
        actions=(f"{service}:Get{index % 5}", f"{service}:List{index % 4}"),
        resources=tuple(f"arn:aws:{service}:::r{index % 6}-{j}/*" for j in range(width)),
        conditions=conditions,
    )


@st.composite
def _statements(draw: st.DrawFn) -> list[Statement]:
    count = draw(st.integers(min_value=1, max_value=30))
    return [
        _statement(
            draw(st.integers(0, 40)),
            draw(st.sampled_from(("Allow", "Allow", "Allow", "Deny"))),
            draw(st.integers(1, 6)),
            draw(st.booleans()),
        )
        for _ in range(count)
    ]


def _grant_of(statements: list[Statement]) -> ThirdPartyGrant:
    return _grant(statements=tuple(statements))


def _requests() -> list[Request]:
    """Requests on every action, resource and VPC the statements may name, and some outside."""
    return [
        Request(
            principal=PRINCIPAL,
            action=action,
            resource=f"arn:aws:{SERVICES[index % 3]}:::r{index % 6}-{j}/key",
            context={"aws:SourceVpc": vpc},
        )
        for index in range(42)
        for action in (
            f"{SERVICES[index % 3]}:Get{index % 5}",
            f"{SERVICES[index % 3]}:List{index % 4}",
            "s3:Put1",
        )
        for j in (0, 3, 7)
        for vpc in ("vpc-0", "vpc-1")
    ]


@settings(max_examples=40, deadline=None)
@given(statements=_statements())
def test_packed_policies_decide_every_request_like_the_statements(
    statements: list[Statement],
) -> None:
    """Inline plus managed policies allow and deny exactly what the grant's statements do."""
    grant = _grant_of(statements)
    try:
        policies = grant.permission_policies(quotas=SMALL)
    except PolicySizeError as error:  # only when the denies alone overflow the inline policy
        quota = error.quota
        policies = ()
    else:
        quota = "Deny"
    assert "Deny" in quota
    written = PolicyDocument(tuple(statements))
    documents = [p.document for p in policies]
    if not policies:
        return
    for request in _requests():
        expected = evaluate(request, identity_policies=[written]).outcome
        assert expected == evaluate(request, identity_policies=documents).outcome


@settings(max_examples=40, deadline=None)
@given(statements=_statements())
def test_packed_policies_stay_within_every_quota(statements: list[Statement]) -> None:
    """The inline policy fits the inline quota, each managed one the managed quota, and the
    managed ones the count; every Deny is in the inline policy."""
    grant = _grant_of(statements)
    try:
        policies = grant.permission_policies(quotas=SMALL)
    except PolicySizeError:
        return
    inline = [p for p in policies if p.kind == "inline"]
    managed = [p for p in policies if p.kind == "managed"]
    assert len(inline) <= 1
    assert all(p.document.size() <= SMALL.inline_policies_size for p in inline)
    assert all(p.document.size() <= SMALL.managed_policy_size for p in managed)
    assert len(managed) <= SMALL.managed_policies_per_role
    assert [managed_policy_name("AcmeAudit", i) for i in range(len(managed))] == [
        p.name for p in managed
    ]
    assert all(s.effect == "Allow" for p in managed for s in p.document.statements)


def test_a_grant_that_fits_inline_has_one_inline_policy() -> None:
    """Below the inline quota nothing changes: one inline policy named PREFIX-0."""
    grant = _grant().allow("s3:GetObject", "arn:aws:s3:::b/*")

    assert [("AcmeAudit-0", "inline")] == [(p.name, p.kind) for p in grant.permission_policies()]


def test_too_many_managed_policies_raise_before_any_aws_call() -> None:
    """Beyond the managed-policies-per-role quota, PolicySizeError says what is needed and the
    most that fits."""
    statements = [
        Statement(
            effect="Allow",
            actions=(f"s3:Get{i}",),
            resources=tuple(f"arn:aws:s3:::allow-{i}-{j}/*" for j in range(4)),
        )
        for i in range(40)
    ]
    quotas = AccountQuotas(
        inline_policies_size=700, managed_policy_size=600, managed_policies_per_role=3
    )
    grant = _grant_of(statements).attach("arn:aws:iam::aws:policy/SecurityAudit")

    with pytest.raises(PolicySizeError) as caught:
        grant.permission_policies(quotas=quotas)

    error = caught.value
    assert 700 + 2 * 600 == error.limit
    assert error.size > error.limit
    assert "1 of managed_policies_per_role=3 are attached" in error.__notes__[0]


def test_denies_that_overflow_the_inline_policy_are_refused() -> None:
    """Every Deny stays inline; when they alone exceed the inline quota, PolicySizeError."""
    statements = [
        Statement(effect="Deny", actions=(f"s3:Put{i}",), resources=(f"arn:aws:s3:::deny-{i}/*",))
        for i in range(12)
    ]

    with pytest.raises(PolicySizeError) as caught:
        _grant_of(statements).permission_policies(quotas=SMALL)

    assert 700 == caught.value.limit
    assert "Deny" in caught.value.quota


def test_quotas_are_settable_on_the_grant_and_read_back() -> None:
    """with_quotas sets the four quota fields at once; quotas reads them back."""
    grant = _grant().with_quotas(SMALL)

    assert SMALL == grant.quotas
    assert (700, 600, 20) == (
        grant.inline_policies_quota,
        grant.managed_policy_quota,
        grant.max_managed_policies,
    )
    statements = [_statement(i, "Allow", 6, False) for i in range(10)]
    own = _grant_of(statements).with_quotas(SMALL).permission_policies()
    assert own == _grant_of(statements).permission_policies(quotas=SMALL)
    assert "managed" == own[-1].kind


def test_with_quotas_refuses_what_is_not_quotas_or_too_few_attachments() -> None:
    """with_quotas takes an AccountQuotas whose count holds the attached policies."""
    grant = _grant().attach("arn:aws:iam::aws:policy/SecurityAudit")

    with pytest.raises(ValidationError) as caught:
        grant.with_quotas({"managed_policies_per_role": 3})  # type: ignore[arg-type]
    assert "quotas" == caught.value.field
    with pytest.raises(ValidationError, match="attaches 1 managed"):
        grant.with_quotas(AccountQuotas(managed_policies_per_role=0))
    with pytest.raises(ValidationError) as caught:
        grant.permission_policies(quotas=3)  # type: ignore[arg-type]
    assert "quotas" == caught.value.field


def test_the_managed_policy_quota_cannot_be_raised() -> None:
    """managed_policy_quota is at most IAM's fixed 6144."""
    with pytest.raises(ValidationError) as caught:
        _grant(managed_policy_quota=6145)

    assert "managed_policy_quota" == caught.value.field
