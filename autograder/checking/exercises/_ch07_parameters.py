"""Chapter 07's last exercises, on a parameter being trained: a step on a leaf under ``torch.no_grad()`` (ex9) and
``nn.Parameter`` in a module (ex10). ``ch07_autograd`` imports this after its own exercises, so that they register
in the chapter's order.
"""
from __future__ import annotations

import torch

from .. import checks as C
from ..exercise import Learner, Rand, _Missing, exercise, step
from ..failure import Hint
from ..grads import leaf, random_leaf as random_x
from ..i18n import _
from ..labels import part, predicted
from .torch_side_ch07 import _sgd_step, _torch_scale, _unguarded_step


# ----------------------------------------------------------------------------- ex9


@exercise("ch07.no_grad")
def no_grad(L: Learner, R: Rand, hidden: bool) -> None:
    cases = [(torch.tensor([1.0, -2.0, 3.0], requires_grad=True), 0.1)] if not hidden else \
        [(random_x(R), R.int(1, 9) / 20) for _i in range(4)]
    for w, lr in cases:
        what = _("sgd_step(w, {lr}) for w of shape {shape}").format(lr=lr, shape=tuple(w.shape))
        we = _sgd_step(leaf(w), lr)
        got = C.parts(L.call("sgd_step", w, lr, inputs=True), what)
        C.tensor(got[0], we, what, hint=Hint(_("w.grad of (w * w).sum() is 2w; the step is w - lr * w.grad.")))
        C.same_object(got[0], got[1], True, what,
                      hint=Hint(_("the step must change the leaf w itself, not make a new tensor: how, when in-place changes of a leaf refuse?"),
                                _("update w in place (w -= ...) inside torch.no_grad(), so it stays the same leaf.")))
        C.meta(got[0], "is_leaf", True, what)
        C.meta(got[0], "requires_grad", True, what)
        C.grad(got[1], we.grad, what, hint=Hint(_("what should w.grad hold when the step is done, ready for the next one?")))
        C.error(L.call("unguarded_step", w, lr), C.outcome(_unguarded_step, leaf(w), lr), f"unguarded_step(w, {lr})",
                hint=Hint(_("without torch.no_grad(), torch refuses an in-place change of a leaf that requires grad: let it.")))
        x = R.randn(*w.shape)
        want = C.outcome(lambda: (w * x).detach().numpy())
        what = _("forward_numpy(w, x) for w of shape {shape}").format(shape=tuple(w.shape))
        got = C.parts(L.call("forward_numpy", w, x, inputs=True), what)
        C.value(got[0], want, what, hint=Hint(_(".numpy() refuses a result that requires grad: where can you compute w * x so that it does not?"),
                                             _("compute w * x inside `with torch.no_grad():`; the result then does not require grad and .numpy() works.")))
        C.grad(got[1], None, part(what, _("the leaf w")), hint=Hint(_("no backward here: w.grad stays None.")))


# ----------------------------------------------------------------------------- ex10


@step(parts=3)
def scale_module(ns: dict, n: int, x: torch.Tensor) -> object:
    """Build the learner's ``Scale(n)``, run it on ``x``, backward: (parameter names, weight, output)."""
    if "Scale" not in ns:
        return _Missing("Scale")
    m = ns["Scale"](n)
    out = m(x)
    out.sum().backward()
    return (sorted(name for name, _p in m.named_parameters()), m.weight, out)


@exercise("ch07.parameter")
def parameter(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.flag(L.get("predicted_parameter_requires_grad"), torch.nn.Parameter(torch.zeros(3)).requires_grad,
               predicted("predicted_parameter_requires_grad", "torch.nn.Parameter(torch.zeros(3)).requires_grad"),
               hint=Hint(_("the second note calls a Parameter 'the same as requires_grad=True'.")))
        two = torch.nn.Module()
        two.a = torch.nn.Parameter(torch.zeros(3))
        two.b = torch.zeros(3, requires_grad=True)
        C.value(L.get("predicted_registered"), [name for name, _p in two.named_parameters()],
                predicted("predicted_registered", "[name for name, p in two.named_parameters()]"),
                hint=Hint(_("a module lists what it registered as parameters: which of a and b would it register?")))
        cases = [(3, torch.tensor([[1.0, 2.0, 3.0]]))]
    else:
        cases = []
        for _i in range(3):
            n = R.int(1, 5)
            cases.append((n, R.randn(R.int(1, 3), n)))
    for n, x in cases:
        what = _("Scale({n}) on x of shape {shape}").format(n=n, shape=tuple(x.shape))
        names, weight, out = C.parts(L.run(scale_module, n, x), what)
        t_names, t_weight, t_out = _torch_scale(n, x)
        C.value(names, t_names, _("{what}: the names in named_parameters()").format(what=what),
                hint=Hint(_("a module registers a tensor as its parameter only if it is of one special type: which?"),
                          _("self.weight = torch.nn.Parameter(torch.ones(n)).")))
        C.tensor(out, t_out, _("{what}: its output").format(what=what), hint=Hint(_("forward returns x * self.weight.")))
        C.grad(weight, t_weight.grad, _("{what}: weight").format(what=what),
               hint=Hint(_("weight must be a leaf that requires grad: backward fills its .grad.")))
