"""Permission analysis of a third-party role: escalation, admin wildcards, unknown actions.

Escalation and administrator access are judged by evaluation: each dangerous action is asked
about as a request on an arbitrary resource of the account (any role, any policy, any user),
and a finding is reported when :func:`xaccess.evaluate` allows it under the role's identity
policies together. The request is the finding's witness, and the statements that allowed it
locate the finding. Unknown actions are looked up in the IAM action catalog
(:mod:`xaccess.policy.catalog`).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final

import attrs

from xaccess.audit.rules import AuditReport, Finding
from xaccess.audit.trust import audit_trust_policy, to_document
from xaccess.policy import PolicyDocument, Principal, Request, Statement, catalog, evaluate

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from xaccess.grant import ThirdPartyGrant
    from xaccess.policy import Decision

__all__ = ["BROAD_MANAGED_POLICIES", "audit_grant", "audit_permissions"]

_ACCOUNT: Final = "123456789012"
_PROBE_CALLER: Final = f"arn:aws:iam::{_ACCOUNT}:role/XAccessAuditProbe"
_ROLE: Final = f"arn:aws:iam::{_ACCOUNT}:role/AnyOtherRole"
_POLICY: Final = f"arn:aws:iam::{_ACCOUNT}:policy/AnyPolicy"
_USER: Final = f"arn:aws:iam::{_ACCOUNT}:user/AnyUser"
_GROUP: Final = f"arn:aws:iam::{_ACCOUNT}:group/AnyGroup"
_ELSEWHERE: Final = "arn:aws:iam::210987654321:role/AnyRoleThatTrustsThisAccount"
# A role in another account that trusts the probe's account: only the identity policies decide.
_TRUSTS_PROBE: Final = PolicyDocument(
    [
        Statement(
            effect="Allow",
            principal=Principal(aws=(f"arn:aws:iam::{_ACCOUNT}:root",)),
            actions=("sts:AssumeRole",),
        )
    ]
)

#: Actions that let whoever holds them give themselves more access, with the resource they are
#: probed on (an arbitrary one of its type: a grant scoped to named resources is not flagged).
_ESCALATIONS: Final = {
    "iam:PassRole": _ROLE,
    "iam:UpdateAssumeRolePolicy": _ROLE,
    "iam:AttachRolePolicy": _ROLE,
    "iam:PutRolePolicy": _ROLE,
    "iam:DeleteRolePermissionsBoundary": _ROLE,
    "iam:PutRolePermissionsBoundary": _ROLE,
    "iam:CreatePolicyVersion": _POLICY,
    "iam:SetDefaultPolicyVersion": _POLICY,
    "iam:AttachUserPolicy": _USER,
    "iam:PutUserPolicy": _USER,
    "iam:CreateAccessKey": _USER,
    "iam:CreateLoginProfile": _USER,
    "iam:UpdateLoginProfile": _USER,
    "iam:AddUserToGroup": _GROUP,
    "iam:AttachGroupPolicy": _GROUP,
    "iam:PutGroupPolicy": _GROUP,
}
#: Unrelated actions of several services: allowed all together on "*" means administrator.
_ADMIN_PROBES: Final = (
    ("iam:CreateUser", _USER),
    ("ec2:RunInstances", "*"),
    ("s3:DeleteBucket", "arn:aws:s3:::any-bucket"),
    ("kms:CreateKey", "*"),
    ("organizations:LeaveOrganization", "*"),
    ("cloudtrail:StopLogging", f"arn:aws:cloudtrail:us-east-1:{_ACCOUNT}:trail/any"),
)
#: AWS managed policies that hand out administrator or IAM-wide access.
BROAD_MANAGED_POLICIES: Final = frozenset(
    {
        "AdministratorAccess",
        "IAMFullAccess",
        "PowerUserAccess",
        "AWSOrganizationsFullAccess",
    }
)


@functools.cache
def _probe(action: str, resource: str) -> Request:
    """The probe request for one action (built once: probes are the same for every audit)."""
    return Request(principal=_PROBE_CALLER, action=action, resource=resource)


def _allowed(
    documents: list[PolicyDocument],
    action: str,
    resource: str,
    *,
    resource_policy: PolicyDocument | None = None,
) -> tuple[Request, Decision] | None:
    request = _probe(action, resource)
    decision = evaluate(request, identity_policies=documents, resource_policy=resource_policy)
    return (request, decision) if decision.allowed else None


def _located(decision: Decision) -> tuple[int | None, int | None]:
    for ref in decision.matched:
        if ref.policy.startswith("identity["):
            return int(ref.policy[len("identity[") : -1]), ref.index
    return None, None  # pragma: no cover - an allowed request always has an allowing statement


def _escalations(documents: list[PolicyDocument]) -> Iterator[Finding]:
    admin = [_allowed(documents, action, resource) for action, resource in _ADMIN_PROBES]
    if all(admin):
        witness, decision = admin[0]  # type: ignore[misc] # all() checked it
        policy, statement = _located(decision)
        yield Finding.of(
            "XA201",
            "every action on every resource is allowed",
            policy=policy,
            statement=statement,
            witness=witness,
        )
        return  # administrator access implies every escalation below
    onward = _allowed(documents, "sts:AssumeRole", _ELSEWHERE, resource_policy=_TRUSTS_PROBE)
    if onward is not None:
        policy, statement = _located(onward[1])
        yield Finding.of(
            "XA203",
            "sts:AssumeRole is allowed on any role, so access can move on to other roles",
            policy=policy,
            statement=statement,
            witness=onward[0],
        )
    for action, resource in _ESCALATIONS.items():
        found = _allowed(documents, action, resource)
        if found is None:
            continue
        witness, decision = found
        policy, statement = _located(decision)
        yield Finding.of(
            "XA202",
            f"{action} is allowed on {resource.rsplit(':', 1)[1].split('/', 1)[0]}s it was not "
            "scoped to, which lets the holder grant itself more access",
            policy=policy,
            statement=statement,
            witness=witness,
        )


def _statement_rules(policy: int, index: int, statement: Statement) -> Iterator[Finding]:
    if statement.effect == "Allow" and statement.not_actions:
        yield Finding.of(
            "XA206",
            f"Allow with NotAction grants every action except {', '.join(statement.not_actions)}",
            policy=policy,
            statement=index,
        )
    every_resource = "*" in statement.resources or not statement.has_resource
    for action in statement.actions:
        service, _, name = action.partition(":")
        if statement.effect == "Allow" and name == "*" and every_resource and service != "iam":
            yield Finding.of(
                "XA204",
                f"every {service} action is allowed on every resource",
                policy=policy,
                statement=index,
            )
    for field, actions in (("Action", statement.actions), ("NotAction", statement.not_actions)):
        yield from _unknown_actions(policy, index, statement, field, actions)


def _unknown_actions(
    policy: int, index: int, statement: Statement, field: str, actions: tuple[str, ...]
) -> Iterator[Finding]:
    for action in actions:
        if catalog.exists(action):
            continue
        guess = catalog.suggest(action)
        hint = f"; did you mean {guess!r}?" if guess else ""
        fix = None
        if guess:
            replaced = tuple(guess if a == action else a for a in actions)
            if field == "Action":
                fix = attrs.evolve(statement, actions=replaced)
            else:
                fix = attrs.evolve(statement, not_actions=replaced)
        yield Finding.of(
            "XA205",
            f"{action!r} is not in the IAM action catalog{hint}",
            policy=policy,
            statement=index,
            fix=fix,
        )


def audit_permissions(
    documents: Iterable[PolicyDocument | Mapping[str, object] | str | bytes],
    *,
    managed_policy_arns: Iterable[str] = (),
) -> AuditReport:
    """Audit the permissions of a third-party role.

    Args:
        documents: Every identity policy of the role (inline and customer managed), each a
            :class:`~xaccess.PolicyDocument`, a dict or JSON text. They are judged together:
            two statements that only together allow an escalation are found too.
        managed_policy_arns: ARNs of the managed policies attached to the role; broad AWS
            managed policies (:data:`BROAD_MANAGED_POLICIES`) are reported.

    Returns:
        The report. Findings of one document carry its position as ``policy``.

    Raises:
        ValidationError: A document is not a legal IAM policy.

    .. versionadded:: 0.1.0
    """
    docs = [to_document(d) for d in documents]
    findings: list[Finding] = []
    if docs:
        findings.extend(_escalations(docs))
    for policy, document in enumerate(docs):
        for index, statement in enumerate(document.statements):
            findings.extend(_statement_rules(policy, index, statement))
    for arn in managed_policy_arns:
        name = arn.rsplit("/", 1)[-1]
        if ":iam::aws:policy/" in arn and name in BROAD_MANAGED_POLICIES:
            findings.append(Finding.of("XA207", f"{arn} is attached", principal=None))
    return AuditReport(findings)


def audit_grant(grant: ThirdPartyGrant) -> AuditReport:
    """Audit a grant before it is created: its trust policy and its permissions.

    This is what ``grant.audit()`` is meant to return.

    Raises:
        ValidationError: The grant cannot build its policies (see ``trust_policy()``).

    .. versionadded:: 0.1.0
    """
    trust = audit_trust_policy(grant.trust_policy())
    named = grant.permission_policies()
    return trust + audit_permissions(
        [p.document for p in named], managed_policy_arns=grant.managed_policy_arns
    )
