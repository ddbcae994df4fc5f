"""Every chapter follows the course's conventions (chapter 01 is the exemplar)."""
from __future__ import annotations

import ast
import re

import pytest

from autograder.checking.exercise import lookup
from autograder.tools.submissions import answer_ids, graded_ids, read
from conftest import CHAPTERS, solution_path

NAMES = ["01_creating_tensors", "02_indexing_and_slicing", "03_operations", "04_broadcasting",
         "05_memory_sharing", "06_contiguity", "07_autograd", "08_detach", "09_mini_autograd",
         "10_train_with_your_autograd"]
TEST_CELL = re.compile(r'^(#[^\n]*\n)*check\("(ch\d\d\.\w+)"\)\n### BEGIN HIDDEN TESTS\ncheck\("\2", hidden=True\)\n### END HIDDEN TESTS$')


def test_chapter_names_are_the_fixed_ones():
    assert CHAPTERS and set(CHAPTERS) <= set(NAMES), f"unknown chapter folders: {set(CHAPTERS) - set(NAMES)}"


@pytest.mark.parametrize("ch", CHAPTERS)
def test_exercises_are_graded_the_course_way(ch):
    nb = read(solution_path(ch))
    answers, tests = answer_ids(nb), graded_ids(nb)
    assert len(tests) >= 6, f"{ch}: at least 6 graded exercises, found {len(tests)}"
    assert [f"{a}_test" for a in answers] == tests, f"{ch}: each answer cell exN_slug needs its test cell exN_slug_test"
    prefix = "ch" + ch[:2]
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            m = TEST_CELL.match(cell.source)
            assert m, f"{ch}/{meta['grade_id']}: a test cell is comments + check(name) + a hidden check(name, hidden=True)"
            assert m.group(2).startswith(prefix + "."), f"{ch}: exercise names start with {prefix}."
            lookup(m.group(2))  # registered in autograder/exercises
            assert meta.get("points", 0) > 0 and meta.get("locked")
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in cell.source and not meta.get("grade")


@pytest.mark.parametrize("ch", CHAPTERS)
def test_prose_follows_the_exemplar(ch):
    nb = read(solution_path(ch))
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert md[0].startswith(f"# {ch[:2]} · "), f"{ch}: the first cell is the title '# {ch[:2]} · ...'"
    assert md[-1].startswith("## Summary"), f"{ch}: end with a '## Summary' cell"
    assert sum("Predict, then check" in m for m in md) >= 2, f"{ch}: at least 2 'Predict, then check' exercises"
    assert any("**" in m for m in md), f"{ch}: key facts in bold"
    setup = next(c.source for c in nb.cells if c.cell_type == "code")
    assert "from autograder import check" in setup and "torch.manual_seed" in setup, f"{ch}: the first code cell imports check and seeds torch"


@pytest.mark.parametrize("ch", CHAPTERS)
def test_stored_outputs_have_no_errors_or_stderr(ch):
    nb = read(solution_path(ch))
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{ch}: a stored error output; run `make outputs`"
            assert not (out.output_type == "stream" and out.name == "stderr"), f"{ch}: stray stderr in stored outputs: {out.text[:200]}"
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert " at 0x" not in text, f"{ch}: an object's address is stored as output (e.g. write `_ = torch.manual_seed(0)`): {text[:120]}"
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code"), f"{ch}: run `make outputs` to store outputs"


def test_the_lint_rejects_a_test_cell_with_inline_asserts():
    bad = 'check("ch01.make_grid")\nassert make_grid(1, 1).dtype == torch.float32\n### BEGIN HIDDEN TESTS\ncheck("ch01.make_grid", hidden=True)\n### END HIDDEN TESTS'
    good = '# note\ncheck("ch01.make_grid")\n### BEGIN HIDDEN TESTS\ncheck("ch01.make_grid", hidden=True)\n### END HIDDEN TESTS'
    assert TEST_CELL.match(good) and not TEST_CELL.match(bad)
