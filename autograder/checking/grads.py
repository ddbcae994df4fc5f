"""torch's side of a gradient check: the same values, fresh leaves, ``torch.autograd``; and the learner's side
of a "by hand" exercise, run with autograd switched off.

Exercises hand the learner's function its own leaves and read their ``.grad`` afterwards; the
expected gradient is computed here on *separate* leaves, so nothing the learner's code does to
its inputs (accumulating, zeroing, detaching) can leak into what it is compared with.
"""
from __future__ import annotations

import copy
from typing import Callable

import torch

from .exercise import Rand, _Missing, step


def leaf(t: torch.Tensor) -> torch.Tensor:
    """A fresh leaf that requires grad, holding t's values."""
    return t.detach().clone().requires_grad_(True)


def autograd(fn: Callable[..., torch.Tensor], *inputs: torch.Tensor, grad_outputs=None) -> tuple[torch.Tensor, ...]:
    """The gradients of ``fn(*inputs)`` (weighted by ``grad_outputs`` if not a scalar) w.r.t. each input."""
    leaves = [leaf(t) for t in inputs]
    return torch.autograd.grad(fn(*leaves), leaves, grad_outputs=grad_outputs)


def random_leaf(R: Rand, min_dims: int = 1, max_dims: int = 3, max_size: int = 4) -> torch.Tensor:
    """A random float32 leaf that requires grad, of a random shape."""
    return R.randn(*R.shape(min_dims, max_dims, max_size), requires_grad=True)


@step
def call_without_autograd(ns: dict, name: str, args: tuple) -> object:
    """``ns[name](*args)`` inside ``torch.inference_mode()``: nothing is recorded, so a ``backward()`` there fails
    (``torch.enable_grad()`` does not switch recording back on). A "by hand" exercise means a formula."""
    if name not in ns:
        return _Missing(name)
    with torch.inference_mode():
        return ns[name](*copy.deepcopy(args))
