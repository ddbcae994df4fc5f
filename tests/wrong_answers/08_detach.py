"""Typical wrong answers for chapter 08, one per exercise: each must lose points on its own exercise, on the
visible test and on every hidden seed. ``MORE_WRONG`` holds the other mistakes each exercise exists to catch,
keyed by the words of the exercise's own list (``MISTAKES`` in autograder/checking/exercises/ch08_detach.py): each must fail everywhere too."""
WRONG = {
    # detached the wrong tensor: x instead of y, so the gradient is 2x · x, not x · x
    "ex1_predict_detach": """
predicted_x_grad = torch.tensor([0.0, 2.0, 8.0, 18.0])
predicted_u_requires_grad = False


def constant_product_grad(x):
    y = x * x
    z = y * x.detach()
    z.sum().backward()
    return x.grad
""",
    # detached y itself (y = y.detach()): y leaves the graph, and y.sum().backward() fails
    "ex2_still_in_graph": """
def both_grads(x):
    y = (x * x).detach()
    u = y
    z = u * x
    z.sum().backward()
    grad_z = x.grad.clone()
    x.grad.zero_()
    y.sum().backward()
    grad_y = x.grad.clone()
    return grad_z, grad_y
""",
    # "detach copies": predicts that y is safe, and copies where a view was asked for
    "ex3_predict_sharing": """
predicted_y_changed = False
predicted_u_is_leaf = True
predicted_clone_changed = False
predicted_clone_requires_grad = True
predicted_no_grad_requires_grad = False


def constant_view(t):
    return t.detach().clone()


def tracked_copy(t):
    return t.clone()


def untracked_copy(t):
    with torch.no_grad():
        return t.clone()
""",
    # the median taken in torch, inside the graph: gradient flows into it
    "ex4_detach_numpy": """
def to_numpy(t):
    return t.detach().numpy()


def median_spread_grad(x):
    m = x.median()
    ((x - m) ** 2).sum().backward()
    return x.grad
""",
    # forgot to detach the target
    "ex5_stop_gradient": """
def td_grad(w, x, x_next, r, gamma):
    v = (w * x).sum()
    target = r + gamma * (w * x_next).sum()
    ((v - target) ** 2).backward()
    return w.grad
""",
    # edits through detach() in place: y changes and backward refuses
    "ex6_safe_edit": """
predicted_backward_fails = False


def capped_exp(x):
    y = x.exp()
    capped = y.detach()
    capped[capped > 2] = 2.0
    y.sum().backward()
    return y, capped
""",
}

WRONG_MISTAKE = {
    'ex1_predict_detach': 'detaches x instead of y',
    'ex2_still_in_graph': 'detaches y itself, so y.sum().backward() fails',
    'ex3_predict_sharing': "'detach copies': a copy where a view was asked for",
    'ex4_detach_numpy': 'torch.median in the graph: the gradient flows into the median',
    'ex5_stop_gradient': 'no detach on the target',
    'ex6_safe_edit': 'edits through detach() in place: y changes, and backward refuses',
}

MORE_WRONG = {
    'ex1_predict_detach': {
        'no detach at all: 3x²': """
predicted_x_grad = torch.tensor([0.0, 3.0, 12.0, 27.0])
predicted_u_requires_grad = True


def constant_product_grad(x):
    y = x * x
    (y * x).sum().backward()
    return x.grad
""",
    },
    'ex2_still_in_graph': {
        'no zero_() between the passes': """
def both_grads(x):
    y = x * x
    (y.detach() * x).sum().backward()
    grad_z = x.grad.clone()
    y.sum().backward()
    return grad_z, x.grad.clone()
""",
    },
    'ex3_predict_sharing': {
        'detach where a tracked copy was asked for': """
predicted_y_changed = True
predicted_u_is_leaf = False
predicted_clone_changed = False
predicted_clone_requires_grad = True
predicted_no_grad_requires_grad = False


def constant_view(t):
    return t.detach()


def tracked_copy(t):
    return t.detach().clone()


def untracked_copy(t):
    with torch.no_grad():
        return t.clone()
""",
        'clone without torch.no_grad() for the untracked copy': """
predicted_y_changed = True
predicted_u_is_leaf = True
predicted_clone_changed = False
predicted_clone_requires_grad = True
predicted_no_grad_requires_grad = True


def constant_view(t):
    return t.detach()


def tracked_copy(t):
    return t.clone()


def untracked_copy(t):
    return t.clone()
""",
    },
    'ex4_detach_numpy': {
        't.numpy() on a tensor that requires grad': """
def to_numpy(t):
    return t.numpy()


def median_spread_grad(x):
    m = float(np.median(x.detach().numpy()))
    ((x - m) ** 2).sum().backward()
    return x.grad
""",
        'np.array(...) copies': """
def to_numpy(t):
    return np.array(t.detach())


def median_spread_grad(x):
    m = float(np.median(x.detach().numpy()))
    ((x - m) ** 2).sum().backward()
    return x.grad
""",
        'the loss computed in numpy: no gradient reaches x': """
def to_numpy(t):
    return t.detach().numpy()


def median_spread_grad(x):
    a = x.detach().numpy()
    loss = torch.tensor(((a - np.median(a)) ** 2).sum(), requires_grad=True)
    loss.backward()
    return x.grad
""",
    },
    'ex5_stop_gradient': {
        'detaches the prediction instead of the target': """
def td_grad(w, x, x_next, r, gamma):
    v = (w * x).sum().detach()
    target = r + gamma * (w * x_next).sum()
    ((v - target) ** 2).backward()
    return w.grad
""",
    },
    'ex6_safe_edit': {
        "edits y's memory after backward: x.grad right, y wrong": """
predicted_backward_fails = True


def capped_exp(x):
    y = x.exp()
    y.sum().backward()
    capped = y.detach()
    capped[capped > 2] = 2.0
    return y, capped
""",
    },
}
