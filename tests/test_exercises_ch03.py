"""Chapter 03's exercises in-process: the solution passes every seed; each typical wrong answer fails."""
from __future__ import annotations

import pytest

from exercise_harness import exercise_name, namespace, passes, wrong_answers

CH = "03_operations"
WRONG = wrong_answers(CH)


@pytest.mark.parametrize("gid", sorted(WRONG))
def test_solution_passes_hidden_tests_on_many_seeds(gid):
    ns = namespace(CH)
    name = exercise_name(CH, gid)
    assert passes(name, ns, 1, hidden=False)
    failing = [seed for seed in range(1, 41) if not passes(name, ns, seed, hidden=True)]
    assert not failing, f"{name}: the solution fails hidden tests for seeds {failing}"


@pytest.mark.parametrize("gid", sorted(WRONG))
def test_typical_wrong_answer_fails_visible_and_hidden(gid):
    ns = namespace(CH, {gid: WRONG[gid]})
    name = exercise_name(CH, gid)
    assert not passes(name, ns, 1, hidden=False), f"{gid}: the wrong answer passes the visible test"
    # Not every random draw exposes every mistake (a 3-D tensor suits a[0, :, :]); most must.
    caught = sum(not passes(name, ns, seed, hidden=True) for seed in range(1, 21))
    assert caught >= 15, f"{gid}: the hidden test catches the wrong answer on only {caught}/20 seeds"


def test_a_new_tensor_with_the_right_values_is_rejected_on_memory():
    ns = namespace(CH, {"ex9_add_in_place": "def add_in_place(X, Y):\n    return X.add(Y)"})
    assert not passes("ch03.add_in_place", ns, 2, hidden=True)


def test_an_error_of_the_wrong_kind_is_rejected():
    # mm that raises ValueError instead of torch's RuntimeError
    src = WRONG["ex8_predict_matmul"].replace("predicted_mm_raises = False", "predicted_mm_raises = True")
    src += "\n\ndef product_shape(name, s1, s2):\n    raise ValueError('no')\n"
    ns = namespace(CH, {"ex8_predict_matmul": src})
    assert not passes("ch03.predict_matmul", ns, 1, hidden=False)
