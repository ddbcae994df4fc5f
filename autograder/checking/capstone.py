"""Chapter 09's course functions: what ``L.run`` runs in the learner's process, and torch's side of each.

Each ``ch09_*`` step builds the graph or the facts it asks about with the Tensor class
:func:`autograder.checking.steps.engine_class` picks (one step on top of the reference, or the learner's
whole engine) and returns plain data; the exercises in :mod:`autograder.checking.exercises.ch09_mini_autograd`
compare it with the same computation in torch, done here by the ``*_torch`` functions.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .exercise import _Missing, step
from .graphs import _apply, build, inputs, run, run_by_hand
from .i18n import _
from .steps import engine_class, grad_mode, with_grad_mode_restored


# ---- the warm-up: a scalar Value ----
def _value_graph(V: Any, spec: dict, torch_side: bool = False) -> tuple:
    make = (lambda a: torch.tensor(float(a), dtype=torch.float64, requires_grad=True)) if torch_side else (lambda a: V(float(a)))
    leaves = [make(a) for a, _ in spec["leaves"]]
    vals: list = []
    for op, *args in spec["ops"]:
        vals.append(leaves[args[0]] if op == "leaf" else _apply(torch_side, op, vals, tuple(args)))
    vals[-1].backward()
    if torch_side:
        return (vals[-1].item(), *(0.0 if x.grad is None else x.grad.item() for x in leaves))
    return (vals[-1].data, *(x.grad for x in leaves))


@step
def ch09_value_graph(ns: dict, spec: dict) -> Any:
    return _Missing("Value") if "Value" not in ns else _value_graph(ns["Value"], spec)


def value_torch(spec: dict) -> tuple:
    return _value_graph(None, spec, torch_side=True)


# ---- the Tensor and its bookkeeping ----
def _tensor_facts(T: Any, cases: list, A: np.ndarray, B: np.ndarray, mode: Any, torch_side: bool = False) -> tuple:
    if torch_side:
        def make(d, rg=False):
            return torch.tensor(d, dtype=torch.float64, requires_grad=rg)

        def data(t):
            return t.detach().numpy()

        def times(x, y):
            return x * y

        def recorded(t):
            return t.grad_fn is not None
    else:
        def make(d, rg=False):
            return T(d, requires_grad=rg)

        def data(t):
            return t.data

        def times(x, y):  # what an op does: its result, with both inputs as children
            return T(x.data * y.data, _children=(x, y), _op="*")

        def recorded(t):
            return bool(t._prev)
    out: list = []
    for d, rg in cases:
        t = make(d, rg)
        out += [data(t), t.requires_grad, t.is_leaf, t.grad, tuple(t.shape)]
    a, b = make(A, True), make(B)
    for x, y in ((a, b), (b, b)):
        r = times(x, y)
        out += [r.requires_grad, r.is_leaf, recorded(r)]
    if torch_side:
        with torch.no_grad():
            r = times(a, b)
    else:
        mode.enabled = False
        r = times(a, b)
        mode.enabled = True
    out += [r.requires_grad, r.is_leaf, recorded(r)]
    out.append(None if torch_side else a._backward())  # a leaf's _backward runs, and does nothing
    return tuple(out)


@step
def ch09_tensor_facts(ns: dict, cases: list, A: np.ndarray, B: np.ndarray) -> tuple:
    T = engine_class(ns, "tensor")
    return with_grad_mode_restored(ns, _tensor_facts, T, cases, A, B, grad_mode(ns))


def tensor_facts_torch(cases: list, A: np.ndarray, B: np.ndarray) -> tuple:
    return _tensor_facts(None, cases, A, B, None, torch_side=True)


# ---- graphs through the learner's engine ----
@step
def ch09_by_hand(ns: dict, step_name: str, spec: dict) -> tuple:
    """A graph backpropagated by the course, op by op (before the learner's engine has a backward)."""
    return with_grad_mode_restored(ns, run_by_hand, engine_class(ns, step_name), spec)


@step
def ch09_graph(ns: dict, step_name: str, spec: dict) -> tuple:
    return with_grad_mode_restored(ns, run, engine_class(ns, step_name), spec)


def _calls(T: Any, spec: dict, calls: list, torch_side: bool = False) -> None:
    _, vals = build(T, spec, torch_side)
    for node, grad, retain in calls:
        g = None if grad is None else (torch.from_numpy(grad.copy()) if torch_side else grad.copy())
        vals[node].backward(g, retain_graph=retain)


@step
def ch09_backward_calls(ns: dict, step_name: str, spec: dict, calls: list) -> None:
    """Backward calls that torch refuses; the learner's engine must raise the same error."""
    return with_grad_mode_restored(ns, _calls, engine_class(ns, step_name), spec, calls)


def backward_calls_torch(spec: dict, calls: list) -> None:
    return _calls(torch, spec, calls, torch_side=True)


# ---- a topological order, judged by what makes one ----
TOPO_FACTS = (_("graph nodes listed"), _("a node listed twice"), _("a node listed before one of its inputs"),
              _("a node missing"), _("the last node listed"))


def _order_facts(spec: dict, vals: list, order: Any) -> tuple:
    """What makes a topological order, as facts: how many graph nodes it lists; the first node listed twice, listed
    before one of its inputs, or missing ("none" when there is none); and whether the root comes last."""
    first: dict[int, int] = {}
    for k, v in enumerate(vals):
        first.setdefault(id(v), k)
    where: dict[int, int] = {}
    twice = "none"
    for pos, v in enumerate(order):
        k = first.get(id(v))
        if k is None:
            continue  # a constant an op made: not part of the spec, free to appear
        if k in where and twice == "none":
            twice = f"n{k}"
        where.setdefault(k, pos)
    early, missing = "none", "none"
    for k, op in enumerate(spec["ops"]):
        if first[id(vals[k])] != k:
            continue  # the same leaf named twice: judged at its first name
        if k not in where:
            missing = missing if missing != "none" else f"n{k}"
            continue
        late = [j for j in inputs(op) if where.get(first[id(vals[j])], -1) > where[k]]
        if late and early == "none":
            early = f"n{k}, before its input n{late[0]}"
    last = "the root" if len(order) and order[-1] is vals[-1] else "not the root"
    return len(where), twice, early, missing, last


@step
def ch09_topo_facts(ns: dict, spec: dict) -> tuple:
    _, vals = build(engine_class(ns, "topo"), spec)
    return _order_facts(spec, vals, list(vals[-1].topological_order()))


def topo_facts_torch(spec: dict) -> tuple:
    """What a topological order of this graph gives: every node once, none early, none missing, the root last."""
    return len({id(v) for v in build(torch, spec, torch_side=True)[1]}), "none", "none", "none", "the root"


# ---- detach and no_grad ----
def _detach_no_grad(T: Any, X: np.ndarray, no_grad: Any, torch_side: bool = False) -> tuple:
    x = torch.tensor(X, requires_grad=True) if torch_side else T(X.copy(), requires_grad=True)
    data = (lambda t: t.detach().numpy()) if torch_side else (lambda t: t.data)
    d = x.detach()
    y = x * x
    yd = y.detach()
    out = [data(x), data(d), d.requires_grad, d.is_leaf, d.grad, data(y), data(yd), yd.requires_grad]
    (d * x).sum().backward()  # d is a constant here: x.grad is d, not 2x
    out.append(x.grad.numpy() if torch_side else x.grad)
    with no_grad():
        w = x * 2.0
        with no_grad():
            pass
        v = x * 2.0  # still inside the outer block after the inner one closed
    u = x * 2.0
    out += [w.requires_grad, w.is_leaf, v.requires_grad, u.requires_grad, u.is_leaf]
    try:
        with no_grad():
            raise KeyError("an error inside the block")
    except KeyError:
        pass
    out.append((x * 2.0).requires_grad)  # grad mode is back on after the error
    return tuple(out)


@step(parts=15)
def ch09_detach_no_grad(ns: dict, X: np.ndarray) -> Any:
    T = engine_class(ns, "detach_no_grad")
    if "no_grad" not in ns:
        return _Missing("no_grad")
    return with_grad_mode_restored(ns, _detach_no_grad, T, X, ns["no_grad"])


def detach_no_grad_torch(X: np.ndarray) -> tuple:
    return _detach_no_grad(None, X, torch.no_grad, torch_side=True)


# ---- the predictions' torch side ----
def uses_torch(a_shape: tuple, b_shape: tuple) -> np.ndarray:
    a = torch.zeros(a_shape, dtype=torch.float64, requires_grad=True)
    (a + torch.zeros(b_shape, dtype=torch.float64)).sum().backward()
    return a.grad.numpy()


def twice_torch(x0: float, k: int) -> float:
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    z = 2 * (x * x)
    for i in range(k):
        z.backward(retain_graph=i < k - 1)
    return x.grad.item()
