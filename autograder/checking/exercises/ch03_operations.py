"""Chapter 03, operations: the exercises behind the notebook's test cells."""
from __future__ import annotations

import operator

import torch

from .. import checks as C
from ..exercise import Learner, Rand, exercise

# bool is left out on purpose: `-` on bools raises, which is a different lesson.
DTYPES = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16, torch.float32, torch.float64]
OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}


def _seed_xy() -> tuple[torch.Tensor, torch.Tensor]:
    """The study notes' pair: a float tensor and an int tensor."""
    return torch.tensor([1.0, 2, 4, 8]), torch.tensor([2, 2, 2, 2])


def _seed_XY() -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    return X, torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])


@exercise("ch03.predict_arith")
def predict_arith(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x, y = _seed_xy()
        C.value(L.get("predicted_sum_dtype"), (x + y).dtype, "predicted_sum_dtype",
                hint="float with int: the result is float, so no value is lost.")
        C.value(L.get("predicted_int_div_dtype"), (y / y).dtype, "predicted_int_div_dtype",
                hint="`/` is true division: 1 / 2 is 0.5, so even int / int gives a float tensor.")
        C.value(L.get("predicted_int_pow_dtype"), (y ** y).dtype, "predicted_int_pow_dtype",
                hint="`**` between ints stays int, like Python's 2 ** 2 == 4.")
        cases = [("+", torch.float32, torch.int64), ("/", torch.int64, torch.int64), ("**", torch.int64, torch.int64),
                 ("*", torch.int8, torch.uint8), ("/", torch.int32, torch.float64)]
    else:
        ints = [d for d in DTYPES if not d.is_floating_point]
        cases = [(op, R.choice(DTYPES), R.choice(DTYPES)) for op in list(OPS) * 3]
        cases.append(("/", R.choice(ints), R.choice(ints)))  # the case that surprises: always drawn
    for op, d1, d2 in cases:
        want = OPS[op](torch.ones(2, dtype=d1), torch.ones(2, dtype=d2)).dtype
        C.value(L.call("op_dtype", op, d1, d2), want, f"op_dtype({op!r}, {d1}, {d2})",
                hint="the two dtypes promote to the smallest type that holds both (torch.promote_types); "
                     "`/` then turns an integer result into the default float type.")


@exercise("ch03.predict_exp")
def predict_exp(L: Learner, R: Rand, hidden: bool) -> None:
    names = ["exp", "sqrt", "sin", "log", "tanh", "abs", "neg"]
    if not hidden:
        C.value(L.get("predicted_exp_dtype"), torch.exp(torch.ones((3, 4), dtype=torch.int16)).dtype,
                "predicted_exp_dtype", hint="e ** 1 is not an integer, so exp cannot answer in int16.")
        cases = [("exp", torch.int16), ("abs", torch.int16), ("sqrt", torch.float64), ("neg", torch.uint8)]
    else:
        cases = [(R.choice(names), R.choice(DTYPES)) for _i in range(12)]
    for name, dtype in cases:
        want = getattr(torch, name)(torch.ones(2, dtype=dtype)).dtype
        C.value(L.call("unary_dtype", name, dtype), want, f"unary_dtype({name!r}, {dtype})",
                hint="functions whose results are rarely whole numbers (exp, sqrt, sin, log, tanh) turn integer "
                     "input into the default float; abs and neg keep the dtype; float input keeps its float type.")


@exercise("ch03.cat")
def cat(L: Learner, R: Rand, hidden: bool) -> None:
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
        C.tensor(L.call("stack_rows", X, Y), torch.cat((X, Y), dim=0), f"stack_rows(X, Y) for shapes {tuple(X.shape)}, {tuple(Y.shape)}",
                 hint="torch.cat((X, Y), dim=0) puts Y's rows under X's; torch.stack would add a new dimension.")
    for X, Y in wide:
        C.tensor(L.call("side_by_side", X, Y), torch.cat((X, Y), dim=1), f"side_by_side(X, Y) for shapes {tuple(X.shape)}, {tuple(Y.shape)}",
                 hint="torch.cat((X, Y), dim=1) puts Y's columns to the right of X's.")
    X, Y = R.randn(2, 3), R.randn(3, 3)
    C.error(L.call("side_by_side", X, Y), C.outcome(torch.cat, (X, Y), dim=1), "side_by_side(X, Y) for shapes (2, 3), (3, 3)",
            match="", hint="side by side needs the same number of rows: let torch.cat raise its error.")


@exercise("ch03.compare")
def compare(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [_seed_XY(), (torch.tensor([1, 2, 3]), torch.tensor([1, 0, 3]))]
    else:
        cases = []
        for _i in range(5):
            shape = R.shape(1, 3, 4)
            cases.append((R.randint(0, 3, shape), R.randint(0, 3, shape).to(R.choice(DTYPES))))
    for X, Y in cases:
        what = f"equal_mask(X, Y) for {X.dtype} and {Y.dtype} tensors of shape {tuple(X.shape)}"
        C.tensor(L.call("equal_mask", X, Y), X == Y, what,
                 hint="X == Y gives a bool tensor, True where they are equal; not 1.0 and 0.0.")
        C.tensor(L.call("count_equal", X, Y), (X == Y).sum(), f"count_equal(X, Y) for shape {tuple(X.shape)}",
                 hint="summing a bool tensor counts its Trues, as an int64 0-d tensor.")


@exercise("ch03.predict_reduce")
def predict_reduce(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        X, _ = _seed_XY()
        C.value(L.get("predicted_total_shape"), X.sum().shape, "predicted_total_shape",
                hint="with no dim, sum adds everything: one number, a 0-d tensor.")
        C.value(L.get("predicted_col_sum_shape"), X.sum(dim=0).shape, "predicted_col_sum_shape",
                hint="dim=0 is the dimension that disappears: adding the rows leaves one number per column.")
        C.value(L.get("predicted_keepdim_shape"), X.sum(dim=1, keepdim=True).shape, "predicted_keepdim_shape",
                hint="keepdim=True keeps the reduced dimension, with size 1.")
        C.value(L.get("predicted_bool_sum_dtype"), (X > 5).sum().dtype, "predicted_bool_sum_dtype",
                hint="a sum of bools is a count: int64.")
        cases = [((3, 4), None, False), ((3, 4), 0, False), ((3, 4), 1, True), ((2, 3, 4), -1, False), ((2, 3, 4), 1, True)]
    else:
        cases = []
        for _i in range(12):
            shape = R.shape(1, 4, 5)
            cases.append((shape, R.choice([None, R.int(-len(shape), len(shape) - 1)]), R.choice([False, True])))
    for shape, dim, keepdim in cases:
        C.value(L.call("reduced_shape", shape, dim, keepdim), torch.empty(shape).sum(dim=dim, keepdim=keepdim).shape,
                f"reduced_shape({shape}, dim={dim}, keepdim={keepdim})",
                hint="the reduced dimension disappears, or becomes 1 with keepdim=True; dim=None reduces them all; "
                     "a negative dim counts from the end.")


@exercise("ch03.row_fractions")
def row_fractions(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [torch.arange(1.0, 10.0).reshape(3, 3), torch.tensor([[1.0, 3.0, 4.0, 2.0], [5.0, 5.0, 0.0, 0.0]])]
    else:
        cases = [R.rand(R.int(2, 5), R.int(2, 5)) + 0.1 for _i in range(5)]
    for X in cases:
        C.tensor(L.call("row_fractions", X), X / X.sum(dim=1, keepdim=True), f"row_fractions(X) for X of shape {tuple(X.shape)}",
                 hint="X.sum(dim=1) has shape (rows,), which lines up with X's columns, not its rows; "
                      "keepdim=True gives (rows, 1), one sum per row.")
        counts = R.randint(0, 10, tuple(X.shape))
        C.tensor(L.call("column_means", counts), counts.float().mean(dim=0), f"column_means(counts) for int64 counts of shape {tuple(X.shape)}",
                 hint="mean() refuses integer tensors (a mean is rarely whole): convert with .float() first.")


@exercise("ch03.products")
def products(L: Learner, R: Rand, hidden: bool) -> None:
    dims = [(3, 3, 3), (2, 3, 4)] if not hidden else [(R.int(1, 5), R.int(1, 5), R.int(1, 5)) for _i in range(5)]
    for n, k, m in dims:
        A, B, A2 = R.randn(n, k), R.randn(k, m), R.randn(n, k)
        x, y = R.randn(k), R.randn(k)
        C.tensor(L.call("hadamard", A, A2), A * A2, f"hadamard(A, B) for two ({n}, {k}) matrices",
                 hint="the Hadamard product multiplies element by element: A * B.")
        C.tensor(L.call("dot", x, y), torch.dot(x, y), f"dot(x, y) for two ({k},) vectors",
                 hint="the dot product is one number: torch.dot(x, y), a 0-d tensor.")
        C.tensor(L.call("matvec", A, x), torch.mv(A, x), f"matvec(A, x) for A ({n}, {k}) and x ({k},)",
                 hint="torch.mv(A, x): one dot product per row of A.")
        C.tensor(L.call("matmat", A, B), torch.mm(A, B), f"matmat(A, B) for A ({n}, {k}) and B ({k}, {m})",
                 hint="torch.mm(A, B) (or A @ B) is the matrix product; A * B is elementwise.")


def _product_case(R: Rand) -> tuple[str, tuple, tuple]:
    name = R.choice(["mm", "mv", "dot", "matmul", "matmul"])
    n, k, m = R.int(1, 4), R.int(1, 4), R.int(1, 4)
    k2 = k if R.int(0, 3) else R.int(1, 4)  # sometimes the inner sizes disagree
    batch = R.shape(1, 2, 3) if R.int(0, 2) == 0 else ()
    batch2 = tuple(R.choice([b, 1]) for b in batch)[R.int(0, len(batch)):] if batch else ()
    shapes = {
        "mm": [((n, k), (k2, m)), (batch + (n, k), (k2, m))],
        "mv": [((n, k), (k2,)), (batch + (n, k), (k2,))],
        "dot": [((k,), (k2,)), ((n, k), (k2,))],
        "matmul": [(batch + (n, k), batch2 + (k2, m)), ((k,), batch + (k2, m)), (batch + (n, k), (k2,)), ((k,), (k2,))],
    }[name]
    s1, s2 = R.choice(shapes)
    return name, s1, s2


@exercise("ch03.predict_matmul")
def predict_matmul(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        C.value(L.get("predicted_batched_shape"), torch.matmul(torch.ones(2, 3, 4), torch.ones(4, 5)).shape,
                "predicted_batched_shape", hint="matmul treats the leading 2 as a batch: 2 products of (3, 4) @ (4, 5).")
        C.value(L.get("predicted_mm_raises"), C.outcome(torch.mm, torch.ones(2, 3, 4), torch.ones(4, 5)).kind == "exception",
                "predicted_mm_raises", hint="torch.mm takes exactly two matrices and does not broadcast.")
        cases = [("mm", (2, 3), (3, 5)), ("mm", (2, 3, 4), (4, 5)), ("mv", (2, 3), (3,)), ("dot", (3,), (3,)),
                 ("matmul", (2, 3, 4), (4, 5)), ("matmul", (3,), (2, 3, 4)), ("matmul", (2, 3), (4, 5))]
    else:
        cases = [_product_case(R) for _i in range(15)]
    for name, s1, s2 in cases:
        what = f"product_shape({name!r}, {s1}, {s2})"
        want = C.outcome(lambda: getattr(torch, name)(torch.ones(s1), torch.ones(s2)).shape)
        got = L.call("product_shape", name, s1, s2)
        hint = ("dot: two 1-D of one length; mv: 2-D @ 1-D; mm: 2-D @ 2-D, inner sizes equal; none of them broadcast. "
                "matmul: a 1-D side gets a size-1 dim added then removed, leading dims broadcast.")
        if want.kind == "exception":
            C.error(got, want, what, match="", hint=hint + " Where torch raises RuntimeError, raise one too.")
        else:
            C.value(got, want, what, hint=hint)


@exercise("ch03.add_in_place")
def add_in_place(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [_seed_XY(), (torch.zeros(2, 3), torch.ones(3)), (torch.ones(2, dtype=torch.int64), torch.tensor([0.5, 1.5]))]
    else:
        cases = []
        for _i in range(5):
            shape = R.shape(1, 3, 4)
            X = R.choice([lambda: R.randn(*shape), lambda: R.randint(-5, 5, shape)])()
            Y = R.choice([lambda: R.randn(*shape), lambda: R.randint(-5, 5, shape), lambda: R.randn(shape[-1])])()
            cases.append((X, Y))
    for X, Y in cases:
        what = f"add_in_place(X, Y) for a {X.dtype} X of shape {tuple(X.shape)} and a {Y.dtype} Y of shape {tuple(Y.shape)}"
        want = C.outcome(lambda: X.clone().add_(Y))
        got, X_after, *_ = C.parts(L.call("add_in_place", X, Y, inputs=True), what)
        if want.kind == "exception":
            C.error(got, want, what, match="",
                    hint="in place, the result must fit X's dtype: X += Y raises when X is int and Y is float.")
            continue
        C.tensor(got, want, what, hint="X += Y adds in place and keeps X's dtype.")
        C.tensor(X_after, want, what + ": X afterwards", hint="X itself must hold the sum: X += Y, not X + Y.")
        C.shares_memory(got, X_after, True, what, hint="X + Y builds a new tensor; X += Y (or X.add_(Y)) writes into X.")


def _operand(R: Rand, kind: str):
    if kind == "tensor":
        return torch.ones(R.int(1, 3), dtype=R.choice(DTYPES + [torch.bool]))
    if kind == "zero-dim":
        return torch.tensor(1, dtype=R.choice(DTYPES + [torch.bool]))
    return R.choice([True, 2, -3, 1.5])


def _describe(x) -> str:
    if isinstance(x, torch.Tensor):
        return f"<{x.dtype} tensor of shape {tuple(x.shape)}>"
    return repr(x)


@exercise("ch03.predict_result_type")
def predict_result_type(L: Learner, R: Rand, hidden: bool) -> None:
    u8 = torch.tensor([1, 2], dtype=torch.uint8)
    if not hidden:
        C.value(L.get("predicted_uint8_with_zero_dim"), torch.result_type(u8, torch.tensor(1)),
                "predicted_uint8_with_zero_dim", hint="a 0-d tensor of the same category (int) does not widen a tensor with dimensions.")
        C.value(L.get("predicted_int_with_float"), torch.result_type(torch.tensor([1, 2]), 1.0),
                "predicted_int_with_float", hint="a Python float is a higher category than int: the default float type.")
        C.value(L.get("predicted_uint8_with_1d"), torch.result_type(u8, torch.tensor([1])),
                "predicted_uint8_with_1d", hint="two tensors with dimensions promote as equals: uint8 and int64 give int64.")
        cases = [(u8, torch.tensor(1)), (torch.tensor([1, 2]), 1.0), (u8, torch.tensor([1])),
                 (torch.tensor([1.0], dtype=torch.float16), torch.tensor(2.0, dtype=torch.float64)), (torch.tensor(3), 2.5)]
    else:
        cases = []
        for _i in range(15):
            kinds = R.choice([("tensor", "tensor"), ("tensor", "zero-dim"), ("zero-dim", "tensor"), ("tensor", "scalar"),
                              ("scalar", "tensor"), ("zero-dim", "scalar"), ("zero-dim", "zero-dim")])
            cases.append((_operand(R, kinds[0]), _operand(R, kinds[1])))
    for a, b in cases:
        C.value(L.call("result_dtype", a, b), torch.result_type(a, b), f"result_dtype({_describe(a)}, {_describe(b)})",
                hint="categories bool < int < float. Tensors with dimensions outrank 0-d tensors, which outrank Python "
                     "numbers: a lower-ranked operand decides the dtype only if its category is higher.")
