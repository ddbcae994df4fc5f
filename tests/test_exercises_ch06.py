"""Chapter 06's near-misses in-process, on hidden (randomized) inputs too; what holds for every exercise
(the solution on many seeds, the typical wrong answers, the judge, blanks) is in test_exercises.py.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from autograder.tools.submissions import read, solution_answers
from conftest import solution_path

CH = "06_contiguity"
SOLUTION = solution_answers(read(solution_path(CH)))
SEEDS = [1, 2, 3, 17, 2024]


def namespace(*sources: str) -> dict:
    ns: dict = {"torch": torch, "np": np}
    for src in sources:
        exec(src, ns)
    return ns


def exercise_name(grade_id: str) -> str:
    return "ch06." + grade_id.split("_", 1)[1]


def passes(grade_id: str, ns: dict, seed: int, hidden: bool) -> bool:
    try:
        run_exercise(exercise_name(grade_id), Learner(ns=ns), seed, hidden)
    except CheckFailure:
        return False
    return True


# More near-misses, each one mistake away from the solution, judged on hidden inputs.
NEAR_MISSES = {
    # right strides but a list, not a tuple
    "ex1_strides": SOLUTION["ex1_strides"] + "\n_ps = permuted_stride\npermuted_stride = lambda s, d: list(_ps(s, d))\n",
    # the visible example only: treats every dim as the contiguous layout (ignores dims)
    "ex2_storage_offset": SOLUTION["ex2_storage_offset"] + """
def storage_index(t, idx):
    pos, step = 0, 1
    for i, n in reversed(list(zip(idx, t.shape))):
        pos += i * step
        step *= n
    return t.storage_offset() + pos
""",
    # exact stride comparison: forgets that size-1 dims do not count
    "ex3_is_contiguous": """
def is_contiguous_layout(shape, stride):
    want, step = [], 1
    for n in reversed(shape):
        want.insert(0, step)
        step *= n
    return tuple(stride) == tuple(want)
""",
    # raises an error of its own instead of torch's
    "ex4_view_or_reshape": """
def flatten_view(t):
    if not t.is_contiguous():
        raise RuntimeError("t is not contiguous")
    return t.view(-1)


def flatten_any(t):
    return t.reshape(-1)
""",
    # flatten_any always copies
    "ex4b": """
def flatten_view(t):
    return t.view(-1)


def flatten_any(t):
    return t.flatten().clone()
""",
    # predictions right, but the code copies every time
    "ex5_reassign": """
predicted_after_call = False
predicted_after_reassign = True


def contiguous_flat(t):
    return t.clone(memory_format=torch.contiguous_format).view(-1)
""",
    # clone keeps a transpose's strides: a copy that is still not contiguous
    "ex6_copy_when_needed": """
def my_contiguous(t):
    return t if t.is_contiguous() else t.clone()
""",
    # lower case is fine, but "contiguous() always returns its input" is not the reason
    "ex7_explain": 'why_still_false = "b"\nwhy_same_object = "B"\n',
}


@pytest.mark.parametrize("key", sorted(NEAR_MISSES))
def test_near_miss_fails_hidden(key):
    grade_id = key if key in SOLUTION else next(g for g in SOLUTION if g.startswith(key[:3]))
    ns = namespace(NEAR_MISSES[key])
    assert not all(passes(grade_id, ns, seed, hidden=True) for seed in SEEDS), f"{key} passed every hidden run"


def test_view_error_is_torchs_own_message():
    """The visible flatten_view case compares with the message torch raises live; a paraphrase fails."""
    ns = namespace("""
def flatten_view(t):
    try:
        return t.view(-1)
    except RuntimeError:
        raise RuntimeError("view size is not compatible")


def flatten_any(t):
    return t.reshape(-1)
""")
    with pytest.raises(CheckFailure, match="different message"):
        run_exercise("ch06.view_or_reshape", Learner(ns=ns), 1, hidden=False)
