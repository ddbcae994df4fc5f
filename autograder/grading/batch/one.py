"""Grade one submission: nbgrader's Autograde converter, under the submission's lock, saved as soon as done."""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from .. import results
from ..course import course_secret, locked
from ..flags import flag
from ..results import result_path
from .plan import Plan, done
from .report import row_for


class Converter:
    """One nbgrader Autograde converter for the whole batch, as nbgrader itself uses one."""

    def __init__(self, course: Path, plan: Plan):
        from nbconvert.writers import FilesWriter
        from nbgrader.converters import Autograde
        from nbgrader.coursedir import CourseDirectory

        self.course, self.plan, self.cfg = course, plan, plan.config
        logging.getLogger("Autograde").setLevel(logging.ERROR)
        self.ag = ag = Autograde(coursedir=CourseDirectory(config=self.cfg), config=self.cfg)
        ag.log.setLevel(logging.DEBUG if os.environ.get("AUTOGRADER_DEBUG") else logging.CRITICAL)
        ag.force = True
        ag.writer = FilesWriter(parent=ag, config=ag.config)
        ag.exporter = ag.exporter_class(parent=ag, config=ag.config)
        # nbconvert validates the whole notebook after each of the ~15 preprocessors; once, after the last, is
        # enough to refuse an invalid result (nbconvert's own setting; the writer validates again on save)
        ag.exporter.optimistic_validation = True

    def start_all(self, workers) -> None:
        """Every submission starts in the sandboxes now; :meth:`grade_one` takes them in order."""
        from nbgrader.coursedir import CourseDirectory

        from ..prefetch import prefetch
        from ..preprocessors import SandboxedExecute
        limits = SandboxedExecute(config=self.cfg).limits()
        coursedir, secret = CourseDirectory(config=self.cfg), course_secret(self.course)
        for a, s in self.plan.todo:
            for nb in self.plan.notebooks[a]:
                prefetch(coursedir, self.cfg, a, s, nb, secret, limits, workers)

    def grade_one(self, a: str, s: str, force: bool) -> dict:
        """Grade one submission under its lock; its grades.csv row as this run left it."""
        notebooks = self.plan.notebooks[a]
        with locked(self.course, a, s):
            if not force and done(self.course, a, s, notebooks):
                return row_for(self.course, a, s, notebooks)  # another run graded it while this one waited
            for nb in notebooks:
                result_path(self.course, a, s, nb).unlink(missing_ok=True)
            t_nb = time.monotonic()
            self.ag.coursedir.assignment_id, self.ag.coursedir.student_id = a, s
            try:
                self.ag.init_notebooks()
                self.ag.convert_notebooks()
            except Exception as exc:  # noqa: BLE001  nbgrader already removed the failed folder whole; say why, keep going
                if os.environ.get("AUTOGRADER_DEBUG"):
                    import traceback
                    traceback.print_exc()
                self._record_failure(a, s, exc)
            self._add_timing(a, s, time.monotonic() - t_nb)
            return row_for(self.course, a, s, notebooks)

    def _add_timing(self, a: str, s: str, seconds: float) -> None:
        """This process's share of a submission's time (sanitize, judge, save), beside the sandbox's."""
        notebooks = self.plan.notebooks[a]
        for nb in notebooks:
            result = results.load(self.course, a, s, nb)
            if result is not None:
                result.judge_seconds = round(seconds / len(notebooks), 3)
                results.save(self.course, a, s, nb, result)

    def _record_failure(self, a: str, s: str, exc: Exception) -> None:
        import nbformat
        for nb in self.plan.notebooks[a]:
            if not result_path(self.course, a, s, nb).exists():
                try:
                    nbformat.read(str(self.course / "submitted" / s / a / f"{nb}.ipynb"), as_version=4)
                    flags, why = [], f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
                except Exception as bad:  # noqa: BLE001
                    flags, why = [flag("corrupt-notebook")], f"the notebook is unreadable ({type(bad).__name__})"
                reason = f"could not grade {nb}: {why}"
                results.save(self.course, a, s, nb, results.NotebookResult(
                    score=0.0, max_score=self.plan.maxima.get((a, nb), 0.0), flags=flags, reason=reason))
