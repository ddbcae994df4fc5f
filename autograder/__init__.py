"""autograder: grade a PyTorch course against live torch, without trusting the learner's kernel.

Design, in one paragraph: **answers out, verdicts in.** A chapter's test cell calls
``check("ch01.make_grid")``. The exercise behind that name reaches the learner's work only
through a :class:`~autograder.checking.exercise.Learner`, which freezes every value the
learner produces into plain data. In a student's own JupyterLab the same process then
compares those answers with what torch does and prints a teaching message. When grading,
the exercises run only on the trusted side; the learner's process is asked questions and
sends back frozen answers, and the trusted side computes torch's side itself and decides.

**The grading guarantee, precisely** (:mod:`autograder.grading`; each point is tested in
``tests/attacks``, most as a case of the attack catalogue):

1. *The answer key never enters the learner's process.* Before a notebook runs, the grading
   process runs each test cell's exercises in plan mode and sends the learner's process only
   their questions: which step (``_get``, ``_call``, ``_call_with_inputs`` or course code marked
   ``@step``) and its arguments, as data. No exercise, no expected value, no hidden seed is sent.
   A test cell is not executed there: its questions are answered on the learner's namespace,
   and the exercise is replayed on the trusted side on those answers; a replay that asks
   anything other than its plan is a grader error, never a verdict.
2. *An answer is what the learner's value is, or it is refused.* Only values whose type is
   exactly ``torch.Tensor``, ``torch.nn.Parameter``, ``np.ndarray`` or a built-in are read, with
   accessors captured from torch's C type and values read through DLPack (no
   ``__torch_function__``, no dispatcher, no torch mode); anything else, any subclass included,
   is recorded as "not a tensor" and fails. The code that answers runs as a sealed copy, on
   private snapshots of its modules' names, so patching ``autograder``, ``torch`` or ``numpy``
   names from learner code changes nothing it does.
3. *Answers are sealed as they are made.* Each answer leaves the learner's process the moment it
   is frozen, MAC-ed, over a socket to the zygote, which keeps it and hands it over only after
   that process and everything it started are dead. Files the learner can write are never read
   for answers; records without the seal, duplicated or out of order are flagged
   (``forged-record``) and not trusted.
4. *Tampering with the recorder is seen.* An audit hook installed before any learner code
   reports, the moment it happens, learner code taking a frame, listing the garbage collector's
   objects, using ctypes, setting trace functions, opening ``/proc`` memory or file descriptors,
   or loading grader code, and refuses all but frame access; no signal handler can be installed
   (seccomp); after every cell and after every question, the namespaces of the checking
   library, torch, numpy, math and builtins are compared with what they were (after a question,
   those whose dict changed since, by its version tag). Each finding is a
   ``tampering`` flag: the submission goes to a human.
5. *The learner's process holds no channel that moves a deadline.* The zygote sends one cell at a
   time and measures every deadline from its own send.
6. *Nothing a submission links to leaves it*: symlinks, hard links, devices and fifos in a
   submitted folder are dropped before anything copies it, and flagged (``linked-file``).
7. *Grader code earns nothing*: an import of a grader module (statement, ``importlib``,
   ``__import__``; grader modules are not in ``sys.modules`` while learner code runs), or reading
   grader code, is refused and flagged (``grader-import``), and the exercise it happened in
   scores 0.
8. *A killed cell costs only itself*: when a cell kills its process (``os._exit``, a crash, a loop
   that ignores the interrupt past its hard limit), the zygote forks a fresh process from its warm
   state, replays the cells before the killer (each must end as it first did), scores the killer 0
   with a ``killed-cell`` flag, and goes on. At most four restarts per notebook, all within its time
   budget: a notebook whose every cell kills its process still ends in time.

What it does not promise: learner code that, inside one call of a step, patches a class of torch or
numpy and undoes the patch before the call returns is not seen (each step's own course logic may
then run on the patched class); chapter 09's hybrid steps hand learner code classes built from the
reference engine, whose methods reach the engine's functions through ``__globals__`` (no audit
event exists for that in Python 3.11).

The tree shows the two sides:

* :mod:`autograder.checking` **the learner side**: everything a student's kernel imports
  (``check()``, the freezing of answers, the comparisons, the chapters' exercises), and nothing else.
* :mod:`autograder.grading` **the grader side**, which only the grader runs: the sandbox and its
  warm workers, the plans and the trusted judge, nbgrader's preprocessors (one per module), the batch
  command ``autograder grade``, and the chapter-09 reference engine.
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
