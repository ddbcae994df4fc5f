"""The zygote: inside the sandbox, one warm process per core that forks a learner's process per notebook.

The zygote (``python -m autograder.grading.zygote``, started by :class:`.worker.Pool` under bwrap)
imports torch, IPython and the checking library once, builds an IPython shell, seals the code that
will run in learner processes (:mod:`.seal`: the recorder, the steps, the freezing, the chapter-09
reference engine, none of it left in ``sys.modules`` for learner code), makes itself non-dumpable
(same-uid processes cannot ptrace it or read its memory) and a child subreaper, then waits for jobs
on stdin. Each job is one notebook (:mod:`.notebook`); its sealed records go back on stdout, the one
channel no learner process can write to, only after ``kill(-1)`` has emptied the sandbox and ``/tmp``
is wiped.
"""
from __future__ import annotations

import gc

gc.disable()  # torch, IPython, matplotlib load without a collection walking them: they all stay (frozen in _serve)

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from . import sandbox
from .cleanup import wipe
from .notebook import FALLBACK, Notebook

PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 4, 36


def _prctl(option: int, value: int) -> None:
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def _seal(shell: Any) -> dict:
    """The context a learner's process runs with: the sealed recorder and steps, and what it must watch."""
    import builtins
    import math

    import numpy
    import torch

    import autograder
    from ..checking import exercises
    from . import audit, execute, seal
    from .reference import engine as _  # noqa: F401  (sealed below: chapter 09's steps get the sealed copy, learner code none)
    exercises.load_all()  # every chapter's steps, sealed below
    autograder.check, autograder.CheckFailure  # noqa: B018  (resolved now: the learner's first import changes nothing)
    mods = {n: m for n, m in sys.modules.items() if m is not None and n.startswith("autograder.")
            and not n.startswith(("autograder.tools", "autograder.grading.preprocessors", "autograder.grading.batch"))}
    sealed = seal.seal(mods.values(), {("autograder.grading.execute", "CURRENT"): execute.CURRENT})
    engine = sealed["autograder.grading.reference.engine"]
    graphs = sealed.get("autograder.checking.graphs")
    if graphs is not None and "reference_engine" in vars(graphs):
        vars(graphs)["reference_engine"] = (lambda e: (lambda: e))(engine)
    package = str(Path(autograder.__file__).resolve().parent) + "/"
    return {"main": sealed["autograder.grading.recorder"].child_main, "shell": shell,
            "steps": sealed["autograder.checking.exercise"].STEPS, "package_module": autograder, "package": package,
            "course": audit.code_objects([autograder, *mods.values()]),
            "grader_dirs": (package + "grading/", package + "tools/"),
            "watch": {"torch": torch, "numpy": numpy, "math": math, "builtins": builtins}}


def _serve() -> None:
    os.environ.pop("AUTOGRADER_MODE", None)
    sandbox.seed_font_lists()
    import torch  # noqa: F401  (warm: every learner process inherits these imports)
    import numpy  # noqa: F401
    import numpy.random  # noqa: F401  (numpy loads it on first use, as chapter 01 does: once here, not per notebook)

    from . import audit, execute, recorder  # noqa: F401  (sealed below)
    shell = execute.make_shell()
    execute.warm_up(shell)
    ctx = _seal(shell)
    gc.freeze()  # the warm heap is permanent: a learner process's collections never walk (and copy) its pages
    gc.enable()
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ctl_in, ctl_out = os.fdopen(0, "rb", buffering=0), 1
    os.write(ctl_out, b'{"ready": true}\n')
    for line in ctl_in:
        job = json.loads(line)
        os.chdir(job["cwd"])
        ctx["cwd"], ctx["limits"] = job["cwd"], job["limits"]
        result = Notebook(ctx, job).run()
        for d in (() if FALLBACK else ("/tmp", "/dev/shm")):
            wipe(d, tuple(str(r) for r in sandbox.bound_roots()))
        data = (json.dumps(result) + "\n").encode()
        for i in range(0, len(data), 1 << 20):
            os.write(ctl_out, data[i:i + (1 << 20)])


if __name__ == "__main__":
    sys.exit(_serve())
