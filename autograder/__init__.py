"""autograder: grade a PyTorch course against live torch, without trusting the learner's kernel.

Design, in one paragraph: **answers out, verdicts in.** A chapter's test cell calls
``check("ch01.make_grid")``. The exercise behind that name (``autograder/exercises``)
reaches the learner's work only through a :class:`~autograder.exercise.Learner`, which
freezes every value the learner produces into plain data (:mod:`autograder.answers`),
using accessors captured from torch's immutable C type before learner code runs. In
JupyterLab the same process then compares those answers with what torch does
(:mod:`autograder.checks`) and prints a teaching message. When grading, learner code
runs in a sandbox that only records answers (:mod:`autograder.tape`); a trusted process
that never runs learner code replays each exercise against the tape, computes torch's
side itself, and decides. Monkeypatching torch, the checks or builtins inside the
learner's kernel can change what answers it produces, never how they are judged.

Modules, in the order a grade flows through them:

* ``answers``   freeze learner values into plain data
* ``checks``    compare answers with torch, raise teaching failures
* ``exercise``  register exercises; run them interactive, record or replay
* ``tape``      the answers' safe on-disk form (JSON + .npy, never pickle)
* ``exercises`` the chapters' exercises
"""
from .checks import CheckFailure
from .exercise import check

__all__ = ["check", "CheckFailure"]
