"""`autograder report` on a generated class with a known mix, graded through the real engine.

Two perfect, two blank, three with chapter 01's typical wrong answer to exercise 1, three with the one to
exercise 5, two whose exercise 1 is right on the visible cases only (the hidden tests, drawn per student,
catch them with different values), one who deleted a test cell (flagged) and one corrupt file (error).
Every expected number and failure is derived here from that mix; each failure's text comes from running
the check in-process.
"""
from __future__ import annotations

import base64
import csv
from html import escape
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.checking.checks import CheckFailure
from autograder.checking.exercise import VISIBLE_SEED, Learner, run_exercise
from autograder.grading import judge as J
from autograder.grading import sandbox
from autograder.grading.classreport.gather import Group
from autograder.grading.classreport.page import TIME_END, TIME_START
from autograder.tools import submissions as S
from conftest import REPO, VENV_BIN, copy_of, run, solution_path
from exercise_harness import exercise_name, namespace, released_stubs, wrong_answers

CH = "01_creating_tensors"
WRONG = {"ex1_make_grid": 3, "ex5_convert": 3}  # answer cell -> how many students give its typical wrong answer
# Right where the visible test looks, zeros elsewhere: only the hidden tests catch it, each student on other values.
HIDDEN_ONLY = ("def make_grid(rows, cols):\n    if (rows, cols) in ((3, 4), (1, 5), (4, 1)):\n"
               "        return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)\n"
               "    return torch.zeros(rows, cols)")
SECRET = b"report-test-secret"  # the course's key of the hidden seeds, fixed so the test knows every student's draw
DELETED = "ex7_arange_rules_test"
MISSING_REASON = "this test cell was missing from the submission (deleted or renamed); it scores 0"
AUTOGRADER = str(Path(sys.executable).parent / "autograder")


def the_class(release, perfect, blank: int = 2, wrong: dict | None = None, hidden_only: int = 2, deleted: bool = True,
              corrupt: bool = True) -> dict:
    """student -> notebook (None: a corrupt file). ``wrong``: answer cell -> how many give its typical wrong answer."""
    students = {"perfect-1": S.fill(release, perfect), "perfect-2": S.fill(release, perfect)}
    students.update({f"blank-{i}": release for i in range(blank)})
    for gid, n in (WRONG if wrong is None else wrong).items():
        for i in range(n):
            students[f"wrong-{gid}-{i}"] = S.fill(release, {**perfect, gid: wrong_answers(CH)[gid]})
    for i in range(hidden_only):
        students[f"hidden-only-{i}"] = S.fill(release, {**perfect, "ex1_make_grid": HIDDEN_ONLY})
    if deleted:
        nb = S.fill(release, perfect)
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != DELETED]
        students["mallory"] = nb
    if corrupt:
        students["broken"] = None
    return students


def submit(course: Path, students: dict) -> None:
    """Submit ``students`` to a course that released chapter 01 (conftest.released: its gradebook knows it)."""
    (course / ".autograder-secret").write_bytes(SECRET)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sid, nb in students.items():
            path = course / "submitted" / sid / CH / f"{CH}.ipynb"
            if nb is None:
                path.parent.mkdir(parents=True)
                path.write_text('{"cells": [ not json')
            else:
                S.write(nb, path)
            gb.update_or_create_student(sid)


def new_course(root: Path) -> Path:
    shutil.copytree(REPO / "solutions", root / "solutions")
    (root / "course").mkdir()
    shutil.copy(REPO / "course" / "nbgrader_config.py", root / "course" / "nbgrader_config.py")
    return root / "course"


