"""Chapters 04 and 05's near-misses in-process (each answer cell alone, on many seeds); what holds for
every exercise is in test_exercises.py."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder import CheckFailure
from autograder.checking.exercise import Learner, run_exercise

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
    "ch05.flat_view": ["predicted_a01 = 0\npredicted_same_shape = False\npredicted_same_storage = True\n"
                       "def flat_view(t):\n    return t.view(-1)"],  # 0 is an int, not the float torch gives
    "ch05.object_identity": ["predicted_plus_same = False\npredicted_slice_same = True\npredicted_iadd_same = True\n"
                             "def add_into(Z, X, Y):\n    Z[:] = X + Y\n    return Z.clone()"],
    "ch05.same_storage": ["def same_storage(a, b):\n    return a is b",
                          "def same_storage(a, b):\n    return bool((a.reshape(-1)[:1] == b.reshape(-1)[:1]).all())"],
    "ch05.sgd_step": ["def sgd_step_(params, grads, lr):\n    params[:] = [p - lr * g for p, g in zip(params, grads)]"],
}

ALSO_RIGHT = {
    "ch05.object_identity": ["predicted_plus_same = False\npredicted_slice_same = True\npredicted_iadd_same = True\n"
                             "def add_into(Z, X, Y):\n    return torch.add(X, Y, out=Z)"],
    "ch05.inplace": ["def standardize_(t):\n    t -= t.mean()\n    t /= t.std()\n    return t"],
    "ch05.flat_view": ["predicted_a01 = 0.0\npredicted_same_shape = False\npredicted_same_storage = True\n"
                       "def flat_view(t):\n    return t.reshape(-1)"],
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


