"""Make submissions from a chapter's notebooks: the solution's answers, a blank one, a wrong one.

Tests, the demo class in ``course/samples`` and the grading benchmark all build their
submissions here, the way a student would: the released notebook with answer cells edited.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

_SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.S | re.M)


def read(path: str | Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def answer_ids(nb: nbformat.NotebookNode) -> list[str]:
    """grade_ids of the answer (solution) cells, in notebook order."""
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]


def graded_ids(nb: nbformat.NotebookNode) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


def solution_answers(solution_nb: nbformat.NotebookNode) -> dict[str, str]:
    """What a perfect student types in each answer cell: the prompt lines plus the solution text."""
    out = {}
    for c in solution_nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("solution") and c.cell_type == "code":
            out[meta["grade_id"]] = _SOLUTION.sub(lambda m: m.group(1), c.source).rstrip("\n")
    return out


def fill(release_nb: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with the given answer cells replaced; others keep their stub."""
    nb = copy.deepcopy(release_nb)
    unknown = set(answers) - set(answer_ids(nb))
    if unknown:
        raise KeyError(f"no answer cells named {sorted(unknown)}")
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers and c.metadata["nbgrader"].get("solution"):
            c.source = answers[gid]
    return nb


def write(nb: nbformat.NotebookNode, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path
