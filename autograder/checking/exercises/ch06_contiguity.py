"""Chapter 06, contiguity: the exercises behind the notebook's test cells.

Every layout a test uses is built by torch (transposes, permutations and slices of a real tensor), and
every expected stride, offset, error or identity is read from torch at check time. ``MISTAKES`` names what
each exercise exists to catch; every hidden draw includes the layouts that expose each one.
"""
from __future__ import annotations

import torch

from .. import checks as C
from ..exercise import Learner, Rand, _Missing, _Raised, exercise, step
from ..failure import Hint
from ..i18n import _
from ..labels import predicted
from .. import layouts as lay
from ..layouts import COL_T, CUBE_T, PLAIN, ROW_SLICE, SEED_T, Layout
from ..no_torch import call_without_torch

MISTAKES = {  # what each exercise exists to catch; tests/wrong_answers/ holds an answer making each mistake
    "ch06.strides": ["strides recomputed for the permuted shape, as if it were copied",
                     "asks torch instead of working it out"],
    "ch06.storage_offset": ["forgets storage_offset()",
                            "assumes the contiguous layout of t's shape (ignores the strides)"],
    "ch06.is_contiguous": ["'strides never increase': accepts x[:, :2] and x[:, ::2]",
                           "compares every stride, size-1 dims too", "checks only that the last stride is 1"],
    "ch06.view_or_reshape": ["hides view's error behind reshape's copy",
                             "raises its own error where view works (non-contiguous, yet viewable)",
                             "flatten_any always copies"],
    "ch06.reassign": ["calls t.contiguous() without keeping the result", "copies every time, even a contiguous t"],
    "ch06.copy_when_needed": ["always copies: a new object even for a contiguous t",
                              "clone() keeps a transpose's strides",
                              "calls contiguous(), which the exercise asks to build",
                              "calls reshape, which the exercise rules out"],
    "ch06.stride_puzzles": ["window strides (1, 1) whatever t's stride",
                            "storage offset 0 for a slice that starts later",
                            "a copy of the windows (torch.stack), not a view"],
}

# ----------------------------------------------------------------------------- ex1


