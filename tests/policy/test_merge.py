"""Lossless statement merging and first-fit-decreasing packing (xaccess.policy.merge)."""

from __future__ import annotations

from xaccess.policy import Condition, Statement
from xaccess.policy.merge import first_fit_decreasing, merge_statements, statement_size

BUCKET = "arn:aws:s3:::acme-logs"
OBJECTS = "arn:aws:s3:::acme-logs/*"


def _allow(actions: str | list[str], resources: str | list[str], **kwargs: object) -> Statement:
    return Statement(effect="Allow", actions=actions, resources=resources, **kwargs)  # type: ignore[arg-type]


def test_same_resources_unite_actions_ignoring_case() -> None:
    """Statements on the same resources become one with the actions united, case-folded."""
    merged = merge_statements(
        [_allow("s3:GetObject", OBJECTS), _allow(["s3:getobject", "s3:PutObject"], OBJECTS)]
    )

    assert merged == (_allow(["s3:GetObject", "s3:PutObject"], OBJECTS),)


def test_same_actions_unite_resources() -> None:
    """Statements with the same actions become one with the resources united, in order."""
    merged = merge_statements([_allow("s3:ListBucket", BUCKET), _allow("s3:ListBucket", OBJECTS)])

    assert merged == (_allow("s3:ListBucket", [BUCKET, OBJECTS]),)


def test_merging_repeats_until_nothing_changes() -> None:
    """A merge that makes another merge possible is followed through."""
    merged = merge_statements(
        [
            _allow("s3:GetObject", OBJECTS),
            _allow("s3:GetObject", BUCKET),
            _allow("s3:ListBucket", [OBJECTS, BUCKET]),
        ]
    )

    assert merged == (_allow(["s3:GetObject", "s3:ListBucket"], [OBJECTS, BUCKET]),)


def test_different_effects_conditions_or_sids_are_kept_apart() -> None:
    """Effect, conditions and a Sid each keep statements from merging."""
    condition = Condition("StringEquals", "aws:SourceVpc", ("vpc-1",))
    statements = [
        _allow("s3:GetObject", OBJECTS),
        Statement(effect="Deny", actions="s3:PutObject", resources=OBJECTS),
        _allow("s3:PutObject", OBJECTS, conditions=(condition,)),
        _allow("s3:DeleteObject", OBJECTS, sid="Named"),
    ]

    assert merge_statements(statements) == tuple(statements)


def test_conditions_compare_values_with_their_types() -> None:
    """A condition on the number 1 and one on True do not merge."""
    one = Condition("NumericEquals", "s3:max-keys", (1,))
    true = Condition("Bool", "aws:SecureTransport", (True,))
    statements = [
        _allow("s3:GetObject", OBJECTS, conditions=(one,)),
        _allow("s3:GetObject", OBJECTS, conditions=(true,)),
    ]

    assert len(merge_statements(statements)) == 2


def test_duplicates_disappear_and_unchanged_statements_are_reused() -> None:
    """Exact repeats vanish; a statement nothing merged into comes back as the same object."""
    statement = _allow("s3:GetObject", OBJECTS)

    merged = merge_statements([statement, _allow("s3:GetObject", OBJECTS)])

    assert merged == (statement,)
    assert merged[0] is statement


def test_first_fit_decreasing_counts_bins() -> None:
    """Items are packed largest first into the first bin with room."""
    assert first_fit_decreasing([], 10) == 0
    assert first_fit_decreasing([5, 5, 5, 5], 10) == 2
    assert first_fit_decreasing([6, 5, 4, 3, 2], 10) == 2
    assert first_fit_decreasing([7, 7, 7], 10) == 3


def test_statement_size_counts_compact_json_without_whitespace() -> None:
    """statement_size is the IAM size of the statement's compact JSON."""
    statement = _allow("s3:GetObject", "*")

    assert statement_size(statement) == len(
        '{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}'
    )


def test_first_fit_decreasing_agrees_with_scanning_every_bin() -> None:
    """The tree search packs exactly as scanning the bins in order would."""

    def scanning(sizes: list[int], capacity: int) -> int:
        bins: list[int] = []
        for size in sorted(sizes, reverse=True):
            for i, used in enumerate(bins):
                if used + size <= capacity:
                    bins[i] = used + size
                    break
            else:
                bins.append(size)
        return len(bins)

    for seed in range(200):
        sizes = [(seed * 7919 + i * 104729) % 97 + 1 for i in range(seed % 40)]
        assert first_fit_decreasing(sizes, 100) == scanning(sizes, 100)
        assert first_fit_decreasing([*sizes, 150, 120], 100) == scanning([*sizes, 150, 120], 100)
