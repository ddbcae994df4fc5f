"""Typical wrong answers for chapter 09, one per step: each must lose points on its own step only."""
WRONG = {
    # = instead of +=: a Value used twice keeps only the last contribution
    "ex1_value": '''
class Value(Value):
    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for child in v._prev:
                    visit(child)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()
''',
    # results never learn to require grad, and always keep their inputs
    "ex2_tensor": '''
class Tensor:
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, _children=(), _op=""):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = None
        self.requires_grad = requires_grad
        self._prev = tuple(_children)
        self.is_leaf = True
        self._op = _op
        self._backward = lambda: None

    @property
    def shape(self):
        return self.data.shape

    def __repr__(self):
        return f"Tensor({self.data}, requires_grad={self.requires_grad})"
''',
    # one use per element: forgets that broadcasting repeats a
    "ex3_predict_broadcast": """
predicted_a_grad = np.ones((3, 1))


def uses(a_shape, b_shape):
    return np.ones(a_shape)
""",
    # no unbroadcast: a broadcast input's gradient keeps the result's shape
    "ex4_mul": '''
class Tensor(Tensor):
    def __mul__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data * other.data, _children=(self, other), _op="*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other
''',
    # pre-order: a node is listed before its inputs are
    "ex5_topo": '''
class Tensor(Tensor):
    def topological_order(self):
        order, seen, stack = [], set(), [self]
        while stack:
            v = stack.pop()
            if id(v) not in seen:
                seen.add(id(v))
                order.append(v)
                stack.extend(v._prev)
        return order[::-1]
''',
    # micrograd's backward: intermediate grads are never reset, nor cleared
    "ex6_backward": '''
class Tensor(Tensor):
    def backward(self, gradient=None, retain_graph=False):
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            gradient = np.ones_like(self.data)
        topo = self.topological_order()
        for v in topo:
            if v.grad is None:
                v.grad = np.zeros_like(v.data)
        self.grad += gradient
        for v in reversed(topo):
            if v._prev:
                v._backward()
''',
    # micrograd's answer, and no accumulation in the function
    "ex7_predict_twice": """
predicted_grad_twice = 36.0


def grad_after_backwards(x0, k):
    return 4.0 * x0
""",
    # tanh's derivative taken at the input instead of the output
    "ex8_unary": '''
class Tensor(Tensor):
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

    def tanh(self):
        out = Tensor(np.tanh(self.data), _children=(self,), _op="tanh")

        def _backward():
            self.grad += (1.0 - self.data ** 2) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Tensor(np.maximum(self.data, 0.0), _children=(self,), _op="relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out
''',
    # the power rule without the chain rule: forgets `* out.grad`
    "ex9_arith": '''
class Tensor(Tensor):
    def __pow__(self, k):
        out = Tensor(self.data ** k, _children=(self,), _op=f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1)
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * (other if isinstance(other, Tensor) else Tensor(other)) ** -1

    def __rsub__(self, other):
        return (-self) + other

    def __rtruediv__(self, other):
        return self ** -1 * other
''',
    # sum's backward forgets the axes that keepdims=False removed
    "ex10_sum_mean": '''
class Tensor(Tensor):
    def sum(self, axis=None, keepdims=False):
        out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), _children=(self,), _op="sum")

        def _backward():
            self.grad += np.broadcast_to(out.grad, self.shape)
        out._backward = _backward
        return out

    def mean(self, axis=None, keepdims=False):
        s = self.sum(axis, keepdims)
        return s * (s.data.size / self.data.size)
''',
    # transpose's backward passes the gradient on without transposing it back
    "ex11_shapes": '''
class Tensor(Tensor):
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
            self.grad += out.grad
        out._backward = _backward
        return out

    @property
    def T(self):
        return self.transpose()
''',
    # the 2-D formulas with .T: wrong for a batch (and nothing sums a broadcast batch back)
    "ex12_matmul": '''
class Tensor(Tensor):
    def __matmul__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data @ other.data, _children=(self, other), _op="@")

        def _backward():
            self.grad += out.grad @ other.data.T
            other.grad += self.data.T @ out.grad
        out._backward = _backward
        return out

    def __rmatmul__(self, other):
        return Tensor(other) @ self
''',
    # detach copies; no_grad switches grad mode back on instead of restoring it
    "ex13_detach_no_grad": '''
class Tensor(Tensor):
    def detach(self):
        return Tensor(self.data.copy())


@contextlib.contextmanager
def no_grad():
    GradMode.enabled = False
    yield
    GradMode.enabled = True
''',
}
