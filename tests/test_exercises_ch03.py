"""Chapter 03's near-misses in-process; what holds for every exercise is in test_exercises.py.

Each near miss is wrong in one way an exercise exists to catch: it must fail the visible test and every
hidden seed tried. The right alternatives must pass."""
from __future__ import annotations

import pytest

from autograder.checking.checks import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from exercise_harness import namespace, near_miss_tests, solution_answers_of

CH = "03_operations"
SOL = solution_answers_of(CH)
PREDICTIONS = {gid: src.split("\ndef ")[0] for gid, src in SOL.items()}

NEAR_MISSES = {
    "the first operand decides": ("ex1_predict_arith", PREDICTIONS["ex1_predict_arith"] + "\ndef op_dtype(op, d1, d2):\n    return d1"),
    "`/` always float32": ("ex1_predict_arith", SOL["ex1_predict_arith"].replace(
        'if op == "/" and not d.is_floating_point:', 'if op == "/":')),
    "torch asked for the dtype": ("ex1_predict_arith", PREDICTIONS["ex1_predict_arith"] +
                                  "\ndef op_dtype(op, d1, d2):\n    return (torch.ones(1, dtype=d1) / torch.ones(1, dtype=d2)).dtype"),
    "every result float32": ("ex2_predict_exp", SOL["ex2_predict_exp"].replace(
        'if name in ("abs", "neg") or dtype.is_floating_point:', 'if name in ("abs", "neg"):')),
    "abs and neg made float too": ("ex2_predict_exp", SOL["ex2_predict_exp"].replace(
        'if name in ("abs", "neg") or dtype.is_floating_point:', 'if dtype.is_floating_point:')),
    "cat along the wrong dim": ("ex3_cat", SOL["ex3_cat"].replace("return torch.cat((X, Y), dim=1)", "return torch.cat((X, Y), dim=0)")),
    "position 0 left out": ("ex4_run_starts", SOL["ex4_run_starts"].replace(
        "return torch.cat((torch.tensor([True]), x[1:] != x[:-1]))", "return x[1:] != x[:-1]")),
    "ints where torch gives bools": ("ex4_run_starts", SOL["ex4_run_starts"].replace(
        "return torch.cat((torch.tensor([True]), x[1:] != x[:-1]))", "return torch.cat((torch.tensor([1]), (x[1:] != x[:-1]).long()))")),
    "a cast that merges runs": ("ex4_run_starts", SOL["ex4_run_starts"].replace(
        "x[1:] != x[:-1]))", "x.long()[1:] != x.long()[:-1]))")),
    "changes counted, not runs": ("ex4_run_starts", SOL["ex4_run_starts"].replace(
        "return run_starts(x).sum()", "return (x[1:] != x[:-1]).sum()")),
    "a negative dim counted from the front": ("ex5_predict_reduce", SOL["ex5_predict_reduce"].replace(
        "dims = {d % len(shape) for d", "dims = {abs(d) for d")),
    "only the first of several dims": ("ex5_predict_reduce", SOL["ex5_predict_reduce"].replace(
        "for d in (dim if isinstance(dim, tuple) else (dim,))}", "for d in ((dim[0],) if isinstance(dim, tuple) else (dim,))}")),
    "the mean in float64": ("ex6_row_fractions", SOL["ex6_row_fractions"].replace(
        "return counts.float().mean(dim=0)", "return counts.double().mean(dim=0)")),
    "the sum along the wrong dim": ("ex7_row_dots", SOL["ex7_row_dots"].replace("(P * Q).sum(dim=1)", "(P * Q).sum(dim=0)")),
    "S where S.T was needed": ("ex7_row_dots", SOL["ex7_row_dots"].replace("return P @ S.T", "return (P @ S.T).T")),
    "mv takes a column": ("ex8_predict_matmul", SOL["ex8_predict_matmul"].replace(
        "if len(s1) != 2 or len(s2) != 1 or s1[1] != s2[0]:", "if len(s1) != 2 or s1[1] != s2[0]:").replace(
        "predicted_mv_column_raises = True", "predicted_mv_column_raises = False")),
    "batch dims must be equal": ("ex8_predict_matmul", SOL["ex8_predict_matmul"].replace(
        "out = tuple(torch.broadcast_shapes(a[:-2], b[:-2])) + (a[-2], b[-1])",
        "out = (a[:-2] if len(a) >= len(b) else b[:-2]) + (a[-2], b[-1])")),
    "the wrong kind of error": ("ex8_predict_matmul", SOL["ex8_predict_matmul"].replace("raise RuntimeError", "raise ValueError")),
    "X[:] = X + Y casts silently": ("ex9_add_in_place", SOL["ex9_add_in_place"].replace("    X += Y\n", "    X[:] = X + Y\n")),
    "a Python float as float64": ("ex10_predict_result_type", SOL["ex10_predict_result_type"].replace(
        "else torch.get_default_dtype())", "else torch.float64)")),
    "a lower-ranked float ignored": ("ex10_predict_result_type", SOL["ex10_predict_result_type"].replace(
        "return low if category(low) > category(high) else high", "return high")),
    "torch.result_type itself": ("ex10_predict_result_type", PREDICTIONS["ex10_predict_result_type"] + '''
def result_dtype(a, b):
    make = {"tensor": lambda d: torch.ones(1, dtype=d), "0-d": lambda d: torch.tensor(1, dtype=d), "number": lambda v: v}
    return torch.result_type(make[a[0]](a[1]), make[b[0]](b[1]))
'''),
}

ALSO_RIGHT = {
    "a sum over n, in float": ("ex6_row_fractions", SOL["ex6_row_fractions"].replace(
        "return counts.float().mean(dim=0)", "return counts.sum(dim=0) / counts.shape[0]")),
    "X.add_(Y)": ("ex9_add_in_place", SOL["ex9_add_in_place"].replace("    X += Y\n    return X", "    return X.add_(Y)")),
    "mm of P with S transposed": ("ex7_row_dots", SOL["ex7_row_dots"].replace("return P @ S.T", "return torch.mm(P, S.t())")),
    "the diagonal of all the dot products": ("ex7_row_dots", SOL["ex7_row_dots"].replace("(P * Q).sum(dim=1)", "(P @ Q.T).diagonal()")),
    "^ on the comparison": ("ex4_run_starts", SOL["ex4_run_starts"].replace("x[1:] != x[:-1]", "~(x[1:] == x[:-1])")),
}


test_near_misses_fail_the_visible_test_and_every_hidden_seed, test_other_right_answers_pass = \
    near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)


def test_a_new_tensor_with_the_right_values_is_rejected_on_memory():
    ns = namespace(CH, {"ex9_add_in_place": PREDICTIONS["ex9_add_in_place"] + "\ndef add_in_place(X, Y):\n    return X.add(Y)"})
    with pytest.raises(CheckFailure, match="X afterwards"):
        run_exercise("ch03.add_in_place", Learner(ns=ns), 2, hidden=False)


def test_only_the_named_parts_of_torch_are_within_reach():
    ns = namespace(CH, {"ex10_predict_result_type": NEAR_MISSES["torch.result_type itself"][1]})
    with pytest.raises(CheckFailure) as info:
        run_exercise("ch03.predict_result_type", Learner(ns=ns), 1, hidden=True)
    assert "torch.result_type is not available in this exercise" in str(info.value)
