"""``<course>/grades.csv``: one row per student and assignment, from the per-notebook results."""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from ..course import result_path

STATUS_HUMAN = ("suspicious", "untrusted", "missing", "retyped", "duplicate", "unknown", "memory", "cell-timeout", "forged")


def row_for(course: Path, assignment: str, student: str, notebooks: list[str]) -> dict:
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
