"""Chapter 02's near-misses in-process; what holds for every exercise is in test_exercises.py."""
from __future__ import annotations

from exercise_harness import namespace, passes

CH = "02_indexing_and_slicing"


def test_a_view_where_a_copy_is_asked_is_judged_on_memory_not_values():
    # every_other_column through an index tensor has the right values: only the memory check rejects it.
    ns = namespace(CH, {"ex7_strided_view": "def every_other_column(X):\n    return X[:, list(range(0, X.shape[1], 2))]"})
    assert not passes("ch02.strided_view", ns, 3, hidden=True)


def test_a_missing_function_fails_with_a_lesson_not_a_crash():
    ns = namespace(CH)
    del ns["clip_above"]
    assert not passes("ch02.mask_assign", ns, 1, hidden=False)
