"""Expression graphs, run the same way in a learner's engine and in torch.autograd.

A graph is plain data (a *spec*), so the trusted judge can rebuild torch's side from it:

    {"leaves": [(array, requires_grad), ...],
     "ops":    [("leaf", 0), ("leaf", 1), ("add", 0, 1), ("sum", 2, 1, True), ...],  # each appends one node
     "grad":   upstream gradient for the last node (an array) or None for a scalar root,
     "retain": backward(retain_graph=True) calls before the last one, "watch": non-leaf nodes whose .grad to read}

``run(T, spec)`` and ``run_torch(spec)`` return the same tuple: the root's forward data, then every leaf's
``.grad`` (None where torch leaves it None), then the watched nodes' ``.grad``. ``run_by_hand`` is the
backward pass of the chapter's warm-up, done by the course before the learner has a ``backward``.

The chapter-09 steps (:mod:`autograder.checking.steps`) and the hidden tests' random graphs
(:mod:`autograder.checking.random_graphs`) build on this module.
"""
from __future__ import annotations

import importlib
import types
from typing import Any

import numpy as np
import torch

_REFERENCE: list = []  # the reference engine module (or None), once looked up


def reference_engine() -> types.ModuleType | None:
    """The course's chapter-09 reference engine, or None where it is not installed (a student's environment).

    The one way the checking library reaches it: grading (the sandbox and the judge) has it, a student's
    environment does not, and nothing in ``autograder.checking`` imports ``autograder.grading`` at module level."""
    if not _REFERENCE:
        try:
            _REFERENCE.append(importlib.import_module("autograder.grading.reference.engine"))
        except ImportError:
            _REFERENCE.append(None)
    return _REFERENCE[0]


BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
          "div": lambda a, b: a / b, "matmul": lambda a, b: a @ b}
WITH_CONST = {"cadd": lambda a, c: a + c, "radd": lambda a, c: c + a, "cmul": lambda a, c: a * c,
              "rmul": lambda a, c: c * a, "csub": lambda a, c: a - c, "rsub": lambda a, c: c - a,
              "cdiv": lambda a, c: a / c, "rdiv": lambda a, c: c / a, "rmatmul": lambda a, c: c @ a}
SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "matmul": "@"}


def inputs(op: tuple) -> tuple[int, ...]:
    """The node indices an op reads (a leaf op reads none)."""
    name, *args = op
    if name == "leaf":
        return ()
    return (args[0], args[1]) if name in BINARY else (args[0],)


def _apply(torch_side: bool, op: str, vals: list, args: tuple) -> Any:
    a = vals[args[0]]
    if op in BINARY:
        return BINARY[op](a, vals[args[1]])
    if op in WITH_CONST:
        c = args[1]
        c = torch.from_numpy(c.copy()) if torch_side and isinstance(c, np.ndarray) else (c.copy() if isinstance(c, np.ndarray) else c)
        return WITH_CONST[op](a, c)
    if op == "neg":
        return -a
    if op == "pow":
        return a ** args[1]
    if op in ("exp", "log", "tanh"):
        return getattr(a, op)()
    if op == "relu":
        return torch.relu(a) if torch_side else a.relu()
    if op == "T":
        return a.permute(tuple(reversed(range(a.ndim)))) if torch_side else a.T
    if op in ("sum", "mean"):
        axis, keep = args[1], args[2]
        if not torch_side:
            return getattr(a, op)(axis=axis, keepdims=keep)
        if axis is None:
            r = getattr(a, op)()
            return r.reshape([1] * a.ndim) if keep else r
        return getattr(a, op)(dim=axis, keepdim=keep)
    if op == "reshape":
        return a.reshape(*args[1])
    raise ValueError(f"unknown op {op}")


def build(T: Any, spec: dict, torch_side: bool = False) -> tuple[list, list]:
    """The leaves and every node of the graph, built with tensor type T (torch or an engine's Tensor)."""
    if torch_side:
        leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=rg) for a, rg in spec["leaves"]]
    else:
        leaves = [T(np.array(a, dtype=np.float64), requires_grad=rg) for a, rg in spec["leaves"]]
    vals: list = []
    for op, *args in spec["ops"]:
        vals.append(leaves[args[0]] if op == "leaf" else _apply(torch_side, op, vals, tuple(args)))
    return leaves, vals


def _grad_of(t: Any, torch_side: bool) -> Any:
    g = t.grad
    return None if g is None else (g.detach().numpy().copy() if torch_side else g)


