"""The attack and fault catalogue, graded by the real engine: one `autograder grade` batch over every case.

Each case (catalogue.py) is a student; two honest victims are graded in the same batch.
The batch must finish, give every submission a row, give each attack its expected
outcome, and leave the victims, the gradebook and the host untouched.
"""
from __future__ import annotations

import copy
import csv
import os
import re
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.grading import sandbox
from autograder.grading.course import course_secret
from autograder.tools import submissions as S
from conftest import REPO, copy_of, require, run, solution_path

CH = "01_creating_tensors"
CAT = runpy.run_path(str(Path(__file__).with_name("catalogue.py")))
CASES, VICTIMS = CAT["CASES"], CAT["VICTIMS"]
CHAPTERS = sorted({CH} | {case.get("chapter", CH) for case in CASES.values()})
FORGE_CHECKS = Path(__file__).with_name("forge_checks.py").read_text().split('"""', 2)[2]


def _stubs(src: str) -> str:
    """An answer cell's names, each defined as nothing: functions that return None, variables that are None."""
    names = re.findall(r"^def (\w+)\(", src, re.M)
    values = re.findall(r"^(\w+)\s*=", src, re.M)
    return "\n".join([f"def {n}(*a, **k):\n    return None" for n in names] + [f"{v} = None" for v in dict.fromkeys(values)]) or "pass"


def _link(folder: Path, name: str, how: str) -> None:
    """A link, fifo or hard link placed in a submitted folder: ``symlink:TARGET``, ``hardlink:TARGET`` or ``fifo``."""
    kind, _, target = how.partition(":")
    if kind == "symlink":
        (folder / name).symlink_to(target)
    elif kind == "hardlink":
        os.link(target, folder / name)
    else:
        os.mkfifo(folder / name)
# 5 s per cell: chapter 07's first y.backward(v) in a process imports sympy (torch's symbolic shapes), ~2 s on an idle
# core, so a tighter timeout would flag honest cells on a loaded machine (catalogue.py names this timeout in a flag)
FAST_LIMITS = "\nc.SandboxedExecute.timeout = 5\nc.SandboxedExecute.notebook_budget = 25\n"


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
def graded(tmp_path_factory, released):
    require(sandbox.bwrap_path() is not None, "bubblewrap")
    course = copy_of(released(), tmp_path_factory.mktemp("attacks"))  # every chapter released (conftest.released)
    (course / "nbgrader_config.py").write_text((REPO / "course" / "nbgrader_config.py").read_text() + FAST_LIMITS)
    course_secret(course)  # the attacks link to it
    chapters = {}
    for ch in CHAPTERS:
        release = S.read(REPO / "notebooks" / ch / f"{ch}.ipynb")
        points = {c.metadata.nbgrader["grade_id"].split("_")[0]: float(c.metadata.nbgrader["points"])
                  for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")}
        chapters[ch] = {"release": release, "perfect": S.solution_answers(S.read(solution_path(ch))),
                        "points": points, "tests": S.graded_ids(release)}
    sub = course / "submitted"
    for name, case in CASES.items():
        ch = case.get("chapter", CH)
        release, perfect = chapters[ch]["release"], chapters[ch]["perfect"]
        path = sub / name / ch / f"{ch}.ipynb"
        if case.get("edit") == "corrupt":
            path.parent.mkdir(parents=True)
            path.write_text('{"cells": [ this is not json')
            continue
        answers = {} if case.get("blank") else {g: _stubs(src) for g, src in perfect.items()} if case.get("stubs") else dict(perfect)
        for gid, src in case.get("answers", {}).items():
            answers[gid] = src.format(perfect=perfect[gid], course=course, forge_checks=FORGE_CHECKS, stub=answers[gid])
        nb = S.fill(release, answers)
        S.write(_edit(nb, case["edit"]) if case.get("edit") else nb, path)
        for link, how in case.get("links", {}).items():
            _link(path.parent, link, how.format(course=course))
    S.write(S.fill(chapters[CH]["release"], chapters[CH]["perfect"]), sub / "victim-perfect" / CH / f"{CH}.ipynb")
    S.write(chapters[CH]["release"], sub / "victim-blank" / CH / f"{CH}.ipynb")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sid in list(CASES) + list(VICTIMS):
            gb.update_or_create_student(sid)
    start = time.monotonic()
    proc = subprocess.run([str(Path(sys.executable).parent / "autograder"), "grade", *CHAPTERS, "--course", str(course),
                           "--jobs", "2"], cwd=course, capture_output=True, text=True, timeout=1200)
    with open(course / "grades.csv") as f:
        rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}
    return {"course": course, "rows": rows, "chapters": chapters, "proc": proc, "seconds": time.monotonic() - start,
            "points": chapters[CH]["points"], "tests": chapters[CH]["tests"]}


