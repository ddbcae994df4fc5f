"""Small helpers shared by chapter exercise modules (not a chapter: its name does not start with 'ch')."""
from __future__ import annotations

from ..answers import Answer


def parts(ans: Answer, n: int) -> list[Answer]:
    """The items of an ``L.call(..., inputs=True)`` answer, ``(result, *inputs)``.

    When the learner's function is not defined the answer is 'missing', not a tuple: hand that same
    answer out n times, so every check says "not defined yet" instead of crashing.
    """
    return list(ans.value) if ans.kind == "tuple" else [ans] * n
