"""Layouts of a tensor as plain data, ``(base shape, ops)``: a view that a test can describe, draw at random,
and rebuild the same way on both sides of the grader (a permutation, slices with offsets and steps).
"""
from __future__ import annotations

import torch

from .exercise import Rand

Layout = tuple[tuple[int, ...], list]  # (base shape, ops): how to build a view from a fresh tensor


def apply(base: torch.Tensor, ops: list) -> torch.Tensor:
    """Replay layout ops on ``base``: ("slice", [(start, stop, step), ...]) or ("permute", dims)."""
    t = base
    for op, arg in ops:
        t = t[tuple(slice(*s) for s in arg)] if op == "slice" else t.permute(*arg)
    return t


def dims(R: Rand, n: int) -> tuple[int, ...]:
    """A transpose (two dims swapped) half the time, otherwise any permutation."""
    dims = list(range(n))
    if n >= 2 and R.int(0, 1):
        i, j = R.int(0, n - 1), R.int(0, n - 1)
        dims[i], dims[j] = dims[j], dims[i]
        return tuple(dims)
    return tuple(int(d) for d in R.np.permutation(n))


def random_slices(R: Rand, shape: tuple[int, ...]) -> list:
    """Non-empty slices with random starts (so the view has a storage offset) and steps 1 or 2."""
    out = []
    for size in shape:
        start = R.int(0, max(size - 2, 0))  # keep at least two elements where the size allows
        out.append((start, R.int(min(start + 2, size), size), R.choice([1, 1, 2])))
    return out


def random_layout(R: Rand, slices: bool) -> Layout:
    """A random shape of 2-4 dims, permuted; with ``slices``, usually sliced first."""
    shape = R.shape(2, 4, 4)
    ops: list = []
    if slices and R.int(0, 2):
        ops.append(("slice", random_slices(R, shape)))
    ops.append(("permute", dims(R, len(shape))))
    return shape, ops


def view(R: Rand, layout: Layout) -> torch.Tensor:
    """The layout over a fresh random tensor."""
    shape, ops = layout
    return apply(R.randn(*shape), ops)


def describe(layout: Layout) -> str:
    """The layout as the code a learner would write: 'torch.randn(3, 4)[0:3, 0:2].permute(1, 0)'."""
    shape, ops = layout
    text = f"torch.randn{shape}"
    for op, arg in ops:
        if op == "slice":
            text += "[" + ", ".join(f"{a}:{b}" + (f":{c}" if c != 1 else "") for a, b, c in arg) + "]"
        else:
            text += f".permute{tuple(arg)}"
    return text


def shares(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def shuffled(R: Rand, items: list) -> list:
    return [items[i] for i in R.np.permutation(len(items))]


# The seed's tensors and chapter 06's examples, as layouts (so visible and hidden cases share one path).
SEED_T: Layout = ((2, 3), [("permute", (1, 0))])
PLAIN: Layout = ((2, 3), [])
CUBE_T: Layout = ((2, 3, 4), [("permute", (2, 0, 1))])
ROW_SLICE: Layout = ((3, 4), [("slice", [(1, 3, 1), (0, 4, 1)])])
COL_T: Layout = ((1, 3), [("permute", (1, 0))])


def exposing(R: Rand) -> list[Layout]:
    """Layouts every hidden draw holds: a column slice and a stepped slice (non-increasing strides, yet not
    contiguous), a transposed size-1 dim (contiguous whatever its stride), a transpose, a plain tensor."""
    r, c = R.int(2, 4), R.int(3, 5)
    return [((r, c), [("slice", [(0, r, 1), (0, R.int(1, c - 1), 1)])]),
            ((r, 2 * c), [("slice", [(0, r, 1), (R.int(0, 1), 2 * c, 2)])]),
            ((1, c), [("permute", (1, 0))]), ((r, c), [("permute", (1, 0))]), ((r, c), [])]
