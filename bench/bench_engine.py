"""`make bench`: the course's reference engine against torch CPU eager, side by side in one process.

One training step (forward, cross-entropy loss, backward, SGD update) of the same MLP,
batch 256, width 256, float64 in both, from the same weights. Prints the time per step
of each and their ratio, then what the same small graph costs in a scalar, micrograd-style
engine (one Python object per number), written below so nothing is imported for it.

Not a test: timings depend on the machine and on what else runs; the ratio is the figure.
"""
from __future__ import annotations

import math
import os
import sys
import time

# One BLAS thread for numpy, as torch gets below: on a small shared machine, threads that
# fight for cores make a 256x256 product ten times slower and the ratio meaningless.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from autograder.grading.reference.engine import Tensor, no_grad  # noqa: E402

BATCH, WIDTH, CLASSES, LR = 256, 256, 10, 0.05


def best_time(step, repeat: int, number: int) -> float:
    """Best of ``repeat`` runs of ``number`` steps, per step: the least disturbed by other load."""
    step()  # warm up (allocations, torch's first-call dispatch)
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            step()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def make_problem(seed: int = 0):
    g = np.random.default_rng(seed)
    X = g.standard_normal((BATCH, WIDTH))
    y = g.integers(0, CLASSES, BATCH)
    sizes = [WIDTH, WIDTH, WIDTH, CLASSES]
    weights = [(g.standard_normal((i, o)) / math.sqrt(i), np.zeros(o)) for i, o in zip(sizes, sizes[1:])]
    return X, y, weights


def engine_step_fn(X, y, weights):
    params = [Tensor(a.copy(), requires_grad=True) for w in weights for a in w]
    Xt, onehot = Tensor(X), np.eye(CLASSES)[y]

    def step():
        h = Xt
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i + 2 < len(params):
                h = h.relu()
        z = h - h.data.max(axis=1, keepdims=True)  # a constant shift: softmax does not change
        loss = (z.exp().sum(axis=1).log() - (z * onehot).sum(axis=1)).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with no_grad():
            for p in params:
                p.data -= LR * p.grad
        return loss.data.item()
    return step


def torch_step_fn(X, y, weights):
    layers = []
    for i, (w, b) in enumerate(weights):
        lin = torch.nn.Linear(*w.shape, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w.T))
            lin.bias.copy_(torch.from_numpy(b))
        layers += [lin] + ([torch.nn.ReLU()] if i + 1 < len(weights) else [])
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step():
        loss = torch.nn.functional.cross_entropy(model(Xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()
    return step


# ---- a scalar engine, micrograd style: one Python object per number ----
class Value:
    __slots__ = ("data", "grad", "_prev", "_backward")

    def __init__(self, data, _children=()):
        self.data, self.grad, self._prev, self._backward = data, 0.0, _children, lambda: None

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,))

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, seen, stack = [], set(), [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                topo.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((c, False) for c in v._prev)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


def scalar_layer_fn(batch: int, width: int, seed: int = 0):
    """Forward+backward of relu(X @ W).sum() over Values: the first layer of the MLP above, at a smaller size."""
    g = np.random.default_rng(seed)
    X, W = g.standard_normal((batch, width)).tolist(), (g.standard_normal((width, width)) / math.sqrt(width)).tolist()

    def step():
        Xv = [[Value(v) for v in row] for row in X]
        Wv = [[Value(v) for v in row] for row in W]
        total = Value(0.0)
        for row in Xv:
            for j in range(width):
                acc = Value(0.0)
                for k in range(width):
                    acc = acc + row[k] * Wv[k][j]
                total = total + acc.relu()
        total.backward()
        return total.data
    return step


def tensor_layer_fn(batch: int, width: int, seed: int = 0):
    g = np.random.default_rng(seed)
    X, W = g.standard_normal((batch, width)), g.standard_normal((width, width)) / math.sqrt(width)

    def step():
        w = Tensor(W, requires_grad=True)
        total = (Tensor(X) @ w).relu().sum()
        total.backward()
        return total.data.item()
    return step


def main() -> None:
    torch.set_num_threads(1)  # numpy's BLAS and torch on equal terms, and fair to a shared machine
    X, y, weights = make_problem()
    eng, tor = engine_step_fn(X, y, weights), torch_step_fn(X, y, weights)
    same = all(math.isclose(eng(), tor(), rel_tol=1e-9) for _ in range(3))
    te, tt = best_time(eng, repeat=5, number=20), best_time(tor, repeat=5, number=20)
    print(f"MLP {WIDTH}-{WIDTH}-{WIDTH}-{CLASSES}, batch {BATCH}, float64, one training step "
          f"(forward, cross-entropy, backward, SGD); losses agree: {same}")
    print(f"  reference engine (numpy): {te * 1e3:8.3f} ms/step")
    print(f"  torch CPU eager:          {tt * 1e3:8.3f} ms/step")
    print(f"  ratio engine / torch:     {te / tt:8.2f}x   (target: at most 2x)")
    b, w = 4, 16
    ts, tv = best_time(scalar_layer_fn(b, w), repeat=3, number=3), best_time(tensor_layer_fn(b, w), repeat=5, number=200)
    print(f"relu(X @ W).sum(), X {b}x{w}, W {w}x{w}, forward+backward")
    print(f"  scalar micrograd-style loop: {ts * 1e3:8.3f} ms")
    print(f"  reference engine (tensors):  {tv * 1e3:8.3f} ms")
    print(f"  ratio scalar / tensor:       {ts / tv:8.1f}x")


if __name__ == "__main__":
    main()
