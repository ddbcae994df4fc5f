"""Chapter 09 in-process: more typical wrong engines lose points on the step they break; the engine tested as a
whole (a student's environment) passes the solution, fails each wrong step and names the step to fix first;
the reference engine is the graded solution; the hidden graphs hold the structures that expose wrong engines;
``gradcheck`` catches wrong ops. What holds for every exercise is in test_exercises.py.
"""
from __future__ import annotations

import numpy as np
import pytest

from autograder import CheckFailure
from autograder.checking import random_graphs
from autograder.checking.exercise import Learner, Rand, run_exercise
from autograder.checking.exercises.ch09_mini_autograd import engine_failures
from autograder.checking.graphs import inputs
from autograder.checking.steps import STEPS, as_a_whole
from autograder.grading.reference import engine
from autograder.tools.submissions import answer_ids, read, solution_answers
from conftest import solution_path
from exercise_harness import exercise_name, failures, namespace, near_miss_tests, passes, wrong_answers

CH = "09_mini_autograd"
WRONG = wrong_answers(CH)
GIDS = answer_ids(read(solution_path(CH)))
ENGINE_STEPS = [g for g in GIDS if exercise_name(CH, g).split(".")[1] in STEPS]


def test_the_reference_engine_passes_every_step():
    # the grader's per-step checks build on it: it must be the chapter-09 solution, as graded, step by step and whole
    ns = namespace(CH)
    ns.update({k: v for k, v in vars(engine).items() if not k.startswith("__")})  # its Tensor, GradMode, no_grad
    assert failures(CH, ns) == set()
    assert engine_failures(vars(engine)) == []


