"""``autograder grade``: grade a class in parallel with the engine, through nbgrader's own Autograde converter.

The stages, one module each:

* :mod:`.plan`     which submissions to grade (``--force``, ``--student``), and which are done already;
* ``prefetch``     every submission starts in the warm sandboxed workers at once (``--jobs`` at a time);
* :mod:`.one`      this process, the only one that touches the gradebook, sanitizes, judges and saves
  them one by one as they come back, under a lock per student and assignment;
* :mod:`.report`   one row per student and assignment in ``<course>/grades.csv``, written as each is saved.

A killed batch rerun finishes the rest, and two runs never corrupt each other: each has its own
workers' folder, a submission is graded under its lock, and ``grades.csv`` is rewritten under the
course's lock. The exit status is in :data:`EXIT_CODES` (and ``autograder grade --help``).
"""
from __future__ import annotations

import gc
import os
import shutil
import sys
import time
from pathlib import Path


EXIT_CODES = """exit status:
  0  every submission asked for is graded or flagged (a flagged one waits for a human in Formgrader)
  1  at least one submission ended in error (its row in grades.csv says why)
  2  usage error: unknown assignment or student, bad options, no course folder; nothing was graded"""


class UsageError(Exception):
    """The command asks for something that is not there; nothing is graded (exit status 2)."""


def grade(course: Path, assignments: list[str], students: list[str] | None, jobs: int, force: bool) -> int:
    """Grade, write grades.csv, and return the exit status (see :data:`EXIT_CODES`)."""
    from ..worker import Pool
    # one folder per run: two overlapping runs must never share (and wipe) each other's working copies
    workers = Path(os.environ.get("AUTOGRADER_WORKDIR") or course / ".autograder" / "workers")
    for stale in workers.glob("run-*"):  # left by runs that were killed (their pid is gone)
        if not Path(f"/proc/{stale.name[4:]}").exists():
            shutil.rmtree(stale, ignore_errors=True)
    workdir = workers / f"run-{os.getpid()}"
    # torch, nbgrader and SQLAlchemy (~250k objects, all kept) load without a collection walking them, and are
    # frozen once loaded: measured, the collector's full passes over them cost ~0.6 s of CPU for 40 notebooks
    collecting = gc.isenabled()
    gc.disable()
    early = Pool(jobs, workdir)  # the workers import torch while we import nbgrader
    try:
        return _grade(course, assignments, students, jobs, force, early)
    finally:
        early.close()
        gc.unfreeze()
        if collecting:
            gc.enable()


def _grade(course: Path, assignments: list[str], students: list[str] | None, jobs: int, force: bool, early) -> int:
    from tqdm import tqdm

    from .. import prefetch as F
    from ..speedups import fast_gradebook_commits, shared_gradebook_engines
    from .one import Converter
    from .plan import make_plan
    from .report import write_csv

    gc.freeze()  # see grade(): what is loaded now stays, and no collection walks it again
    gc.enable()
    t0 = time.monotonic()
    fast_gradebook_commits()
    shared_gradebook_engines()
    plan = make_plan(course, assignments, students, force)
    if not plan.work:
        print("autograder: no submissions found", file=sys.stderr)
        return 0
    F._POOL.setdefault("pool", early)
    conv = Converter(course, plan)
    if plan.todo:
        conv.start_all(F.pool(jobs))
    # grades.csv is rewritten under the course's lock from the result files as they are then: a row this
    # run saw is never written over a newer one that an overlapping run wrote meanwhile
    status = {(s, a): r["status"] for (s, a), r in write_csv(course, [k for k in plan.work if k not in plan.todo],
                                                             plan.notebooks).items()}
    for a, s in tqdm(plan.todo, desc="grading", unit="nb", file=sys.stderr, disable=None):
        status[(s, a)] = conv.grade_one(a, s, force)["status"]
        write_csv(course, [(a, s)], plan.notebooks)
    n = sum(len(plan.notebooks[a]) for a, _ in plan.todo)
    if n:
        print(f"autograder: graded {n} notebooks in {time.monotonic() - t0:.1f} s with {jobs} workers; "
              f"grades in {course / 'grades.csv'}", file=sys.stderr)
    return 1 if "error" in status.values() else 0
