"""Chapter 05's near-misses and listed mistakes in-process; what holds for every exercise is in test_exercises.py.
Each near miss and mistake must fail the visible test and every hidden seed tried; the right alternatives pass."""
from __future__ import annotations

import pytest
import torch

from autograder import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from exercise_harness import (mistake_tests, namespace, near_miss_tests, passes, prediction_miss_test,
                              solution_answers_of)

CH = "05_memory_sharing"
SOL = solution_answers_of(CH)

NEAR_MISSES = {
    "a view of the right values from the storage's start": ("ex1_flat_view", SOL["ex1_flat_view"].replace(
        "return t.view(-1)", "return t.as_strided((t.numel(),), (1,), 0)")),
    "a copy of the right tensor returned": ("ex3_object_identity", SOL["ex3_object_identity"].replace("return Z", "return Z.clone()")),
    "an element is 4 bytes": ("ex5_shared_elements", SOL["ex5_shared_elements"].replace("// b.element_size()", "// 4")),
    "the parameters' .data rebound": ("ex6_sgd_step", SOL["ex6_sgd_step"].replace("p -= lr * g", "p.data = p - lr * g")),
}
ALSO_RIGHT = {
    "torch.add(..., out=Z)": ("ex3_object_identity", SOL["ex3_object_identity"].replace("    Z[:] = X + Y\n    return Z",
                                                                                         "    return torch.add(X, Y, out=Z)")),
    "-= and /=": ("ex4_inplace", "def standardize_(t):\n    t -= t.mean()\n    t /= t.std()\n    return t"),
    "reshape views a contiguous t": ("ex1_flat_view", SOL["ex1_flat_view"].replace("return t.view(-1)", "return t.reshape(-1)")),
    # experimenting instead of reasoning is fine; the test puts the default dtype back
    "an experiment that leaves the default changed": ("ex2_who_shares", SOL["ex2_who_shares"].split("\ndef ")[0] + '''
def shares_with_legacy_tensor(dtype, default_dtype):
    torch.set_default_dtype(default_dtype)
    a = np.zeros(2, dtype=dtype)
    return bool(np.shares_memory(torch.Tensor(a).numpy(), a))
'''),
    "element by element, the byte addresses of each": ("ex5_shared_elements", '''
def shared_elements(a, b):
    seen = {a.data_ptr() + i * a.element_size() for i in range(a.numel())}
    return sum(b.data_ptr() + i * b.element_size() in seen for i in range(b.numel()))
'''),
}
PREDICTION_MISSES = {
    "0 is an int, not the float torch gives": ("ex1_flat_view", SOL["ex1_flat_view"].replace("predicted_a01 = 0.0", "predicted_a01 = 0")),
    "'.float() always copies'": ("ex2_who_shares", SOL["ex2_who_shares"].replace("predicted_float_of_float32 = True",
                                                                                 "predicted_float_of_float32 = False")),
}

test_near_misses_fail_everywhere, test_other_right_answers_pass = near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)
test_every_listed_mistake_is_made, test_every_other_mistake_fails_everywhere = mistake_tests(CH)
test_wrong_predictions_fail = prediction_miss_test(CH, PREDICTION_MISSES)


def test_the_default_dtype_is_put_back():
    """A learner who experiments with set_default_dtype and forgets to restore it changes nothing after the test."""
    gid, src = ALSO_RIGHT["an experiment that leaves the default changed"]
    assert passes("ch05.who_shares", namespace(CH, {gid: src}), 1, hidden=True) and torch.get_default_dtype() == torch.float32


def test_a_missing_function_fails_kindly():
    with pytest.raises(CheckFailure, match="is not defined: replace"):
        run_exercise("ch05.sgd_step", Learner(ns={}), 1, hidden=True)
