"""Chapter 06, contiguity: the exercises behind the notebook's test cells.

Every layout a test uses is built by torch (transposes, permutations and slices of a real
tensor), and every expected stride, offset, error or identity is read from torch at check time.
"""
from __future__ import annotations

import torch

from .. import checks as C
from ..exercise import Learner, Rand, exercise

Layout = tuple[tuple[int, ...], list]  # (base shape, ops): how to build a view from a fresh tensor


def _apply(base: torch.Tensor, ops: list) -> torch.Tensor:
    """Replay layout ops on ``base``: ("slice", [(start, stop, step), ...]) or ("permute", dims)."""
    t = base
    for op, arg in ops:
        t = t[tuple(slice(*s) for s in arg)] if op == "slice" else t.permute(*arg)
    return t


def _dims(R: Rand, n: int) -> tuple[int, ...]:
    """A transpose (two dims swapped) half the time, otherwise any permutation."""
    dims = list(range(n))
    if n >= 2 and R.int(0, 1):
        i, j = R.int(0, n - 1), R.int(0, n - 1)
        dims[i], dims[j] = dims[j], dims[i]
        return tuple(dims)
    return tuple(int(d) for d in R.np.permutation(n))


def _slices(R: Rand, shape: tuple[int, ...]) -> list:
    """Non-empty slices with random starts (so the view has a storage offset) and steps 1 or 2."""
    out = []
    for size in shape:
        start = R.int(0, max(size - 2, 0))  # keep at least two elements where the size allows
        out.append((start, R.int(min(start + 2, size), size), R.choice([1, 1, 2])))
    return out


def _random_layout(R: Rand, slices: bool) -> Layout:
    shape = R.shape(2, 4, 4)
    ops: list = []
    if slices and R.int(0, 2):
        ops.append(("slice", _slices(R, shape)))
    ops.append(("permute", _dims(R, len(shape))))
    return shape, ops


def _view(R: Rand, layout: Layout) -> torch.Tensor:
    shape, ops = layout
    return _apply(R.randn(*shape), ops)


def _describe(layout: Layout) -> str:
    shape, ops = layout
    text = f"torch.randn{shape}"
    for op, arg in ops:
        if op == "slice":
            text += "[" + ", ".join(f"{a}:{b}" + (f":{c}" if c != 1 else "") for a, b, c in arg) + "]"
        else:
            text += f".permute{tuple(arg)}"
    return text


