"""Who a grant trusts, and the trust policy that says so.

How a vendor principal is trusted:

- an account (``trusted_account="111122223333"``) is named by its root ARN, which trusts every
  principal of that account that its own administrators allow;
- a role or user (``trusted_principal="arn:aws:iam::111122223333:role/Scanner"``) is by default
  (``pin="condition"``) written as the account root plus a ``StringEquals`` condition on
  ``aws:PrincipalArn``. IAM stores a role ARN named in ``Principal`` as the role's unique ID, so
  a trust that names the ARN breaks silently when the vendor deletes and recreates the role; the
  condition form keeps working, and an exact string comparison never reads ``*`` or ``?`` (legal
  in role paths) as wildcards. ``pin="arn"`` names the ARN in ``Principal`` instead.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final, Literal, NamedTuple

from xaccess import limits
from xaccess._validate import type_name
from xaccess.errors import ValidationError
from xaccess.identifiers import validate_account_id, validate_partition
from xaccess.policy import Condition, PolicyDocument, Principal, Statement

if TYPE_CHECKING:
    from collections.abc import Iterable

    from xaccess.grant.builder import ThirdPartyGrant

ASSUME_ROLE: Final = "sts:AssumeRole"
TAG_SESSION: Final = "sts:TagSession"
SET_SOURCE_IDENTITY: Final = "sts:SetSourceIdentity"

TrusteeKind = Literal["root", "role", "user"]


class Trustee(NamedTuple):
    """One trusted principal, normalised.

    A named tuple rather than an attrs class: it is cheaper to define, and this module is loaded
    by every program that builds a grant.
    """

    kind: TrusteeKind
    account: str
    arn: str | None  # None for a bare account ID: its root ARN takes the grant's partition
    partition: str | None
    field: str

    def principal_arn(self, partition: str) -> str:
        return self.arn if self.arn is not None else f"arn:{partition}:iam::{self.account}:root"


def parse_trustee(value: object, field: str, *, account_only: bool) -> Trustee:
    """Read one trusted principal given as ``field``."""
    if not isinstance(value, str):
        if account_only:
            validate_account_id(value, field=field)
        raise ValidationError(
            field, f"must be an account ID or a principal ARN (str), got {type_name(value)}"
        )
    if len(value) > limits.MAX_ROLE_ARN:
        raise ValidationError(
            field,
            f"is {len(value)} characters long; a principal ARN has at most {limits.MAX_ROLE_ARN}",
        )
    try:
        kind, account, arn, partition = _read_trustee(value, account_only=account_only)
    except ValidationError as exc:
        raise ValidationError(field, exc.rule) from None
    return Trustee(kind, account, arn, partition, field)


@functools.lru_cache(maxsize=1024)
def _read_trustee(
    value: str, *, account_only: bool
) -> tuple[TrusteeKind, str, str | None, str | None]:
    """Parse one trusted principal (cached: the same vendor is trusted by many grants)."""
    if account_only or not value.startswith("arn:"):
        return "root", validate_account_id(value, field=""), None, None
    # The ARN classes load with the first trusted ARN, not with the grant module.
    from xaccess.identifiers.arns import Arn, principal_kind  # noqa: PLC0415

    kind = principal_kind(value, field="")
    if kind == "assumed-role" or kind == "federated-user":  # noqa: PLR1714 - narrows the type
        raise ValidationError(
            "",
            f"names a {kind} session, which lasts hours at most; trust the role "
            "(arn:PARTITION:iam::ACCOUNT:role/NAME) or the user instead",
        )
    arn = Arn.parse(value, field="")
    return kind, arn.account, value, arn.partition


def find_trustees(
    trusted_account: object, trusted_principal: object, trusted_principals: Iterable[object]
) -> list[Trustee]:
    """Parse the three ways of naming trusted principals, in order."""
    found: list[Trustee] = []
    if trusted_account is not None:
        found.append(parse_trustee(trusted_account, "trusted_account", account_only=True))
    if trusted_principal is not None:
        found.append(parse_trustee(trusted_principal, "trusted_principal", account_only=False))
    for i, value in enumerate(trusted_principals):
        found.append(parse_trustee(value, f"trusted_principals[{i}]", account_only=False))
    return found


def resolve_partition(partition: object, found: list[Trustee]) -> str:
    """The grant's partition: ``partition``, else the trusted ARNs', else ``aws``."""
    resolved = None if partition is None else validate_partition(partition, field="partition")
    for trustee in found:
        if trustee.partition is None:
            continue
        if resolved is None:
            resolved = trustee.partition
        elif trustee.partition != resolved:
            raise ValidationError(
                trustee.field,
                f"is in partition {trustee.partition!r} but the grant is in {resolved!r}; "
                "STS does not assume roles across partitions",
            )
    return resolved or "aws"


def check_trustees(found: list[Trustee], partition: str, pin: str) -> None:
    """Refuse a principal trusted twice, or trusted both alone and with its whole account."""
    seen: dict[str, str] = {}
    whole: dict[str, str] = {}
    for trustee in found:
        arn = trustee.principal_arn(partition)
        if arn in seen:
            raise ValidationError(trustee.field, f"trusts the same principal as {seen[arn]}")
        seen[arn] = trustee.field
        if trustee.kind == "root":
            whole[trustee.account] = trustee.field
    for trustee in found:
        if trustee.kind != "root" and trustee.account in whole:
            raise ValidationError(
                trustee.field,
                f"is in account {trustee.account}, which {whole[trustee.account]} already "
                "trusts as a whole; trust either the account or its principals",
            )
        if pin == "arn" and trustee.arn is not None and ("*" in trustee.arn or "?" in trustee.arn):
            raise ValidationError(
                trustee.field,
                "contains '*' or '?', which a Principal cannot name; use pin='condition'",
            )


def literal(value: str) -> str:
    """Escape ``${`` so that a condition value or resource is never read as a policy variable."""
    return value.replace("${", "${$}{")


@functools.lru_cache(maxsize=256)
def _shared_principal(arns: tuple[str, ...]) -> Principal:
    return Principal(aws=arns)


@functools.lru_cache(maxsize=256)
def _shared_conditions(
    principal_arns: tuple[str, ...],
    org_ids: tuple[str, ...],
    session_names: tuple[str, ...],
    source_identities: tuple[str, ...] | None,
    tag_keys: tuple[str, ...] | None,
) -> tuple[Condition, ...]:
    """The trust conditions many grants share (principals, patterns), built and checked once."""
    out: list[Condition] = []
    if principal_arns:
        out.append(Condition("StringEquals", "aws:PrincipalArn", principal_arns))
    if org_ids:
        out.append(Condition("StringEquals", "aws:PrincipalOrgID", org_ids))
    if session_names:
        out.append(Condition("StringLike", "sts:RoleSessionName", session_names))
    if source_identities is not None:
        out.append(Condition("StringLike", "sts:SourceIdentity", source_identities))
    if tag_keys is not None:
        out.append(Condition("ForAllValues:StringEquals", "aws:TagKeys", tag_keys))
    return tuple(out)


def _conditions(grant: ThirdPartyGrant, principal_arns: tuple[str, ...]) -> tuple[Condition, ...]:
    shared = _shared_conditions(
        principal_arns,
        grant.org_ids,
        grant.session_name_patterns,
        grant.source_identity_patterns,
        grant.session_tag_keys,
    )
    if not grant.external_ids:
        return shared
    # New for every customer: checked every time, like the external IDs themselves.
    return (Condition("StringEquals", "sts:ExternalId", grant.external_ids), *shared)


def _check_complete(grant: ThirdPartyGrant) -> None:
    if not grant.trustees:
        raise ValidationError(
            "trusted_principals",
            "the grant trusts no one: give trusted_account=, trusted_principal= or "
            "trusted_principals=, or call trust()",
        )
    if not grant.external_ids and not grant.allow_missing_external_id:
        raise ValidationError(
            "external_id",
            "a third-party trust policy needs an external ID (the confused-deputy "
            "defence); give external_id=, or allow_missing_external_id=True to opt out",
        )


def trust_policy(grant: ThirdPartyGrant) -> PolicyDocument:
    """Build the role's trust policy.

    One ``Allow`` of ``sts:AssumeRole`` (plus ``sts:TagSession`` and
    ``sts:SetSourceIdentity`` when allowed) for the trusted principals, with
    ``StringEquals`` on ``sts:ExternalId`` listing every trusted external ID and the
    optional conditions. Session tags and source identity are authorised as
    separate actions of the same request, whose context carries the same
    external ID, session name and principal, so they share the statement and its
    conditions. Principals pinned by condition get a statement of their own.

    Raises:
        ValidationError: No principal is trusted, or no external ID is set and
            ``allow_missing_external_id`` is false.
        PolicySizeError: The policy exceeds ``trust_policy_quota``.

    .. versionadded:: 0.1.0
    """
    _check_complete(grant)
    actions = [ASSUME_ROLE]
    if grant.session_tags_allowed:
        actions.append(TAG_SESSION)
    if grant.source_identity_allowed or grant.source_identity_patterns is not None:
        actions.append(SET_SOURCE_IDENTITY)
    partition = grant.resolved_partition
    named: list[str] = []
    pinned: list[Trustee] = []
    for trustee in grant.trustees:
        if trustee.kind == "root" or grant.pin == "arn":
            named.append(trustee.principal_arn(partition))
        else:
            pinned.append(trustee)
    statements: list[Statement] = []
    if named:
        statements.append(
            Statement(
                effect="Allow",
                principal=_shared_principal(tuple(named)),
                actions=actions,
                conditions=_conditions(grant, ()),
            )
        )
    if pinned:
        roots = dict.fromkeys(f"arn:{partition}:iam::{t.account}:root" for t in pinned)
        arns = tuple(literal(t.principal_arn(partition)) for t in pinned)
        statements.append(
            Statement(
                effect="Allow",
                principal=_shared_principal(tuple(roots)),
                actions=actions,
                conditions=_conditions(grant, arns),
            )
        )
    document = PolicyDocument(statements)
    document.check_trust_policy()
    document.check_size(grant.trust_policy_quota, quota="role trust policy", field="trust_policy")
    return document


def pinned_role_of_session(trustees: tuple[Trustee, ...], principal_arn: str) -> str | None:
    """The trusted role ARN (with its path) of a session ARN, if the grant names it.

    A session ARN carries the role name but not its path; role names are unique in an
    account, so a trusted role with that exact name is the session's role.
    """
    if ":assumed-role/" not in principal_arn:
        return None
    from xaccess.identifiers.arns import AssumedRoleArn, RoleArn  # noqa: PLC0415 - see above

    try:
        session = AssumedRoleArn.parse(principal_arn, field="principal_arn")
    except ValidationError:
        return None  # the evaluation reports the malformed principal
    for trustee in trustees:
        if trustee.kind == "role" and trustee.account == session.account:
            role = RoleArn.parse(trustee.arn, field=trustee.field)
            if role.name == session.role_name:
                return str(role)
    return None
