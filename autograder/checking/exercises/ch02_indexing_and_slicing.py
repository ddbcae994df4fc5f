"""Chapter 02, indexing and slicing: the exercises behind the notebook's test cells.

Each exercise's docstring lists the mistakes it exists to catch; its hidden inputs always include a case
that exposes each one, so a typical wrong answer fails on every seed.
"""
from __future__ import annotations

import torch

from .. import checks as C
from ..checks import Hint
from ..exercise import Learner, Rand, exercise
from ..i18n import _
from ..no_torch import plain_call


def _grid(rows: int, cols: int) -> torch.Tensor:
    """The chapter's running example: 0, 1, 2, ... as float32, row by row."""
    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)


def _same_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


@exercise("ch02.rows")
def rows(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: X[-1:] (a 2-D block, not a row); X[i:j+1] (a range includes its stop); copies (a list of rows)."""
    if not hidden:
        cases = [(_grid(3, 4), 1, 3), (_grid(5, 2), 0, 2)]
    else:
        cases = []
        for _i in range(5):
            r, c = R.int(3, 6), R.int(1, 5)
            i = R.int(0, r - 2)
            cases.append((R.randn(r, c), i, R.int(i + 1, r - 1)))
    for X, i, j in cases:
        what = _("last_row(X) for X of shape {shape}").format(shape=tuple(X.shape))
        last, X_after, *_rest = C.parts(L.call("last_row", X, inputs=True), what)
        C.tensor(last, X[-1], what, hint=Hint(_("a row of a 2-D tensor is 1-D: which index drops the row dimension?"),
                                              _("X[-1] is the last row; X[-1:] keeps a dimension of size 1.")))
        C.shares_memory(last, X_after, True, what, hint=Hint(_("a plain index is basic indexing: what does that return?")))
        what = _("row_block(X, {i}, {j}) for X of shape {shape}").format(i=i, j=j, shape=tuple(X.shape))
        block, X_after, *_rest = C.parts(L.call("row_block", X, i, j, inputs=True), what)
        C.tensor(block, X[i:j], what, hint=Hint(_("a slice i:j stops before j, like range(i, j)."),
                                                _("X[i:j] takes rows i, ..., j-1.")))
        C.shares_memory(block, X_after, True, what, hint=Hint(_("a slice is basic indexing: what does that return?")))


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


def _shape_cases(R: Rand) -> list:
    """One index of each kind that exposes a mistake, then random ones (see predict_shapes)."""
    r, c, d = R.int(2, 5), R.choice([5, 7]), R.int(2, 4)
    step = R.choice([2, 3])
    return [
        ((r, c), (slice(R.int(0, r - 1), r + R.int(1, 4)),)),                       # a stop beyond the size
        ((r, c), (R.int(-r, -1), slice(None, None, step))),                          # a step that does not divide
        ((d, r, c), (R.int(0, d - 1), Ellipsis, slice(1, None))),                    # ... in the middle
        ((d, r, c, 2), (slice(None, R.int(1, d)),)),                                 # dims not indexed are kept
        ((r, c), (slice(-R.int(1, r), None), R.int(0, c - 1))),                      # a negative start
    ] + [(shape, _random_index(R, shape)) for shape in (R.shape(1, 4, 6) for _i in range(7))]


@exercise("ch02.predict_shapes")
def predict_shapes(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: an int index kept as a size-1 dim; a slice's length taken as stop - start (stops beyond the
    size, steps); ... counted as a dimension; dims not indexed dropped; a list where a tuple is asked."""
    X, a = _grid(3, 4), torch.zeros(2, 3, 3)
    if not hidden:
        for name, shape, hint in [
            ("predicted_mixed_shape", X[1:2, 2].shape, _("one slice and one int: which dimension survives, and how long is it?")),
            ("predicted_step_shape", X[::2, 1::2].shape, _("count the rows 0, 2, ... and the columns 1, 3, ... that exist.")),
            ("predicted_past_end_shape", X[1:10].shape, _("a slice stops at the end of the dimension, whatever its stop says.")),
            ("predicted_middle_ellipsis_shape", a[0, ..., 1:].shape, _("... fills in as many `:` as the other indexes leave.")),
        ]:
            C.value(L.get(name), shape, name, hint=Hint(hint))  # a torch.Size: a tuple of ints answers it
        cases = [((3, 4), (1, 2)), ((3, 4), (slice(1, 2), 2)), ((2, 3, 3), (0, Ellipsis)), ((2, 3, 3), (Ellipsis, 0)),
                 ((5, 6), (slice(None, None, 4), slice(1, None))), ((3, 4), (slice(2, 10),)), ((2, 3, 4), (slice(1, None),)),
                 ((2, 3, 4), (Ellipsis, 0))]
    else:
        cases = _shape_cases(R)
    hint = Hint(_("go through the dimensions: an int removes its dimension, a slice keeps as many items as it picks, "
                  "and dimensions not indexed are kept whole."),
                _("a slice s keeps len(range(*s.indices(size))) items; ... stands for the `:`s that make the index "
                  "as long as the shape; return a tuple."))
    for shape, index in cases:
        C.value(plain_call(L, "index_shape", shape, index), torch.empty(shape)[index].shape,
                f"index_shape({shape}, {index})", hint=hint)


@exercise("ch02.write")
def write(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: a changed copy returned while X stays as it was; X[:k+1] (a slice stops before its stop)."""
    if not hidden:
        cases = [(_grid(3, 4), 1, 2, 17, 2, 12)]
    else:
        cases = []
        for _i in range(5):
            r, c = R.int(2, 5), R.int(1, 5)
            X = R.choice([lambda: R.randn(r, c), lambda: R.randint(-9, 9, (r, c))])()
            cases.append((X, R.int(-r, r - 1), R.int(-c, c - 1), R.int(-50, 50), R.int(1, r - 1), R.int(-50, 50)))
    for X, i, j, v, k, w in cases:
        want = X.clone()
        want[i, j] = v
        what = _("set_entry(X, {i}, {j}, {v}) for X of shape {shape}: X afterwards").format(i=i, j=j, v=v, shape=tuple(X.shape))
        done, X_after, *_rest = C.parts(L.call("set_entry", X, i, j, v, inputs=True), what)
        C.ran(done, what)
        C.tensor(X_after, want, what, hint=Hint(_("the test looks at X itself after your function ran: did X change?"),
                                                _("X[i, j] = v writes into X; a copy you change and return leaves X as it was.")))
        want = X.clone()
        want[:k, :] = w
        what = _("fill_rows(X, {k}, {w}) for X of shape {shape}: X afterwards").format(k=k, w=w, shape=tuple(X.shape))
        done, X_after, *_rest = C.parts(L.call("fill_rows", X, k, w, inputs=True), what)
        C.ran(done, what)
        C.tensor(X_after, want, what, hint=Hint(_("which rows does your slice cover, and did X itself change?"),
                                                _("X[:k, :] = w sets every entry of rows 0, ..., k-1 of X itself.")))


@exercise("ch02.ellipsis")
def ellipsis(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: spelled-out colons (right for 3-D only: shapes of 1, 2, 4 and 5 dims are always drawn); copies."""
    shapes = [(2, 3, 3), (4, 5), (2, 2, 3, 2)] if not hidden else [R.shape(d, d, 4) for d in (1, 2, 4, 5, 3)]
    for shape in shapes:
        a = R.randn(*shape)
        what = _("first_item(a) for a of shape {shape}").format(shape=shape)
        got, a_after, *_rest = C.parts(L.call("first_item", a, inputs=True), what)
        C.tensor(got, a[0, ...], what, hint=Hint(_("your index must work whatever the number of dimensions."),
                                                 _("a[0, ...] works for any number of dimensions; a[0, :, :] only for three.")))
        C.shares_memory(got, a_after, True, what, hint=Hint(_("ints, slices and ... are basic indexing: what does that return?")))
        what = _("last_column(a) for a of shape {shape}").format(shape=shape)
        got, a_after, *_rest = C.parts(L.call("last_column", a, inputs=True), what)
        C.tensor(got, a[..., -1], what, hint=Hint(_("your index must reach the last dimension whatever comes before it."),
                                                  _("a[..., -1] indexes the last dimension, however many come before it.")))
        C.shares_memory(got, a_after, True, what, hint=Hint(_("ints, slices and ... are basic indexing: what does that return?")))


def _with_zeros(R: Rand, rows: int, cols: int) -> torch.Tensor:
    """Whole-number floats with at least one 0, one positive and one negative, in the first column too."""
    t = R.randint(-3, 4, (rows, cols)).float()
    t[0, 0], t[-1, -1] = 0.0, float(R.int(1, 3))
    t[R.int(1, rows - 1), 0] = float(-R.int(1, 3))
    return t


@exercise("ch02.predict_mask")
def predict_mask(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: a * (a > 0) (zeros kept, shape kept); a[a >= 0] (zeros picked); a mask of elements where a mask
    of rows was asked (and the reverse); the first column's zeros counted as positive."""
    if not hidden:
        a = torch.tensor([[-1.0, 2.0, 0.0], [3.0, -4.0, 5.0]])
        C.value(L.get("predicted_mask_dtype"), (a > 0).dtype, "predicted_mask_dtype",
                hint=Hint(_("each element of a > 0 answers a yes/no question.")))
        C.value(L.get("predicted_selected_shape"), a[a > 0].shape, "predicted_selected_shape",
                hint=Hint(_("the picked elements sit in different rows and columns: what shape could hold just them?")))
        C.value(L.get("predicted_row_mask_shape"), a[a[:, 0] > 0].shape, "predicted_row_mask_shape",
                hint=Hint(_("a[:, 0] > 0 has one True/False per row: used as an index, what does it pick?")))
        cases = [a, torch.zeros(2, 2), torch.arange(-3.0, 5.0).reshape(4, 2)]
    else:
        cases = [_with_zeros(R, R.int(2, 5), R.int(2, 4)) for _i in range(5)]
    for t in cases:
        what = _("positives(a) for a = {a}").format(a=t.tolist())
        C.tensor(L.call("positives", t), t[t > 0], what,
                 hint=Hint(_("only the positive elements, nothing else: how many are there, and in what shape?"),
                           _("a[a > 0] keeps only the positive elements, as a 1-D tensor; multiplying by the mask keeps the zeros.")))
        what = _("rows_starting_positive(a) for a = {a}").format(a=t.tolist())
        C.tensor(L.call("rows_starting_positive", t), t[t[:, 0] > 0], what,
                 hint=Hint(_("whole rows, chosen by their first element: a mask with one entry per row."),
                           _("a[a[:, 0] > 0]: a 1-D mask on the first dimension picks rows.")))


_VIEW_X = (4, 5)
KINDS = ["int", "slice", "tuple", "ellipsis", "list", "long", "zero-dim", "mask", "mixed"]


def _any_index(R: Rand, kind: str):
    """An index of ``kind`` for a (4, 5) tensor: basic (int, slice, tuple, ..., a 0-d index tensor) or advanced."""
    r, c = _VIEW_X
    return {
        "int": lambda: R.int(-r, r - 1),
        "slice": lambda: slice(R.int(0, r - 1), R.int(1, r), R.choice([1, 2])),
        "tuple": lambda: (R.int(0, r - 1), slice(None, R.int(1, c), R.choice([1, 2]))),
        "ellipsis": lambda: (Ellipsis, R.int(0, c - 1)),
        "list": lambda: [R.int(0, r - 1) for _i in range(R.int(1, 3))],
        "long": lambda: R.randint(0, r, (R.int(1, 3),)),
        "zero-dim": lambda: R.randint(0, r, ()),
        "mask": lambda: R.rand(r, c) > 0.5,
        "mixed": lambda: (slice(None), [R.int(0, c - 1) for _i in range(R.int(1, 3))]),
    }[kind]()


def _label(index) -> str:
    """How an index reads in a failure message: tensors as the code that makes them, a mask by its shape."""
    if isinstance(index, torch.Tensor):
        if index.dtype == torch.bool:
            return f"<bool mask of shape {tuple(index.shape)}>"
        return f"torch.tensor({index.tolist()})"
    if isinstance(index, tuple):
        return "(" + ", ".join(_label(i) for i in index) + ("," if len(index) == 1 else "") + ")"
    return repr(index)


VIEW_PREDICTIONS = {  # the expression a learner reads, and what it does
    "X[:, [0, 2]]": lambda X: X[:, [0, 2]], "X[torch.tensor(1)]": lambda X: X[torch.tensor(1)],
    "X[torch.tensor([1])]": lambda X: X[torch.tensor([1])], "X[..., 1:]": lambda X: X[..., 1:],
    "X[1][2:]": lambda X: X[1][2:], "X[X[:, 0] > 0]": lambda X: X[X[:, 0] > 0],
}


@exercise("ch02.predict_views")
def predict_views(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: "indexing always gives a view"; "any tensor index copies" (a 0-d one gives a view); a list
    inside a tuple missed; a bool mask taken for basic indexing; a tensor indexed to find out (only torch.Tensor
    is within the function's reach). Every kind is drawn on every seed."""
    X = _grid(*_VIEW_X)
    if not hidden:
        Y = _grid(3, 4)
        want = {expr: _same_storage(Y, index(Y)) for expr, index in VIEW_PREDICTIONS.items()}
        C.value(L.get("predicted_views"), want, "predicted_views",
                hint=Hint(_("for each index: is it only ints, slices and ...? Then it is basic. What is a 0-d tensor like?")))
        cases = [1, slice(1, 3), (slice(None), 1), (1, 2), X > 5, [0, 2], torch.tensor([0, 2]), torch.tensor(2),
                 (Ellipsis, 0), (slice(None), [0, 2])]
    else:
        cases = [_any_index(R, kind) for kind in KINDS + [R.choice(KINDS) for _i in range(4)]]
    hint = Hint(_("sort the index into basic (ints, slices, ..., and tuples of them) or advanced (anything else), "
                  "looking inside tuples too."),
                _("a list, a bool mask or an index tensor with dimensions anywhere in the index makes a copy; "
                  "a 0-d index tensor acts like an int: a view."))
    for index in cases:
        C.value(plain_call(L, "is_view_index", index, allowed=("Tensor",)), _same_storage(X, X[index]),
                f"is_view_index({_label(index)})", hint=hint)


@exercise("ch02.strided_view")
def strided_view(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: the columns picked by a list or arange (right values, a copy); columns 1, 3, 5, ..."""
    shapes = [(3, 4), (2, 5)] if not hidden else [(R.int(1, 5), R.int(2, 7)) for _i in range(5)]
    for shape in shapes:
        X = R.randn(*shape)
        what = _("every_other_column(X) for X of shape {shape}").format(shape=shape)
        got, X_after, *_rest = C.parts(L.call("every_other_column", X, inputs=True), what)
        C.tensor(got, X[:, ::2], what, hint=Hint(_("columns 0, 2, 4, ...: which slice steps through them?")))
        C.shares_memory(got, X_after, True, what,
                        hint=Hint(_("a slice with a step is basic indexing; a list or an index tensor is not."),
                                  _("X[:, ::2] is a view; X[:, [0, 2, ...]] and X[:, torch.arange(0, n, 2)] copy.")))
        C.meta(got, "stride", X[:, ::2].stride(), what,
               hint=Hint(_("the view walks X's storage two elements at a time along a row.")))


@exercise("ch02.mask_assign")
def mask_assign(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: writing into m = X[X > limit], a copy, so X never changes; >= where > was asked (limits hit exactly)."""
    cases = [(_grid(3, 4), 5.0), (_grid(2, 3), 10.0)] if not hidden else \
        [(R.randint(-9, 10, R.shape(1, 3, 5)).float(), float(R.int(-3, 3))) for _i in range(6)]
    for X, limit in cases:
        X.view(-1)[0] = limit  # one element equal to the limit, and one above it
        X.view(-1)[-1] = limit + 2
        want = X.clone()
        want[want > limit] = limit
        what = _("clip_above(X, {limit}) for X of shape {shape}: X afterwards").format(limit=limit, shape=tuple(X.shape))
        done, X_after, *_rest = C.parts(L.call("clip_above", X, limit, inputs=True), what)
        C.ran(done, what)
        C.tensor(X_after, want, what,
                 hint=Hint(_("did X itself change? Reading X[X > limit] makes a copy; writing through the index does not."),
                           _("m = X[X > limit] is a copy, so writing into m leaves X alone; X[X > limit] = limit writes into X.")))