# More typical wrong engines, beyond the one per cell that the nbgrader loop grades.
EXTRA = {
    "Value.backward in pre-order (a node passes its gradient on before it is complete)": ("ex1_value", lambda s: s[:s.index("    def backward")] + '''    def backward(self):
        self.grad = 1.0
        stack, seen = [self], set()
        while stack:
            v = stack.pop()
            if id(v) not in seen:
                seen.add(id(v))
                v._backward()
                stack.extend(v._prev)
'''),
    "= instead of += (x * x loses half its gradient)": ("ex4_mul",
        lambda s: s.replace("self.grad += unbroadcast(", "self.grad = unbroadcast(").replace("other.grad += unbroadcast(", "other.grad = unbroadcast(")),
    "each input's own data as its local derivative": ("ex4_mul",
        lambda s: s.replace("unbroadcast(other.data * out.grad", "unbroadcast(self.data * out.grad", 1)),
    "micrograd's recursive topological sort (deep graphs overflow)": ("ex5_topo", lambda s: '''
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
    "grads kept on non-leaves": ("ex6_backward",
        lambda s: s.replace("            if v._prev or not v.requires_grad:\n                v.grad = None\n", "")),
    "= instead of += for leaves (no accumulation across calls)": ("ex6_backward",
        lambda s: s.replace("if v._prev or v.grad is None:", "if True:")),
    "retain_graph ignored (the graph is never freed)": ("ex6_backward", lambda s: s.replace("v._backward = None", "pass")),
    "log's derivative as 1 / out.data": ("ex8_unary", lambda s: s.replace("out.grad / self.data", "out.grad / out.data")),
    "mean divided the wrong way round": ("ex10_sum_mean",
        lambda s: s.replace("s * (s.data.size / self.data.size)", "s * (self.data.size / s.data.size)")),
    "reshape's gradient left in the output's shape": ("ex11_shapes",
        lambda s: s.replace("out.grad.reshape(self.shape)", "out.grad")),
    "matmul without unbroadcast (a matrix shared by a batch)": ("ex12_matmul",
        lambda s: s.replace("unbroadcast(np.swapaxes(self.data, -1, -2) @ out.grad, other.shape)", "np.swapaxes(self.data, -1, -2) @ out.grad")),
    "no_grad without try/finally (an error leaves grad mode off)": ("ex13_detach_no_grad",
        lambda s: s.replace("    try:\n        yield\n    finally:\n        GradMode.enabled = previous",
                            "    yield\n    GradMode.enabled = previous")),
}


@pytest.mark.parametrize("label", sorted(EXTRA))
def test_typical_wrong_engines_lose_points_where_they_break(label):
    gid, edit = EXTRA[label]
    src = solution_answers(read(solution_path(CH)))[gid]
    wrong = edit(src)
    assert wrong != src, "the edit did not apply: the solution text changed"
    ns, name = namespace(CH, {gid: wrong}), exercise_name(CH, gid)
    assert failures(CH, ns) == {name}
    missed = [s for s in range(1, 11) if passes(name, ns, s, hidden=True)]
    assert not missed, f"{label}: the hidden tests miss it on seeds {missed}"


def test_a_blank_tensor_class_costs_its_own_step_only():
    # graded step by step, every other step takes the reference's __init__: nothing cascades
    from exercise_harness import released_stubs
    assert failures(CH, namespace(CH, {"ex2_tensor": released_stubs(CH)["ex2_tensor"]})) == {"ch09.tensor"}


def test_micrograd_repeated_backward_is_a_named_case():
    # the named visible case: a micrograd-style engine gets 36 where torch gets 24, and is told so
    ns = namespace(CH, {"ex6_backward": WRONG["ex6_backward"]})
    with pytest.raises(CheckFailure, match="micrograd's repeated backward"):
        run_exercise("ch09.backward", Learner(ns=ns), 0, hidden=False)


# ---- the engine tested as a whole: what a student's environment (no reference engine) runs ----
def test_as_a_whole_the_solution_passes_every_step():
    with as_a_whole():
        ns = namespace(CH)
        failing = [(g, s) for g in GIDS for hidden, s in ((False, 0), (True, 1), (True, 2))
                   if not passes(exercise_name(CH, g), ns, s, hidden)]
    assert not failing


@pytest.mark.parametrize("gid", ENGINE_STEPS)
def test_as_a_whole_a_wrong_step_fails_and_later_failures_name_it(gid):
    name = exercise_name(CH, gid)
    with as_a_whole():
        ns = namespace(CH, {gid: WRONG[gid]})
        assert not passes(name, ns, 0, hidden=False), f"{gid}: the wrong step passes when the engine is tested whole"
        for later in GIDS[GIDS.index(gid) + 1:]:
            try:
                run_exercise(exercise_name(CH, later), Learner(ns=ns), 0, hidden=False)
            except CheckFailure as failure:  # a cascade: it must send the learner to the earliest failing step
                assert f"step `{name}`" in str(failure) or exercise_name(CH, later) == name, str(failure)[:400]


def test_a_cascade_message_names_the_step_to_fix_first():
    with as_a_whole():
        ns = namespace(CH, {"ex4_mul": WRONG["ex4_mul"]})
        with pytest.raises(CheckFailure) as failure:
            run_exercise("ch09.unary", Learner(ns=ns), 0, hidden=False)
    assert "step `ch09.mul`" in str(failure.value) and "fix that one first" in str(failure.value)
    with pytest.raises(CheckFailure) as graded:  # step by step (grading) there is no cascade to explain
        run_exercise("ch09.mul", Learner(ns=ns), 0, hidden=False)
    assert "fix that one first" not in str(graded.value)


# ---- the hidden graphs ----
def _structures(spec: dict) -> set[str]:
    ops, leaves = spec["ops"], spec["leaves"]
    shape = {k: np.shape(leaves[op[1]][0]) for k, op in enumerate(ops) if op[0] == "leaf"}
    found = set()
    readers: dict[int, list[int]] = {}
    for k, op in enumerate(ops):
        for j in inputs(op):
            readers.setdefault(j, []).append(k)
        if op[0] in ("add", "mul") and op[1] == op[2]:
            found.add("one node twice in an op")
        if op[0] == "mul" and op[1] in shape and op[2] in shape and shape[op[1]] != shape[op[2]]:
            found.add("a broadcast input")
        if op[0] in ("sum", "mean") and op[3] is False and isinstance(op[2], int) and op[2] not in (0, -3):
            found.add("a reduction without keepdims over a later axis")
    for k, op in enumerate(ops):  # m = f(n, a) where n was computed from a: a diamond, with the later node first or second
        if op[0] == "add" and len(inputs(op)) == 2:
            a, b = inputs(op)
            if a in _ancestors(ops, b):
                found.add("a diamond, earlier node first")
            if b in _ancestors(ops, a):
                found.add("a diamond, later node first")
    root = len(ops) - 1
    if all(j in _ancestors(ops, root) for j in range(root)):
        found.add("every node reaches the root")
    return found


def _ancestors(ops: list, k: int) -> set[int]:
    out, todo = set(), list(inputs(ops[k]))
    while todo:
        j = todo.pop()
        if j not in out:
            out.add(j)
            todo += inputs(ops[j])
    return out


ALWAYS = {"a broadcast input", "one node twice in an op", "a diamond, earlier node first", "a diamond, later node first",
          "every node reaches the root"}


@pytest.mark.parametrize("step", list(random_graphs.STEP_OPS))
def test_every_hidden_graph_holds_the_structures_that_expose_wrong_engines(step):
    want = ALWAYS | ({"a reduction without keepdims over a later axis"} if step == "sum_mean" else set())
    for seed in range(200):
        spec = random_graphs.step_graph(Rand(seed), step)
        assert want <= _structures(spec), f"{step}, seed {seed}: missing {want - _structures(spec)}"
    assert len({str(random_graphs.step_graph(Rand(s), step)["ops"]) for s in range(30)}) > 25, "the draws vary"


def test_the_structure_finder_sees_a_graph_without_them():
    # the near-miss: a plain chain has none of the structures, and the finder says so
    chain = {"leaves": [(np.ones(3), True)], "ops": [("leaf", 0), ("exp", 0), ("tanh", 1), ("sum", 2, None, False)]}
    assert _structures(chain) == {"every node reaches the root"}


# ---- gradcheck, the learner's own tool ----
def with_gradcheck(ns: dict) -> dict:
    """ns with the notebook's gradcheck defined in it (the cell's definition, without its demo)."""
    src = next(c.source for c in read(solution_path(CH)).cells if c.source.startswith("def gradcheck("))
    exec(src.split("\n\n\nx = ")[0], ns)
    return ns


def test_gradcheck_passes_the_solution_and_catches_each_wrong_op(capsys):
    cases = {"ex4_mul": lambda x, w: x * w, "ex8_unary": lambda x, w: (x * w).tanh(), "ex9_arith": lambda x, w: x ** 3 / w,
             "ex10_sum_mean": lambda x, w: x.sum(axis=1) * w.sum(), "ex11_shapes": lambda x, w: x.T * x.T * w.reshape(3, 1),
             "ex12_matmul": lambda x, w: x.reshape(2, 1, 3) @ w.reshape(3, 1)}
    X, W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]), np.array([0.5, 1.5, 2.0])
    for gid, f in cases.items():
        for ns, right in ((with_gradcheck(namespace(CH)), True), (with_gradcheck(namespace(CH, {gid: WRONG[gid]})), False)):
            T = ns["Tensor"]
            try:
                ok = ns["gradcheck"](f, T(X.copy(), requires_grad=True), T(W.copy(), requires_grad=True))
            except Exception:
                ok = False  # a wrong op that crashes is caught too
            assert ok == right, f"gradcheck {'fails the solution' if right else 'passes the typical wrong answer'} of {gid}"
    capsys.readouterr()


def test_hint_texts_survive_the_copies_grading_makes():
    # chapter 09's hints are _() texts; the judge's verdicts are deep-copied into each notebook's result file
    import copy
    import pickle

    from autograder.checking.i18n import _
    text = _("fix step `{step}` first")
    for twin in (copy.deepcopy(text), pickle.loads(pickle.dumps(text))):
        assert twin == text and twin.msgid == text.msgid


# ---- near misses of the steps the wrong engines above do not edit ----
SOL = solution_answers(read(solution_path(CH)))
NEAR_MISSES = {
    "results record their inputs whether or not one requires grad": ("ex2_tensor", SOL["ex2_tensor"].replace(
        "record = GradMode.enabled and any(c.requires_grad for c in _children)", "record = GradMode.enabled and bool(_children)")),
    "grad mode ignored": ("ex2_tensor", SOL["ex2_tensor"].replace(
        "record = GradMode.enabled and any(", "record = any(")),
    "a's size over the result's size (upside down)": ("ex3_predict_broadcast", SOL["ex3_predict_broadcast"].replace(
        "out_size / np.prod(a_shape)", "np.prod(a_shape) / out_size")),
    "only the last pass counted": ("ex7_predict_twice", SOL["ex7_predict_twice"].replace("4.0 * x0 * k", "4.0 * x0")),
    "the power rule without out.grad (no chain rule)": ("ex9_arith", SOL["ex9_arith"].replace(
        "k * self.data ** (k - 1) * out.grad", "k * self.data ** (k - 1)")),
    "division upside down": ("ex9_arith", SOL["ex9_arith"].replace(
        "return self * (other if isinstance(other, Tensor) else Tensor(other)) ** -1",
        "return (other if isinstance(other, Tensor) else Tensor(other)) * self ** -1")),
}
ALSO_RIGHT = {
    "is_leaf from _prev, written as a length": ("ex2_tensor", SOL["ex2_tensor"].replace(
        "self.is_leaf = not self._prev", "self.is_leaf = len(self._prev) == 0")),
    "the number of uses as the broadcast shape's size over a's": ("ex3_predict_broadcast", SOL["ex3_predict_broadcast"].replace(
        "return np.full(a_shape, out_size / np.prod(a_shape))",
        "return np.zeros(a_shape) + np.ones(np.broadcast_shapes(a_shape, b_shape)).sum() / np.ones(a_shape).sum()")),
}
test_near_misses_fail_everywhere, test_other_right_answers_pass = near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)
