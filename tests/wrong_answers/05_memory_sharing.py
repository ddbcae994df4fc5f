"""Typical wrong answers for chapter 05, one per exercise: each must lose points on its own exercise."""
WRONG = {
    # right values, but "to be safe" a copy: new storage, offset 0
    "ex1_flat_view": """
predicted_a01 = 0.0
predicted_same_shape = False
predicted_same_storage = True


def flat_view(t):
    return t.flatten().clone()
""",
    # "any float array is shared": float64 is not, it must be converted to float32
    "ex2_who_shares": """
predicted_numpy = True
predicted_from_numpy = True
predicted_torch_tensor = False
predicted_legacy_float32 = True
predicted_legacy_float64 = True


def shares_with_legacy_tensor(dtype):
    return np.dtype(dtype).kind == "f"
""",
    # Z = X + Y rebinds the local name: a new object, and the caller's Z is untouched
    "ex3_object_identity": """
predicted_plus_same = False
predicted_slice_same = True
predicted_iadd_same = True


def add_into(Z, X, Y):
    Z = X + Y
    return Z
""",
    # forgot the trailing underscores: right values in a new tensor, t unchanged
    "ex4_inplace": """
def standardize_(t):
    return t.sub(t.mean()).div(t.std())
""",
    # data_ptr() is the first element's address: wrong for x[1:], which shares x's storage
    "ex5_same_storage": """
def same_storage(a, b):
    return a.data_ptr() == b.data_ptr()
""",
    # rebinding the loop variable: a new tensor each time, the parameters never change
    "ex6_sgd_step": """
def sgd_step_(params, grads, lr):
    for p, g in zip(params, grads):
        p = p - lr * g
""",
}
