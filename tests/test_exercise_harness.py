"""The in-process harness itself: a wrong answer that does not even run must not pass for a wrong one."""
from __future__ import annotations

import pytest

from exercise_harness import namespace

CH = "01_creating_tensors"


@pytest.mark.parametrize("src", ["def make_grid(rows, cols:\n    return None",  # a syntax error
                                 "def make_grid(rows, cols):\n    return torch.zeros(rows, cols)\nundefined_name"])
def test_a_wrong_answer_that_raises_stops_the_test(src):
    with pytest.raises(AssertionError, match="ex1_make_grid"):
        namespace(CH, {"ex1_make_grid": src})


def test_a_wrong_answer_that_runs_is_in_the_namespace():
    ns = namespace(CH, {"ex1_make_grid": "def make_grid(rows, cols):\n    return torch.zeros(rows, cols)"})
    assert ns["make_grid"](2, 3).dtype == ns["torch"].float32 and ns["make_grid"](2, 3).sum().item() == 0


def test_cells_expected_to_raise_are_collected_when_asked():
    broken: list[str] = []
    ns = namespace(CH, {"ex1_make_grid": "raise NotImplementedError"}, broken=broken)
    assert broken == ["ex1_make_grid"] and "make_grid" not in ns and "blank_batch" in ns
