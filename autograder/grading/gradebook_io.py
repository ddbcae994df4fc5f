"""Two of nbgrader's gradebook preprocessors with fewer round trips; what they store is unchanged.

* nbgrader's OverwriteCells looks up each cell of the submission in the gradebook twice (its
  source cell, its graded cell): ~90 queries per notebook, twice per submission when the engine
  prefetches. :class:`OverwriteCellsOnce` answers the same lookups from one query per notebook,
  then runs nbgrader's own per-cell code unchanged (cell type, lock, points, checksum, source).
* nbgrader's SaveAutoGrades commits once per grade or solution cell (~30 per notebook).
  :class:`SaveAutoGradesOnce` runs its per-cell code unchanged and commits once per notebook, so a
  notebook's grades are saved together or (if grading fails halfway) not at all.

Both mirror nbgrader 0.9.6's ``preprocess`` (see :mod:`.speedups`); on another nbgrader they are
nbgrader's own classes.
"""
from __future__ import annotations

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import OverwriteCells, SaveAutoGrades

from .speedups import active


class _NotebookCells:
    """A Gradebook whose ``find_source_cell``/``find_graded_cell`` for one notebook are answered from
    one query (nbgrader asks once per cell); everything else goes to the gradebook itself."""

    def __init__(self, gb, notebook: str, assignment: str):
        self._gb, self._key = gb, (notebook, assignment)
        try:
            nb = gb.find_notebook(notebook, assignment)
            self._source = {c.name: c for c in nb.source_cells}
            self._graded = {**{c.name: c for c in nb.task_cells}, **{c.name: c for c in nb.grade_cells}}
        except MissingEntry:
            self._source, self._graded = {}, {}

    def _find(self, table: dict, kind: str, name: str, notebook: str, assignment: str):
        if (notebook, assignment) != self._key:
            return getattr(self._gb, f"find_{kind}")(name, notebook, assignment)
        if name not in table:
            raise MissingEntry(f"No such {kind.replace('_', ' ')}: {assignment}/{notebook}/{name}")
        return table[name]

    def find_source_cell(self, name: str, notebook: str, assignment: str):
        return self._find(self._source, "source_cell", name, notebook, assignment)

    def find_graded_cell(self, name: str, notebook: str, assignment: str):
        return self._find(self._graded, "graded_cell", name, notebook, assignment)

    def __getattr__(self, name: str):
        return getattr(self._gb, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._gb.close()


class OverwriteCellsOnce(OverwriteCells):
    """nbgrader's OverwriteCells, unchanged but for one query per notebook instead of two per cell."""

    def preprocess(self, nb, resources):
        if not active():
            return super().preprocess(nb, resources)
        g = resources["nbgrader"]
        self.notebook_id, self.assignment_id, self.db_url = g["notebook"], g["assignment"], g["db_url"]
        self.gradebook = _NotebookCells(Gradebook(self.db_url), self.notebook_id, self.assignment_id)
        with self.gradebook:
            nb, resources = super(OverwriteCells, self).preprocess(nb, resources)  # nbgrader's own per-cell checks
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class _OneCommit:
    """The gradebook's session with ``commit`` deferred to :meth:`commit_now`."""

    def __init__(self, session):
        self._session = session

    def commit(self) -> None:
        pass

    def commit_now(self) -> None:
        self._session.commit()

    def __getattr__(self, name: str):
        return getattr(self._session, name)


class SaveAutoGradesOnce(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, unchanged but for one commit per notebook instead of one per cell."""

    def preprocess(self, nb, resources):
        if not active():
            return super().preprocess(nb, resources)
        g = resources["nbgrader"]
        self.notebook_id, self.assignment_id = g["notebook"], g["assignment"]
        self.student_id, self.db_url = g["student"], g["db_url"]
        self.gradebook = Gradebook(self.db_url)
        with self.gradebook:
            session = self.gradebook.db = _OneCommit(self.gradebook.db)
            nb, resources = super(SaveAutoGrades, self).preprocess(nb, resources)  # nbgrader's own per-cell code
            session.commit_now()
            self.gradebook.db = session._session  # close() removes the real session
        return nb, resources
