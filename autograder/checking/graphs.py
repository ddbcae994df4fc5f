"""Expression graphs, run the same way in a learner's engine and in torch.autograd.

A graph is plain data (a *spec*), so the trusted judge can rebuild torch's side from it:

    {"leaves": [(array, requires_grad), ...],
     "ops":    [("leaf", 0), ("leaf", 1), ("add", 0, 1), ("sum", 2, 1, True), ...],  # each appends one node
     "grad":   upstream gradient for the last node (an array) or None for a scalar root}

``run_ours(T, spec)`` and ``run_torch(spec)`` return the same tuple: the root's forward
data, then every leaf's ``.grad`` (None where torch leaves it None).

``hybrid(ns, step)`` is how a chapter-09 step is graded on its own: a Tensor class made of
the course's reference engine with only that step's methods taken from the learner, so a
mistake in step 2 cannot cost points in step 5.
"""
from __future__ import annotations

import importlib
import inspect
import types
from typing import Any

import numpy as np
import torch

_REFERENCE: list = []  # the reference engine module (or None), once looked up


def reference_engine() -> types.ModuleType | None:
    """The course's chapter-09 reference engine, or None where it is not installed (a student's environment).

    The one way the checking library reaches it: grading (the sandbox and the judge) has it, a student's
    environment does not, and nothing here imports ``autograder.grading`` at module level."""
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
UNARY = ("neg", "exp", "log", "relu", "tanh", "T")


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


def run(T: Any, spec: dict, torch_side: bool = False) -> tuple:
    """Forward, then backward from the root (``retain`` extra calls first, with retain_graph=True)."""
    leaves, vals = build(T, spec, torch_side)
    root = vals[-1]
    g = spec.get("grad")

    def upstream():  # a fresh copy per call: torch may adopt the very tensor as a leaf's .grad and add into it
        return None if g is None else (torch.from_numpy(g.copy()) if torch_side else g.copy())
    for _ in range(spec.get("retain", 0)):
        root.backward(upstream(), retain_graph=True)
    root.backward(upstream())
    data = root.detach().numpy().copy() if torch_side else root.data
    watched = tuple(_grad_of(vals[i], torch_side) for i in spec.get("watch", ()))
    return (data, *(_grad_of(leaf, torch_side) for leaf in leaves), *watched)


def run_torch(spec: dict) -> tuple:
    return run(torch, spec, torch_side=True)


def labels(spec: dict) -> list[str]:
    names = [f"leaf{i}.grad" for i in range(len(spec["leaves"]))]
    return ["forward value"] + names + [f"node{i}.grad (not a leaf)" for i in spec.get("watch", ())]


def describe(spec: dict) -> str:
    """The graph as code, for failure messages: `n2 = n0 + n1`, ..."""
    shapes = [tuple(a.shape) for a, _ in spec["leaves"]]
    lines = []
    for k, (op, *args) in enumerate(spec["ops"]):
        if op == "leaf":
            rg = spec["leaves"][args[0]][1]
            rhs = f"Tensor(<{shapes[args[0]]} array>{', requires_grad=True' if rg else ''})  # leaf{args[0]}"
        elif op in BINARY:
            rhs = f"n{args[0]} {dict(add='+', sub='-', mul='*', div='/', matmul='@')[op]} n{args[1]}"
        elif op in WITH_CONST:
            c = args[1]
            cs = f"<{c.shape} array>" if isinstance(c, np.ndarray) else repr(c)
            sym = {"add": "+", "mul": "*", "sub": "-", "div": "/", "matmul": "@"}[op[1:]]
            rhs = f"n{args[0]} {sym} {cs}" if op[0] == "c" else f"{cs} {sym} n{args[0]}"
        elif op == "neg":
            rhs = f"-n{args[0]}"
        elif op == "pow":
            rhs = f"n{args[0]} ** {args[1]}"
        elif op == "T":
            rhs = f"n{args[0]}.T"
        elif op in ("sum", "mean"):
            rhs = f"n{args[0]}.{op}(axis={args[1]}, keepdims={args[2]})"
        elif op == "reshape":
            rhs = f"n{args[0]}.reshape{tuple(args[1])}"
        else:
            rhs = f"n{args[0]}.{op}()"
        lines.append(f"n{k} = {rhs}")
    g = spec.get("grad")
    call = "backward()" if g is None else f"backward(<{g.shape} array>)"
    lines.append(f"n{len(spec['ops']) - 1}.{call}" + (f"  # after {spec['retain']} backward(retain_graph=True)" if spec.get("retain") else ""))
    return "; ".join(lines)


