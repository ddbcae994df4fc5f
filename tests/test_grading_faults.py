"""What an instructor is told when grading itself goes wrong: through real `autograder grade` runs.

A grader bug is never a wrong answer: it is a flag that needs a human.
"""
from __future__ import annotations

import csv
import os
import runpy
import subprocess
import time
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.grading import sandbox
from autograder.tools import submissions as S
from conftest import REPO, VENV_BIN, copy_of, solution_path

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


@pytest.fixture
def course(released, tmp_path: Path) -> Path:
    """A private copy of a course that released chapter 01 (conftest.released): each test grades its own class."""
    return copy_of(released(None, [CH]), tmp_path)


def make_class(course: Path, students: dict[str, dict[str, str] | None], extra_config: str = "") -> dict[str, float]:
    """Submit each student's answers (None: the solution's) to the released chapter 01, return the points per
    exercise."""
    (course / "nbgrader_config.py").write_text((REPO / "course" / "nbgrader_config.py").read_text() + FAST + extra_config)
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
                          cwd=course.parent, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})


def host_flags() -> list[str]:
    """What this host's sandbox cannot enforce: on every row that ran."""
    return [] if sandbox.process_limit_available() else [sandbox.NO_PROCESS_LIMIT_FLAG]


def rows(course: Path) -> dict[str, dict]:
    with open(course / "grades.csv", newline="") as f:
        return {r["student_id"]: r for r in csv.DictReader(f)}


def test_a_judge_crash_on_a_right_answer_goes_to_a_human(course):
    points = make_class(course, {"honest": None}, JUDGE_BUG)
    proc = grade(course, CH)
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = rows(course)["honest"]
    assert row["flags"].split(";") == sorted(["judge-crash:ex1_make_grid_test"] + host_flags()), row
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
    want = [sandbox.NO_SANDBOX_FLAG] + host_flags()
    assert row["flags"].split(";") == sorted(want), row
    assert row["status"] == "flagged" and float(row["score"]) == sum(points.values()), row


def test_two_overlapping_runs_lose_no_row(course):
    wrong = runpy.run_path(str(REPO / "tests" / "wrong_answers" / f"{CH}.py"))["WRONG"]
    lose = {f"s{i}": gid for i, gid in enumerate(sorted(wrong)[:6], 1)}  # each student loses a different exercise
    points = make_class(course, {sid: {gid: wrong[gid].strip("\n")} for sid, gid in lose.items()})
    first, second = ["s1", "s2", "s3", "s4"], ["s3", "s4", "s5", "s6"]
    runs = []
    for students in (first, second):
        args = [a for s in students for a in ("--student", s)]
        runs.append(subprocess.Popen([str(Path(VENV_BIN) / "autograder"), "grade", CH, *args, "--force", "--jobs", "1",
                                      "--course", str(course)], cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True))
        time.sleep(1)
    for proc in runs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-3000:]
    got = rows(course)
    assert sorted(got) == sorted(lose)
    host = host_flags()
    for sid, gid in lose.items():
        want = sum(points.values()) - points[gid.split("_")[0]]
        assert (float(got[sid]["score"]), got[sid]["status"], got[sid]["flags"]) == \
            (want, "flagged" if host else "graded", ";".join(host)), got[sid]


def test_exit_status_1_when_a_submission_ends_in_error(course):
    make_class(course, {"honest": None})
    corrupt = course / "submitted" / "corrupt" / CH / f"{CH}.ipynb"
    corrupt.parent.mkdir(parents=True)
    corrupt.write_text('{"cells": [ this is not json')
    proc = grade(course, CH)
    assert proc.returncode == 1, proc.stderr[-3000:]
    got = rows(course)
    assert (got["corrupt"]["status"], got["honest"]["status"]) == ("error", "flagged" if host_flags() else "graded")


def test_usage_errors_exit_2_and_grade_nothing(course, tmp_path):
    make_class(course, {"honest": None})
    for args in (["no_such_assignment"], [CH, "--student", "nobody"], [CH, "--jobs", "0"], [CH, "--jobs", "two"],
                 [CH, "--no-such-option"]):
        proc = grade(course, *args)
        assert proc.returncode == 2, (args, proc.returncode, proc.stderr[-2000:])
        assert "usage: autograder" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    proc = grade(tmp_path / "not_a_course", CH)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert not (course / "grades.csv").exists() and not (course / "autograded").exists()


def test_the_exit_statuses_are_documented_in_help_and_readme():
    from autograder.grading.batch import EXIT_CODES
    help_text = subprocess.run([str(Path(VENV_BIN) / "autograder"), "grade", "--help"], capture_output=True, text=True)
    assert help_text.returncode == 0 and EXIT_CODES in help_text.stdout
    readme = (REPO / "README.md").read_text()
    for line in EXIT_CODES.splitlines()[1:]:
        assert line.strip() in readme, f"README.md does not document: {line.strip()}"


NBGRADER_DEPRECATION = """
import warnings
warnings.warn_explicit("Gradebook.find_notebook will be removed", DeprecationWarning, "nbgrader/api.py", 1,
                       module="nbgrader.api")
"""


def test_the_grading_command_shows_nbgrader_deprecations(course):
    # the course config runs in the grading process, so this is nbgrader's warning as the batch meets it
    make_class(course, {"honest": None}, NBGRADER_DEPRECATION)
    proc = grade(course, CH)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "DeprecationWarning: Gradebook.find_notebook will be removed" in proc.stderr, proc.stderr[-3000:]
