"""Chapter 09, mini autograd: the learner's numpy-backed Tensor, step by step, against torch.autograd.

Each step is graded on a :func:`autograder.checking.graphs.hybrid` class: the reference engine with only
that step's methods taken from the learner, so a mistake costs points in its own step only.
Expected values always come from the same graph run live in torch (float64).
"""
from __future__ import annotations

import numpy as np
import torch

from .. import checks as C
from ..exercise import Learner, Rand, exercise, step
from ..graphs import build, describe, hybrid, labels, partner, random_graph, run, run_torch, with_grad_mode_restored


# ---- course functions run in the learner's namespace (answers out) ----
@step
def graph_fn(ns: dict, step: str, spec: dict) -> tuple:
    return with_grad_mode_restored(ns, run, hybrid(ns, step), spec)


@step
def graph_error_fn(ns: dict, step: str, spec: dict, calls: list) -> None:
    """Backward calls that torch refuses; the learner's engine must raise the same error."""
    return with_grad_mode_restored(ns, _calls, hybrid(ns, step), spec, calls)


def _calls(T, spec: dict, calls: list, torch_side: bool = False) -> None:
    _, vals = build(T, spec, torch_side)
    for node, grad, retain in calls:
        g = None if grad is None else (torch.from_numpy(grad.copy()) if torch_side else grad.copy())
        vals[node].backward(g, retain_graph=retain)


@step
def basics_fn(ns: dict, cases: list, A: np.ndarray, B: np.ndarray) -> tuple:
    T = hybrid(ns, "tensor")
    return with_grad_mode_restored(ns, _basics, T, cases, A, B, ns.get("GradMode"))


def _basics(T, cases, A, B, mode, torch_side: bool = False):
    make = (lambda d, rg=False: torch.tensor(d, dtype=torch.float64, requires_grad=rg)) if torch_side else \
        (lambda d, rg=False: T(d, requires_grad=rg))
    data = (lambda t: t.detach().numpy()) if torch_side else (lambda t: t.data)
    out = []
    for d, rg in cases:
        t = make(d, rg)
        out += [data(t), t.requires_grad, t.is_leaf, t.grad, tuple(t.shape)]
    a, b = make(A, True), make(B)
    c, d = a * b, b * b
    out += [c.requires_grad, c.is_leaf, d.requires_grad, d.is_leaf]
    if torch_side:
        with torch.no_grad():
            e = a * b
    else:
        mode.enabled = False
        e = a * b
        mode.enabled = True
    out += [e.requires_grad, e.is_leaf]
    (a * b + a).sum().backward()  # the reference ops and backward must work on your __init__
    out += [a.grad.numpy() if torch_side else a.grad, b.grad]
    return tuple(out)


@step
def detach_fn(ns: dict, X: np.ndarray) -> tuple:
    T = hybrid(ns, "detach_no_grad")
    return with_grad_mode_restored(ns, _detach_no_grad, T, X, ns.get("no_grad"))


def _detach_no_grad(T, X, no_grad, torch_side: bool = False):
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


def uses_fn_torch(a_shape, b_shape) -> np.ndarray:
    a = torch.zeros(a_shape, dtype=torch.float64, requires_grad=True)
    (a + torch.zeros(b_shape, dtype=torch.float64)).sum().backward()
    return a.grad.numpy()


def twice_torch(x0: float, k: int) -> float:
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    z = 2 * (x * x)
    for i in range(k):
        z.backward(retain_graph=i < k - 1)
    return x.grad.item()


def _item(a, i: int):
    """Item i of a tuple answer, or the answer itself (whose check then fails with a clear message)."""
    return a.value[i] if a.kind == "tuple" and len(a.value) > i else a


def _graphs(L: Learner, step: str, specs: list[dict], hint: str) -> None:
    got = [L.run(graph_fn, step, s) for s in specs]
    for g, s in zip(got, specs):
        C.items(g, C.outcome(run_torch, s), labels(s), f"graph `{describe(s)}`", hint=hint)


def _spec(R: Rand, shapes: list, ops: list, grad: bool = True, rg=None) -> dict:
    leaves = [(R.np.uniform(0.5, 2.0, sh), True if rg is None else rg[k]) for k, sh in enumerate(shapes)]
    spec = {"leaves": leaves, "ops": [("leaf", k) for k in range(len(shapes))] + ops}
    if grad:
        spec["grad"] = R.np.standard_normal(_root_shape(spec))
    return spec


