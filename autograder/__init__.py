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

The grading engine (``nbgrader autograde`` with course/nbgrader_config.py, or the batch
command ``autograder grade``), stage by stage:

* ``sandbox``   what the learner's code may see and use: a **bubblewrap** sandbox (uid 65534
  in its own user/pid/net/ipc namespaces, no network, read-only system and root, only its
  own working copy and a private ``/tmp``: never ``course/``, ``solutions/``, the gradebook
  or other students), a pids cgroup and RLIMIT_AS (2 GiB) / FSIZE / NOFILE limits. Without
  bwrap: rlimits and a private temp copy, and every result carries a ``no-sandbox`` flag.
* ``worker``    warm workers: one zygote per core imports torch, IPython and this package
  once, becomes non-dumpable, and forks one fresh process per notebook (one at a time);
  per-cell timeout (SIGINT, then SIGKILL) and per-notebook budget; afterwards ``kill(-1)``
  empties the sandbox's pid namespace and ``/tmp`` is wiped, so nothing outlives its
  notebook or leaks into the next. A worker that dies or hangs is killed and restarted.
* ``execute``   the cells run in IPython's InteractiveShell inside that process, in record
  mode: each test cell's ``check()`` calls only tape the learner's answers to a file of
  their own (one tape per cell); outputs are kept up to a byte budget.
* ``judge``     the trusted side. For each grade cell it takes the ``check()`` calls from the
  gradebook's copy of the instructor notebook (parsed with ast), reads that cell's tape
  defensively (anything malformed, forged or missing scores 0 with a reason) and replays
  each exercise against it with torch computing the expected side. The grade cell's source
  and outputs are rewritten from the verdict, so nbgrader's SaveAutoGrades scores what the
  judge decided and the feedback shows test names and teaching messages (the hidden tests'
  code is cleared from feedback).
* ``scan``      static scan of the learner's own cells: assignments into torch/numpy/builtins,
  IPython hooks, ctypes, gc, sys.modules, exec... send the work to a human (status flagged).
* ``preprocessors`` the nbgrader side: SandboxedExecute replaces Execute, RepairStructure
  replaces DeduplicateIds, LimitOutputBytes, Judge before SaveAutoGrades, SaveVerdict last
  (one result file per notebook, as soon as it is graded).
* ``apps.grade`` ``autograder grade``: every submission is started in the workers at once
  and nbgrader's converter takes them in order under a lock per student and assignment,
  writing the gradebook and ``grades.csv`` as it goes; a killed batch rerun finishes the
  rest, a regrade is idempotent (hidden-test seeds come from a course secret).
* ``bench``     ``make bench-grading``: plain serial nbgrader vs the engine, side by side.
* ``speedups``, ``gradebook_io`` what the grading process stops paying for again and again (one
  SQLAlchemy engine per gradebook, one query per notebook instead of per cell, one commit per
  notebook, no jsonschema ``iri`` grammars at start-up); the gradebook ends up exactly the same.
"""
from typing import Any

__all__ = ["check", "CheckFailure"]


def __getattr__(name: str) -> Any:
    """``check`` and ``CheckFailure`` are imported on first use (they import torch), so the grading
    command can start its sandboxed workers before it pays for torch itself."""
    if name == "check":
        from .exercise import check as value
    elif name == "CheckFailure":
        from .checks import CheckFailure as value
    else:
        raise AttributeError(f"module 'autograder' has no attribute {name!r}")
    globals()[name] = value
    return value
