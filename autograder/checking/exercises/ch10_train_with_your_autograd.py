"""Chapter 10, train with your autograd: loss, zeroing, SGD, an MLP, and a training loop, against torch.nn.

The notebook trains whichever engine it loaded (the learner's own, saved by chapter 09, or the torch
adapter), but the tests run the learner's functions on the torch adapter (:mod:`autograder.checking.torch_engine`):
their globals ``Tensor`` and ``no_grad`` are the adapter's while they run, so chapter-09 mistakes cost nothing
here. Each exercise gets its inputs from the course, not from another exercise, and the training-loop exercise
runs the learner's loop with the course's loss, forward, zeroing and SGD step, so a mistake costs points in its
own exercise only. Torch's side (:mod:`.torch_side_ch10`) is always ``torch.nn`` + ``torch.optim.SGD``; the
inputs come from :mod:`.inputs_ch10`.
"""
from __future__ import annotations

import functools

import numpy as np
import torch

from .. import checks as C
from ..exercise import Learner, Rand, _Missing, exercise, step
from ..steps import _rebind
from ..torch_engine import Tensor, no_grad
from .inputs_ch10 import engine_params, make_model, make_moons, model_data, rebuild, torch_params
from .torch_side_ch10 import _torch_forward, torch_ce, torch_sgd, torch_train, torch_zero


# ---- the course's versions, used to grade one exercise without depending on the others ----
def ref_cross_entropy(logits, y):
    z = logits - logits.data.max(axis=1, keepdims=True)
    return (z.exp().sum(axis=1).log() - (z * np.eye(z.shape[1])[y]).sum(axis=1)).mean()


def ref_zero_grad(params):
    for p in params:
        p.grad = None


def ref_sgd_step(params, lr, weight_decay=0.0):
    with no_grad():
        for p in params:
            if p.grad is not None:
                p.data -= lr * (p.grad + weight_decay * p.data)


def ref_mlp_forward(params, X):
    h = X
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = h.tanh()
    return h


# ---- course functions run in the learner's namespace ----
def on_adapter(name: str):
    """Run the decorated course function on the learner's function ``name``, rebound so that its globals
    ``Tensor`` and ``no_grad`` are the torch adapter's; a missing ``name`` is answered as missing."""
    def decorate(body):
        @functools.wraps(body)
        def run(ns: dict, *args):
            if name not in ns:
                return _Missing(name)
            return body(_rebind(ns[name], {**ns, "Tensor": Tensor, "no_grad": no_grad}), *args)
        return run
    return decorate


@step
@on_adapter("cross_entropy")
def ce_fn(cross_entropy, logits: np.ndarray, y: np.ndarray) -> tuple:
    z = Tensor(logits.copy(), requires_grad=True)
    loss = cross_entropy(z, y.copy())
    loss.backward()
    return loss.data, z.grad


@step
@on_adapter("zero_grad")
def zero_fn(zero_grad, arrays: list, with_grad: list) -> tuple:
    params = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    for p, g in zip(params, with_grad):
        if g:
            (p * p).sum().backward()
    zero_grad(params)
    return tuple(p.grad for p in params) + tuple(p.data for p in params)


@step
@on_adapter("sgd_step")
def sgd_fn(sgd_step, arrays: list, grads: list, lr: float, wd: float) -> tuple:
    params = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    for p, g in zip(params, grads):
        p.grad = None if g is None else g.copy()
    sgd_step(params, lr, weight_decay=wd)
    return tuple(p.data for p in params) + tuple(p.grad for p in params) + tuple(p.is_leaf for p in params)


@step
@on_adapter("params_from_torch")
def params_fn(params_from_torch, weights: list) -> tuple:
    model = rebuild(weights)
    params = params_from_torch(model)
    out = tuple((p.data, p.requires_grad) for p in params)
    return out + tuple(p.detach().numpy() for p in model.parameters())


@step
@on_adapter("mlp_forward")
def forward_fn(mlp_forward, weights: list, X: np.ndarray, G: np.ndarray) -> tuple:
    params = engine_params(rebuild(weights))
    out = mlp_forward(params, Tensor(X.copy()))
    out.backward(G.copy())
    return (out.data,) + tuple(p.grad for p in params)


