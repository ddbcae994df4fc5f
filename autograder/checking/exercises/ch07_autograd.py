"""Chapter 07, autograd: the exercises behind the notebook's test cells.

Gradient exercises hand the learner's function fresh leaves (``requires_grad=True``) and read
``.grad`` of those very leaves afterwards (``L.call(..., inputs=True)``), so the gradient must come
from the learner's own backward call. torch's side is ``torch.autograd.grad`` on separate leaves
holding the same values, computed here, at check time.
"""
from __future__ import annotations

import torch
from torch.autograd import Variable

from .. import checks as C
from ..answers import freeze
from ..exercise import Learner, Rand, exercise
from ..grads import autograd, leaf, random_leaf as random_x


# ----------------------------------------------------------------------------- ex1


def _random_numbers(R: Rand, ints_only: bool) -> list:
    """A list or list of lists of Python numbers: all ints (torch would infer int64), or ints and floats."""
    def number():
        return R.int(-9, 9) if ints_only or R.int(0, 1) else R.int(-90, 90) / 10
    rows, cols = R.int(1, 3), R.int(1, 4)
    values = [[number() for _ in range(cols)] for _ in range(rows)]
    return values[0] if rows == 1 else values


@exercise("ch07.trainable")
def trainable(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.flag(L.get("predicted_is_plain_tensor"), type(Variable(torch.ones(2, 3))) is torch.Tensor,
               "predicted_is_plain_tensor", hint="Variable is a leftover name: calling it just returns a torch.Tensor.")
        fresh = torch.ones(2, 3, requires_grad=True)
        C.value(L.get("predicted_grad_before"), C.outcome(lambda: fresh.grad), "predicted_grad_before",
                hint="nothing has been differentiated yet, so there is no gradient tensor at all.")
        cases = [[[1, 1, 1], [1, 1, 1]], [0.5, -2.0, 3.25]]
    else:
        cases = [_random_numbers(R, ints_only=i % 2 == 0) for i in range(8)]
    for values in cases:
        got = L.call("trainable", values)
        what = f"trainable({values})"
        C.tensor(got, torch.tensor(values, dtype=torch.float32, requires_grad=True), what,
                 hint="only floating-point tensors can require grad: ask for dtype=torch.float32.")
        C.meta(got, "requires_grad", True, what, hint="pass requires_grad=True when you create it.")
        C.meta(got, "is_leaf", True, what, hint="create it with requires_grad=True; any op after that makes a non-leaf.")
        C.grad(got, None, what, hint="a fresh tensor has no gradient until a backward pass reaches it.")


# ----------------------------------------------------------------------------- ex2

WHY_BACKWARD_FAILED = {
    "A": "x ** 2 has no derivative at 0, so torch refuses; torch.ones_like smooths it.",
    "B": "backward() computes a vector-Jacobian product vᵀJ. For a scalar output v defaults to 1, but for a "
         "non-scalar y torch cannot guess v, so you pass one of y's shape; ones_like gives the gradient of y.sum().",
    "C": "only leaf tensors can call backward(); backward(torch.ones_like(x)) turns y into a leaf first.",
    "D": "x was made with the old Variable class; passing torch.ones_like(x) converts it to a modern tensor.",
}


def _square_backward(x: torch.Tensor, gradient=None) -> torch.Tensor:
    y = x ** 2
    y.backward(gradient)
    return x.grad


@exercise("ch07.non_scalar")
def non_scalar(L: Learner, R: Rand, hidden: bool) -> None:
    C.choice(L.get("why_backward_failed"), "B", WHY_BACKWARD_FAILED, "why_backward_failed",
             hint="what would the gradient of a whole tensor y even mean? Think of the weights v in vᵀJ.")
    xs = [torch.ones(2, 3, requires_grad=True), torch.tensor([1.0, -2.0, 3.0], requires_grad=True)]
    if hidden:  # shapes with one element sneak in: torch needs no gradient argument for those
        xs = [R.randn(*R.shape(1, 3, 3), requires_grad=True) for _ in range(6)] + [R.randn(1, 1, requires_grad=True)]
    for x in xs:
        what = f"square_backward(x, None) for x of shape {tuple(x.shape)}"
        got = C.parts(L.call("square_backward", x, None, inputs=True), what)
        C.same_outcome(got[0], C.outcome(_square_backward, leaf(x), None), what,
                       hint="call y.backward(gradient) exactly as given: torch decides whether None is allowed.")
        want = autograd(lambda t: (t ** 2).sum(), x)[0]
        what = f"square_backward(x, torch.ones_like(x)) for x of shape {tuple(x.shape)}"
        got = C.parts(L.call("square_backward", x, torch.ones_like(x), inputs=True), what)
        C.tensor(got[0], want, what, hint="y.backward(gradient) fills x.grad; return x.grad.")
        C.grad(got[1], want, what + ", the leaf x")
        what = f"grad_with_sum(x) for x of shape {tuple(x.shape)}"
        got = C.parts(L.call("grad_with_sum", x, inputs=True), what)
        C.tensor(got[0], want, what, hint="(x ** 2).sum() is a scalar: call .backward() on it, return x.grad.")
        C.grad(got[1], want, what + ", the leaf x")


# ----------------------------------------------------------------------------- ex3


@exercise("ch07.vjp")
def vjp(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        A = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        cases = [(A, torch.ones(3, requires_grad=True), torch.tensor([1.0, 0.0])),
                 (A, torch.ones(3, requires_grad=True), torch.tensor([0.5, -1.0]))]
    else:
        cases = []
        for _ in range(5):
            m, n = R.int(1, 5), R.int(1, 5)
            cases.append((R.randn(m, n), R.randn(n, requires_grad=True), R.randn(m)))
    for A, x, v in cases:
        what = f"vjp(A, x, v) with A of shape {tuple(A.shape)}, v = {[round(a, 4) for a in v.tolist()]}"
        want = autograd(lambda t: A @ t, x, grad_outputs=v)[0]
        got = C.parts(L.call("vjp", A, x, v, inputs=True), what)
        C.tensor(got[0], want, what, hint="y = A @ x; y.backward(v) weighs each output y[i] by v[i]; return x.grad.")
        C.grad(got[2], want, what + ", the leaf x", hint="the gradient must come from your own y.backward(v).")


# ----------------------------------------------------------------------------- ex4


def seed_f(x: torch.Tensor) -> torch.Tensor:
    return x ** 2 * torch.exp(x)


@exercise("ch07.seed_function")
def seed_function(L: Learner, R: Rand, hidden: bool) -> None:
    shapes = [(3, 4)] if not hidden else [R.shape(1, 3, 4) for _ in range(5)]
    for shape in shapes:
        x = (R.rand(*shape) if not hidden else R.randn(*shape)).requires_grad_(True)
        want = autograd(lambda t: seed_f(t).sum(), x)[0]
        what = f"fprime_autograd(x) for x of shape {shape}"
        got = C.parts(L.call("fprime_autograd", x, inputs=True), what)
        C.tensor(got[0], want, what, hint="y = x ** 2 * torch.exp(x) is not a scalar: y.backward(torch.ones_like(x)).")
        C.grad(got[1], want, what + ", the leaf x")
        C.tensor(L.call("fprime_by_hand", x.detach()), want, f"fprime_by_hand(x) for x of shape {shape}", rtol=1e-5,
                 hint="product rule: (u·v)' = u'·v + u·v', with u = x², v = eˣ.")


# ----------------------------------------------------------------------------- ex5


@exercise("ch07.predict_dot")
def predict_dot(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x, z = torch.arange(4.0), torch.tensor([4.0, 5.0, 6.0, 7.0])
        C.tensor(L.get("predicted_double_dot_grad"), autograd(lambda t: 2 * torch.dot(t, t), x)[0],
                 "predicted_double_dot_grad", hint="y = 2 Σ xᵢ², so ∂y/∂xᵢ = 4xᵢ. Use float values.")
        C.tensor(L.get("predicted_z_grad"), autograd(torch.dot, x, z)[1], "predicted_z_grad",
                 hint="∂(Σ xᵢzᵢ)/∂zᵢ = xᵢ: each leaf gets the other's values.")
        cases = [(x.requires_grad_(True), z.requires_grad_(True))]
    else:
        cases = []
        for _ in range(5):
            n = R.int(1, 6)
            cases.append((R.randn(n, requires_grad=True), R.randn(n, requires_grad=True)))
    for x, z in cases:
        n = tuple(x.shape)
        what = f"double_dot_grad(x), x of shape {n}"
        got = C.parts(L.call("double_dot_grad", x, inputs=True), what)
        want = autograd(lambda t: 2 * torch.dot(t, t), x)[0]
        C.tensor(got[0], want, f"double_dot_grad(x), x of shape {n}", hint="y = 2 * torch.dot(x, x); y.backward(); return x.grad.")
        C.grad(got[1], want, f"double_dot_grad(x), x of shape {n}, the leaf x")
        what = f"dot_grads(x, z), x of shape {n}"
        got = C.parts(L.call("dot_grads", x, z, inputs=True), what)
        gx, gz = autograd(torch.dot, x, z)
        C.grad(got[1], gx, f"dot_grads(x, z), the leaf x", hint="one backward of torch.dot(x, z) fills both leaves.")
        C.grad(got[2], gz, f"dot_grads(x, z), the leaf z", hint="one backward of torch.dot(x, z) fills both leaves.")
        C.value(got[0], (gx, gz), f"dot_grads(x, z), returned (x.grad, z.grad)")


# ----------------------------------------------------------------------------- ex6


@exercise("ch07.accumulate")
def accumulate(L: Learner, R: Rand, hidden: bool) -> None:
    xs = [torch.arange(4.0, requires_grad=True)] if not hidden else [R.randn(R.int(1, 6), requires_grad=True) for _ in range(5)]
    for x in xs:
        g1 = autograd(lambda t: 2 * torch.dot(t, t), x)[0]
        g2 = autograd(lambda t: t.sum(), x)[0]
        what = f"two_grads(x) for x = {[round(v, 4) for v in x.tolist()]}"
        got = C.parts(L.call("two_grads", x, inputs=True), what)
        C.value(got[0], (g1, g2), what,
                hint="gradients add up in x.grad: call x.grad.zero_() between the two backward passes, "
                     "and keep a .clone() of the first (zero_() changes that very tensor).")
        C.grad(got[1], g2, what + ", the leaf x after both passes")


# ----------------------------------------------------------------------------- ex7


@exercise("ch07.retain_grad")
def retain_grad(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x = torch.ones(3, requires_grad=True)
        y = x * 2
        y.sum().backward()
        C.flag(L.get("predicted_y_is_leaf"), y.is_leaf, "predicted_y_is_leaf",
               hint="y was computed from x by an op: it has a grad_fn, so it is not a leaf.")
        C.value(L.get("predicted_y_grad"), C.outcome(lambda: y.grad), "predicted_y_grad",
                hint="backward fills .grad of leaves only, unless you ask a non-leaf to retain_grad().")
        xs = [torch.tensor([0.0, 1.0, -1.0], requires_grad=True)]
    else:
        xs = [random_x(R) for _ in range(5)]
    for x in xs:
        xe = leaf(x)
        ye = xe.exp()
        gy, gx = torch.autograd.grad((ye * ye).sum(), [ye, xe])
        what = f"intermediate(x) for x of shape {tuple(x.shape)}"
        got = C.parts(L.call("intermediate", x, inputs=True), what)
        C.tensor(got[0], ye, what + ", the returned y", hint="return y = x.exp() itself.")
        C.meta(got[0], "is_leaf", False, what + ", the returned y", hint="return y = x.exp(), not a detached copy.")
        C.grad(got[0], gy, what + ", the returned y",
               hint="y is not a leaf: call y.retain_grad() before backward, or its .grad stays None.")
        C.grad(got[1], gx, what + ", the leaf x")


# ----------------------------------------------------------------------------- ex8


def _backward_twice(x: torch.Tensor, retain: bool) -> torch.Tensor:
    s = (x * x).sum()
    s.backward(retain_graph=retain)
    s.backward()
    return x.grad


@exercise("ch07.backward_twice")
def backward_twice(L: Learner, R: Rand, hidden: bool) -> None:
    xs = [torch.tensor([1.0, 2.0, 3.0], requires_grad=True)] if not hidden else [random_x(R) for _ in range(3)]
    for x in xs:
        for retain in (True, False):
            xe = leaf(x)
            want = C.outcome(_backward_twice, xe, retain)
            what = f"backward_twice(x, retain={retain}) for x of shape {tuple(x.shape)}"
            got = C.parts(L.call("backward_twice", x, retain, inputs=True), what)
            C.same_outcome(got[0], want, what,
                           hint="x * x saves x for its backward; the first backward frees it unless retain_graph=True.")
            C.grad(got[1], freeze(xe), what + ", the leaf x", hint="the two passes add up in x.grad.")


# ----------------------------------------------------------------------------- ex9


def _sgd_step(w: torch.Tensor, lr: float) -> torch.Tensor:
    (w * w).sum().backward()
    with torch.no_grad():
        w -= lr * w.grad
    w.grad.zero_()
    return w


def _unguarded_step(w: torch.Tensor, lr: float) -> torch.Tensor:
    (w * w).sum().backward()
    w -= lr * w.grad
    return w


@exercise("ch07.no_grad")
def no_grad(L: Learner, R: Rand, hidden: bool) -> None:
    cases = [(torch.tensor([1.0, -2.0, 3.0], requires_grad=True), 0.1)] if not hidden else \
        [(random_x(R), R.int(1, 9) / 20) for _ in range(4)]
    for w, lr in cases:
        what = f"sgd_step(w, {lr}) for w of shape {tuple(w.shape)}"
        we = _sgd_step(leaf(w), lr)
        got = C.parts(L.call("sgd_step", w, lr, inputs=True), what)
        C.tensor(got[0], we, what, hint="w.grad of (w * w).sum() is 2w; the step is w - lr * w.grad.")
        C.same_object(got[0], got[1], True, what,
                      hint="update w in place (w -= ...) inside torch.no_grad(), so it stays the same leaf.")
        C.meta(got[0], "is_leaf", True, what)
        C.meta(got[0], "requires_grad", True, what)
        C.grad(got[1], we.grad, what, hint="zero w.grad after the step, ready for the next one.")
        C.error(L.call("unguarded_step", w, lr), C.outcome(_unguarded_step, leaf(w), lr), f"unguarded_step(w, {lr})",
                hint="without torch.no_grad(), torch refuses an in-place change of a leaf that requires grad.")
        x = R.randn(*w.shape)
        want = C.outcome(lambda: (w * x).detach().numpy())
        what = f"forward_numpy(w, x) for w of shape {tuple(w.shape)}"
        got = C.parts(L.call("forward_numpy", w, x, inputs=True), what)
        C.value(got[0], want, f"forward_numpy(w, x) for w of shape {tuple(w.shape)}",
                hint="compute w * x inside `with torch.no_grad():`; the result then does not require grad and .numpy() works.")
        C.grad(got[1], None, f"forward_numpy(w, x), the leaf w", hint="no backward here: w.grad stays None.")
