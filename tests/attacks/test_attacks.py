"""The attack and fault catalogue, graded by the real engine: one `autograder grade` batch over every case.

Each case (catalogue.py) is a student; two honest victims are graded in the same batch.
The batch must finish, give every submission a row, give each attack its expected
outcome, and leave the victims, the gradebook and the host untouched.
"""
from __future__ import annotations

import copy
import csv
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.grading import sandbox
from autograder.tools import submissions as S
from conftest import REPO, require, run, solution_path

CH = "01_creating_tensors"
CAT = runpy.run_path(str(Path(__file__).with_name("catalogue.py")))
CASES, VICTIMS = CAT["CASES"], CAT["VICTIMS"]
FAST_LIMITS = "\nc.SandboxedExecute.timeout = 3\nc.SandboxedExecute.notebook_budget = 25\n"


def _edit(nb, how: str):
    nb = copy.deepcopy(nb)
    idx = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "ex1_make_grid_test")
    cell = nb.cells[idx]
    if how == "test_cell_to_pass":
        cell.source = "pass"
    elif how == "delete_test":
        del nb.cells[idx]
    elif how == "rename_test":
        cell.metadata.nbgrader["grade_id"] = cell.id = "ex1_renamed_test"
    elif how == "duplicate_test":
        nb.cells.insert(idx + 1, copy.deepcopy(cell))
    elif how == "retype_test":
        nb.cells[idx] = type(cell)(cell_type="markdown", id=cell.id, metadata=cell.metadata, source=cell.source)
    return nb


