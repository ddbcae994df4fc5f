"""Chapter 09's later steps: the ops written once the engine has a backward (``ch09_mini_autograd`` imports this).

Each step's graphs use only its own ops and the ones before it; the hidden graphs are built around the
structures that expose the step's typical wrong engines (:func:`autograder.checking.random_graphs.step_graph`).
"""
from __future__ import annotations

import numpy as np

from .. import capstone as K
from .. import checks as C
from ..exercise import Learner, Rand
from ..failure import Hint
from ..i18n import _
from ..random_graphs import step_graph
from .ch09_mini_autograd import _graphs, _spec, climbable


def _specs(R: Rand, hidden: bool, step: str, visible) -> list[dict]:
    """The visible graphs (``visible()``), or the hidden tests' random ones."""
    return visible() if not hidden else [step_graph(R, step) for _k in range(5)]


@climbable("unary")
def unary(L: Learner, R: Rand, hidden: bool) -> None:
    specs = _specs(R, hidden, "unary", lambda: [
        _spec(R, [(3,)], [("exp", 0), ("log", 0), ("tanh", 0), ("add", 1, 2), ("add", 4, 3)]),
        _spec(R, [(2, 3), (3,)], [("cmul", 0, -1.0), ("add", 2, 1), ("relu", 3), ("tanh", 3), ("mul", 4, 5)], low=-2.0),
        _spec(R, [(2,)], [("exp", 0), ("mul", 1, 0), ("log", 2), ("tanh", 1), ("add", 3, 4)])])
    _graphs(L, K.ch09_graph, "unary", specs, Hint(
        _("each op's local derivative times out.grad; which of them is easiest to write with out.data?"),
        _("the local derivatives: exp gives its own output; log, one over its input; tanh, one minus its output "
          "squared (the output, not the input); relu, one where the input is positive and zero elsewhere.")))


@climbable("arith")
def arith(L: Learner, R: Rand, hidden: bool) -> None:
    specs = _specs(R, hidden, "arith", lambda: [
        _spec(R, [(2, 3), (3,)], [("sub", 0, 1), ("div", 0, 1), ("pow", 0, 3), ("mul", 2, 3), ("add", 5, 4)]),
        _spec(R, [(2,)], [("neg", 0), ("rsub", 0, 1.0), ("rdiv", 0, 2.0), ("pow", 0, -1), ("mul", 2, 3), ("add", 5, 1)]),
        _spec(R, [(3, 1), (1, 2)], [("csub", 0, 0.5), ("cdiv", 1, 4.0), ("pow", 1, 0.5), ("div", 2, 3), ("add", 5, 4)])])
    _graphs(L, K.ch09_graph, "arith", specs, Hint(
        _("x ** k has its own _backward; the others are one-liners built on ops you already have. Which one "
          "disagrees with torch?"),
        _("the power rule, times the incoming gradient (the chain rule): k times the input to the power k - 1, times "
          "out.grad. Negation is a product with -1, subtraction adds the negation, division multiplies by the power -1.")))


@climbable("sum_mean")
def sum_mean(L: Learner, R: Rand, hidden: bool) -> None:
    specs = _specs(R, hidden, "sum_mean", lambda: [
        _spec(R, [(2, 3, 4)], [("sum", 0, 1, False)]),
        _spec(R, [(2, 3, 4)], [("mean", 0, (0, 2), True)]),
        _spec(R, [(2, 3)], [("sum", 0, None, False)], grad=False),
        _spec(R, [(3, 2), (2,)], [("mul", 0, 1), ("mean", 2, -1, False), ("sum", 0, 0, True), ("sum", 4, None, False),
                                 ("sum", 3, None, False), ("add", 5, 6)], grad=False)])
    _graphs(L, K.ch09_graph, "sum_mean", specs, Hint(
        _("every summed element receives the same gradient. Without keepdims, which axes are missing from "
          "out.grad, and what does broadcasting do with the ones that are left?"),
        _("when keepdims is False and an axis was given, put the summed axes back into out.grad with np.expand_dims "
          "first; then broadcast it to the input's shape. mean is the sum scaled by the output's size over the input's.")))


