"""Typical wrong answers for chapter 02, one per exercise: each must lose points on its own exercise,
on the visible test and on every hidden seed."""
WRONG = {
    # right values, wrong shape: X[-1:] keeps a dimension of size 1
    "ex1_rows": """
def last_row(X):
    return X[-1:]


def row_block(X, i, j):
    return X[i:j]
""",
    # treats an int index like a length-1 slice: the dimension survives
    "ex2_predict_shapes": """
predicted_mixed_shape = (1, 1)
predicted_step_shape = (2, 2)
predicted_past_end_shape = (2, 4)
predicted_middle_ellipsis_shape = (1, 3, 2)


def index_shape(shape, index):
    if Ellipsis in index:
        at = index.index(Ellipsis)
        fill = len(shape) - (len(index) - 1)
        index = index[:at] + (slice(None),) * fill + index[at + 1:]
    out = []
    for k, size in enumerate(shape):
        i = index[k] if k < len(index) else slice(None)
        out.append(len(range(*i.indices(size))) if isinstance(i, slice) else 1)
    return tuple(out)
""",
    # changes a copy and returns it: X itself is left as it was
    "ex3_write": """
def set_entry(X, i, j, v):
    X = X.clone()
    X[i, j] = v
    return X


def fill_rows(X, k, v):
    X = X.clone()
    X[:k, :] = v
    return X
""",
    # spelled-out colons: right for 3-D tensors only
    "ex4_ellipsis": """
def first_item(a):
    return a[0, :, :]


def last_column(a):
    return a[:, :, -1]
""",
    # multiplying by the mask: right values, but zeros kept and the original shape
    "ex5_predict_mask": """
predicted_mask_dtype = torch.bool
predicted_selected_shape = (2, 3)
predicted_row_mask_shape = (1, 3)


def positives(a):
    return a * (a > 0)


def rows_starting_positive(a):
    return a[a[:, 0] > 0]
""",
    # "indexing always gives a view"
    "ex6_predict_views": """
predicted_views = {"X[:, [0, 2]]": True, "X[torch.tensor(1)]": True, "X[torch.tensor([1])]": True,
                   "X[..., 1:]": True, "X[1][2:]": True, "X[X[:, 0] > 0]": True}


def is_view_index(index):
    return True
""",
    # right values, but a copy: an index tensor is advanced indexing
    "ex7_strided_view": """
def every_other_column(X):
    return X[:, torch.arange(0, X.shape[1], 2)]
""",
    # the notes' trap: m is a copy, so X never changes
    "ex8_mask_assign": """
def clip_above(X, limit):
    m = X[X > limit]
    m[:] = limit
""",
}

# Cheap exercises: the solution is tried on more hidden seeds than the default.
SOLUTION_SEEDS = 40
