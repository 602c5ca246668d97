"""Permission analysis of a third-party role: escalation, admin wildcards, unknown actions.

Escalation and administrator access are judged by evaluation: each dangerous action is asked
about as a request on an arbitrary resource (any role, any policy, any user) of the role's own
account and of every account the policies name, and on the role itself when its ARN is known,
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
from xaccess.identifiers import RoleArn
from xaccess.policy import PolicyDocument, Principal, Request, Statement, catalog, evaluate

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from xaccess.grant import ThirdPartyGrant
    from xaccess.policy import Decision

__all__ = ["BROAD_MANAGED_POLICIES", "audit_grant", "audit_permissions"]

_ACCOUNT: Final = "123456789012"
_ACCOUNT_DIGITS: Final = 12
#: A resource type's arbitrary member, in a probed account: ``{kind}`` and ``{name}``.
_ANY: Final = {
    "role": "AnyOtherRole",
    "policy": "AnyPolicy",
    "user": "AnyUser",
    "group": "AnyGroup",
}

#: Actions that let whoever holds them give themselves more access, with the type of resource
#: they are probed on (an arbitrary one of its type: a grant scoped to named resources is not
#: flagged, unless the resource is the audited role itself).
_ESCALATIONS: Final = {
    "iam:PassRole": "role",
    "iam:UpdateAssumeRolePolicy": "role",
    "iam:AttachRolePolicy": "role",
    "iam:PutRolePolicy": "role",
    "iam:DeleteRolePermissionsBoundary": "role",
    "iam:PutRolePermissionsBoundary": "role",
    "iam:CreatePolicyVersion": "policy",
    "iam:SetDefaultPolicyVersion": "policy",
    "iam:AttachUserPolicy": "user",
    "iam:PutUserPolicy": "user",
    "iam:CreateAccessKey": "user",
    "iam:CreateLoginProfile": "user",
    "iam:UpdateLoginProfile": "user",
    "iam:AddUserToGroup": "group",
    "iam:AttachGroupPolicy": "group",
    "iam:PutGroupPolicy": "group",
}
#: Actions on the audited role itself that widen its own access (passing itself does not).
_SELF_ESCALATIONS: Final = tuple(a for a, kind in _ESCALATIONS.items() if kind == "role")[1:]
_OTHER_ACCOUNT: Final = "210987654321"
#: Unrelated actions of several services: allowed all together on "*" means administrator.
_ADMIN_PROBES: Final = (
    ("iam:CreateUser", "arn:{p}:iam::{a}:user/AnyUser"),
    ("ec2:RunInstances", "*"),
    ("s3:DeleteBucket", "arn:{p}:s3:::any-bucket"),
    ("kms:CreateKey", "*"),
    ("organizations:LeaveOrganization", "*"),
    ("cloudtrail:StopLogging", "arn:{p}:cloudtrail:us-east-1:{a}:trail/any"),
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


@attrs.frozen
class _Scope:
    """Where the probes look, and whom they act as there.

    Attributes:
        accounts: ``(partition, account)`` pairs whose arbitrary resources are probed, the
            role's own account first. When the role is unknown, a stand-in account and every
            account a resource ARN of the policies could name, each probed as if the role
            lived there (IAM changes nobody's roles across accounts).
        role: The audited role's ARN, when known: it is the caller, and its self-escalation
            is probed too.
    """

    accounts: tuple[tuple[str, str], ...]
    role: str | None

    def caller(self, partition: str, account: str) -> str:
        """The principal of the probes in the account."""
        if self.role is not None:
            return self.role
        return f"arn:{partition}:iam::{account}:role/XAccessAuditProbe"


def _scope(documents: list[PolicyDocument], role_arn: str | None) -> _Scope:
    if role_arn is not None:
        arn = RoleArn.parse(role_arn, field="role_arn")
        return _Scope(((arn.partition, arn.account),), str(arn))
    named = (
        account
        for document in documents
        for statement in document.statements
        for resource in statement.resources
        if (account := _account_of(resource)) is not None
    )
    return _Scope(tuple(dict.fromkeys([("aws", _ACCOUNT), *named])), None)


def _account_of(resource: str) -> tuple[str, str] | None:
    """The partition and an account that the resource ARN pattern could name, if any.

    A wildcard in the account is filled with zeros, so that ``arn:aws:iam::4444*:role/*`` is
    probed in an account it matches; an account no 12-digit ID matches gives ``None``.
    """
    parts = resource.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[4]:
        return None
    partition = parts[1] if parts[1].isalpha() or "-" in parts[1] else "aws"
    account = parts[4].replace("?", "0")
    fixed = account.replace("*", "")
    if not fixed.isdigit() and fixed:
        return None
    if "*" in account:
        if len(fixed) > _ACCOUNT_DIGITS:
            return None
        account = account.replace("*", "0" * (_ACCOUNT_DIGITS - len(fixed)), 1).replace("*", "")
    return (partition, account) if len(account) == _ACCOUNT_DIGITS else None


@functools.lru_cache(maxsize=4096)
def _probe(caller: str, action: str, resource: str) -> Request:
    """The probe request for one action (built once: probes repeat from audit to audit)."""
    return Request(principal=caller, action=action, resource=resource)


@functools.lru_cache(maxsize=256)
def _trusting(partition: str, account: str) -> PolicyDocument:
    """The trust policy of a role that trusts the account: only identity policies decide."""
    root = f"arn:{partition}:iam::{account}:root"
    return PolicyDocument(
        [Statement(effect="Allow", principal=Principal(aws=(root,)), actions=("sts:AssumeRole",))]
    )


_Probe = tuple[str, str, "PolicyDocument | None"]


def _allowed(
    documents: list[PolicyDocument], action: str, probes: Iterable[_Probe]
) -> tuple[Request, Decision] | None:
    """The first ``(caller, resource, resource policy)`` probe of ``action`` allowed."""
    for caller, resource, resource_policy in probes:
        request = _probe(caller, action, resource)
        decision = evaluate(request, identity_policies=documents, resource_policy=resource_policy)
        if decision.allowed:
            return request, decision
    return None


def _located(decision: Decision) -> tuple[int | None, int | None]:
    for ref in decision.matched:
        if ref.policy.startswith("identity["):
            return int(ref.policy[len("identity[") : -1]), ref.index
    return None, None  # pragma: no cover - an allowed request always has an allowing statement


def _finding(code: str, message: str, found: tuple[Request, Decision]) -> Finding:
    witness, decision = found
    policy, statement = _located(decision)
    return Finding.of(code, message, policy=policy, statement=statement, witness=witness)


def _escalations(documents: list[PolicyDocument], scope: _Scope) -> Iterator[Finding]:
    partition, account = scope.accounts[0]
    caller = scope.caller(partition, account)
    admin = [
        _allowed(documents, action, [(caller, resource.format(p=partition, a=account), None)])
        for action, resource in _ADMIN_PROBES
    ]
    if all(admin):
        yield _finding("XA201", "every action on every resource is allowed", admin[0])  # type: ignore[arg-type] # all() checked it
        return  # administrator access implies every escalation below
    onward = _allowed(documents, "sts:AssumeRole", _onward_probes(scope))
    if onward is not None:
        message = "sts:AssumeRole is allowed on any role, so access can move on to other roles"
        yield _finding("XA203", message, onward)
    for action, kind in _ESCALATIONS.items():
        found = _allowed(
            documents,
            action,
            [
                (scope.caller(p, a), f"arn:{p}:iam::{a}:{kind}/{_ANY[kind]}", None)
                for p, a in scope.accounts
            ],
        )
        if found is not None:
            message = (
                f"{action} is allowed on {kind}s it was not scoped to, which lets the holder "
                "grant itself more access"
            )
            yield _finding("XA202", message, found)
        elif scope.role is not None and action in _SELF_ESCALATIONS:
            found = _allowed(documents, action, [(scope.role, scope.role, None)])
            if found is not None:
                message = (
                    f"{action} is allowed on the role itself, which lets it widen its own access"
                )
                yield _finding("XA202", message, found)


def _onward_probes(scope: _Scope) -> Iterator[_Probe]:
    """AssumeRole of an arbitrary role that trusts the caller's account, in every account."""
    own = scope.accounts[0]
    for partition, account in scope.accounts:
        home = own if scope.role is not None else (partition, account)
        resource = f"arn:{partition}:iam::{account}:role/AnyRoleThatTrustsThisAccount"
        yield scope.caller(*home), resource, _trusting(*home)
    elsewhere = f"arn:{own[0]}:iam::{_OTHER_ACCOUNT}:role/AnyRoleThatTrustsThisAccount"
    yield scope.caller(*own), elsewhere, _trusting(*own)


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
    role_arn: str | None = None,
) -> AuditReport:
    """Audit the permissions of a third-party role.

    Args:
        documents: Every identity policy of the role (inline and customer managed), each a
            :class:`~xaccess.PolicyDocument`, a dict or JSON text. They are judged together:
            two statements that only together allow an escalation are found too.
        managed_policy_arns: ARNs of the managed policies attached to the role; broad AWS
            managed policies (:data:`BROAD_MANAGED_POLICIES`) are reported.
        role_arn: The role's ARN, when known. Escalation is then probed on arbitrary
            resources of the role's own account and on the role itself (``iam:PutRolePolicy``
            on itself widens its own access). Unknown, resource patterns are judged by what
            they could match in any account: every account a resource ARN could name is
            probed.

    Returns:
        The report. Findings of one document carry its position as ``policy``.

    Raises:
        ValidationError: A document is not a legal IAM policy, or ``role_arn`` is not a role
            ARN.

    .. versionadded:: 0.1.0
    """
    docs = [to_document(d) for d in documents]
    scope = _scope(docs, role_arn)
    findings: list[Finding] = []
    if docs:
        findings.extend(_escalations(docs, scope))
    for policy, document in enumerate(docs):
        for index, statement in enumerate(document.statements):
            findings.extend(_statement_rules(policy, index, statement))
    for arn in managed_policy_arns:
        name = arn.rsplit("/", 1)[-1]
        if ":iam::aws:policy/" in arn and name in BROAD_MANAGED_POLICIES:
            findings.append(Finding.of("XA207", f"{arn} is attached", principal=None))
    return AuditReport(findings)


def audit_grant(grant: ThirdPartyGrant, *, role_arn: str | None = None) -> AuditReport:
    """Audit a grant before it is created: its trust policy and its permissions.

    This is what ``grant.audit()`` is meant to return.

    Args:
        grant: The grant.
        role_arn: The ARN the role will have (``grant.role_arn(account_id)``), when the
            customer's account is known: escalation within that account and on the role
            itself is then found (see :func:`audit_permissions`).

    Raises:
        ValidationError: The grant cannot build its policies (see ``trust_policy()``), or
            ``role_arn`` is not a role ARN.

    .. versionadded:: 0.1.0
    """
    trust = audit_trust_policy(grant.trust_policy(), role_arn=role_arn)
    named = grant.permission_policies()
    return trust + audit_permissions(
        [p.document for p in named],
        managed_policy_arns=grant.managed_policy_arns,
        role_arn=role_arn,
    )
