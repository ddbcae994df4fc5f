"""A term on the class hub in a real browser (Debian's Chromium via Playwright), a screenshot per step
in test-output/hub/: student1 answers and submits, student2 submits a wrong answer, the instructor
opens Formgrader from the hub, collects, grades (`autograder grade` in the grader's terminal) and
releases feedback, and student1 fetches and reads it.
"""
from __future__ import annotations

import re
import runpy
import secrets
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.tools import submissions as S
from .hubserver import CH, COURSE, OUT, REPO
from labserver import CHROMIUM, FLAGS
from test_browser import cell, cell_index, menu, wait_idle

pytestmark = pytest.mark.browser
HUB_FLAGS = [*FLAGS, "--disable-quic", "--host-resolver-rules=MAP localhost 127.0.0.1, MAP *.localhost 127.0.0.1"]
NB = f"{COURSE}/{CH}/{CH}.ipynb"  # where a student's fetch puts the notebook (path_includes_course)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import expect, sync_playwright
    expect.set_options(timeout=120_000)
    with sync_playwright() as pw:
        yield pw


@contextmanager
def logged_in(pw, hub, user: str):
    """A fresh Chromium profile, logged in at the hub's login page with the password deploy.py set."""
    from playwright.sync_api import expect
    profile = tempfile.mkdtemp(prefix="hub-chromium-")
    ctx = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=HUB_FLAGS,
                                                viewport={"width": 1400, "height": 900})
    ctx.set_default_timeout(60_000)
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    try:
        page.goto(hub.url("/hub/login"))
        page.fill("#username_input", user)
        page.fill("#password_input", hub.passwords[user])
        page.click("#login_submit")
        yield page
    finally:
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)


def shot(page, step: str) -> Path:
    path = OUT / f"{step}.png"
    page.screenshot(path=str(path))
    return path


def open_lab(page, hub, user: str, path: str = "") -> None:
    from playwright.sync_api import expect
    page.goto(hub.url(f"/user/{user}/lab/tree/{path}" if path else f"/user/{user}/lab", user))
    expect(page.locator("#jp-main-dock-panel")).to_be_visible(timeout=180_000)


def assignments_panel(page):
    from playwright.sync_api import expect
    menu(page, "Nbgrader", "Assignment List")
    panel = page.locator("#nbgrader-assignment-list")
    expect(panel).to_contain_text(CH)
    return panel


def answer_first_exercise(page, answer: str) -> None:
    ex1 = cell_index("ex1_make_grid")
    wait_idle(page)
    menu(page, "Run", "Run All Cells")  # the setup cells first; the run stops at the first unanswered exercise
    wait_idle(page)
    cell(page, ex1).locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(answer)
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    wait_idle(page)
    page.keyboard.press("Control+S")
    try:
        page.get_by_role("button", name="Overwrite").click(timeout=3000)
    except Exception:  # no "file changed on disk" dialog: the usual case
        pass


def fetch_and_submit(page, hub, user: str, answer: str, tag: str, correct: bool) -> None:
    from playwright.sync_api import expect
    open_lab(page, hub, user)
    shot(page, f"{tag}-1-logged-in")
    panel = assignments_panel(page)
    panel.get_by_role("button", name="Fetch").first.click()
    expect(panel.get_by_role("button", name="Submit").first).to_be_visible()
    shot(page, f"{tag}-2-fetched")

    open_lab(page, hub, user, NB)
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_contain_text("Creating tensors")
    answer_first_exercise(page, answer)
    out = cell(page, cell_index("ex1_make_grid_test")).locator(".jp-OutputArea")
    if correct:
        expect(out).to_contain_text("✓ ch01.make_grid: correct")
    else:
        expect(out).to_contain_text("CheckFailure: make_grid(3, 4)")
        expect(out).not_to_contain_text("✓")
    out.scroll_into_view_if_needed()
    shot(page, f"{tag}-3-answered")

    page.get_by_role("button", name="Validate").first.click()
    dialog = page.locator(".jp-Dialog-content")
    expect(dialog).to_be_visible(timeout=300_000)
    expect(dialog).not_to_contain_text("Validating", timeout=300_000)
    verdict = dialog.inner_text()
    shot(page, f"{tag}-4-validated")
    assert "Traceback" not in verdict, verdict
    assert ('check("ch01.make_grid")' in verdict) == (not correct), verdict
    dialog.get_by_role("button", name="Ok").click()

    open_lab(page, hub, user)
    panel = assignments_panel(page)
    panel.get_by_role("button", name="Submit").first.click()
    submitted = panel.locator("#submitted_assignments_list")
    expect(submitted).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"))
    shot(page, f"{tag}-5-submitted")


