"""``autograder grade``: grade a class in parallel with the engine, through nbgrader's own Autograde converter.

The stages, one module each:

* :mod:`.plan`     which submissions to grade (``--force``, ``--student``), and which are done already;
* ``prefetch``     every submission starts in the warm sandboxed workers at once (``--jobs`` at a time);
* :mod:`.one`      this process, the only one that touches the gradebook, sanitizes, judges and saves
  them one by one as they come back, under a lock per student and assignment;
* :mod:`.report`   one row per student and assignment in ``<course>/grades.csv``, written as each is saved.

A killed batch rerun finishes the rest, and two runs never corrupt each other.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def grade(course: Path, assignments: list[str], students: list[str] | None, jobs: int, force: bool) -> int:
    from ..worker import Pool
    os.environ.setdefault("AUTOGRADER_WORKDIR", str(course / ".autograder" / "workers"))
    early = Pool(jobs, Path(os.environ["AUTOGRADER_WORKDIR"]))  # the workers import torch while we import nbgrader
    try:
        return _grade(course, assignments, students, jobs, force, early)
    finally:
        early.close()


def _grade(course: Path, assignments: list[str], students: list[str] | None, jobs: int, force: bool, early) -> int:
    import warnings
    from tqdm import tqdm

    from .. import prefetch as F
    from ..speedups import fast_gradebook_commits, shared_gradebook_engines
    from .one import Converter
    from .plan import UnknownAssignment, make_plan
    from .report import row_for, write_csv

    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy chatter from nbgrader's api
    t0 = time.monotonic()
    fast_gradebook_commits()
    shared_gradebook_engines()
    try:
        plan = make_plan(course, assignments, students, force)
    except UnknownAssignment as exc:
        print(f"autograder: unknown assignment {exc} (run nbgrader generate_assignment first)", file=sys.stderr)
        return 2
    if not plan.work:
        print("autograder: no submissions found", file=sys.stderr)
        return 0
    F._POOL.setdefault("pool", early)
    conv = Converter(course, plan)
    if plan.todo:
        conv.start_all(F.pool(jobs))
    rows = {(s, a): row_for(course, a, s, plan.notebooks[a]) for a, s in plan.work if (a, s) not in plan.todo}
    for a, s in tqdm(plan.todo, desc="grading", unit="nb", file=sys.stderr, disable=None):
        conv.grade_one(a, s, force)
        rows[(s, a)] = row_for(course, a, s, plan.notebooks[a])
        write_csv(course, rows)
    write_csv(course, rows)
    n = sum(len(plan.notebooks[a]) for a, _ in plan.todo)
    if n:
        print(f"autograder: graded {n} notebooks in {time.monotonic() - t0:.1f} s with {jobs} workers; "
              f"grades in {course / 'grades.csv'}", file=sys.stderr)
    missing = [k for k in ((s, a) for a, s in plan.work) if k not in rows]
    return 0 if not missing else 1