@step
def train_fn(ns: dict, weights: list, X: np.ndarray, y: np.ndarray, lr: float, steps: int) -> tuple:
    if "train_step" not in ns:
        return _Missing("train_step")
    g = {**ns, "cross_entropy": ref_cross_entropy, "zero_grad": ref_zero_grad, "sgd_step": ref_sgd_step,
         "mlp_forward": ref_mlp_forward, "Tensor": Tensor, "no_grad": no_grad}
    step = _rebind(ns["train_step"], g)
    params = engine_params(rebuild(weights))
    losses = tuple(float(step(params, X, y, lr)) for _ in range(steps))
    return losses + tuple(p.data for p in params)


# ---- the exercises ----
@exercise("ch10.cross_entropy")
def cross_entropy(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [(np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]), np.array([0, 2])),
                 (np.array([[1000.0, -1000.0], [-800.0, 900.0], [3.0, 3.0]]), np.array([1, 1, 0]))]
    else:
        cases = []
        for i in range(6):
            n, k = R.int(1, 8), R.int(2, 5)
            logits = R.np.standard_normal((n, k)) * R.choice([1.0, 30.0, 800.0])
            if i == 0:
                logits[R.int(0, n - 1), R.int(0, k - 1)] = 1000.0 + R.int(0, 200)  # exp overflows without the max shift
            cases.append((logits, R.np.integers(0, k, n)))
    got = [L.run(ce_fn, z, y) for z, y in cases]
    for g, (z, y) in zip(got, cases):
        C.items(g, C.outcome(torch_ce, z, y), ["loss", "logits.grad"],
                f"cross_entropy(logits of shape {z.shape}, y={y.tolist()}), logits up to {np.abs(z).max():.0f}",
                hint="mean over rows of logsumexp(row) - row[y]; subtract each row's max (as a constant, from "
                     ".data) first, or exp overflows; pick row[y] with a one-hot mask, np.eye(k)[y].")


