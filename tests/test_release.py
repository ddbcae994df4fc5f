"""notebooks/ is exactly what `make release` produces now, and leaks nothing from solutions."""
from __future__ import annotations

import json
import re

import nbformat
import pytest

from autograder.tools.submissions import read
from conftest import CHAPTERS, EDITIONS, course_in, release_path, run, solution_path


def _cells(path):
    nb = json.loads(path.read_text())
    return nb["cells"], nb["metadata"]


def _edition(lang, ch):
    return f"{lang}/{ch}" if lang else ch


@pytest.mark.parametrize("lang,ch", EDITIONS, ids=[_edition(*e) for e in EDITIONS])
def test_release_is_in_sync(lang, ch, tmp_path):
    course = course_in(tmp_path, lang)
    out = tmp_path / "release"
    run(["nbgrader", "generate_assignment", ch, "--force", f"--CourseDirectory.release_directory={out}",
         "--log-level=WARN"], cwd=course)
    fresh = out / ch / f"{ch}.ipynb"
    assert _cells(fresh) == _cells(release_path(ch, lang)), \
        f"notebooks/{_edition(lang, ch)} is stale: run `make release` and commit it"


def _hidden_lines(nb) -> set[str]:
    """Every non-trivial line inside a solution region or a hidden-test region."""
    lines = set()
    for cell in nb.cells:
        for block in re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END", cell.source, re.S):
            lines |= {l.strip() for l in block.splitlines() if len(l.strip()) > 12}
    return lines


@pytest.mark.parametrize("lang,ch", EDITIONS, ids=[_edition(*e) for e in EDITIONS])
def test_release_leaks_nothing(lang, ch):
    text = release_path(ch, lang).read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    released = read(release_path(ch, lang))
    assert all(not c.get("outputs") for c in released.cells if c.cell_type == "code"), "released notebooks carry no outputs"
    body = "\n".join(c.source for c in released.cells)
    # A translation's solutions are the English ones with comments translated: look for both.
    hidden = _hidden_lines(read(solution_path(ch))) | _hidden_lines(read(solution_path(ch, lang)))
    leaked = {l for l in hidden if l in body}
    assert not leaked, f"solution or hidden-test text leaked into notebooks/{_edition(lang, ch)}: {sorted(leaked)[:5]}"


def test_leak_check_catches_a_leak():
    # The near-miss: a release that kept one solution line must be caught by the same logic.
    sol = read(solution_path(CHAPTERS[0]))
    line = sorted(_hidden_lines(sol))[0]
    assert line in "\n".join(c.source for c in sol.cells)
