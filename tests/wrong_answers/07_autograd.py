"""Typical wrong answers for chapter 07, one per exercise: each must lose points on its own exercise, on the
visible test and on every hidden seed. ``MORE_WRONG`` holds the other mistakes each exercise exists to catch,
keyed by the words of the exercise's own list (``MISTAKES`` in autograder/checking/exercises/ch07_autograd.py): each must fail everywhere too."""
WRONG = {
    # "Variable ignores the flag", and no dtype: torch.tensor of ints is int64, which cannot require grad
    "ex1_trainable": """
predicted_is_plain_tensor = False
predicted_variable_requires_grad = False
predicted_grad_before = None


def trainable(values):
    return torch.tensor(values, requires_grad=True)
""",
    # used backward() on a non-scalar
    "ex2_non_scalar": """
predicted_raises_row = True
predicted_raises_corner = False
predicted_raises_mean = False
why_backward_failed = "B"


def square_backward(x, gradient=None):
    y = x ** 2
    y.backward(gradient)
    return x.grad


def grad_with_sum(x):
    y = x ** 2
    y.backward()
    return x.grad
""",
    # no reset between the passes: x.grad keeps what the earlier rows added
    "ex3_jacobian": """
def jacobian(A, x):
    rows = []
    for i in range(A.shape[0]):
        v = torch.zeros(A.shape[0])
        v[i] = 1.0
        (A @ x ** 2).backward(v)
        rows.append(x.grad.clone())
    return torch.stack(rows)
""",
    # product rule half done
    "ex4_seed_function": """
def fprime_autograd(x):
    y = x ** 2 * torch.exp(x)
    y.backward(torch.ones_like(x))
    return x.grad


def fprime_by_hand(x):
    return 2 * x * torch.exp(x)
""",
    # a leaf used twice, counted once
    "ex5_predict_dot": """
predicted_z_grad = torch.tensor([0.0, 1.0, 2.0, 3.0])
predicted_xx_grad = torch.tensor([0.0, 1.0, 2.0, 3.0])
predicted_double_dot_grad = torch.tensor([0.0, 2.0, 4.0, 6.0])


def dot_grads_by_hand(x, z):
    return z + x, x
""",
    # forgot zero_(): the second gradient is 4x + 1
    "ex6_accumulate": """
def two_grads(x):
    (2 * torch.dot(x, x)).backward()
    g1 = x.grad.clone()
    x.sum().backward()
    g2 = x.grad.clone()
    return g1, g2
""",
    # "computed means non-leaf", and .grad read from a non-leaf without retain_grad()
    "ex7_retain_grad": """
predicted_y_is_leaf = False
predicted_y_grad = None
predicted_w_is_leaf = False


def intermediate(x):
    y = x.exp()
    loss = (y * y).sum()
    loss.backward()
    return y
""",
    # "backward can always run twice": keeps the graph where torch raises
    "ex8_backward_twice": """
predicted_twice_square = False
predicted_twice_add = False
predicted_twice_scale = False


def backward_twice(x, retain):
    s = (x * x).sum()
    s.backward(retain_graph=True)
    s.backward()
    return x.grad
""",
    # a new tensor instead of an in-place update: w is no longer the learner's leaf
    "ex9_no_grad": """
def sgd_step(w, lr):
    (w * w).sum().backward()
    with torch.no_grad():
        w = w - lr * w.grad
    return w


def unguarded_step(w, lr):
    (w * w).sum().backward()
    w -= lr * w.grad
    return w


def forward_numpy(w, x):
    with torch.no_grad():
        return (w * x).numpy()
""",
    # "a Parameter is just requires_grad=True": a plain tensor, which the module never registers
    "ex10_parameter": """
predicted_parameter_requires_grad = True
predicted_registered = ["a", "b"]


class Scale(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = torch.ones(n, requires_grad=True)

    def forward(self, x):
        return x * self.weight
""",
}

