"""What an instructor is told when grading itself goes wrong: through real `autograder grade` runs.

A grader bug is never a wrong answer: it is a flag that needs a human.
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.grading import sandbox
from autograder.tools import submissions as S
from conftest import REPO, VENV_BIN, run, solution_path

CH = "01_creating_tensors"
FAST = "\nc.SandboxedExecute.timeout = 10\nc.SandboxedExecute.notebook_budget = 60\n"
# In the grading process only (the sandbox never reads the course config): ch01.make_grid runs its
# checks, then crashes, as a grader bug would on a right answer.
JUDGE_BUG = """
import autograder.checking.exercise as _E
import autograder.checking.exercises.ch01_creating_tensors as _ch01


def _crashes_after_its_checks(L, R, hidden):
    _ch01.make_grid(L, R, hidden)
    raise ZeroDivisionError("a bug in the grader")


_E.REGISTRY["ch01.make_grid"] = _crashes_after_its_checks
"""


def make_class(course: Path, students: dict[str, dict[str, str] | None], extra_config: str = "") -> dict[str, float]:
    """Release chapter 01, submit each student's answers (None: the solution's), return the points per exercise."""
    (course / "nbgrader_config.py").write_text((REPO / "course" / "nbgrader_config.py").read_text() + FAST + extra_config)
    run(["nbgrader", "generate_assignment", CH, "--force", "--log-level=WARN"], cwd=course)
    release = S.read(course.parent / "notebooks" / CH / f"{CH}.ipynb")
    perfect = S.solution_answers(S.read(solution_path(CH)))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sid, answers in students.items():
            S.write(S.fill(release, {**perfect, **(answers or {})}), course / "submitted" / sid / CH / f"{CH}.ipynb")
            gb.update_or_create_student(sid)
    return {c.metadata.nbgrader["grade_id"].split("_")[0]: float(c.metadata.nbgrader["points"])
            for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")}


def grade(course: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(VENV_BIN) / "autograder"), "grade", *args, "--course", str(course), "--jobs", "1"],
                          cwd=course, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})


def rows(course: Path) -> dict[str, dict]:
    with open(course / "grades.csv", newline="") as f:
        return {r["student_id"]: r for r in csv.DictReader(f)}


def test_a_judge_crash_on_a_right_answer_goes_to_a_human(course):
    points = make_class(course, {"honest": None}, JUDGE_BUG)
    proc = grade(course, CH)
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = rows(course)["honest"]
    assert row["flags"] == "judge-crash:ex1_make_grid_test", row
    assert row["status"] == "flagged", row
    assert float(row["score"]) == sum(points.values()) - points["ex1"], row
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(CH, CH, "honest")
        assert nb.needs_manual_grade
    feedback = (course / "autograded" / "honest" / CH / f"{CH}.ipynb").read_text()
    assert "could not judge" in feedback and "a bug in the grader" not in feedback


def test_grading_without_the_sandbox_goes_to_a_human(course):
    points = make_class(course, {"honest": None})
    proc = grade(course, CH, env={"AUTOGRADER_NO_BWRAP": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = rows(course)["honest"]
    want = [sandbox.NO_SANDBOX_FLAG] + ([] if sandbox.process_limit_available() else [sandbox.NO_PROCESS_LIMIT_FLAG])
    assert row["flags"].split(";") == sorted(want), row
    assert row["status"] == "flagged" and float(row["score"]) == sum(points.values()), row
