"""Your chapter-09 engine, saved by save_engine() in 09_mini_autograd.ipynb; chapter 10 imports it.

Generated from the cells you ran: edit those and run the last cell of chapter 09 again, not this file.
"""
import contextlib
import math
from contextlib import contextmanager

import numpy as np


class GradMode:
    """Whether ops record a graph; no_grad switches it off."""
    enabled = True


def unbroadcast(grad, shape):
    """Sum grad down to shape: an input that broadcasting repeated receives the sum over its copies."""
    lead = grad.ndim - len(shape)  # dimensions broadcasting added in front
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape) if axes else grad


class Tensor:
    """An n-dimensional float64 array and its gradient."""

    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, _children=(), _op=""):
        """data as a float64 ndarray, grad None; the children are recorded only when grad mode is on and one requires grad."""
        # todo: set self.data, grad, requires_grad, _prev, is_leaf, _op and _backward, following the rule in bold above
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = None
        record = GradMode.enabled and any(c.requires_grad for c in _children)
        self.requires_grad = bool(requires_grad) or record
        self._prev = tuple(_children) if record else ()
        self.is_leaf = not self._prev
        self._op = _op
        self._backward = lambda: None

    @property
    def shape(self):
        """The shape of data, a tuple."""
        # todo: return data's shape
        return self.data.shape

    def __repr__(self):
        return f"Tensor({self.data}, requires_grad={self.requires_grad})"


class Tensor(Tensor):
    """+ and its reflected form, worked: build out, define _backward, attach it."""

    def __add__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)  # a number or an array: a constant
        out = Tensor(self.data + other.data, _children=(self, other), _op="+")  # 1. build out

        def _backward():  # 2. both local derivatives are 1: each input gets out.grad, summed to its own shape
            self.grad += unbroadcast(out.grad, self.shape)
            other.grad += unbroadcast(out.grad, other.shape)
        out._backward = _backward  # 3. attach it
        return out

    def __radd__(self, other):  # 2 + x, and ndarray + x
        return self + other


class Tensor(Tensor):
    def __mul__(self, other):
        """self * other, elementwise with broadcasting; _backward sends each input its share, in its own shape."""
        # todo: as __add__, with local derivative other.data for self and self.data for other, each times out.grad
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data * other.data, _children=(self, other), _op="*")

        def _backward():
            self.grad += unbroadcast(other.data * out.grad, self.shape)
            other.grad += unbroadcast(self.data * out.grad, other.shape)
        out._backward = _backward
        return out

    def __rmul__(self, other):
        """other * self, for a number or an array on the left."""
        # todo: one line, as __radd__
        return self * other


class Tensor(Tensor):
    def topological_order(self):
        """Every node behind self, each once and after all of its inputs; self last."""
        # todo: a post-order walk with an explicit stack of (node, inputs_done) pairs, skipping nodes already seen
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            v, inputs_done = stack.pop()
            if inputs_done:
                order.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((c, False) for c in reversed(v._prev))
        return order


class Tensor(Tensor):
    def backward(self, gradient=None, retain_graph=False):
        """Fill .grad of every leaf behind self that requires grad, following rules 1-6."""
        # todo: follow rules 1-6 above, in order
        if not self.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            gradient = np.ones_like(self.data)
        topo = self.topological_order()
        if any(v._backward is None for v in topo):
            raise RuntimeError("Trying to backward through the graph a second time. Specify retain_graph=True "
                               "if you need to backward through the graph a second time.")
        for v in topo:
            if v._prev or v.grad is None:
                v.grad = np.zeros_like(v.data)
        self.grad += gradient
        for v in reversed(topo):
            if v._prev:
                v._backward()
        for v in topo:
            if v._prev or not v.requires_grad:
                v.grad = None
            if v._prev and not retain_graph:
                v._backward = None


