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
    """把 grad 求和缩回 shape：被广播重复过的输入，得到它各个副本上的梯度之和。"""
    lead = grad.ndim - len(shape)  # 广播在前面添加的维度
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape) if axes else grad


class Tensor:
    """一个 n 维 float64 数组及其梯度。"""

    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, _children=(), _op=""):
        """data 为 float64 的 ndarray，grad 为 None；只有梯度模式打开且某个子节点需要梯度时，才记录子节点。"""
        # 待办：按上面加粗的规则设置 self.data、grad、requires_grad、_prev、is_leaf、_op 和 _backward
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
        """data 的形状，一个元组。"""
        # 待办：返回 data 的形状
        return self.data.shape

    def __repr__(self):
        return f"Tensor({self.data}, requires_grad={self.requires_grad})"


class Tensor(Tensor):
    """做好的 + 及其反射形式：构造 out，定义 _backward，挂上它。"""

    def __add__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)  # 数字或数组：一个常数
        out = Tensor(self.data + other.data, _children=(self, other), _op="+")  # 1. 构造 out

        def _backward():  # 2. 两个局部导数都是 1：每个输入得到 out.grad，求和缩回它自己的形状
            self.grad += unbroadcast(out.grad, self.shape)
            other.grad += unbroadcast(out.grad, other.shape)
        out._backward = _backward  # 3. 挂上它
        return out

    def __radd__(self, other):  # 2 + x，以及 ndarray + x
        return self + other


class Tensor(Tensor):
    def __mul__(self, other):
        """self * other，逐元素并带广播；_backward 把每个输入应得的一份送给它，形状与它自己相同。"""
        # 待办：照着 __add__ 写，self 的局部导数是 other.data，other 的是 self.data，各自乘以 out.grad
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data * other.data, _children=(self, other), _op="*")

        def _backward():
            self.grad += unbroadcast(other.data * out.grad, self.shape)
            other.grad += unbroadcast(self.data * out.grad, other.shape)
        out._backward = _backward
        return out

    def __rmul__(self, other):
        """other * self，用于左边是数字或数组的情形。"""
        # 待办：一行，照着 __radd__ 写
        return self * other


class Tensor(Tensor):
    def topological_order(self):
        """self 背后的每个节点，各出现一次，且排在它所有的输入之后；self 排在最后。"""
        # 待办：用一个由 (node, inputs_done) 对组成的显式栈做后序遍历，跳过已经见过的节点
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
        """按第 1-6 条规则，填好 self 背后每个需要梯度的叶子节点的 .grad。"""
        # 待办：依次按上面的第 1-6 条规则做
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
        """e ** self，逐元素。"""
        # 待办：构造 out，定义 _backward（局部导数：out.data），挂上它，返回 out
        out = Tensor(np.exp(self.data), _children=(self,), _op="exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        """自然对数，逐元素。"""
        # 待办：局部导数 1 / self.data
        out = Tensor(np.log(self.data), _children=(self,), _op="log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self):
        """tanh，逐元素。"""
        # 待办：局部导数 1 - out.data ** 2
        out = Tensor(np.tanh(self.data), _children=(self,), _op="tanh")

        def _backward():
            self.grad += (1.0 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        """max(self, 0)，逐元素。"""
        # 待办：局部导数 (self.data > 0)
        out = Tensor(np.maximum(self.data, 0.0), _children=(self,), _op="relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out


class Tensor(Tensor):
    def __pow__(self, k):
        """对 Python 数 k 求 self ** k。"""
        assert isinstance(k, (int, float)), "指数只能是 Python 数"
        # 待办：构造 out，定义 _backward（局部导数 k * self.data ** (k - 1)），挂上它，返回 out
        out = Tensor(self.data ** k, _children=(self,), _op=f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        """-self."""
        # 待办：一行，用一个已有的运算
        return self * -1.0

    def __sub__(self, other):
        """self - other."""
        # 待办：一行，用 + 和 -x
        return self + (-other)

    def __truediv__(self, other):
        """self / other."""
        # 待办：一行：self 乘以 other 的 -1 次幂
        return self * (other if isinstance(other, Tensor) else Tensor(other)) ** -1

    def __rsub__(self, other):  # 2.0 - x
        return (-self) + other

    def __rtruediv__(self, other):  # 1 / x
        return self ** -1 * other


class Tensor(Tensor):
    def sum(self, axis=None, keepdims=False):
        """沿 axis（一个整数、一个元组，或表示全部的 None）求和，与 numpy 的相同。"""
        # 待办：由 self.data.sum(axis=axis, keepdims=keepdims) 构造 out；_backward 把 out.grad 广播回 self 的形状
        out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), _children=(self,), _op="sum")

        def _backward():
            g = out.grad if keepdims or axis is None else np.expand_dims(out.grad, axis)
            self.grad += np.broadcast_to(g, self.shape)
        out._backward = _backward
        return out

    def mean(self, axis=None, keepdims=False):
        """沿 axis 求均值，与 numpy 的相同。"""
        # 待办：一两行：和，乘以（out 的元素数 / self 的元素数）
        s = self.sum(axis, keepdims)
        return s * (s.data.size / self.data.size)


class Tensor(Tensor):
    def reshape(self, *shape):
        """同样的数换一个形状；reshape(2, 3) 或 reshape((2, 3))。"""
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        # 待办：由 self.data.reshape(shape) 构造 out；_backward 把 out.grad reshape 回 self 的形状
        out = Tensor(self.data.reshape(shape), _children=(self,), _op="reshape")

        def _backward():
            self.grad += out.grad.reshape(self.shape)
        out._backward = _backward
        return out

    def transpose(self):
        """把所有维度倒过来，与 numpy 的 .T 相同。"""
        # 待办：由 self.data.T 构造 out；_backward 把 out.grad 转置回去
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
        """self @ other，二维或批量。"""
        # 待办：构造 out，再写 _backward：self 得到 out.grad @ other 的转置，other 得到 self 的转置 @ out.grad，各自 unbroadcast 到自己的形状
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
        """在同样数据上的新叶子节点，没有历史。"""
        # 待办：一行：在 self.data 上的 Tensor（不复制）
        return Tensor(self.data)


@contextlib.contextmanager
def no_grad():
    """代码块内的运算不记录计算图；之后无论是否出错，都恢复之前的梯度模式。"""
    # 待办：记住 GradMode.enabled，把它关掉，yield，再在 finally: 里恢复它
    previous, GradMode.enabled = GradMode.enabled, False
    try:
        yield
    finally:
        GradMode.enabled = previous
