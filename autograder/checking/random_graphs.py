"""The hidden tests' random graphs for chapter 09, one generator per step, each built around a fixed *core*.

The core holds the structures that expose each typical wrong engine, so a wrong engine fails on every draw,
not on the lucky ones:

* **a broadcast input**: leaf ``w`` has leaf ``x``'s shape with dimensions dropped or set to 1, and meets ``x``;
* **a node used twice**: ``n * n`` (one tensor as both inputs of an op), and nodes read by two ops;
* **diamonds, both ways round**: ``m = n + a`` and ``m = a + n`` where ``n`` is computed from ``a``;
* from the reductions on, **a reduction without keepdims** over a middle axis of a 3-D node (every size >= 2),
  one over the last axis, and one with ``keepdims=True``; the shapes and matmul steps transpose,
  reshape and multiply non-square and batched nodes.

Random ops (only ops of this step and the steps before it, so the learner's engine has them all when it
is tested as a whole) follow the core, then every node no op used is folded into the root, so the whole
graph reaches the backward pass. The upstream gradient is random, never all ones.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .graphs import BINARY, _apply, inputs

ELEMENTWISE = ["add", "mul", "cadd", "radd", "cmul", "rmul"]
STEP_OPS = {"mul": ELEMENTWISE, "topo": ELEMENTWISE, "backward": ELEMENTWISE}
STEP_OPS["unary"] = ELEMENTWISE + ["exp", "tanh", "relu", "log"]
STEP_OPS["arith"] = STEP_OPS["unary"] + ["neg", "sub", "csub", "rsub", "div", "cdiv", "rdiv", "pow"]
STEP_OPS["sum_mean"] = STEP_OPS["arith"] + ["sum", "mean"]
STEP_OPS["shapes"] = STEP_OPS["sum_mean"] + ["reshape", "T"]
STEP_OPS["matmul"] = STEP_OPS["shapes"] + ["matmul", "rmatmul"]
REDUCES = ("sum_mean", "shapes", "matmul")  # steps whose engine can fold nodes of any shape into a scalar root


class Graph:
    """A spec under construction; every node's value is computed as it is added (torch, float64, no grad),
    so shapes, signs and sizes are known when the next op is drawn."""

    def __init__(self, R: Any):
        self.R, self.leaves, self.ops, self.vals, self.used = R, [], [], [], set()

    def leaf(self, array: np.ndarray, requires_grad: bool = True) -> int:
        self.leaves.append((np.asarray(array, dtype=np.float64), requires_grad))
        return self._add(("leaf", len(self.leaves) - 1), torch.tensor(self.leaves[-1][0]))

    def op(self, name: str, *args: Any) -> int:
        return self._add((name, *args), _apply(True, name, self.vals, args))

    def _add(self, op: tuple, value: torch.Tensor) -> int:
        self.ops.append(op)
        self.vals.append(value)
        self.used.update(inputs(op))
        return len(self.ops) - 1

    def shape(self, k: int) -> tuple:
        return tuple(self.vals[k].shape)

    def positive(self, k: int) -> bool:
        return bool((self.vals[k] > 0).all())

    def small(self, k: int, bound: float = 4.0) -> bool:
        return bool((self.vals[k].abs() <= bound).all())

    def spec(self, scalar_root: bool) -> dict:
        """Fold every unused node into the root (summed to a scalar first when the step has ``sum``)."""
        sinks = [k for k in range(len(self.ops)) if k not in self.used and self.ops[k][0] != "leaf"]
        if scalar_root:
            sinks = [self.op("sum", k, None, False) for k in sinks]
        root = sinks[0]
        for k in sinks[1:]:
            root = self.op("add", root, k)
        return {"leaves": self.leaves, "ops": self.ops, "grad": self.R.np.standard_normal(self.shape(root))}


def broadcast_pair(R: Any, dims: int, low: int = 1) -> tuple[tuple, tuple]:
    """x's shape (first size >= 2) and w's: x's with some leading dims dropped and sizes set to 1, never equal."""
    base = tuple(R.int(max(2, low), 4) if k == 0 else R.int(low, 4) for k in range(dims))
    drop = R.int(0, dims - 1)
    tail = [1 if R.int(0, 2) == 0 else n for n in base[drop:]]
    if drop == 0 and all(t == n for t, n in zip(tail, base)):
        tail[0] = 1
    return base, tuple(tail)


def core(R: Any, dims: int, low: int = 1) -> tuple[Graph, dict]:
    """x * w with w broadcast; n * n; a diamond each way round. Returns the graph and its named nodes."""
    g = Graph(R)
    xs, ws = broadcast_pair(R, dims, low)
    x = g.leaf(R.np.standard_normal(xs))
    w = g.leaf(R.np.uniform(0.5, 2.0, ws))
    n = {"x": x, "w": w}
    n["xw"] = g.op("mul", x, w)  # w is broadcast: its gradient must be summed back to its shape
    n["sq"] = g.op("mul", n["xw"], n["xw"])  # one node, both inputs
    n["d1"] = g.op("add", n["sq"], n["xw"])  # diamond: xw -> sq -> d1 and xw -> d1, the later node first
    n["d2"] = g.op("add", x, n["d1"])  # and one with the earlier node first
    if R.int(0, 1):
        g.op(R.choice(["radd", "rmul"]), n["d2"], float(R.choice([2.0, -1.5, 0.5])))
    return g, n


