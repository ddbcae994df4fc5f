"""Chapter 08 exercises in-process: the solution passes, typical and further near-misses fail."""
from __future__ import annotations

import nbformat
import pytest

from autograder.submissions import solution_answers
from conftest import solution_path
from exercise_harness import exercise_name, judged_by_replay, namespace, passes, passes_quietly, wrong_answers

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
    assert caught == 20 or False, f"{gid}: the hidden test catches it on only {caught}/20 seeds"


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


def test_forgetting_detach_in_the_target_is_caught_by_the_hidden_tests_alone():
    # The stop-gradient exercise must not rely on its visible example to catch the missing detach.
    ns = namespace(CH, {"ex5_stop_gradient": WRONG["ex5_stop_gradient"]})
    assert not any(passes("ch08.stop_gradient", ns, seed, hidden=True) for seed in range(1, 21))
