"""Chapter 07, autograd: the exercises behind the notebook's test cells.

Gradient exercises hand the learner's function fresh leaves (``requires_grad=True``) and read
``.grad`` of those very leaves afterwards (``L.call(..., inputs=True)``), so the gradient must come
from the learner's own backward call. torch's side is ``torch.autograd.grad`` on separate leaves
holding the same values, computed here, at check time. "By hand" functions run with autograd off
(:func:`~autograder.checking.grads.call_without_autograd`). Exercises 9 and 10, on a parameter being trained,
are in :mod:`._ch07_parameters`.
"""
from __future__ import annotations

import torch
from torch.autograd import Variable

from .. import checks as C
from ..answers import freeze
from ..exercise import Learner, Rand, exercise
from ..failure import Hint
from ..grads import autograd, call_without_autograd, leaf, random_leaf as random_x
from ..i18n import _
from ..labels import of_shape, part, predicted
from .torch_side_ch07 import (DOT_FACTS, IMPLICIT, TWICE, WHY_BACKWARD_FAILED, _backward_twice, _implicit_backward_raises,
                             _random_numbers, _second_backward_raises, _square_backward, seed_f)

MISTAKES = {  # what each exercise exists to catch; tests/wrong_answers/ holds an answer making each mistake
    "ch07.trainable": ["no dtype: all-int values give int64, which cannot require grad",
                       "an op after requires_grad makes a non-leaf"],
    "ch07.non_scalar": ["backward() with no argument on a non-scalar",
                        "'backward() needs a 0-d result': refuses a one-element result of another shape"],
    "ch07.jacobian": ["no reset between passes: each row adds up the rows before it",
                      "v ignored: the gradient of y.sum() in every row", "J = A: the chain rule through x ** 2 dropped"],
    "ch07.seed_function": ["the product rule half done", "autograd inside the by-hand function"],
    "ch07.predict_dot": ["a leaf used twice, counted once", "the dot(x, x) term dropped"],
    "ch07.accumulate": ["no zero_() between the passes: 4x + 1",
                        "no clone(): g1 is x.grad itself, zeroed and refilled"],
    "ch07.retain_grad": ["no retain_grad(): y.grad stays None", "returns a detached y"],
    "ch07.backward_twice": ["'backward can always run twice': retain_graph=True always", "catches torch's error"],
    "ch07.no_grad": ["w = w - lr * w.grad: a new tensor, not the leaf", "no zero_() after the step"],
    "ch07.parameter": ["a plain tensor with requires_grad=True: never registered with the module"],
}


# ----------------------------------------------------------------------------- ex1


