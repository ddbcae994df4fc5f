"""The Chinese course in a real browser: `make lab COURSE_LANG=zh-CN` opens notebooks/zh-CN with JupyterLab's
own UI in Chinese; a learner's failing check in chapter 01 teaches in Chinese; both editions, released to one
exchange, are offered side by side. Screenshots in test-output/e2e-zh-CN/<step>.png.

Runs under `make test-e2e`; `make test` deselects it (`-m 'not browser'`).
"""
from __future__ import annotations

import os
import re
import runpy
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder.tools import submissions as S
from classroom import COURSE_ID, _env, instructor, run
from conftest import REPO, release_path
from labserver import CHROMIUM, Lab, browser_page, screenshot
from test_browser import cell, menu

CH, LANG = "01_creating_tensors", "zh-CN"
ZH_COURSE_ID = "torch-from-the-ground-up-zh-CN"
OUT = REPO / "test-output" / "e2e-zh-CN"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("E2E_BROWSER"),
                       reason="browser test: runs under `make test-e2e` (real Chromium against a real JupyterLab)"),
]


@pytest.fixture(scope="module")
def lab():
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test-e2e needs it)"
    root = Path(tempfile.mkdtemp(prefix="course-lab-zh-"))
    server = Lab(REPO, root, course_lang=LANG)
    try:
        server.prepare()
        # The instructor releases chapter 01 in both languages to one exchange (README: "release either or both").
        for course in (server.course, server.course / LANG):
            instructor(course, "generate_assignment", CH, "--force", "--log-level=WARN")
            instructor(course, "release_assignment", CH, "--force", exchange=server.exchange)
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


def wait_idle(page) -> None:
    from playwright.sync_api import expect
    expect(page.locator(".jp-StatusBar-TextItem", has_text="| 空闲").first).to_be_visible(timeout=120_000)


def cell_index(grade_id: str) -> int:
    nb = S.read(release_path(CH, LANG))
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_make_lab_opens_the_chinese_course_with_a_chinese_ui(lab, page):
    from playwright.sync_api import expect
    page.goto(lab.url(""))  # the page `make lab` opens
    expect(page).to_have_url(re.compile(rf"/lab/tree/notebooks/{LANG}\b"))
    listing = page.locator(".jp-DirListing-content")
    expect(listing.get_by_text(CH, exact=True)).to_be_visible()
    bar = page.locator(".lm-MenuBar-content")
    for label in ("文件", "编辑", "运行", "内核", "设置", "帮助"):
        expect(bar.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{label}$"))).to_be_visible()
    expect(page.locator(".jp-BreadCrumbs")).to_contain_text(LANG)
    shot(page, "01-lab-in-chinese")  # once the UI has drawn (earlier it is a blank page)

    listing.get_by_text(CH, exact=True).dblclick()
    listing.get_by_text(f"{CH}.ipynb", exact=True).dblclick()
    expect(cell(page, 0)).to_contain_text("01 · 创建张量")
    wait_idle(page)
    shot(page, "02-chinese-notebook-open")


def test_a_failing_check_teaches_in_chinese(lab, page):
    from playwright.sync_api import expect
    # The setup cell (with its language line), then the typical wrong answer to exercise 1, then its test cell.
    cell(page, 1).click()
    page.keyboard.press("Shift+Enter")
    wrong = runpy.run_path(str(REPO / "tests" / "wrong_answers" / f"{CH}.py"))["WRONG"]["ex1_make_grid"].strip("\n")
    answer = cell(page, cell_index("ex1_make_grid"))
    answer.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(wrong)
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    wait_idle(page)
    out = cell(page, cell_index("ex1_make_grid_test")).locator(".jp-OutputArea")
    expect(out).to_contain_text("torch 给出：")
    out.scroll_into_view_if_needed()
    shot(page, "03-failing-check-in-chinese")
    text = out.inner_text()
    assert "dtype 不对。" in text and "你的答案：" in text and "提示：" in text, text
    assert "make_grid(" in text and "float32" in text and "int64" in text, "names and dtypes stay as they are"
    assert "torch gives" not in text and "you gave" not in text and "hint:" not in text, text


def test_the_settings_menu_switches_the_ui_language(lab, page):
    from playwright.sync_api import expect
    menu(page, "设置", "语言")
    languages = page.locator(".lm-Menu").last
    expect(languages).to_contain_text("English")
    shot(page, "04-settings-language-menu")
    expect(languages).to_contain_text("Chinese (Simplified, China)")  # README names this entry
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")


def test_both_editions_are_offered_in_one_exchange(lab, page):
    from playwright.sync_api import expect
    menu(page, "Nbgrader", "Assignment List")  # nbgrader's own labels are not translated
    panel = page.locator("#nbgrader-assignment-list")
    # This lab runs the Chinese course's config, so its panel starts on the Chinese edition's release.
    expect(panel.locator("#course_list_default")).to_have_text(ZH_COURSE_ID)
    expect(panel).to_contain_text(CH)
    shot(page, "05-chinese-edition-released")
    # A student whose config names no course sees both editions in the exchange, and with
    # path_includes_course (README) the two editions of a chapter land in two folders.
    home = lab.root / "home" / "student"
    home.mkdir(parents=True)
    exchange = [f"--Exchange.root={lab.exchange}", "--Exchange.path_includes_course=True"]
    proc = run(["nbgrader", "list", *exchange], cwd=home, env=_env(home))
    listed = proc.stdout + proc.stderr  # nbgrader logs the list
    assert f"{COURSE_ID} {CH}" in listed and f"{ZH_COURSE_ID} {CH}" in listed, listed
    for course_id in (COURSE_ID, ZH_COURSE_ID):
        run(["nbgrader", "fetch_assignment", CH, f"--course={course_id}", *exchange], cwd=home, env=_env(home))
    english, chinese = (S.read(home / c / CH / f"{CH}.ipynb") for c in (COURSE_ID, ZH_COURSE_ID))
    assert "Creating tensors" in english.cells[0].source and "创建张量" in chinese.cells[0].source
