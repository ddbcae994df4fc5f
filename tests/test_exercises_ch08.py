"""Chapter 08's other mistakes and near-misses in-process, on the visible test and every hidden seed; what holds
for every exercise is in test_exercises.py."""
from __future__ import annotations

import nbformat
import pytest

from autograder.tools.submissions import solution_answers
from conftest import solution_path
from exercise_harness import namespace, other_mistakes, unmade_mistakes, passes, rejected_visible_and_hidden

CH = "08_detach"
SOL = solution_answers(nbformat.read(str(solution_path(CH)), as_version=4))
EVERY_SEED = range(1, 21)

NEAR_MISSES = {
    # the seed's other typo: no detach at all, so the gradient is 3x²
    "ex1_predict_detach": SOL["ex1_predict_detach"].replace("const = y.detach()", "const = y"),
    # forgot zero_() between the passes
    "ex2_still_in_graph": SOL["ex2_still_in_graph"].replace("    x.grad.zero_()  # gradients accumulate", "    pass"),
    # the mean, not the median, as the constant
    "ex4_detach_numpy": SOL["ex4_detach_numpy"].replace("np.median(x.detach().numpy())", "np.mean(x.detach().numpy())"),
    # detached the prediction instead of the target: no gradient reaches w at all
    "ex5_stop_gradient": SOL["ex5_stop_gradient"].replace("    pred = w * x\n", "    pred = (w * x).detach()\n    pred.requires_grad_()\n"),
    # caps with clamp in place on y's memory after backward: x.grad right, y wrong
    "ex6_safe_edit": SOL["ex6_safe_edit"].replace("    capped = y.detach().clone()\n    capped[capped > 2] = 2.0\n    y.sum().backward()",
                                                  "    y.sum().backward()\n    capped = y.detach().clamp_(max=2.0)"),
}

# Wrong only in a prediction, which only the visible test grades.
VISIBLE_NEAR_MISSES = {
    "ex1_predict_detach": SOL["ex1_predict_detach"].replace("predicted_u_requires_grad = False", "predicted_u_requires_grad = True"),
    "ex3_predict_sharing": SOL["ex3_predict_sharing"].replace("predicted_u_is_leaf = True", "predicted_u_is_leaf = False"),
    "ex6_safe_edit": SOL["ex6_safe_edit"].replace("predicted_backward_fails = True", "predicted_backward_fails = False"),
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
    name = "ch08." + gid.split("_", 1)[1]
    assert not passes(name, namespace(CH, {gid: VISIBLE_NEAR_MISSES[gid]}), 1, hidden=False)
