"""Two of nbgrader's gradebook preprocessors with fewer round trips; what they store is unchanged.

* nbgrader's OverwriteCells looks up each cell of the submission in the gradebook twice (its
  source cell, its graded cell): ~90 queries per notebook, twice per submission when the engine
  prefetches. :class:`OverwriteCellsOnce` answers the same lookups from one query per notebook,
  then runs nbgrader's own per-cell code unchanged (cell type, lock, points, checksum, source).
* nbgrader's SaveAutoGrades looks up each grade and comment row with a query of six joins, and
  commits once per grade or solution cell (~30 per notebook). :class:`SaveAutoGradesOnce` answers
  those lookups from two queries per notebook, runs its per-cell code unchanged and commits once
  per notebook, so a notebook's grades are saved together or (if grading fails halfway) not at all.

Both mirror nbgrader 0.9.6's ``preprocess`` (see :mod:`.speedups`); on another nbgrader they are
nbgrader's own classes.
"""
from __future__ import annotations

from nbgrader.api import BaseCell, Comment, Grade, Gradebook, MissingEntry
from nbgrader.preprocessors import OverwriteCells, SaveAutoGrades

from .speedups import active


class _Answering:
    """A Gradebook that answers some lookups itself; everything else goes to the gradebook, closed on exit."""

    _gb: Gradebook

    def __getattr__(self, name: str):
        return getattr(self._gb, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._gb.close()


class _NotebookCells(_Answering):
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


class _SubmittedRows(_Answering):
    """A Gradebook whose ``find_grade``/``find_comment`` for one submitted notebook are answered from two
    queries (nbgrader asks once per cell); everything else goes to the gradebook itself."""

    # nbgrader's find_grade tries a grade cell before a task cell of that name; find_comment a solution cell
    PREFER = {Grade: ("TaskCell", "GradeCell"), Comment: ("TaskCell", "SolutionCell")}

    def __init__(self, gb, notebook: str, assignment: str, student: str):
        self._gb, self._key = gb, (notebook, assignment, student)
        try:
            submitted = gb.find_submission_notebook(notebook, assignment, student).id
        except MissingEntry:
            submitted = None
        self._rows = {table: self._load(table, submitted) for table in self.PREFER}

    def _load(self, table, submitted) -> dict:
        rows = self._gb.db.query(BaseCell.type, BaseCell.name, table).join(BaseCell, BaseCell.id == table.cell_id) \
            .filter(table.notebook_id == submitted).all() if submitted else []
        order = self.PREFER[table]
        return {name: row for kind, name, row in sorted((r for r in rows if r[0] in order), key=lambda r: order.index(r[0]))}

    def _find(self, table, name: str, notebook: str, assignment: str, student: str):
        found = self._rows[table].get(name) if (notebook, assignment, student) == self._key else None
        if found is None:  # not one of this notebook's rows: nbgrader's own query, and its MissingEntry
            return getattr(self._gb, f"find_{table.__name__.lower()}")(name, notebook, assignment, student)
        return found

    def find_grade(self, name: str, notebook: str, assignment: str, student: str):
        return self._find(Grade, name, notebook, assignment, student)

    def find_comment(self, name: str, notebook: str, assignment: str, student: str):
        return self._find(Comment, name, notebook, assignment, student)


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
    """nbgrader's SaveAutoGrades, unchanged but for two queries and one commit per notebook instead of
    two queries and a commit per cell."""

    def preprocess(self, nb, resources):
        if not active():
            return super().preprocess(nb, resources)
        g = resources["nbgrader"]
        self.notebook_id, self.assignment_id = g["notebook"], g["assignment"]
        self.student_id, self.db_url = g["student"], g["db_url"]
        with _SubmittedRows(Gradebook(self.db_url), self.notebook_id, self.assignment_id, self.student_id) as gb:
            self.gradebook = gb
            gb.db = session = _OneCommit(gb._gb.db)  # the per-cell code sees this; close() the real session
            nb, resources = super(SaveAutoGrades, self).preprocess(nb, resources)  # nbgrader's own per-cell code
            session.commit_now()
        return nb, resources