def solution(gid: str) -> str:
    return S.solution_answers(S.read(REPO / "solutions" / CH / f"{CH}.ipynb"))[gid]


def wrong(gid: str) -> str:
    return runpy.run_path(str(REPO / "tests" / "wrong_answers" / f"{CH}.py"))["WRONG"][gid].strip("\n")


def test_formgrader_serves_the_instructor_alone(hub):
    """Formgrader's own page and its list of assignments, through the hub. nbgrader asks the hub for the
    grader account's courses (JupyterHubAuthPlugin): the page fails with a 500 unless the hub knows the
    grader, and chapter 01 shows as a draft (nothing to collect) unless the grader is in formgrade-COURSE."""
    host = hub.host(f"{COURSE}--service")
    page = f"/services/{COURSE}/formgrader/manage_assignments"
    instructor = hub.user_token("instructor")
    r = hub.request("GET", page, host, instructor)
    assert r.status_code == 200 and "Manage Assignments" in r.text, (r.status_code, r.text[-2000:])
    r = hub.request("GET", f"/services/{COURSE}/formgrader/api/assignments", host, instructor)
    assert r.status_code == 200, (r.status_code, r.text[-2000:])
    status = {a["name"]: a["status"] for a in r.json()}
    assert status[CH] == "released" and status["02_indexing_and_slicing"] == "draft", status
    r = hub.request("GET", page, host, hub.user_token("student1"))
    assert r.status_code == 403, (r.status_code, r.text[-2000:])


def test_nobody_logs_in_as_the_grader(hub):
    """The grader is a hub user (for nbgrader's sake) but not an allowed one: even with its system
    password set, the hub's login page turns it away, while a student with theirs gets in."""
    grader = hub.roster["grader"]
    password = secrets.token_urlsafe(12)
    subprocess.run(["chpasswd"], input=f"{grader}:{password}\n", text=True, check=True)
    try:
        assert hub.login("student1", hub.passwords["student1"]).status_code == 302
        r = hub.login(grader, password)
        assert r.status_code == 403 and "Invalid username or password" in r.text, (r.status_code, r.text[-1000:])
    finally:
        subprocess.run(["passwd", "--lock", "--delete", grader], check=True, capture_output=True)
    assert subprocess.run(["passwd", "-S", grader], capture_output=True, text=True).stdout.split()[1] in ("L", "NP")


def test_student1_logs_in_fetches_answers_validates_and_submits(hub, browser):
    with logged_in(browser, hub, "student1") as page:
        fetch_and_submit(page, hub, "student1", solution("ex1_make_grid"), "01-student1", correct=True)
    subs = sorted(p.name for p in (hub.exchange / "inbound").iterdir())
    assert [s.split("+")[:2] for s in subs] == [["student1", CH]], subs


def test_student2_submits_a_wrong_answer(hub, browser):
    with logged_in(browser, hub, "student2") as page:
        fetch_and_submit(page, hub, "student2", wrong("ex1_make_grid"), "02-student2", correct=False)
    subs = sorted(p.name.split("+")[0] for p in (hub.exchange / "inbound").iterdir())
    assert subs == ["student1", "student2"], subs


