"""Chapter 03, operations: the exercises behind the notebook's test cells.

Each exercise's docstring lists the mistakes it exists to catch; its hidden inputs always include a case
that exposes each one, so a typical wrong answer fails on every seed.
"""
from __future__ import annotations

import operator

import torch

from .. import checks as C
from ..checks import Hint
from ..exercise import Learner, Rand, exercise
from ..i18n import _
from ..no_torch import plain_call
from .inputs_ch03 import DTYPES, FLOATS, INTS, _in_place_cases, _live, _operand, _pq, _product_cases, _runs, _say

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
       "**": operator.pow}


def _seed_XY() -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    return X, torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])


def _predict(L: Learner, items: list[tuple[str, object, str]]) -> None:
    """Predictions: (name, torch's value, pointer)."""
    for name, want, pointer in items:
        C.value(L.get(name), want, name, hint=Hint(pointer))


@exercise("ch03.predict_arith")
def predict_arith(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: the first operand's dtype kept; int / int kept int; `/` always float32 (float16 and float64
    stay); int8 with uint8 given one of the two (neither holds the other: int16)."""
    if not hidden:
        y, i8, u8 = torch.tensor([2, 2, 2, 2]), torch.ones(2, dtype=torch.int8), torch.ones(2, dtype=torch.uint8)
        _predict(L, [("predicted_int_div_dtype", (y / y).dtype, _("`/` is true division: what is 1 / 2?")),
                     ("predicted_floor_div_dtype", (y // y).dtype, _("`//` rounds down to a whole number.")),
                     ("predicted_int8_uint8_dtype", (i8 + u8).dtype,
                      _("int8 holds -128..127, uint8 0..255: which dtype holds both?"))])
        cases = [("+", torch.float32, torch.int64), ("/", torch.int64, torch.int64), ("**", torch.int64, torch.int64),
                 ("*", torch.int8, torch.uint8), ("/", torch.int32, torch.float64), ("/", torch.float16, torch.float16),
                 ("//", torch.int16, torch.int32)]
    else:
        cases = [("/", R.choice(INTS), R.choice(INTS)), ("/", torch.float16, R.choice([torch.float16, torch.int8])),
                 (R.choice(["+", "*", "-"]), torch.int8, torch.uint8), (R.choice(list(OPS)), R.choice(INTS[:3]), R.choice(FLOATS)),
                 ("//", R.choice(INTS), R.choice(INTS))] + [(op, R.choice(DTYPES), R.choice(DTYPES)) for op in OPS]
    hint = Hint(_("promote the two dtypes to one that holds both, then ask whether the operation can stay in it."),
                _("torch.promote_types(d1, d2), except that `/` turns an integer result into torch.get_default_dtype()."))
    for op, d1, d2 in cases:
        want = OPS[op](torch.ones(2, dtype=d1), torch.ones(2, dtype=d2)).dtype
        C.value(plain_call(L, "op_dtype", op, d1, d2, allowed=("promote_types", "get_default_dtype")), want,
                f"op_dtype({op!r}, {d1}, {d2})", hint=hint)


UNARY = ["exp", "sqrt", "sin", "log", "tanh", "abs", "neg"]


@exercise("ch03.predict_exp")
def predict_exp(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: integers kept integer by exp and friends; every result float32 (float16 and float64 stay);
    abs and neg turned into floats."""
    if not hidden:
        ones16 = torch.ones((3, 4), dtype=torch.int16)
        _predict(L, [("predicted_exp_dtype", torch.exp(ones16).dtype, _("is e ** 1 a whole number?")),
                     ("predicted_exp_half_dtype", torch.exp(torch.ones(3, dtype=torch.float16)).dtype,
                      _("the input is already a float type: does exp need another one?")),
                     ("predicted_abs_dtype", torch.abs(ones16).dtype, _("is |n| of a whole number whole?"))])
        cases = [("exp", torch.int16), ("abs", torch.int16), ("sqrt", torch.float64), ("neg", torch.uint8),
                 ("exp", torch.float16), ("log", torch.int64)]
    else:
        cases = [(R.choice(UNARY[:5]), R.choice(INTS)), (R.choice(UNARY[:5]), R.choice([torch.float16, torch.float64])),
                 (R.choice(["abs", "neg"]), R.choice(INTS[1:]))] + [(R.choice(UNARY), R.choice(DTYPES)) for _i in range(6)]
    hint = Hint(_("would the results usually be whole numbers? And if the input is a float type already, is another needed?"),
                _("exp, sqrt, sin, log and tanh turn integers into the default float type and keep float types; "
                  "abs and neg keep the dtype."))
    for name, dtype in cases:
        want = getattr(torch, name)(torch.ones(2, dtype=dtype)).dtype
        C.value(plain_call(L, "unary_dtype", name, dtype, allowed=("get_default_dtype",)), want,
                f"unary_dtype({name!r}, {dtype})", hint=hint)


