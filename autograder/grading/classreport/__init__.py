"""``autograder report``: what the class got wrong, per exercise, for the instructor.

Run after ``autograder grade`` or a plain ``nbgrader autograde`` with the course config (both run the
same preprocessors, so both save the judge's verdict for every check of every submission). For each
assignment it writes, from those saved verdicts only:

* ``<course>/reports/<assignment>.csv``: one row per grade cell, in notebook order, with the columns
  ``exercise,max_points,students,full,partial,zero,mean_points,top_failure,top_failure_count``.
  ``students`` counts the submissions the judge scored on that cell (``full + partial + zero``);
  ``top_failure`` is the most common way those that lost points failed, as ``label: message template``
  (each placeholder filled where every failure of the group gave it the same value, else ``…``);
  ties go to the failure whose check, template and hint sort first.
* ``<course>/reports/<assignment>.html``: the page (:mod:`.page`).

Failures are grouped by the check, its message template and its hint, never by the values in the
message; the label shown is the group's most common. A regrade replaces a submission's result file,
so it never counts twice. The same results give the same bytes.
"""
from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path

from .gather import Assignment, NothingToReport, assignment_names, gather

COLUMNS = ["exercise", "max_points", "students", "full", "partial", "zero", "mean_points", "top_failure",
           "top_failure_count"]


def csv_text(a: Assignment) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for e in a.exercises:
        top = e.failures()[0] if e.groups else None
        w.writerow([e.name, f"{e.max_points:g}", e.students, e.full, e.partial, e.zero,
                    "" if e.mean is None else f"{e.mean:.2f}", top.title() if top else "", top.count if top else 0])
    return buf.getvalue()


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write(course: Path, a: Assignment) -> tuple[Path, Path]:
    from .page import render
    out = course / "reports"
    out.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = out / f"{a.name}.csv", out / f"{a.name}.html"
    _write(csv_path, csv_text(a))
    _write(html_path, render(a, csv_path.name))
    return csv_path, html_path


def report(course: Path, assignments: list[str]) -> int:
    """Write the report of each assignment; 1 when any had nothing to report (it says why), else 0."""
    from nbgrader.coursedir import CourseDirectory

    from ..batch.plan import load_config
    cfg = load_config(course)
    cfg.CourseDirectory.root = str(course)
    coursedir = CourseDirectory(config=cfg)
    names = assignments or assignment_names(course, coursedir)
    if not names:
        print(f"autograder report: nothing to report in {course}: no submissions and no results "
              f"(collect and grade an assignment first)", file=sys.stderr)
        return 1
    failed = 0
    for name in names:
        try:
            a = gather(course, coursedir, name)
        except NothingToReport as why:
            print(f"autograder report: {why}", file=sys.stderr)
            failed += 1
            continue
        csv_path, html_path = write(course, a)
        waiting = len(a.submissions) - len(a.graded)
        note = f"; {waiting} not graded yet (listed in the page)" if waiting else ""
        print(f"autograder report: {name}: {len(a.graded)} graded submissions{note}: wrote {csv_path} and {html_path}")
    return 1 if failed else 0
