"""Typical wrong answers for chapter 03, one per exercise: each must lose points on its own exercise."""
WRONG = {
    # "int / int stays int", as in C or Python 2
    "ex1_predict_arith": """
predicted_sum_dtype = torch.float32
predicted_int_div_dtype = torch.int64
predicted_int_pow_dtype = torch.int64


def op_dtype(op, d1, d2):
    return torch.promote_types(d1, d2)
""",
    # "exp keeps the dtype": right values would be rounded away
    "ex2_predict_exp": """
predicted_exp_dtype = torch.int16


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
    # 1 and 0 instead of True and False: right values, wrong dtype
    "ex4_compare": """
def equal_mask(X, Y):
    return (X == Y).float()


def count_equal(X, Y):
    return (X == Y).sum()
""",
    # keepdim ignored: the reduced dimension always disappears
    "ex5_predict_reduce": """
predicted_total_shape = ()
predicted_col_sum_shape = (4,)
predicted_keepdim_shape = (3,)
predicted_bool_sum_dtype = torch.int64


def reduced_shape(shape, dim, keepdim):
    dims = range(len(shape)) if dim is None else [dim % len(shape)]
    return tuple(s for d, s in enumerate(shape) if d not in dims)
""",
    # forgot keepdim: the row sums line up with the columns
    "ex6_row_fractions": """
def row_fractions(X):
    return X / X.sum(dim=1)


def column_means(counts):
    return counts.float().mean(dim=0)
""",
    # * is elementwise, not the matrix product
    "ex7_products": """
def hadamard(A, B):
    return A * B


def dot(x, y):
    return torch.dot(x, y)


def matvec(A, x):
    return torch.mv(A, x)


def matmat(A, B):
    return A * B
""",
    # "mm is matmul": assumes mm and mv broadcast too
    "ex8_predict_matmul": """
predicted_batched_shape = (2, 3, 5)
predicted_mm_raises = False


def product_shape(name, s1, s2):
    return tuple(torch.matmul(torch.ones(s1), torch.ones(s2)).shape)
""",
    # right values, but a new tensor: X is left unchanged
    "ex9_add_in_place": """
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
        if isinstance(x, torch.Tensor):
            return x.dtype
        return {bool: torch.bool, int: torch.int64, float: torch.get_default_dtype()}[type(x)]
    return torch.promote_types(dtype(a), dtype(b))
""",
}

# Cheap exercises: the solution is tried on more hidden seeds than the default.
SOLUTION_SEEDS = 40