def test_instructor_opens_formgrader_collects_grades_and_releases_feedback(hub, browser):
    from playwright.sync_api import expect
    with logged_in(browser, hub, "instructor") as page:
        open_lab(page, hub, "instructor")  # logged in, and the instructor's own server is up
        page.goto(hub.url("/hub/home"))
        services = page.locator("a.dropdown-toggle", has_text="Services")
        expect(services).to_be_visible()
        services.click()
        link = page.locator("a.dropdown-item", has_text=COURSE)
        expect(link).to_be_visible()
        shot(page, "03-instructor-0-hub-services-menu")
        # JupyterHub 6.1.1 writes the link as //DOMAIN/PREFIX, without the port: fine on 80/443, not on a
        # test's free port. Follow it with the hub's port.
        href = link.get_attribute("href")
        assert href == f"//{COURSE}--service.localhost/services/{COURSE}/", href
        page.goto(f"http:{href.replace('.localhost/', f'.localhost:{hub.port}/', 1)}")
        expect(page.locator("#jp-main-dock-panel")).to_be_visible(timeout=180_000)
        # The service's JupyterLab is the grader account's: its home holds the course and the solutions.
        expect(page.locator(".jp-DirListing-content")).to_contain_text("solutions")
        shot(page, "03-instructor-1-formgrader-service-lab")
        assert page.url.startswith(hub.url(f"/services/{COURSE}/", f"{COURSE}--service")), page.url

        menu(page, "Nbgrader", "Formgrader")
        frame = page.frame_locator("iframe").first
        expect(frame.locator("body")).to_contain_text("Manage Assignments")
        expect(frame.locator("body")).to_contain_text(CH)
        shot(page, "03-instructor-2-formgrader-not-blank")

        frame.locator("tr", has_text=CH).first.locator("td.collect a").click()
        expect(frame.locator("#success-modal .modal-body")).to_contain_text(f"Successfully collected submissions of '{CH}'")
        expect(frame.locator("#success-modal")).to_have_css("opacity", "1")  # faded in: the screenshot shows it whole
        shot(page, "03-instructor-3-collected")
        submitted = hub.grader_home / "course" / "submitted"
        assert sorted(p.name for p in submitted.iterdir()) == ["student1", "student2"]

        # Grading: the engine, sandboxed, from the grader account's own terminal in the service.
        menu(page, "File", "New")
        page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Terminal$")).first.click()
        term = page.locator(".jp-Terminal").last
        expect(term).to_be_visible()
        term.click()
        log = hub.grader_home / "grade.log"
        page.keyboard.type(f"(autograder grade {CH} --course ~/course --jobs 2 --force; whoami) 2>&1 | tee ~/grade.log\n")
        grader = hub.roster["grader"]
        deadline = time.monotonic() + 900  # until whoami, which runs once `autograder grade` has exited
        while not (log.read_text() if log.exists() else "").strip().endswith(grader) and time.monotonic() < deadline:
            time.sleep(2)
        out = log.read_text()
        assert "autograder: graded 2 notebooks" in out and out.strip().endswith(grader), out[-3000:]
        shot(page, "03-instructor-4-graded-in-terminal")

        with Gradebook(f"sqlite:///{hub.grader_home / 'course' / 'gradebook.db'}") as gb:
            s1 = {g.name: g.score for g in gb.find_submission_notebook(CH, CH, "student1").grades}
            s2 = {g.name: g.score for g in gb.find_submission_notebook(CH, CH, "student2").grades}
            max1 = {g.name: g.max_score for g in gb.find_submission_notebook(CH, CH, "student1").grades}
        assert s1["ex1_make_grid_test"] == max1["ex1_make_grid_test"] > 0 and s2["ex1_make_grid_test"] == 0, (s1, s2)

        formgrader = hub.url(f"/services/{COURSE}/formgrader/manage_assignments", f"{COURSE}--service")
        for action, done in (("generate-feedback", "generated"), ("release-feedback", "released")):
            page.goto(formgrader)
            page.locator("tr", has_text=CH).first.locator(f"td.{action} a").click()
            expect(page.locator("#success-modal .modal-body")).to_contain_text(f"Successfully {done} feedback of '{CH}'")
            expect(page.locator("#success-modal")).to_have_css("opacity", "1")
        shot(page, "03-instructor-5-feedback-released")
    released = list((hub.exchange / "feedback").glob("*.html"))
    assert len(released) == 2, released


def test_student1_fetches_and_opens_their_feedback(hub, browser):
    from playwright.sync_api import expect
    with logged_in(browser, hub, "student1") as page:
        open_lab(page, hub, "student1")
        panel = assignments_panel(page)
        panel.get_by_role("button", name="Fetch Feedback").first.click()
        link = panel.locator("a", has_text="(view feedback)").first
        expect(link).to_be_visible()
        shot(page, "04-student1-1-feedback-fetched")
        link.click()
        expect(page.locator(".jp-DirListing-content").get_by_text(f"{CH}.html", exact=True)).to_be_visible()
        shot(page, "04-student1-2-feedback-folder")
        home = hub.prefix / "home" / "student1"
        pages = sorted(home.glob(f"{COURSE}/{CH}/feedback/*/{CH}.html"))
        assert len(pages) == 1, pages
        page.goto(hub.url(f"/user/student1/files/{pages[0].relative_to(home)}", "student1"))
        body = page.locator("body")
        expect(body).to_contain_text(re.compile(rf"{CH} \(Score: [\d.]+ / [\d.]+\)"))
        expect(body).to_contain_text('check("ch01.make_grid")')
        shot(page, "04-student1-3-feedback-page")
        text = body.inner_text()
        assert "BEGIN HIDDEN TESTS" not in text and "hidden=True" not in text
        assert solution("ex1_make_grid").strip().splitlines()[-1].strip() in text  # their own answer
