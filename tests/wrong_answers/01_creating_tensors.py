"""Typical wrong answers for chapter 01, one per exercise: each must lose points on its own exercise,
on the visible test and on every hidden seed."""
WRONG = {
    # right values, wrong dtype: arange counts in int64
    "ex1_make_grid": """
def make_grid(rows, cols):
    return torch.arange(rows * cols).reshape(rows, cols)
""",
    # the classic guesses: capital-T Tensor keeps ints, and bools are just ints
    "ex2_predict_dtype": """
predicted_int_dtype = torch.int64
predicted_float_dtype = torch.float32
predicted_legacy_dtype = torch.int64


def inferred_dtype(values):
    flat = [v for row in values for v in row] if values and isinstance(values[0], list) else list(values)
    return "float32" if any(isinstance(v, float) for v in flat) else "int64"
""",
    # right sizes as a list, and no error when nothing fits
    "ex3_predict_reshape": """
predicted_shape = (2, 3, 4)


def reshape_result(n, shape):
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    return [n // known if s == -1 else s for s in shape]
""",
    # zeros of the right shape, default float32 instead of uint8
    "ex4_blank_batch": """
def blank_batch(n, h, w):
    return torch.zeros(n, 3, h, w)


def blank_batch_np(n, h, w):
    return np.zeros((n, 3, h, w), dtype=np.uint8)
""",
    # right values, but copies where a shared view was asked for
    "ex5_convert": """
def to_numpy(t):
    return np.array(t)


def to_tensor(a):
    return torch.tensor(a)
""",
    # fills column by column (the first dimension fastest), as Fortran and MATLAB do
    "ex6_where_is": """
def where_is(shape, k):
    index = []
    for size in shape:
        index.append(k % size)
        k //= size
    return tuple(index)
""",
    # the end counted in: floor + 1 instead of the ceiling, and float64 as in numpy
    "ex7_arange_rules": """
predicted_count = 5
predicted_step_dtype = torch.float32


def arange_size(start, end, step):
    return int((end - start) // step) + 1


def arange_dtype(start, end, step):
    return "float64" if any(isinstance(v, float) for v in (start, end, step)) else "int64"
""",
}
