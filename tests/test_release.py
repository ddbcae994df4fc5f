"""notebooks/ is exactly what `make release` produces now, and leaks nothing from solutions."""
from __future__ import annotations

import json
import re

import nbformat
import pytest

from autograder.tools.submissions import read
from conftest import CHAPTERS, EDITIONS, release_path, solution_path


def _cells(path):
    nb = json.loads(path.read_text())
    return nb["cells"], nb["metadata"]


def _edition(lang, ch):
    return f"{lang}/{ch}" if lang else ch


@pytest.mark.parametrize("lang,ch", EDITIONS, ids=[_edition(*e) for e in EDITIONS])
def test_release_is_in_sync(lang, ch, released):
    out = released(lang) / "notebooks" / (lang or "")  # what `make release` makes now: conftest.released
    fresh = out / ch / f"{ch}.ipynb"
    assert _cells(fresh) == _cells(release_path(ch, lang)), \
        f"notebooks/{_edition(lang, ch)} is stale: run `make release` and commit it"
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


def leaks(released, solutions) -> list[str]:
    """What a released notebook gives away: region markers, outputs, lines of solutions or hidden tests."""
    found = [m for m in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS") if any(m in c.source for c in released.cells)]
    found += [f"outputs in cell {i}" for i, c in enumerate(released.cells) if c.cell_type == "code" and c.get("outputs")]
    body = "\n".join(c.source for c in released.cells)
    hidden = set().union(*(_hidden_lines(nb) for nb in solutions)) - set().union(*(_given_lines(nb) for nb in solutions))
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


def test_given_code_does_not_excuse_the_solution():
    # chapter 09 gives worked code (its `Value`, `+`); most of its solution lines are still guarded
    sol = read(solution_path("09_mini_autograd"))
    guarded = _hidden_lines(sol) - _given_lines(sol)
    assert len(guarded) >= 40 and "stack.extend((c, False) for c in reversed(v._prev))" in guarded
