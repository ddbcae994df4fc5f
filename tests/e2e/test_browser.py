"""The users' paths in a real browser: Debian's Chromium, driven by Playwright, against JupyterLab
started by `make lab` in a throwaway copy of the course. Each step leaves a screenshot in
test-output/e2e/<step>.png, and each step asserts on what is visible on the page.

Runs under `make test-e2e`; `make test` skips it (E2E_BROWSER unset).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder import submissions as S
from classroom import COURSE_ID, Student, grade, instructor, run, _env
from conftest import REPO, solution_path
from labserver import Lab

CH = "01_creating_tensors"
OUT = REPO / "test-output" / "e2e"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

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
    from playwright.sync_api import sync_playwright
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    profile = tempfile.mkdtemp(prefix="course-chromium-")
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
                                                    viewport={"width": 1400, "height": 900})
        ctx.set_default_timeout(60_000)
        pg = ctx.pages[0] if ctx.pages else ctx.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        try:
            yield pg
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)


def shot(page, step: str) -> Path:
    path = OUT / f"{step}.png"
    page.screenshot(path=str(path))
    return path


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$")).first.click()


def cell(page, grade_id_or_index):
    cells = page.locator(".jp-Notebook .jp-Cell")
    return cells.nth(grade_id_or_index)


def wait_idle(page) -> None:
    from playwright.sync_api import expect
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first).to_be_attached(timeout=120_000)


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
    # JupyterLab stops a run at the first error: the first stub's own message is what the student reads.
    expect(cell(page, ex1).locator(".jp-OutputArea")).to_contain_text("Replace this line with your answer")
    cell(page, ex1).scroll_into_view_if_needed()
    shot(page, "03-student-run-all-stops-at-first-stub")

    # The test cell under an unanswered exercise teaches.
    cell(page, ex1_test).click()
    page.keyboard.press("Shift+Enter")
    wait_idle(page)
    expect(cell(page, ex1_test).locator(".jp-OutputArea")).to_contain_text("not answered yet")
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
    shot(page, "05-student-answer-passes")

    page.keyboard.press("Control+S")
    page.get_by_role("button", name="Validate").first.click()
    dialog = page.locator(".jp-Dialog-content")
    expect(dialog).to_be_visible(timeout=300_000)
    expect(dialog).not_to_contain_text("Validating", timeout=300_000)
    verdict = dialog.inner_text()
    shot(page, "06-student-validate-verdict")
    # Exercise 1 is answered and the others are not: Validate must say the notebook still fails.
    assert "failed" in verdict.lower() or "error" in verdict.lower(), verdict
    assert "NotImplementedError" in verdict or "not answered" in verdict, verdict
    dialog.get_by_role("button").last.click()
