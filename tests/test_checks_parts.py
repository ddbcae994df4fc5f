"""checks.parts: unpack a tuple answer, or fail with a lesson when there is none."""
import pytest
import torch

from autograder.checking import checks as C
from autograder.checking.answers import freeze, missing
from autograder.checking.checks import CheckFailure


def test_parts_returns_the_frozen_items():
    t = torch.arange(3)
    items = C.parts(freeze((t, 1)), "f(t)")
    assert len(items) == 2 and items[0].kind == "tensor" and items[1].value == 1


def test_parts_rejects_a_missing_function_with_a_lesson():
    with pytest.raises(CheckFailure, match="`f` is not defined: replace"):
        C.parts(missing("f"), "f(t)")


def test_parts_rejects_a_plain_value_near_miss():
    with pytest.raises(CheckFailure, match="expected a tuple"):
        C.parts(freeze(torch.arange(3)), "f(t)")
