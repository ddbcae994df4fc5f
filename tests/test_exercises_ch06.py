"""Chapter 06's other mistakes and near-misses in-process, on the visible test and every hidden seed; what holds
for every exercise (the solution on many seeds, the typical wrong answers, the judge, blanks) is in test_exercises.py.
"""
from __future__ import annotations

import pytest

from autograder import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from autograder.tools.submissions import read, solution_answers
from conftest import solution_path
from exercise_harness import namespace, other_mistakes, unmade_mistakes, passes, rejected_visible_and_hidden

CH = "06_contiguity"
SOL = solution_answers(read(solution_path(CH)))
EVERY_SEED = range(1, 21)

# One mistake away from the solution each.
NEAR_MISSES = {
    # right strides but a list, not a tuple
    "ex1_strides": SOL["ex1_strides"] + "\n_ps = permuted_stride\n\n\ndef permuted_stride(s, d):\n    return list(_ps(s, d))\n",
    # flatten_any copies when t is contiguous too (reshape views then)
    "ex4_view_or_reshape": SOL["ex4_view_or_reshape"].replace("return t.reshape(-1)", "return t.flatten().clone()"),
    # my_contiguous returns a view for a contiguous t, not t itself
    "ex6_copy_when_needed": SOL["ex6_copy_when_needed"].replace("        return t\n", "        return t.view(t.shape)\n"),
    # windows of the right shape, one window short
    "ex7_stride_puzzles": SOL["ex7_stride_puzzles"].replace("t.shape[0] - k + 1", "t.shape[0] - k"),
}


def test_every_listed_mistake_has_a_wrong_answer():
    assert not unmade_mistakes(CH)


@pytest.mark.parametrize("gid,src", other_mistakes(CH))
def test_every_other_mistake_fails_everywhere(gid, src):
    slips = rejected_visible_and_hidden(CH, gid, src, EVERY_SEED)
    assert not slips, f"{gid}: a typical mistake passes on {slips}"


@pytest.mark.parametrize("gid", sorted(NEAR_MISSES))
def test_near_miss_fails_everywhere(gid):
    assert NEAR_MISSES[gid] != SOL[gid], "the near-miss must differ from the solution"
    slips = rejected_visible_and_hidden(CH, gid, NEAR_MISSES[gid], EVERY_SEED)
    assert not slips, f"{gid}: the near-miss passes on {slips}"


def test_view_error_is_torchs_own_message():
    """The visible flatten_view case compares with the message torch raises live; a paraphrase fails."""
    ns = namespace(CH, {"ex4_view_or_reshape": SOL["ex4_view_or_reshape"].replace(
        "    return t.view(-1)", "    try:\n        return t.view(-1)\n    except RuntimeError:\n"
                                  "        raise RuntimeError(\"view size is not compatible\") from None")})
    with pytest.raises(CheckFailure, match="different message"):
        run_exercise("ch06.view_or_reshape", Learner(ns=ns), 1, hidden=False)


def test_the_blocked_methods_say_why_and_come_back():
    """my_contiguous runs with contiguous() and reshape refused; the refusal is the lesson, and both work again after."""
    import torch
    ns = namespace(CH, {"ex6_copy_when_needed": "def my_contiguous(t):\n    return t.contiguous()\n"})
    with pytest.raises(CheckFailure, match="may not call Tensor.contiguous"):
        run_exercise("ch06.copy_when_needed", Learner(ns=ns), 1, hidden=False)
    t = torch.zeros(2, 3).t()
    assert t.contiguous().is_contiguous() and t.reshape(-1).shape == (6,) and torch.reshape(t, (6,)).shape == (6,)


# Wrong only in a prediction or a puzzle, which only the visible test grades.
VISIBLE_NEAR_MISSES = {
    "ex2_storage_offset": SOL["ex2_storage_offset"].replace("predicted_offset = 6", "predicted_offset = 5"),
    "ex5_reassign": SOL["ex5_reassign"].replace("predicted_write_through_d = True", "predicted_write_through_d = False"),
    # the diagonal's values, but as a column: shape (3, 1)
    "ex7_stride_puzzles": SOL["ex7_stride_puzzles"].replace("puzzle_diagonal = ((3,), (5,), 0)", "puzzle_diagonal = ((3, 1), (5, 1), 0)"),
}


@pytest.mark.parametrize("gid", sorted(VISIBLE_NEAR_MISSES))
def test_visible_near_miss_fails(gid):
    assert VISIBLE_NEAR_MISSES[gid] != SOL[gid]
    assert not passes(f"ch06.{gid.split('_', 1)[1]}", namespace(CH, {gid: VISIBLE_NEAR_MISSES[gid]}), 1, hidden=False)
