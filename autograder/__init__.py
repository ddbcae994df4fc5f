"""autograder: grade a PyTorch course against live torch, without trusting the learner's kernel.

Design, in one paragraph: **answers out, verdicts in.** A chapter's test cell calls
``check("ch01.make_grid")``. The exercise behind that name reaches the learner's work only
through a :class:`~autograder.checking.exercise.Learner`, which freezes every value the
learner produces into plain data. In a student's own JupyterLab the same process then
compares those answers with what torch does and prints a teaching message. When grading,
learner code runs in a sandbox that only records answers; a trusted process that never runs
learner code replays each exercise against them, computes torch's side itself, and decides.

The tree shows the two sides:

* :mod:`autograder.checking` **the learner side**: everything a student's kernel imports
  (``check()``, the freezing of answers, the comparisons, the chapters' exercises), and nothing else.
* :mod:`autograder.grading` **the grader side**, which only the grader runs: the sandbox and its
  warm workers, the trusted judge, nbgrader's preprocessors (one per module), the batch command
  ``autograder grade``, and the chapter-09 reference engine.
* :mod:`autograder.tools` the course's own tools: the grading benchmark, the demo class, refreshing
  stored outputs, building submissions for tests.
"""
from typing import Any

__all__ = ["check", "CheckFailure"]


def __getattr__(name: str) -> Any:
    """``check`` and ``CheckFailure`` are imported on first use (they import torch), so the grading
    command can start its sandboxed workers before it pays for torch itself."""
    if name == "check":
        from .checking.exercise import check as value
    elif name == "CheckFailure":
        from .checking.checks import CheckFailure as value
    else:
        raise AttributeError(f"module 'autograder' has no attribute {name!r}")
    globals()[name] = value
    return value
