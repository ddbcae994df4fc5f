"""Chapter 08, detach: the exercises behind the notebook's test cells.

As in chapter 07, gradients are read from the learner's own leaves after their own backward call,
and torch's side is computed here with ``torch.autograd`` on separate leaves with the same values.
"""
from __future__ import annotations

import torch

from .. import checks as C
from ..exercise import Learner, Rand, exercise
from ..grads import autograd, leaf, random_leaf as random_x


def _same_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def _seed_x(R: Rand, hidden: bool) -> list[torch.Tensor]:
    return [torch.arange(4.0, requires_grad=True)] if not hidden else [random_x(R) for _ in range(4)]


# ----------------------------------------------------------------------------- ex1


@exercise("ch08.predict_detach")
def predict_detach(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x = torch.arange(4.0, requires_grad=True)
        y = x * x
        u = y.detach()
        (u * x).sum().backward()
        C.tensor(L.get("predicted_x_grad"), x.grad, "predicted_x_grad",
                 hint="u is a constant: ∂(Σ uᵢxᵢ)/∂xᵢ = uᵢ, the values of x * x.")
        C.flag(L.get("predicted_u_requires_grad"), u.requires_grad, "predicted_u_requires_grad",
               hint="detach() returns a tensor outside the graph.")
    for x in _seed_x(R, hidden):
        want = autograd(lambda t: ((t * t).detach() * t).sum(), x)[0]
        what = f"constant_product_grad(x) for x of shape {tuple(x.shape)}"
        got = C.parts(L.call("constant_product_grad", x, inputs=True), what)
        C.tensor(got[0], want, what,
                 hint="detach y = x * x (not x): u = y.detach(); z = u * x; z.sum().backward(); return x.grad.")
        C.grad(got[1], want, what + ", the leaf x")


# ----------------------------------------------------------------------------- ex2


def _both_grads(x: torch.Tensor):
    y = x * x
    u = y.detach()
    (u * x).sum().backward()
    grad_z = x.grad.clone()
    x.grad.zero_()
    y.sum().backward()
    return grad_z, x.grad.clone()


@exercise("ch08.still_in_graph")
def still_in_graph(L: Learner, R: Rand, hidden: bool) -> None:
    for x in _seed_x(R, hidden):
        xe = leaf(x)
        want = _both_grads(xe)
        what = f"both_grads(x) for x of shape {tuple(x.shape)}"
        got = C.parts(L.call("both_grads", x, inputs=True), what)
        C.value(got[0], want, what,
                hint="u = y.detach() leaves y itself in the graph: y.sum().backward() still gives 2 * x. "
                     "Zero x.grad in between.")
        C.grad(got[1], xe.grad, what + ", the leaf x after both passes")


# ----------------------------------------------------------------------------- ex3

_COPIES = {
    "constant_view": lambda t: t.detach(),
    "tracked_copy": lambda t: t.clone(),
    "untracked_copy": lambda t: _no_grad_clone(t),
}
_HINTS = {
    "constant_view": "t.detach() is a view: the same storage, outside the graph.",
    "tracked_copy": "t.clone() copies the values and stays in the graph (it has a grad_fn).",
    "untracked_copy": "under torch.no_grad() a clone is a new tensor that does not require grad.",
}


def _no_grad_clone(t: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return t.clone()


@exercise("ch08.predict_sharing")
def predict_sharing(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x = torch.arange(4.0, requires_grad=True)
        y = x * x
        u = y.detach()
        u[0] = 100.0
        C.flag(L.get("predicted_y_changed"), y[0].item() == 100.0, "predicted_y_changed",
               hint="detach() shares y's storage: a write through u is a write into y.")
        C.flag(L.get("predicted_clone_requires_grad"), y.clone().requires_grad, "predicted_clone_requires_grad",
               hint="clone() is an op like any other: autograd records it.")
        with torch.no_grad():
            n = y * 1
        C.flag(L.get("predicted_no_grad_requires_grad"), n.requires_grad, "predicted_no_grad_requires_grad",
               hint="inside torch.no_grad() nothing is recorded.")
    ts = [torch.tensor([1.0, 2.0, 3.0], requires_grad=True)] if not hidden else [random_x(R) for _ in range(3)]
    for t in ts:
        for name, make in _COPIES.items():
            te = leaf(t)
            ref = make(te)
            what = f"{name}(t) for t of shape {tuple(t.shape)}"
            got = C.parts(L.call(name, t, inputs=True), what)
            C.tensor(got[0], ref, what, hint=_HINTS[name])
            C.shares_memory(got[0], got[1], _same_storage(ref, te), what, hint=_HINTS[name])
            C.meta(got[0], "requires_grad", ref.requires_grad, what, hint=_HINTS[name])
            C.meta(got[0], "is_leaf", ref.is_leaf, what, hint=_HINTS[name])


# ----------------------------------------------------------------------------- ex4


@exercise("ch08.detach_numpy")
def detach_numpy(L: Learner, R: Rand, hidden: bool) -> None:
    cases = [(torch.tensor([1.5, -2.0]), True), (torch.tensor([1.5, -2.0]), False)] if not hidden else \
        [(R.randn(*R.shape(1, 3, 4)), i % 2 == 0) for i in range(6)]  # both kinds, every time
    for t, requires in cases:
        t = t.requires_grad_(requires)
        what = f"to_numpy(t) for t of shape {tuple(t.shape)}, requires_grad={requires}"
        got = C.parts(L.call("to_numpy", t, inputs=True), what)
        C.value(got[0], t.detach().numpy(), what,
                hint="t.numpy() refuses a tensor that requires grad; t.detach().numpy() works for every tensor.")
        C.shares_memory(got[0], got[1], True, what,
                        hint="np.array(...) copies; .detach().numpy() shares t's memory.")
        C.same_outcome(L.call("strict_numpy", t), C.outcome(lambda: leaf(t).requires_grad_(requires).numpy()),
                       f"strict_numpy(t) for t of shape {tuple(t.shape)}, requires_grad={requires}",
                       hint="return t.numpy() and nothing else: torch decides when it raises.")


# ----------------------------------------------------------------------------- ex5


def semi_gradient_loss(w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    pred = w * x
    target = torch.tanh(3 * pred).detach()
    return ((pred - target) ** 2).mean()


@exercise("ch08.stop_gradient")
def stop_gradient(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [(torch.ones(4, requires_grad=True), torch.tensor([0.1, -0.5, 1.0, 2.0]))]
    else:
        cases = []
        for _ in range(5):
            shape = R.shape(1, 2, 5)
            cases.append((R.randn(*shape, requires_grad=True), R.randn(*shape)))
    for w, x in cases:
        want = autograd(lambda t: semi_gradient_loss(t, x), w)[0]
        what = f"self_target_grad(w, x) for w of shape {tuple(w.shape)}"
        got = C.parts(L.call("self_target_grad", w, x, inputs=True), what)
        C.tensor(got[0], want, what,
                 hint="the target must be a constant: torch.tanh(3 * pred).detach(); detach the target, not pred.")
        C.grad(got[1], want, what + ", the leaf w")


# ----------------------------------------------------------------------------- ex6


def _edit_then_backward(x: torch.Tensor) -> None:
    y = x.exp()
    u = y.detach()
    u[0] = 0.0
    y.sum().backward()


@exercise("ch08.safe_edit")
def safe_edit(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        broke = C.outcome(_edit_then_backward, torch.arange(4.0, requires_grad=True)).kind == "exception"
        C.flag(L.get("predicted_backward_fails"), broke, "predicted_backward_fails",
               hint="exp saves its result y for backward; an in-place write through y.detach() changes that saved y.")
        xs = [torch.tensor([0.0, 0.5, 1.0, 2.0], requires_grad=True)]
    else:
        xs = [random_x(R) for _ in range(4)]
    for x in xs:
        xe = leaf(x)
        ye = xe.exp()
        capped = ye.detach().clamp(max=2.0)
        ye.sum().backward()
        what = f"capped_exp(x) for x of shape {tuple(x.shape)}"
        got = C.parts(L.call("capped_exp", x, inputs=True), what)
        C.value(got[0], (ye, capped), what,
                hint="edit a copy: y.detach().clone() (or an out-of-place clamp); an in-place edit through "
                     "y.detach() changes y too.")
        C.grad(got[1], xe.grad, what + ", the leaf x", hint="call y.sum().backward(): x.grad is exp(x).")
