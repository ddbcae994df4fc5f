"""Chapter 09, mini autograd: a scalar warm-up, then the learner's numpy-backed Tensor, step by step, against torch.

Where the course's reference engine is installed (grading, a clone of the course), each engine step is tested
on :func:`autograder.checking.steps.hybrid`: the reference with only that step's methods taken from the
learner, so a mistake costs points in its own step only. Where it is not (a student's environment), the
learner's whole engine is tested, and a failure names the earliest earlier step that fails too
(:func:`climbable`; that search runs only in an interactive check, never while grading). Either way the
graphs and the questions are the same, expected values always come from the same graph run live in torch
(float64), and the hidden graphs always hold the structures that expose the typical wrong engines
(:mod:`autograder.checking.random_graphs`).
"""
from __future__ import annotations

import functools

import numpy as np
import torch

from .. import capstone as K
from .. import draw, saved_engine  # noqa: F401  (the notebook's own tools: loaded with the chapter, grading knows them as course code)
from .. import checks as C
from ..exercise import VISIBLE_SEED, Learner, Rand, exercise
from ..failure import CheckFailure, Hint
from ..graphs import describe, labels, run_torch
from ..i18n import _
from ..random_graphs import ELEMENTWISE, Graph, broadcast_pair, random_op, step_graph
from ..steps import STEPS, as_a_whole, first_failing_step, whole

RAW: dict = {}  # step -> its exercise function, without the search for an earlier failing step


def climbable(step: str):
    """Register an engine step's exercise; tested as a whole, its failure names the earliest failing earlier step."""
    def decorate(fn):
        RAW[step] = fn

        @functools.wraps(fn)
        def run(L: Learner, R: Rand, hidden: bool) -> None:
            try:
                fn(L, R, hidden)
            except CheckFailure as failure:
                if L.ns is None or L.source is not None or not whole():
                    raise
                found = first_failing_step(L.ns, step, lambda s: RAW[s](Learner(ns=L.ns), Rand(VISIBLE_SEED), False))
                if found is None:
                    raise
                earlier, why = found
                raise CheckFailure(f"ch09.{step}", _(
                    "this test runs your whole engine (the course's reference engine is not installed here), and "
                    "step `ch09.{earlier}`, which it builds on, fails too: fix that one first (run its test cell), then "
                    "run this test again.\n    this step: {mine}\n    step ch09.{earlier}: {theirs}"),
                    fields={"earlier": earlier, "mine": str(failure).splitlines()[0],
                            "theirs": str(why).splitlines()[0]}) from None
        return exercise(f"ch09.{step}")(run)
    return decorate


def engine_failures(ns: dict) -> list[tuple[str, CheckFailure]]:
    """Every engine step whose visible test fails on ``ns`` (a saved engine's module), the engine tested as a whole."""
    out = []
    with as_a_whole():
        for s in STEPS:
            try:
                RAW[s](Learner(ns=ns), Rand(VISIBLE_SEED), False)
            except CheckFailure as failure:
                out.append((s, failure))
    return out


def _spec(R: Rand, shapes: list, ops: list, grad: bool = True, rg=None, low: float = 0.5) -> dict:
    leaves = [(R.np.uniform(low, 2.0, sh), True if rg is None else rg[k]) for k, sh in enumerate(shapes)]
    spec = {"leaves": leaves, "ops": [("leaf", k) for k in range(len(shapes))] + ops}
    if grad:
        from ..graphs import build
        _, vals = build(torch, spec, torch_side=True)
        spec["grad"] = R.np.standard_normal(tuple(vals[-1].shape))
    return spec


def _graphs(L: Learner, course_fn, step: str, specs: list[dict], hint) -> None:
    got = [L.run(course_fn, step, s) for s in specs]
    for g, s in zip(got, specs):
        C.items(g, C.outcome(run_torch, s), labels(s), _("graph `{graph}`").format(graph=describe(s)), hint=hint)


# ---- the warm-up ----
def _value_spec(R: Rand) -> dict:
    g = Graph(R)
    a, b = g.leaf(np.array(R.int(-30, 30) / 10 or 0.5)), g.leaf(np.array(R.int(-30, 30) / 10 or -1.5))
    ab = g.op("mul", a, b)
    sq = g.op("mul", ab, ab)  # one Value, both inputs
    d1 = g.op("add", sq, ab)  # diamonds, both ways round
    g.op("add", a, d1)
    g.op(R.choice(["cmul", "rmul", "radd"]), d1, float(R.choice([2.0, -3.0, 0.5])))
    for _k in range(R.int(1, 3)):
        random_op(R, g, ["add", "radd", "cadd", "rmul", "cmul"])
    spec = g.spec(scalar_root=False)
    spec["grad"] = None
    return spec


