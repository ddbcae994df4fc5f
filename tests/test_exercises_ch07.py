"""Chapter 07's other mistakes and near-misses in-process, on the visible test and every hidden seed; what holds
for every exercise is in test_exercises.py."""
from __future__ import annotations

import nbformat
import pytest

from autograder import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from autograder.tools.submissions import solution_answers
from conftest import solution_path
from exercise_harness import namespace, other_mistakes, unmade_mistakes, passes, passes_quietly, rejected_visible_and_hidden

CH = "07_autograd"
SOL = solution_answers(nbformat.read(str(solution_path(CH)), as_version=4))
EVERY_SEED = range(1, 21)

NEAR_MISSES = {
    # catches torch's error and returns None instead of failing like torch
    "ex2_non_scalar": SOL["ex2_non_scalar"].replace("    squares.backward(gradient)",
                                                    "    try:\n        squares.backward(gradient)\n    except RuntimeError:\n        pass\n"),
    # the product rule with one term's sign flipped
    "ex4_seed_function": SOL["ex4_seed_function"].replace("2 * x * torch.exp(x) + x ** 2", "2 * x * torch.exp(x) - x ** 2"),
    # gz right, gx missing the factor 2 of the repeated leaf
    "ex5_predict_dot": SOL["ex5_predict_dot"].replace("return z + 2 * x, x.clone()", "return z + x, x.clone()"),
    # sets the grad to None instead of zero_(): torch's step leaves zeros
    "ex9_no_grad": SOL["ex9_no_grad"].replace("    w.grad.zero_()  # ready for the next step", "    w.grad = None"),
    # a Parameter of the right values under another name
    "ex10_parameter": SOL["ex10_parameter"].replace("self.weight", "self.scale").replace(
        "return x * self.scale", "return x * self.scale\n\n    @property\n    def weight(self):\n        return self.scale"),
}

# Wrong only in a prediction, which only the visible test grades.
VISIBLE_NEAR_MISSES = {
    "ex1_trainable": SOL["ex1_trainable"].replace("predicted_variable_requires_grad = True", "predicted_variable_requires_grad = False"),
    "ex5_predict_dot": SOL["ex5_predict_dot"].replace("predicted_xx_grad = torch.tensor([0.0, 2.0, 4.0, 6.0])",
                                                      "predicted_xx_grad = torch.tensor([0.0, 1.0, 2.0, 3.0])"),
    "ex8_backward_twice": SOL["ex8_backward_twice"].replace("predicted_twice_add = False", "predicted_twice_add = True"),
    "ex10_parameter": SOL["ex10_parameter"].replace('predicted_registered = ["a"]', 'predicted_registered = ["a", "b"]'),
}


def test_every_listed_mistake_has_a_wrong_answer():
    assert not unmade_mistakes(CH)


@pytest.mark.parametrize("gid,src", other_mistakes(CH))
def test_every_other_mistake_fails_everywhere(gid, src):
    slips = rejected_visible_and_hidden(CH, gid, src, EVERY_SEED)
    assert not slips, f"{gid}: a typical mistake passes on {slips}"


@pytest.mark.parametrize("gid", sorted(NEAR_MISSES))
def test_near_miss_fails_everywhere(gid):
    assert NEAR_MISSES[gid] != SOL[gid], "the near-miss must differ from the solution"
    slips = rejected_visible_and_hidden(CH, gid, NEAR_MISSES[gid], EVERY_SEED)
    assert not slips, f"{gid}: the near-miss passes on {slips}"


@pytest.mark.parametrize("gid", sorted(VISIBLE_NEAR_MISSES))
def test_visible_near_miss_fails(gid):
    assert VISIBLE_NEAR_MISSES[gid] != SOL[gid]
    name = "ch07." + gid.split("_", 1)[1]
    assert not passes(name, namespace(CH, {gid: VISIBLE_NEAR_MISSES[gid]}), 1, hidden=False)


def test_a_nonleaf_grad_warning_in_the_learners_code_costs_nothing():
    # The learner peeks at y.grad (a non-leaf) before retain_grad: torch warns, the answer is still right.
    peek = SOL["ex7_retain_grad"].replace("    y.retain_grad()", "    y.grad\n    y.retain_grad()")
    assert peek != SOL["ex7_retain_grad"]
    ns = namespace(CH, {"ex7_retain_grad": peek})
    assert all(passes_quietly("ch07.retain_grad", ns, seed, hidden=True) for seed in range(1, 6))


def test_by_hand_means_without_autograd():
    """fprime_by_hand runs under torch.inference_mode(): a backward inside it fails, and says so."""
    sneaky = SOL["ex4_seed_function"].replace(
        "    return 2 * x * torch.exp(x) + x ** 2 * torch.exp(x)",
        "    with torch.enable_grad():\n        x = x.clone().requires_grad_()\n        (x ** 2 * torch.exp(x)).sum().backward()\n"
        "    return x.grad")
    with pytest.raises(CheckFailure, match="autograd switched off"):
        run_exercise("ch07.seed_function", Learner(ns=namespace(CH, {"ex4_seed_function": sneaky})), 1, hidden=False)
