"""Chapter 08 exercises in-process: the solution passes, typical and further near-misses fail."""
from __future__ import annotations

import pytest

from exercise_helpers import exercise_name, fails, loses_points, namespace, passes, solutions, wrong

CH = "08_detach"
SOL = solutions(CH)


@pytest.mark.parametrize("gid", sorted(SOL))
def test_solution_passes_without_warnings(gid):
    passes(exercise_name(CH, gid), namespace(SOL[gid]))


@pytest.mark.parametrize("gid", sorted(wrong(CH)))
def test_typical_wrong_answer_fails(gid):
    loses_points(exercise_name(CH, gid), namespace(wrong(CH)[gid]))


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
def test_near_miss_fails(key):
    fails(exercise_name(CH, key.split("#")[0]), namespace(NEAR_MISSES[key]))


def test_forgetting_detach_in_the_target_is_caught_by_the_hidden_tests_alone():
    # The stop-gradient exercise must not rely on its visible example to catch the missing detach.
    from exercise_helpers import fails_hidden
    fails_hidden("ch08.stop_gradient", namespace(wrong(CH)["ex5_stop_gradient"]), seeds=range(1, 11))


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
