"""Typical wrong answers for chapter 06, one per exercise: each must lose points on its own exercise, on the
visible test and on every hidden seed. ``MORE_WRONG`` holds the other mistakes each exercise exists to catch,
keyed by the words of the exercise's own list (``MISTAKES`` in autograder/checking/exercises/ch06_contiguity.py): each must fail everywhere too."""
WRONG = {
    # "a transpose is a new (4, 3) tensor": strides recomputed for the new shape, as if it had been copied
    "ex1_strides": """
predicted_stride = (4, 1)
predicted_t_stride = (3, 1)


def permuted_stride(shape, dims):
    new_shape = [shape[d] for d in dims]
    stride, step = [], 1
    for size in reversed(new_shape):
        stride.insert(0, step)
        step *= size
    return tuple(stride)
""",
    # forgets where a sliced view starts: strides only, no storage_offset
    "ex2_storage_offset": """
predicted_offset = 0


def storage_index(t, idx):
    return sum(i * s for i, s in zip(idx, t.stride()))
""",
    # "strides never increase" (minitorch's shortcut): accepts x[:, :2] and x[:, ::2], which skip cells
    "ex3_is_contiguous": """
def is_contiguous_layout(shape, stride):
    return all(a >= b for a, b in zip(stride, stride[1:]))
""",
    # hides view's error behind reshape's silent copy
    "ex4_view_or_reshape": """
def flatten_view(t):
    return t.reshape(-1)


def flatten_any(t):
    return t.reshape(-1)
""",
    # "contiguous() makes b contiguous": the seed's trap, in the predictions and in the code
    "ex5_reassign": """
predicted_after_call = True
predicted_write_through_c = True
predicted_write_through_d = True


def contiguous_flat(t):
    t.contiguous()
    return t.view(-1)
""",
    # always copies: right values and layout, but a new object where torch returns t itself
    "ex6_copy_when_needed": """
def my_contiguous(t):
    return t.clone(memory_format=torch.contiguous_format)
""",
    # windows one cell apart in storage, whatever t's own stride
    "ex7_stride_puzzles": """
puzzle_rows = ((2, 4), (4, 1), 4)
puzzle_columns = ((2, 3), (4, 1), 1)
puzzle_diagonal = ((3,), (5,), 0)
puzzle_repeat = ((2, 3), (1, 0), 2)


def sliding_windows(t, k):
    return t.as_strided((t.shape[0] - k + 1, k), (1, 1))
""",
}

WRONG_MISTAKE = {
    'ex1_strides': 'strides recomputed for the permuted shape, as if it were copied',
    'ex2_storage_offset': 'forgets storage_offset()',
    'ex3_is_contiguous': "'strides never increase': accepts x[:, :2] and x[:, ::2]",
    'ex4_view_or_reshape': "hides view's error behind reshape's copy",
    'ex5_reassign': 'calls t.contiguous() without keeping the result',
    'ex6_copy_when_needed': 'always copies: a new object even for a contiguous t',
    'ex7_stride_puzzles': "window strides (1, 1) whatever t's stride",
}

MORE_WRONG = {
    'ex1_strides': {
        'asks torch instead of working it out': """
predicted_stride = (4, 1)
predicted_t_stride = (1, 4)


def permuted_stride(shape, dims):
    return torch.zeros(shape).permute(*dims).stride()
""",
    },
    'ex2_storage_offset': {
        "assumes the contiguous layout of t's shape (ignores the strides)": """
predicted_offset = 6


def storage_index(t, idx):
    pos, step = 0, 1
    for i, n in reversed(list(zip(idx, t.shape))):
        pos += i * step
        step *= n
    return t.storage_offset() + pos
""",
    },
    'ex3_is_contiguous': {
        'compares every stride, size-1 dims too': """
def is_contiguous_layout(shape, stride):
    want, step = [], 1
    for n in reversed(shape):
        want.insert(0, step)
        step *= n
    return tuple(stride) == tuple(want)
""",
        'checks only that the last stride is 1': """
def is_contiguous_layout(shape, stride):
    return stride[-1] == 1
""",
    },
    'ex4_view_or_reshape': {
        'raises its own error where view works (non-contiguous, yet viewable)': """
def flatten_view(t):
    if not t.is_contiguous():
        raise RuntimeError("view size is not compatible with input tensor's size and stride")
    return t.view(-1)


def flatten_any(t):
    return t.reshape(-1)
""",
        'flatten_any always copies': """
def flatten_view(t):
    return t.view(-1)


def flatten_any(t):
    return t.flatten().clone()
""",
    },
    'ex5_reassign': {
        'copies every time, even a contiguous t': """
predicted_after_call = False
predicted_write_through_c = False
predicted_write_through_d = True


def contiguous_flat(t):
    return t.clone(memory_format=torch.contiguous_format).view(-1)
""",
    },
    'ex6_copy_when_needed': {
        "clone() keeps a transpose's strides": """def my_contiguous(t):
    return t if t.is_contiguous() else t.clone()
""",
        'calls contiguous(), which the exercise asks to build': """def my_contiguous(t):
    return t.contiguous()
""",
        'calls reshape, which the exercise rules out': """def my_contiguous(t):
    return t if t.is_contiguous() else t.reshape(-1).reshape(t.shape)
""",
    },
    'ex7_stride_puzzles': {
        'storage offset 0 for a slice that starts later': """
puzzle_rows = ((2, 4), (4, 1), 4)
puzzle_columns = ((2, 3), (1, 4), 1)
puzzle_diagonal = ((3,), (5,), 0)
puzzle_repeat = ((2, 3), (1, 0), 2)


def sliding_windows(t, k):
    step = t.stride(0)
    return t.as_strided((t.shape[0] - k + 1, k), (step, step), 0)
""",
        'a copy of the windows (torch.stack), not a view': """
puzzle_rows = ((2, 4), (4, 1), 4)
puzzle_columns = ((2, 3), (1, 4), 1)
puzzle_diagonal = ((3,), (5,), 0)
puzzle_repeat = ((2, 3), (1, 0), 2)


def sliding_windows(t, k):
    return torch.stack([t[i:i + k] for i in range(t.shape[0] - k + 1)])
""",
    },
}
