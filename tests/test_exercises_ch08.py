"""Chapter 08's near-misses and listed mistakes in-process; what holds for every exercise is in test_exercises.py.
Each near miss and mistake must fail the visible test and every hidden seed tried; the right alternatives pass."""
from __future__ import annotations

from exercise_harness import mistake_tests, near_miss_tests, prediction_miss_test, solution_answers_of

CH = "08_detach"
SOL = solution_answers_of(CH)

NEAR_MISSES = {
    "no detach at all: 3x²": ("ex1_predict_detach", SOL["ex1_predict_detach"].replace("const = y.detach()", "const = y")),
    "no zero_() between the passes": ("ex2_still_in_graph", SOL["ex2_still_in_graph"].replace(
        "    x.grad.zero_()  # gradients accumulate", "    pass")),
    "the mean, not the median, as the constant": ("ex4_detach_numpy", SOL["ex4_detach_numpy"].replace(
        "np.median(x.detach().numpy())", "np.mean(x.detach().numpy())")),
    "the prediction cut off from w: w.grad never filled": ("ex5_stop_gradient", SOL["ex5_stop_gradient"].replace(
        "v, v_next = (w * x).sum(),", "v, v_next = (w * x).sum().detach().requires_grad_(),")),
    "clamp_ on y's memory after backward": ("ex6_safe_edit", SOL["ex6_safe_edit"].replace(
        "    capped = y.detach().clone()\n    capped[capped > 2] = 2.0\n    y.sum().backward()",
        "    y.sum().backward()\n    capped = y.detach().clamp_(max=2.0)")),
}
ALSO_RIGHT = {
    "only v_next detached": ("ex5_stop_gradient", SOL["ex5_stop_gradient"].replace(
        "(r + gamma * v_next).detach()", "r + gamma * v_next.detach()")),
    "numpy's median as a 0-d tensor": ("ex4_detach_numpy", SOL["ex4_detach_numpy"].replace(
        "m = float(np.median(x.detach().numpy()))", "m = torch.tensor(np.median(x.detach().numpy()))")),
    "an out-of-place clamp": ("ex6_safe_edit", SOL["ex6_safe_edit"].replace(
        "    capped = y.detach().clone()\n    capped[capped > 2] = 2.0", "    capped = y.detach().clamp(max=2.0)")),
    "torch.where, a mask-and-where rewrite": ("ex6_safe_edit", SOL["ex6_safe_edit"].replace(
        "    capped = y.detach().clone()\n    capped[capped > 2] = 2.0", "    capped = torch.where(y > 2, 2.0, y).detach()")),
}
PREDICTION_MISSES = {
    "'u still requires grad'": ("ex1_predict_detach", SOL["ex1_predict_detach"].replace(
        "predicted_u_requires_grad = False", "predicted_u_requires_grad = True")),
    "'a detached tensor is not a leaf'": ("ex3_predict_sharing", SOL["ex3_predict_sharing"].replace(
        "predicted_u_is_leaf = True", "predicted_u_is_leaf = False")),
    "'backward does not notice the edit'": ("ex6_safe_edit", SOL["ex6_safe_edit"].replace(
        "predicted_backward_fails = True", "predicted_backward_fails = False")),
}

test_near_misses_fail_everywhere, test_other_right_answers_pass = near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)
test_every_listed_mistake_is_made, test_every_other_mistake_fails_everywhere = mistake_tests(CH)
test_wrong_predictions_fail = prediction_miss_test(CH, PREDICTION_MISSES)
