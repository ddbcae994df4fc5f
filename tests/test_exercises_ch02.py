"""Chapter 02's exercises in-process: the solution passes every seed; each typical wrong answer fails."""
from __future__ import annotations

import pytest

from exercise_harness import exercise_name, namespace, passes, wrong_answers

CH = "02_indexing_and_slicing"
WRONG = wrong_answers(CH)


@pytest.mark.parametrize("gid", sorted(WRONG))
def test_solution_passes_hidden_tests_on_many_seeds(gid):
    ns = namespace(CH)
    name = exercise_name(CH, gid)
    assert passes(name, ns, 1, hidden=False)
    failing = [seed for seed in range(1, 41) if not passes(name, ns, seed, hidden=True)]
    assert not failing, f"{name}: the solution fails hidden tests for seeds {failing}"


@pytest.mark.parametrize("gid", sorted(WRONG))
def test_typical_wrong_answer_fails_visible_and_hidden(gid):
    ns = namespace(CH, {gid: WRONG[gid]})
    name = exercise_name(CH, gid)
    assert not passes(name, ns, 1, hidden=False), f"{gid}: the wrong answer passes the visible test"
    # Not every random draw exposes every mistake (a 3-D tensor suits a[0, :, :]); most must.
    caught = sum(not passes(name, ns, seed, hidden=True) for seed in range(1, 21))
    assert caught >= 15, f"{gid}: the hidden test catches the wrong answer on only {caught}/20 seeds"


def test_a_view_where_a_copy_is_asked_is_judged_on_memory_not_values():
    # every_other_column through an index tensor has the right values: only the memory check rejects it.
    ns = namespace(CH, {"ex7_strided_view": "def every_other_column(X):\n    return X[:, list(range(0, X.shape[1], 2))]"})
    assert not passes("ch02.strided_view", ns, 3, hidden=True)


def test_a_missing_function_fails_with_a_lesson_not_a_crash():
    ns = namespace(CH)
    del ns["clip_above"]
    assert not passes("ch02.mask_assign", ns, 1, hidden=False)
