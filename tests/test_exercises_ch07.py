"""Chapter 07's near-misses and listed mistakes in-process; what holds for every exercise is in test_exercises.py.
Each near miss and mistake must fail the visible test and every hidden seed tried; the right alternatives pass."""
from __future__ import annotations

import pytest

from autograder import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from exercise_harness import (mistake_tests, namespace, near_miss_tests, passes_quietly, prediction_miss_test,
                              solution_answers_of)

CH = "07_autograd"
SOL = solution_answers_of(CH)

NEAR_MISSES = {
    "torch's error caught": ("ex2_non_scalar", SOL["ex2_non_scalar"].replace(
        "    squares.backward(gradient)", "    try:\n        squares.backward(gradient)\n    except RuntimeError:\n        pass\n")),
    "the rows stacked as columns: J transposed": ("ex3_jacobian", SOL["ex3_jacobian"].replace(
        "torch.stack(rows)", "torch.stack(rows, dim=1)")),
    "one graph for every row: the second pass finds it freed": ("ex3_jacobian", SOL["ex3_jacobian"].replace(
        "    rows = []\n", "    rows, y = [], A @ x ** 2\n").replace("(A @ x ** 2).backward(v)", "y.backward(v)")),
    "one term's sign flipped": ("ex4_seed_function", SOL["ex4_seed_function"].replace(
        "2 * x * torch.exp(x) + x ** 2", "2 * x * torch.exp(x) - x ** 2")),
    "gx without the repeated leaf's factor 2": ("ex5_predict_dot", SOL["ex5_predict_dot"].replace(
        "return z + 2 * x, x.clone()", "return z + x, x.clone()")),
    "the grad set to None, not zeroed": ("ex9_no_grad", SOL["ex9_no_grad"].replace(
        "    w.grad.zero_()  # ready for the next step", "    w.grad = None")),
    "a parameter under another name": ("ex10_parameter", SOL["ex10_parameter"].replace("self.weight", "self.scale").replace(
        "return x * self.scale", "return x * self.scale\n\n    @property\n    def weight(self):\n        return self.scale")),
}
ALSO_RIGHT = {
    "one graph kept with retain_graph=True": ("ex3_jacobian", SOL["ex3_jacobian"].replace(
        "    rows = []\n", "    rows, y = [], A @ x ** 2\n").replace("(A @ x ** 2).backward(v)", "y.backward(v, retain_graph=True)")),
    "a fresh leaf per row, with torch.autograd.grad": ("ex3_jacobian", """
def jacobian(A, x):
    rows = []
    for i in range(A.shape[0]):
        t = x.detach().requires_grad_()
        rows.append(torch.autograd.grad((A @ t ** 2)[i], t)[0])
    return torch.stack(rows)
"""),
    "requires_grad_() after the float tensor": ("ex1_trainable", SOL["ex1_trainable"].replace(
        "return torch.tensor(values, dtype=torch.float32, requires_grad=True)",
        "return torch.tensor(values, dtype=torch.float32).requires_grad_()")),
    "e^x factored out": ("ex4_seed_function", SOL["ex4_seed_function"].replace(
        "return 2 * x * torch.exp(x) + x ** 2 * torch.exp(x)", "return (x ** 2 + 2 * x) * torch.exp(x)")),
    "register_parameter": ("ex10_parameter", SOL["ex10_parameter"].replace(
        "self.weight = torch.nn.Parameter(torch.ones(n))", "self.register_parameter('weight', torch.nn.Parameter(torch.ones(n)))")),
}
PREDICTION_MISSES = {
    "'a (1, 1) result is not a scalar'": ("ex2_non_scalar", SOL["ex2_non_scalar"].replace(
        "predicted_raises_corner = False", "predicted_raises_corner = True")),
    "'mean() still needs a gradient argument'": ("ex2_non_scalar", SOL["ex2_non_scalar"].replace(
        "predicted_raises_mean = False", "predicted_raises_mean = True")),
    "'Variable ignores the flag'": ("ex1_trainable", SOL["ex1_trainable"].replace(
        "predicted_variable_requires_grad = True", "predicted_variable_requires_grad = False")),
    "a repeated leaf counted once": ("ex5_predict_dot", SOL["ex5_predict_dot"].replace(
        "predicted_xx_grad = torch.tensor([0.0, 2.0, 4.0, 6.0])", "predicted_xx_grad = torch.tensor([0.0, 1.0, 2.0, 3.0])")),
    "'computed means non-leaf'": ("ex7_retain_grad", SOL["ex7_retain_grad"].replace(
        "predicted_w_is_leaf = True", "predicted_w_is_leaf = False")),
    "'every second backward fails'": ("ex8_backward_twice", SOL["ex8_backward_twice"].replace(
        "predicted_twice_add = False", "predicted_twice_add = True")),
    "'requires_grad=True registers too'": ("ex10_parameter", SOL["ex10_parameter"].replace(
        'predicted_registered = ["a"]', 'predicted_registered = ["a", "b"]')),
}

test_near_misses_fail_everywhere, test_other_right_answers_pass = near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)
test_every_listed_mistake_is_made, test_every_other_mistake_fails_everywhere = mistake_tests(CH)
test_wrong_predictions_fail = prediction_miss_test(CH, PREDICTION_MISSES)


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
