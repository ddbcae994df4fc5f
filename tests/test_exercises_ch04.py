"""Chapter 04's near-misses in-process; what holds for every exercise is in test_exercises.py.

Each near miss is wrong in one way an exercise exists to catch: it must fail the visible test and every
hidden seed tried. The right alternatives must pass."""
from __future__ import annotations

from exercise_harness import near_miss_tests, solution_answers_of

CH = "04_broadcasting"
SOL = solution_answers_of(CH)
PREDICTIONS = {gid: src.split("\ndef ")[0] for gid, src in SOL.items()}

NEAR_MISSES = {
    "no reshape at all": ("ex1_outer_sum", PREDICTIONS["ex1_outer_sum"] + "\ndef outer_sum(col, row):\n    return col + row"),
    "aligned on the left": ("ex2_broadcast_shape", SOL["ex2_broadcast_shape"].replace(
        "p1 = (1,) * (n - len(s1)) + tuple(s1)", "p1 = tuple(s1) + (1,) * (n - len(s1))").replace(
        "p2 = (1,) * (n - len(s2)) + tuple(s2)", "p2 = tuple(s2) + (1,) * (n - len(s2))")),
    "the wrong kind of error": ("ex2_broadcast_shape", SOL["ex2_broadcast_shape"].replace("raise RuntimeError", "raise ValueError")),
    "the sizes as a list": ("ex2_broadcast_shape", SOL["ex2_broadcast_shape"].replace("return tuple(out)", "return out")),
    "torch asked": ("ex2_broadcast_shape", "def broadcast_shape(s1, s2):\n    return tuple(torch.broadcast_shapes(s1, s2))"),
    "a broadcast copy": ("ex3_stretch", PREDICTIONS["ex3_stretch"] + "\ndef stretch(a, shape):\n    return torch.broadcast_to(a, shape).clone()"),
    "repeat": ("ex3_stretch", PREDICTIONS["ex3_stretch"] + '''
def stretch(a, shape):
    a = a.reshape((1,) * (len(shape) - a.dim()) + tuple(a.shape))
    return a.repeat(*(n if s == 1 else 1 for s, n in zip(a.shape, shape)))
'''),
    "new dims on the left keep a stride": ("ex4_expanded_stride", SOL["ex4_expanded_stride"].replace("out = [0] * k", "out = [1] * k")),
    "a size-1 dim that stays 1 set to 0": ("ex4_expanded_stride", SOL["ex4_expanded_stride"].replace(
        "out.append(0 if old == 1 and new != 1 else st)", "out.append(0 if old == 1 else st)")),
    "contiguous strides assumed": ("ex4_expanded_stride", PREDICTIONS["ex4_expanded_stride"] + '''
def expanded_stride(shape, stride, new_shape):
    k = len(new_shape) - len(shape)
    fresh, step = [], 1
    for size in reversed(shape):
        fresh.insert(0, step)
        step *= size
    return (0,) * k + tuple(0 if old == 1 and new != 1 else st for old, st, new in zip(shape, fresh, new_shape[k:]))
'''),
    "torch asked for the strides": ("ex4_expanded_stride", PREDICTIONS["ex4_expanded_stride"] +
                                    "\ndef expanded_stride(shape, stride, new_shape):\n"
                                    "    return torch.empty_strided(shape, stride).expand(new_shape).stride()"),
    "the column means along the wrong dim": ("ex5_center", SOL["ex5_center"].replace("return X - X.mean(dim=0)", "return X - X.mean(dim=1)")),
    "leading size-1 dims ignored": ("ex6_inplace_ok", SOL["ex6_inplace_ok"].replace(
        "return tuple(max(x, y) for x, y in zip(p1, p2)) == tuple(s1)",
        "return tuple(max(x, y) for x, y in zip(p1, p2))[n - len(s1):] == tuple(s1)").replace(
        "predicted_vec_iadd_row = False", "predicted_vec_iadd_row = True")),
    "the same number of dims required": ("ex6_inplace_ok", SOL["ex6_inplace_ok"].replace(
        "    n = max(len(s1), len(s2))\n", "    n = max(len(s1), len(s2))\n    if len(s1) != len(s2):\n        return False\n")),
    "torch asked to try it": ("ex6_inplace_ok", PREDICTIONS["ex6_inplace_ok"] + '''
def inplace_ok(s1, s2):
    try:
        torch.zeros(s1).add_(torch.zeros(s2))
        return True
    except RuntimeError:
        return False
'''),
}

ALSO_RIGHT = {
    "broadcast_to": ("ex3_stretch", PREDICTIONS["ex3_stretch"] + "\ndef stretch(a, shape):\n    return torch.broadcast_to(a, shape)"),
    "the learner's own broadcast_shape": ("ex6_inplace_ok", PREDICTIONS["ex6_inplace_ok"] + '''
def inplace_ok(s1, s2):
    try:
        return broadcast_shape(s1, s2) == tuple(s1)
    except RuntimeError:
        return False
'''),
    "outer via unsqueeze": ("ex1_outer_sum", PREDICTIONS["ex1_outer_sum"] +
                            "\ndef outer_sum(col, row):\n    return col.unsqueeze(1) + row.unsqueeze(0)"),
}

test_near_misses_fail_the_visible_test_and_every_hidden_seed, test_other_right_answers_pass = \
    near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)
