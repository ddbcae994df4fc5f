"""The course's reference engine: a numpy-backed Tensor with reverse-mode autodiff.

It is the solution of chapter 09, on the grader's side only: chapter 09's grading runs one step of a
learner's engine on top of the other steps done right (:func:`autograder.checking.steps.hybrid`, which
reaches this module only through :func:`autograder.checking.graphs.reference_engine`), and ``make bench``
times it against torch. A student's environment (``make student-env``) does not contain it.

Style: micrograd's engine.py, on arrays. Every op builds ``out``, defines ``_backward``
(which adds into its inputs' ``.grad`` buffers) and attaches it; derived ops are one-liners.
"""
from __future__ import annotations

import contextlib

import numpy as np

# torch's own words: the tests compare them with what torch raises.
SCALAR_ONLY = "grad can be implicitly created only for scalar outputs"
NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn"
FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
         "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
         "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
         "if you need to access saved tensors after calling backward.")


class GradMode:
    """Whether ops record a graph; ``no_grad`` switches it off."""
    enabled = True


@contextlib.contextmanager
def no_grad():
    prev, GradMode.enabled = GradMode.enabled, False
    try:
        yield
    finally:  # restore, not set True: no_grad blocks nest, and an error must not leave grad mode off
        GradMode.enabled = prev


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: an input that broadcasting repeated receives the sum over its copies."""
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape) if axes else grad


class Tensor:
    """An n-dimensional float64 array and its gradient."""

    __array_ufunc__ = None  # numpy hands `ndarray + Tensor` back to Tensor.__radd__ instead of looping over it

    def __init__(self, data, requires_grad=False, _children=(), _op=""):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = None
        record = GradMode.enabled and any(c.requires_grad for c in _children)
        self.requires_grad = bool(requires_grad) or record
        self._prev = tuple(_children) if record else ()  # no graph for results nobody differentiates
        self.is_leaf = not self._prev
        self._op = _op
        self._backward = lambda: None

    @property
    def shape(self):
        return self.data.shape

    def __repr__(self):
        return f"Tensor({self.data}, requires_grad={self.requires_grad})"

    # ---- + (worked in the chapter) and * (exercise 4), with unbroadcast ----
    def __add__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data + other.data, _children=(self, other), _op="+")

        def _backward():
            self.grad += unbroadcast(out.grad, self.shape)
            other.grad += unbroadcast(out.grad, other.shape)
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data * other.data, _children=(self, other), _op="*")

        def _backward():
            self.grad += unbroadcast(other.data * out.grad, self.shape)
            other.grad += unbroadcast(self.data * out.grad, other.shape)
        out._backward = _backward
        return out

    def __radd__(self, other): return self + other
    def __rmul__(self, other): return self * other

    # ---- exercise 5: topological order ----
    def topological_order(self):
        """Every node of the graph behind self, each after all of its inputs; self comes last."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # an explicit stack: deep graphs (long loops) would overflow Python's recursion limit
            v, inputs_done = stack.pop()
            if inputs_done:
                order.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((c, False) for c in reversed(v._prev))
        return order

    # ---- exercise 6: backward ----
    def backward(self, gradient=None, retain_graph=False):
        if not self.requires_grad:
            raise RuntimeError(NO_GRAD_FN)
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(SCALAR_ONLY)
            gradient = np.ones_like(self.data)
        topo = self.topological_order()
        if any(v._backward is None for v in topo):
            raise RuntimeError(FREED)
        for v in topo:  # fresh zero buffers for intermediates; leaves keep theirs, so grads accumulate
            if v._prev or v.grad is None:
                v.grad = np.zeros_like(v.data)
        self.grad += gradient.data if isinstance(gradient, Tensor) else np.asarray(gradient, dtype=np.float64)
        for v in reversed(topo):
            if v._prev:  # a leaf has nothing to pass on (and a constant's closure has no buffers to fill)
                v._backward()
        for v in topo:
            if v._prev or not v.requires_grad:
                v.grad = None  # as torch: only leaves that require grad keep a .grad
            if v._prev and not retain_graph:
                v._backward = None  # free what the closure saved; a second pass must fail
        return None

    # ---- exercise 8: exp, log, relu, tanh ----
    def exp(self):
        out = Tensor(np.exp(self.data), _children=(self,), _op="exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Tensor(np.log(self.data), _children=(self,), _op="log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def relu(self):
        out = Tensor(np.maximum(self.data, 0.0), _children=(self,), _op="relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad  # torch's choice at 0: gradient 0
        out._backward = _backward
        return out

    def tanh(self):
        out = Tensor(np.tanh(self.data), _children=(self,), _op="tanh")

        def _backward():
            self.grad += (1.0 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    # ---- exercise 9: ** and the one-liners built on + * ** ----
    def __pow__(self, k):
        assert isinstance(k, (int, float)), "only a Python number as exponent"
        out = Tensor(self.data ** k, _children=(self,), _op=f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self): return self * -1.0
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return (-self) + other
    def __truediv__(self, other): return self * (other if isinstance(other, Tensor) else Tensor(other)) ** -1
    def __rtruediv__(self, other): return self ** -1 * other

    # ---- exercise 10: sum and mean ----
    def sum(self, axis=None, keepdims=False):
        out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), _children=(self,), _op="sum")

        def _backward():
            g = out.grad if keepdims or axis is None else np.expand_dims(out.grad, axis)
            self.grad += np.broadcast_to(g, self.shape)  # every summed element gets the same gradient
        out._backward = _backward
        return out

    def mean(self, axis=None, keepdims=False):
        s = self.sum(axis, keepdims)
        return s * (s.data.size / max(self.data.size, 1))

    # ---- exercise 11: reshape and transpose ----
    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        out = Tensor(self.data.reshape(shape), _children=(self,), _op="reshape")

        def _backward():
            self.grad += out.grad.reshape(self.shape)
        out._backward = _backward
        return out

    def transpose(self):
        out = Tensor(self.data.T, _children=(self,), _op="T")

        def _backward():
            self.grad += out.grad.T
        out._backward = _backward
        return out

    @property
    def T(self): return self.transpose()

    # ---- exercise 12: matrix products ----
    def __matmul__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data @ other.data, _children=(self, other), _op="@")

        def _backward():
            # Skip inputs that need no gradient: for the data batch X in X @ W it is a whole matmul saved.
            if self.requires_grad:
                self.grad += unbroadcast(out.grad @ np.swapaxes(other.data, -1, -2), self.shape)
            if other.requires_grad:
                other.grad += unbroadcast(np.swapaxes(self.data, -1, -2) @ out.grad, other.shape)
        out._backward = _backward
        return out

    def __rmatmul__(self, other): return Tensor(other) @ self

    # ---- exercise 13: detach (and no_grad, above) ----
    def detach(self):
        return Tensor(self.data)  # np.asarray keeps the same float64 array: no copy, no history