def _root_shape(spec: dict) -> tuple:
    _, vals = build(torch, spec, torch_side=True)
    return tuple(vals[-1].shape)


# ---- the exercises ----
BASIC_CASES = [([1, 2, 3], False), (2.5, True), ([[1.0, 2.0], [3.0, 4.0]], True)]


@exercise("ch09.tensor")
def tensor(L: Learner, R: Rand, hidden: bool) -> None:
    rounds = [(BASIC_CASES, (2, 3), (3,))] if not hidden else []
    for _ in range(3 if hidden else 0):
        shape = R.shape(0, 3, 4)
        d = R.np.standard_normal(shape)
        d = d.astype(R.choice([np.float64, np.float32])) if R.int(0, 1) else np.round(d * 5).astype(np.int64)
        base = R.shape(1, 3, 4)
        rounds.append(([(d, bool(R.int(0, 1))), (d.tolist(), bool(R.int(0, 1)))], base, partner(R, base)))
    got = [L.run(basics_fn, cases, np.ones(a) * 1.5, np.arange(np.prod(b), dtype=np.float64).reshape(b)) for cases, a, b in rounds]
    for g, (cases, a, b) in zip(got, rounds):
        names = [f"Tensor({f'<{d.dtype} array {d.shape}>' if isinstance(d, np.ndarray) else d}, requires_grad={rg}).{f}"
                 for d, rg in cases for f in ("data", "requires_grad", "is_leaf", "grad", "shape")]
        names += ["(a * b).requires_grad, a requiring grad", "(a * b).is_leaf", "(b * b).requires_grad, no input requiring grad",
                  "(b * b).is_leaf", "(a * b).requires_grad under no_grad", "(a * b).is_leaf under no_grad",
                  "a.grad after (a * b + a).sum().backward()", "b.grad (b does not require grad)"]
        want = C.outcome(_basics, torch, cases, np.ones(a) * 1.5, np.arange(np.prod(b), dtype=np.float64).reshape(b), None, True)
        C.items(g, want, names, f"step 1 with a of shape {a}, b of shape {b}",
                hint="data: np.asarray(data, dtype=np.float64); a result requires grad when grad mode is on and any "
                     "input does; only then does it keep _prev (and is not a leaf).")


