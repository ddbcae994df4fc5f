"""Typical wrong answers for chapter 10, one per exercise: each must lose points on its own exercise only."""
WRONG = {
    # no max shift: exp overflows on large logits
    "ex1_cross_entropy": '''
def cross_entropy(logits, y):
    picked = (logits * np.eye(logits.shape[1])[y]).sum(axis=1)
    return (logits.exp().sum(axis=1).log() - picked).mean()
''',
    # zeros instead of None (and a prediction that forgets accumulation)
    "ex2_predict_zero_grad": '''
predicted_ratio = 1.0


def zero_grad(params):
    for p in params:
        if p.grad is not None:
            p.grad[...] = 0.0
''',
    # rebinds the loop variable: the parameters never move
    "ex3_sgd_step": '''
def sgd_step(params, lr, weight_decay=0.0):
    with no_grad():
        for p in params:
            if p.grad is not None:
                p = p - lr * (p.grad + weight_decay * p.data)
''',
    # shares torch's memory (a view, not a copy)
    "ex4_predict_weights": '''
predicted_weight_shape = (16, 2)


def params_from_torch(model):
    return [Tensor(p.detach().numpy().T if p.ndim == 2 else p.detach().numpy(), requires_grad=True)
            for p in model.parameters()]
''',
    # relu instead of the network's tanh
    "ex5_forward": '''
def mlp_forward(params, X):
    h = X
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = h.relu()
    return h
''',
    # forgets to zero the gradients: they pile up from step 2 on
    "ex6_train": '''
def train_step(params, X, y, lr):
    loss = cross_entropy(mlp_forward(params, Tensor(X)), y)
    loss.backward()
    sgd_step(params, lr)
    return loss.data.item()
''',
}
