"""The pure desired-state diff: RoleState, the changes and Plan, without any AWS call."""

from __future__ import annotations

from xaccess.plan import RoleState


def test_an_unexpected_role_arn_falls_back_to_the_aws_partition() -> None:
    """Canonical comparison needs a partition; an ARN that does not parse means aws."""
    observed = RoleState(
        arn="not-an-arn",
        role_id="AROA",
        path="/",
        trust="",
        description="",
        max_session_duration=3600,
        boundary=None,
        inline=(),
        managed_arns=(),
        tags=(),
    )

    assert "aws" == observed.partition
