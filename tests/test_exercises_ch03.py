"""Chapter 03's near-misses in-process; what holds for every exercise is in test_exercises.py."""
from __future__ import annotations

from exercise_harness import namespace, passes, wrong_answers

CH = "03_operations"
WRONG = wrong_answers(CH)


def test_a_new_tensor_with_the_right_values_is_rejected_on_memory():
    ns = namespace(CH, {"ex9_add_in_place": "def add_in_place(X, Y):\n    return X.add(Y)"})
    assert not passes("ch03.add_in_place", ns, 2, hidden=True)


def test_an_error_of_the_wrong_kind_is_rejected():
    # mm that raises ValueError instead of torch's RuntimeError
    src = WRONG["ex8_predict_matmul"].replace("predicted_mm_raises = False", "predicted_mm_raises = True")
    src += "\n\ndef product_shape(name, s1, s2):\n    raise ValueError('no')\n"
    ns = namespace(CH, {"ex8_predict_matmul": src})
    assert not passes("ch03.predict_matmul", ns, 1, hidden=False)
