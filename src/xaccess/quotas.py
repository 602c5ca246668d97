"""The IAM size and count quotas of one account, as a pure value.

:class:`AccountQuotas` holds the four quotas that decide how a grant's permissions are laid out:
the trust policy size, the inline policies size, the customer-managed policy size and the number
of managed policies attached to one role. The defaults are IAM's (:mod:`xaccess.limits`); an
account may have had some raised, which :meth:`AccountQuotas.read` finds out live
(``GetAccountSummary``) through :mod:`xaccess.aws.quotas`. The value itself needs no boto3.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import attrs

from xaccess import limits
from xaccess._validate import check_int, type_name
from xaccess.errors import ValidationError

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient

__all__ = ["SUMMARY_KEYS", "AccountQuotas"]

SUMMARY_KEYS: Final = {
    "trust_policy_size": "AssumeRolePolicySizeQuota",
    "inline_policies_size": "RolePolicySizeQuota",
    "managed_policy_size": "PolicySizeQuota",
    "managed_policies_per_role": "AttachedPoliciesPerRoleQuota",
}
"""Each quota's key in ``GetAccountSummary``'s ``SummaryMap``.

.. versionadded:: 0.1.0
"""

_HIGHEST: Final[dict[str, int | None]] = {
    "trust_policy_size": None,  # not capped, as the grant's trust_policy_quota
    "inline_policies_size": limits.INLINE_POLICIES_SIZE_QUOTA,
    "managed_policy_size": limits.MAX_MANAGED_POLICY_SIZE_QUOTA,
    "managed_policies_per_role": limits.MAX_MANAGED_POLICIES_PER_ROLE,
}
_LOWEST: Final = {
    "trust_policy_size": 1,
    "inline_policies_size": 1,
    "managed_policy_size": 1,
    "managed_policies_per_role": 0,
}


def _check(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    name = attribute.name
    if isinstance(value, int) and value.bit_length() > limits.MAX_GRANT_INTEGER_BITS:
        raise ValidationError(name, f"is out of range: an integer of {value.bit_length()} bits")
    check_int(value, name, low=_LOWEST[name])
    highest = _HIGHEST[name]
    if highest is not None and isinstance(value, int) and value > highest:
        raise ValidationError(name, f"must be at most {highest}, the most IAM allows, got {value}")


@attrs.frozen(kw_only=True)
class AccountQuotas:
    """The IAM quotas that decide how a grant's policies are laid out, in one account.

    Sizes are characters as IAM counts them (whitespace not counted).

    Args:
        trust_policy_size: A role's trust policy (2048 by default; raisable).
        inline_policies_size: All inline policies of one role together (10240, which is also
            the most; a lower value leaves room for inline policies written by other means).
        managed_policy_size: One customer-managed policy (6144, which is also the most).
        managed_policies_per_role: Managed policies attached to one role (10 by default, at
            most 20).

    Raises:
        ~xaccess.ValidationError: A quota is not an int or out of its range.

    .. versionadded:: 0.1.0
    """

    trust_policy_size: int = attrs.field(default=limits.TRUST_POLICY_SIZE_QUOTA, validator=_check)
    inline_policies_size: int = attrs.field(
        default=limits.INLINE_POLICIES_SIZE_QUOTA, validator=_check
    )
    managed_policy_size: int = attrs.field(
        default=limits.MANAGED_POLICY_SIZE_QUOTA, validator=_check
    )
    managed_policies_per_role: int = attrs.field(
        default=limits.MANAGED_POLICIES_PER_ROLE, validator=_check
    )

    @classmethod
    def from_summary(cls, summary: Mapping[str, object]) -> AccountQuotas:
        """The quotas in a ``GetAccountSummary`` ``SummaryMap``.

        A key that is missing keeps its default; a value above what xaccess can use (the
        most IAM documents) is lowered to that most, so a live reading never fails on it.

        Raises:
            ~xaccess.ValidationError: ``summary`` is not a mapping, or a value is not a
                positive int.

        .. versionadded:: 0.1.0
        """
        if not isinstance(summary, Mapping):
            raise ValidationError("summary", f"must be a mapping, got {type_name(summary)}")
        values: dict[str, int] = {}
        for name, key in SUMMARY_KEYS.items():
            if key not in summary:
                continue
            value = check_int(summary[key], f"summary[{key!r}]", low=_LOWEST[name])
            highest = _HIGHEST[name]
            values[name] = value if highest is None else min(value, highest)
        return cls(**values)

    @classmethod
    def read(cls, iam: IAMClient) -> AccountQuotas:
        """The live quotas of the account of ``iam``, from ``GetAccountSummary``.

        See :func:`xaccess.aws.quotas.read_account_quotas`.

        .. versionadded:: 0.1.0
        """
        from xaccess.aws.quotas import read_account_quotas  # noqa: PLC0415 - AWS layer on use

        return read_account_quotas(iam)
