"""Chapter 08, detach: the exercises behind the notebook's test cells.

As in chapter 07, gradients are read from the learner's own leaves after their own backward call,
and torch's side is computed here with ``torch.autograd`` on separate leaves with the same values.
"""
from __future__ import annotations

import numpy as np
import torch

from .. import checks as C
from ..exercise import Learner, Rand, exercise
from ..failure import Hint
from ..grads import autograd, leaf, random_leaf as random_x
from ..i18n import _
from ..labels import of_shape, part, predicted
from ..layouts import shares

MISTAKES = {  # what each exercise exists to catch; tests/wrong_answers/ holds an answer making each mistake
    "ch08.predict_detach": ["detaches x instead of y", "no detach at all: 3x²"],
    "ch08.still_in_graph": ["detaches y itself, so y.sum().backward() fails", "no zero_() between the passes"],
    "ch08.predict_sharing": ["'detach copies': a copy where a view was asked for",
                             "detach where a tracked copy was asked for",
                             "clone without torch.no_grad() for the untracked copy"],
    "ch08.detach_numpy": ["torch.median in the graph: the gradient flows into the median",
                          "t.numpy() on a tensor that requires grad", "np.array(...) copies",
                          "the loss computed in numpy: no gradient reaches x"],
    "ch08.stop_gradient": ["no detach on the target", "detaches the prediction instead of the target"],
    "ch08.safe_edit": ["edits through detach() in place: y changes, and backward refuses",
                       "edits y's memory after backward: x.grad right, y wrong"],
}


def _seed_x(R: Rand, hidden: bool) -> list[torch.Tensor]:
    return [torch.arange(4.0, requires_grad=True)] if not hidden else [random_x(R) for _i in range(4)]


# ----------------------------------------------------------------------------- ex1


