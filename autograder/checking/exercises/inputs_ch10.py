"""Chapter 10's inputs: the moons data and the MLPs its exercises train, as torch models and as plain data.

An MLP crosses to the learner's process as data (:func:`model_data`, its parameters in order) and is rebuilt
there (:func:`rebuild`); :func:`engine_params` and :func:`torch_params` give its parameters in the course's
layout, ``[W1, b1, W2, b2, ...]`` with ``W = weight.T``.
"""
from __future__ import annotations

import numpy as np
import torch

from ..exercise import Rand
from ..torch_engine import Tensor


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, labels 0 and 1 (the notebook shows the same recipe)."""
    t = rng.uniform(0, np.pi, n)
    y = rng.integers(0, 2, n)
    X = np.stack([np.cos(t) + y, np.sin(t) * (1 - 2 * y) + 0.5 * y], axis=1)
    return X + noise * rng.standard_normal((n, 2)), y


def make_model(R: Rand, sizes: list[int]) -> torch.nn.Sequential:
    """An MLP with tanh between layers; weights from R (skip_init: the learner's global RNG stays untouched)."""
    layers: list = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        lin = torch.nn.utils.skip_init(torch.nn.Linear, a, b, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(R.randn(b, a, dtype=torch.float64) / a ** 0.5)
            lin.bias.copy_(R.randn(b, dtype=torch.float64) * 0.1)
        layers += [lin] + ([torch.nn.Tanh()] if i + 2 < len(sizes) else [])
    return torch.nn.Sequential(*layers)


def model_data(model: torch.nn.Sequential) -> list[np.ndarray]:
    """The MLP as data (its parameters, in order), so that a question to the learner's process can carry it."""
    return [p.detach().numpy().copy() for p in model.parameters()]


def rebuild(weights: list) -> torch.nn.Sequential:
    """The MLP of :func:`model_data`, built again: Linear layers with tanh between them."""
    layers: list = []
    n = len(weights) // 2
    for i in range(n):
        W, b = weights[2 * i], weights[2 * i + 1]
        lin = torch.nn.utils.skip_init(torch.nn.Linear, W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        layers += [lin] + ([torch.nn.Tanh()] if i + 1 < n else [])
    return torch.nn.Sequential(*layers)


def engine_params(model: torch.nn.Sequential) -> list:
    return [Tensor(np.array(p.detach().numpy().T if p.ndim == 2 else p.detach().numpy()), requires_grad=True)
            for p in model.parameters()]


def torch_params(model: torch.nn.Sequential) -> list[np.ndarray]:
    return [(p.detach().numpy().T if p.ndim == 2 else p.detach().numpy()).copy() for p in model.parameters()]
