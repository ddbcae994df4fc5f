"""Typical wrong answers for chapter 04, one per exercise: each must lose points on its own exercise,
on the visible test and on every hidden seed."""
WRONG = {
    # the column and the row swapped: broadcasts to (m, n), the transpose of the table
    "ex1_outer_sum": """
predicted_shape = (3, 2)


def outer_sum(col, row):
    return col.reshape(1, -1) + row.reshape(-1, 1)
""",
    # takes the larger size everywhere and never raises: (3,) and (2, 2) "broadcast" to (2, 3)
    "ex2_broadcast_shape": """
def broadcast_shape(s1, s2):
    n = max(len(s1), len(s2))
    p1 = (1,) * (n - len(s1)) + tuple(s1)
    p2 = (1,) * (n - len(s2)) + tuple(s2)
    return tuple(max(x, y) for x, y in zip(p1, p2))
""",
    # right values, but a copy: ordinary strides, and a's memory is not shared
    "ex3_stretch": """
predicted_unsqueeze_shape = (1, 2, 1)
predicted_left_pad_raises = False


def stretch(a, shape):
    return a.expand(*shape).contiguous()
""",
    # remembers that new dims on the left get stride 0, forgets the size-1 dims that stretch
    "ex4_expanded_stride": """
predicted_stride = (0, 1, 1)


def expanded_stride(shape, stride, new_shape):
    k = len(new_shape) - len(shape)
    return (0,) * k + tuple(stride)
""",
    # the missing keepdim: (n,) lines up with the columns, not the rows
    "ex5_center": """
def center_rows(X):
    return X - X.mean(dim=1)


def center_cols(X):
    return X - X.mean(dim=0)
""",
    # "if it broadcasts, it works": forgets that in place the result must fit in the first tensor
    "ex6_inplace_ok": """
predicted_a_iadd_b = True
predicted_c_iadd_a = True
predicted_vec_iadd_row = True


def inplace_ok(s1, s2):
    n = max(len(s1), len(s2))
    p1, p2 = (1,) * (n - len(s1)) + tuple(s1), (1,) * (n - len(s2)) + tuple(s2)
    return not any(x != y and 1 not in (x, y) for x, y in zip(p1, p2))
""",
}
