"""SaveVerdict: one result file per notebook as soon as it is graded; flagged work marked for a human."""
from __future__ import annotations

from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from .. import results
from ..course import course_root
from ..flags import needs_human


class SaveVerdict(NbGraderPreprocessor):
    """Write this notebook's result (score, status, flags) as soon as it is graded; mark flagged work for a human."""

    def preprocess(self, nb, resources):
        g = resources["nbgrader"]
        info = resources.get("autograder", {})
        flags = info.get("flags", [])
        with Gradebook(g["db_url"]) as gb:
            sub = gb.find_submission_notebook(g["notebook"], g["assignment"], g["student"])
            if needs_human(flags):
                for grade in sub.grades:
                    grade.needs_manual_grade = True
                gb.db.commit()
            score, max_score = float(sub.score), float(sub.max_score)
        result = results.NotebookResult(score=score, max_score=max_score, flags=list(flags), reason=info.get("reason"),
                                        cells=[results.CellResult(**c) for c in info.get("cells", [])],
                                        seconds=info.get("seconds"))
        results.save(course_root(self.config), g["assignment"], g["student"], g["notebook"], result)
        return nb, resources