@exercise("ch07.trainable")
def trainable(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.flag(L.get("predicted_is_plain_tensor"), type(Variable(torch.ones(2, 3))) is torch.Tensor,
               predicted("predicted_is_plain_tensor", "type(Variable(torch.ones(2, 3))) is torch.Tensor"),
               hint=Hint(_("Variable is a name kept from old PyTorch versions: what does calling it return today? Try type(...).")))
        C.flag(L.get("predicted_variable_requires_grad"), Variable(torch.ones(2, 3), requires_grad=True).requires_grad,
               predicted("predicted_variable_requires_grad", "Variable(torch.ones(2, 3), requires_grad=True).requires_grad"),
               hint=Hint(_("what decides whether a tensor requires grad: its class, or the flag you pass?")))
        fresh = torch.ones(2, 3, requires_grad=True)
        C.value(L.get("predicted_grad_before"), C.outcome(lambda: fresh.grad), predicted("predicted_grad_before", "x.grad"),
                hint=Hint(_("nothing has been differentiated yet: does a gradient exist at all?")))
        cases = [[[1, 1, 1], [1, 1, 1]], [0.5, -2.0, 3.25]]
    else:  # every other draw is all ints, where the inferred dtype cannot require grad
        cases = [_random_numbers(R, ints_only=i % 2 == 0) for i in range(8)]
    for values in cases:
        got = L.call("trainable", values)
        what = f"trainable({values})"
        C.tensor(got, torch.tensor(values, dtype=torch.float32, requires_grad=True), what,
                 hint=Hint(_("which dtype does torch.tensor infer from Python ints, and can that dtype require grad?"),
                           _("only floating-point tensors can require grad: ask for dtype=torch.float32.")))
        C.meta(got, "requires_grad", True, what, hint=Hint(_("the tensor must require grad from the start.")))
        C.meta(got, "is_leaf", True, what, hint=Hint(_("a leaf is made directly, not computed by an op from a tensor that requires grad.")))
        C.grad(got, None, what, hint=Hint(_("a fresh tensor has no gradient until a backward pass reaches it.")))


# ----------------------------------------------------------------------------- ex2

@exercise("ch07.non_scalar")
def non_scalar(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        for name, (line, build) in IMPLICIT.items():
            C.flag(L.get(name), _implicit_backward_raises(build), predicted(name, line),
                   hint=Hint(_("torch's message says 'scalar outputs': how many elements does each result have?")))
    C.choice(L.get("why_backward_failed"), "B", WHY_BACKWARD_FAILED, "why_backward_failed",
             hint=Hint(_("what would the gradient of a whole tensor y even mean? Think of the weights v in vᵀJ.")))
    xs = [torch.ones(2, 3, requires_grad=True), torch.tensor([1.0, -2.0, 3.0], requires_grad=True)]
    if hidden:  # shapes with one element sneak in: torch needs no gradient argument for those
        xs = [R.randn(*R.shape(1, 3, 3), requires_grad=True) for _i in range(6)] + [R.randn(1, 1, requires_grad=True),
                                                                                     R.randn(2, 3, requires_grad=True)]
    for x in xs:
        what = _("square_backward(x, None) for {x}").format(x=of_shape("x", x))
        got = C.parts(L.call("square_backward", x, None, inputs=True), what)
        C.same_outcome(got[0], C.outcome(_square_backward, leaf(x), None), what,
                       hint=Hint(_("call y.backward(gradient) exactly as given: torch decides whether None is allowed.")))
        want = autograd(lambda t: (t ** 2).sum(), x)[0]
        what = _("square_backward(x, torch.ones_like(x)) for {x}").format(x=of_shape("x", x))
        got = C.parts(L.call("square_backward", x, torch.ones_like(x), inputs=True), what)
        C.tensor(got[0], want, what, hint=Hint(_("y.backward(gradient) fills x.grad: return it.")))
        C.grad(got[1], want, part(what, _("the leaf x")))
        what = _("grad_with_sum(x) for {x}").format(x=of_shape("x", x))
        got = C.parts(L.call("grad_with_sum", x, inputs=True), what)
        C.tensor(got[0], want, what, hint=Hint(_("backward() with no argument needs a one-element result: what makes one from x ** 2?"),
                                              _("(x ** 2).sum() is a scalar: call .backward() on it, return x.grad.")))
        C.grad(got[1], want, part(what, _("the leaf x")))


# ----------------------------------------------------------------------------- ex3


@exercise("ch07.jacobian")
def jacobian(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), torch.tensor([1.0, -1.0, 2.0]))]
    else:  # always two rows or more (so a row that keeps the rows before it shows), random x (so J is never A)
        cases = [(R.randn(R.int(2, 4), n), R.randn(n)) for n in (R.int(1, 4), R.int(2, 4), R.int(2, 4))]
    for A, x in cases:
        want = torch.autograd.functional.jacobian(lambda t: A @ t ** 2, x)
        what = _("jacobian(A, x) with A of shape {shape}, x = {x}").format(shape=tuple(A.shape), x=[round(a, 4) for a in x.tolist()])
        got = C.parts(L.call("jacobian", A, leaf(x), inputs=True), what)
        C.tensor(got[0], want, what, hint=Hint(_("row i of J is vᵀJ for which v? And what does x.grad hold just before each pass?"),
                                              _("for each row i: x.grad = None, a fresh y = A @ x ** 2, y.backward(v) with v[i] = 1 and "
                                                "0 elsewhere; then x.grad is row i.")))


# ----------------------------------------------------------------------------- ex4


BY_HAND = _("{name} runs with autograd switched off (torch.inference_mode()), so backward() fails there: write the formula.")


@exercise("ch07.seed_function")
def seed_function(L: Learner, R: Rand, hidden: bool) -> None:
    shapes = [(3, 4)] if not hidden else [R.shape(1, 3, 4) for _i in range(5)]
    for shape in shapes:
        x = (R.rand(*shape) if not hidden else R.randn(*shape)).requires_grad_(True)
        want = autograd(lambda t: seed_f(t).sum(), x)[0]
        what = _("fprime_autograd(x) for {x}").format(x=of_shape("x", x))
        got = C.parts(L.call("fprime_autograd", x, inputs=True), what)
        C.tensor(got[0], want, what, hint=Hint(_("f(x) has the shape of x, not one element: what does its backward need?"),
                                              _("y = x ** 2 * torch.exp(x); y.backward(torch.ones_like(x)); return x.grad.")))
        C.grad(got[1], want, part(what, _("the leaf x")))
        C.tensor(L.run(call_without_autograd, "fprime_by_hand", (x.detach(),)), want,
                 _("fprime_by_hand(x) for {x}").format(x=of_shape("x", x)), rtol=1e-5,
                 hint=Hint(_("f is a product of x² and eˣ: the product rule gives two terms. ") + BY_HAND.format(name="fprime_by_hand"),
                           _("(u·v)' = u'·v + u·v', with u = x², v = eˣ.")))


# ----------------------------------------------------------------------------- ex5