def _const(R: Any, g: Graph, k: int, positive: bool) -> Any:
    if R.int(0, 1):
        return float(R.choice([0.5, 1.5, 2.0, 3.0]) if positive else R.choice([0.5, 2.0, -1.0, 3.0]))
    shape = g.shape(k)
    tail = tuple(1 if R.int(0, 2) == 0 else s for s in shape[R.int(0, len(shape)):]) if shape else ()
    return np.asarray(R.np.uniform(0.5, 2.0, tail) if positive else R.np.standard_normal(tail))


def _broadcasts(a: tuple, b: tuple) -> bool:
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


def random_op(R: Any, g: Graph, ops: list[str]) -> None:
    """One op drawn from ``ops`` over the nodes so far, keeping values finite and inputs in each op's domain."""
    name, k = R.choice(ops), R.int(0, len(g.ops) - 1)
    small = [j for j in range(len(g.ops)) if g.small(j)] or [0]
    if name in BINARY and name != "matmul":
        ok = [j for j in range(len(g.ops)) if _broadcasts(g.shape(j), g.shape(k)) and (name != "div" or g.positive(j))
              and (name not in ("mul", "div") or g.small(j))]
        if ok and (name not in ("mul", "div") or g.small(k)):
            g.op(name, k, R.choice(ok))
        else:
            g.op("add", k, k)
    elif name in ("cadd", "radd", "cmul", "rmul", "csub", "rsub", "cdiv", "rdiv"):
        if name in ("rdiv", "cmul", "rmul") and not g.small(k):
            k = R.choice(small)
        if name == "rdiv" and not g.positive(k):
            name = "rsub"
        g.op(name, k, _const(R, g, k, positive=name in ("cdiv", "rdiv")))
    elif name == "pow":
        k = R.choice(small)
        g.op("pow", k, R.choice([2, 3, 0.5, -1, 1.5]) if g.positive(k) else R.choice([2, 3]))
    elif name == "log":
        g.op("log", k) if g.positive(k) else g.op("log", g.op("exp", R.choice(small)))
    elif name in ("exp", "tanh", "relu", "neg"):
        g.op(name, R.choice(small) if name == "exp" else k)
    elif name in ("sum", "mean"):
        nd = len(g.shape(k))
        axis = None if nd == 0 or R.int(0, 3) == 0 else R.int(-nd, nd - 1)
        g.op(name, k, axis, bool(R.int(0, 1)))
    elif name == "reshape":
        n = int(np.prod(g.shape(k)))
        g.op("reshape", k, R.choice([(n,), (n, 1), (1, n), (-1,)]))
    elif name == "T":
        g.op("T", k)
    else:  # matmul, rmatmul on a 2-D node of ours
        a = g.op("reshape", k, (-1, 1)) if len(g.shape(k)) < 2 else k
        rows = g.shape(a)[-2]
        if name == "matmul":
            g.op("matmul", a, g.leaf(R.np.standard_normal((g.shape(a)[-1], R.int(1, 3))), bool(R.int(0, 3))))
        else:
            g.op("rmatmul", a, R.np.standard_normal((R.int(1, 3), rows)))


def step_graph(R: Any, step: str, n_random: int | None = None) -> dict:
    """A hidden-test graph for chapter-09 ``step``: its core, random ops, everything folded into the root."""
    g, n = core(R, 3 if step in REDUCES else R.int(1, 3), low=2 if step in REDUCES else 1)
    x, w = n["x"], n["w"]
    if step == "unary":
        g.op("tanh", n["d1"]), g.op("exp", x), g.op("log", w), g.op("relu", n["xw"])
    elif step == "arith":
        for op in (("pow", n["xw"], 2), ("pow", w, -1), ("pow", w, 0.5), ("neg", n["d2"]), ("sub", n["d1"], x),
                   ("rsub", n["xw"], 1.5), ("div", n["xw"], w), ("rdiv", w, 2.0), ("csub", x, 0.5), ("cdiv", n["sq"], 3.0)):
            g.op(*op)
    elif step == "sum_mean":
        g.op("sum", n["d2"], 1, False)  # a middle axis, no keepdims: the gradient needs that axis back
        g.op("mean", n["xw"], -1, False)
        g.op("sum", n["sq"], (0, 2), True)
        g.op("mean", n["d1"], None, False)
    elif step == "shapes":
        t = g.op("T", n["d2"])  # 3-D, every size >= 2 and x's first size differs from w's broadcast one
        g.op("reshape", t, (-1, g.shape(t)[-1]))
        g.op("T", g.op("reshape", n["xw"], (g.shape(n["xw"])[0], -1)))
        g.op("reshape", n["sq"], (-1,))
    elif step == "matmul":
        k, m = g.shape(x)[-1], R.int(2, 3)
        b = g.leaf(R.np.standard_normal((k, m)))
        g.op("matmul", n["d2"], b)  # batched: x is 3-D, b is broadcast over the batch
        flat = g.op("reshape", n["xw"], (-1, k))
        g.op("matmul", flat, b)
        g.op("rmatmul", flat, R.np.standard_normal((R.int(1, 3), g.shape(flat)[0])))
    ops = STEP_OPS[step]
    for _ in range(R.int(2, 5) if n_random is None else n_random):
        random_op(R, g, ops)
    return g.spec(scalar_root=step in REDUCES)