@exercise("ch10.predict_zero_grad")
def predict_zero_grad(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        w = torch.tensor([1.0, -2.0], requires_grad=True)
        (w * w).sum().backward()
        once = w.grad.clone()
        (w * w).sum().backward()
        C.value(L.get("predicted_ratio"), (w.grad / once)[0].item(), "predicted_ratio",
                hint="backward adds into .grad; nothing clears it between steps.")
        cases = [([np.array([1.0, 2.0]), np.ones((2, 2))], [True, False])]
    else:
        cases = [([R.np.standard_normal(R.shape(1, 2, 4)) for _ in range(3)], [bool(R.int(0, 3)) for _ in range(3)])
                 for _ in range(3)]
    got = [L.run(zero_fn, arrays, flags) for arrays, flags in cases]
    for g, (arrays, flags) in zip(got, cases):
        names = [f"params[{i}].grad" for i in range(len(arrays))] + [f"params[{i}].data" for i in range(len(arrays))]
        C.items(g, C.outcome(torch_zero, arrays, flags), names, f"zero_grad on {len(arrays)} parameters, "
                f"{sum(flags)} with a gradient", hint="torch's optimizer.zero_grad() sets every .grad to None "
                "(set_to_none=True); it never touches .data, and a .grad already None stays None.")


@exercise("ch10.sgd_step")
def sgd_step(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [([np.array([1.0, -1.0]), np.ones((2, 2))], [np.array([0.5, 0.5]), np.full((2, 2), 2.0)], 0.1, 0.0),
                 ([np.array([1.0, -1.0]), np.ones(3)], [np.array([0.5, 0.5]), None], 0.5, 0.01)]
    else:
        cases = []
        for i in range(4):
            arrays = [R.np.standard_normal(R.shape(1, 2, 4)) for _ in range(3)]
            grads = [R.np.standard_normal(a.shape) if R.int(0, 4) else None for a in arrays]
            if i == 0:  # always one parameter without a gradient, and weight decay: both are easy to get wrong
                grads[R.int(0, 2)] = None
            wd = R.choice([0.01, 0.1]) if i == 0 else R.choice([0.0, 0.0, 1e-2, 0.1])
            cases.append((arrays, grads, R.choice([0.01, 0.1, 0.5]), wd))
    got = [L.run(sgd_fn, a, gr, lr, wd) for a, gr, lr, wd in cases]
    for g, (arrays, grads, lr, wd) in zip(got, cases):
        n = len(arrays)
        names = ([f"params[{i}].data after the step" for i in range(n)] + [f"params[{i}].grad" for i in range(n)]
                 + [f"params[{i}].is_leaf" for i in range(n)])
        C.items(g, C.outcome(torch_sgd, arrays, grads, lr, wd), names,
                f"sgd_step(params, lr={lr}, weight_decay={wd}) with grads {['None' if x is None else 'set' for x in grads]}",
                hint="change each parameter in place (p.data -= ...), not a new Tensor bound to the loop variable; "
                     "weight decay adds weight_decay * p.data to the gradient; skip parameters whose .grad is None.")


@exercise("ch10.predict_weights")
def predict_weights(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.value(L.get("predicted_weight_shape"), tuple(torch.nn.utils.skip_init(torch.nn.Linear, 2, 16).weight.shape), "predicted_weight_shape",
                hint="nn.Linear(in_features, out_features) stores weight as (out, in) and computes x @ weight.T + bias.")
        sizes_list = [[2, 16, 2], [3, 4, 5, 2]]
    else:
        sizes_list = [[R.int(1, 5)] + [R.int(1, 6) for _ in range(R.int(1, 3))] + [R.int(2, 4)] for _ in range(3)]
    models = [make_model(R, sizes) for sizes in sizes_list]
    got = [L.run(params_fn, model_data(m)) for m in models]
    for g, m, sizes in zip(got, models, sizes_list):
        ps = list(m.parameters())
        want = tuple((a, True) for a in torch_params(m)) + tuple(p.detach().numpy() for p in ps)
        names = [f"params[{i}] (.data, .requires_grad)" for i in range(len(ps))] + ["torch's parameters"] * len(ps)
        what = f"params_from_torch(MLP of sizes {sizes})"
        C.items(g, want, names, what, hint="[W1, b1, W2, b2, ...] with W = weight.T as float64, requires_grad=True.")
        for i in range(len(ps)):
            C.shares_memory(_first(_item(g, i)), _item(g, len(ps) + i), False, f"{what}: params[{i}] and the torch parameter",
                            hint="copy (np.array(...) or .copy()): training your engine must not move torch's weights.")


def _item(a, i: int):
    return a.value[i] if a.kind == "tuple" and len(a.value) > i else a


def _first(a):
    return _item(a, 0)


@exercise("ch10.forward")
def forward(L: Learner, R: Rand, hidden: bool) -> None:
    sizes_list = [[2, 16, 2], [2, 8, 8, 3]] if not hidden else \
        [[R.int(1, 4)] + [R.int(1, 8) for _ in range(R.int(1, 3))] + [R.int(2, 4)] for _ in range(4)]
    cases = []
    for sizes in sizes_list:
        n = R.int(1, 6)
        cases.append((make_model(R, sizes), R.np.standard_normal((n, sizes[0])), R.np.standard_normal((n, sizes[-1]))))
    got = [L.run(forward_fn, model_data(m), X, G) for m, X, G in cases]
    for g, (m, X, G), sizes in zip(got, cases, sizes_list):
        k = len(list(m.parameters()))
        C.items(g, C.outcome(_torch_forward, m, X, G), ["output"] + [f"params[{i}].grad" for i in range(k)],
                f"mlp_forward on an MLP of sizes {sizes}, X of shape {X.shape}",
                hint="h = X; for each (W, b): h = h @ W + b, then tanh except after the last layer.")


@exercise("ch10.train")
def train(L: Learner, R: Rand, hidden: bool) -> None:
    runs = [(R.np, [2, 8, 2], 0.5, 5)] if not hidden else [(R.np, [2, R.int(4, 16), 2], R.choice([0.05, 0.1, 0.3]), 20) for _ in range(2)]
    cases = []
    for rng, sizes, lr, steps in runs:
        X, y = make_moons(R.int(16, 64), 0.1, rng)
        cases.append((make_model(R, sizes), X, y, lr, steps))
    got = [L.run(train_fn, model_data(c[0]), *c[1:]) for c in cases]
    for g, (m, X, y, lr, steps) in zip(got, cases):
        k = len(list(m.parameters()))
        names = [f"loss at step {i}" for i in range(steps)] + [f"params[{i}] after {steps} steps" for i in range(k)]
        C.items(g, C.outcome(torch_train, m, X, y, lr, steps), names,
                f"{steps} steps of train_step(params, X, y, lr={lr}) on {len(y)} points",
                hint="forward, loss, zero the grads, backward, SGD step, in that order, and return the loss as a "
                     "Python float (loss.data.item()).")
