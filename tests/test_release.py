"""notebooks/ is exactly what `make release` produces now, and leaks nothing from solutions."""
from __future__ import annotations

import json
import re

import nbformat
import pytest

from autograder.tools.submissions import read
from conftest import CHAPTERS, REPO, release_path, run, solution_path


def _cells(path):
    nb = json.loads(path.read_text())
    return nb["cells"], nb["metadata"]


@pytest.mark.parametrize("ch", CHAPTERS)
def test_release_is_in_sync(ch, course, tmp_path):
    out = tmp_path / "release"
    run(["nbgrader", "generate_assignment", ch, "--force", f"--CourseDirectory.release_directory={out}",
         "--log-level=WARN"], cwd=course)
    fresh = out / ch / f"{ch}.ipynb"
    assert _cells(fresh) == _cells(release_path(ch)), f"notebooks/{ch} is stale: run `make release` and commit it"
    # nothing else is released: chapter 09's saved engine (the solution's mini_autograd.py) stays in solutions/
    assert sorted(p.name for p in (out / ch).iterdir()) == [f"{ch}.ipynb"]


def _hidden_lines(nb) -> set[str]:
    """Every non-trivial line inside a solution region or a hidden-test region."""
    lines = set()
    for cell in nb.cells:
        for block in re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END", cell.source, re.S):
            lines |= {l.strip() for l in block.splitlines() if len(l.strip()) > 12}
    return lines


def _given_lines(nb) -> set[str]:
    """Code the notebook gives on purpose: every code line outside the solution and hidden-test regions (e.g.
    chapter 09's worked `+` and its `Value` class), without its comment, and the prose's `inline code`."""
    lines = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines |= {span.strip() for span in re.findall(r"`([^`\n]+)`", cell.source)}
            continue
        outside = re.sub(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n.*?### END (?:SOLUTION|HIDDEN TESTS)", "", cell.source, flags=re.S)
        lines |= {l.split("  # ")[0].strip() for l in outside.splitlines()}
    return lines


@pytest.mark.parametrize("ch", CHAPTERS)
def test_release_leaks_nothing(ch):
    text = release_path(ch).read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    released = read(release_path(ch))
    assert all(not c.get("outputs") for c in released.cells if c.cell_type == "code"), "released notebooks carry no outputs"
    body = "\n".join(c.source for c in released.cells)
    solution = read(solution_path(ch))
    given = _given_lines(solution)  # a line the instructor also wrote outside every region is given on purpose
    leaked = {l for l in _hidden_lines(solution) - given if l in body}
    assert not leaked, f"solution or hidden-test text leaked into notebooks/{ch}: {sorted(leaked)[:5]}"


def test_given_code_does_not_excuse_the_solution():
    # chapter 09 gives worked code (its `Value`, `+`); most of its solution lines are still guarded
    sol = read(solution_path("09_mini_autograd"))
    guarded = _hidden_lines(sol) - _given_lines(sol)
    assert len(guarded) >= 40 and "stack.extend((c, False) for c in reversed(v._prev))" in guarded


def test_leak_check_catches_a_leak():
    # The near-miss: a release that kept one solution line must be caught by the same logic.
    sol = read(solution_path(CHAPTERS[0]))
    line = sorted(_hidden_lines(sol))[0]
    assert line in "\n".join(c.source for c in sol.cells)
