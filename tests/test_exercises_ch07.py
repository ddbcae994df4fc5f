"""Chapter 07 exercises in-process: the solution passes, typical and further near-misses fail."""
from __future__ import annotations

import pytest

from exercise_helpers import exercise_name, fails, loses_points, namespace, passes, solutions, wrong

CH = "07_autograd"
SOL = solutions(CH)


@pytest.mark.parametrize("gid", sorted(SOL))
def test_solution_passes_without_warnings(gid):
    passes(exercise_name(CH, gid), namespace(SOL[gid]))


@pytest.mark.parametrize("gid", sorted(wrong(CH)))
def test_typical_wrong_answer_fails(gid):
    loses_points(exercise_name(CH, gid), namespace(wrong(CH)[gid]))


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


@pytest.mark.parametrize("key", sorted(NEAR_MISSES))
def test_near_miss_fails(key):
    fails(exercise_name(CH, key.split("#")[0]), namespace(NEAR_MISSES[key]))


def test_a_nonleaf_grad_warning_in_the_learners_code_costs_nothing():
    # The learner peeks at y.grad (a non-leaf) before retain_grad: torch warns, the answer is still right.
    peek = SOL["ex7_retain_grad"].replace("    y.retain_grad()", "    y.grad\n    y.retain_grad()")
    passes("ch07.retain_grad", namespace(peek))


@pytest.mark.parametrize("gid", sorted(SOL))
def test_the_trusted_judge_agrees_on_replayed_answers(gid):
    # Exercises must be replayable: no branching on answers, every answer JSON-safe on the tape.
    from autograder import CheckFailure
    from exercise_helpers import judged_by_replay

    name = exercise_name(CH, gid)
    judged_by_replay(name, namespace(SOL[gid]), 7, hidden=True)
    judged_by_replay(name, namespace(SOL[gid]), 20240601, hidden=False)
    with pytest.raises(CheckFailure):
        for hidden, seed in ((False, 20240601), (True, 7)):
            judged_by_replay(name, namespace(wrong(CH)[gid]), seed, hidden=hidden)
