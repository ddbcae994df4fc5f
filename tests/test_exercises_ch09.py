"""Chapter 09 in-process: more typical wrong engines lose points on the step they break, and the reference
engine is the graded solution; what holds for every exercise is in test_exercises.py.
"""
from __future__ import annotations

import pytest

from autograder import CheckFailure
from autograder.grading.reference import engine
from autograder.checking.exercise import Learner, run_exercise
from autograder.tools.submissions import read, solution_answers
from conftest import solution_path
from exercise_harness import failures, namespace, wrong_answers

CH = "09_mini_autograd"


def test_the_reference_engine_passes_every_step():
    # autograder/engine.py is what chapter 10 trains on: it must be the chapter-09 solution, as graded
    ns = namespace(CH)
    ns.update({k: v for k, v in vars(engine).items() if not k.startswith("__")})  # its Tensor, GradMode, messages
    assert failures(CH, ns) == set()


WRONG = wrong_answers(CH)

# More typical wrong engines, beyond the one per cell that the nbgrader loop grades.
EXTRA = {
    "= instead of += (x * x loses half its gradient)": ("ex3_add_mul", "ch09.add_mul",
        lambda s: s.replace("self.grad += unbroadcast(", "self.grad = unbroadcast(")
                   .replace("other.grad += unbroadcast(", "other.grad = unbroadcast(")),
    "micrograd's recursive topological sort (deep graphs overflow)": ("ex6_topo", "ch09.topo", lambda s: '''
class Tensor(Tensor):
    def topological_order(self):
        order, seen = [], set()
        def build(v):
            if id(v) not in seen:
                seen.add(id(v))
                for c in v._prev:
                    build(c)
                order.append(v)
        build(self)
        return order
'''),
    "grads kept on non-leaves": ("ex7_backward", "ch09.backward",
        lambda s: s.replace("            if v._prev or not v.requires_grad:\n                v.grad = None\n", "")),
    "= instead of += for leaves (no accumulation across calls)": ("ex7_backward", "ch09.backward",
        lambda s: s.replace("if v._prev or v.grad is None:", "if True:")),
    "retain_graph ignored (the graph is never freed)": ("ex7_backward", "ch09.backward",
        lambda s: s.replace("v._backward = None", "pass")),
    "no_grad without try/finally (an error leaves grad mode off)": ("ex9_detach_no_grad", "ch09.detach_no_grad",
        lambda s: s.replace("    try:\n        yield\n    finally:\n        GradMode.enabled = previous",
                            "    yield\n    GradMode.enabled = previous")),
}


@pytest.mark.parametrize("label", sorted(EXTRA))
def test_typical_wrong_engines_lose_points_where_they_break(label):
    gid, name, edit = EXTRA[label]
    src = solution_answers(read(solution_path(CH)))[gid]
    wrong = edit(src)
    assert wrong != src, "the edit did not apply: the solution text changed"
    assert failures(CH, namespace(CH, {gid: wrong})) == {name}


def test_a_blank_step_1_fails_alone_where_possible():
    # without a Tensor class nothing that needs one can pass, but the shape-only exercises still can
    lost = failures(CH, namespace(CH, {"ex1_tensor": "raise NotImplementedError"}, broken=[]))
    assert "ch09.tensor" in lost and "ch09.predict_twice" not in lost


def test_micrograd_repeated_backward_is_a_named_case():
    # the named visible case: a micrograd-style engine gets 36 where torch gets 24, and is told so
    ns = namespace(CH, {"ex7_backward": WRONG["ex7_backward"]})
    with pytest.raises(CheckFailure, match="micrograd's repeated backward"):
        run_exercise("ch09.backward", Learner(ns=ns), 0, hidden=False)


def test_hidden_graphs_are_random_and_cover_broadcasting_and_keepdims():
    from autograder.checking.exercise import Rand
    from autograder.checking.graphs import random_graph
    ops = set()
    specs = [random_graph(Rand(s), ["add", "mul", "sum", "mean", "matmul", "rmatmul", "radd"], 6) for s in range(30)]
    for s in specs:
        ops |= {(op, len(o) > 3 and o[3]) if op in ("sum", "mean") else (op, None) for op, *o in [(x[0], *x) for x in s["ops"]]}
    shapes = {(s["leaves"][0][0].shape, s["leaves"][1][0].shape) for s in specs}
    assert any(a != b for a, b in shapes), "leaves of different (broadcasting) shapes"
    assert ("sum", True) in ops and ("sum", False) in ops
    assert len({str(s["ops"]) for s in specs}) > 25
