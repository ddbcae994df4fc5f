"""Chapter 02, indexing and slicing: the exercises behind the notebook's test cells."""
from __future__ import annotations

import torch

from .. import checks as C
from ..exercise import Learner, Rand, exercise


def _grid(rows: int, cols: int) -> torch.Tensor:
    """The chapter's running example: 0, 1, 2, ... as float32, row by row."""
    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)


def _same_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


@exercise("ch02.rows")
def rows(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [(_grid(3, 4), 1, 3), (_grid(5, 2), 0, 2)]
    else:
        cases = []
        for _ in range(5):
            r, c = R.int(2, 6), R.int(1, 5)
            i = R.int(0, r - 1)
            cases.append((R.randn(r, c), i, R.int(i + 1, r)))
    for X, i, j in cases:
        what = f"last_row(X) for X of shape {tuple(X.shape)}"
        last, X_after, *_ = C.parts(L.call("last_row", X, inputs=True), what)
        C.tensor(last, X[-1], what, hint="X[-1] is the last row; X[-1:] keeps a dimension of size 1 and is not a row.")
        C.shares_memory(last, X_after, True, what, hint="a plain index is basic indexing: it returns a view, no copy.")
        what = f"row_block(X, {i}, {j}) for X of shape {tuple(X.shape)}"
        block, X_after, *_ = C.parts(L.call("row_block", X, i, j, inputs=True), what)
        C.tensor(block, X[i:j], what, hint="X[i:j] takes rows i, ..., j-1, like a Python range.")
        C.shares_memory(block, X_after, True, what, hint="a slice is basic indexing: it returns a view, no copy.")


def _random_index(R: Rand, shape: tuple[int, ...]) -> tuple:
    """A tuple of ints, slices and at most one Ellipsis that is valid for ``shape``."""
    n_index = R.int(1, len(shape))
    dims = list(shape)
    index: list = []
    ellipsis_at = R.int(0, n_index) if R.int(0, 2) == 0 else -1
    for k in range(n_index):
        if k == ellipsis_at:
            index.append(Ellipsis)
        size = dims[k] if ellipsis_at == -1 or k < ellipsis_at else dims[len(dims) - n_index + k]
        kind = R.choice(["int", "slice", "slice"])
        if kind == "int":
            index.append(R.int(-size, size - 1))
        else:
            start, stop = R.int(0, size), R.int(0, size + 1)
            index.append(slice(R.choice([None, start]), R.choice([None, stop]), R.choice([None, 1, 2, 3])))
    if ellipsis_at == n_index:
        index.append(Ellipsis)
    return tuple(index)


@exercise("ch02.predict_shapes")
def predict_shapes(L: Learner, R: Rand, hidden: bool) -> None:
    X, a = _grid(3, 4), torch.zeros(2, 3, 3)
    if not hidden:
        C.value(L.get("predicted_entry_shape"), X[1, 2].shape, "predicted_entry_shape",
                hint="two ints remove both dimensions: one number is a 0-d tensor, shape ().")
        C.value(L.get("predicted_row_slice_shape"), X[1:2, 2].shape, "predicted_row_slice_shape",
                hint="a slice keeps its dimension (even of length 1); an int removes its dimension.")
        C.value(L.get("predicted_ellipsis_shape"), a[0, ...].shape, "predicted_ellipsis_shape",
                hint="... stands for as many `:` as needed, so a[0, ...] is a[0, :, :].")
        C.value(L.get("predicted_last_ellipsis_shape"), a[..., 0].shape, "predicted_last_ellipsis_shape",
                hint="a[..., 0] is a[:, :, 0]: the int removes the last dimension.")
        cases = [((3, 4), (1, 2)), ((3, 4), (slice(1, 2), 2)), ((2, 3, 3), (0, Ellipsis)),
                 ((2, 3, 3), (Ellipsis, 0)), ((5, 6), (slice(None, None, 2), slice(1, None)))]
    else:
        cases = [(shape, _random_index(R, shape)) for shape in (R.shape(1, 4, 6) for _ in range(12))]
    for shape, index in cases:
        C.value(L.call("index_shape", shape, index), torch.empty(shape)[index].shape,
                f"index_shape({shape}, {index})",
                hint="an int removes its dimension; a slice keeps it with len(range(*s.indices(size))) items; "
                     "... fills in `:` for the dimensions not named; dimensions not indexed are kept.")


@exercise("ch02.write")
def write(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [(_grid(3, 4), 1, 2, 17, 2, 12)]
    else:
        cases = []
        for _ in range(5):
            r, c = R.int(1, 5), R.int(1, 5)
            X = R.choice([lambda: R.randn(r, c), lambda: R.randint(-9, 9, (r, c))])()
            cases.append((X, R.int(-r, r - 1), R.int(-c, c - 1), R.int(-50, 50), R.int(0, r), R.int(-50, 50)))
    for X, i, j, v, k, w in cases:
        want = X.clone()
        want[i, j] = v
        what = f"set_entry(X, {i}, {j}, {v}) for X of shape {tuple(X.shape)}: X afterwards"
        _, X_after, *_ = C.parts(L.call("set_entry", X, i, j, v, inputs=True), what)
        C.tensor(X_after, want, what, hint="X[i, j] = v writes into X itself; a copy you change and return leaves X as it was.")
        want = X.clone()
        want[:k, :] = w
        what = f"fill_rows(X, {k}, {w}) for X of shape {tuple(X.shape)}: X afterwards"
        _, X_after, *_ = C.parts(L.call("fill_rows", X, k, w, inputs=True), what)
        C.tensor(X_after, want, what, hint="X[:k, :] = w sets every entry of the first k rows, in place.")


@exercise("ch02.ellipsis")
def ellipsis(L: Learner, R: Rand, hidden: bool) -> None:
    shapes = [(2, 3, 3), (4, 5), (2, 2, 3, 2)] if not hidden else [R.shape(1, 5, 4) for _ in range(6)]
    for shape in shapes:
        a = R.randn(*shape)
        what = f"first_item(a) for a of shape {shape}"
        got, a_after, *_ = C.parts(L.call("first_item", a, inputs=True), what)
        C.tensor(got, a[0, ...], what, hint="a[0, ...] works for any number of dimensions; a[0, :, :] only for three.")
        C.shares_memory(got, a_after, True, what, hint="indexing with ints, slices and ... is basic indexing: a view.")
        what = f"last_column(a) for a of shape {shape}"
        got, a_after, *_ = C.parts(L.call("last_column", a, inputs=True), what)
        C.tensor(got, a[..., -1], what, hint="a[..., -1] indexes the last dimension, however many come before it.")
        C.shares_memory(got, a_after, True, what, hint="indexing with ints, slices and ... is basic indexing: a view.")


@exercise("ch02.predict_mask")
def predict_mask(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        a = torch.tensor([[-1.0, 2.0, 0.0], [3.0, -4.0, 5.0]])
        C.value(L.get("predicted_mask_dtype"), (a > 0).dtype, "predicted_mask_dtype",
                hint="a comparison gives one True/False per element.")
        C.value(L.get("predicted_selected_shape"), a[a > 0].shape, "predicted_selected_shape",
                hint="a mask picks elements wherever they are, so the result is a flat list of them: 1-D.")
        cases = [a, torch.zeros(2, 2), torch.arange(-3.0, 5.0).reshape(2, 2, 2)]
    else:
        cases = [R.randn(*R.shape(1, 4, 4)) for _ in range(6)]
    for t in cases:
        what = f"positives(a) for a of shape {tuple(t.shape)}"
        C.tensor(L.call("positives", t), t[t > 0], what,
                 hint="a[a > 0] keeps only the positive elements, as a 1-D tensor; multiplying by the mask keeps the zeros.")


_VIEW_X = (4, 5)


def _random_any_index(R: Rand):
    """An index for a (4, 5) tensor: basic (int, slice, tuple, ...) or advanced (list, index tensor, mask)."""
    r, c = _VIEW_X
    kind = R.choice(["int", "slice", "tuple", "ellipsis", "list", "long", "mask", "mixed"])
    if kind == "int":
        return R.int(-r, r - 1)
    if kind == "slice":
        return slice(R.int(0, r - 1), R.int(1, r), R.choice([1, 2]))
    if kind == "tuple":
        return (R.int(0, r - 1), slice(None, R.int(1, c), R.choice([1, 2])))
    if kind == "ellipsis":
        return (Ellipsis, R.int(0, c - 1))
    if kind == "list":
        return [R.int(0, r - 1) for _ in range(R.int(1, 3))]
    if kind == "long":
        return R.randint(0, r, (R.int(1, 3),))
    if kind == "mask":
        return R.rand(r, c) > 0.5
    return (slice(None), [R.int(0, c - 1) for _ in range(R.int(1, 3))])


def _label(index) -> str:
    """How an index reads in a failure message: a mask as its description, not a page of True/False."""
    if isinstance(index, torch.Tensor) and index.dtype == torch.bool:
        return f"<bool mask of shape {tuple(index.shape)}>"
    return repr(index)


@exercise("ch02.predict_views")
def predict_views(L: Learner, R: Rand, hidden: bool) -> None:
    X = _grid(*_VIEW_X)
    if not hidden:
        Y = _grid(3, 4)
        shown = (Y[1], Y[1:3], Y[:, 1], Y[1, 2], Y[Y > 5], Y[[0, 2]])
        C.value(L.get("predicted_views"), tuple(_same_storage(Y, s) for s in shown), "predicted_views",
                hint="ints, slices and ... give views; a mask or a list/tensor of indices gives a copy.")
        cases = [1, slice(1, 3), (slice(None), 1), (1, 2), X > 5, [0, 2], torch.tensor([0, 2]), (Ellipsis, 0)]
    else:
        cases = [_random_any_index(R) for _ in range(12)]
    for index in cases:
        C.value(L.call("is_view_index", index), _same_storage(X, X[index]), f"is_view_index({_label(index)})",
                hint="basic indexing (ints, slices, ..., and tuples of them) returns a view; advanced indexing "
                     "(any list, index tensor or bool mask in the index) returns a copy.")


@exercise("ch02.strided_view")
def strided_view(L: Learner, R: Rand, hidden: bool) -> None:
    shapes = [(3, 4), (2, 5)] if not hidden else [(R.int(1, 5), R.int(1, 7)) for _ in range(5)]
    for shape in shapes:
        X = R.randn(*shape)
        what = f"every_other_column(X) for X of shape {shape}"
        got, X_after, *_ = C.parts(L.call("every_other_column", X, inputs=True), what)
        C.tensor(got, X[:, ::2], what, hint="X[:, ::2] takes columns 0, 2, 4, ...")
        C.shares_memory(got, X_after, True, what,
                        hint="a slice with a step is still basic indexing: a view. A list or index tensor copies.")
        C.meta(got, "stride", X[:, ::2].stride(), what,
               hint="the view walks X's storage two elements at a time along a row.")


@exercise("ch02.mask_assign")
def mask_assign(L: Learner, R: Rand, hidden: bool) -> None:
    cases = [(_grid(3, 4), 5.0), (_grid(2, 3), 10.0)] if not hidden else \
        [(R.randn(*R.shape(1, 3, 5)), R.int(-10, 10) / 10) for _ in range(6)]
    for X, limit in cases:
        want = X.clone()
        want[want > limit] = limit
        what = f"clip_above(X, {limit}) for X of shape {tuple(X.shape)}: X afterwards"
        _, X_after, *_ = C.parts(L.call("clip_above", X, limit, inputs=True), what)
        C.tensor(X_after, want, what,
                 hint="m = X[X > limit] is a copy, so writing into m leaves X alone; X[X > limit] = limit writes into X.")
