"""Offline checks of a grant: may a principal assume the role, may a session do an action.

Both build the request STS or a service would authorise and hand it to
:func:`xaccess.policy.evaluate` with the grant's documents; nothing leaves the process. The
evaluator is imported when one of them first runs, so building and rendering grants never
loads it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from xaccess._validate import type_name
from xaccess.errors import ValidationError
from xaccess.grant.trust import (
    ASSUME_ROLE,
    SET_SOURCE_IDENTITY,
    TAG_SESSION,
    literal,
    pinned_role_of_session,
)
from xaccess.policy import PolicyDocument, Statement

if TYPE_CHECKING:
    from xaccess.grant.builder import ThirdPartyGrant
    from xaccess.policy.evaluation import ContextValue, Decision

_CHECK_SESSION: Final = "xaccess-check"
_ACCOUNT: Final = re.compile(r"[0-9]{12}")


def _mapping_argument(value: object, field: str) -> Mapping[Any, Any]:
    """An optional mapping argument of the offline checks; ``None`` is empty."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(field, f"must be a mapping, got {type_name(value)}")
    return value


def evaluation_account(grant: ThirdPartyGrant, account_id: str | None, avoid: str | None) -> str:
    """The account that owns the role: ``account_id``, else a placeholder no one uses."""
    if account_id is not None:
        return account_id
    taken = {t.account for t in grant.trustees} | {avoid}
    return next(a for a in map("{:012d}".format, itertools.count()) if a not in taken)


def _assume_context(
    grant: ThirdPartyGrant,
    principal_arn: str,
    *,
    external_id: str | None,
    session_name: str | None,
    source_identity: str | None,
    tags: Mapping[Any, Any],
) -> dict[str, ContextValue]:
    values: dict[str, ContextValue] = {}
    pinned = pinned_role_of_session(grant.trustees, principal_arn)
    if pinned is not None:
        values["aws:PrincipalArn"] = pinned
    if external_id is not None:
        values["sts:ExternalId"] = external_id
    if session_name is not None:
        values["sts:RoleSessionName"] = session_name
    if source_identity is not None:
        values["sts:SourceIdentity"] = source_identity
    if tags:
        values["aws:TagKeys"] = tuple(tags)
        for key, value in tags.items():
            values[f"aws:RequestTag/{key}"] = value
    return values


def can_assume(
    grant: ThirdPartyGrant,
    principal_arn: str,
    *,
    external_id: str | None = None,
    session_name: str | None = None,
    source_identity: str | None = None,
    session_tags: Mapping[str, str] | None = None,
    context: Mapping[str, ContextValue] | None = None,
    identity_policies: Iterable[PolicyDocument] | None = None,
    account_id: str | None = None,
) -> Decision:
    """Decide offline whether ``principal_arn`` may assume the role, as STS would.

    Evaluates ``sts:AssumeRole`` on the role against :meth:`trust_policy`, and
    also ``sts:TagSession`` when ``session_tags`` are passed and
    ``sts:SetSourceIdentity`` when ``source_identity`` is, because STS authorises
    each of them; the first refusal is returned, else the ``sts:AssumeRole``
    decision.

    Args:
        principal_arn: The caller: a role ARN (standing for a session of that
            role), an assumed-role session ARN, a user ARN, an account root.
            For a session of a role with a path, pass the role's ARN in
            ``context["aws:PrincipalArn"]`` (a session ARN has no path).
        external_id: The ``ExternalId`` passed, if any.
        session_name: The ``RoleSessionName`` passed; needed when the grant
            restricts session names (every real call passes one).
        source_identity: The ``SourceIdentity`` passed, if any.
        session_tags: The session ``Tags`` passed, if any.
        context: More request context keys; they override the derived ones.
        identity_policies: The caller's identity policies. By default one policy
            that allows the three STS actions on the role, so that the answer is
            about the trust policy alone.
        account_id: The account that owns the role. By default a placeholder
            account (the first of ``000000000000``, ``000000000001``... that is
            neither trusted nor the caller's), as for a real third party.

    Returns:
        The :class:`~xaccess.policy.Decision`.

    Raises:
        ValidationError: An argument is malformed, or the grant is incomplete
            (see :meth:`trust_policy`).

    .. versionadded:: 0.1.0
    """
    if not isinstance(principal_arn, str):
        raise ValidationError("principal_arn", f"must be a str, got {type_name(principal_arn)}")
    parts = principal_arn.split(":", 5)
    caller_account = parts[4] if len(parts) == 6 else None
    role_arn = grant.role_arn(evaluation_account(grant, account_id, caller_account))
    trust = grant.trust_policy()
    tags = _mapping_argument(session_tags, "session_tags")
    extra = _mapping_argument(context, "context")
    if identity_policies is not None and (
        isinstance(identity_policies, str | bytes | Mapping)
        or not isinstance(identity_policies, Iterable)
    ):
        raise ValidationError(
            "identity_policies",
            f"must be a sequence of PolicyDocument, got {type_name(identity_policies)}",
        )
    values = _assume_context(
        grant,
        principal_arn,
        external_id=external_id,
        session_name=session_name,
        source_identity=source_identity,
        tags=tags,
    )
    values.update(extra)
    if identity_policies is None:
        identity_policies = (
            PolicyDocument(
                [
                    Statement(
                        effect="Allow",
                        actions=(ASSUME_ROLE, TAG_SESSION, SET_SOURCE_IDENTITY),
                        # A role path may hold "${", which a Resource would read as a variable.
                        resources=(literal(role_arn),),
                    )
                ]
            ),
        )
    identities = tuple(identity_policies)
    from xaccess.policy.evaluation import Request, evaluate  # noqa: PLC0415 - on first use

    actions = [ASSUME_ROLE]
    if tags:
        actions.append(TAG_SESSION)
    if source_identity is not None:
        actions.append(SET_SOURCE_IDENTITY)
    decisions = [
        evaluate(
            Request(principal=principal_arn, action=action, resource=role_arn, context=values),
            identity_policies=identities,
            resource_policy=trust,
        )
        for action in actions
    ]
    return next((d for d in decisions if not d.allowed), decisions[0])