@exercise("ch09.predict_broadcast")
def predict_broadcast(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        a = torch.ones(3, 1, requires_grad=True)
        (a + torch.arange(4.0)).sum().backward()
        C.value(L.get("predicted_a_grad"), a.grad.numpy().astype(np.float64), "predicted_a_grad",
                hint="each element of a was added to 4 elements of the sum; a.grad keeps a's shape (3, 1).")
        pairs = [((3, 1), (4,)), ((2, 3), (3,)), ((1,), (2, 5))]
    else:
        pairs = []
        for _ in range(6):
            base = R.shape(1, 3, 4)
            p = partner(R, base)
            pairs.append((p, base) if R.int(0, 1) else (base, p))
    got = [L.call("uses", a, b) for a, b in pairs]
    for g, (a, b) in zip(got, pairs):
        C.value(g, uses_fn_torch(a, b), f"uses({a}, {b})",
                hint="a float64 array of a's shape: how many elements of the broadcast result each element of a fed.")


ADD_MUL_HINT = ("in _backward, add (+=) into each input's .grad, and sum the incoming gradient back to the input's "
                "shape with unbroadcast: leading dims away, size-1 dims with keepdims.")


@exercise("ch09.add_mul")
def add_mul(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        specs = [_spec(R, [(2, 3), (3,)], [("add", 0, 1)]),
                 _spec(R, [(3, 1), (1, 4)], [("mul", 0, 1)]),
                 _spec(R, [(2, 2)], [("mul", 0, 0)]),  # x * x: one tensor, two inputs
                 _spec(R, [(4,), (2, 1)], [("cmul", 0, 2.0), ("mul", 1, 0), ("add", 2, 3), ("radd", 4, np.ones((2, 4)))])]
    else:
        specs = [random_graph(R, ["add", "mul", "cadd", "radd", "cmul", "rmul"], R.int(2, 5)) for _ in range(8)]
    _graphs(L, "add_mul", specs, ADD_MUL_HINT)


@exercise("ch09.elementwise")
def elementwise(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        specs = [_spec(R, [(3,)], [("exp", 0), ("log", 0), ("tanh", 0), ("add", 1, 2), ("add", 4, 3)]),
                 _spec(R, [(2, 3), (3,)], [("sub", 0, 1), ("div", 0, 1), ("pow", 0, 3), ("relu", 2)]),
                 _spec(R, [(2,)], [("neg", 0), ("rsub", 0, 1.0), ("rdiv", 0, 2.0), ("pow", 0, -1), ("mul", 2, 3)])]
    else:
        ops = ["neg", "sub", "div", "csub", "rsub", "cdiv", "rdiv", "pow", "exp", "log", "relu", "tanh", "add", "mul"]
        specs = [random_graph(R, ops, R.int(2, 5)) for _ in range(8)]
    _graphs(L, "elementwise", specs, "local derivatives: exp -> out.data, log -> 1/x, tanh -> 1 - out.data**2, "
                                     "relu -> (x > 0), x**k -> k * x**(k-1); derived ops are one-liners on + * **.")


@exercise("ch09.reduce")
def reduce(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        specs = [_spec(R, [(2, 3, 4)], [("sum", 0, 1, False)]),
                 _spec(R, [(2, 3, 4)], [("mean", 0, (0, 2), True)]),
                 _spec(R, [(2, 3)], [("sum", 0, None, False)], grad=False),
                 _spec(R, [(2, 3), (3, 4)], [("matmul", 0, 1), ("T", 2), ("reshape", 3, (2, 4, 1))]),
                 _spec(R, [(2, 2, 3), (3, 2)], [("matmul", 0, 1), ("rmatmul", 1, np.ones((1, 3)))])]
    else:
        ops = ["sum", "mean", "reshape", "T", "matmul", "rmatmul", "add", "mul"]
        specs = [random_graph(R, ops, R.int(2, 5)) for _ in range(8)]
    _graphs(L, "reduce", specs, "sum's gradient is the incoming one broadcast back over the summed axes "
                                "(np.expand_dims first when keepdims=False); matmul: grad @ B.T and A.T @ grad.")


def _chain(n: int) -> dict:
    return {"leaves": [(np.array([0.5, -0.25]), True)], "ops": [("leaf", 0)] + [("cmul", k, 1.0) for k in range(n)]
            + [("sum", n, None, False)]}


@exercise("ch09.topo")
def topo(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        # a diamond: b and c both read a, d reads both; d must wait for b and c, a for both
        specs = [_spec(R, [(3,)], [("exp", 0), ("mul", 1, 0), ("tanh", 1), ("add", 2, 3), ("mul", 4, 1)]),
                 _chain(3000)]
    else:
        ops = ["add", "mul", "sub", "exp", "tanh", "sum", "mean", "T", "cmul"]
        specs = [random_graph(R, ops, R.int(5, 9)) for _ in range(8)]
    _graphs(L, "topo", specs, "a node goes into the list only after every node in its _prev is in it (post-order), "
                              "each node once; use an explicit stack, since deep graphs exceed Python's recursion limit.")


BACKWARD_HINT = ("zero buffers for every node, keep (+=) the leaves' grads, seed the root, run _backward in reverse "
                 "topological order, then set .grad back to None on non-leaves.")


@exercise("ch09.backward")
def backward(L: Learner, R: Rand, hidden: bool) -> None:
    x = (np.array(3.0), True)
    micro = {"leaves": [x], "ops": [("leaf", 0), ("mul", 0, 0), ("rmul", 1, 2.0)], "retain": 1, "watch": (1,)}
    if not hidden:
        specs = [micro,  # micrograd's repeated backward: torch accumulates to 24, micrograd gives 36
                 {**_spec(R, [(2, 3), (3,)], [("mul", 0, 1), ("exp", 2), ("sum", 3, None, False)], grad=False), "watch": (2, 3)},
                 {**_spec(R, [(2, 3), (3,)], [("mul", 0, 1), ("add", 2, 0)], rg=[True, False]), "watch": (2,)}]
        errors = [(_spec(R, [(2, 3)], [("exp", 0)], grad=False), [(1, None, False)], "scalar"),
                  (_spec(R, [(3,)], [("mul", 0, 0), ("sum", 1, None, False)], grad=False),
                   [(2, None, False), (2, None, False)], "twice"),
                  (_spec(R, [(3,)], [("sum", 0, None, False)], grad=False, rg=[False]), [(1, None, False)], "no grad")]
    else:
        ops = ["add", "mul", "sub", "div", "exp", "tanh", "sum", "mean", "matmul", "cmul", "pow"]
        specs = []
        for _ in range(6):
            s = random_graph(R, ops, R.int(3, 7))
            n = len(s["ops"])
            specs.append({**s, "retain": R.int(0, 2), "watch": tuple(sorted({R.int(2, n - 1), n - 1}))})
        errors = []
        for _ in range(3):
            s = random_graph(R, ["mul", "exp", "tanh", "sum"], R.int(2, 4), upstream=False)
            k = len(s["ops"]) - 1
            shape0 = s["leaves"][0][0].shape
            s["ops"] += [("sum", k, None, False), ("exp", 0), ("mul", k + 2, k + 2),  # a mul saves its inputs
                         ("radd", k + 3, np.zeros((2,) + shape0)),  # at least 2 elements: not a scalar
                         ("sum", k + 4, None, False), ("add", k + 5, k + 1)]
            root, not_scalar = k + 6, k + 4
            errors.append((s, [(root, None, bool(R.int(0, 1))), (root, None, False), (root, None, False)], "twice"))
            errors.append((s, [(not_scalar, None, False)], "scalar"))
    got = [L.run(graph_fn, "backward", s) for s in specs]
    got_err = [L.run(graph_error_fn, "backward", s, calls) for s, calls, _ in errors]
    for g, s in zip(got, specs):
        name = "micrograd's repeated backward (y = x*x; z = 2*y; z.backward(retain_graph=True); z.backward())" \
            if s is micro else f"graph `{describe(s)}`"
        C.items(g, C.outcome(run_torch, s), labels(s), name, hint=BACKWARD_HINT)
    for g, (s, calls, kind) in zip(got_err, errors):
        want = C.outcome(_calls, torch, s, calls, True)
        what = f"graph `{describe({**s, 'grad': None})}`, then backward calls {[(f'n{n}', 'gradient' if gr is not None else None, r) for n, gr, r in calls]}"
        if kind == "twice":
            C.error(g, want, what, match="retain_graph",
                    hint="after a backward without retain_graph=True, free each non-leaf's _backward (set it to None) "
                         "and refuse a later pass over it with a RuntimeError that mentions retain_graph.")
        else:
            C.error(g, want, what, hint="raise RuntimeError with torch's message, before touching any .grad.")


@exercise("ch09.predict_twice")
def predict_twice(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.value(L.get("predicted_grad_twice"), twice_torch(3.0, 2), "predicted_grad_twice",
                hint="each backward adds d z / d x = 4x = 12 into x.grad; nothing resets it between calls.")
        cases = [(3.0, 2), (1.0, 1), (-2.0, 3)]
    else:
        cases = [(R.int(-40, 40) / 8, R.int(1, 6)) for _ in range(6)]
    got = [L.call("grad_after_backwards", x0, k) for x0, k in cases]
    for g, (x0, k) in zip(got, cases):
        C.value(g, twice_torch(x0, k), f"grad_after_backwards({x0}, {k})",
                hint="a float: k backward passes each add the same 4 * x0 into the leaf's .grad.")


@exercise("ch09.detach_no_grad")
def detach_no_grad(L: Learner, R: Rand, hidden: bool) -> None:
    inputs = [np.array([1.0, -2.0, 3.0])] if not hidden else [R.np.standard_normal(R.shape(1, 3, 4)) for _ in range(3)]
    got = [L.run(detach_fn, X) for X in inputs]
    names = ["x.data", "x.detach().data", "x.detach().requires_grad", "x.detach().is_leaf", "x.detach().grad",
             "y.data (y = x * x)", "y.detach().data", "y.detach().requires_grad",
             "x.grad after (x.detach() * x).sum().backward()", "(x * 2).requires_grad under no_grad",
             "(x * 2).is_leaf under no_grad", "(x * 2).requires_grad in an outer no_grad after an inner one closed",
             "(x * 2).requires_grad after no_grad", "(x * 2).is_leaf after no_grad",
             "(x * 2).requires_grad after an error inside no_grad"]
    for g, X in zip(got, inputs):
        what = f"detach and no_grad with x of shape {X.shape}"
        C.items(g, C.outcome(_detach_no_grad, torch, X, torch.no_grad, True), names, what,
                hint="detach: a new leaf on the same array, no history. no_grad: remember the old mode, switch it off, "
                     "and restore it in a `finally:` so nesting and errors leave it as it was.")
        for i, j, name in ((0, 1, "x.detach()"), (5, 6, "y.detach()")):
            C.shares_memory(_item(g, i), _item(g, j), True, f"{what}: {name}.data and the original's .data",
                            hint="detach must not copy: Tensor(self.data) keeps the same float64 ndarray.")