def row_of(graded: dict, name: str) -> dict:
    return graded["rows"][(name, CASES[name].get("chapter", CH) if name in CASES else CH)]


def test_every_submission_got_a_row(graded):
    # some cases end in error (the corrupt notebook): the batch still finishes, and says so
    assert graded["proc"].returncode == 1, graded["proc"].stderr[-3000:]
    assert any(case["expect"]["status"] == "error" for case in CASES.values())
    assert set(graded["rows"]) == {(n, c.get("chapter", CH)) for n, c in CASES.items()} | {(v, CH) for v in VICTIMS}
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
    case, row = CASES[name], row_of(graded, name)
    points, tests = graded["chapters"][case.get("chapter", CH)]["points"], graded["chapters"][case.get("chapter", CH)]["tests"]
    expect, ran = {**case["expect"], **({} if LIMITED else case.get("unlimited", {}))}, case.get("edit") != "corrupt"
    assert float(row["max_score"]) == sum(points.values()), row
    assert float(row["score"]) == expected_score(expect, points), f"{name}: {row}"
    assert row["status"] == expected_status(expect["status"], ran), f"{name}: {row}"
    assert row_flags(row) == sorted(expected_flags(expect, tests) + (HOST_FLAGS if ran else [])), f"{name}: {row}"


def test_victims_and_gradebook_untouched(graded):
    points = graded["points"]
    for sid, expect in VICTIMS.items():
        row = row_of(graded, sid)
        assert float(row["score"]) == expected_score(expect, points), row
        assert row["status"] == expected_status("graded") and row_flags(row) == HOST_FLAGS, row
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
        after = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}
    assert after == before
    results = sorted((course / ".autograder" / "results" / CH).glob("*/*.json"))
    stamps = [p.stat().st_mtime_ns for p in results]
    again = subprocess.run([autograder, "grade", CH, "--course", str(course), "--jobs", "1"], cwd=course,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 1, again.stderr[-3000:]  # nothing regraded, and the class still has its errors
    assert "graded" not in again.stderr, again.stderr[-3000:]  # no "graded N notebooks": every one was skipped
    in_ch01 = [n for n, c in CASES.items() if c.get("chapter", CH) == CH]
    assert [p.stat().st_mtime_ns for p in results] == stamps and len(results) == len(in_ch01) + len(VICTIMS)
    with open(course / "grades.csv") as f:
        assert {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)} == before


def test_nothing_a_submission_links_to_leaves_it(graded):
    """Links, hard links and fifos in a submitted folder were dropped before nbgrader copied it, and flagged."""
    course = graded["course"]
    name = next(n for n, c in CASES.items() if c.get("links"))
    secret = (course / ".autograder-secret").read_bytes()
    run(["nbgrader", "generate_feedback", CH, "--student", name, "--force", "--log-level=WARN"], cwd=course)
    for where in ("submitted", "autograded", "feedback"):
        folder = course / where / name / CH
        for path in folder.rglob("*"):
            assert path.is_file() and not path.is_symlink() and path.name not in CASES[name]["links"], path
            assert secret not in path.read_bytes(), path
