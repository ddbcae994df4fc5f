"""An exercise whose function is not written yet teaches ("not defined: replace the raise line"), whatever way the
exercise reaches the learner. The browser test's Validate first showed ch01.convert crashing here with an
AttributeError (before checks.parts guarded `L.call(..., inputs=True)`); this keeps it fixed."""
from __future__ import annotations

import pytest

from autograder import CheckFailure
from autograder.checking.exercise import Learner, run_exercise



@pytest.mark.parametrize("hidden", [False, True])
def test_call_with_inputs_on_a_missing_function_teaches(hidden):
    with pytest.raises(CheckFailure, match="`to_numpy` is not defined: replace"):
        run_exercise("ch01.convert", Learner(ns={}), seed=1, hidden=hidden)


def test_call_with_inputs_still_judges_a_written_function():
    # The near miss: np.array copies where t.numpy() shares memory.
    import numpy as np
    import torch
    ns = {"to_numpy": lambda t: np.array(t), "to_tensor": torch.from_numpy}
    with pytest.raises(CheckFailure, match="to_numpy"):
        run_exercise("ch01.convert", Learner(ns=ns), seed=1, hidden=False)
