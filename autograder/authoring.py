"""Build a chapter's instructor notebook with correct nbgrader metadata.

The notebooks in ``solutions/`` are the source of truth and can be edited in
JupyterLab with nbgrader's Create Assignment toolbar. This helper only saves an
author from typing cell metadata by hand when a chapter is first written::

    nb = Chapter("ch01")
    nb.md("# Creating tensors")
    nb.code("x = torch.arange(12)")                       # locked, read-only
    nb.answer("ex1_make_grid", "def make_grid(r, c): ...")  # wrapped in BEGIN/END SOLUTION
    nb.test("ex1_make_grid", points=2)                     # check("ch01.make_grid") + hidden part
    nb.save("solutions/01_creating_tensors/01_creating_tensors.ipynb")
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = True,
          points: float | None = None) -> dict:
    m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
         "solution": solution, "task": False}
    if points is not None:
        m["points"] = points
    return {"nbgrader": m}


class Chapter:
    def __init__(self, prefix: str):
        self.prefix = prefix  # 'ch01': exercise names are f"{prefix}.{slug}"
        self.cells: list = []
        self._n = 0

    def _id(self, kind: str) -> str:
        self._n += 1
        return f"{kind}_{self._n:02d}"

    def md(self, text: str) -> None:
        cid = self._id("md")
        self.cells.append(new_markdown_cell(text.strip("\n"), metadata=_meta(cid), id=cid))

    def code(self, src: str) -> None:
        cid = self._id("code")
        self.cells.append(new_code_cell(src.strip("\n"), metadata=_meta(cid), id=cid))

    def answer(self, grade_id: str, solution: str, prompt: str = "") -> None:
        """An answer cell: ``prompt`` lines stay for the learner; ``solution`` is cleared."""
        src = (prompt.strip("\n") + "\n" if prompt.strip() else "")
        src += "### BEGIN SOLUTION\n" + solution.strip("\n") + "\n### END SOLUTION"
        self.cells.append(new_code_cell(src, metadata=_meta(grade_id, solution=True, locked=False), id=grade_id))

    def test(self, grade_id: str, points: float, slug: str | None = None) -> None:
        """The test cell of answer ``grade_id``: visible check, then hidden randomized check."""
        name = f"{self.prefix}.{slug or re.sub(r'^ex[0-9]+_', '', grade_id)}"
        src = (f"# Tests for your answer above ({points:g} point{'s' if points != 1 else ''}).\n"
               f"check(\"{name}\")\n"
               f"### BEGIN HIDDEN TESTS\n"
               f"check(\"{name}\", hidden=True)\n"
               f"### END HIDDEN TESTS")
        tid = f"{grade_id}_test"
        self.cells.append(new_code_cell(src, metadata=_meta(tid, grade=True, points=points), id=tid))

    def save(self, path: str | Path) -> None:
        nb = new_notebook(cells=self.cells, metadata={
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        })
        nbformat.validate(nb)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(path))
