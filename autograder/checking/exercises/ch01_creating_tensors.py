"""Chapter 01, creating tensors: the exercises behind the notebook's test cells."""
from __future__ import annotations

import numpy as np
import torch

from .. import checks as C
from ..exercise import Learner, Rand, exercise


@exercise("ch01.make_grid")
def make_grid(L: Learner, R: Rand, hidden: bool) -> None:
    cases = [(3, 4), (1, 5), (4, 1)] if not hidden else [(R.int(1, 7), R.int(1, 7)) for _ in range(6)]
    for rows, cols in cases:
        C.tensor(L.call("make_grid", rows, cols), torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols),
                 f"make_grid({rows}, {cols})",
                 hint="torch.arange(n) counts in int64; ask for dtype=torch.float32, then .reshape(rows, cols).")


def _random_values(R: Rand) -> list:
    """A small nested list whose elements mix bools, ints and floats, as torch.tensor sees them."""
    kinds = R.choice([["bool"], ["int"], ["float"], ["int", "float"], ["bool", "int"], ["bool", "int", "float"]])
    make = {"bool": lambda: bool(R.int(0, 1)), "int": lambda: R.int(-9, 9), "float": lambda: R.int(-90, 90) / 10}
    rows, cols = R.int(1, 3), R.int(1, 4)
    values = [[make[R.choice(kinds)]() for _ in range(cols)] for _ in range(rows)]
    return values[0] if rows == 1 and R.int(0, 1) else values


@exercise("ch01.predict_dtype")
def predict_dtype(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.value(L.get("predicted_int_dtype"), torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]).dtype,
                "predicted_int_dtype", hint="Python ints become torch's default integer type.")
        C.value(L.get("predicted_float_dtype"), torch.tensor([1.0, 2, 4, 8]).dtype, "predicted_float_dtype",
                hint="one float in the list is enough; floats become torch's default float type.")
        C.value(L.get("predicted_legacy_dtype"), torch.Tensor([1, 2]).dtype, "predicted_legacy_dtype",
                hint="capital-T torch.Tensor is the legacy constructor: it ignores what the values look like.")
        cases = [[1, 2], [[1.5, 2]], [True, False], [[True, 2], [3, 4]]]
    else:
        cases = [_random_values(R) for _ in range(8)]
    for values in cases:
        C.value(L.call("inferred_dtype", values), torch.tensor(values).dtype, f"inferred_dtype({values})",
                hint="the widest kind present wins: bool < int (int64) < float (float32).")


def _reshape_case(R: Rand) -> tuple[int, tuple[int, ...]]:
    dims = R.shape(2, 3, 4)
    n = int(np.prod(dims))
    shape = list(dims)
    shape[R.int(0, len(shape) - 1)] = -1
    if R.int(0, 3) == 0:  # sometimes impossible: torch must raise, and so must you
        n += R.int(1, 3)
    return n, tuple(shape)


@exercise("ch01.predict_reshape")
def predict_reshape(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.value(L.get("predicted_shape"), torch.arange(24).reshape(2, -1, 4).shape, "predicted_shape",
                hint="-1 means 'whatever makes the element count work': 24 / (2 * 4).")
        cases = [(24, (2, -1, 4)), (12, (-1,)), (12, (5, -1))]
    else:
        cases = [_reshape_case(R) for _ in range(8)]
    for n, shape in cases:
        want = C.outcome(lambda: tuple(torch.arange(n).reshape(*shape).shape))
        what = f"reshape_result({n}, {shape})"
        if want.kind == "exception":
            C.error(L.call("reshape_result", n, shape), want, what, match="",
                    hint="when no size fits, torch raises RuntimeError; raise one too.")
        else:
            C.value(L.call("reshape_result", n, shape), want, what,
                    hint="divide n by the product of the known sizes; return a tuple of ints.")


@exercise("ch01.blank_batch")
def blank_batch(L: Learner, R: Rand, hidden: bool) -> None:
    cases = [(2, 4, 5), (1, 1, 1)] if not hidden else [(R.int(1, 4), R.int(1, 6), R.int(1, 6)) for _ in range(5)]
    for n, h, w in cases:
        C.tensor(L.call("blank_batch", n, h, w), torch.zeros(n, 3, h, w, dtype=torch.uint8),
                 f"blank_batch({n}, {h}, {w})",
                 hint="torch.zeros takes the sizes as separate numbers or as one tuple; images are dtype=torch.uint8.")
        C.value(L.call("blank_batch_np", n, h, w), np.zeros((n, 3, h, w), dtype=np.uint8),
                f"blank_batch_np({n}, {h}, {w})", hint="np.zeros takes the shape as one tuple, and dtype=np.uint8.")


@exercise("ch01.convert")
def convert(L: Learner, R: Rand, hidden: bool) -> None:
    shapes = [(2, 3), (4,)] if not hidden else [R.shape(1, 3, 5) for _ in range(4)]
    for shape in shapes:
        t = R.randn(*shape)
        what = f"to_numpy(t) for t of shape {shape}"
        got, t_after = C.parts(L.call("to_numpy", t, inputs=True), what)  # frozen together, so sharing can be judged
        C.value(got, t.numpy(), what, hint="Tensor.numpy() gives an ndarray.")
        C.shares_memory(got, t_after, True, what, hint="np.array(t) copies; t.numpy() shares t's memory, at no cost.")
        a = R.randn(*shape, dtype=torch.float64).numpy()
        what = f"to_tensor(a) for a float64 array of shape {shape}"
        back, a_after = C.parts(L.call("to_tensor", a, inputs=True), what)
        C.tensor(back, torch.from_numpy(a), what, hint="the tensor keeps the array's dtype (float64).")
        C.shares_memory(back, a_after, True, what, hint="torch.tensor(a) always copies; torch.from_numpy(a) shares.")


@exercise("ch01.scalars")
def scalars(L: Learner, R: Rand, hidden: bool) -> None:
    values = [3.5, -2.25] if not hidden else [R.int(-999, 999) / 8 for _ in range(5)]
    for v in values:
        t = torch.tensor([v])
        C.value(L.call("as_python", t), (t.item(), float(t), int(t)), f"as_python(torch.tensor([{v}]))",
                hint="return plain Python numbers: t.item(), float(t), int(t). int() truncates toward zero.")


@exercise("ch01.find_functions")
def find_functions(L: Learner, R: Rand, hidden: bool) -> None:
    prefixes = ["rand"] if not hidden else [R.choice(["zeros", "ones", "arange", "log", "exp", "cat", "full", "eye"]) for _ in range(3)]
    for prefix in prefixes:
        C.value(L.call("names_starting_with", prefix), sorted(n for n in dir(torch) if n.startswith(prefix)),
                f"names_starting_with({prefix!r})",
                hint="dir(torch) lists every name in torch; keep those that start with the prefix, sorted.")
