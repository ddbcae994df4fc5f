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


def _hidden_lines(nb) -> set[str]:
    """Every non-trivial line inside a solution region or a hidden-test region."""
    lines = set()
    for cell in nb.cells:
        for block in re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END", cell.source, re.S):
            lines |= {l.strip() for l in block.splitlines() if len(l.strip()) > 12}
    return lines


@pytest.mark.parametrize("ch", CHAPTERS)
def test_release_leaks_nothing(ch):
    text = release_path(ch).read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    released = read(release_path(ch))
    assert all(not c.get("outputs") for c in released.cells if c.cell_type == "code"), "released notebooks carry no outputs"
    body = "\n".join(c.source for c in released.cells)
    leaked = {l for l in _hidden_lines(read(solution_path(ch))) if l in body}
    assert not leaked, f"solution or hidden-test text leaked into notebooks/{ch}: {sorted(leaked)[:5]}"


def test_leak_check_catches_a_leak():
    # The near-miss: a release that kept one solution line must be caught by the same logic.
    sol = read(solution_path(CHAPTERS[0]))
    line = sorted(_hidden_lines(sol))[0]
    assert line in "\n".join(c.source for c in sol.cells)