@exercise("ch08.predict_detach")
def predict_detach(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x = torch.arange(4.0, requires_grad=True)
        y = x * x
        u = y.detach()
        (u * x).sum().backward()
        C.tensor(L.get("predicted_x_grad"), x.grad, predicted("predicted_x_grad", "x.grad"),
                 hint=Hint(_("for autograd u is a constant, like a number you typed: differentiate z = u * x with u fixed.")))
        C.flag(L.get("predicted_u_requires_grad"), u.requires_grad, predicted("predicted_u_requires_grad", "u.requires_grad"),
               hint=Hint(_("is u part of the graph?")))
    for x in _seed_x(R, hidden):
        want = autograd(lambda t: ((t * t).detach() * t).sum(), x)[0]
        what = _("constant_product_grad(x) for {x}").format(x=of_shape("x", x))
        got = C.parts(L.call("constant_product_grad", x, inputs=True), what)
        C.tensor(got[0], want, what, hint=Hint(_("which factor is the constant: y = x * x, or x? Only the other one carries a gradient."),
                                              _("u = y.detach(); z = u * x; z.sum().backward(); return x.grad.")))
        C.grad(got[1], want, part(what, _("the leaf x")))


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
        what = _("both_grads(x) for {x}").format(x=of_shape("x", x))
        got = C.parts(L.call("both_grads", x, inputs=True), what)
        C.items(got[0], want, ["grad_z", "grad_y"], what,
                hint=Hint(_("detach makes a new tensor u: is y itself still in the graph? And what is in x.grad before the second pass?"),
                          _("u = y.detach() leaves y in the graph: y.sum().backward() still gives 2 * x. Zero x.grad in between.")))
        C.grad(got[1], xe.grad, part(what, _("the leaf x after both passes")))


# ----------------------------------------------------------------------------- ex3

_COPIES = {
    "constant_view": lambda t: t.detach(),
    "tracked_copy": lambda t: t.clone(),
    "untracked_copy": lambda t: _no_grad_clone(t),
}
_HINTS = {
    "constant_view": Hint(_("same storage, outside the graph: which method copies nothing and records nothing?")),
    "tracked_copy": Hint(_("new storage, in the graph: which op copies, and is recorded like any other op?")),
    "untracked_copy": Hint(_("new storage, outside the graph: where is an op not recorded?"),
                           _("under torch.no_grad() a clone is a new tensor that does not require grad.")),
}


def _no_grad_clone(t: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return t.clone()


def _sharing_facts() -> dict[str, tuple[str, bool]]:
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    u[0] = 100.0
    y_changed, u_leaf = bool(y[0] == 100.0), u.is_leaf
    y = x * x
    c = y.clone()
    c[1] = 100.0
    with torch.no_grad():
        n = y * 1
    return {"predicted_y_changed": ("y[0] == 100 after u[0] = 100.0", y_changed),
            "predicted_u_is_leaf": ("u.is_leaf", u_leaf),
            "predicted_clone_changed": ("y[1] == 100 after c[1] = 100.0", bool(y[1] == 100.0)),
            "predicted_clone_requires_grad": ("c.requires_grad", c.requires_grad),
            "predicted_no_grad_requires_grad": ("n.requires_grad", n.requires_grad)}


@exercise("ch08.predict_sharing")
def predict_sharing(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        for name, (expr, want) in _sharing_facts().items():
            C.flag(L.get(name), want, predicted(name, expr),
                   hint=Hint(_("two questions for each: does it copy the numbers (chapter 05), and does autograd record it (chapter 07)?")))
    ts = [torch.tensor([1.0, 2.0, 3.0], requires_grad=True)] if not hidden else [random_x(R) for _i in range(3)]
    for t in ts:
        for name, make in _COPIES.items():
            te = leaf(t)
            ref = make(te)
            what = _("{name}(t) for t of shape {shape}").format(name=name, shape=tuple(t.shape))
            got = C.parts(L.call(name, t, inputs=True), what)
            C.tensor(got[0], ref, what, hint=_HINTS[name])
            C.shares_memory(got[0], got[1], shares(ref, te), what, hint=_HINTS[name])
            C.meta(got[0], "requires_grad", ref.requires_grad, what, hint=_HINTS[name])
            C.meta(got[0], "is_leaf", ref.is_leaf, what, hint=_HINTS[name])


# ----------------------------------------------------------------------------- ex4


def _median_spread(x: torch.Tensor) -> torch.Tensor:
    m = float(np.median(x.detach().numpy()))
    return ((x - m) ** 2).sum()


@exercise("ch08.detach_numpy")
def detach_numpy(L: Learner, R: Rand, hidden: bool) -> None:
    cases = [(torch.tensor([1.5, -2.0]), True), (torch.tensor([1.5, -2.0]), False)] if not hidden else \
        [(R.randn(*R.shape(1, 3, 4)), i % 2 == 0) for i in range(6)]  # both kinds, every time
    for t, requires in cases:
        t = t.requires_grad_(requires)
        what = _("to_numpy(t) for t of shape {shape}, requires_grad={requires}").format(shape=tuple(t.shape), requires=requires)
        got = C.parts(L.call("to_numpy", t, inputs=True), what)
        C.value(got[0], t.detach().numpy(), what,
                hint=Hint(_("t.numpy() refuses a tensor that requires grad: what gives a tensor outside the graph, with no copy?"),
                          _("t.detach().numpy() works for every tensor, and shares t's memory.")))
        C.shares_memory(got[0], got[1], True, what, hint=Hint(_("np.array(...) copies: is there a way with no copy at any step?")))
    # even and odd lengths every time: numpy's median of an even length is no element of x
    xs = [torch.tensor([0.5, -1.0, 2.0, 4.5]), torch.tensor([3.0, 0.5, 2.0])] if not hidden else \
        [R.randn(2 * R.int(1, 3)), R.randn(2 * R.int(1, 3) + 1), R.randn(R.int(2, 7))]
    for x in xs:
        want = autograd(_median_spread, x)[0]
        what = _("median_spread_grad(x) for x = {x}").format(x=[round(v, 4) for v in x.tolist()])
        got = C.parts(L.call("median_spread_grad", leaf(x), inputs=True), what)
        spread = Hint(_("numpy may only compute m, and m must be a constant for autograd; the loss itself must be built from x in torch."),
                      _("m = float(np.median(x.detach().numpy())); ((x - m) ** 2).sum().backward(); return x.grad."))
        C.tensor(got[0], want, what, hint=spread)
        C.grad(got[1], want, part(what, _("the leaf x")), hint=spread)


# ----------------------------------------------------------------------------- ex5


def td_loss(w: torch.Tensor, x: torch.Tensor, x_next: torch.Tensor, r: float, gamma: float) -> torch.Tensor:
    """The TD loss with its target held fixed: (v - (r + gamma * v_next)) ** 2, v_next detached."""
    target = (r + gamma * (w * x_next).sum()).detach()
    return ((w * x).sum() - target) ** 2


@exercise("ch08.stop_gradient")
def stop_gradient(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [(torch.tensor([0.5, -1.0, 2.0]), torch.tensor([1.0, 0.0, 2.0]), torch.tensor([0.0, 1.0, 1.0]), 1.0, 0.9)]
    else:  # x_next never zero and gamma far from 0: the target always depends on w
        cases = []
        for _i in range(5):
            n = R.int(1, 5)
            cases.append((R.randn(n), R.randn(n), R.randn(n) + 0.5, R.int(-10, 10) / 10, R.int(50, 99) / 100))
    for w, x, x_next, r, gamma in cases:
        want = autograd(lambda t: td_loss(t, x, x_next, r, gamma), w)[0]
        what = _("td_grad(w, x, x_next, {r}, {gamma}) for w of shape {shape}").format(r=r, gamma=gamma, shape=tuple(w.shape))
        got = C.parts(L.call("td_grad", w.clone().requires_grad_(True), x, x_next, r, gamma, inputs=True), what)
        C.tensor(got[0], want, what, hint=Hint(_("which of the two values is the prediction, and which is part of the target the gradient must not move?"),
                                              _("detach the target (or v_next) before the loss: only v = (w * x).sum() carries the gradient.")))
        C.grad(got[1], want, part(what, _("the leaf w")))


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
        C.flag(L.get("predicted_backward_fails"), broke, predicted("predicted_backward_fails", "y.sum().backward()"),
               hint=Hint(_("exp saves its result y for backward; what does a write through y.detach() do to that saved y?")))
        xs = [torch.tensor([0.0, 0.5, 1.0, 2.0], requires_grad=True)]
    else:  # always some entries above 2 (edited) and some below
        xs = [torch.cat([R.rand(2) - 1.0, R.rand(2) + 1.0, R.randn(R.int(0, 3))]).requires_grad_(True) for _i in range(4)]
    for x in xs:
        xe = leaf(x)
        ye = xe.exp()
        capped = ye.detach().clamp(max=2.0)
        ye.sum().backward()
        what = _("capped_exp(x) for {x}").format(x=of_shape("x", x))
        got = C.parts(L.call("capped_exp", x, inputs=True), what)
        C.items(got[0], (ye, capped), ["y", "capped"], what,
                hint=Hint(_("y.detach() shares y's memory: where did your edit land?"),
                          _("edit a copy: y.detach().clone() (or an out-of-place clamp); an in-place edit through "
                            "y.detach() changes y too.")))
        C.grad(got[1], xe.grad, part(what, _("the leaf x")), hint=Hint(_("call y.sum().backward(): x.grad is exp(x).")))