VALUE_SPECS = [  # a * b; a * a; a diamond; numbers on either side
    {"leaves": [(np.array(2.0), True), (np.array(-3.0), True)], "ops": [("leaf", 0), ("leaf", 1), ("mul", 0, 1)]},
    {"leaves": [(np.array(3.0), True)], "ops": [("leaf", 0), ("mul", 0, 0)]},
    {"leaves": [(np.array(2.0), True), (np.array(-3.0), True)],
     "ops": [("leaf", 0), ("leaf", 1), ("mul", 0, 1), ("add", 2, 0), ("mul", 3, 2)]},
    {"leaves": [(np.array(1.5), True)], "ops": [("leaf", 0), ("rmul", 0, 2.0), ("cmul", 0, 3.0), ("add", 1, 2)]},
]


@exercise("ch09.value")
def value(L: Learner, R: Rand, hidden: bool) -> None:
    specs = VALUE_SPECS if not hidden else [_value_spec(R) for _k in range(6)]
    got = [L.run(K.ch09_value_graph, s) for s in specs]
    for g, s in zip(got, specs):
        names = [_("the root's .data")] + [f"n{k}.grad" for k, (op, *_a) in enumerate(s["ops"]) if op == "leaf"]
        C.items(g, C.outcome(K.value_torch, s), names, _("`{graph}`").format(graph=describe(s).replace("Tensor(", "Value(")),
                hint=Hint(_("a Value used twice gets a gradient from each use; does every _backward add (+=)? "
                            "And does backward call each node's _backward only once its .grad is complete?"),
                          _("in __mul__, each input's grad grows by the other input's data times out.grad. In backward, "
                            "list the nodes so that each comes after its inputs, seed self.grad with 1.0, then call "
                            "_backward on the list in reverse.")))


# ---- the Tensor ----
BASIC_CASES = [([1, 2, 3], False), (2.5, True), ([[1.0, 2.0], [3.0, 4.0]], True)]


@climbable("tensor")
def tensor(L: Learner, R: Rand, hidden: bool) -> None:
    rounds = [(BASIC_CASES, (2, 3), (3,))] if not hidden else []
    for _k in range(3 if hidden else 0):
        d = R.np.standard_normal(R.shape(0, 3, 4))
        d = d.astype(R.choice([np.float64, np.float32])) if R.int(0, 1) else np.round(d * 5).astype(np.int64)
        a, b = broadcast_pair(R, R.int(1, 3))
        rounds.append(([(d, bool(R.int(0, 1))), (d.tolist(), bool(R.int(0, 1)))], a, b))
    inputs = [(cases, np.ones(a) * 1.5, np.arange(np.prod(b), dtype=np.float64).reshape(b)) for cases, a, b in rounds]
    got = [L.run(K.ch09_tensor_facts, *args) for args in inputs]
    for g, (cases, A, B) in zip(got, inputs):
        names = [f"Tensor({f'<{d.dtype} array {d.shape}>' if isinstance(d, np.ndarray) else d}, requires_grad={rg}).{f}"
                 for d, rg in cases for f in ("data", "requires_grad", "is_leaf", "grad", "shape")]
        for r in ("a * b", "b * b", _("a * b under grad mode off")):
            names += [f"({r}).requires_grad", f"({r}).is_leaf", _("({r}) records its inputs in _prev").format(r=r)]
        names.append(_("a._backward() of a leaf"))
        C.items(g, C.outcome(K.tensor_facts_torch, cases, A, B),
                names, _("your Tensor, with a requiring grad ({a}) and b not ({b}); a * b built as an op builds it: "
                         "Tensor(a.data * b.data, _children=(a, b), _op=\"*\")").format(a=A.shape, b=B.shape),
                hint=Hint(_("which results require grad, and which record their inputs? Re-read the rule in bold."),
                          _("convert data to a float64 ndarray with np.asarray. A result requires grad when grad mode is "
                            "on and any child requires grad; only then does it keep its children in _prev, and only then "
                            "is it not a leaf.")))