def _upstream(spec: dict, torch_side: bool) -> Any:
    g = spec.get("grad")  # a fresh copy per call: torch may adopt the very tensor as a leaf's .grad and add into it
    return None if g is None else (torch.from_numpy(g.copy()) if torch_side else g.copy())


def run(T: Any, spec: dict, torch_side: bool = False) -> tuple:
    """Forward, then backward from the root (``retain`` extra calls first, with retain_graph=True)."""
    leaves, vals = build(T, spec, torch_side)
    root = vals[-1]
    for _ in range(spec.get("retain", 0)):
        root.backward(_upstream(spec, torch_side), retain_graph=True)
    root.backward(_upstream(spec, torch_side))
    data = root.detach().numpy().copy() if torch_side else root.data
    watched = tuple(_grad_of(vals[i], torch_side) for i in spec.get("watch", ()))
    return (data, *(_grad_of(leaf, torch_side) for leaf in leaves), *watched)


def run_torch(spec: dict) -> tuple:
    return run(torch, spec, torch_side=True)


def run_by_hand(T: Any, spec: dict) -> tuple:
    """``run`` without the engine's ``backward``, the way the warm-up backpropagates by hand: a zero ``.grad``
    buffer on every node and on every input it records, the upstream gradient on the root, then each op's
    ``_backward``, newest op first (the spec builds every node after its inputs, so that order is safe)."""
    leaves, vals = build(T, spec)
    nodes = list({id(v): v for v in vals}.values())
    for v in nodes:
        for u in (v, *v._prev):
            u.grad = np.zeros_like(u.data)
    root = vals[-1]
    root.grad = root.grad + (np.ones_like(root.data) if spec.get("grad") is None else spec["grad"])
    for v in reversed(nodes):
        if v._prev:
            v._backward()
    return (root.data, *(leaf.grad if leaf.requires_grad else None for leaf in leaves))


def labels(spec: dict) -> list[str]:
    root = len(spec["ops"]) - 1
    leaf_node = {args[0]: k for k, (op, *args) in enumerate(spec["ops"]) if op == "leaf"}
    names = [f"n{leaf_node.get(i, '?')}.grad (leaf{i})" for i in range(len(spec["leaves"]))]
    return [f"n{root} (forward value)"] + names + [f"n{i}.grad (not a leaf)" for i in spec.get("watch", ())]


def _statement(spec: dict, k: int, op: str, args: list) -> str:
    if op == "leaf":
        a, rg = spec["leaves"][args[0]]
        what = f"<{tuple(np.shape(a))} array>" if np.ndim(a) else repr(float(a))
        return f"n{k} = Tensor({what}{', requires_grad=True' if rg else ''})"
    if op in BINARY:
        return f"n{k} = n{args[0]} {SYMBOL[op]} n{args[1]}"
    if op in WITH_CONST:
        c = args[1]
        cs = f"<{c.shape} array>" if isinstance(c, np.ndarray) else repr(c)
        sym = SYMBOL[op[1:]]
        return f"n{k} = " + (f"n{args[0]} {sym} {cs}" if op[0] == "c" else f"{cs} {sym} n{args[0]}")
    rhs = {"neg": lambda: f"-n{args[0]}", "pow": lambda: f"n{args[0]} ** {args[1]}", "T": lambda: f"n{args[0]}.T",
           "sum": lambda: f"n{args[0]}.sum(axis={args[1]}, keepdims={args[2]})",
           "mean": lambda: f"n{args[0]}.mean(axis={args[1]}, keepdims={args[2]})",
           "reshape": lambda: f"n{args[0]}.reshape{tuple(args[1])}"}.get(op, lambda: f"n{args[0]}.{op}()")()
    return f"n{k} = {rhs}"


def describe(spec: dict, longest: int = 14) -> str:
    """The graph as code, for failure messages: `n2 = n0 + n1; ...` (a long chain is shortened in the middle)."""
    lines = [_statement(spec, k, op, args) for k, (op, *args) in enumerate(spec["ops"])]
    if len(lines) > longest:
        lines = lines[:longest - 4] + [f"... ({len(lines) - longest + 1} more ops like these)"] + lines[-3:]
    g = spec.get("grad")
    call = "backward()" if g is None else f"backward(<{np.shape(g)} array>)"
    retain = f"  # after {spec['retain']} backward(retain_graph=True)" if spec.get("retain") else ""
    lines.append(f"n{len(spec['ops']) - 1}.{call}{retain}")
    return "; ".join(lines)
