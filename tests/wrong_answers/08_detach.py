"""Typical wrong answers for chapter 08, one per exercise: each must lose points on its own exercise."""
WRONG = {
    # detached the wrong tensor: x instead of y, so the gradient is 2x · x, not x · x
    "ex1_predict_detach": """
predicted_x_grad = torch.tensor([0.0, 3.0, 12.0, 27.0])
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
    # a copy where a view was asked for
    "ex3_predict_sharing": """
predicted_y_changed = True
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
    # forgot detach: .numpy() refuses tensors that require grad
    "ex4_detach_numpy": """
def to_numpy(t):
    return t.numpy()


def strict_numpy(t):
    return t.numpy()
""",
    # forgot to detach the target
    "ex5_stop_gradient": """
def self_target_grad(w, x):
    pred = w * x
    target = torch.tanh(3 * pred)
    loss = ((pred - target) ** 2).mean()
    loss.backward()
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

# Every hidden draw exposes each of this chapter's typical wrong answers.
HIDDEN_CATCHES = 20

# Cheap exercises: the solution is tried on more hidden seeds than the default.
SOLUTION_SEEDS = 30
