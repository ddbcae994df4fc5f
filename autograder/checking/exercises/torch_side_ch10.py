"""Chapter 10's torch side: ``torch.nn`` and ``torch.optim.SGD`` computing what each exercise compares against."""
from __future__ import annotations

import copy

import numpy as np
import torch

from .inputs_ch10 import torch_params


def torch_ce(logits: np.ndarray, y: np.ndarray) -> tuple:
    z = torch.tensor(logits, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(z, torch.from_numpy(y))
    loss.backward()
    return loss.detach().numpy(), z.grad.numpy()


def torch_zero(arrays: list, with_grad: list) -> tuple:
    params = [torch.tensor(a, requires_grad=True) for a in arrays]
    for p, g in zip(params, with_grad):
        if g:
            (p * p).sum().backward()
    torch.optim.SGD(params, lr=0.1).zero_grad()
    return tuple(p.grad for p in params) + tuple(p.detach().numpy() for p in params)


def torch_sgd(arrays: list, grads: list, lr: float, wd: float) -> tuple:
    params = [torch.tensor(a, requires_grad=True) for a in arrays]
    for p, g in zip(params, grads):
        p.grad = None if g is None else torch.from_numpy(g.copy())
    torch.optim.SGD(params, lr=lr, weight_decay=wd).step()
    return (tuple(p.detach().numpy() for p in params) + tuple(None if p.grad is None else p.grad.numpy() for p in params)
            + tuple(p.is_leaf for p in params))


def torch_train(model: torch.nn.Sequential, X: np.ndarray, y: np.ndarray, lr: float, steps: int) -> tuple:
    model = copy.deepcopy(model)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    losses = []
    for _ in range(steps):
        loss = torch.nn.functional.cross_entropy(model(Xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return tuple(losses) + tuple(torch_params(model))


def _torch_forward(model, X, G):
    model = copy.deepcopy(model)
    out = model(torch.from_numpy(X))
    out.backward(torch.from_numpy(G))
    return (out.detach().numpy(),) + tuple((p.grad.T if p.ndim == 2 else p.grad).numpy() for p in model.parameters())
