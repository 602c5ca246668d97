"""Hypothesis strategies for the export tests: valid grants, wide or realistic.

``grants()`` draws from the shared identifier strategies (every allowed character, descriptions
and paths holding ``${`` and ``%{``, IAM policy variables in resources); ``realistic_grants()``
keeps to real actions and plain text, for cfn-lint, which checks action names and is slow.
"""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from tests.identifiers import strategies as ids
from xaccess import PolicySizeError
from xaccess.grant import ThirdPartyGrant

__all__ = ["grants", "realistic_grants"]

_PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
_ACTIONS = ("s3:GetObject", "s3:ListBucket", "ec2:DescribeInstances", "iam:GetRole", "logs:*")
_RESOURCES = (
    "*",
    "arn:{p}:s3:::acme-logs",
    "arn:{p}:s3:::acme-logs/*",
    "arn:{p}:s3:::acme-logs/home/${{aws:username}}/*",
    "arn:{p}:logs:eu-west-1:444455556666:log-group:%{{odd}}",
)
_MANAGED = (
    "arn:{p}:iam::aws:policy/SecurityAudit",
    "arn:{p}:iam::aws:policy/ReadOnlyAccess",
    "arn:{p}:iam::444455556666:policy/team/Boundary",
)
_SHORT_EXTERNAL_IDS = ids.external_ids().filter(lambda value: len(value) <= 80)


@st.composite
def _trusted(draw: st.DrawFn, partition: str) -> str:
    account = draw(ids.account_ids().filter(lambda a: a != "444455556666"))
    if draw(st.booleans()):
        return account
    return f"arn:{partition}:iam::{account}:role/vendor/{draw(ids.role_names())}"


@st.composite
def _grant(draw: st.DrawFn, *, realistic: bool) -> ThirdPartyGrant:
    partition = draw(st.sampled_from(_PARTITIONS))
    text = st.text("abc XYZ-_.", max_size=40) if realistic else ids.descriptions()
    grant = ThirdPartyGrant(
        role_name=draw(ids.role_names()),
        path=draw(st.just("/") | st.just("/vendors/acme/") | ids.role_paths()),
        description=draw(st.none() | text),
        max_session_duration=draw(ids.max_session_durations()),
        tags=draw(ids.tag_dicts(max_size=4)),
        external_id=draw(st.lists(_SHORT_EXTERNAL_IDS, min_size=1, max_size=3, unique=True)),
        permissions_boundary=draw(
            st.none() | st.just(f"arn:{partition}:iam::444455556666:policy/team/Boundary")
        ),
        partition=partition,
        trusted_principal=draw(_trusted(partition)),
    )
    for _ in range(draw(st.integers(0, 3))):
        actions = draw(st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=3, unique=True))
        chosen = draw(st.lists(st.sampled_from(_RESOURCES), min_size=1, max_size=3, unique=True))
        grant = grant.allow(actions, [r.format(p=partition) for r in chosen])
    for arn in draw(st.lists(st.sampled_from(_MANAGED), max_size=2, unique=True)):
        grant = grant.attach(arn.format(p=partition))
    try:
        grant.role_spec()
    except PolicySizeError:  # pragma: no cover - rare with these sizes
        assume(False)
    return grant


def grants() -> st.SearchStrategy[ThirdPartyGrant]:
    """Valid, complete grants in the partitions with a console, of every shape exports handle."""
    return _grant(realistic=False)


def realistic_grants() -> st.SearchStrategy[ThirdPartyGrant]:
    """Valid grants with plain descriptions, for linting."""
    return _grant(realistic=True)