@exercise("ch09.predict_broadcast")
def predict_broadcast(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        a = torch.ones(3, 1, requires_grad=True)
        (a + torch.arange(4.0)).sum().backward()
        C.value(L.get("predicted_a_grad"), a.grad.numpy().astype(np.float64), "predicted_a_grad",
                hint=_("how many elements of the result did each element of a feed?"))
        pairs = [((3, 1), (4,)), ((2, 3), (3,)), ((1,), (2, 5))]
    else:
        pairs = [broadcast_pair(R, R.int(1, 3))[::-1]]  # a is the broadcast one: it feeds several elements
        for _k in range(5):
            base, small = broadcast_pair(R, R.int(1, 3))
            pairs.append((small, base) if R.int(0, 1) else (base, small))
    got = [L.call("uses", a, b) for a, b in pairs]
    for g, (a, b) in zip(got, pairs):
        C.value(g, K.uses_torch(a, b), f"uses({a}, {b})",
                hint=Hint(_("a float64 array of a's shape: how many elements of the broadcast result did each element "
                            "of a feed?"), _("every element of a feeds the same number of result elements: the "
                                             "result's size divided by a's size.")))


@climbable("mul")
def mul(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        specs = [_spec(R, [(2, 3), (3,)], [("mul", 0, 1)]),
                 _spec(R, [(3, 1), (1, 4)], [("mul", 0, 1)]),
                 _spec(R, [(2, 2)], [("mul", 0, 0)]),  # x * x: one tensor, both inputs
                 _spec(R, [(4,), (2, 1)], [("cmul", 0, 2.0), ("mul", 1, 0), ("add", 2, 3), ("rmul", 4, np.ones((2, 4)))])]
    else:
        specs = [step_graph(R, "mul") for _k in range(6)]
    _graphs(L, K.ch09_by_hand, "mul", specs, Hint(
        _("this test calls each op's _backward itself, newest first, after giving every node a zero .grad. Compare "
          "your __mul__ with __add__: what does each input receive, and in which shape?"),
        _("each input's grad grows by the other input's data times out.grad, summed back to the input's own shape with "
          "unbroadcast, exactly where __add__ uses it; __rmul__ just swaps the operands back.")))


def _chain(n: int) -> dict:
    return {"leaves": [(np.array([0.5, -0.25]), True)], "ops": [("leaf", 0)] + [("cmul", k, 1.0) for k in range(n)]}


@climbable("topo")
def topo(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        specs = [_spec(R, [(3,)], [("mul", 0, 0), ("add", 1, 0), ("mul", 2, 1)]),  # diamonds: n1 and n2 both read n0
                 _spec(R, [(2,), (2,)], [("mul", 0, 1), ("add", 0, 2), ("mul", 2, 3), ("add", 4, 1)]),
                 _chain(3000)]  # deeper than Python's recursion limit
    else:  # random graphs, and one chain too deep for a recursive walk
        specs = [step_graph(R, "topo") for _k in range(5)] + [_chain(R.int(2000, 3000))]
    got = [L.run(K.ch09_topo_facts, s) for s in specs]
    for g, s in zip(got, specs):
        C.items(g, C.outcome(K.topo_facts_torch, s), list(K.TOPO_FACTS),
                _("n{root}.topological_order() of graph `{graph}`").format(root=len(s["ops"]) - 1, graph=describe(s)), hint=Hint(
                    _("every node once, and each after all of its inputs (its _prev): a post-order walk. A recursive "
                      "walk stops at Python's recursion limit on a long chain."),
                    _("keep a stack of (node, inputs_done) pairs: push (v, True), then (c, False) for each c in "
                      "v._prev; pop; a node whose inputs are done goes into the list; skip nodes already seen.")))


BACKWARD_HINT = Hint(_("compare with torch: which .grad does torch reset before a pass, which does it keep, and which "
                       "does it leave None after one?"),
                     _("zero buffers for non-leaves (and leaves whose .grad is None), keep (+=) leaves' grads, seed the "
                       "root, run _backward in reverse topological order, then set .grad back to None on non-leaves."))


def _backward_errors(R: Rand, hidden: bool) -> list:
    """(graph, backward calls, kind): calls that torch refuses, and why."""
    if not hidden:
        return [(_spec(R, [(2, 3)], [("cmul", 0, 2.0)], grad=False), [(1, None, False)], "scalar"),
                (_spec(R, [(1,)], [("mul", 0, 0), ("cmul", 1, 3.0)], grad=False), [(2, None, False), (2, None, False)], "twice"),
                (_spec(R, [(1,)], [("cmul", 0, 2.0)], grad=False, rg=[False]), [(1, None, False)], "no grad")]
    out = []
    for _k in range(3):
        g = Graph(R)
        x = g.leaf(R.np.standard_normal(R.choice([(), (1,), (1, 1)])))
        k = g.op("mul", x, x)  # a mul saves its inputs: a second pass without retain_graph must fail
        root = g.op(R.choice(["cmul", "radd"]), g.op("add", k, x), float(R.choice([2.0, -1.0])))
        spec = g.spec(scalar_root=False)
        out.append((spec, [(root, None, bool(R.int(0, 1))), (root, None, False), (root, None, False)], "twice"))
        wide = _spec(R, [R.shape(1, 3, 4) + (2,)], [("mul", 0, 0)], grad=False)  # at least 2 elements
        out.append((wide, [(1, None, False)], "scalar"))
    return out


@climbable("backward")
def backward(L: Learner, R: Rand, hidden: bool) -> None:
    micro = {"leaves": [(np.array(3.0), True)], "ops": [("leaf", 0), ("mul", 0, 0), ("rmul", 1, 2.0)], "retain": 1, "watch": (1,)}
    if not hidden:
        specs = [micro,  # micrograd's repeated backward: torch accumulates to 24, micrograd gives 36
                 {**_spec(R, [(2, 3), (3,)], [("mul", 0, 1), ("mul", 2, 2), ("add", 3, 0)]), "watch": (2, 3)},
                 {**_spec(R, [(2, 3), (3,)], [("mul", 0, 1), ("add", 2, 0)], rg=[True, False]), "watch": (2,), "retain": 1}]
    else:
        specs = []
        for i in range(5):
            s = step_graph(R, "backward")
            n = len(s["ops"])
            specs.append({**s, "retain": 1 + i % 2, "watch": tuple(sorted({R.int(2, n - 2), n - 1}))})
    errors = _backward_errors(R, hidden)
    got = [L.run(K.ch09_graph, "backward", s) for s in specs]
    got_err = [L.run(K.ch09_backward_calls, "backward", s, calls) for s, calls, _k in errors]
    for g, s in zip(got, specs):
        name = _("micrograd's repeated backward (y = x*x; z = 2*y; z.backward(retain_graph=True); z.backward())") \
            if s is micro else _("graph `{graph}`").format(graph=describe(s))
        C.items(g, C.outcome(run_torch, s), labels(s), name, hint=BACKWARD_HINT)
    for g, (s, calls, kind) in zip(got_err, errors):
        want = C.outcome(K.backward_calls_torch, s, calls)
        shown = [(f"n{n}", _("gradient") if gr is not None else None, r) for n, gr, r in calls]
        what = _("graph `{graph}`, then backward calls {calls}").format(graph=describe({**s, "grad": None}), calls=shown)
        if kind == "twice":
            C.error(g, want, what, match="retain_graph", hint=Hint(
                _("torch frees what a pass saved, unless retain_graph=True: a second pass over the same ops fails."),
                _("after a backward without retain_graph=True, set each non-leaf's _backward to None, and raise a "
                  "RuntimeError that mentions retain_graph when a pass meets one.")))
        else:
            C.error(g, want, what, hint=_("raise RuntimeError with torch's message, before touching any .grad."))


@exercise("ch09.predict_twice")
def predict_twice(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.value(L.get("predicted_grad_twice"), K.twice_torch(3.0, 2), "predicted_grad_twice",
                hint=_("what does each backward do to a leaf's .grad that already holds a number?"))
        cases = [(3.0, 2), (1.0, 1), (-2.0, 3)]
    else:
        cases = [(R.choice([-1, 1]) * R.int(1, 40) / 8, R.int(2, 6)) for _k in range(6)]
    got = [L.call("grad_after_backwards", x0, k) for x0, k in cases]
    for g, (x0, k) in zip(got, cases):
        C.value(g, K.twice_torch(x0, k), f"grad_after_backwards({x0}, {k})",
                hint=Hint(_("a float: what does each of the k passes add into the leaf's .grad?"),
                          _("each pass adds d z / d x = 4 * x0; nothing resets x.grad between them.")))


from . import _ch09_ops  # noqa: E402,F401  (registers the later steps: unary ops to detach and no_grad)