# ---- random graphs (the hidden tests) ----
def partner(R: Any, shape: tuple) -> tuple:
    """A shape that broadcasts with ``shape``: some leading dims dropped, some sizes set to 1."""
    tail = shape[R.int(0, len(shape)):] if shape else ()
    return tuple(1 if R.int(0, 2) == 0 else n for n in tail)


def _const(R: Any, shape: tuple, positive: bool):
    if R.int(0, 1):
        return float(R.choice([0.5, 1.5, 2.0, -1.0, 3.0]) if not positive else R.choice([0.5, 1.5, 2.0, 3.0]))
    s = partner(R, shape)
    return np.asarray(R.np.uniform(0.5, 2.0, s) if positive else R.np.standard_normal(s))  # never a numpy scalar


def random_graph(R: Any, ops: list[str], n_ops: int, upstream: bool = True) -> dict:
    """Leaves of broadcasting shapes, then ``n_ops`` random ops drawn from ``ops`` over the nodes so far."""
    base = R.shape(1, 3, 4)
    leaves = [(R.np.standard_normal(base), True), (R.np.uniform(0.5, 2.0, partner(R, base)), R.int(0, 4) > 0)]
    spec_ops: list = [("leaf", 0), ("leaf", 1)]
    shapes, pos = [base, leaves[1][0].shape], [False, True]

    def add(op, shape, positive):
        spec_ops.append(op)
        shapes.append(tuple(shape))
        pos.append(positive)

    for _ in range(n_ops):
        op, i = R.choice(ops), R.int(0, len(shapes) - 1)
        s = shapes[i]
        if op in ("add", "sub", "mul", "div"):
            ok = [j for j in range(len(shapes)) if _broadcasts(shapes[j], s) and (op != "div" or pos[j])]
            if not ok:
                op = "exp"
            else:
                j = R.choice(ok)
                add((op, i, j), np.broadcast_shapes(s, shapes[j]), pos[i] and pos[j] and op != "sub")
                continue
        if op in ("cadd", "radd", "cmul", "rmul", "csub", "rsub", "cdiv", "rdiv"):
            c = _const(R, s, positive=op in ("cdiv", "rdiv", "cadd", "radd", "cmul", "rmul"))
            if op == "rdiv" and not pos[i]:
                op = "rmul"
            add((op, i, c), np.broadcast_shapes(s, np.shape(c)), pos[i] and op not in ("csub", "rsub"))
        elif op == "pow":
            k = R.choice([2, 3, 0.5, -1, -2, 1.5]) if pos[i] else R.choice([2, 3])
            add(("pow", i, k), s, pos[i])
        elif op == "log":
            if not pos[i]:
                add(("exp", i), s, True)
                i = len(shapes) - 1
            add(("log", i), s, False)
        elif op in ("neg", "exp", "relu", "tanh", "T"):
            add((op, i), s[::-1] if op == "T" else s, op == "exp")
        elif op in ("sum", "mean"):
            axis = _axis(R, len(s))
            keep = bool(R.int(0, 1))
            add((op, i, axis, keep), np.sum(np.empty(s), axis=axis, keepdims=keep).shape, pos[i])
        elif op == "reshape":
            n = int(np.prod(s))
            new = R.choice([(n,), (n, 1), (1, n), (-1,)])
            add(("reshape", i, new), np.empty(s).reshape(new).shape, pos[i])
        elif op in ("matmul", "rmatmul"):
            if len(s) < 2:
                leaves.append((R.np.standard_normal((R.int(1, 4), R.int(1, 4))), True))
                add(("leaf", len(leaves) - 1), leaves[-1][0].shape, False)
                i, s = len(shapes) - 1, shapes[-1]
            if op == "matmul":
                leaves.append((R.np.standard_normal((s[-1], R.int(1, 4))), bool(R.int(0, 3))))
                add(("leaf", len(leaves) - 1), leaves[-1][0].shape, False)
                add(("matmul", i, len(shapes) - 1), s[:-2] + (s[-2], leaves[-1][0].shape[1]), False)
            else:
                c = R.np.standard_normal((R.int(1, 4), s[-2]))
                add(("rmatmul", i, c), s[:-2] + (c.shape[0], s[-1]), False)
    spec = {"leaves": leaves, "ops": spec_ops}
    if upstream:
        spec["grad"] = R.np.standard_normal(shapes[-1])
    return spec


def _axis(R: Any, nd: int):
    if nd == 0 or R.int(0, 3) == 0:
        return None
    if nd >= 2 and R.int(0, 2) == 0:
        a, b = R.np.choice(nd, 2, replace=False)
        return (int(a), int(b) - nd)
    return R.int(-nd, nd - 1)