def report(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([AUTOGRADER, "report", *args, "--course", str(course)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, released):
    course = copy_of(released(None, [CH]), tmp_path_factory.mktemp("report"))
    release = S.read(REPO / "notebooks" / CH / f"{CH}.ipynb")
    students = the_class(release, S.solution_answers(S.read(solution_path(CH))))
    submit(course, students)
    proc = subprocess.run([AUTOGRADER, "grade", CH, "--course", str(course), "--jobs", "2"], cwd=course,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 1, proc.stderr[-3000:]  # the corrupt notebook ends in error: exit status 1
    first = report(course, CH)
    assert first.returncode == 0, first.stderr
    return {"course": course, "release": release, "stdout": first.stdout,
            "csv": (course / "reports" / f"{CH}.csv").read_bytes(), "html": (course / "reports" / f"{CH}.html").read_bytes()}


def failure(ns: dict, name: str, seed: int = VISIBLE_SEED, hidden: bool = False) -> CheckFailure:
    """The failure the judge must report for this namespace, computed by the check itself."""
    try:
        run_exercise(name, Learner(ns=ns), seed, hidden)
    except CheckFailure as f:
        return f
    raise AssertionError(f"{name} passes in-process: this answer cannot be the one that lost points")


def visible_failure(ns: dict, name: str) -> str:
    """As the report titles a group whose failures all say the same: `label: the template, filled`."""
    f = failure(ns, name)
    return f"{f.what}: {f.problem}"


def expected_rows(release, blank: int = 2, wrong: dict | None = None, hidden_only: int = 2,
                  deleted: bool = True) -> list[list[str]]:
    """The CSV rows for :func:`the_class`'s mix: the corrupt file is scored nowhere."""
    wrong = WRONG if wrong is None else wrong
    points = {c.metadata.nbgrader["grade_id"]: float(c.metadata.nbgrader["points"]) for c in release.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    blank_ns = namespace(CH, released_stubs(CH), broken=[])
    scored = 2 + blank + sum(wrong.values()) + hidden_only + deleted
    rows = []
    for test in S.graded_ids(release):
        gid = test.removesuffix("_test")
        name = exercise_name(CH, gid)
        lost = {visible_failure(blank_ns, name): blank}  # failure -> how many submissions failed that way
        if gid in wrong:
            lost[visible_failure(namespace(CH, {gid: wrong_answers(CH)[gid]}), name)] = wrong[gid]
        if gid == "ex1_make_grid" and hidden_only:
            lost["(hidden tests only)"] = hidden_only
        if test == DELETED and deleted:
            lost[MISSING_REASON] = 1
        lost = {k: v for k, v in lost.items() if v}
        zero = sum(lost.values())
        top, count = min(lost.items(), key=lambda kv: (-kv[1], kv[0])) if lost else ("", 0)
        rows.append([test, f"{points[test]:g}", str(scored), str(scored - zero), "0", str(zero),
                     f"{(scored - zero) * points[test] / scored:.2f}", top, str(count)])
    return rows


def test_csv_counts_and_top_failures_are_exact(graded):
    rows = list(csv.reader(io.StringIO(graded["csv"].decode())))
    assert rows[0] == ["exercise", "max_points", "students", "full", "partial", "zero", "mean_points", "top_failure",
                       "top_failure_count"]
    assert rows[1:] == expected_rows(graded["release"])
    # the wrong answers' exercises: their typical failure is the top one, with the count of students who gave it
    by_id = {r[0]: r for r in rows[1:]}
    for gid, n in WRONG.items():
        want = visible_failure(namespace(CH, {gid: wrong_answers(CH)[gid]}), exercise_name(CH, gid))
        assert by_id[f"{gid}_test"][7:] == [want, str(n)]
    assert "14 graded submissions" in graded["stdout"]


def test_values_never_split_a_group_and_show_only_where_the_group_agrees():
    g = Group("ch01.x", "expected {n} items, got {m}.", None)
    g.add("f(3)", "f(3): expected 3 items, got 2.\n    torch gives: [1, 2, 3]")
    g.add("f(4)", "f(4): expected 4 items, got 2.\n    torch gives: [1, 2, 3, 4]")
    assert g.count == 2 and g.text() == "expected … items, got 2." and g.title() == "f(3): expected … items, got 2."
    odd = Group("ch01.x", "expected {n} items.", None)
    odd.add("f", "f: a message that does not fit its template")  # a value it cannot read is never shown as agreed
    assert odd.text() == "expected … items."


def _page(html: bytes) -> str:
    return html.decode()


def test_the_page_groups_failures_and_lists_flagged_and_error_submissions(graded):
    page = _page(graded["html"])
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page.replace(
        'lang="en"', "")  # offline: nothing fetched
    plots = re.findall(r'<img alt="[^"]+" src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(plots) == 2 and all(base64.b64decode(p).lstrip().startswith(b"<?xml") for p in plots)
    # one group per way of failing, most common first: the typical wrong answer, then the blanks and the two
    # caught by the hidden tests (values differ between those two: still one group)
    ex1 = page[page.index('<section id="ex-ex1_make_grid_test">'):]
    items = re.findall(r"<li>(.*?)</li>", ex1[:ex1.index("</section>")], re.S)
    assert [re.match(r'<span class="count">(\d+) students?</span>', i).group(1) for i in items] == ["3", "2", "2"]
    wrong = failure(namespace(CH, {"ex1_make_grid": wrong_answers(CH)["ex1_make_grid"]}), "ch01.make_grid")
    assert f"<code>{escape(wrong.what)}</code>: {escape(wrong.problem)}" in items[0]
    assert items[0].count('<pre class="example">') == 1 and escape(str(wrong)) in items[0]
    caught = [failure(namespace(CH, {"ex1_make_grid": HIDDEN_ONLY}), "ch01.make_grid",
                      J.hidden_seed(SECRET, f"hidden-only-{i}", CH, CH), hidden=True) for i in range(2)]
    assert caught[0].what != caught[1].what and caught[0].template == caught[1].template
    group = [i for i in items if escape(caught[0].problem) in i and "ch01.make_grid" in i and "3 students" not in i]
    assert len(group) == 1 and f"<code>{escape(min(c.what for c in caught))}</code>" in group[0]
    assert escape(min(str(c) for c in caught)) in group[0]  # one example, of one of them, without its student
    # flagged and error submissions, each linking to its row
    attention = page[page.index('<h2 id="attention">'):page.index('<h2 id="submissions">')]
    # on a host that gives the sandbox no process limit, every submission that ran is flagged too (sandbox.flags)
    everyone = len(re.findall(r'<tr id="student-', page))
    assert f"Flagged and error submissions ({2 if sandbox.process_limit_available() else everyone})" in attention
    for sid, what in (("mallory", f"missing-cell:{DELETED}"), ("broken", "corrupt-notebook")):
        link = re.search(rf'<a href="#([^"]+)">{sid}</a>', attention)
        assert link and f'<tr id="{link.group(1)}">' in page and what in attention
    assert TIME_START in page and TIME_END in page


def test_rerunning_gives_the_same_bytes(graded):
    course = graded["course"]
    again = report(course, CH)
    assert again.returncode == 0, again.stderr
    assert (course / "reports" / f"{CH}.csv").read_bytes() == graded["csv"]
    assert (course / "reports" / f"{CH}.html").read_bytes() == graded["html"]


def _without_timing(html: bytes) -> str:
    page = html.decode()
    return page[:page.index(TIME_START)] + page[page.index(TIME_END):]


def test_a_forced_regrade_replaces_verdicts_and_never_counts_twice(graded):
    course, student = graded["course"], "wrong-ex1_make_grid-0"
    result = course / ".autograder" / "results" / CH / student / f"{CH}.json"
    before = result.read_text()
    run([AUTOGRADER, "grade", CH, "--course", str(course), "--student", student, "--force", "--jobs", "1"],
        cwd=course, timeout=600)
    assert result.read_text() != before  # regraded (its timing is new), not skipped
    assert report(course, CH).returncode == 0
    assert (course / "reports" / f"{CH}.csv").read_bytes() == graded["csv"]
    # the page too, but for the grading times it reports: those are measured again
    assert _without_timing((course / "reports" / f"{CH}.html").read_bytes()) == _without_timing(graded["html"])


def test_no_submission_or_never_graded_says_so_and_exits_non_zero(graded, released, tmp_path):
    course = graded["course"]
    other = report(course, "02_indexing_and_slicing")
    assert other.returncode == 1 and "no submissions for '02_indexing_and_slicing'" in other.stderr
    assert not (course / "reports" / "02_indexing_and_slicing.html").exists()

    fresh = new_course(tmp_path)
    nothing = report(fresh)
    assert nothing.returncode == 1 and "nothing to report" in nothing.stderr
    copy_of(released(None, [CH]), tmp_path)  # now chapter 01 is released there
    mix = {"blank": 1, "wrong": {"ex1_make_grid": 1}, "hidden_only": 0, "deleted": False}
    submit(fresh, the_class(graded["release"], S.solution_answers(S.read(solution_path(CH))), corrupt=True, **mix))
    never = report(fresh, CH)
    assert never.returncode == 1 and f"'{CH}' was never graded: 5 submissions" in never.stderr
    assert not (fresh / "reports").exists()

    # plain nbgrader autograde runs the same preprocessors, so it saves the same verdicts
    proc = subprocess.run(["nbgrader", "autograde", CH, "--force", "--log-level=ERROR"], cwd=fresh, capture_output=True,
                          text=True, timeout=900, env={**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"})
    # it gives up on the corrupt file (and exits 1), grades the rest: the report lists that one as not graded
    assert proc.returncode == 1 and f"error processing assignment '{CH}' for student 'broken'" in proc.stderr
    done = report(fresh, CH)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO((fresh / "reports" / f"{CH}.csv").read_text())))
    assert rows[1:] == expected_rows(graded["release"], **mix)
    assert "4 graded submissions; 1 not graded yet" in done.stdout
    assert re.search(r'<td><a href="#[^"]+">broken</a></td><td><span class="status-not-graded">not graded</span>',
                     (fresh / "reports" / f"{CH}.html").read_text())