class Tensor(Tensor):
    def exp(self):
        """e ** self, elementwise."""
        # todo: build out, define _backward (local derivative: out.data), attach it, return out
        out = Tensor(np.exp(self.data), _children=(self,), _op="exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        """The natural logarithm, elementwise."""
        # todo: local derivative 1 / self.data
        out = Tensor(np.log(self.data), _children=(self,), _op="log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self):
        """tanh, elementwise."""
        # todo: local derivative 1 - out.data ** 2
        out = Tensor(np.tanh(self.data), _children=(self,), _op="tanh")

        def _backward():
            self.grad += (1.0 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        """max(self, 0), elementwise."""
        # todo: local derivative (self.data > 0)
        out = Tensor(np.maximum(self.data, 0.0), _children=(self,), _op="relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out


class Tensor(Tensor):
    def __pow__(self, k):
        """self ** k for a Python number k."""
        assert isinstance(k, (int, float)), "only a Python number as exponent"
        # todo: build out, define _backward (local derivative k * self.data ** (k - 1)), attach it, return out
        out = Tensor(self.data ** k, _children=(self,), _op=f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        """-self."""
        # todo: one line, with an op you have
        return self * -1.0

    def __sub__(self, other):
        """self - other."""
        # todo: one line, with + and -x
        return self + (-other)

    def __truediv__(self, other):
        """self / other."""
        # todo: one line: self times other to the power -1
        return self * (other if isinstance(other, Tensor) else Tensor(other)) ** -1

    def __rsub__(self, other):  # 2.0 - x
        return (-self) + other

    def __rtruediv__(self, other):  # 1 / x
        return self ** -1 * other


class Tensor(Tensor):
    def sum(self, axis=None, keepdims=False):
        """The sum over axis (an int, a tuple, or None for all), as numpy's."""
        # todo: build out from self.data.sum(axis=axis, keepdims=keepdims); _backward broadcasts out.grad back to self's shape
        out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), _children=(self,), _op="sum")

        def _backward():
            g = out.grad if keepdims or axis is None else np.expand_dims(out.grad, axis)
            self.grad += np.broadcast_to(g, self.shape)
        out._backward = _backward
        return out

    def mean(self, axis=None, keepdims=False):
        """The mean over axis, as numpy's."""
        # todo: one line or two: the sum, times (out's size / self's size)
        s = self.sum(axis, keepdims)
        return s * (s.data.size / self.data.size)


class Tensor(Tensor):
    def reshape(self, *shape):
        """The same numbers in a new shape; reshape(2, 3) or reshape((2, 3))."""
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        # todo: build out from self.data.reshape(shape); _backward reshapes out.grad back to self's shape
        out = Tensor(self.data.reshape(shape), _children=(self,), _op="reshape")

        def _backward():
            self.grad += out.grad.reshape(self.shape)
        out._backward = _backward
        return out

    def transpose(self):
        """All dimensions reversed, as numpy's .T."""
        # todo: build out from self.data.T; _backward transposes out.grad back
        out = Tensor(self.data.T, _children=(self,), _op="T")

        def _backward():
            self.grad += out.grad.T
        out._backward = _backward
        return out

    @property
    def T(self):
        return self.transpose()


class Tensor(Tensor):
    def __matmul__(self, other):
        """self @ other, 2-D or batched."""
        # todo: build out, then a _backward with out.grad @ other's transpose for self and self's transpose @ out.grad for other, unbroadcast to each shape
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data @ other.data, _children=(self, other), _op="@")

        def _backward():
            self.grad += unbroadcast(out.grad @ np.swapaxes(other.data, -1, -2), self.shape)
            other.grad += unbroadcast(np.swapaxes(self.data, -1, -2) @ out.grad, other.shape)
        out._backward = _backward
        return out

    def __rmatmul__(self, other):  # ndarray @ x
        return Tensor(other) @ self


class Tensor(Tensor):
    def detach(self):
        """A new leaf on the same data, with no history."""
        # todo: one line: a Tensor on self.data (no copy)
        return Tensor(self.data)


@contextlib.contextmanager
def no_grad():
    """Ops inside the block record no graph; the grad mode from before comes back afterwards, error or not."""
    # todo: remember GradMode.enabled, switch it off, yield, and restore it in a finally:
    previous, GradMode.enabled = GradMode.enabled, False
    try:
        yield
    finally:
        GradMode.enabled = previous
