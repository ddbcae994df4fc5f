"""The users' paths in a real browser: Debian's Chromium, driven by Playwright, against JupyterLab
started by `make lab` in a throwaway copy of the course. Each step leaves a screenshot in
test-output/e2e/<step>.png, and each step asserts on what is visible on the page.

Runs under `make test-e2e`; `make test` deselects it (`-m 'not browser'`).
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from autograder.tools import submissions as S
from classroom import COURSE_ID, Student, grade, instructor
from conftest import REPO, solution_path
from labserver import CHROMIUM, Lab, browser_page, screenshot

CH = "01_creating_tensors"
OUT = REPO / "test-output" / "e2e"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("E2E_BROWSER"),
                       reason="browser test: runs under `make test-e2e` (real Chromium against a real JupyterLab)"),
]


@pytest.fixture(scope="module")
def lab():
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test-e2e needs it)"
    root = Path(tempfile.mkdtemp(prefix="course-lab-"))
    server = Lab(REPO, root)
    try:
        server.prepare()
        # The instructor releases chapter 01 to the exchange before students arrive.
        instructor(server.course, "generate_assignment", CH, "--force", "--log-level=WARN")
        instructor(server.course, "release_assignment", CH, "--force", exchange=server.exchange)
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def page(lab):
    with browser_page(OUT) as pg:
        yield pg


def shot(page, step: str) -> Path:
    return screenshot(page, OUT, step)


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$")).first.click()


def cell(page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def wait_idle(page) -> None:
    from playwright.sync_api import expect
    expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first).to_be_visible(timeout=120_000)


def cell_index(grade_id: str) -> int:
    nb = S.read(REPO / "notebooks" / CH / f"{CH}.ipynb")
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_student_runs_answers_and_validates(lab, page):
    from playwright.sync_api import expect
    page.goto(lab.url("lab/tree/notebooks"))
    listing = page.locator(".jp-DirListing-content")
    expect(listing.get_by_text(CH, exact=True)).to_be_visible()
    shot(page, "01-student-lab-opened")

    listing.get_by_text(CH, exact=True).dblclick()
    listing.get_by_text(f"{CH}.ipynb", exact=True).dblclick()
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_contain_text("Creating tensors")
    wait_idle(page)
    shot(page, "02-student-notebook-open")

    menu(page, "Run", "Run All Cells")
    wait_idle(page)
    ex1, ex1_test = cell_index("ex1_make_grid"), cell_index("ex1_make_grid_test")
    # The answer cell is a skeleton (a def whose body raises), so it runs; JupyterLab stops the run at the
    # first error, the test under it, and that test says what to do and reveals nothing: no hint.
    expect(cell(page, ex1).locator(".cm-content")).to_contain_text("def make_grid(rows, cols):")
    out = cell(page, ex1_test).locator(".jp-OutputArea")
    expect(out).to_contain_text("replace the `raise NotImplementedError(...)` line")
    expect(out).not_to_contain_text("hint:")
    cell(page, ex1_test).scroll_into_view_if_needed()
    expect(out).to_be_in_viewport()
    shot(page, "03-student-run-all-stops-at-first-unanswered-check")

    # Run again, the test says the same: still no hint while the answer is untouched.
    cell(page, ex1_test).click()
    page.keyboard.press("Shift+Enter")
    wait_idle(page)
    expect(out).to_contain_text("replace the `raise NotImplementedError(...)` line")
    expect(out).not_to_contain_text("hint:")
    shot(page, "04-student-unanswered-check")

    # Type the answer as a student would, run it and its test.
    answer = S.solution_answers(S.read(solution_path(CH)))["ex1_make_grid"]
    cell(page, ex1).locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(answer)
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    wait_idle(page)
    expect(cell(page, ex1_test).locator(".jp-OutputArea")).to_contain_text("✓ ch01.make_grid: correct")
    expect(cell(page, ex1_test).locator(".jp-OutputArea")).to_be_in_viewport()
    shot(page, "05-student-answer-passes")

    page.keyboard.press("Control+S")
    # JupyterLab sometimes reports the file as changed on disk (its mtime check races the kernel's
    # first save): a student keeps their typed work by choosing Overwrite, and so does this test.
    overwrite = page.get_by_role("button", name="Overwrite")
    try:
        overwrite.click(timeout=3000)
    except Exception:  # no dialog: the usual case
        pass
    page.get_by_role("button", name="Validate").first.click()
    dialog = page.locator(".jp-Dialog-content")
    expect(dialog).to_be_visible(timeout=300_000)
    expect(dialog).not_to_contain_text("Validating", timeout=300_000)
    verdict = dialog.inner_text()
    shot(page, "06-student-validate-verdict")
    (OUT / "06-student-validate-verdict.txt").write_text(verdict)
    # Exercise 1 is answered, the others are not: each of those fails with its teaching message, no crash.
    failed = re.findall(r'check\("(ch01\.\w+)"\)', verdict)
    others = [c.metadata["nbgrader"]["grade_id"] for c in S.read(REPO / "notebooks" / CH / f"{CH}.ipynb").cells
              if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"]["grade_id"] != "ex1_make_grid_test"]
    assert "ch01.make_grid" not in failed and len(failed) == len(others), verdict
    assert verdict.count("replace the") == len(others) and "hint:" not in verdict, verdict
    assert "Traceback" not in verdict and "AttributeError" not in verdict, verdict
    dialog.get_by_role("button", name="Ok").click()


def test_student_fetches_and_submits_in_the_assignments_panel(lab, page):
    from playwright.sync_api import expect
    page.goto(lab.url("lab"))
    menu(page, "Nbgrader", "Assignment List")
    panel = page.locator("#nbgrader-assignment-list")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Released assignments")
    expect(panel).to_contain_text(CH)
    shot(page, "07-student-assignments-released")

    panel.get_by_role("button", name="Fetch").first.click()
    expect(panel.get_by_role("button", name="Submit").first).to_be_visible()
    shot(page, "08-student-assignment-fetched")

    # The student's work: every exercise answered (typed in the fetched notebook, saved to disk).
    fetched = [p for p in lab.root.rglob(f"{CH}.ipynb") if p.parent.parent == lab.root]
    assert len(fetched) == 1, f"fetch should put one notebook in the student's folder: {fetched}"
    S.write(S.fill(S.read(fetched[0]), S.solution_answers(S.read(solution_path(CH)))), fetched[0])

    panel.get_by_role("button", name="Submit").first.click()
    submitted = panel.locator("#submitted_assignments_list")
    expect(submitted).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"))  # the submission's timestamp
    assert len(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", submitted.inner_text())) == 1, submitted.inner_text()
    shot(page, "09-student-assignment-submitted")
    inbound = lab.exchange / COURSE_ID / "inbound"
    assert [p.name.split("+")[1] for p in inbound.iterdir()] == [CH]


def test_instructor_sees_scores_flags_and_clean_feedback(lab, page):
    from playwright.sync_api import expect
    from nbgrader.api import Gradebook

    # A second student submits from the command line having deleted a test cell: nbgrader flags it.
    home = lab.root / "home" / "mallory"
    home.mkdir(parents=True)
    mallory = Student("mallory", home, None)
    mallory.nbgrader("fetch_assignment", CH, exchange=lab.exchange)
    nb_path = home / CH / f"{CH}.ipynb"
    nb = S.fill(S.read(nb_path), S.solution_answers(S.read(solution_path(CH))))
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "ex1_make_grid_test"]
    S.write(nb, nb_path)
    mallory.nbgrader("submit", CH, exchange=lab.exchange)

    student = os.environ.get("USER") or __import__("pwd").getpwuid(os.getuid()).pw_name
    instructor(lab.course, "collect", CH, exchange=lab.exchange)
    grade(lab.course, CH, [student, "mallory"], db_url=f"sqlite:///{lab.course / 'gradebook.db'}")
    instructor(lab.course, "generate_feedback", CH, "--force")
    with Gradebook(f"sqlite:///{lab.course / 'gradebook.db'}") as gb:
        mine = gb.find_submission(CH, student)
        score, max_score = mine.score, mine.max_score
        theirs = gb.find_submission(CH, "mallory")
        mallory_score, flagged = theirs.score, theirs.needs_manual_grade
    assert score == max_score > 0 and flagged

    page.goto(lab.url("lab"))
    menu(page, "Nbgrader", "Formgrader")
    frame = page.frame_locator("iframe").first
    expect(frame.locator("body")).to_contain_text("Manage Assignments")
    expect(frame.locator("body")).to_contain_text(CH)
    shot(page, "10-instructor-formgrader-assignments")

    page.goto(lab.url(f"formgrader/gradebook/{CH}/{CH}"))
    expect(page.locator("tbody tr", has_text="Submission #")).to_have_count(2)  # the table has loaded
    page.get_by_role("button", name="Show All Names").click()
    for name in (student, "mallory"):
        expect(page.locator("tbody .name-shown", has_text=name).first).to_be_visible()
    ok, flagged_row = page.locator("tr", has_text=student).first, page.locator("tr", has_text="mallory").first
    shot(page, "11-instructor-submissions-scores-flags")  # before asserting, so a failure can be looked at
    expect(ok).to_contain_text(f"{score:g} / {max_score:g}")
    expect(flagged_row).to_contain_text(f"{mallory_score:g} / {max_score:g}")
    # The "Needs Manual Grade?" column shows a check mark for mallory's submission only. (Her deleted
    # test cell is restored and judged, so "Tests Failed?" is ticked for her too: read the column itself.)
    headers = [h.strip() for h in page.locator("thead th").all_inner_texts()]
    col = headers.index("Needs Manual Grade?")
    expect(flagged_row.locator("td").nth(col).locator(".glyphicon-ok")).to_have_count(1)
    expect(ok.locator("td").nth(col).locator(".glyphicon-ok")).to_have_count(0)

    page.goto(lab.url("formgrader/manage_students"))
    row = page.locator("tr", has_text=student).first
    expect(row).to_contain_text(f"{score:g} / {max_score:g}")
    shot(page, "12-instructor-student-score")

    page.goto(lab.url(f"files/course/feedback/{student}/{CH}/{CH}.html"))
    body = page.locator("body")
    expect(body).to_contain_text(f"{CH} (Score: {score:.1f} / {max_score:.1f})")
    expect(body).to_contain_text('check("ch01.make_grid")')
    text = body.inner_text()
    shot(page, "13-instructor-feedback-page")
    assert "BEGIN HIDDEN TESTS" not in text and "hidden=True" not in text, "feedback shows hidden test code"


def visible_failure(name: str, ns: dict):
    """What the check says about this namespace on its visible test, computed in-process."""
    from autograder.checking.checks import CheckFailure
    from autograder.checking.exercise import VISIBLE_SEED, Learner, run_exercise
    try:
        run_exercise(name, Learner(ns=ns), VISIBLE_SEED, False)
    except CheckFailure as failure:
        return failure
    raise AssertionError(f"{name}: the answer passes")


def test_instructor_reads_the_class_report(lab, page):
    from playwright.sync_api import expect
    from classroom import _env, run

    from autograder.tools.demo import MISTAKES
    from exercise_harness import namespace, wrong_answers

    # `make grade`'s demo: the sample class joins the two submissions graded above, and the report is written.
    run([sys.executable, "-m", "autograder.tools.demo", "--course", lab.course], cwd=lab.root, env=_env(), timeout=1800)
    assert (lab.course / "reports" / f"{CH}.csv").exists()

    # Opened from JupyterLab's file browser: the HTML viewer shows it untrusted (no scripts; it needs none).
    page.goto(lab.url("lab/tree/course/reports"))
    page.locator(".jp-DirListing-content").get_by_text(f"{CH}.html", exact=True).dblclick()
    report = page.frame_locator(".jp-HTMLViewer iframe").first
    expect(report.locator("h1")).to_contain_text(f"{CH}: what the class got wrong")
    expect(report.locator(".summary")).to_contain_text("7 graded submissions of 7")
    shot(page, "14-instructor-class-report")
    for img in report.locator(".plots img").all():  # both plots drawn, from the page itself (offline)
        assert img.evaluate("i => i.complete && i.naturalWidth > 200 && i.src.startsWith('data:image/svg+xml')")
    # Exercise 1: the sample students who gave its typical wrong answer form one group, the most common failure.
    ids = list(S.solution_answers(S.read(solution_path(CH))))
    gave = [s for s, pick in MISTAKES.items() if "ex1_make_grid" in ids[pick]]
    f = visible_failure("ch01.make_grid", namespace(CH, {"ex1_make_grid": wrong_answers(CH)["ex1_make_grid"]}))
    expect(report.locator("#ex-ex1_make_grid_test li").first).to_contain_text(f"{len(gave)} students: {f.what}: {f.problem}")
    # mallory (deleted test cell) is flagged; her link leads to her row
    attention = report.locator("#attention + table")
    expect(attention).to_contain_text("missing-cell:ex1_make_grid_test")
    attention.get_by_role("link", name="mallory").click()
    row = page.frame_locator(".jp-HTMLViewer iframe").first.locator("tr:target")
    expect(row).to_contain_text("mallory")
    expect(row).to_be_in_viewport()
    shot(page, "15-instructor-class-report-flagged-student")