def permits(
    grant: ThirdPartyGrant,
    action: str,
    resource: str,
    *,
    context: Mapping[str, ContextValue] | None = None,
    policy_documents: Mapping[str, PolicyDocument] | None = None,
    account_id: str | None = None,
) -> Decision:
    """Decide offline whether a session of the role may do ``action`` on ``resource``.

    Evaluates :meth:`permission_policies`, plus the attached managed policies
    and the permissions boundary whose documents are given (IAM's copies are
    not available offline: an attached managed policy without a document is
    left out, which can only make the answer stricter than AWS's, unless it
    holds a ``Deny``).

    Args:
        action: The action, ``service:Action``.
        resource: The resource ARN, or ``*``.
        context: Request context keys, such as ``aws:SourceIp`` or ``s3:prefix``.
        policy_documents: Documents of attached managed policies and of the
            permissions boundary, by ARN.
        account_id: The account that owns the role; by default the resource's
            account, else a placeholder. A resource in another account needs its
            own resource policy, which this method does not take.

    Raises:
        ValidationError: An argument is malformed, the role's account would be one
            the grant trusts, or the grant has a permissions boundary whose document
            is not in ``policy_documents``.

    .. versionadded:: 0.1.0
    """
    if not isinstance(resource, str):
        raise ValidationError("resource", f"must be a str, got {type_name(resource)}")
    documents = dict(_mapping_argument(policy_documents, "policy_documents"))
    extra = _mapping_argument(context, "context")
    boundary = None
    if grant.permissions_boundary is not None:
        boundary = documents.get(grant.permissions_boundary)
        if boundary is None:
            raise ValidationError(
                "policy_documents",
                "the permissions boundary limits every permission; pass its document "
                f"under {grant.permissions_boundary!r}",
            )
    parts = resource.split(":", 5)
    owner = parts[4] if len(parts) == 6 and _ACCOUNT.fullmatch(parts[4]) else None
    account = account_id if account_id is not None else owner
    role_arn = grant.role_arn(evaluation_account(grant, account, None))
    partition = grant.resolved_partition
    session = f"arn:{partition}:sts::{role_arn.split(':')[4]}:assumed-role/"
    values: dict[str, ContextValue] = {"aws:PrincipalArn": role_arn}
    values.update(extra)
    identities = [policy.document for policy in grant.permission_policies()]
    identities.extend(documents[a] for a in grant.managed_policy_arns if a in documents)
    from xaccess.policy.evaluation import Request, evaluate  # noqa: PLC0415 - on first use

    return evaluate(
        Request(
            principal=f"{session}{grant.role_name}/{_CHECK_SESSION}",
            action=action,
            resource=resource,
            context=values,
        ),
        identity_policies=identities,
        permissions_boundary=boundary,
    )
