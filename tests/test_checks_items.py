"""C.items: a tuple of results against torch's, item by item, None counted as a value."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.checking import checks as C
from autograder.checking.answers import freeze, frozen_exception
from autograder.checking.checks import CheckFailure

NAMES = ["forward value", "x.grad", "y.grad"]


def want():
    return freeze((np.array([1.0, 2.0]), np.array([[0.5]]), None))


def fails(got) -> str:
    with pytest.raises(CheckFailure) as info:
        C.items(freeze(got), want(), NAMES, "graph", hint="sum back to the input's shape")
    return str(info.value)


def test_items_passes_torch_itself():
    C.items(want(), want(), NAMES, "graph")


def test_items_names_the_wrong_item():
    msg = fails((np.array([1.0, 2.0]), np.array([[0.75]]), None))
    assert "graph -> x.grad: wrong values" in msg and "hint: sum back" in msg


def test_items_rejects_right_values_in_the_wrong_shape():
    # the no-unbroadcast bug: the gradient kept the result's shape
    assert "x.grad: wrong shape" in fails((np.array([1.0, 2.0]), np.array([0.5]), None))


def test_items_rejects_right_values_in_the_wrong_dtype():
    assert "forward value: wrong dtype" in fails((np.array([1.0, 2.0], dtype=np.float32), np.array([[0.5]]), None))


def test_items_treats_none_as_a_value_both_ways():
    assert "y.grad: torch leaves this as None" in fails((np.array([1.0, 2.0]), np.array([[0.5]]), np.zeros(1)))
    assert "x.grad: is None" in fails((np.array([1.0, 2.0]), None, None))


def test_items_rejects_a_short_tuple_and_an_error():
    assert "expected 3 results" in fails((np.array([1.0, 2.0]),))
    with pytest.raises(CheckFailure, match="raised an error"):
        C.items(frozen_exception(ValueError("operands could not be broadcast")), want(), NAMES, "graph")


def test_items_compares_errors_when_torch_raises():
    torch_error = frozen_exception(RuntimeError("grad can be implicitly created only for scalar outputs"))
    C.items(frozen_exception(RuntimeError("grad can be implicitly created only for scalar outputs")), torch_error, NAMES, "g")
    with pytest.raises(CheckFailure, match="returned a value"):
        C.items(want(), torch_error, NAMES, "g")
