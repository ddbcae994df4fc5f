"""``<course>/grades.csv``: one row per student and assignment, from the per-notebook results."""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Iterable

from .. import results
from ..course import locked
from ..flags import flag, status

COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "flags"]


def row_for(course: Path, assignment: str, student: str, notebooks: list[str]) -> dict:
    score = max_score = 0.0
    flags: list[str] = []
    failed = False
    for nb in notebooks:
        res = results.load(course, assignment, student, nb)
        if res is None:
            return {"student_id": student, "assignment": assignment, "score": 0, "max_score": "",
                    "status": "error", "flags": flag("error", f"{nb} was not graded")}
        score += float(res.score or 0)
        max_score += float(res.max_score or 0)
        flags += res.flags
        if res.reason:
            failed = True
            flags.append(flag("error", res.reason))
    return {"student_id": student, "assignment": assignment, "score": round(score, 4), "max_score": round(max_score, 4),
            "status": status(flags, failed), "flags": ";".join(sorted(set(flags)))}


def write_csv(course: Path, keys: Iterable[tuple[str, str]], notebooks: dict[str, list[str]]) -> dict[tuple[str, str], dict]:
    """Put the rows of ``keys`` (assignment, student), made now from their result files, into grades.csv.

    Under the course-wide lock, through a temp file of its own: rows of other students and
    assignments stay as the last writer left them. Returns the rows written, by (student, assignment)."""
    path = course / "grades.csv"
    with locked(course, "grades.csv"):
        old = {}
        if path.exists():
            with open(path, newline="") as f:
                old = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}
        new = {(s, a): row_for(course, a, s, notebooks[a]) for a, s in keys}
        old.update(new)
        fd, tmp = tempfile.mkstemp(dir=course, prefix=".grades.csv.", suffix=".tmp")
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS)
            w.writeheader()
            for key in sorted(old):
                w.writerow(old[key])
        os.replace(tmp, path)
    return new
