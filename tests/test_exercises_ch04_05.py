"""Chapters 04 and 05's near-misses in-process (each answer cell alone, on many seeds); what holds for
every exercise is in test_exercises.py. Chapter 05's typical mistakes and near-misses must fail the visible test
and every hidden seed tried."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from autograder.tools.submissions import read, solution_answers
from conftest import solution_path
from exercise_harness import exercise_name, namespace as harness_namespace, other_mistakes, passes as harness_passes, \
    rejected_visible_and_hidden, unmade_mistakes

SEEDS = range(1, 9)


def namespace(*sources: str) -> dict:
    ns: dict = {"torch": torch, "np": np}
    for src in sources:
        exec(src, ns)
    return ns


def passes(name: str, ns: dict, visible: bool = True) -> bool:
    try:
        if visible:
            run_exercise(name, Learner(ns=ns), 20240601, hidden=False)
        for seed in SEEDS:
            run_exercise(name, Learner(ns=ns), seed, hidden=True)
    except CheckFailure:
        return False
    return True


NEAR_MISSES = {
    "ch04.broadcast_shape": [
        # aligned on the left: (3,) next to (2, 3) reads as (3, 1)
        """
def broadcast_shape(s1, s2):
    n = max(len(s1), len(s2))
    p1, p2 = tuple(s1) + (1,) * (n - len(s1)), tuple(s2) + (1,) * (n - len(s2))
    if any(x != y and 1 not in (x, y) for x, y in zip(p1, p2)):
        raise RuntimeError("no")
    return tuple(max(x, y) for x, y in zip(p1, p2))
""",
        # the right rule, the wrong kind of error
        """
def broadcast_shape(s1, s2):
    try:
        return tuple(torch.broadcast_shapes(s1, s2))
    except RuntimeError as e:
        raise ValueError(str(e))
""",
        # the right sizes as a list
        "def broadcast_shape(s1, s2):\n    return list(torch.broadcast_shapes(s1, s2))",
    ],
    "ch04.stretch": ["predicted_unsqueeze_shape = (1, 2, 1)\npredicted_res_shape = (2, 2, 2)\n"
                     "def stretch(a, shape):\n    return torch.broadcast_to(a, shape).clone()"],
    "ch04.inplace_ok": ["predicted_a_iadd_b = False\npredicted_c_iadd_a = True\n"
                        "def inplace_ok(s1, s2):\n    return len(s1) >= len(s2)"],
}

ALSO_RIGHT = {
    "ch05.object_identity": ["predicted_plus_same = False\npredicted_slice_same = True\npredicted_iadd_same = True\n"
                             "def add_into(Z, X, Y):\n    return torch.add(X, Y, out=Z)"],
    "ch05.inplace": ["def standardize_(t):\n    t -= t.mean()\n    t /= t.std()\n    return t"],
    "ch05.flat_view": ["predicted_a01 = 0.0\npredicted_same_shape = False\npredicted_same_storage = True\n"
                       "def flat_view(t):\n    return t.reshape(-1)"],
    # experimenting instead of reasoning is fine; the test puts the default dtype back
    "ch05.who_shares": ["predicted_from_numpy = True\npredicted_torch_tensor = False\npredicted_legacy_float32 = True\n"
                        "predicted_legacy_float64 = False\npredicted_float_of_float32 = True\npredicted_float_of_float64 = False\n"
                        "def shares_with_legacy_tensor(dtype, default_dtype):\n    torch.set_default_dtype(default_dtype)\n"
                        "    a = np.zeros(2, dtype=dtype)\n    return bool(np.shares_memory(torch.Tensor(a).numpy(), a))"],
    # element by element: the set of byte addresses of each
    "ch05.shared_elements": ["def shared_elements(a, b):\n"
                             "    seen = {a.data_ptr() + i * a.element_size() for i in range(a.numel())}\n"
                             "    return sum(b.data_ptr() + i * b.element_size() in seen for i in range(b.numel()))"],
    "ch04.stretch": ["predicted_unsqueeze_shape = (1, 2, 1)\npredicted_res_shape = (2, 2, 2)\n"
                     "def stretch(a, shape):\n    return torch.broadcast_to(a, shape)"],
}


@pytest.mark.parametrize("name,src", [(n, s) for n, srcs in NEAR_MISSES.items() for s in srcs])
def test_near_misses_are_rejected(name, src):
    assert not passes(name, namespace(src))


@pytest.mark.parametrize("name,src", [(n, s) for n, srcs in ALSO_RIGHT.items() for s in srcs])
def test_other_right_answers_pass(name, src):
    assert passes(name, namespace(src))


def test_a_missing_function_fails_kindly():
    with pytest.raises(CheckFailure, match="is not defined: replace"):
        run_exercise("ch04.stretch", Learner(ns={"predicted_unsqueeze_shape": (1, 2, 1), "predicted_res_shape": (2, 2, 2)}),
                     1, hidden=True)
    with pytest.raises(CheckFailure, match="is not defined: replace"):
        run_exercise("ch05.sgd_step", Learner(ns={}), 1, hidden=True)




# ---- chapter 05: every typical mistake and near-miss fails the visible test and every hidden seed ----
CH05 = "05_memory_sharing"
SOL05 = solution_answers(read(solution_path(CH05)))
CH05_NEAR_MISSES = {
    # 0 is an int, not the float torch gives
    "ex1_flat_view#int": SOL05["ex1_flat_view"].replace("predicted_a01 = 0.0", "predicted_a01 = 0"),
    # a view of the right values that starts at the storage's start, not where t starts
    "ex1_flat_view": SOL05["ex1_flat_view"].replace("return t.view(-1)", "return t.as_strided((t.numel(),), (1,), 0)"),
    # returns a copy of the right tensor
    "ex3_object_identity": SOL05["ex3_object_identity"].replace("return Z", "return Z.clone()"),
    # "an element is 4 bytes": right for float32 and int32 only
    "ex5_shared_elements": SOL05["ex5_shared_elements"].replace("// b.element_size()", "// 4"),
    "ex6_sgd_step": SOL05["ex6_sgd_step"].replace("p -= lr * g", "p.data = p - lr * g"),
}


def test_ch05_every_listed_mistake_has_a_wrong_answer():
    assert not unmade_mistakes(CH05)


@pytest.mark.parametrize("gid,src", other_mistakes(CH05))
def test_ch05_every_other_mistake_fails_everywhere(gid, src):
    slips = rejected_visible_and_hidden(CH05, gid, src, range(1, 21))
    assert not slips, f"{gid}: a typical mistake passes on {slips}"


@pytest.mark.parametrize("key", sorted(CH05_NEAR_MISSES))
def test_ch05_near_miss_fails_everywhere(key):
    gid = key.split("#")[0]
    assert CH05_NEAR_MISSES[key] != SOL05[gid]
    if key.endswith("#int"):  # a prediction: only the visible test grades it
        assert not harness_passes(exercise_name(CH05, gid), harness_namespace(CH05, {gid: CH05_NEAR_MISSES[key]}), 1, hidden=False)
        return
    slips = rejected_visible_and_hidden(CH05, gid, CH05_NEAR_MISSES[key], range(1, 21))
    assert not slips, f"{key}: the near-miss passes on {slips}"


def test_ch05_the_default_dtype_is_put_back():
    """A learner who experiments with set_default_dtype and forgets to restore it changes nothing after the test."""
    import torch
    src = ALSO_RIGHT["ch05.who_shares"][0]
    assert "set_default_dtype" in src
    assert passes("ch05.who_shares", namespace(src)) and torch.get_default_dtype() == torch.float32
