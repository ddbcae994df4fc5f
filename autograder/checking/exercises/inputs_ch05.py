"""Chapter 05's pairs for shared_elements: how two tensors are made, and what torch says about them.

A pair is built from a recipe (plain data), in the learner's process by a step and by torch in the grader, the
same way: ("slices" | "numpy" | "rows" | "clone" | "empty", dtype name, length or (rows, cols), (a_start, a_stop),
(b_start, b_stop)).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ..exercise import Rand

PAIR_DTYPES = ["float32", "float64", "int16", "int32", "int64"]


def _build_pair(recipe: tuple) -> tuple[torch.Tensor, torch.Tensor]:
    kind, dtype, size, (a0, a1), (b0, b1) = recipe
    if kind == "empty":
        return torch.empty(0, dtype=getattr(torch, dtype)), torch.empty(0, dtype=getattr(torch, dtype))
    if kind == "numpy":
        arr = np.arange(size, dtype=dtype)
        return torch.from_numpy(arr[a0:a1]), torch.from_numpy(arr[b0:b1])
    base = torch.arange(math.prod(size) if kind == "rows" else size, dtype=getattr(torch, dtype))
    if kind == "rows":
        base = base.reshape(size)
    a, b = base[a0:a1], base[b0:b1]
    return (a, b.clone()) if kind == "clone" else (a, b)


def _changed_when_writing(recipe: tuple) -> int:
    """torch's answer: build the pair, write into every element of a, count the elements of b that changed."""
    a, b = _build_pair(recipe)
    before = b.clone()
    a.fill_(-1)
    return int((b != before).sum())


def _overlapping(R: Rand, kind: str, dtype: str) -> tuple:
    """A recipe whose two slices overlap by at least one element."""
    n = R.int(6, 12)
    a0 = R.int(0, n // 2 - 1)
    a1 = R.int(a0 + 2, n - 1)
    b0 = R.int(a0 + 1, a1 - 1)
    return (kind, dtype, n, (a0, a1), (b0, R.int(b0 + 1, n)))


def _describe_pair(recipe: tuple) -> str:
    kind, dtype, size, (a0, a1), (b0, b1) = recipe
    if kind == "empty":
        return f"a = torch.empty(0, dtype=torch.{dtype}), b = torch.empty(0, dtype=torch.{dtype})"
    if kind == "numpy":
        return f"arr = np.arange({size}, dtype='{dtype}'), a = torch.from_numpy(arr[{a0}:{a1}]), b = torch.from_numpy(arr[{b0}:{b1}])"
    base = f"torch.arange({math.prod(size)}, dtype=torch.{dtype}).reshape{size}" if kind == "rows" else \
        f"torch.arange({size}, dtype=torch.{dtype})"
    return f"x = {base}, a = x[{a0}:{a1}], b = x[{b0}:{b1}]" + (".clone()" if kind == "clone" else "")
