"""``autograder grade [ASSIGNMENT ...] [--course DIR] [--student ID ...] [--jobs N] [--force]``

Grades a class in parallel with the engine, through nbgrader's own Autograde converter:
the warm sandboxed workers run every submission ahead (``--jobs`` at a time) while this
process, the only one that touches the gradebook, sanitizes, judges and saves them one by
one as they come back. Each submission is saved as soon as it is graded (gradebook, a
result file, and ``<course>/grades.csv``), under a lock per student and assignment, so a
killed batch rerun finishes the rest and two runs never corrupt each other. Exit 0 when
every submission got a row.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import fcntl
import glob
import json
import logging
import os
import sys
from pathlib import Path
from typing import Iterator

from tqdm import tqdm

STATUS_HUMAN = ("suspicious", "untrusted", "missing", "retyped", "duplicate", "unknown", "memory", "cell-timeout", "forged")


def load_config(course: Path):
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


@contextlib.contextmanager
def student_lock(course: Path, assignment: str, student: str) -> Iterator[None]:
    path = course / ".locks" / assignment / f"{student}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def row_for(course: Path, assignment: str, student: str, notebooks: list[str]) -> dict:
    from ..preprocessors import result_path
    score = max_score = 0.0
    flags: list[str] = []
    status = "graded"
    for nb in notebooks:
        path = result_path(course, assignment, student, nb)
        try:
            res = json.loads(path.read_text())
        except (OSError, ValueError):
            return {"student_id": student, "assignment": assignment, "score": 0, "max_score": "",
                    "status": "error", "flags": f"error: {nb} was not graded"}
        score += float(res.get("score") or 0)
        max_score += float(res.get("max_score") or 0)
        flags += res.get("flags") or []
        if res.get("reason"):
            status = "error"
            flags.append(f"error: {res['reason']}")
    if status != "error" and any(f.startswith(STATUS_HUMAN) or f == "corrupt-notebook" for f in flags):
        status = "error" if "corrupt-notebook" in flags else "flagged"
    return {"student_id": student, "assignment": assignment, "score": round(score, 4), "max_score": round(max_score, 4),
            "status": status, "flags": ";".join(sorted(set(flags)))}


def write_csv(course: Path, rows: dict[tuple[str, str], dict]) -> None:
    path = course / "grades.csv"
    old = {}
    if path.exists():  # keep rows of assignments/students this run did not touch
        with open(path, newline="") as f:
            old = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}
    old.update(rows)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["student_id", "assignment", "score", "max_score", "status", "flags"])
        w.writeheader()
        for key in sorted(old):
            w.writerow(old[key])
    os.replace(tmp, path)


def _done(course: Path, assignment: str, student: str, notebooks: list[str]) -> bool:
    from ..preprocessors import result_path
    return all(result_path(course, assignment, student, nb).exists() for nb in notebooks)


def grade(course: Path, assignments: list[str], students: list[str] | None, jobs: int, force: bool) -> int:
    from ..worker import Pool
    os.environ.setdefault("AUTOGRADER_WORKDIR", str(course / ".autograder" / "workers"))
    early = Pool(jobs, Path(os.environ["AUTOGRADER_WORKDIR"]))  # the workers import torch while we import nbgrader
    try:
        return _grade(course, assignments, students, jobs, force, early)
    finally:
        early.close()


def _grade(course: Path, assignments: list[str], students: list[str] | None, jobs: int, force: bool, early) -> int:
    from nbgrader.api import Gradebook
    from nbconvert.writers import FilesWriter
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    from .. import preprocessors as P

    import time
    import warnings
    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy chatter from nbgrader's api
    t0 = time.monotonic()
    cfg = load_config(course)
    from .. import preprocessors as P
    from ..speedups import shared_gradebook_engines
    P.fast_gradebook_commits()
    shared_gradebook_engines()
    cfg.CourseDirectory.root = str(course)
    coursedir = CourseDirectory(config=cfg)
    with Gradebook(coursedir.db_url) as gb:
        known = {a.name: [nb.name for nb in a.notebooks] for a in gb.assignments}
        maxima = {(a.name, nb.name): float(nb.max_score) for a in gb.assignments for nb in a.notebooks}
    assignments = assignments or sorted(known)
    work = []
    for a in assignments:
        if a not in known:
            print(f"autograder: unknown assignment {a!r} (run nbgrader generate_assignment first)", file=sys.stderr)
            return 2
        for folder in sorted(glob.glob(coursedir.format_path(coursedir.submitted_directory, "*", a))):
            sid = Path(folder).parent.name
            if students is None or sid in students:
                work.append((a, sid))
    if not work:
        print("autograder: no submissions found", file=sys.stderr)
        return 0
    todo = [(a, s) for a, s in work if force or not _done(course, a, s, known[a])]
    exec_cfg = P.SandboxedExecute(config=cfg)
    P._POOL.setdefault("pool", early)
    pool = P.pool(jobs) if todo else None
    secret = P.course_secret(course)
    for a, s in todo:  # every submission starts in the sandboxes now; the judge takes them in order
        for nb in known[a]:
            P.prefetch(coursedir, cfg, a, s, nb, secret, exec_cfg.limits(), pool)
    logging.getLogger("Autograde").setLevel(logging.ERROR)
    rows = {(s, a): row_for(course, a, s, known[a]) for a, s in work if (a, s) not in todo}
    ag = Autograde(coursedir=CourseDirectory(config=cfg), config=cfg)  # one converter for the batch, as nbgrader does
    ag.log.setLevel(logging.DEBUG if os.environ.get("AUTOGRADER_DEBUG") else logging.CRITICAL)
    ag.force = True
    ag.writer = FilesWriter(parent=ag, config=ag.config)
    ag.exporter = ag.exporter_class(parent=ag, config=ag.config)
    for a, s in tqdm(todo, desc="grading", unit="nb", file=sys.stderr, disable=None):
        with student_lock(course, a, s):
            if not force and _done(course, a, s, known[a]):
                rows[(s, a)] = row_for(course, a, s, known[a])
                continue
            for nb in known[a]:
                P.result_path(course, a, s, nb).unlink(missing_ok=True)
            t_nb = time.monotonic()
            ag.coursedir.assignment_id, ag.coursedir.student_id = a, s
            try:
                ag.init_notebooks()
                ag.convert_notebooks()
            except Exception as exc:  # noqa: BLE001  nbgrader already removed the failed folder whole; say why, keep going
                if os.environ.get("AUTOGRADER_DEBUG"):
                    import traceback
                    traceback.print_exc()
                _record_failure(course, a, s, known[a], exc, maxima)
            _add_timing(course, a, s, known[a], time.monotonic() - t_nb)
        rows[(s, a)] = row_for(course, a, s, known[a])
        write_csv(course, rows)
    write_csv(course, rows)
    n = sum(len(known[a]) for a, _ in todo)
    if n:
        print(f"autograder: graded {n} notebooks in {time.monotonic() - t0:.1f} s with {jobs} workers; "
              f"grades in {course / 'grades.csv'}", file=sys.stderr)
    missing = [k for k in ((s, a) for a, s in work) if k not in rows]
    return 0 if not missing else 1


def _add_timing(course: Path, a: str, s: str, notebooks: list[str], seconds: float) -> None:
    """This process's share of a submission's time (sanitize, judge, save), beside the sandbox's."""
    from .. import preprocessors as P
    for nb in notebooks:
        path = P.result_path(course, a, s, nb)
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        data["judge_seconds"] = round(seconds / len(notebooks), 3)
        P.write_result(course, a, s, nb, data)