# What this host's sandbox cannot enforce is on every row that ran (a corrupt notebook never runs).
LIMITED = sandbox.process_limit_available()
HOST_FLAGS = [] if LIMITED else [sandbox.NO_PROCESS_LIMIT_FLAG]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    require(sandbox.bwrap_path() is not None, "bubblewrap")
    root = tmp_path_factory.mktemp("attacks")
    (root / "course").mkdir()
    import shutil
    shutil.copytree(REPO / "solutions", root / "solutions")
    course = root / "course"
    (course / "nbgrader_config.py").write_text((REPO / "course" / "nbgrader_config.py").read_text() + FAST_LIMITS)
    run(["nbgrader", "generate_assignment", CH, "--force", "--log-level=WARN"], cwd=course)
    release = S.read(REPO / "notebooks" / CH / f"{CH}.ipynb")
    perfect = S.solution_answers(S.read(solution_path(CH)))
    points = {c.metadata.nbgrader["grade_id"].split("_")[0]: float(c.metadata.nbgrader["points"])
              for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")}
    sub = course / "submitted"
    for name, case in CASES.items():
        path = sub / name / CH / f"{CH}.ipynb"
        if case.get("edit") == "corrupt":
            path.parent.mkdir(parents=True)
            path.write_text('{"cells": [ this is not json')
            continue
        answers = {} if case.get("blank") else dict(perfect)
        for gid, src in case.get("answers", {}).items():
            answers[gid] = src.format(perfect=perfect[gid], course=course)
        nb = S.fill(release, answers)
        S.write(_edit(nb, case["edit"]) if case.get("edit") else nb, path)
    S.write(S.fill(release, perfect), sub / "victim-perfect" / CH / f"{CH}.ipynb")
    S.write(release, sub / "victim-blank" / CH / f"{CH}.ipynb")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sid in list(CASES) + list(VICTIMS):
            gb.update_or_create_student(sid)
    start = time.monotonic()
    proc = subprocess.run([str(Path(sys.executable).parent / "autograder"), "grade", CH, "--course", str(course),
                           "--jobs", "2"], cwd=course, capture_output=True, text=True, timeout=900)
    with open(course / "grades.csv") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    return {"course": course, "rows": rows, "points": points, "tests": S.graded_ids(release), "proc": proc,
            "seconds": time.monotonic() - start}


def test_every_submission_got_a_row(graded):
    # some cases end in error (the corrupt notebook, os._exit...): the batch still finishes, and says so
    assert graded["proc"].returncode == 1, graded["proc"].stderr[-3000:]
    assert any(case["expect"]["status"] == "error" for case in CASES.values())
    assert set(graded["rows"]) == set(CASES) | set(VICTIMS)
    assert len(CASES) >= 25


def expected_score(expect: dict, points: dict[str, float]) -> float:
    """The score a case must get, from the chapter's points: never a number typed into the catalogue."""
    assert ("lost" in expect) != ("kept" in expect), "say which exercises score: lost=[...] or kept=[...]"
    unknown = set(expect.get("lost", expect.get("kept"))) - set(points)
    assert not unknown, f"no such exercises: {unknown}"
    if "lost" in expect:
        return sum(p for e, p in points.items() if e not in expect["lost"])
    return sum(points[e] for e in expect["kept"])


def expected_flags(expect: dict, tests: list[str]) -> list[str]:
    """Every flag the row must carry, whole entries; ``{each_test}`` is one entry per grade cell."""
    out = []
    for f in expect["flags"]:
        out += [f.format(each_test=t) for t in tests] if "{each_test}" in f else [f]
    return sorted(out)


def row_flags(row: dict) -> list[str]:
    return sorted(row["flags"].split(";")) if row["flags"] else []


def expected_status(status: str, ran: bool = True) -> str:
    assert status in ("graded", "flagged", "error")
    return "flagged" if status == "graded" and ran and HOST_FLAGS else status


@pytest.mark.parametrize("name", sorted(CASES))
def test_attack_outcome(graded, name):
    case, row, points = CASES[name], graded["rows"][name], graded["points"]
    expect, ran = {**case["expect"], **({} if LIMITED else case.get("unlimited", {}))}, case.get("edit") != "corrupt"
    assert float(row["max_score"]) == sum(points.values()), row
    assert float(row["score"]) == expected_score(expect, points), f"{name}: {row}"
    assert row["status"] == expected_status(expect["status"], ran), f"{name}: {row}"
    assert row_flags(row) == sorted(expected_flags(expect, graded["tests"]) + (HOST_FLAGS if ran else [])), f"{name}: {row}"


def test_victims_and_gradebook_untouched(graded):
    rows, points = graded["rows"], graded["points"]
    for sid, expect in VICTIMS.items():
        assert float(rows[sid]["score"]) == expected_score(expect, points), rows[sid]
        assert rows[sid]["status"] == expected_status("graded") and row_flags(rows[sid]) == HOST_FLAGS, rows[sid]
    with Gradebook(f"sqlite:///{graded['course'] / 'gradebook.db'}") as gb:
        for sid in VICTIMS:
            sub = gb.find_submission_notebook(CH, CH, sid)
            assert all(g.manual_score is None for g in sub.grades)


def test_no_process_outlives_its_notebook_and_nothing_escaped(graded):
    time.sleep(1)
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert "attack-daemon-marker" not in ps and "fork-bomb-marker" not in ps
    course = graded["course"]
    for p in [course / "pwned-by-daemon", course / "evil.txt", course.parent / "evil.txt",
              course.parent / "solutions" / "evil.txt", Path("/usr/evil.txt"), Path("/etc/evil.txt")]:
        assert not p.exists(), p
    assert "autograder.grading.worker" not in ps or str(course) not in ps


def test_outputs_capped_in_bytes_and_hidden_tests_not_in_feedback(graded):
    course = graded["course"]
    nb = course / "autograded" / "huge_single_line_output" / CH / f"{CH}.ipynb"
    assert nb.stat().st_size < 5 * 1024 * 1024
    run(["nbgrader", "generate_feedback", CH, "--student", "victim-perfect", "--force", "--log-level=WARN"], cwd=course)
    html = (course / "feedback" / "victim-perfect" / CH / f"{CH}.html").read_text()
    assert "ch01.make_grid (hidden tests): correct" in html  # test names and verdicts are shown
    assert "hidden=True" not in html and "BEGIN HIDDEN TESTS" not in html  # the hidden tests' code is not


def test_regrade_is_idempotent_and_a_second_run_skips(graded):
    course, before = graded["course"], graded["rows"]
    autograder = str(Path(sys.executable).parent / "autograder")
    run([autograder, "grade", CH, "--course", str(course),
         "--student", "victim-perfect", "--student", "blank", "--force", "--jobs", "1"], cwd=course)
    with open(course / "grades.csv") as f:
        after = {r["student_id"]: r for r in csv.DictReader(f)}
    assert after == before
    results = sorted((course / ".autograder" / "results" / CH).glob("*/*.json"))
    stamps = [p.stat().st_mtime_ns for p in results]
    again = subprocess.run([autograder, "grade", CH, "--course", str(course), "--jobs", "1"], cwd=course,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 1, again.stderr[-3000:]  # nothing regraded, and the class still has its errors
    assert "graded" not in again.stderr, again.stderr[-3000:]  # no "graded N notebooks": every one was skipped
    assert [p.stat().st_mtime_ns for p in results] == stamps and len(results) == len(CASES) + len(VICTIMS)
    with open(course / "grades.csv") as f:
        assert {r["student_id"]: r for r in csv.DictReader(f)} == before