@exercise("ch06.strides")
def strides(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x = torch.arange(12).reshape(3, 4)
        C.value(L.get("predicted_stride"), x.stride(), predicted("predicted_stride", "x.stride()"),
                hint=Hint(_("how many storage cells apart are x[0, 0] and x[0, 1]? And x[0, 0] and x[1, 0]?")))
        C.value(L.get("predicted_t_stride"), x.t().stride(), predicted("predicted_t_stride", "x.t().stride()"),
                hint=Hint(_("t() copies nothing: what happens to the sizes and the strides of x, over the same storage?")))
        cases = [((3, 4), (1, 0)), ((2, 3, 4), (0, 1, 2)), ((2, 3, 4), (2, 0, 1)), ((2, 1, 3), (1, 0, 2))]
    else:  # always a permutation of distinct sizes, where recomputing for the new shape gives other strides
        cases = [((R.int(2, 3), R.int(4, 5), R.int(6, 7)), (2, 0, 1))]
        for _i in range(9):
            shape = R.shape(1, 4, 5)
            cases.append((shape, lay.dims(R, len(shape))))
    for shape, dims in cases:
        C.value(L.run(call_without_torch, "permuted_stride", (shape, dims), {}), tuple(torch.zeros(shape).permute(*dims).stride()),
                f"permuted_stride({shape}, {dims})",
                hint=Hint(_("permute moves dimensions, and each keeps the stride it had: what were the strides before?"),
                          _("first the strides of the contiguous shape (product of the sizes to the right), then reorder "
                            "them with dims; do not recompute them for the new shape.")))


# ----------------------------------------------------------------------------- ex2


@exercise("ch06.storage_offset")
def storage_offset(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.value(L.get("predicted_offset"), torch.arange(12).reshape(3, 4)[1:, 2:].storage_offset(),
                predicted("predicted_offset", "torch.arange(12).reshape(3, 4)[1:, 2:].storage_offset()"),
                hint=Hint(_("the view starts at element [1, 2] of the 3×4 grid: how many cells come before it in storage?")))
        cases = [(ROW_SLICE, (0, 1)), (SEED_T, (2, 1)), (((3, 4), [("slice", [(1, 3, 1), (2, 4, 1)])]), (1, 0)),
                 (((4, 5), [("slice", [(1, 4, 2), (0, 5, 2)]), ("permute", (1, 0))]), (2, 1))]
    else:  # always a sliced view with an offset and a transpose with a non-zero index in its first dim
        cases = [(((4, 5), [("slice", [(1, 4, 1), (R.int(1, 2), 5, 1)])]), (1, 1)), (((R.int(2, 4), 3), [("permute", (1, 0))]), (1, 1))]
        for _i in range(8):
            layout = lay.random_layout(R, slices=True)
            shape = lay.apply(torch.empty(layout[0]), layout[1]).shape
            cases.append((layout, tuple(R.int(0, s - 1) for s in shape)))
    for layout, idx in cases:
        shape, ops = layout
        t = lay.view(R, layout)
        # The same layout over a storage that holds 0, 1, 2, ...: the element IS its storage position.
        want = lay.apply(torch.arange(int(torch.Size(shape).numel())).reshape(shape), ops)[idx].item()
        C.value(L.call("storage_index", t, idx), want, f"storage_index(t, {idx}) for t = {lay.describe(layout)}",
                hint=Hint(_("where does t's walk start, and how far does one step along each dimension move?"),
                          _("start at t.storage_offset(), then add index * stride for every dimension.")))


# ----------------------------------------------------------------------------- ex3


@exercise("ch06.is_contiguous")
def is_contiguous(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        layouts = [PLAIN, SEED_T, CUBE_T, ROW_SLICE, COL_T, ((3, 4), [("slice", [(0, 3, 1), (0, 4, 2)])]),
                   ((3, 4), [("slice", [(0, 3, 1), (0, 2, 1)])])]
    else:
        layouts = lay.shuffled(R, lay.exposing(R) + [lay.random_layout(R, slices=True) for _i in range(8)])
    for layout in layouts:
        t = lay.view(R, layout)
        C.flag(L.call("is_contiguous_layout", tuple(t.shape), tuple(t.stride())), t.is_contiguous(),
               f"is_contiguous_layout({tuple(t.shape)}, {tuple(t.stride())}), the layout of {lay.describe(layout)}",
               hint=Hint(_("read the tensor row by row: does each step land on the very next storage cell? Which dims are never stepped along?"),
                         _("walk the dims from the last: each stride must equal the product of the sizes to its right; "
                           "a dim of size 1 is never stepped along, so its stride does not matter.")))


# ----------------------------------------------------------------------------- ex4


@exercise("ch06.view_or_reshape")
def view_or_reshape(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        layouts = [SEED_T, PLAIN, CUBE_T, ((2, 12), [("slice", [(0, 2, 1), (0, 12, 2)])])]
    else:  # always a transpose (no view exists) and a stepped slice (not contiguous, yet flat-viewable)
        r, c = R.int(2, 4), R.int(2, 4)
        layouts = lay.shuffled(R, [((r, c), [("permute", (1, 0))]), ((r, 2 * c), [("slice", [(0, r, 1), (0, 2 * c, 2)])])]
                            + [lay.random_layout(R, slices=R.int(0, 1) == 1) for _i in range(6)])
    for layout in layouts:
        t = lay.view(R, layout)
        what = _("flatten_view(t) for t = {t}").format(t=lay.describe(layout))
        want = C.outcome(lambda: t.view(-1))
        got, t_after = C.parts(L.call("flatten_view", t, inputs=True), what)
        if want.kind == "exception":
            C.error(got, want, what, hint=Hint(_("when no view exists, torch's own error is the right answer: is yours torch's?"),
                                               _("call t.view(-1) and let it raise; do not catch the error or copy instead.")))
        else:
            C.tensor(got, want, what, hint=Hint(_("a flat view has t's elements in row-by-row order, in one dimension.")))
            C.shares_memory(got, t_after, True, what, hint=Hint(_("a view shares t's storage: did something copy?")))
        r = t.reshape(-1)
        what = _("flatten_any(t) for t = {t}").format(t=lay.describe(layout))
        got, t_after = C.parts(L.call("flatten_any", t, inputs=True), what)
        C.tensor(got, r, what, hint=Hint(_("it must work for every layout, and give t's elements in row-by-row order.")))
        C.shares_memory(got, t_after, lay.shares(r, t), what,
                        hint=Hint(_("copy only when no view exists: which method views when it can and copies when it must?"),
                                  _("t.reshape(-1) returns a view when it can and copies only when it must.")))


# ----------------------------------------------------------------------------- ex5


def _seed_cells(R: Rand) -> dict[str, tuple[str, bool]]:
    """The marked lines of the exercise, run by torch here."""
    a = R.rand(2, 3)
    b = a.t()
    b.contiguous()
    after_call = b.is_contiguous()
    c = b.contiguous()
    c[0, 0] = -1.0
    through_c = bool(a[0, 0] == -1.0)
    d = a.contiguous()
    d[0, 1] = -2.0
    return {"predicted_after_call": ("b.is_contiguous()", after_call),
            "predicted_write_through_c": ("a[0, 0] == -1.0", through_c),
            "predicted_write_through_d": ("a[0, 1] == -2.0", bool(a[0, 1] == -2.0))}


@exercise("ch06.reassign")
def reassign(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        for name, (expr, want) in _seed_cells(R).items():
            C.flag(L.get(name), want, predicted(name, expr),
                   hint=Hint(_("contiguous() returns a tensor: is it a copy, or the very tensor you called it on? When?")))
        layouts = [SEED_T, CUBE_T, PLAIN]
    else:  # always a layout view(-1) cannot flatten (the forgotten result shows) and a contiguous one (no copy then)
        layouts = lay.shuffled(R, [((R.int(2, 4), R.int(2, 4)), [("permute", (1, 0))]), (R.shape(1, 3, 4), [])]
                            + [lay.random_layout(R, slices=False) for _i in range(6)])
    for layout in layouts:
        t = lay.view(R, layout)
        want = t.contiguous().view(-1)
        what = _("contiguous_flat(t) for t = {t}").format(t=lay.describe(layout))
        got, t_after = C.parts(L.call("contiguous_flat", t, inputs=True), what)
        C.tensor(got, want, what, hint=Hint(_("does the line that calls contiguous() change t? What does it return?"),
                                            _("t.contiguous() does not change t, it returns a tensor: keep it (t = t.contiguous()), then view.")))
        C.shares_memory(got, t_after, lay.shares(want, t), what,
                        hint=Hint(_("contiguous() copies only a non-contiguous t; view(-1) then shares with whatever it got.")))


# ----------------------------------------------------------------------------- ex6

BLOCKED = ("contiguous", "reshape")


class NotAllowedHere(RuntimeError):
    """The learner's function called a method the exercise asks it to do without."""


def _refuse(name: str):
    def refuse(*args, **kwargs):
        raise NotAllowedHere(f"my_contiguous may not call {name}(): build the copy yourself")
    return refuse


@step(parts=2)  # (the result, t afterwards)
def call_without_contiguous(ns: dict, name: str, t: torch.Tensor) -> object:
    """``ns[name](t)`` with ``Tensor.contiguous``, ``Tensor.reshape`` and ``torch.reshape`` refusing to run."""
    if name not in ns:
        return _Missing(name)
    saved = {m: torch.Tensor.__dict__.get(m) for m in BLOCKED}
    torch_reshape = torch.reshape
    for m in BLOCKED:
        setattr(torch.Tensor, m, _refuse(f"Tensor.{m}"))
    torch.reshape = _refuse("torch.reshape")
    try:
        result = ns[name](t)
    except Exception as exc:  # recorded as the answer, next to t: the check says what was called
        result = _Raised(exc)
    finally:
        for m, fn in saved.items():
            if fn is None:
                delattr(torch.Tensor, m)
            else:
                setattr(torch.Tensor, m, fn)
        torch.reshape = torch_reshape
    return (result, t)


@exercise("ch06.copy_when_needed")
def copy_when_needed(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        layouts = [SEED_T, PLAIN, ROW_SLICE, CUBE_T, COL_T]
    else:  # always a contiguous tensor (returned as it is) and a transpose (copied, with new strides)
        layouts = lay.shuffled(R, lay.exposing(R) + [lay.random_layout(R, slices=True) for _i in range(6)])
    for layout in layouts:
        t = lay.view(R, layout)
        c = t.contiguous()
        what = _("my_contiguous(t) for t = {t}").format(t=lay.describe(layout))
        # (result, t): identity and sharing are judged together
        got, t_after = C.parts(L.run(call_without_contiguous, "my_contiguous", t), what)
        C.tensor(got, c, what, hint=Hint(_("same values and dtype as t, in t's shape.")))
        C.meta(got, "contiguous", True, what, hint=Hint(_("the result must be contiguous: does your copy keep t's strides?"),
                                                        _("clone() keeps t's layout; torch.empty(t.shape, dtype=t.dtype).copy_(t) does not.")))
        C.same_object(got, t_after, c is t, what,
                      hint=Hint(_("what does contiguous() return for a tensor that is contiguous already?"),
                                _("return t itself when t.is_contiguous(), and a new tensor otherwise.")))
        C.shares_memory(got, t_after, lay.shares(c, t), what,
                        hint=Hint(_("copy only when the layout forces it.")))


# ----------------------------------------------------------------------------- ex7

# The targets, built from s = torch.arange(12) with the ops of the earlier sections.
PUZZLES = {
    "puzzle_rows": ("[[4, 5, 6, 7], [8, 9, 10, 11]]", lambda s: s[4:].view(2, 4)),
    "puzzle_columns": ("[[1, 5, 9], [2, 6, 10]]", lambda s: s.view(3, 4)[:, 1:3].t()),
    "puzzle_diagonal": ("[0, 5, 10]", lambda s: s.view(3, 4).diagonal()),
    "puzzle_repeat": ("[[2, 2, 2], [3, 3, 3]]", lambda s: s[2:4, None].expand(2, 3)),
}
_arange = torch.arange  # captured before any learner code runs
_as_strided = torch._C.TensorBase.as_strided


@step
def as_strided_puzzle(ns: dict, name: str) -> object:
    """``torch.arange(12).as_strided(*puzzle)`` for the learner's ``(size, stride, storage_offset)``."""
    if name not in ns:
        return _Missing(name)
    puzzle = ns[name]
    if puzzle is Ellipsis:
        return puzzle  # untouched: the check says so
    return _as_strided(_arange(12), *puzzle)


def _window_cases(R: Rand) -> list[tuple[tuple, int]]:
    """(start, stop, step) of a slice of torch.arange(stop + extra), and k. Always one that starts later and
    steps over cells, and one plain."""
    cases = []
    for step_, start in ((R.int(2, 3), R.int(1, 4)), (1, 0), (R.choice([1, 2]), R.int(0, 3))):
        n = R.int(3, 7)
        cases.append(((start, start + step_ * n, step_), R.int(1, n)))
    return cases


@exercise("ch06.stride_puzzles")
def stride_puzzles(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        s = torch.arange(12)
        for name, (shown, target) in PUZZLES.items():
            C.tensor(L.run(as_strided_puzzle, name), target(s), _("s.as_strided(*{name}), for the target {shown}").format(name=name, shown=shown),
                     hint=Hint(_("each element shows its own storage position: where does the first element sit, and how far "
                                 "does one step along each dimension move?")))
        cases = [((0, 5, 1), 3), ((3, 19, 2), 3)]
    else:
        cases = _window_cases(R)
    for (start, stop, step_), k in cases:
        t = torch.arange(stop + R.int(0, 2))[start:stop:step_]
        what = _("sliding_windows(t, {k}) for t = torch.arange({n})[{start}:{stop}:{step}]").format(
            k=k, n=t.untyped_storage().nbytes() // t.element_size(), start=start, stop=stop, step=step_)
        got, t_after, _k = C.parts(L.call("sliding_windows", t, k, inputs=True), what)
        window = Hint(_("one step to the next window and one step along a window: how many storage cells does each move? "
                        "And where does t start?"),
                      _("t.as_strided((len(t) - k + 1, k), (t.stride(0), t.stride(0)), t.storage_offset())"))
        C.tensor(got, t.unfold(0, k, 1), what, hint=window)
        C.shares_memory(got, t_after, True, what, hint=Hint(_("the windows must be a view of t: nothing copied.")))
        C.meta(got, "offset", t.storage_offset(), what, hint=window)
