"""Chapter 09's Tensor API, computed by ``torch.autograd``: a thin adapter, not an autograd.

Chapter 10 falls back to it when the learner's own engine (chapter 09's saved ``mini_autograd.py``) is
missing or fails chapter 09's checks, and chapter 10's tests run the learner's functions on it, so that
grading chapter 10 never depends on chapter-09 answers. Every op hands its work to torch, and
``backward`` is torch's: nothing here is an answer to chapter 09 (no ``unbroadcast``, no topological
order, no local derivatives).

The API is the one chapter 09 builds: ``data`` and ``grad`` are float64 ndarrays (``grad`` is None until
a backward pass reaches a leaf that requires grad; a non-leaf's stays None), ``requires_grad``,
``is_leaf``, ``shape``; ``+ - * / ** @`` and their reflected forms, ``-x``, ``exp``, ``log``, ``relu``,
``tanh``, ``sum`` and ``mean`` (``axis``, ``keepdims``), ``reshape``, ``transpose`` and ``.T``,
``backward(gradient=None, retain_graph=False)``, ``detach``; and ``no_grad()``.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

import numpy as np
import torch


def _array(x: Any) -> np.ndarray:
    """A float64 ndarray torch can wrap without a warning (writable, no negative strides)."""
    a = np.asarray(x, dtype=np.float64)
    if not a.flags.writeable or any(s < 0 for s in a.strides):
        a = a.copy()
    return a


def _torch(x: Any) -> torch.Tensor:
    if isinstance(x, Tensor):
        return x._t
    if hasattr(x, "_prev") and hasattr(x, "data"):
        raise TypeError("this Tensor comes from another engine: the torch adapter cannot mix with it "
                        "(build every tensor with the same Tensor class)")
    return torch.from_numpy(_array(x).copy())  # a constant: never shares the caller's array


def _wrap(t: torch.Tensor) -> "Tensor":
    out = Tensor.__new__(Tensor)
    out._t = t
    return out


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Ops inside the block record no graph (torch.no_grad)."""
    with torch.no_grad():
        yield


class Tensor:
    """An n-dimensional float64 array and its gradient, kept by torch."""

    __array_ufunc__ = None  # numpy hands `ndarray + Tensor` back to Tensor.__radd__

    def __init__(self, data: Any, requires_grad: bool = False):
        self._t = torch.from_numpy(_array(data.data if isinstance(data, Tensor) else data))
        if requires_grad:
            self._t.requires_grad_(True)

    @property
    def data(self) -> np.ndarray:
        return self._t.detach().numpy()  # a view: `p.data -= ...` changes the tensor in place

    @data.setter
    def data(self, value: Any) -> None:
        self._t.data = torch.from_numpy(_array(value))

    @property
    def grad(self) -> np.ndarray | None:
        if not self._t.is_leaf:  # as chapter 09: a non-leaf keeps no .grad (and torch would warn)
            return None
        g = self._t.grad
        return None if g is None else g.numpy()

    @grad.setter
    def grad(self, value: Any) -> None:
        self._t.grad = None if value is None else torch.from_numpy(_array(value).copy())

    @property
    def requires_grad(self) -> bool:
        return self._t.requires_grad

    @property
    def is_leaf(self) -> bool:
        return self._t.is_leaf

    @property
    def shape(self) -> tuple:
        return tuple(self._t.shape)

    def __repr__(self) -> str:
        return f"Tensor({self.data}, requires_grad={self.requires_grad})"

    def __add__(self, other): return _wrap(self._t + _torch(other))
    def __radd__(self, other): return _wrap(_torch(other) + self._t)
    def __sub__(self, other): return _wrap(self._t - _torch(other))
    def __rsub__(self, other): return _wrap(_torch(other) - self._t)
    def __mul__(self, other): return _wrap(self._t * _torch(other))
    def __rmul__(self, other): return _wrap(_torch(other) * self._t)
    def __truediv__(self, other): return _wrap(self._t / _torch(other))
    def __rtruediv__(self, other): return _wrap(_torch(other) / self._t)
    def __matmul__(self, other): return _wrap(self._t @ _torch(other))
    def __rmatmul__(self, other): return _wrap(_torch(other) @ self._t)
    def __neg__(self): return _wrap(-self._t)

    def __pow__(self, k):
        if not isinstance(k, (int, float)):
            raise TypeError("only a Python number as exponent")
        return _wrap(self._t ** k)

    def exp(self): return _wrap(self._t.exp())
    def log(self): return _wrap(self._t.log())
    def tanh(self): return _wrap(self._t.tanh())
    def relu(self): return _wrap(torch.relu(self._t))

    def sum(self, axis=None, keepdims=False): return self._reduce(torch.sum, axis, keepdims)
    def mean(self, axis=None, keepdims=False): return self._reduce(torch.mean, axis, keepdims)

    def _reduce(self, fn, axis, keepdims):
        if axis is None:
            r = fn(self._t)
            return _wrap(r.reshape([1] * self._t.ndim) if keepdims else r)
        return _wrap(fn(self._t, dim=axis, keepdim=keepdims))

    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return _wrap(self._t.reshape(tuple(shape)))

    def transpose(self): return _wrap(self._t.permute(tuple(reversed(range(self._t.ndim)))))

    @property
    def T(self): return self.transpose()

    def backward(self, gradient=None, retain_graph=False):
        g = None if gradient is None else _torch(gradient).detach()
        self._t.backward(g, retain_graph=retain_graph)

    def detach(self): return _wrap(self._t.detach())  # same storage, no history
