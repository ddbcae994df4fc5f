"""Typical wrong answers for chapter 03, one per exercise: each must lose points on its own exercise,
on the visible test and on every hidden seed."""
WRONG = {
    # "int / int stays int", as in C or Python 2
    "ex1_predict_arith": """
predicted_int_div_dtype = torch.int64
predicted_floor_div_dtype = torch.int64
predicted_int8_uint8_dtype = torch.int16


def op_dtype(op, d1, d2):
    return torch.promote_types(d1, d2)
""",
    # "exp keeps the dtype": right values would be rounded away
    "ex2_predict_exp": """
predicted_exp_dtype = torch.int16
predicted_exp_half_dtype = torch.float16
predicted_abs_dtype = torch.int16


def unary_dtype(name, dtype):
    return dtype
""",
    # torch.stack adds a new dimension: right values, wrong shape
    "ex3_cat": """
def stack_rows(X, Y):
    return torch.stack((X, Y))


def side_by_side(X, Y):
    return torch.cat((X, Y), dim=1)
""",
    # compares each element with the next one: the Trues land one place early, and position 0 is lost
    "ex4_run_starts": """
def run_starts(x):
    return torch.cat((x[:-1] != x[1:], torch.tensor([True])))


def count_runs(x):
    return run_starts(x).sum()
""",
    # keepdim ignored: the reduced dimension always disappears
    "ex5_predict_reduce": """
predicted_col_sum_shape = (4,)
predicted_keepdim_shape = (3,)
predicted_two_dims_shape = (3,)
predicted_bool_sum_dtype = torch.int64


def reduced_shape(shape, dim, keepdim):
    if dim is None:
        dims = set(range(len(shape)))
    else:
        dims = {d % len(shape) for d in (dim if isinstance(dim, tuple) else (dim,))}
    return tuple(s for d, s in enumerate(shape) if d not in dims)
""",
    # forgot keepdim: the row sums line up with the columns
    "ex6_row_fractions": """
def row_fractions(X):
    return X / X.sum(dim=1)


def column_means(counts):
    return counts.float().mean(dim=0)
""",
    # the matrix product where one dot product per row was asked
    "ex7_row_dots": """
def row_dots(P, Q):
    return P @ Q.T


def all_dots(P, S):
    return P @ S.T
""",
    # "mm is matmul": assumes mm and mv broadcast too
    "ex8_predict_matmul": """
predicted_vec_mat_shape = (5,)
predicted_batch_broadcast_shape = (2, 5, 3, 2)
predicted_mv_column_raises = False


def product_shape(name, s1, s2):
    s1, s2 = tuple(s1), tuple(s2)
    a = s1 if len(s1) > 1 else (1,) + s1
    b = s2 if len(s2) > 1 else s2 + (1,)
    if a[-1] != b[-2]:
        raise RuntimeError("inner sizes differ")
    out = tuple(torch.broadcast_shapes(a[:-2], b[:-2])) + (a[-2], b[-1])
    if len(s1) == 1:
        out = out[:-2] + out[-1:]
    if len(s2) == 1:
        out = out[:-1]
    return out
""",
    # right values, but a new tensor: X is left unchanged
    "ex9_add_in_place": """
predicted_iadd_dtype = torch.int64
predicted_wrapped_value = 260
predicted_int_iadd_float_raises = True


def add_in_place(X, Y):
    return X + Y
""",
    # ignores rank: every operand promotes as an equal
    "ex10_predict_result_type": """
predicted_uint8_with_zero_dim = torch.int64
predicted_int_with_float = torch.float32
predicted_uint8_with_1d = torch.int64


def result_dtype(a, b):
    def dtype(x):
        kind, v = x
        if kind != "number":
            return v
        return torch.bool if type(v) is bool else (torch.int64 if type(v) is int else torch.get_default_dtype())
    return torch.promote_types(dtype(a), dtype(b))
""",
}
