"""Shared helpers of the known-answer tables: requests, documents and the case table.

Each table module names the AWS documentation page (by title) whose example or rule
each case encodes. Policies are the pages' examples with placeholders filled in; the
expected outcome is what the page says AWS decides.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from xaccess.policy import ContextValue, Outcome, PolicyDocument, Request

ALLOW = Outcome.ALLOW
IMPLICIT = Outcome.IMPLICIT_DENY
EXPLICIT = Outcome.EXPLICIT_DENY

ACCOUNT = "111122223333"
OTHER = "444455556666"
BOB = f"arn:aws:iam::{ACCOUNT}:user/Bob"
DAVID = f"arn:aws:iam::{ACCOUNT}:user/David"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/examplerole"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/examplerole/examplerolesessionname"


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> PolicyDocument:
    """A policy document from statement dicts in IAM JSON form."""
    data: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        data["Version"] = version
    return PolicyDocument.from_dict(data)


def allow(action: str | list[str] = "*", resource: str | list[str] = "*") -> dict[str, Any]:
    """An unconditional identity-policy Allow."""
    return {"Effect": "Allow", "Action": action, "Resource": resource}


ALLOW_ALL = doc(allow())


class Case(NamedTuple):
    """One known answer: the request, the policies and the expected outcome."""

    name: str
    request: Request
    policies: dict[str, Any]
    expected: Outcome


def req(
    action: str,
    resource: str = "*",
    principal: str = BOB,
    resource_account: str | None = None,
    **context: ContextValue,
) -> Request:
    """A request; keyword arguments become context keys (``__`` stands for ``:``)."""
    return Request(
        principal=principal,
        action=action,
        resource=resource,
        context={k.replace("__", ":"): v for k, v in context.items()},
        resource_account=resource_account,
    )


def ctx_req(action: str, resource: str, context: dict[str, ContextValue], **kw: Any) -> Request:
    """A request with a context whose keys are not Python identifiers."""
    return Request(
        principal=kw.pop("principal", BOB), action=action, resource=resource, context=context, **kw
    )


OTHER_USER = f"arn:aws:iam::{OTHER}:user/Ana"


class CaseTable(list[Case]):
    """The known-answer cases of one table, in the order they are added."""

    def add(self, name: str, request: Request, expected: Outcome, **policies: Any) -> None:
        """Register a known-answer case."""
        self.append(Case(name, request, policies, expected))
