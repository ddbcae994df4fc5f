"""Chapter 04, broadcasting: the exercises behind the notebook's test cells."""
from __future__ import annotations

import torch

from .. import checks as C
from ..exercise import Learner, Rand, exercise

RULES = "align the shapes on the right; pad the shorter one with 1s on the left; each pair must be equal or contain a 1."


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
    if not hidden:
        C.value(L.get("predicted_shape"), (torch.arange(3).reshape(3, 1) + torch.arange(2).reshape(1, 2)).shape,
                "predicted_shape", hint="(3, 1) and (1, 2): each size-1 dim stretches to the other's size.")
        cases = [(torch.arange(3), torch.arange(2)), (torch.tensor([1.0, 2.0]), torch.tensor([10.0, 20.0, 30.0]))]
    else:
        cases = [(R.randn(R.int(1, 6)), R.randint(-9, 9, (R.int(1, 6),))) for _i in range(5)]
    for col, row in cases:
        C.tensor(L.call("outer_sum", col, row), col.reshape(-1, 1) + row.reshape(1, -1),
                 f"outer_sum(col of {col.numel()}, row of {row.numel()})",
                 hint="make col a column (n, 1) and row a row (1, m); their sum broadcasts to (n, m).")


@exercise("ch04.broadcast_shape")
def broadcast_shape(L: Learner, R: Rand, hidden: bool) -> None:
    pairs = ([((3, 1), (1, 2)), ((2, 1), (2, 2, 2)), ((3,), (2, 3)), ((4, 3), (3,)), ((), (2, 2)),
              ((3,), (2, 2)), ((2, 3), (3, 2))] if not hidden else [shape_pair(R) for _i in range(25)])
    for s1, s2 in pairs:
        want = C.outcome(torch.broadcast_shapes, s1, s2)
        got = L.call("broadcast_shape", s1, s2)
        what = f"broadcast_shape({s1}, {s2})"
        if want.kind == "exception":
            # Any message will do: the lesson is *that* these shapes cannot broadcast.
            C.error(got, want, what, match="", hint="when a pair of sizes differs and neither is 1, raise RuntimeError.")
        else:
            C.value(got, want, what, hint=RULES + " Return a tuple of ints.")


@exercise("ch04.stretch")
def stretch(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        a = torch.ones(2, 1)
        C.value(L.get("predicted_unsqueeze_shape"), a.unsqueeze(0).shape, "predicted_unsqueeze_shape",
                hint="unsqueeze(0) adds a size-1 dim on the left.")
        C.value(L.get("predicted_res_shape"), (a + torch.zeros(2, 2, 2)).shape, "predicted_res_shape",
                hint="(2, 1) becomes (1, 2, 1) on the left, then each 1 stretches to 2.")
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
        res, a_after, _ = C.parts(L.call("stretch", a, shape, inputs=True), "stretch")
        what = f"stretch(a of shape {tuple(a.shape)}, {shape})"
        C.tensor(res, want, what, hint="a.expand(*shape) adds missing dims on the left and stretches size-1 dims.")
        C.meta(res, "stride", want.stride(), what, hint="a stretched dim has stride 0: every step along it reads the same element.")
        C.shares_memory(res, a_after, True, what, hint="expand is a view: no .clone(), .contiguous() or .repeat(), which copy.")


@exercise("ch04.expanded_stride")
def expanded_stride(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.value(L.get("predicted_stride"), torch.ones(2, 1).unsqueeze(0).expand(2, 2, 2).stride(), "predicted_stride",
                hint="ones(2, 1) has stride (1, 1); the new dim on the left and the stretched last dim both get 0.")
        cases = [(torch.ones(2, 1), (2, 2, 2)), (torch.zeros(3, 1), (3, 4)), (torch.zeros(3, 1), (3, 1)),
                 (torch.zeros(1, 4), (5, 2, 4))]
    else:
        cases = []
        for _i in range(8):
            out = list(R.shape(1, 4, 4))
            k = R.int(0, len(out) - 1)
            # The dims added on the left are > 1, as the exercise promises: torch gives a new size-1 dim
            # the stride a contiguous tensor would have, a detail this chapter does not teach.
            out[:k] = [R.int(2, 4) for _i in range(k)]
            # A slice of a bigger tensor, so the strides are not always the contiguous ones;
            # then some dims cut to size 1 and k leading dims dropped, so it broadcasts to `out`.
            t = R.randn(*(d + R.int(0, 2) for d in out))[tuple(slice(0, d) for d in out)]
            t = t[tuple(slice(0, 1) if R.int(0, 2) == 0 else slice(None) for _i in out)]
            cases.append((t[(0,) * k], tuple(out)))
    for t, new_shape in cases:
        C.value(L.call("expanded_stride", tuple(t.shape), t.stride(), new_shape), t.expand(new_shape).stride(),
                f"expanded_stride({tuple(t.shape)}, {t.stride()}, {new_shape})",
                hint="a new dim on the left gets stride 0; a size-1 dim that grows gets 0; every other dim keeps its stride.")


@exercise("ch04.center")
def center(L: Learner, R: Rand, hidden: bool) -> None:
    cases = [torch.arange(12.0).reshape(3, 4)] if not hidden else []
    if hidden:
        for _i in range(3):
            n = R.int(2, 5)
            cases += [R.randn(n, n), R.randn(n, R.int(2, 5))]  # square ones hide a missing keepdim from shape errors
    for X in cases:
        what = f"for X of shape {tuple(X.shape)}"
        C.tensor(L.call("center_rows", X), X - X.mean(dim=1, keepdim=True), "center_rows(X) " + what,
                 hint="X.mean(dim=1) has shape (n,), which lines up with X's columns; keepdim=True gives (n, 1).")
        C.tensor(L.call("center_cols", X), X - X.mean(dim=0), "center_cols(X) " + what,
                 hint="the column means have shape (m,): they line up on the right with X's last dim.")


@exercise("ch04.inplace_ok")
def inplace_ok(L: Learner, R: Rand, hidden: bool) -> None:
    def works(s1: tuple, s2: tuple) -> bool:
        return C.outcome(lambda: torch.zeros(s1).add_(torch.zeros(s2))).kind != "exception"

    if not hidden:
        C.value(L.get("predicted_a_iadd_b"), works((3, 1), (1, 2)), "predicted_a_iadd_b",
                hint="a + b has shape (3, 2), but a in place can only hold (3, 1).")
        C.value(L.get("predicted_c_iadd_a"), works((3, 2), (3, 1)), "predicted_c_iadd_a",
                hint="c + a has shape (3, 2): exactly c's shape, so it fits.")
        pairs = [((3, 1), (1, 2)), ((3, 2), (3, 1)), ((2, 3), (3,)), ((3,), (2, 3)), ((2, 2), (3,))]
    else:
        pairs = [shape_pair(R) for _i in range(20)]
    for s1, s2 in pairs:
        C.value(L.call("inplace_ok", s1, s2), works(s1, s2), f"inplace_ok({s1}, {s2})",
                hint="in place, the result is written into the first tensor: the broadcast shape must be exactly s1.")
