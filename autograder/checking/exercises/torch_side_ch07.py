"""Chapter 07's torch side: the inputs, facts and plain-torch computations its exercises compare against."""
from __future__ import annotations

import torch

from .. import checks as C
from ..exercise import Rand
from ..grads import autograd


def _random_numbers(R: Rand, ints_only: bool) -> list:
    """A list or list of lists of Python numbers: all ints (torch would infer int64), or ints and floats."""
    def number():
        return R.int(-9, 9) if ints_only or R.int(0, 1) else R.int(-90, 90) / 10
    rows, cols = R.int(1, 3), R.int(1, 4)
    values = [[number() for _c in range(cols)] for _r in range(rows)]
    return values[0] if rows == 1 else values


WHY_BACKWARD_FAILED = {
    "A": "x ** 2 has no derivative at 0, so torch refuses; torch.ones_like smooths it.",
    "B": "backward() computes a vector-Jacobian product vᵀJ. For a scalar output v defaults to 1, but for a "
         "non-scalar y torch cannot guess v, so you pass one of y's shape; ones_like gives the gradient of y.sum().",
    "C": "only leaf tensors can call backward(); backward(torch.ones_like(x)) turns y into a leaf first.",
    "D": "x was made with the old Variable class; passing torch.ones_like(x) converts it to a modern tensor.",
}


# Exercise 2's lines, each run with implicit v on a fresh x = torch.ones(2, 3, requires_grad=True).
IMPLICIT = {"predicted_raises_row": ("(x[0] ** 2).backward()", lambda x: x[0] ** 2),
            "predicted_raises_corner": ("(x[:1, :1] ** 2).backward()", lambda x: x[:1, :1] ** 2),
            "predicted_raises_mean": ("(x ** 2).mean().backward()", lambda x: (x ** 2).mean())}


def _implicit_backward_raises(build) -> bool:
    out = build(torch.ones(2, 3, requires_grad=True))
    return C.outcome(out.backward).kind == "exception"


def _square_backward(x: torch.Tensor, gradient=None) -> torch.Tensor:
    y = x ** 2
    y.backward(gradient)
    return x.grad


def seed_f(x: torch.Tensor) -> torch.Tensor:
    return x ** 2 * torch.exp(x)


DOT_FACTS = {
    "predicted_z_grad": ("torch.dot(x, z).backward()", lambda x, z: autograd(torch.dot, x, z)[1]),
    "predicted_xx_grad": ("torch.dot(x, x).backward()", lambda x, z: autograd(lambda t: torch.dot(t, t), x)[0]),
    "predicted_double_dot_grad": ("(2 * torch.dot(x, x)).backward()", lambda x, z: autograd(lambda t: 2 * torch.dot(t, t), x)[0]),
}


def _backward_twice(x: torch.Tensor, retain: bool) -> torch.Tensor:
    s = (x * x).sum()
    s.backward(retain_graph=retain)
    s.backward()
    return x.grad


TWICE = {"predicted_twice_square": ("(x * x).sum()", lambda x: (x * x).sum()),
         "predicted_twice_add": ("(x + 1).sum()", lambda x: (x + 1).sum()),
         "predicted_twice_scale": ("(2 * x).sum()", lambda x: (2 * x).sum())}


def _second_backward_raises(build) -> bool:
    x = torch.ones(3, requires_grad=True)
    s = build(x)
    s.backward()
    return C.outcome(s.backward).kind == "exception"


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


def _torch_scale(n: int, x: torch.Tensor) -> tuple:
    weight = torch.nn.Parameter(torch.ones(n))
    out = x * weight
    out.sum().backward()
    return (["weight"], weight, out)
