"""Chapter 01, creating tensors: the exercises behind the notebook's test cells.

Each exercise's docstring lists the mistakes it exists to catch; its hidden inputs always include a case
that exposes each one, so a typical wrong answer fails on every seed.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from .. import checks as C
from ..checks import Hint
from ..exercise import Learner, Rand, exercise
from ..i18n import _
from ..no_torch import plain_call


@exercise("ch01.make_grid")
def make_grid(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: arange's int64 kept; rows and columns swapped (inputs are never square); counting from 1."""
    cases = [(3, 4), (1, 5), (4, 1)] if not hidden else [(r, r + R.int(1, 4)) for r in (R.int(1, 4), R.int(2, 5))] + \
        [(c + R.int(1, 3), c) for c in (R.int(1, 4), R.int(1, 5))]
    hint = Hint(_("look at the dtype torch.arange gives for whole numbers, and at the order of the sizes in reshape."),
                _("torch.arange(n) counts in int64: ask it for dtype=torch.float32, then .reshape(rows, cols)."))
    for rows, cols in cases:
        C.tensor(L.call("make_grid", rows, cols), torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols),
                 f"make_grid({rows}, {cols})", hint=hint)


def _values(R: Rand, kinds: list[str], nested: bool) -> list:
    """A list (or a list of rows) of Python values of the given kinds; the last kind always comes last,
    in the last row, so an answer that looks only at the first element or the first row is exposed."""
    make = {"bool": lambda: bool(R.int(0, 1)), "int": lambda: R.int(-9, 9), "float": lambda: R.int(-90, 90) / 10 + 0.5}
    rows, cols = (R.int(2, 3) if nested else 1), R.int(2, 4)
    values = [[make[R.choice(kinds[:-1] or kinds)]() for _i in range(cols)] for _i in range(rows)]
    values[-1][-1] = make[kinds[-1]]()
    return values if nested else values[0]


