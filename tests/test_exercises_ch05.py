"""Chapter 05's near-misses and other typical mistakes in-process; what holds for every exercise is in
test_exercises.py. Each must fail the visible test and every hidden seed tried; the right alternatives pass."""
from __future__ import annotations

import pytest
import torch

from autograder import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from exercise_harness import (exercise_name, namespace, near_miss_tests, other_mistakes, passes, rejected_visible_and_hidden,
                              solution_answers_of, unmade_mistakes)

CH = "05_memory_sharing"
SOL = solution_answers_of(CH)
EVERY_SEED = range(1, 21)

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
test_near_misses_fail_everywhere, test_other_right_answers_pass = near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT, EVERY_SEED)


def test_every_listed_mistake_has_a_wrong_answer():
    assert not unmade_mistakes(CH)


@pytest.mark.parametrize("gid,src", other_mistakes(CH))
def test_every_other_mistake_fails_everywhere(gid, src):
    slips = rejected_visible_and_hidden(CH, gid, src, EVERY_SEED)
    assert not slips, f"{gid}: a typical mistake passes on {slips}"


def test_a_prediction_of_the_wrong_kind_fails():
    """0 is an int, not the float torch gives: only the visible test grades predictions."""
    src = SOL["ex1_flat_view"].replace("predicted_a01 = 0.0", "predicted_a01 = 0")
    assert src != SOL["ex1_flat_view"] and not passes(exercise_name(CH, "ex1_flat_view"), namespace(CH, {"ex1_flat_view": src}), 1, hidden=False)


def test_the_default_dtype_is_put_back():
    """A learner who experiments with set_default_dtype and forgets to restore it changes nothing after the test."""
    gid, src = ALSO_RIGHT["an experiment that leaves the default changed"]
    ns = namespace(CH, {gid: src})
    assert passes("ch05.who_shares", ns, 1, hidden=True) and torch.get_default_dtype() == torch.float32


def test_a_missing_function_fails_kindly():
    with pytest.raises(CheckFailure, match="is not defined: replace"):
        run_exercise("ch05.sgd_step", Learner(ns={}), 1, hidden=True)
