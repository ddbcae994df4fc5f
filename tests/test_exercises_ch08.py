"""Chapter 08's near-misses in-process; what holds for every exercise is in test_exercises.py."""
from __future__ import annotations

import nbformat
import pytest

from autograder.tools.submissions import solution_answers
from conftest import solution_path
from exercise_harness import namespace, passes, rejected_visible_and_hidden, wrong_answers

CH = "08_detach"
SOL = solution_answers(nbformat.read(str(solution_path(CH)), as_version=4))
WRONG = wrong_answers(CH)

NEAR_MISSES = {
    # the seed's other typo: no detach at all, so the gradient is 3x²
    "ex1_predict_detach": SOL["ex1_predict_detach"].replace("const = y.detach()", "const = y"),
    # forgot zero_() between the passes
    "ex2_still_in_graph": SOL["ex2_still_in_graph"].replace("    x.grad.zero_()", "    pass"),
    # detach where a tracked copy was asked for
    "ex3_predict_sharing#tracked": SOL["ex3_predict_sharing"].replace("    return t.clone()\n\n\ndef untracked",
                                                                       "    return t.detach().clone()\n\n\ndef untracked"),
    # no torch.no_grad(): the copy is still in the graph
    "ex3_predict_sharing#untracked": SOL["ex3_predict_sharing"].replace("    with torch.no_grad():  # nothing is recorded here\n        return t.clone()",
                                                                         "    return t.clone()"),
    # right values, but a copy: np.array(...) does not share
    "ex4_detach_numpy": SOL["ex4_detach_numpy"].replace("return t.detach().numpy()", "return np.array(t.detach())"),
    # catches torch's error instead of raising it
    "ex4_detach_numpy#strict": SOL["ex4_detach_numpy"].replace("    return t.numpy()", "    return t.detach().numpy()"),
    # detached the prediction instead of the target: no gradient reaches w at all
    "ex5_stop_gradient": SOL["ex5_stop_gradient"].replace("    pred = w * x\n", "    pred = (w * x).detach()\n    pred.requires_grad_()\n"),
    # backward first, then edits y's storage in place: x.grad right, y wrong
    "ex6_safe_edit": """
predicted_backward_fails = True
def capped_exp(x):
    y = x.exp()
    y.sum().backward()
    capped = y.detach()
    capped[capped > 2] = 2.0
    return y, capped
""",
}


@pytest.mark.parametrize("key", sorted(NEAR_MISSES))
def test_near_miss_is_rejected_visible_and_hidden(key):
    slips = rejected_visible_and_hidden(CH, key.split("#")[0], NEAR_MISSES[key])
    assert not slips, f"{key}: the near-miss passes on {slips}"


def test_forgetting_detach_in_the_target_is_caught_by_the_hidden_tests_alone():
    # The stop-gradient exercise must not rely on its visible example to catch the missing detach.
    ns = namespace(CH, {"ex5_stop_gradient": WRONG["ex5_stop_gradient"]})
    assert not any(passes("ch08.stop_gradient", ns, seed, hidden=True) for seed in range(1, 21))
