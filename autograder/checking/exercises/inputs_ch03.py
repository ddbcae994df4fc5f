"""Chapter 03's input generators: each builds, from a seeded Rand, the cases that expose one mistake."""
from __future__ import annotations

import torch

from ..exercise import Rand

# bool is left out on purpose: `-` on bools raises, which is a different lesson.
INTS = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
FLOATS = [torch.float16, torch.float32, torch.float64]
DTYPES = INTS + FLOATS


def _runs(R: Rand, n: int, dtype: torch.dtype) -> torch.Tensor:
    """Runs of equal values: a run of two at the start and at the end, and, for float dtypes, two neighbouring
    runs that differ only after the decimal point (an answer that casts to int merges them)."""
    frac = dtype.is_floating_point
    base = R.int(-3, 3)
    out = [base + (0.25 if frac else 0)] * 2 + [base + (0.75 if frac else 1)] * R.int(1, 2)
    while len(out) < n - 2:
        out += [R.int(-3, 3) + (R.choice([0.25, 0.5]) if frac else 0)] * R.int(1, 2)
    return torch.tensor(out + [out[-1] + 1] * 2, dtype=dtype)


def _pq(R: Rand, b: int, k: int, c: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return R.randn(b, k), R.randn(b, k), R.randn(c, k)


def _product_cases(R: Rand) -> list[tuple[str, tuple, tuple]]:
    """One case of each kind that exposes a mistake, with random sizes, then random ones."""
    n, k, m, b, c = R.int(2, 4), R.int(2, 4), R.int(2, 4), R.int(2, 3), R.int(2, 3)
    return [("mm", (b, n, k), (k, m)), ("mv", (n, k), (k, 1)), ("dot", (n, k), (k,)), ("matmul", (k,), (b, k, m)),
            ("matmul", (b, n, k), (k,)), ("matmul", (b, 1, n, k), (c, k, m)), ("matmul", (n, k), (k + 1, m)),
            ("mm", (n, k), (k, m)), ("mv", (n, k), (k,)), ("dot", (k,), (k,))] + [_product_case(R) for _i in range(5)]


def _product_case(R: Rand) -> tuple[str, tuple, tuple]:
    name = R.choice(["mm", "mv", "dot", "matmul", "matmul"])
    n, k, m = R.int(1, 4), R.int(1, 4), R.int(1, 4)
    k2 = k if R.int(0, 3) else R.int(1, 4)  # sometimes the inner sizes disagree
    batch = R.shape(1, 2, 3) if R.int(0, 2) == 0 else ()
    batch2 = tuple(R.choice([d, 1]) for d in batch)[R.int(0, len(batch)):] if batch else ()
    shapes = {
        "mm": [((n, k), (k2, m)), (batch + (n, k), (k2, m))],
        "mv": [((n, k), (k2,)), (batch + (n, k), (k2,))],
        "dot": [((k,), (k2,)), ((n, k), (k2,))],
        "matmul": [(batch + (n, k), batch2 + (k2, m)), ((k,), batch + (k2, m)), (batch + (n, k), (k2,)), ((k,), (k2,))],
    }[name]
    s1, s2 = R.choice(shapes)
    return name, s1, s2


def _in_place_cases(R: Rand) -> list[tuple[torch.Tensor, torch.Tensor]]:
    shape = R.shape(1, 3, 4)
    u8 = torch.full(shape, 250, dtype=torch.uint8) - R.randint(0, 5, shape, dtype=torch.uint8)
    return [(R.randint(-5, 5, shape), R.randn(*shape)),                                   # int += float: raises
            (u8, R.randint(6, 300, shape)),                                               # uint8 wraps
            (R.randint(-5, 5, shape, dtype=torch.int32), R.randint(-5, 5, shape)),        # int32 += int64 stays int32
            (R.randn(*shape), R.randint(-5, 5, (shape[-1],))),                            # float += a broadcast int row
            (R.randn(*shape, dtype=torch.float16), R.randn(*shape, dtype=torch.float64))]  # float16 += float64


def _operand(R: Rand, kind: str) -> tuple:
    if kind == "number":
        return ("number", R.choice([True, 2, -3, 1.5]))
    return (kind, R.choice(DTYPES + [torch.bool]))


def _live(x: tuple):
    """The operand a description stands for."""
    kind, v = x
    if kind == "number":
        return v
    return torch.ones(2, dtype=v) if kind == "tensor" else torch.tensor(1, dtype=v)


def _say(x: tuple) -> str:
    kind, v = x
    return f"({kind!r}, {v!r})" if kind == "number" else f"({kind!r}, {v})"