WRONG_MISTAKE = {
    'ex1_trainable': 'no dtype: all-int values give int64, which cannot require grad',
    'ex2_non_scalar': 'backward() with no argument on a non-scalar',
    'ex3_jacobian': 'no reset between passes: each row adds up the rows before it',
    'ex4_seed_function': 'the product rule half done',
    'ex5_predict_dot': 'a leaf used twice, counted once',
    'ex6_accumulate': 'no zero_() between the passes: 4x + 1',
    'ex7_retain_grad': 'no retain_grad(): y.grad stays None',
    'ex8_backward_twice': "'backward can always run twice': retain_graph=True always",
    'ex9_no_grad': 'w = w - lr * w.grad: a new tensor, not the leaf',
    'ex10_parameter': 'a plain tensor with requires_grad=True: never registered with the module',
}

MORE_WRONG = {
    'ex2_non_scalar': {
        "'backward() needs a 0-d result': refuses a one-element result of another shape": """
predicted_raises_row = True
predicted_raises_corner = True
predicted_raises_mean = False
why_backward_failed = "B"


def square_backward(x, gradient=None):
    y = x ** 2
    if gradient is None and y.dim() > 0:
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    y.backward(gradient)
    return x.grad


def grad_with_sum(x):
    (x ** 2).sum().backward()
    return x.grad
""",
    },
    'ex1_trainable': {
        'an op after requires_grad makes a non-leaf': """
predicted_is_plain_tensor = True
predicted_variable_requires_grad = True
predicted_grad_before = None


def trainable(values):
    return torch.tensor(values, dtype=torch.float32, requires_grad=True) * 1
""",
    },
    'ex3_jacobian': {
        'v ignored: the gradient of y.sum() in every row': """
def jacobian(A, x):
    rows = []
    for i in range(A.shape[0]):
        x.grad = None
        (A @ x ** 2).sum().backward()
        rows.append(x.grad)
    return torch.stack(rows)
""",
        'J = A: the chain rule through x ** 2 dropped': """
def jacobian(A, x):
    return A.clone()
""",
    },
    'ex4_seed_function': {
        'autograd inside the by-hand function': """
def fprime_autograd(x):
    return torch.autograd.grad((x ** 2 * torch.exp(x)).sum(), x)[0]


def fprime_by_hand(x):
    x = x.clone().requires_grad_()
    (x ** 2 * torch.exp(x)).sum().backward()
    return x.grad
""",
    },
    'ex5_predict_dot': {
        'the dot(x, x) term dropped': """
predicted_z_grad = torch.tensor([0.0, 1.0, 2.0, 3.0])
predicted_xx_grad = torch.tensor([0.0, 2.0, 4.0, 6.0])
predicted_double_dot_grad = torch.tensor([0.0, 4.0, 8.0, 12.0])


def dot_grads_by_hand(x, z):
    return z, x
""",
    },
    'ex6_accumulate': {
        'no clone(): g1 is x.grad itself, zeroed and refilled': """
def two_grads(x):
    (2 * torch.dot(x, x)).backward()
    g1 = x.grad
    x.grad.zero_()
    x.sum().backward()
    return g1, x.grad.clone()
""",
    },
    'ex7_retain_grad': {
        'returns a detached y': """
predicted_y_is_leaf = False
predicted_y_grad = None
predicted_w_is_leaf = True


def intermediate(x):
    y = x.exp()
    y.retain_grad()
    (y * y).sum().backward()
    return y.detach()
""",
    },
    'ex8_backward_twice': {
        "catches torch's error": """
predicted_twice_square = True
predicted_twice_add = False
predicted_twice_scale = True


def backward_twice(x, retain):
    s = (x * x).sum()
    s.backward(retain_graph=retain)
    try:
        s.backward()
    except RuntimeError:
        pass
    return x.grad
""",
    },
    'ex9_no_grad': {
        'no zero_() after the step': """
def sgd_step(w, lr):
    (w * w).sum().backward()
    with torch.no_grad():
        w -= lr * w.grad
    return w


def unguarded_step(w, lr):
    (w * w).sum().backward()
    w -= lr * w.grad
    return w


def forward_numpy(w, x):
    with torch.no_grad():
        return (w * x).numpy()
""",
    },
}
