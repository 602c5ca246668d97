"""Packing large grants: inline policy first, then customer-managed policies.

For 50, 200 and 1,500 statements (the same deterministic statements every run) this prints the
policies and characters xaccess's layout needs and the time it takes, next to two comparisons
computed in the same run on the same statements, with exact sizes (characters without
whitespace, as IAM counts them):

- **first-fit decreasing without merging** (the floor the issue sets): each statement as
  written, largest first, into the first policy with room; the inline policy (10,240) first,
  then managed policies of 6,144.
- **a model of AWS CDK's split**: aws-cdk-lib 2.278.0, ``Role.splitLargePolicy`` calls
  ``PolicyDocument._splitDocument(scope, 10000, 6000)``: statements, in the order they were
  added, stay in the inline default policy while its running size stays below 10,000; each other
  statement goes to the first overflow managed policy whose size stays within 6,000, or a new
  one. CDK merges statements only with the ``@aws-cdk/aws-iam:minimizePolicies`` feature flag
  (off here, its default) and estimates sizes, where this model counts them exactly.

A layout that needs more than 20 managed policies does not fit any role: xaccess then raises
PolicySizeError before any AWS call (the line says so), while CDK synthesises it with a warning.
"""

from __future__ import annotations

import time
from typing import Final

import attrs

from xaccess import AccountQuotas, PolicySizeError
from xaccess.grant import ThirdPartyGrant
from xaccess.policy import PolicyDocument, Statement
from xaccess.policy.merge import (
    DOCUMENT_OVERHEAD,
    document_room,
    merge_statements,
    pack_statements,
    statement_size,
)

TITLE = "large grants: policies and characters for 50, 200, 1,500 statements vs FFD and CDK"

COUNTS: Final = (50, 200, 1500)
SERVICES: Final = ("dynamodb", "sqs", "sns", "kms", "logs", "ec2", "ssm")
QUOTAS: Final = AccountQuotas(managed_policies_per_role=20)
CDK_INLINE: Final = 10_000
CDK_MANAGED: Final = 6_000


def statements(count: int) -> list[Statement]:
    """``count`` statements of a vendor's grant: two actions on one to five resources each.

    Actions and resources repeat with different periods, so some statements merge and most
    do not, as in a real grant.
    """
    out = []
    for i in range(count):
        service = SERVICES[i % len(SERVICES)]
        out.append(
            Statement(
                effect="Allow",
                actions=(f"{service}:Get{i % 97}Item", f"{service}:List{i % 7}"),
                resources=tuple(
                    f"arn:aws:{service}:eu-west-1:123456789012:res-{i % 41}/part-{j}"
                    for j in range(1 + i % 5)
                ),
            )
        )
    return out


def _characters(parts: list[list[int]]) -> tuple[int, int]:
    """(policies, characters) of parts given as statement sizes, each with its comma."""
    used = [p for p in parts if p]
    return len(used), sum(sum(p) - 1 + DOCUMENT_OVERHEAD for p in used)


def first_fit_decreasing_unmerged(items: list[Statement]) -> tuple[int, int]:
    """The floor: statements as written, largest first, into the first policy with room."""
    rooms = [document_room(QUOTAS.inline_policies_size)]
    parts: list[list[int]] = [[]]
    for size in sorted((statement_size(s) + 1 for s in items), reverse=True):
        index = next((i for i, room in enumerate(rooms) if size <= room), len(rooms))
        if index == len(rooms):
            rooms.append(document_room(QUOTAS.managed_policy_size))
            parts.append([])
        rooms[index] -= size
        parts[index].append(size)
    return _characters(parts)


def cdk_split_model(items: list[Statement]) -> tuple[int, int]:
    """CDK's split as described in the module docstring, with exact sizes.

    On these statements it gives exactly the policies and characters that ``cdk synth`` of
    aws-cdk-lib 2.278.0 gave for a Role with the same statements (measured outside the repo).
    """
    inline: list[int] = []
    inline_size = DOCUMENT_OVERHEAD - 1
    overflow: list[list[int]] = []
    sizes: list[int] = []
    for statement in items:
        size = statement_size(statement) + 1
        if inline_size + size < CDK_INLINE:
            inline.append(size)
            inline_size += size
            continue
        for index, part in enumerate(overflow):
            if DOCUMENT_OVERHEAD - 1 + sizes[index] + size <= CDK_MANAGED:
                part.append(size)
                sizes[index] += size
                break
        else:
            overflow.append([size])
            sizes.append(size)
    return _characters([inline, *overflow])


def ours(items: list[Statement]) -> tuple[int, int, float, bool]:
    """(policies, characters, seconds, fits a role) of xaccess's merge and pack."""
    grant = ThirdPartyGrant(
        role_name="Big", trusted_account="111122223333", external_id="bench-external-id-0001"
    )
    grant = grant.with_quotas(QUOTAS)
    started = time.perf_counter()
    merged = merge_statements(tuple(items))
    whole = PolicyDocument(merged)
    if whole.size() <= QUOTAS.inline_policies_size:
        layout = [merged]
    else:
        layout = pack_statements(
            merged,
            first=document_room(QUOTAS.inline_policies_size),
            room=document_room(QUOTAS.managed_policy_size),
        )
    seconds = time.perf_counter() - started
    documents = [PolicyDocument(part) for part in layout if part]
    fits = True
    try:
        attrs.evolve(grant, statements=tuple(items)).permission_policies()
    except PolicySizeError:
        fits = False
    return len(documents), sum(d.size() for d in documents), seconds, fits


def run(quick: bool) -> None:
    """Print each count's figures and the comparisons."""
    del quick  # packing 1,500 statements takes milliseconds: the same work in both modes
    print("   policies / characters (IAM's count, no whitespace) / time; quotas 10,240 inline,")
    print("   6,144 per managed policy, at most 20 managed policies per role")
    for count in COUNTS:
        items = statements(count)
        policies, characters, seconds, fits = ours(items)
        floor = first_fit_decreasing_unmerged(items)
        cdk = cdk_split_model(items)
        note = "" if fits else "  -> over 20 managed: PolicySizeError before any AWS call"
        print(
            f"   {count:5d} statements: xaccess {policies:3d} policies {characters:7,d} chars "
            f"in {seconds * 1e3:6.1f} ms{note}"
        )
        print(
            f"         FFD unmerged {floor[0]:3d} policies {floor[1]:7,d} chars; "
            f"ratio {characters / floor[1]:.3f} chars, {policies - floor[0]:+d} policies"
        )
        print(
            f"         CDK model    {cdk[0]:3d} policies {cdk[1]:7,d} chars; "
            f"ratio {characters / cdk[1]:.3f} chars, {policies - cdk[0]:+d} policies"
        )
        assert policies <= floor[0], "never more policies than first-fit decreasing"
        assert characters <= floor[1], "never more characters than first-fit decreasing"