@exercise("ch01.predict_dtype")
def predict_dtype(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: torch.Tensor thought to keep ints; floats thought to be float64 (numpy's habit); bools counted
    as ints; the first element (or first row) deciding the dtype; torch called where the rules were asked for."""
    if not hidden:
        for name, value, hint in [
            ("predicted_int_dtype", torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]).dtype,
             Hint(_("which integer type does torch pick when you do not say?"))),
            ("predicted_float_dtype", torch.tensor([1.0, 2, 4, 8]).dtype,
             Hint(_("one float in the list makes the whole tensor float; which float type is torch's default?"))),
            ("predicted_legacy_dtype", torch.Tensor([1, 2]).dtype,
             Hint(_("capital-T torch.Tensor is the legacy constructor: does it look at the values at all?"))),
        ]:
            C.value(L.get(name), value, name, hint=hint)
        cases = [[1, 2], [[1.5, 2]], [True, False], [[True, 2], [3, 4]], [[1, 2], [3, 4.5]], [True, 2.5]]
    else:
        cases = [_values(R, kinds, nested) for kinds in (["bool"], ["bool", "int"], ["int", "float"], ["bool", "float"],
                                                        ["int"], ["bool", "int", "float"]) for nested in (False, True)]
    hint = Hint(_("find the widest kind of value anywhere in the list, in every row: bool < int < float."),
                _("all bools gives 'bool'; any int (and no float) gives 'int64'; any float gives 'float32'."))
    for values in cases:
        want = str(torch.tensor(values).dtype).removeprefix("torch.")
        C.value(plain_call(L, "inferred_dtype", values), want, f"inferred_dtype({values})", hint=hint)


def _reshape_case(R: Rand, possible: bool) -> tuple[int, tuple[int, ...]]:
    dims = list(R.shape(2, 3, 4))
    n = math.prod(dims)
    dims[R.int(0, len(dims) - 1)] = -1
    return (n if possible else n + R.int(1, 3)), tuple(dims)


@exercise("ch01.predict_reshape")
def predict_reshape(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: a list where torch gives a tuple-like shape; no error when no size fits; torch called
    where the rule was asked for."""
    if not hidden:
        C.value(L.get("predicted_shape"), tuple(torch.arange(24).reshape(2, -1, 4).shape), "predicted_shape",
                hint=Hint(_("-1 stands for the one size that makes the element count come out right.")))
        cases = [(24, (2, -1, 4)), (12, (-1,)), (12, (5, -1)), (6, (-1, 6))]
    else:
        cases = [_reshape_case(R, possible=k % 3 != 2) for k in range(8)]
    for n, shape in cases:
        want = C.outcome(lambda: tuple(torch.arange(n).reshape(*shape).shape))
        what = f"reshape_result({n}, {shape})"
        got = plain_call(L, "reshape_result", n, shape)
        if want.kind == "exception":
            C.error(got, want, what, match="", hint=Hint(_("can the known sizes divide n exactly? If not, torch refuses."),
                                                          _("when n is not a multiple of the known sizes' product, raise RuntimeError.")))
        else:
            C.value(got, want, what, hint=Hint(_("n elements, split into the known sizes: what is left for the -1?"),
                                               _("the -1 becomes n // (product of the other sizes); return a tuple of ints.")))


@exercise("ch01.blank_batch")
def blank_batch(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: zeros' default float32 (torch) or float64 (numpy); channels last instead of second."""
    cases = [(2, 4, 5), (1, 1, 1)] if not hidden else [(R.int(1, 4), R.int(4, 6), R.int(1, 2)) for _i in range(3)]
    for n, h, w in cases:
        C.tensor(L.call("blank_batch", n, h, w), torch.zeros(n, 3, h, w, dtype=torch.uint8), f"blank_batch({n}, {h}, {w})",
                 hint=Hint(_("raw pixels are bytes: look at the dtype, and where the 3 colour channels go."),
                           _("torch.zeros(n, 3, h, w, dtype=torch.uint8).")))
        C.value(L.call("blank_batch_np", n, h, w), np.zeros((n, 3, h, w), dtype=np.uint8), f"blank_batch_np({n}, {h}, {w})",
                hint=Hint(_("numpy has its own dtypes, and np.zeros wants the shape as one tuple."),
                          _("np.zeros((n, 3, h, w), dtype=np.uint8).")))


@exercise("ch01.convert")
def convert(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: np.array(t) and torch.tensor(a), which copy; torch.Tensor(a), which also turns float64 into float32."""
    shapes = [(2, 3), (4,)] if not hidden else [R.shape(1, 3, 5) for _i in range(4)]
    for shape in shapes:
        t = R.randn(*shape)
        what = _("to_numpy(t) for t of shape {shape}").format(shape=shape)
        got, t_after = C.parts(L.call("to_numpy", t, inputs=True), what)  # frozen together, so sharing can be judged
        C.value(got, t.numpy(), what, hint=Hint(_("the result must be a numpy array with t's values.")))
        C.shares_memory(got, t_after, True, what, hint=Hint(_("some conversions copy the data; one of them shares it."),
                                                             _("np.array(t) copies; t.numpy() shares t's memory.")))
        a = R.randn(*shape, dtype=torch.float64).numpy()
        what = _("to_tensor(a) for a float64 array of shape {shape}").format(shape=shape)
        back, a_after = C.parts(L.call("to_tensor", a, inputs=True), what)
        C.tensor(back, torch.from_numpy(a), what, hint=Hint(_("the tensor must keep the array's dtype, float64.")))
        C.shares_memory(back, a_after, True, what, hint=Hint(_("some conversions copy the data; one of them shares it."),
                                                              _("torch.tensor(a) always copies; torch.from_numpy(a) shares.")))


def _where(shape: tuple[int, ...], k: int) -> tuple[int, ...]:
    """Where k sits in arange(n).reshape(shape), asked of torch."""
    return tuple(int(i) for i in (torch.arange(math.prod(shape)).reshape(shape) == k).nonzero()[0])


def _where_case(R: Rand, dims: int) -> tuple[tuple[int, ...], int]:
    """A shape with unequal sizes and a k whose place differs between row-by-row and column-by-column filling."""
    shape = tuple(R.int(2, 4) + 2 * i for i in range(dims))[::R.choice([1, -1])]
    # only to choose k (the expected place is torch's): where the two orders of filling disagree
    ks = np.arange(1, math.prod(shape) - 1)
    ks = ks[(np.stack(np.unravel_index(ks, shape)) != np.stack(np.unravel_index(ks, shape, order="F"))).any(axis=0)]
    ks = [int(k) for k in ks]
    return shape, R.choice(ks)


@exercise("ch01.where_is")
def where_is(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: filling column by column; the index as a list; torch called where the reasoning was asked for."""
    cases = [((3, 4), 6), ((2, 3, 4), 17), ((5,), 3), ((2, 5), 9), ((5, 2), 9)] if not hidden else \
        [_where_case(R, d) for d in (2, 2, 3, 3, 4)] + [((R.int(2, 9),), 1)]
    hint = Hint(_("reshape fills the last dimension first: how many numbers does one step along each dimension skip?"),
                _("for shape (a, b, c), number k sits at (k // (b*c), (k // c) % b, k % c); return a tuple."))
    for shape, k in cases:
        C.value(plain_call(L, "where_is", shape, k), _where(shape, k), f"where_is({shape}, {k})", hint=hint)


_STEPS = [0.25, 0.5, 0.75, 1.25, 1.5, 2, 3]


def _arange_case(R: Rand, floats: str, exact: bool, down: bool) -> tuple:
    """start, end, step with a float exactly where ``floats`` says ('', 'start', 'end' or 'step'). With ``exact``
    the span is a whole number of steps (an answer that includes the end is exposed), otherwise half a step
    (or one) short (a floor is exposed). Steps and bounds are binary fractions, so torch's size is exact."""
    step = R.choice(_STEPS) if floats == "step" else R.int(2, 3)
    start = R.int(-8, 8) / 4 if floats == "start" else R.int(-3, 3)
    end = start + step * R.int(2, 5) - (0 if exact else (step / 2 if floats else 1))
    end = float(end) if floats == "end" else end
    return (end, start, -step) if down else (start, end, step)


@exercise("ch01.arange_rules")
def arange_rules(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: the end included; floor where the size is a ceiling; downward steps; float64 for floats;
    a float only counted in the step; torch called where the documented rules were asked for."""
    if not hidden:
        C.value(L.get("predicted_count"), torch.arange(1, 4, 0.75).numel(), "predicted_count",
                hint=Hint(_("the end is exclusive, and the size is a ceiling: work out (end - start) / step.")))
        C.value(L.get("predicted_step_dtype"), torch.arange(0, 6, 1.5).dtype, "predicted_step_dtype",
                hint=Hint(_("only the step is a float here: does the documentation's sentence really leave it out?")))
        cases = [(1, 4, 0.75), (2, 8.0, 1), (0, 10, 3), (5, 1, -1.5), (0, 3, 1), (0.5, 2, 0.5)]
    else:
        cases = [_arange_case(R, *c) for c in [("", True, False), ("", False, True), ("start", False, False),
                                                ("end", True, True), ("step", False, False), ("step", True, True)]]
    for start, end, step in cases:
        want = torch.arange(start, end, step)
        args = f"{start!r}, {end!r}, {step!r}"
        C.value(plain_call(L, "arange_size", start, end, step), want.numel(), f"arange_size({args})",
                hint=Hint(_("the size is the ceiling of (end - start) / step, as an int; the end itself is never included."),
                          _("return math.ceil((end - start) / step).")))
        C.value(plain_call(L, "arange_dtype", start, end, step), str(want.dtype).removeprefix("torch."), f"arange_dtype({args})",
                hint=Hint(_("look at all three numbers: if any one is a float, which dtype does the documentation promise?"),
                          _("'float32' (the default float type) when start, end or step is a float, else 'int64'.")))
