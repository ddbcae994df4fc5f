"""Chapter 04, broadcasting: the exercises behind the notebook's test cells.

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


def _operand(R: Rand, out: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts to ``out``: some leading dims dropped, some dims set to 1."""
    drop = R.int(0, len(out))
    return tuple(1 if R.int(0, 2) == 0 else d for d in out[drop:])


def shape_pair(R: Rand) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two random shapes; about one pair in three cannot broadcast. torch decides which, not this code."""
    out = R.shape(1, 4, 5)
    s1, s2 = list(_operand(R, out)), list(_operand(R, out))
    if s1 and s2 and R.int(0, 2) == 0:
        j = R.int(1, min(len(s1), len(s2)))
        s1[-j] = R.int(2, 4)
        s2[-j] = s1[-j] + R.int(1, 3)
    if R.int(0, 1):
        s1, s2 = s2, s1
    return tuple(s1), tuple(s2)


@exercise("ch04.outer_sum")
def outer_sum(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: the column and the row swapped (the transposed table: inputs are never symmetric, lengths
    differ and agree); col + row without reshaping (an error, or the elementwise sum)."""
    if not hidden:
        C.value(L.get("predicted_shape"), (torch.arange(3).reshape(3, 1) + torch.arange(2).reshape(1, 2)).shape,
                "predicted_shape", hint=Hint(_("each size-1 dim stretches to the other's size.")))
        cases = [(torch.arange(3), torch.arange(2)), (torch.tensor([1.0, 2.0]), torch.tensor([10.0, 20.0, 30.0])),
                 (torch.tensor([1, 2, 3]), torch.tensor([10, 20, 40]))]
    else:
        n = R.int(2, 5)
        cases = [(R.randn(n), R.randint(-9, 9, (n + R.int(1, 2),))), (R.randn(n) * 10, R.randn(n)),
                 (R.randn(R.int(1, 6)), R.randint(-9, 9, (R.int(1, 6),)))]
    for col, row in cases:
        C.tensor(L.call("outer_sum", col, row), col.reshape(-1, 1) + row.reshape(1, -1),
                 _("outer_sum(col of {n}, row of {m})").format(n=col.numel(), m=row.numel()),
                 hint=Hint(_("element [i, j] is col[i] + row[j]: which of the two must stand as a column?"),
                           _("make col a column (n, 1) and row a row (1, m); their sum broadcasts to (n, m).")))


def _shape_cases(R: Rand) -> list[tuple[tuple, tuple]]:
    """One pair of each kind that exposes a mistake, with random sizes, then random pairs."""
    a, b, c = R.int(2, 4), R.int(2, 4), R.int(2, 4)
    return [((b, 1), (a, b + 1, 1)),           # lengths differ: padding on the right would wrongly succeed
            ((c,), (a, c)), ((a, 1, c), (b, 1)),  # lengths differ, aligned on the right
            ((a,), (a + 1,)),                     # neither size is 1: max() would hide the error
            ((), (a, b)), ((a, b), (a, b))] + [shape_pair(R) for _i in range(15)]


