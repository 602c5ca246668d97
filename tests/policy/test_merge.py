"""Lossless statement merging and packing into size-limited policies (xaccess.policy.merge)."""

from __future__ import annotations

import pytest

from xaccess.policy import Condition, PolicyDocument, Request, Statement, evaluate
from xaccess.policy.merge import (
    StatementTooLarge,
    document_room,
    first_fit_decreasing,
    merge_statements,
    pack_statements,
    statement_size,
)

BUCKET = "arn:aws:s3:::acme-logs"
OBJECTS = "arn:aws:s3:::acme-logs/*"
PRINCIPAL = "arn:aws:iam::111122223333:role/Scanner"


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


# --- packing into size-limited policies --------------------------------------------------------


def _sizes(layout: list[tuple[Statement, ...]]) -> list[int]:
    return [sum(statement_size(s) + 1 for s in part) for part in layout]


def _buckets(count: int, tag: str) -> list[str]:
    return [f"arn:aws:s3:::{tag}-{i:03d}-{'x' * 20}/*" for i in range(count)]


def test_packing_fills_the_first_policy_first_and_keeps_every_statement() -> None:
    """The first policy takes what fits; the rest go into policies of the given room."""
    statements = [_allow(f"s3:Get{i}", _buckets(3, f"b{i}")) for i in range(12)]
    first, room = document_room(800), document_room(600)

    layout = pack_statements(statements, first=first, room=room)

    sizes = _sizes(layout)
    assert sizes[0] <= first
    assert all(0 < size <= room for size in sizes[1:])
    assert sorted(statements, key=repr) == sorted((s for p in layout for s in p), key=repr)


def test_packing_never_needs_more_policies_than_first_fit_decreasing() -> None:
    """Splitting into open room only ever saves policies compared with plain first fit."""
    statements = [_allow(f"s3:Get{i}", _buckets(1 + i % 7, f"b{i}")) for i in range(60)]
    room = document_room(1000)

    layout = pack_statements(statements, first=0, room=room)

    plain = first_fit_decreasing([statement_size(s) + 1 for s in statements], room)
    assert len([p for p in layout if p]) <= plain


def test_packing_splits_a_statement_into_the_room_left_to_save_a_policy() -> None:
    """Two statements that each fill two thirds of a policy fit in two policies when split."""
    statements = [
        _allow(f"s3:Get{i}", _buckets(10, f"b{i}")) for i in range(3)
    ]  # each about 2/3 of the room below
    room = statement_size(statements[0]) * 3 // 2 + 80  # and room for one split

    layout = pack_statements(statements, first=0, room=room)

    assert 3 == first_fit_decreasing([statement_size(s) + 1 for s in statements], room)
    assert 2 == len([p for p in layout if p])
    assert sorted(r for s in statements for r in s.resources) == sorted(
        r for p in layout for s in p for r in s.resources
    )


def test_a_statement_larger_than_every_policy_is_split_by_resources_then_actions() -> None:
    """An oversized statement is cut into parts that each fit."""
    by_resources = _allow("s3:GetObject", _buckets(40, "big"))
    by_actions = _allow([f"s3:Action{i:03d}" for i in range(80)], "*")
    room = document_room(500)

    for statement in (by_resources, by_actions):
        layout = pack_statements([statement], first=0, room=room)
        assert all(size <= room for size in _sizes(layout))
        assert len(layout) > 2


def test_a_statement_with_a_sid_is_never_split() -> None:
    """A Sid names one statement: too large for any policy, it raises StatementTooLarge."""
    statement = _allow("s3:GetObject", _buckets(40, "big"), sid="Big")

    with pytest.raises(StatementTooLarge) as caught:
        pack_statements([statement], first=0, room=document_room(500))

    assert statement == caught.value.statement
    assert statement_size(statement) == caught.value.size


def test_packing_is_lossless_for_every_sampled_request() -> None:
    """Each request is decided by the packed policies as by the statements."""
    statements = [
        _allow([f"s3:Get{i}", f"s3:Put{i % 3}"], _buckets(1 + i % 9, f"b{i % 11}"))
        for i in range(40)
    ]
    merged = merge_statements(statements)
    layout = pack_statements(merged, first=document_room(900), room=document_room(700))
    documents = [PolicyDocument(p) for p in layout if p]
    whole = PolicyDocument(tuple(statements))
    for i in range(40):
        for action in (f"s3:Get{i}", f"s3:Put{i % 3}", "s3:Delete1"):
            for resource in (f"arn:aws:s3:::b{i % 11}-00{i % 9}-{'x' * 20}/k", "arn:aws:s3:::z/k"):
                request = Request(principal=PRINCIPAL, action=action, resource=resource)
                expected = evaluate(request, identity_policies=[whole]).outcome
                assert expected == evaluate(request, identity_policies=documents).outcome
