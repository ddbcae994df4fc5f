"""Chapter 10 in-process: a step out of order loses points, the global RNG is left alone, and the chapter's
training really matches torch (the claim its plots make); what holds for every exercise is in test_exercises.py."""
from __future__ import annotations

import numpy as np
import torch

from autograder.checking.exercise import Learner, run_exercise
from autograder.tools.submissions import read, solution_answers
from conftest import solution_path
from exercise_harness import exercise_name, failures, namespace

CH = "10_train_with_your_autograd"


def test_a_step_in_the_wrong_order_loses_points():
    src = solution_answers(read(solution_path(CH)))["ex6_train"]
    lines = src.splitlines()
    i = next(k for k, line in enumerate(lines) if "zero_grad(params)" in line and "def " not in line)
    lines[i], lines[i + 1] = lines[i + 1], lines[i]  # backward, then zero_grad: the new gradient is thrown away
    wrong = "\n".join(lines)
    assert wrong != src
    assert failures(CH, namespace(CH, {"ex6_train": wrong}), ((False, 0), (True, 1), (True, 2))) == {"ch10.train"}


def test_the_exercises_leave_the_learners_global_rng_alone():
    ns = namespace(CH)
    torch.manual_seed(123)
    before = torch.get_rng_state()
    for gid in solution_answers(read(solution_path(CH))):
        run_exercise(exercise_name(CH, gid), Learner(ns=ns), 0, hidden=False)
    assert torch.equal(before, torch.get_rng_state())


def test_the_solution_trains_like_torch_for_many_steps():
    ns = namespace(CH)
    from autograder.checking.exercises.ch10_train_with_your_autograd import make_moons
    X, y = make_moons(100, 0.1, np.random.default_rng(1))
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)).double()
    params = ns["params_from_torch"](model)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(100):
        mine = ns["train_step"](params, X, y, 0.5)
        tl = torch.nn.functional.cross_entropy(model(torch.from_numpy(X)), torch.from_numpy(y))
        opt.zero_grad()
        tl.backward()
        opt.step()
        assert np.isclose(mine, tl.item(), rtol=1e-9, atol=0)
    assert tl.item() < 0.5  # and it learned something