def _broadcasts(a: tuple, b: tuple) -> bool:
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


# ---- one step of a learner's engine on top of the reference ----
STEPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # step: (methods, module-level names)
    "tensor": (("__init__", "shape", "__repr__"), ()),
    "add_mul": (("__add__", "__radd__", "__mul__", "__rmul__"), ("unbroadcast",)),
    "elementwise": (("__neg__", "__sub__", "__rsub__", "__truediv__", "__rtruediv__", "__pow__",
                     "exp", "log", "relu", "tanh"), ()),
    "reduce": (("sum", "mean", "reshape", "transpose", "T", "__matmul__", "__rmatmul__"), ()),
    "topo": (("topological_order",), ()),
    "backward": (("backward",), ()),
    "detach_no_grad": (("detach",), ("no_grad",)),
}
_SKIP = {"__dict__", "__weakref__", "__module__", "__qualname__", "__doc__"}


def _rebind(attr: Any, g: dict) -> Any:
    """The same code, reading its globals (Tensor, unbroadcast, ...) from ``g``."""
    if isinstance(attr, types.FunctionType):
        f = types.FunctionType(attr.__code__, g, attr.__name__, attr.__defaults__, attr.__closure__)
        f.__kwdefaults__, f.__qualname__ = attr.__kwdefaults__, attr.__qualname__
        return f
    if isinstance(attr, property):
        return property(*(None if x is None else _rebind(x, g) for x in (attr.fget, attr.fset, attr.fdel)))
    if isinstance(attr, (staticmethod, classmethod)):
        return type(attr)(_rebind(attr.__func__, g))
    return attr


def hybrid(ns: dict, step: str) -> type:
    """A Tensor class: the reference engine, with ``step``'s methods and helpers taken from the learner."""
    if "Tensor" not in ns:
        raise NameError("Tensor is not defined: run your step-1 cell (the Tensor class) first.")
    learner_cls = ns["Tensor"]
    engine = reference_engine()
    if engine is None:
        raise RuntimeError("this check needs the course's reference engine, which is not installed here")
    methods, names = STEPS[step]
    H = type("Tensor", (), {})
    mode = ns.get("GradMode", engine.GradMode)  # the notebook's switch, the one the learner's no_grad flips
    g_ref = {**vars(engine), "Tensor": H, "GradMode": mode}
    g_ln = dict(ns)
    for k, v in ns.items():  # learner helpers must build H tensors too
        if isinstance(v, types.FunctionType) and v.__globals__ is ns:
            g_ln[k] = _rebind(v, g_ln)
    for step_name, (_, helpers) in STEPS.items():
        for h in helpers if step_name != step else ():
            g_ln[h] = _rebind(getattr(engine, h), g_ref)  # other steps' helpers: the reference's
    g_ln.update(Tensor=H, GradMode=mode)
    mine = {}
    if step == "tensor":
        base = learner_cls.__mro__[-2]  # step 1's class: the root of the `class Tensor(Tensor)` chain
        mine = {k: v for k, v in vars(base).items() if k not in _SKIP and (k in methods or k not in vars(engine.Tensor) or k == "is_leaf")}
        if "__init__" not in mine:
            raise AttributeError("your step-1 Tensor class has no __init__ yet.")
        drop = set(methods) | {"is_leaf"}
    else:
        for cls in reversed(learner_cls.__mro__[:-1]):  # the learner's own helper methods, whatever step added them
            mine.update({k: v for k, v in vars(cls).items() if k not in _SKIP and k not in vars(engine.Tensor)})
        for m in methods:
            try:
                mine[m] = inspect.getattr_static(learner_cls, m)
            except AttributeError:
                raise AttributeError(f"your Tensor has no `{m}` yet: run the cell of this step "
                                     f"(`class Tensor(Tensor): ...`) first.") from None
        drop = set(methods)
    for k, v in vars(engine.Tensor).items():
        if k not in _SKIP and k not in drop:
            setattr(H, k, _rebind(v, g_ref))
    for k, v in mine.items():
        setattr(H, k, _rebind(v, g_ln))
    for h in names:
        if h not in ns:
            raise NameError(f"`{h}` is not defined yet: run the cell of this step first.")
        g_ref[h] = g_ln[h]  # the reference ops use the learner's helper of this step too
    return H


def with_grad_mode_restored(ns: dict, fn, *args):
    """Run fn; whatever the learner's no_grad did, leave the notebook's grad mode as it was."""
    mode = ns.get("GradMode") or reference_engine().GradMode
    saved = mode.enabled
    try:
        return fn(*args)
    finally:
        mode.enabled = saved