@exercise("ch04.broadcast_shape")
def broadcast_shape(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: shapes aligned on the left; the larger size taken with no error; no error at all; a list;
    torch called where the rules were asked for (torch is out of the function's reach)."""
    pairs = ([((3, 1), (1, 2)), ((2, 1), (2, 3, 1)), ((3,), (2, 3)), ((4, 3), (3,)), ((), (2, 2)),
              ((3,), (2, 2)), ((2, 3), (3, 2))] if not hidden else _shape_cases(R))
    for s1, s2 in pairs:
        want = C.outcome(torch.broadcast_shapes, s1, s2)
        got = plain_call(L, "broadcast_shape", s1, s2)
        what = f"broadcast_shape({s1}, {s2})"
        if want.kind == "exception":
            # Any message will do: the lesson is *that* these shapes cannot broadcast.
            C.error(got, want, what, match="", hint=Hint(_("compare the sizes pair by pair, from the right: when can a pair not be matched?"),
                                                          _("when a pair of sizes differs and neither is 1, raise RuntimeError.")))
        else:
            C.value(got, want, what,
                    hint=Hint(_("line the shapes up on the right, and think of missing dims as 1."),
                              _("pad the shorter shape with 1s on the left; each pair must be equal or contain a 1; "
                                "take the larger size; return a tuple of ints.")))


@exercise("ch04.stretch")
def stretch(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: copies (.contiguous(), .clone(), .repeat(), broadcast_to(...).clone()), judged on memory and strides."""
    if not hidden:
        a = torch.ones(2, 1)
        C.value(L.get("predicted_unsqueeze_shape"), a.unsqueeze(0).shape, "predicted_unsqueeze_shape",
                hint=Hint(_("unsqueeze(0) adds a size-1 dim: on which side is position 0?")))
        C.value(L.get("predicted_left_pad_raises"),
                C.outcome(lambda: torch.ones(2, 1) + torch.zeros(2, 3, 1)).kind == "exception", "predicted_left_pad_raises",
                hint=Hint(_("the missing dim of (2, 1) is added on one side only: line the shapes up and compare.")))
        # The seed's own equivalence is the expected answer here: a + b is a.unsqueeze(0).expand(2, 2, 2) + b.
        cases = [(a, (2, 2, 2), a.unsqueeze(0).expand(2, 2, 2)),
                 (torch.arange(3).reshape(3, 1), (3, 2), None), (torch.arange(4.0), (2, 3, 4), None)]
    else:
        cases = []
        for _i in range(5):
            out = R.shape(1, 4, 4)
            cases.append((R.randn(1, *_operand(R, out))[0], out, None))  # [0]: a 0-dim shape works too
    for a, shape, want in cases:
        want = torch.broadcast_to(a, shape) if want is None else want
        what = _("stretch(a of shape {a}, {shape})").format(a=tuple(a.shape), shape=shape)
        res, a_after, _b = C.parts(L.call("stretch", a, shape, inputs=True), what)
        C.tensor(res, want, what, hint=Hint(_("the result looks like a broadcast to shape: same values, that shape.")))
        C.meta(res, "stride", want.stride(), what,
               hint=Hint(_("a stretched dim can reuse the same element: what stride steps nowhere?"),
                         _("expand gives a stretched dim stride 0; .contiguous(), .clone() and .repeat() copy instead.")))
        C.shares_memory(res, a_after, True, what, hint=Hint(_("no data may be copied: the result must be a view of a.")))


def _stride_case(R: Rand, stretch_one: bool) -> tuple[torch.Tensor, tuple[int, ...]]:
    """A slice of a bigger tensor (so its strides are not the contiguous ones) and a shape it expands to.
    With ``stretch_one``, one size-1 dim grows; another size-1 dim may stay 1."""
    out = [R.int(2, 4) for _i in range(R.int(2, 4))]
    k = R.int(0, len(out) - 2)  # dims added on the left (> 1, as the exercise promises)
    t = R.randn(*(d + R.int(0, 2) for d in out[k:]))[tuple(slice(0, d) for d in out[k:])]
    cut = [R.int(0, len(t.shape) - 1)] if stretch_one else []
    t = t[tuple(slice(0, 1) if i in cut else slice(None) for i in range(t.dim()))]
    if R.int(0, 1) and t.dim() > 1:  # a size-1 dim that stays size 1
        keep = next((i for i in range(t.dim()) if i not in cut), None)
        if keep is not None:
            t = t[tuple(slice(0, 1) if i == keep else slice(None) for i in range(t.dim()))]
            out[k + keep] = 1
    return t, tuple(out)


@exercise("ch04.expanded_stride")
def expanded_stride(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: a stretched size-1 dim keeping its stride; new dims on the left not 0; a size-1 dim that
    stays 1 set to 0; contiguous strides assumed (inputs are slices); torch asked (out of reach)."""
    if not hidden:
        C.value(L.get("predicted_stride"), torch.ones(2, 1).unsqueeze(0).expand(2, 2, 2).stride(), "predicted_stride",
                hint=Hint(_("which dims of the result step through memory, and which read the same element again?")))
        cases = [(torch.ones(2, 1), (2, 2, 2)), (torch.zeros(3, 1), (3, 4)), (torch.zeros(3, 1), (3, 1)),
                 (torch.zeros(1, 4), (5, 2, 4)), (torch.zeros(4, 6)[:, ::2][:3, :1], (2, 3, 5))]
    else:
        cases = [_stride_case(R, True), _stride_case(R, True)] + [_stride_case(R, R.int(0, 1) == 1) for _i in range(6)]
    hint = Hint(_("a dim that reads the same element again and again has stride 0; every other dim keeps its stride."),
                _("a new dim on the left gets stride 0; a size-1 dim that grows gets 0; every other dim keeps its stride."))
    for t, new_shape in cases:
        C.value(plain_call(L, "expanded_stride", tuple(t.shape), t.stride(), new_shape), t.expand(new_shape).stride(),
                f"expanded_stride({tuple(t.shape)}, {t.stride()}, {new_shape})", hint=hint)


@exercise("ch04.center")
def center(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: the missing keepdim (square inputs, where it gives wrong numbers rather than an error, are always drawn)."""
    cases = [torch.arange(12.0).reshape(3, 4)] if not hidden else []
    if hidden:
        for _i in range(3):
            n = R.int(2, 5)
            cases += [R.randn(n, n), R.randn(n, R.int(2, 5))]
    for X in cases:
        shape = tuple(X.shape)
        C.tensor(L.call("center_rows", X), X - X.mean(dim=1, keepdim=True),
                 _("center_rows(X) for X of shape {shape}").format(shape=shape),
                 hint=Hint(_("the row means must line up with X's rows: look at their shape."),
                           _("X.mean(dim=1) has shape (n,), which lines up with X's columns; keepdim=True gives (n, 1).")))
        C.tensor(L.call("center_cols", X), X - X.mean(dim=0), _("center_cols(X) for X of shape {shape}").format(shape=shape),
                 hint=Hint(_("the column means have one number per column: how do they line up with X?")))


def _in_place_pairs(R: Rand) -> list[tuple[tuple, tuple]]:
    """One pair of each kind that exposes a mistake, with random sizes, then random pairs."""
    a, b, c = R.int(2, 4), R.int(2, 4), R.int(2, 4)
    return [((a, 1), (1, b)),          # broadcasts, but a would have to grow
            ((a,), (1, a)),            # the broadcast shape gains a leading 1: still not a's shape
            ((a, b), (b,)), ((c, a, b), (a, 1)),  # fits
            ((a, b), (a + 1, b))] + [shape_pair(R) for _i in range(12)]


@exercise("ch04.inplace_ok")
def inplace_ok(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: "if it broadcasts, it works"; leading size-1 dims ignored; the same number of dims required;
    torch asked to try it (out of the function's reach)."""
    def works(s1: tuple, s2: tuple) -> bool:
        return C.outcome(lambda: torch.zeros(s1).add_(torch.zeros(s2))).kind != "exception"

    if not hidden:
        for name, s1, s2, pointer in [
            ("predicted_a_iadd_b", (3, 1), (1, 2), _("where would a + b's result have to go?")),
            ("predicted_c_iadd_a", (3, 2), (3, 1), _("compare c's shape with the broadcast shape.")),
            ("predicted_vec_iadd_row", (3,), (1, 3), _("what is the broadcast shape of (3,) and (1, 3), exactly?")),
        ]:
            C.value(L.get(name), works(s1, s2), name, hint=Hint(pointer))
        pairs = [((3, 1), (1, 2)), ((3, 2), (3, 1)), ((2, 3), (3,)), ((3,), (2, 3)), ((2, 2), (3,)), ((3,), (1, 3))]
    else:
        pairs = _in_place_pairs(R)
    for s1, s2 in pairs:
        C.value(plain_call(L, "inplace_ok", s1, s2), works(s1, s2), f"inplace_ok({s1}, {s2})",
                hint=Hint(_("in place, the result is written into the first tensor: what must its shape be?"),
                          _("it works exactly when the shapes broadcast and the broadcast shape is s1 itself.")))
