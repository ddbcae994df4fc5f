"""Typical wrong answers for chapter 05, one per exercise: each must lose points on its own exercise, on the
visible test and on every hidden seed. ``MORE_WRONG`` holds the other mistakes each exercise exists to catch,
keyed by the words of the exercise's own list (``MISTAKES`` in autograder/checking/exercises/ch05_memory_sharing.py): each must fail everywhere too."""
WRONG = {
    # "a view is a copy, to be safe": predicts separate storage, and copies
    "ex1_flat_view": """
predicted_a01 = 0.7682
predicted_same_shape = False
predicted_same_storage = False


def flat_view(t):
    return t.flatten().clone()
""",
    # "torch.Tensor shares a float32 array, and .float() always makes a new tensor": ignores the default dtype
    "ex2_who_shares": """
predicted_from_numpy = True
predicted_torch_tensor = False
predicted_legacy_float32 = True
predicted_legacy_float64 = False
predicted_float_of_float32 = False
predicted_float_of_float64 = False


def shares_with_legacy_tensor(dtype, default_dtype):
    return np.dtype(dtype) == np.float32
""",
    # "every assignment makes a new object": Z = X + Y rebinds the local name, the caller's Z is untouched
    "ex3_object_identity": """
predicted_plus_same = False
predicted_slice_same = False
predicted_iadd_same = False


def add_into(Z, X, Y):
    Z = X + Y
    return Z
""",
    # forgot the trailing underscores: right values in a new tensor, t unchanged
    "ex4_inplace": """
def standardize_(t):
    return t.sub(t.mean()).div(t.std())
""",
    # "one storage object, or nothing shared": from_numpy slices of one array share memory, yet are two storages
    "ex5_shared_elements": """
def shared_elements(a, b):
    if a.untyped_storage().data_ptr() != b.untyped_storage().data_ptr():
        return 0
    start = max(a.storage_offset(), b.storage_offset())
    end = min(a.storage_offset() + a.numel(), b.storage_offset() + b.numel())
    return max(end - start, 0)
""",
    # rebinding the loop variable: a new tensor each time, the parameters never change
    "ex6_sgd_step": """
def sgd_step_(params, grads, lr):
    for p, g in zip(params, grads):
        p = p - lr * g
""",
}

WRONG_MISTAKE = {
    'ex1_flat_view': "'a view is a copy': copies with .clone()",
    'ex2_who_shares': "'torch.Tensor shares only float32': ignores the default dtype",
    'ex3_object_identity': "Z = X + Y rebinds the local name: the caller's Z is untouched",
    'ex4_inplace': 'out-of-place methods (sub, div): t unchanged',
    'ex5_shared_elements': 'compares untyped_storage().data_ptr(): from_numpy slices of one array share, yet are two storages',
    'ex6_sgd_step': 'p = p - lr * g rebinds the loop variable',
}

MORE_WRONG = {
    'ex1_flat_view': {
        'copies through a Python list: torch.tensor(t.tolist())': """
predicted_a01 = 0.0
predicted_same_shape = False
predicted_same_storage = True


def flat_view(t):
    return torch.tensor(t.tolist()).view(-1)
""",
    },
    'ex2_who_shares': {
        "'torch.Tensor shares any float array'": """
predicted_from_numpy = True
predicted_torch_tensor = False
predicted_legacy_float32 = True
predicted_legacy_float64 = True
predicted_float_of_float32 = True
predicted_float_of_float64 = True


def shares_with_legacy_tensor(dtype, default_dtype):
    return np.dtype(dtype).kind == "f"
""",
    },
    'ex3_object_identity': {
        'returns a copy of Z': """
predicted_plus_same = False
predicted_slice_same = True
predicted_iadd_same = True


def add_into(Z, X, Y):
    Z[:] = X + Y
    return Z.clone()
""",
    },
    'ex4_inplace': {
        't = (t - m) / s rebinds the local name': """
def standardize_(t):
    t = (t - t.mean()) / t.std()
    return t
""",
    },
    'ex5_shared_elements': {
        'counts bytes, not elements': """
def shared_elements(a, b):
    start = max(a.data_ptr(), b.data_ptr())
    end = min(a.data_ptr() + a.numel() * a.element_size(), b.data_ptr() + b.numel() * b.element_size())
    return max(end - start, 0)
""",
        "mixes bytes and elements in the range's end": """
def shared_elements(a, b):
    start = max(a.data_ptr(), b.data_ptr())
    end = min(a.data_ptr() + a.numel(), b.data_ptr() + b.numel())
    return max(end - start, 0) // a.element_size()
""",
        'compares first-element addresses only': """
def shared_elements(a, b):
    return b.numel() if a.data_ptr() == b.data_ptr() else 0
""",
    },
    'ex6_sgd_step': {
        "replaces the list's items, not the tensors' values": """
def sgd_step_(params, grads, lr):
    params[:] = [p - lr * g for p, g in zip(params, grads)]
""",
    },
}
