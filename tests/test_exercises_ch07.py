"""Chapter 07's near-misses in-process; what holds for every exercise is in test_exercises.py."""
from __future__ import annotations

import nbformat
import pytest

from autograder.tools.submissions import solution_answers
from conftest import solution_path
from exercise_harness import namespace, passes_quietly, rejected_visible_and_hidden

CH = "07_autograd"
SOL = solution_answers(nbformat.read(str(solution_path(CH)), as_version=4))

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
def test_near_miss_is_rejected_visible_and_hidden(key):
    slips = rejected_visible_and_hidden(CH, key.split("#")[0], NEAR_MISSES[key])
    assert not slips, f"{key}: the near-miss passes on {slips}"


def test_a_nonleaf_grad_warning_in_the_learners_code_costs_nothing():
    # The learner peeks at y.grad (a non-leaf) before retain_grad: torch warns, the answer is still right.
    peek = SOL["ex7_retain_grad"].replace("    y.retain_grad()", "    y.grad\n    y.retain_grad()")
    assert peek != SOL["ex7_retain_grad"]
    ns = namespace(CH, {"ex7_retain_grad": peek})
    assert all(passes_quietly("ch07.retain_grad", ns, seed, hidden=True) for seed in range(1, 6))