def _shares(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


# The seed's tensors and the text's examples, as layouts (so visible and hidden cases share one path).
SEED_T: Layout = ((2, 3), [("permute", (1, 0))])
PLAIN: Layout = ((2, 3), [])
CUBE_T: Layout = ((2, 3, 4), [("permute", (2, 0, 1))])
ROW_SLICE: Layout = ((3, 4), [("slice", [(1, 3, 1), (0, 4, 1)])])
COL_T: Layout = ((1, 3), [("permute", (1, 0))])


@exercise("ch06.strides")
def strides(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x = torch.arange(12).reshape(3, 4)
        C.value(L.get("predicted_stride"), x.stride(), "predicted_stride",
                hint="a step along a row moves 1 cell in storage; a step down a column skips a whole row.")
        C.value(L.get("predicted_t_stride"), x.t().stride(), "predicted_t_stride",
                hint="t() copies nothing: it swaps the shape AND swaps the strides, over the same storage.")
        cases = [((3, 4), (1, 0)), ((2, 3, 4), (0, 1, 2)), ((2, 3, 4), (2, 0, 1)), ((2, 1, 3), (1, 0, 2))]
    else:
        cases = []
        for _ in range(10):
            shape = R.shape(1, 4, 5)
            cases.append((shape, _dims(R, len(shape))))
    for shape, dims in cases:
        C.value(L.call("permuted_stride", shape, dims), tuple(torch.zeros(shape).permute(*dims).stride()),
                f"permuted_stride({shape}, {dims})",
                hint="first the strides of the contiguous shape (product of the sizes to the right), "
                     "then reorder them with dims; do not recompute them for the new shape.")


@exercise("ch06.storage_offset")
def storage_offset(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.value(L.get("predicted_offset"), torch.arange(12).reshape(3, 4)[1:, 2:].storage_offset(),
                "predicted_offset", hint="the view starts at element [1, 2] of x: count its cells from the start of storage.")
        cases = [(ROW_SLICE, (0, 1)), (SEED_T, (2, 1)), (((3, 4), [("slice", [(1, 3, 1), (2, 4, 1)])]), (1, 0)),
                 (((4, 5), [("slice", [(1, 4, 2), (0, 5, 2)]), ("permute", (1, 0))]), (2, 1))]
    else:
        cases = []
        for _ in range(10):
            layout = _random_layout(R, slices=True)
            shape = _apply(torch.empty(layout[0]), layout[1]).shape
            cases.append((layout, tuple(R.int(0, s - 1) for s in shape)))
    for layout, idx in cases:
        shape, ops = layout
        t = _view(R, layout)
        # The same layout over a storage that holds 0, 1, 2, ...: the element IS its storage position.
        want = _apply(torch.arange(int(torch.Size(shape).numel())).reshape(shape), ops)[idx].item()
        C.value(L.call("storage_index", t, idx), want, f"storage_index(t, {idx}) for t = {_describe(layout)}",
                hint="start at t.storage_offset(), then add index * stride for every dimension.")


@exercise("ch06.is_contiguous")
def is_contiguous(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        layouts = [PLAIN, SEED_T, CUBE_T, ROW_SLICE, COL_T, ((3, 4), [("slice", [(0, 3, 1), (0, 4, 2)])])]
    else:
        layouts = [_random_layout(R, slices=True) for _ in range(12)]
    for layout in layouts:
        t = _view(R, layout)
        C.flag(L.call("is_contiguous_layout", tuple(t.shape), tuple(t.stride())), t.is_contiguous(),
               f"is_contiguous_layout({tuple(t.shape)}, {tuple(t.stride())}), the layout of {_describe(layout)}",
               hint="walk the dims from the last: each stride must equal the product of the sizes to its right; "
                    "a dim of size 1 is never stepped along, so its stride does not matter.")


@exercise("ch06.view_or_reshape")
def view_or_reshape(L: Learner, R: Rand, hidden: bool) -> None:
    layouts = [SEED_T, PLAIN, CUBE_T] if not hidden else [_random_layout(R, slices=False) for _ in range(10)]
    for layout in layouts:
        t = _view(R, layout)
        what = f"for t = {_describe(layout)}"
        want = C.outcome(lambda: t.view(-1))
        got, t_after = C.parts(L.call("flatten_view", t, inputs=True), f"flatten_view(t) {what}")
        if want.kind == "exception":
            C.error(got, want, f"flatten_view(t) {what}",
                    hint="t is not contiguous, so no view can flatten it: let view raise its own error, "
                         "do not quietly copy.")
        else:
            C.tensor(got, want, f"flatten_view(t) {what}", hint="t.view(-1)")
            C.shares_memory(got, t_after, True, f"flatten_view(t) {what}",
                            hint="a view shares t's storage; reshape/contiguous may copy.")
        r = t.reshape(-1)
        got, t_after = C.parts(L.call("flatten_any", t, inputs=True), f"flatten_any(t) {what}")
        C.tensor(got, r, f"flatten_any(t) {what}", hint="reshape works on any layout.")
        C.shares_memory(got, t_after, _shares(r, t), f"flatten_any(t) {what}",
                        hint="reshape returns a view when it can and copies only when it must; so should you.")


@exercise("ch06.reassign")
def reassign(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        b = R.rand(2, 3).t()  # the seed, cell by cell, run live
        b.contiguous()
        C.flag(L.get("predicted_after_call"), b.is_contiguous(), "predicted_after_call",
               hint="b.contiguous() returns a new tensor; the line throws it away, and b is still the transpose.")
        b = b.contiguous()
        C.flag(L.get("predicted_after_reassign"), b.is_contiguous(), "predicted_after_reassign",
               hint="now the name b refers to the contiguous copy.")
        layouts = [SEED_T, CUBE_T, PLAIN]
    else:
        layouts = [_random_layout(R, slices=False) for _ in range(10)]
    for layout in layouts:
        t = _view(R, layout)
        want = t.contiguous().view(-1)
        what = f"contiguous_flat(t) for t = {_describe(layout)}"
        got, t_after = C.parts(L.call("contiguous_flat", t, inputs=True), what)
        C.tensor(got, want, what,
                 hint="t.contiguous() does not change t, it returns a tensor: reassign, t = t.contiguous(), then view.")
        C.shares_memory(got, t_after, _shares(want, t), what,
                        hint="contiguous() copies only a non-contiguous t; view(-1) then shares with whatever it got.")


@exercise("ch06.copy_when_needed")
def copy_when_needed(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        layouts = [SEED_T, PLAIN, ROW_SLICE, CUBE_T, COL_T]
    else:
        layouts = [_random_layout(R, slices=True) for _ in range(10)]
    for layout in layouts:
        t = _view(R, layout)
        c = t.contiguous()
        what = f"my_contiguous(t) for t = {_describe(layout)}"
        # (result, t): identity and sharing are judged together
        got, t_after = C.parts(L.call("my_contiguous", t, inputs=True), what)
        C.tensor(got, c, what, hint="same values and dtype as t.")
        C.meta(got, "contiguous", True, what, hint="the result must be contiguous.")
        C.same_object(got, t_after, c is t, what,
                      hint="contiguous() returns t itself when t is already contiguous, and a new tensor otherwise.")
        C.shares_memory(got, t_after, _shares(c, t), what,
                        hint="copy only when the layout forces it; a contiguous t is returned as it is.")


WHY_STILL_FALSE = {
    "A": "contiguous() cannot copy b because b shares its storage with a.",
    "B": "contiguous() returns a new tensor and leaves b unchanged; that new tensor was never given a name.",
    "C": "is_contiguous() is cached: it only updates after the next view() call.",
    "D": "contiguous() reorders b's storage in place, but b keeps its old strides.",
}
WHY_SAME_OBJECT = {
    "A": "a is already contiguous, so contiguous() has nothing to do and returns a itself.",
    "B": "contiguous() always returns its input; only reshape copies.",
    "C": "contiguous() copies a, and Python reuses the old object for the copy.",
    "D": "a was created by torch.rand, and random tensors are never copied.",
}


@exercise("ch06.explain")
def explain(L: Learner, R: Rand, hidden: bool) -> None:
    # The facts behind the right letters, verified live, so the key cannot drift from torch.
    b = R.rand(2, 3).t()
    c = b.contiguous()
    a = R.rand(2, 3)
    assert c is not b and not b.is_contiguous() and a.contiguous() is a, "torch changed: revise the explanations"
    C.choice(L.get("why_still_false"), "B", WHY_STILL_FALSE, "why_still_false",
             hint="print(b.contiguous() is b) and id() of both: what does the call hand back?")
    C.choice(L.get("why_same_object"), "A", WHY_SAME_OBJECT, "why_same_object",
             hint="compare with b = a.t(): b.contiguous() is b gives False. What differs between a and b?")
