"""Chapter 06's near-misses and listed mistakes in-process; what holds for every exercise is in test_exercises.py.
Each near miss and mistake must fail the visible test and every hidden seed tried; the right alternatives pass."""
from __future__ import annotations

import pytest
import torch

from autograder import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from exercise_harness import mistake_tests, namespace, near_miss_tests, prediction_miss_test, solution_answers_of

CH = "06_contiguity"
SOL = solution_answers_of(CH)

NEAR_MISSES = {
    "the strides as a list": ("ex1_strides", SOL["ex1_strides"] + "\n_ps = permuted_stride\n\n\ndef permuted_stride(s, d):\n"
                                                                  "    return list(_ps(s, d))\n"),
    "flatten_any copies a contiguous t too": ("ex4_view_or_reshape", SOL["ex4_view_or_reshape"].replace(
        "return t.reshape(-1)", "return t.flatten().clone()")),
    "a view of a contiguous t, not t itself": ("ex6_copy_when_needed", SOL["ex6_copy_when_needed"].replace(
        "        return t\n", "        return t.view(t.shape)\n")),
    "one window short": ("ex7_stride_puzzles", SOL["ex7_stride_puzzles"].replace("t.shape[0] - k + 1", "t.shape[0] - k")),
}
ALSO_RIGHT = {
    "the strides from the last dim up, by index": ("ex1_strides", SOL["ex1_strides"].split("\ndef ")[0] + '''
def permuted_stride(shape, dims):
    strides = [1] * len(shape)
    for i in range(len(shape) - 2, -1, -1):
        strides[i] = strides[i + 1] * shape[i + 1]
    return tuple(strides[d] for d in dims)
'''),
    "clone in the contiguous format": ("ex6_copy_when_needed", SOL["ex6_copy_when_needed"].replace(
        "torch.empty(t.shape, dtype=t.dtype).copy_(t)", "t.clone(memory_format=torch.contiguous_format)")),
    "unfold's windows": ("ex7_stride_puzzles", SOL["ex7_stride_puzzles"].split("\ndef ")[0] +
                         "\ndef sliding_windows(t, k):\n    return t.unfold(0, k, 1)\n"),
}
PREDICTION_MISSES = {
    "one cell too few": ("ex2_storage_offset", SOL["ex2_storage_offset"].replace("predicted_offset = 6", "predicted_offset = 5")),
    "'contiguous() always copies'": ("ex5_reassign", SOL["ex5_reassign"].replace("predicted_write_through_d = True",
                                                                                 "predicted_write_through_d = False")),
    "the diagonal's values as a column": ("ex7_stride_puzzles", SOL["ex7_stride_puzzles"].replace(
        "puzzle_diagonal = ((3,), (5,), 0)", "puzzle_diagonal = ((3, 1), (5, 1), 0)")),
}

test_near_misses_fail_everywhere, test_other_right_answers_pass = near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)
test_every_listed_mistake_is_made, test_every_other_mistake_fails_everywhere = mistake_tests(CH)
test_wrong_predictions_fail = prediction_miss_test(CH, PREDICTION_MISSES)


def test_view_error_is_torchs_own_message():
    """The visible flatten_view case compares with the message torch raises live; a paraphrase fails."""
    ns = namespace(CH, {"ex4_view_or_reshape": SOL["ex4_view_or_reshape"].replace(
        "    return t.view(-1)", "    try:\n        return t.view(-1)\n    except RuntimeError:\n"
                                  "        raise RuntimeError(\"view size is not compatible\") from None")})
    with pytest.raises(CheckFailure, match="different message"):
        run_exercise("ch06.view_or_reshape", Learner(ns=ns), 1, hidden=False)


def test_the_blocked_methods_say_why_and_come_back():
    """my_contiguous runs with contiguous() and reshape refused; the refusal is the lesson, and both work again after."""
    ns = namespace(CH, {"ex6_copy_when_needed": "def my_contiguous(t):\n    return t.contiguous()\n"})
    with pytest.raises(CheckFailure, match="may not call Tensor.contiguous"):
        run_exercise("ch06.copy_when_needed", Learner(ns=ns), 1, hidden=False)
    t = torch.zeros(2, 3).t()
    assert t.contiguous().is_contiguous() and t.reshape(-1).shape == (6,) and torch.reshape(t, (6,)).shape == (6,)