@exercise("ch03.cat")
def cat(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: torch.stack (a new dimension); the wrong dim; an error swallowed where torch raises."""
    if not hidden:
        pairs = [_seed_XY(), (torch.ones(1, 2), torch.zeros(3, 2))]
        wide = [_seed_XY(), (torch.ones(2, 1), torch.zeros(2, 3))]
    else:
        pairs, wide = [], []
        for _i in range(4):
            c = R.int(1, 5)
            pairs.append((R.randn(R.int(1, 4), c), R.randn(R.int(1, 4), c)))
            r = R.int(1, 5)
            wide.append((R.randn(r, R.int(1, 4)), R.randn(r, R.int(1, 4))))
    for X, Y in pairs:
        C.tensor(L.call("stack_rows", X, Y), torch.cat((X, Y), dim=0), _("stack_rows(X, Y) for shapes {a}, {b}").format(
            a=tuple(X.shape), b=tuple(Y.shape)), hint=Hint(_("rows under rows: which dimension grows, and is a new one added?"),
                                                           _("torch.cat((X, Y), dim=0); torch.stack would add a new dimension.")))
    for X, Y in wide:
        C.tensor(L.call("side_by_side", X, Y), torch.cat((X, Y), dim=1), _("side_by_side(X, Y) for shapes {a}, {b}").format(
            a=tuple(X.shape), b=tuple(Y.shape)), hint=Hint(_("columns beside columns: which dimension grows?"),
                                                           _("torch.cat((X, Y), dim=1).")))
    X, Y = R.randn(2, 3), R.randn(3, 3)
    C.error(L.call("side_by_side", X, Y), C.outcome(torch.cat, (X, Y), dim=1), "side_by_side(X, Y) for shapes (2, 3), (3, 3)",
            match="", hint=Hint(_("side by side needs the same number of rows: let torch raise its error.")))


@exercise("ch03.run_starts")
def run_starts(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: comparing with the next element instead of the previous one; position 0 left out (n - 1
    results); ints where torch gives bools; changes counted instead of runs; a cast to int that merges
    runs differing after the decimal point; a 1-element tensor."""
    if not hidden:
        cases = [torch.tensor([5, 5, 2, 2, 2, 7, 5]), torch.tensor([1.5, 1.5, 1.25]), torch.tensor([3]),
                 torch.tensor([0.5, 0.7, 0.7, 0.5])]
    else:
        cases = [_runs(R, R.int(5, 9), R.choice(FLOATS[1:])), _runs(R, R.int(5, 9), R.choice(INTS[1:])),
                 torch.tensor([R.int(-5, 5)]), _runs(R, R.int(4, 7), torch.float32)]
    for x in cases:
        x_list = x.tolist()
        want = torch.cat((torch.tensor([True]), x[1:] != x[:-1]))
        C.tensor(L.call("run_starts", x), want, f"run_starts(torch.tensor({x_list}))",
                 hint=Hint(_("compare each element with the one before it (x[1:] and x[:-1] line them up); "
                             "position 0 always starts a run."),
                           _("torch.cat((torch.tensor([True]), x[1:] != x[:-1])).")))
        C.tensor(L.call("count_runs", x), want.sum(), f"count_runs(torch.tensor({x_list}))",
                 hint=Hint(_("how many positions start a run? A sum of bools counts them."),
                           _("run_starts(x).sum(): a 0-d int64 tensor.")))


@exercise("ch03.predict_reduce")
def predict_reduce(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: keepdim ignored; a negative dim counted from the front; the kept and the reduced dims
    swapped; a tuple of dims reduced only in its first; dim=None with keepdim giving ()."""
    if not hidden:
        X, _y = _seed_XY()
        _predict(L, [("predicted_col_sum_shape", X.sum(dim=0).shape, _("which dimension does dim=0 name: rows or columns?")),
                     ("predicted_keepdim_shape", X.sum(dim=1, keepdim=True).shape, _("what does keep mean for the reduced dim?")),
                     ("predicted_two_dims_shape", torch.zeros(2, 3, 4).sum(dim=(0, 2)).shape,
                      _("two dimensions are reduced here: which one is left?")),
                     ("predicted_bool_sum_dtype", (X > 5).sum().dtype, _("a sum of True/False values counts them."))])
        cases = [((3, 4), None, False), ((3, 4), 0, False), ((3, 4), 1, True), ((2, 3, 4), -1, False), ((2, 3, 4), 1, True),
                 ((2, 3, 4), (0, 2), False), ((2, 3), None, True)]
    else:
        sizes = lambda low, high: tuple(R.int(2, 5) for _i in range(R.int(low, high)))  # noqa: E731 (no size 1 hides a dim)
        cases = [(sizes(2, 4), R.int(-2, -1), R.choice([False, True])), ((R.int(2, 3), R.int(4, 6)), 0, False),
                 (sizes(3, 4), (0, -1), R.choice([False, True])), (R.shape(1, 3, 4), None, True),
                 (sizes(2, 3), 1, True)] + \
            [(s, R.choice([None, R.int(-len(s), len(s) - 1)]), R.choice([False, True])) for s in (R.shape(1, 4, 5) for _i in range(5))]
    hint = Hint(_("the dims named in dim disappear, or stay with size 1 when keepdim=True; dim=None names them all."),
                _("normalize each dim with d % len(shape); keep the others; a reduced dim becomes 1 only with keepdim=True."))
    for shape, dim, keepdim in cases:
        C.value(plain_call(L, "reduced_shape", shape, dim, keepdim), torch.empty(shape).sum(dim=dim, keepdim=keepdim).shape,
                f"reduced_shape({shape}, dim={dim}, keepdim={keepdim})", hint=hint)


@exercise("ch03.row_fractions")
def row_fractions(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: the missing keepdim (an error, or wrong values on square inputs, both always drawn);
    mean() on integers; an integer mean."""
    if not hidden:
        cases = [torch.arange(1.0, 10.0).reshape(3, 3), torch.tensor([[1.0, 3.0, 4.0, 2.0], [5.0, 5.0, 0.0, 0.0]])]
    else:
        n = R.int(2, 5)
        cases = [R.rand(n, n) + 0.1, R.rand(n, n + R.int(1, 2)) + 0.1, R.rand(R.int(2, 5), R.int(2, 5)) + 0.1]
    for X in cases:
        C.tensor(L.call("row_fractions", X), X / X.sum(dim=1, keepdim=True),
                 _("row_fractions(X) for X of shape {shape}").format(shape=tuple(X.shape)),
                 hint=Hint(_("the row sums must line up with X's rows, not its columns: look at their shape."),
                           _("X.sum(dim=1, keepdim=True) has shape (rows, 1): one sum per row.")))
        counts = R.randint(0, 10, tuple(X.shape))
        C.tensor(L.call("column_means", counts), counts.float().mean(dim=0),
                 _("column_means(counts) for int64 counts of shape {shape}").format(shape=tuple(X.shape)),
                 hint=Hint(_("mean() refuses integer tensors: a mean is rarely whole."),
                           _("counts.float().mean(dim=0).")))


@exercise("ch03.row_dots")
def row_dots(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: the two products swapped; torch.dot on matrices (it raises); P @ Q (an error, or wrong values
    when square: both always drawn); one number for everything; the sum along the wrong dim."""
    sizes = [(3, 2, 4), (2, 2, 2)] if not hidden else [(R.int(2, 4), R.int(5, 6), R.int(2, 4)), (R.int(2, 4),) * 3,
                                                       (R.int(1, 3), R.int(2, 4), R.int(5, 6))]
    for b, k, c in sizes:
        P, Q, S = _pq(R, b, k, c)
        C.tensor(L.call("row_dots", P, Q), (P * Q).sum(dim=1), _("row_dots(P, Q) for two ({b}, {k}) matrices").format(b=b, k=k),
                 hint=Hint(_("one dot product per row pair: multiply element by element, then add along each row."),
                           _("(P * Q).sum(dim=1): b numbers.")))
        C.tensor(L.call("all_dots", P, S), P @ S.T, _("all_dots(P, S) for P ({b}, {k}) and S ({c}, {k})").format(b=b, k=k, c=c),
                 hint=Hint(_("every row of P with every row of S: which product computes all those dot products at once?"),
                           _("P @ S.T: entry [i, j] is P[i] · S[j].")))


@exercise("ch03.predict_matmul")
def predict_matmul(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: mm and mv assumed to broadcast like matmul; a (k, 1) column taken for mv's vector; a 1-D side
    of matmul not removed again; batch dims required to be equal instead of broadcast."""
    if not hidden:
        _predict(L, [("predicted_vec_mat_shape", torch.matmul(torch.ones(3), torch.ones(3, 5)).shape,
                      _("a 1-D first operand gets a size-1 dim in front, which is removed again afterwards.")),
                     ("predicted_batch_broadcast_shape", torch.matmul(torch.ones(2, 1, 3, 4), torch.ones(5, 4, 2)).shape,
                      _("the last two dims multiply as matrices; the dims before them broadcast.")),
                     ("predicted_mv_column_raises", C.outcome(torch.mv, torch.ones(2, 3), torch.ones(3, 1)).kind == "exception",
                      _("what exactly does mv accept as its second operand?"))])
        cases = [("mm", (2, 3), (3, 5)), ("mm", (2, 3, 4), (4, 5)), ("mv", (2, 3), (3,)), ("dot", (3,), (3,)),
                 ("matmul", (2, 3, 4), (4, 5)), ("matmul", (3,), (2, 3, 4)), ("matmul", (2, 3), (4, 5)), ("mv", (2, 3), (3, 1)),
                 ("matmul", (3, 1, 2, 4), (5, 4, 2))]
    else:
        cases = _product_cases(R)
    hint = Hint(_("dot, mv and mm take exactly the ranks their names say and never broadcast; matmul does more."),
                _("dot: two 1-D of one length; mv: 2-D @ 1-D; mm: 2-D @ 2-D, inner sizes equal. matmul: a 1-D side gets "
                  "a size-1 dim that is removed afterwards, leading dims broadcast. Raise RuntimeError where torch does."))
    for name, s1, s2 in cases:
        want = C.outcome(lambda: getattr(torch, name)(torch.ones(s1), torch.ones(s2)).shape)
        got = plain_call(L, "product_shape", name, s1, s2, allowed=("broadcast_shapes",))
        what = f"product_shape({name!r}, {s1}, {s2})"
        if want.kind == "exception":  # any message: the lesson is *that* torch refuses
            C.error(got, want, what, match="", hint=hint)
        else:
            C.value(got, want, what, hint=hint)


@exercise("ch03.add_in_place")
def add_in_place(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: X + Y (a new tensor, X unchanged); X[:] = X + Y or X.copy_(X + Y), which cast silently where
    X += Y raises; the sum returned in the promoted dtype."""
    if not hidden:
        X, Y = _seed_XY()
        u8 = torch.tensor([250, 3], dtype=torch.uint8)
        _predict(L, [("predicted_iadd_dtype", torch.zeros(2, dtype=torch.int32).add_(torch.ones(2, dtype=torch.int64)).dtype,
                      _("X += Y writes into X's own memory: in which dtype can it store the result?")),
                     ("predicted_wrapped_value", u8.add_(10)[0].item(), _("uint8 holds 0..255: what happens past 255?")),
                     ("predicted_int_iadd_float_raises",
                      C.outcome(lambda: torch.zeros(2, dtype=torch.int64).add_(torch.ones(2))).kind == "exception",
                      _("could an int tensor hold the fractions a float adds?"))])
        cases = [(X, Y), (torch.zeros(2, 3), torch.ones(3)), (torch.ones(2, dtype=torch.int64), torch.tensor([0.5, 1.5])),
                 (torch.tensor([250, 3], dtype=torch.uint8), torch.tensor([10, 10]))]
    else:
        cases = _in_place_cases(R)
    for X, Y in cases:
        what = _("add_in_place(X, Y) for a {xd} X of shape {xs} and a {yd} Y of shape {ys}").format(
            xd=X.dtype, xs=tuple(X.shape), yd=Y.dtype, ys=tuple(Y.shape))
        want = C.outcome(lambda: X.clone().add_(Y))
        got, X_after, *_rest = C.parts(L.call("add_in_place", X, Y, inputs=True), what)
        if want.kind == "exception":
            C.error(got, want, what, match="", hint=Hint(_("in place, the result must be stored in X's dtype: can it be here?"),
                                                          _("X += Y raises when Y's category (bool < int < float) is above X's; "
                                                            "copying into X (X[:] = ..., copy_) casts silently instead.")))
            continue
        C.tensor(got, want, what, hint=Hint(_("the result is X itself, in X's dtype.")))
        C.tensor(X_after, want, _("{what}: X afterwards").format(what=what),
                 hint=Hint(_("did X itself change?"), _("X += Y writes into X; X + Y builds a new tensor.")))
        C.shares_memory(got, X_after, True, what, hint=Hint(_("return X itself, after adding into it.")))


@exercise("ch03.predict_result_type")
def predict_result_type(L: Learner, R: Rand, hidden: bool) -> None:
    """Catches: every operand promoting as an equal (rank ignored); a lower-ranked float ignored (category
    ignored); a Python float taken as float64; a Python int widening uint8. Enforced: only torch's dtypes,
    promote_types and get_default_dtype are within the function's reach."""
    u8 = torch.tensor([1, 2], dtype=torch.uint8)
    if not hidden:
        _predict(L, [("predicted_uint8_with_zero_dim", torch.result_type(u8, torch.tensor(1)),
                      _("a 0-d tensor ranks below a tensor with dimensions: when does it get a say?")),
                     ("predicted_int_with_float", torch.result_type(torch.tensor([1, 2]), 1.0),
                      _("a Python number ranks lowest, but a float is a higher category than int.")),
                     ("predicted_uint8_with_1d", torch.result_type(u8, torch.tensor([1])),
                      _("two tensors with dimensions rank as equals."))])
        cases = [(("tensor", torch.uint8), ("0-d", torch.int64)), (("tensor", torch.int64), ("number", 1.0)),
                 (("tensor", torch.uint8), ("tensor", torch.int64)), (("tensor", torch.float16), ("0-d", torch.float64)),
                 (("0-d", torch.int64), ("number", 2.5)), (("tensor", torch.uint8), ("number", 300))]
    else:
        cases = [(("tensor", R.choice(INTS)), ("0-d", R.choice([torch.int64, torch.int32]))),
                 (("tensor", R.choice(INTS)), ("0-d", R.choice(FLOATS))), (("number", 1.5), ("tensor", R.choice(INTS))),
                 (("tensor", torch.uint8), ("number", R.int(2, 300))), (("tensor", torch.float16), ("number", 2.5))]
        for _i in range(8):
            kinds = R.choice([("tensor", "tensor"), ("tensor", "0-d"), ("0-d", "tensor"), ("tensor", "number"),
                              ("number", "tensor"), ("0-d", "number"), ("0-d", "0-d")])
            cases.append((_operand(R, kinds[0]), _operand(R, kinds[1])))
    hint = Hint(_("rank: tensors with dimensions > 0-d tensors > Python numbers. A lower rank decides only if its "
                  "category (bool < int < float) is higher."),
                _("same rank: torch.promote_types; otherwise the higher rank's dtype, unless the lower one's category is "
                  "higher: then the lower one's dtype (a Python float: torch.get_default_dtype())."))
    for a, b in cases:
        C.value(plain_call(L, "result_dtype", a, b, allowed=("promote_types", "get_default_dtype")),
                torch.result_type(_live(a), _live(b)), f"result_dtype({_say(a)}, {_say(b)})", hint=hint)
