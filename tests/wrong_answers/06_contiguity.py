"""Typical wrong answers for chapter 06, one per exercise: each must lose points on its own exercise."""
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
predicted_offset = 6


def storage_index(t, idx):
    return sum(i * s for i, s in zip(idx, t.stride()))
""",
    # "strides never increase" (minitorch's shortcut): accepts x[:, ::2], which skips cells
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
    # forgot to reassign contiguous(): the seed's trap, both in the prediction and in the code
    "ex5_reassign": """
predicted_after_call = True
predicted_after_reassign = True


def contiguous_flat(t):
    t.contiguous()
    return t.view(-1)
""",
    # always copies: right values and layout, but a new object where torch returns t itself
    "ex6_copy_when_needed": """
def my_contiguous(t):
    return t.clone(memory_format=torch.contiguous_format)
""",
    # believes contiguous() works in place
    "ex7_explain": """
why_still_false = "D"
why_same_object = "A"
""",
}
