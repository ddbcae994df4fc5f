"""Enforced "without torch": the learner's function runs with torch and numpy out of its reach, and a
function that uses them fails with a message saying why. The verdict comes from the recorded answer."""
from __future__ import annotations

import pytest
import torch

from autograder.checking import checks as C
from autograder.checking.checks import CheckFailure
from autograder.checking.exercise import Learner, exercise, run_exercise
from autograder.checking.no_torch import call_without_torch

SOURCE = '''
import math
import numpy as np
import torch
from torch import broadcast_shapes

def plain(a, b):
    return tuple(max(x, y) for x, y in zip(a, b))

def with_math(a, b):
    return (math.prod(a),)

def helper(a):
    return torch.Size(a)

def uses_torch(a, b):
    return tuple(torch.broadcast_shapes(a, b))

def uses_a_torch_helper(a, b):
    return tuple(helper(a))

def imports_numpy(a, b):
    import numpy
    return (1,)

def uses_an_imported_name(a, b):
    return tuple(broadcast_shapes(a, b))

def keeps_torch_in_a_default(a, b, t=torch):
    return (1,)

alias = torch.broadcast_shapes
'''


@pytest.fixture(scope="module")
def ns() -> dict:
    ns: dict = {}
    exec(SOURCE, ns)
    return ns


@exercise("zz.no_torch")
def _no_torch(L, R, hidden):
    for a, b in [((2, 1), (1, 3)), ((4, 1), (1, 1))]:
        C.value(L.run(call_without_torch, "answer", (a, b), {}), tuple(torch.broadcast_shapes(a, b)), f"answer({a}, {b})")


def test_plain_python_runs_as_written(ns):
    assert call_without_torch(ns, "plain", ((2, 1), (1, 3)), {}) == (2, 3)
    assert call_without_torch(ns, "with_math", ((2, 3), (1,)), {}) == (6,)


@pytest.mark.parametrize("name,says", [
    ("uses_torch", "it uses `torch`, from torch"), ("uses_a_torch_helper", "it uses `torch`, from torch"),
    ("imports_numpy", "`import numpy`"), ("uses_an_imported_name", "it uses `broadcast_shapes`, from torch"),
    ("keeps_torch_in_a_default", "keeps something from torch"), ("alias", "is a function of torch"),
])
def test_reaching_for_torch_fails_and_says_why(ns, name, says):
    ns = {**ns, "answer": ns[name]}
    with pytest.raises(CheckFailure) as info:
        run_exercise("zz.no_torch", Learner(ns=ns), 1, False)
    msg = str(info.value)
    assert "to be worked out without torch or numpy" in msg and says in msg, msg


def test_the_verdict_is_decided_from_the_recorded_answer(ns):
    from autograder.grading.plan import replay
    from autograder.grading.questions import decode_question
    from exercise_harness import recorded

    plan, answers = recorded("zz.no_torch", {**ns, "answer": ns["uses_torch"]}, 1, False)
    assert decode_question(plan.questions[0])[0].endswith(":call_without_torch") and answers[0].value[0] == "TorchNotAllowed"
    with pytest.raises(CheckFailure, match="to be worked out without torch"):
        replay(plan, answers, 1)
    right = {**ns, "answer": ns["plain"]}
    run_exercise("zz.no_torch", Learner(ns=right), 1, False)  # the near miss of the failing case: it passes
    assert "torch" in ns and ns["uses_torch"]((2, 1), (1, 3)) == (2, 3)  # the learner's own namespace is untouched
