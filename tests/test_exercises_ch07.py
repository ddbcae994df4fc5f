"""Chapter 07 exercises in-process: the solution passes, typical and further near-misses fail."""
from __future__ import annotations

import nbformat
import pytest

from autograder.submissions import solution_answers
from conftest import solution_path
from exercise_harness import exercise_name, judged_by_replay, namespace, passes, passes_quietly, wrong_answers

CH = "07_autograd"
SOL = solution_answers(nbformat.read(str(solution_path(CH)), as_version=4))
WRONG = wrong_answers(CH)

NEAR_MISSES = {
    # right values and requires_grad, but a non-leaf (made by an op after requires_grad)
    "ex1_trainable": """
predicted_is_plain_tensor = True
predicted_grad_before = None
def trainable(values):
    return torch.tensor(values, dtype=torch.float32, requires_grad=True) * 1
""",
    # the wrong explanation, with working code
    "ex2_non_scalar": SOL["ex2_non_scalar"].replace('why_backward_failed = "B"', 'why_backward_failed = "C"'),
    # catches torch's error and returns None instead of failing like torch
    "ex2_non_scalar#catch": SOL["ex2_non_scalar"].replace("    squares.backward(gradient)",
                                                          "    try:\n        squares.backward(gradient)\n    except RuntimeError:\n        pass\n"),
    # the right numbers, computed by hand: the leaf's .grad is never filled
    "ex3_vjp": """
def vjp(A, x, v):
    return A.T @ v
""",
    # right gradient via autograd.grad, but x.grad never filled by the learner's backward
    "ex4_seed_function": """
def fprime_autograd(x):
    return torch.autograd.grad((x ** 2 * torch.exp(x)).sum(), x)[0]
def fprime_by_hand(x):
    return 2 * x * torch.exp(x) + x ** 2 * torch.exp(x)
""",
    # forgot clone: g1 is x.grad itself, zeroed and refilled by the second pass
    "ex6_accumulate": """
def two_grads(x):
    (2 * torch.dot(x, x)).backward()
    g1 = x.grad
    x.grad.zero_()
    x.sum().backward()
    return g1, x.grad.clone()
""",
    # retain_grad on a detached copy: the returned y is a leaf, not the graph's y
    "ex7_retain_grad": SOL["ex7_retain_grad"].replace("    return y", "    return y.detach()"),
    # sets the grad to None instead of zero_(): torch's step leaves zeros
    "ex9_no_grad": SOL["ex9_no_grad"].replace("    w.grad.zero_()", "    pass"),
}


@pytest.mark.parametrize("gid", sorted(SOL))
def test_solution_passes_on_many_seeds_without_a_warning(gid):
    ns, name = namespace(CH), exercise_name(CH, gid)
    assert passes_quietly(name, ns, 1, hidden=False)
    failing = [seed for seed in range(1, 31) if not passes_quietly(name, ns, seed, hidden=True)]
    assert not failing, f"{name}: the solution fails hidden tests for seeds {failing}"


@pytest.mark.parametrize("gid", sorted(WRONG))
def test_typical_wrong_answer_loses_points(gid):
    ns, name = namespace(CH, {gid: WRONG[gid]}), exercise_name(CH, gid)
    if passes(name, ns, 1, hidden=False):  # predictions are graded on the visible side only
        pytest.fail(f"{gid}: the typical wrong answer passes the visible test")
    caught = sum(not passes(name, ns, seed, hidden=True) for seed in range(1, 21))
    assert caught == 20 or gid in ("ex5_predict_dot",), f"{gid}: the hidden test catches it on only {caught}/20 seeds"


@pytest.mark.parametrize("key", sorted(NEAR_MISSES))
def test_near_miss_is_rejected_visible_and_hidden(key):
    gid = key.split("#")[0]
    ns, name = namespace(CH, {gid: NEAR_MISSES[key]}), exercise_name(CH, gid)
    assert not passes(name, ns, 1, hidden=False), f"{key}: the near-miss passes the visible test"
    assert not any(passes(name, ns, seed, hidden=True) for seed in range(1, 11)), f"{key}: passes a hidden test"


@pytest.mark.parametrize("gid", sorted(SOL))
def test_the_trusted_judge_agrees_on_replayed_answers(gid):
    # Replayable exercises: no branching on answers, every answer JSON-safe on the tape.
    name = exercise_name(CH, gid)
    assert judged_by_replay(name, namespace(CH), 7, hidden=True)
    assert judged_by_replay(name, namespace(CH), 7, hidden=False)
    wrong = namespace(CH, {gid: WRONG[gid]})
    assert not (judged_by_replay(name, wrong, 7, hidden=False) and judged_by_replay(name, wrong, 7, hidden=True))


@pytest.mark.parametrize("gid", sorted(SOL))
def test_a_blank_answer_fails_with_a_lesson_not_a_crash(gid):
    # The released stub raises NotImplementedError, so none of the cell's names get defined.
    blank = namespace(CH, {gid: "pass"})
    name = exercise_name(CH, gid)
    assert not passes(name, blank, 1, hidden=False) and not passes(name, blank, 1, hidden=True)


def test_a_nonleaf_grad_warning_in_the_learners_code_costs_nothing():
    # The learner peeks at y.grad (a non-leaf) before retain_grad: torch warns, the answer is still right.
    peek = SOL["ex7_retain_grad"].replace("    y.retain_grad()", "    y.grad\n    y.retain_grad()")
    assert peek != SOL["ex7_retain_grad"]
    ns = namespace(CH, {"ex7_retain_grad": peek})
    assert all(passes_quietly("ch07.retain_grad", ns, seed, hidden=True) for seed in range(1, 6))
