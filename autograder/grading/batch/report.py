"""``<course>/grades.csv``: one row per student and assignment, from the per-notebook results."""
from __future__ import annotations

import csv
import os
from pathlib import Path

from .. import results
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


def write_csv(course: Path, rows: dict[tuple[str, str], dict]) -> None:
    path = course / "grades.csv"
    old = {}
    if path.exists():  # keep rows of assignments/students this run did not touch
        with open(path, newline="") as f:
            old = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}
    old.update(rows)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for key in sorted(old):
            w.writerow(old[key])
    os.replace(tmp, path)