@climbable("shapes")
def shapes(L: Learner, R: Rand, hidden: bool) -> None:
    specs = _specs(R, hidden, "shapes", lambda: [
        _spec(R, [(2, 3)], [("T", 0)]),
        _spec(R, [(2, 3, 4)], [("reshape", 0, (4, 6)), ("T", 1), ("reshape", 2, (-1,))]),
        _spec(R, [(2, 3), (3, 2)], [("T", 0), ("mul", 2, 1), ("reshape", 3, (6, 1))])])
    _graphs(L, K.ch09_graph, "shapes", specs, Hint(
        _("these ops move numbers without changing them: the gradient goes back to where each number came from, "
          "in the input's shape."),
        _("reshape's backward reshapes out.grad to the input's shape; transpose's transposes out.grad once more.")))


@climbable("matmul")
def matmul(L: Learner, R: Rand, hidden: bool) -> None:
    specs = _specs(R, hidden, "matmul", lambda: [
        _spec(R, [(2, 3), (3, 4)], [("matmul", 0, 1)]),
        _spec(R, [(2, 2, 3), (3, 2)], [("matmul", 0, 1)]),  # batched: the (3, 2) matrix is used by both batches
        _spec(R, [(3, 2)], [("rmatmul", 0, np.ones((1, 3))), ("T", 0), ("matmul", 1, 2)])])
    _graphs(L, K.ch09_graph, "matmul", specs, Hint(
        _("for out = a @ b, a's gradient is out.grad times b's transpose, on the right; b's is a's transpose times "
          "out.grad. With a batch, what is the transpose of a 3-D array, and who receives the batch's sum?"),
        _("transpose with np.swapaxes on the last two axes (not .T, which reverses them all), and sum each input's "
          "gradient back to its own shape with unbroadcast, as __add__ does.")))


@climbable("detach_no_grad")
def detach_no_grad(L: Learner, R: Rand, hidden: bool) -> None:
    inputs = [np.array([1.0, -2.0, 3.0])] if not hidden else [R.np.standard_normal(R.shape(1, 3, 4)) for _k in range(3)]
    got = [L.run(K.ch09_detach_no_grad, X) for X in inputs]
    names = ["x.data", "x.detach().data", "x.detach().requires_grad", "x.detach().is_leaf", "x.detach().grad",
             "y.data (y = x * x)", "y.detach().data", "y.detach().requires_grad",
             _("x.grad after (x.detach() * x).sum().backward()"), _("(x * 2).requires_grad under no_grad"),
             _("(x * 2).is_leaf under no_grad"), _("(x * 2).requires_grad in an outer no_grad after an inner one closed"),
             _("(x * 2).requires_grad after no_grad"), _("(x * 2).is_leaf after no_grad"),
             _("(x * 2).requires_grad after an error inside no_grad")]
    for g, X in zip(got, inputs):
        what = _("detach and no_grad with x of shape {shape}").format(shape=X.shape)
        C.items(g, C.outcome(K.detach_no_grad_torch, X), names, what, hint=Hint(
            _("detach: a new leaf with no history. no_grad: what should the mode be after the block, if it was "
              "already off when the block began, or if the block raised?"),
            _("remember the old mode, switch it off, yield, and restore the old mode in a `finally:`.")))
        parts = C.parts(g, what)
        for i, j, name in ((0, 1, "x.detach()"), (5, 6, "y.detach()")):
            C.shares_memory(parts[i], parts[j], True, _("{what}: {name}.data and the original's .data").format(what=what, name=name),
                            hint=_("detach must not copy: Tensor(self.data) keeps the same float64 ndarray."))