@exercise("ch07.predict_dot")
def predict_dot(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x, z = torch.arange(4.0), torch.tensor([4.0, 5.0, 6.0, 7.0])
        for name, (expr, grad_of) in DOT_FACTS.items():
            C.tensor(L.get(name), grad_of(x, z), predicted(name, expr),
                     hint=Hint(_("write the dot product as a sum over i and differentiate one term; a leaf used twice "
                                 "gets a contribution from each use. Use float values.")))
        cases = [(x, z)]
    else:
        cases = [(R.randn(n), R.randn(n)) for n in (R.int(1, 6), R.int(2, 6), R.int(3, 6))]
    for x, z in cases:
        gx, gz = autograd(lambda a, b: torch.dot(a, b) + torch.dot(a, a), x, z)
        C.items(L.run(call_without_autograd, "dot_grads_by_hand", (x, z)), (gx, gz), ["gx", "gz"],
                _("dot_grads_by_hand(x, z) for x, z of shape {shape}").format(shape=tuple(x.shape)),
                hint=Hint(_("differentiate each dot product on its own and add; x appears in dot(x, x) twice. ")
                          + BY_HAND.format(name="dot_grads_by_hand"),
                          _("∂dot(x, z)/∂x = z, ∂dot(x, z)/∂z = x, ∂dot(x, x)/∂x = 2x.")))


# ----------------------------------------------------------------------------- ex6


@exercise("ch07.accumulate")
def accumulate(L: Learner, R: Rand, hidden: bool) -> None:
    xs = [torch.arange(4.0, requires_grad=True)] if not hidden else [random_x(R, 1, 1, 6) for _i in range(5)]
    for x in xs:
        g1 = autograd(lambda t: 2 * torch.dot(t, t), x)[0]
        g2 = autograd(lambda t: t.sum(), x)[0]
        what = _("two_grads(x) for x = {x}").format(x=[round(v, 4) for v in x.tolist()])
        got = C.parts(L.call("two_grads", x, inputs=True), what)
        C.items(got[0], (g1, g2), ["g1", "g2"], what,
                hint=Hint(_("does the second backward start from an empty x.grad? And is g1 still what it was after the second pass?"),
                          _("gradients add up in x.grad: call x.grad.zero_() between the two backward passes, "
                            "and keep a .clone() of the first (zero_() changes that very tensor).")))
        C.grad(got[1], g2, part(what, _("the leaf x after both passes")))


# ----------------------------------------------------------------------------- ex7


@exercise("ch07.retain_grad")
def retain_grad(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x = torch.ones(3, requires_grad=True)
        y = x * 2
        y.sum().backward()
        C.flag(L.get("predicted_y_is_leaf"), y.is_leaf, predicted("predicted_y_is_leaf", "y.is_leaf"),
               hint=Hint(_("was y made by you directly, or computed by an op?")))
        C.value(L.get("predicted_y_grad"), C.outcome(lambda: y.grad), predicted("predicted_y_grad", "y.grad"),
                hint=Hint(_("which tensors does backward fill .grad for, by default?")))
        C.flag(L.get("predicted_w_is_leaf"), (torch.ones(3) * 2).is_leaf, predicted("predicted_w_is_leaf", "(torch.ones(3) * 2).is_leaf"),
               hint=Hint(_("would autograd have anything to record for an op on a tensor that does not require grad?")))
        xs = [torch.tensor([0.0, 1.0, -1.0], requires_grad=True)]
    else:
        xs = [random_x(R) for _i in range(5)]
    for x in xs:
        xe = leaf(x)
        ye = xe.exp()
        gy, gx = torch.autograd.grad((ye * ye).sum(), [ye, xe])
        what = _("intermediate(x) for {x}").format(x=of_shape("x", x))
        got = C.parts(L.call("intermediate", x, inputs=True), what)
        returned = part(what, _("the returned y"))
        C.tensor(got[0], ye, returned, hint=Hint(_("return y = x.exp() itself.")))
        C.meta(got[0], "is_leaf", False, returned, hint=Hint(_("return the y of the graph, not a detached copy.")))
        C.grad(got[0], gy, returned, hint=Hint(_("y is not a leaf: what must you ask of it, and when, for backward to fill y.grad?"),
                                               _("call y.retain_grad() before backward.")))
        C.grad(got[1], gx, part(what, _("the leaf x")))


# ----------------------------------------------------------------------------- ex8


@exercise("ch07.backward_twice")
def backward_twice(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        for name, (expr, build) in TWICE.items():
            C.flag(L.get(name), _second_backward_raises(build), predicted(name, f"s = {expr}; s.backward(); s.backward()"),
                   hint=Hint(_("the first backward frees what the graph's nodes saved: which of these ops needs a saved tensor for its derivative?")))
        xs = [torch.tensor([1.0, 2.0, 3.0], requires_grad=True)]
    else:
        xs = [random_x(R) for _i in range(3)]
    for x in xs:
        for retain in (True, False):
            xe = leaf(x)
            want = C.outcome(_backward_twice, xe, retain)
            what = _("backward_twice(x, retain={retain}) for {x}").format(retain=retain, x=of_shape("x", x))
            got = C.parts(L.call("backward_twice", x, retain, inputs=True), what)
            C.same_outcome(got[0], want, what,
                           hint=Hint(_("pass retain exactly as given; where torch raises, your function must raise the same error."),
                                     _("x * x saves x for its backward; the first backward frees it unless retain_graph=True.")))
            C.grad(got[1], freeze(xe), part(what, _("the leaf x")), hint=Hint(_("the two passes add up in x.grad.")))


from . import _ch07_parameters  # noqa: E402,F401  (registers ex9 and ex10: no_grad and parameter)
