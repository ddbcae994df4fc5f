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


def leaks(released, solutions) -> list[str]:
    """What a released notebook gives away: region markers, outputs, lines of solutions or hidden tests."""
    found = [m for m in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS") if any(m in c.source for c in released.cells)]
    found += [f"outputs in cell {i}" for i, c in enumerate(released.cells) if c.cell_type == "code" and c.get("outputs")]
    body = "\n".join(c.source for c in released.cells)
    hidden = set().union(*(_hidden_lines(nb) for nb in solutions))
    return found + sorted(line for line in hidden if line in body)


@pytest.mark.parametrize("lang,ch", EDITIONS, ids=[_edition(*e) for e in EDITIONS])
def test_release_leaks_nothing(lang, ch):
    # A translation's solutions are the English ones with comments translated: look for both.
    found = leaks(read(release_path(ch, lang)), [read(solution_path(ch)), read(solution_path(ch, lang))])
    assert not found, f"notebooks/{_edition(lang, ch)} gives away: {found[:5]}"


def _doctored(ch: str, region: str):
    """The real release of ``ch`` with one line of a solution (or hidden test) left in the cell it came from,
    and that line."""
    sol, release = read(solution_path(ch)), read(release_path(ch))
    for cell in sol.cells:
        for block in re.findall(rf"### BEGIN {region}\n(.*?)### END", cell.source, re.S):
            line = max(block.splitlines(), key=len)
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            target = next(c for c in release.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
            assert line.strip() not in target.source
            target.source += "\n" + line
            return release, line.strip()
    raise AssertionError(f"{ch} has no {region} region")


@pytest.mark.parametrize("region", ["SOLUTION", "HIDDEN TESTS"])
def test_the_leak_check_catches_a_doctored_release(region):
    ch = CHAPTERS[0]
    assert leaks(read(release_path(ch)), [read(solution_path(ch))]) == []  # the real release passes...
    release, line = _doctored(ch, region)
    assert leaks(release, [read(solution_path(ch))]) == [line]  # ...and the same with one line kept fails
    release.cells[0].source += f"\n### BEGIN {region}"
    code = next(c for c in release.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    assert leaks(release, [read(solution_path(ch))])[:2] == [
        "BEGIN SOLUTION" if region == "SOLUTION" else "BEGIN HIDDEN TESTS", f"outputs in cell {release.cells.index(code)}"]
