"""Chapter 02's near-misses in-process; what holds for every exercise is in test_exercises.py.

Each near miss is wrong in one way an exercise exists to catch: it must fail the visible test and every
hidden seed tried. The right alternatives must pass."""
from __future__ import annotations

from exercise_harness import near_miss_tests, solution_answers_of

CH = "02_indexing_and_slicing"
SOL = solution_answers_of(CH)
PREDICTIONS = {gid: src.split("\ndef ")[0] for gid, src in SOL.items()}

NEAR_MISSES = {
    "a range that includes its stop": ("ex1_rows", SOL["ex1_rows"].replace("return X[i:j]", "return X[i:j + 1]")),
    "a slice's length as stop - start": ("ex2_predict_shapes", PREDICTIONS["ex2_predict_shapes"] + '''
def index_shape(shape, index):
    if Ellipsis in index:
        at = index.index(Ellipsis)
        index = index[:at] + (slice(None),) * (len(shape) - len(index) + 1) + index[at + 1:]
    out = []
    for k, size in enumerate(shape):
        i = index[k] if k < len(index) else slice(None)
        if isinstance(i, slice):
            start, stop, step = i.indices(size)
            out.append(stop - start)
    return tuple(out)
'''),
    "... counted as a dimension": ("ex2_predict_shapes", SOL["ex2_predict_shapes"].replace(
        "fill = len(shape) - (len(index) - 1)", "fill = len(shape) - len(index)")),
    "dimensions not indexed dropped": ("ex2_predict_shapes", SOL["ex2_predict_shapes"].replace(
        "i = index[k] if k < len(index) else slice(None)", "i = index[k] if k < len(index) else 0")),
    "one row too many": ("ex3_write", SOL["ex3_write"].replace("X[:k, :] = v", "X[:k + 1, :] = v")),
    "colons for three dimensions": ("ex4_ellipsis", SOL["ex4_ellipsis"].replace("return a[..., -1]", "return a[:, :, -1]")),
    "zeros picked as positive": ("ex5_predict_mask", SOL["ex5_predict_mask"].replace("return a[a > 0]", "return a[a >= 0]")),
    "elements where rows were asked": ("ex5_predict_mask", SOL["ex5_predict_mask"].replace(
        "return a[a[:, 0] > 0]", "return a[a > 0]")),
    "a zero first element counted": ("ex5_predict_mask", SOL["ex5_predict_mask"].replace(
        "return a[a[:, 0] > 0]", "return a[a[:, 0] >= 0]")),
    "every index tensor copies": ("ex6_predict_views", SOL["ex6_predict_views"].replace(
        "isinstance(p, list) or (isinstance(p, torch.Tensor) and p.dim() > 0)", "isinstance(p, (list, torch.Tensor))")),
    "only the outer index looked at": ("ex6_predict_views", PREDICTIONS["ex6_predict_views"] + '''
def is_view_index(index):
    return not isinstance(index, list) and not (isinstance(index, torch.Tensor) and index.dim() > 0)
'''),
    "a bool mask taken for basic indexing": ("ex6_predict_views", SOL["ex6_predict_views"].replace(
        "(isinstance(p, torch.Tensor) and p.dim() > 0)", "(isinstance(p, torch.Tensor) and p.dim() > 0 and p.dtype != torch.bool)")),
    "a tensor indexed to find out": ("ex6_predict_views", PREDICTIONS["ex6_predict_views"] + '''
def is_view_index(index):
    X = torch.zeros(4, 5)
    return X[index].untyped_storage().data_ptr() == X.untyped_storage().data_ptr()
'''),
    "a tensor built to ask its shape": ("ex2_predict_shapes", PREDICTIONS["ex2_predict_shapes"] +
                                        "\ndef index_shape(shape, index):\n    return tuple(torch.empty(shape)[index].shape)"),
    "the columns picked by arange": ("ex7_strided_view", "def every_other_column(X):\n    return X[:, torch.arange(0, X.shape[1], 2)]"),
    "a clamped copy, X unchanged": ("ex8_mask_assign", "def clip_above(X, limit):\n    return X.clamp(max=limit)"),
}

ALSO_RIGHT = {
    "a[0] for the first item": ("ex4_ellipsis", SOL["ex4_ellipsis"].replace("return a[0, ...]", "return a[0]")),
    "clamp_ in place": ("ex8_mask_assign", "def clip_above(X, limit):\n    X.clamp_(max=limit)"),
    "a torch.Size for a predicted shape": ("ex2_predict_shapes", SOL["ex2_predict_shapes"].replace(
        "predicted_step_shape = (2, 2)", "predicted_step_shape = torch.Size([2, 2])")),
}


test_near_misses_fail_the_visible_test_and_every_hidden_seed, test_other_right_answers_pass = \
    near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)
