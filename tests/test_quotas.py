"""The account quotas value (xaccess.quotas)."""

from __future__ import annotations

import pytest

from xaccess import AccountQuotas, ValidationError


def test_the_defaults_are_iams() -> None:
    """Without arguments the quotas are IAM's defaults."""
    assert (2048, 10240, 6144, 10) == (
        AccountQuotas().trust_policy_size,
        AccountQuotas().inline_policies_size,
        AccountQuotas().managed_policy_size,
        AccountQuotas().managed_policies_per_role,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("inline_policies_size", 10241),
        ("managed_policy_size", 6145),
        ("managed_policies_per_role", 21),
        ("managed_policies_per_role", -1),
        ("trust_policy_size", 0),
        ("trust_policy_size", True),
        ("managed_policy_size", "6144"),
        ("trust_policy_size", 2**80),
    ],
)
def test_a_quota_out_of_range_is_refused_naming_it(field: str, value: object) -> None:
    """Each quota is an int within what IAM allows; the error names the quota."""
    with pytest.raises(ValidationError) as caught:
        AccountQuotas(**{field: value})  # type: ignore[arg-type]

    assert field == caught.value.field


def test_a_raised_trust_policy_quota_is_kept() -> None:
    """The trust policy quota is not capped, like the grant's trust_policy_quota."""
    assert 8192 == AccountQuotas(trust_policy_size=8192).trust_policy_size


def test_from_summary_reads_the_four_keys_and_keeps_defaults_for_missing_ones() -> None:
    """GetAccountSummary's keys map onto the quotas; a missing key keeps its default."""
    quotas = AccountQuotas.from_summary(
        {"AssumeRolePolicySizeQuota": 4096, "AttachedPoliciesPerRoleQuota": 20, "Roles": 3}
    )

    assert AccountQuotas(trust_policy_size=4096, managed_policies_per_role=20) == quotas


def test_from_summary_lowers_values_beyond_what_iam_documents() -> None:
    """A live value above the documented most is lowered to it rather than refused."""
    quotas = AccountQuotas.from_summary(
        {"AttachedPoliciesPerRoleQuota": 25, "PolicySizeQuota": 9000, "RolePolicySizeQuota": 20480}
    )

    assert (20, 6144, 10240) == (
        quotas.managed_policies_per_role,
        quotas.managed_policy_size,
        quotas.inline_policies_size,
    )


@pytest.mark.parametrize("summary", [[], {"PolicySizeQuota": "6144"}, {"PolicySizeQuota": 0}])
def test_from_summary_refuses_what_is_not_a_summary(summary: object) -> None:
    """A summary that is not a mapping of positive ints is a ValidationError."""
    with pytest.raises(ValidationError):
        AccountQuotas.from_summary(summary)  # type: ignore[arg-type]