def _record_failure(course: Path, a: str, s: str, notebooks: list[str], exc: Exception, maxima: dict) -> None:
    from .. import preprocessors as P
    import nbformat
    for nb in notebooks:
        if not P.result_path(course, a, s, nb).exists():
            try:
                nbformat.read(str(course / "submitted" / s / a / f"{nb}.ipynb"), as_version=4)
                flags, why = [], f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            except Exception as bad:  # noqa: BLE001
                flags, why = ["corrupt-notebook"], f"the notebook is unreadable ({type(bad).__name__})"
            reason = f"could not grade {nb}: {why}"
            P.write_result(course, a, s, nb, {"score": 0, "max_score": maxima.get((a, nb), 0), "flags": flags, "reason": reason})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade a class with the sandboxed engine.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="autograde submissions in parallel, write the gradebook and grades.csv")
    g.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    g.add_argument("--course", default="course", type=Path)
    g.add_argument("--student", action="append", dest="students", metavar="ID")
    g.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    g.add_argument("--force", action="store_true", help="regrade submissions that already have a result")
    args = parser.parse_args(argv)
    from ..speedups import skip_iri_grammar
    skip_iri_grammar()
    course = args.course.resolve()
    here = os.getcwd()
    os.chdir(course)  # nbgrader resolves its folders from the course root
    try:
        return grade(course, args.assignments, args.students, max(1, args.jobs), args.force)
    finally:
        os.chdir(here)


if __name__ == "__main__":
    raise SystemExit(main())
