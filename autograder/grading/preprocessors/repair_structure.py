"""RepairStructure: nbgrader's DeduplicateIds, without aborting the notebook."""
from __future__ import annotations

from nbgrader.api import Assignment, Gradebook, Notebook, SourceCell
from nbgrader.preprocessors import NbGraderPreprocessor


class RepairStructure(NbGraderPreprocessor):
    """Replaces nbgrader's DeduplicateIds in sanitizing: a duplicated or unknown grade id loses its
    nbgrader metadata entirely (nbgrader's own ``{}`` makes CheckCellMetadata abort the notebook).
    Like nbgrader, the last copy of a duplicated cell is the one kept; the judge flags both cases."""

    def preprocess(self, nb, resources):
        g = resources["nbgrader"]
        with Gradebook(g["db_url"]) as gb:  # the names alone: loading 45 whole source cells was most of this step
            known = {name for (name,) in gb.db.query(SourceCell.name)
                     .join(Notebook, Notebook.id == SourceCell.notebook_id)
                     .join(Assignment, Assignment.id == Notebook.assignment_id)
                     .filter(Notebook.name == g["notebook"], Assignment.name == g["assignment"])}
        seen: set = set()
        for cell in reversed(nb.cells):
            meta = cell.metadata.get("nbgrader")
            if meta is None:
                continue
            gid = meta.get("grade_id") if isinstance(meta, dict) else None
            if gid not in known or gid in seen:
                del cell.metadata["nbgrader"]
            else:
                seen.add(gid)
        return nb, resources

