"""Chapter 01's near-misses in-process; what holds for every exercise is in test_exercises.py.

Each near miss is an answer a learner could plausibly write that is wrong in one way the exercise exists
to catch: it must fail the visible test and every hidden seed tried. The right alternatives must pass."""
from __future__ import annotations

import pytest

from autograder.checking.checks import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from exercise_harness import namespace, near_miss_tests, solution_answers_of

CH = "01_creating_tensors"
SOL = solution_answers_of(CH)

NEAR_MISSES = {
    "torch.tensor itself, where the rules were asked for": ("ex2_predict_dtype", SOL["ex2_predict_dtype"].split("def ")[0] + '''
def inferred_dtype(values):
    return str(torch.tensor(values).dtype).removeprefix("torch.")
'''),
    "the first element decides": ("ex2_predict_dtype", SOL["ex2_predict_dtype"].split("def ")[0] + '''
def inferred_dtype(values):
    first = values[0][0] if isinstance(values[0], list) else values[0]
    return {bool: "bool", int: "int64", float: "float32"}[type(first)]
'''),
    "only the first row looked at": ("ex2_predict_dtype", SOL["ex2_predict_dtype"].split("def ")[0] + '''
def inferred_dtype(values):
    row = values[0] if isinstance(values[0], list) else values
    if any(isinstance(v, float) for v in row):
        return "float32"
    return "bool" if all(isinstance(v, bool) for v in row) else "int64"
'''),
    "the wrong kind of error": ("ex3_predict_reshape", SOL["ex3_predict_reshape"].replace("raise RuntimeError", "raise ValueError")),
    "torch asked for the shape": ("ex3_predict_reshape", "predicted_shape = (2, 3, 4)\n"
                                  "def reshape_result(n, shape):\n    return tuple(torch.arange(n).reshape(*shape).shape)"),
    "right for two dimensions only": ("ex6_where_is", "def where_is(shape, k):\n    return (k // shape[-1], k % shape[-1])"),
    "the index as a list": ("ex6_where_is", SOL["ex6_where_is"].replace("return tuple(reversed(index))", "return index[::-1]")),
    "numpy's unravel_index": ("ex6_where_is", "def where_is(shape, k):\n    return tuple(int(i) for i in np.unravel_index(k, shape))"),
    "truncation where the size is a ceiling": ("ex7_arange_rules", SOL["ex7_arange_rules"].replace(
        "return math.ceil((end - start) / step)", "return int((end - start) / step)")),
    "a float counted only in the step": ("ex7_arange_rules", SOL["ex7_arange_rules"].replace(
        "any(isinstance(v, float) for v in (start, end, step))", "isinstance(step, float)")),
    "torch asked for the size": ("ex7_arange_rules", SOL["ex7_arange_rules"].replace(
        "import math\n    return math.ceil((end - start) / step)", "return torch.arange(start, end, step).numel()")),
}

ALSO_RIGHT = {
    "a ceiling by negated floor division": ("ex7_arange_rules", SOL["ex7_arange_rules"].replace(
        "import math\n    return math.ceil((end - start) / step)", "return int(-((start - end) // step))")),
    "divmod from the first dimension": ("ex6_where_is", '''
def where_is(shape, k):
    out = []
    for i in range(len(shape)):
        block = 1
        for s in shape[i + 1:]:
            block *= s
        out.append(k // block)
        k %= block
    return tuple(out)
'''),
    "a helper function of one's own": ("ex2_predict_dtype", SOL["ex2_predict_dtype"].split("def ")[0] + '''
def flatten(values):
    return [v for row in values for v in row] if isinstance(values[0], list) else list(values)


def inferred_dtype(values):
    kinds = {type(v) for v in flatten(values)}
    return "float32" if float in kinds else ("int64" if int in kinds else "bool")
'''),
}


test_near_misses_fail_the_visible_test_and_every_hidden_seed, test_other_right_answers_pass = \
    near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)


def test_using_torch_where_it_is_ruled_out_says_why():
    ns = namespace(CH, {"ex7_arange_rules": NEAR_MISSES["torch asked for the size"][1]})
    with pytest.raises(CheckFailure) as info:
        run_exercise("ch01.arange_rules", Learner(ns=ns), 1, hidden=True)
    assert "without torch" in str(info.value) and "it uses `torch`" in str(info.value)
