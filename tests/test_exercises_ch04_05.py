"""Chapter 05's near-misses in-process (each answer cell alone, on many seeds); what holds for every exercise
is in test_exercises.py. Chapter 04's are in test_exercises_ch04.py."""
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
}


@pytest.mark.parametrize("name,src", [(n, s) for n, srcs in NEAR_MISSES.items() for s in srcs])
def test_near_misses_are_rejected(name, src):
    assert not passes(name, namespace(src))


@pytest.mark.parametrize("name,src", [(n, s) for n, srcs in ALSO_RIGHT.items() for s in srcs])
def test_other_right_answers_pass(name, src):
    assert passes(name, namespace(src))


def test_a_missing_function_fails_kindly():
    with pytest.raises(CheckFailure, match="is not defined: replace"):
        run_exercise("ch05.sgd_step", Learner(ns={}), 1, hidden=True)


