"""Chapter 10 in-process: the solution passes, wrong answers lose points on their own exercise only,
and the chapter's training really matches torch (the claim its plots make)."""
from __future__ import annotations

import runpy

import numpy as np
import pytest
import torch

from autograder import CheckFailure
from autograder.exercise import REGISTRY, Learner, lookup, run_exercise
from autograder.submissions import read, solution_answers
from conftest import REPO, solution_path

CH = "10_train_with_your_autograd"
SKIP = ("plt.", "tqdm(")  # cells that plot or train 400 steps: not needed to grade


def namespace(replace: dict[str, str] | None = None) -> dict:
    nb = read(solution_path(CH))
    answers = {**solution_answers(nb), **(replace or {})}
    ns: dict = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade") or any(s in cell.source for s in SKIP):
            continue
        try:
            exec(compile(answers.get(meta.get("grade_id"), cell.source), "cell", "exec"), ns)
        except Exception:
            pass
    return ns


def failures(ns: dict) -> set[str]:
    lookup("ch10.train")
    out = set()
    for name in sorted(n for n in REGISTRY if n.startswith("ch10.")):
        for hidden, seed in ((False, 0), (True, 1), (True, 2)):
            try:
                run_exercise(name, Learner(ns=ns), seed, hidden)
            except CheckFailure:
                out.add(name)
                break
    return out


def test_the_solution_passes():
    assert failures(namespace()) == set()


WRONG = runpy.run_path(str(REPO / "tests" / "wrong_answers" / f"{CH}.py"))["WRONG"]


@pytest.mark.parametrize("gid", sorted(WRONG))
def test_each_wrong_answer_loses_points_on_its_own_exercise_only(gid):
    assert failures(namespace({gid: WRONG[gid]})) == {"ch10." + gid.split("_", 1)[1]}


def test_a_step_in_the_wrong_order_loses_points():
    src = solution_answers(read(solution_path(CH)))["ex6_train"]
    lines = src.splitlines()
    i = next(k for k, line in enumerate(lines) if "zero_grad(params)" in line and "def " not in line)
    lines[i], lines[i + 1] = lines[i + 1], lines[i]  # backward, then zero_grad: the new gradient is thrown away
    wrong = "\n".join(lines)
    assert wrong != src
    assert failures(namespace({"ex6_train": wrong})) == {"ch10.train"}


def test_the_exercises_leave_the_learners_global_rng_alone():
    ns = namespace()
    torch.manual_seed(123)
    before = torch.get_rng_state()
    for name in sorted(n for n in REGISTRY if n.startswith("ch10.")):
        run_exercise(name, Learner(ns=ns), 0, hidden=False)
    assert torch.equal(before, torch.get_rng_state())


def test_the_solution_trains_like_torch_for_many_steps():
    ns = namespace()
    from autograder.exercises.ch10_train_with_your_autograd import make_moons
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
