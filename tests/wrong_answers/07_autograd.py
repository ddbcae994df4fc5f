"""Typical wrong answers for chapter 07, one per exercise: each must lose points on its own exercise."""
WRONG = {
    # forgot the dtype: torch.tensor of ints is int64, which cannot require grad
    "ex1_trainable": """
predicted_is_plain_tensor = False
predicted_grad_before = None


def trainable(values):
    return torch.tensor(values, requires_grad=True)
""",
    # used backward() on a non-scalar
    "ex2_non_scalar": """
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
    # ignores v: the gradient of y.sum(), not of the v-weighted sum
    "ex3_vjp": """
def vjp(A, x, v):
    y = A @ x
    y.sum().backward()
    return x.grad
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
    # mixed up which leaf gets which values
    "ex5_predict_dot": """
predicted_double_dot_grad = torch.tensor([0.0, 4.0, 8.0, 12.0])
predicted_z_grad = torch.tensor([4.0, 5.0, 6.0, 7.0])


def double_dot_grad(x):
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad


def dot_grads(x, z):
    torch.dot(x, z).backward()
    return x.grad, z.grad
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
    # .grad read from a non-leaf without retain_grad()
    "ex7_retain_grad": """
predicted_y_is_leaf = False
predicted_y_grad = None


def intermediate(x):
    y = x.exp()
    loss = (y * y).sum()
    loss.backward()
    return y
""",
    # always keeps the graph: no error where torch raises
    "ex8_backward_twice": """
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
}

# Wrong only in its predictions (the function is right): graded by the visible test alone.
VISIBLE_ONLY = {"ex5_predict_dot"}
# Every hidden draw exposes each of this chapter's other typical wrong answers.
HIDDEN_CATCHES = 20

# Cheap exercises: the solution is tried on more hidden seeds than the default.
SOLUTION_SEEDS = 30
