"""The known-answer tables together: enough cases, each with its own name."""

from __future__ import annotations

from tests.policy import (
    test_known_answers_conditions,
    test_known_answers_evaluation_logic,
    test_known_answers_principals,
    test_known_answers_variables,
)


def test_there_are_enough_cases() -> None:
    """The tables hold at least 80 known answers with distinct names."""
    names = [
        c.name
        for table in (
            test_known_answers_conditions,
            test_known_answers_variables,
            test_known_answers_evaluation_logic,
            test_known_answers_principals,
        )
        for c in table.CASES
    ]
    assert len(set(names)) == len(names)
    assert len(names) >= 80
