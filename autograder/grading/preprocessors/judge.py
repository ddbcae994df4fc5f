"""Judge: decide every grade cell in the trusted process, from the gradebook's source, its plan and its sealed answers."""
from __future__ import annotations

import json
from pathlib import Path

from nbformat import from_dict
from nbformat.v4 import new_code_cell, new_output
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from .. import judge as J
from ...checking.i18n import language_of, using
from ..flags import flag
from ..scan import scan_source


def _raw_structure(path: Path, trusted: dict[str, str]) -> list[str]:
    """Structural damage in the submitted file itself (before nbgrader's own repairs)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        cells = raw["cells"]
    except Exception:
        return [flag("corrupt-notebook")]
    flags, seen_gid, seen_id = [], {}, set()
    for c in cells if isinstance(cells, list) else []:
        if not isinstance(c, dict):
            continue
        cid = c.get("id")
        if isinstance(cid, str):
            if cid in seen_id:
                flags.append(flag("duplicate-cell-id", cid))
            seen_id.add(cid)
        meta = (c.get("metadata") or {}).get("nbgrader") if isinstance(c.get("metadata"), dict) else None
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        if isinstance(gid, str):
            seen_gid[gid] = seen_gid.get(gid, 0) + 1
            if gid in trusted and c.get("cell_type") != trusted[gid]:
                flags.append(flag("retyped-cell", gid))
    flags += [flag("duplicate-grade-id", g) for g, n in seen_gid.items() if n > 1]
    flags += [flag("missing-cell", g) for g in trusted if g not in seen_gid]
    return sorted(set(flags))


class Judge(NbGraderPreprocessor):
    """Decide every grade cell in this process, from the trusted source, its plan and its sealed answers."""

    def preprocess(self, nb, resources):
        g = resources["nbgrader"]
        info = resources.setdefault("autograder", {"sealed": {}, "reason": "the notebook was not executed by the engine",
                                                   "seed": 0, "flags": []})
        with Gradebook(g["db_url"]) as gb:
            notebook = gb.find_notebook(g["notebook"], g["assignment"])
            grade_cells = {c.name: (c.cell_type, float(c.max_score)) for c in notebook.grade_cells}
            sources = {c.name: c.source for c in notebook.source_cells}
        info["language"] = language_of(sources.values())
        coursedir = CourseDirectory(config=self.config)
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, g["student"], g["assignment"])) / f"{g['notebook']}.ipynb"
        flags = list(info["flags"]) + _raw_structure(submitted, {k: v[0] for k, v in grade_cells.items()})
        trusted_sources = set(sources.values())
        cells_out, present = [], set()
        for i, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            gid = meta.get("grade_id")
            if cell.cell_type == "code" and cell.source not in trusted_sources:
                flags += [flag("suspicious", r) for r in scan_source(cell.source)]
            if not meta.get("grade"):
                continue
            if gid not in grade_cells or gid in present:
                del cell.metadata["nbgrader"]
                flags.append(flag("unknown-grade-cell", gid))
                continue
            present.add(gid)
            kind, points = grade_cells[gid]
            if kind != "code":
                continue  # written answers are graded by hand
            if cell.cell_type != "code":
                nb.cells[i] = cell = new_code_cell(sources[gid], metadata=cell.metadata)
            cell.source = sources[gid]
            cells_out.append(self._judge(cell, i, gid, points, info, flags))
        for gid, (kind, points) in grade_cells.items():
            if kind == "code" and gid not in present:  # deleted or renamed: restore it, score 0, tell a human
                why = "this test cell was missing from the submission (deleted or renamed); it scores 0"
                cell = new_code_cell(sources.get(gid, ""), metadata={"nbgrader": {
                    "grade": True, "grade_id": gid, "locked": True, "points": points, "schema_version": 3,
                    "solution": False, "task": False}})
                cell.outputs = [new_output("error", ename="NotGraded", evalue=why, traceback=[f"NotGraded: {why}"])]
                nb.cells.append(cell)
                cells_out.append({"grade_id": gid, "score": 0.0, "max_score": points, "reason": why})
        info["cells"] = cells_out
        info["flags"] = sorted(set(flags))
        return nb, resources

    def _judge(self, cell, index: int, gid: str, points: float, info: dict, flags: list[str]) -> dict:
        checks = J.parse_checks(cell.source)
        if checks is None:  # not a check()-only cell: its outputs came from the sandbox, so a human must look
            flags.append(flag("untrusted-verdict", gid))
            return {"grade_id": gid, "score": None, "max_score": points, "reason": "not a check()-only test cell"}
        verdicts: list[dict] = []
        with using(info.get("language", "en")):  # the feedback speaks the notebook's language
            passed, outputs, why = J.judge_cell(checks, info["sealed"].get(index), info["seed"], verdicts)
        if why and why.startswith("judge-crash"):
            flags.append(flag("judge-crash", gid))
        # the judge's own outputs, built without validating each (nbconvert validates the whole notebook at the end)
        cell.outputs = [from_dict({"output_type": "stream", "name": "stdout", "text": o["text"]}) if o["output_type"] == "stream"
                        else from_dict({"output_type": "error", "ename": o["ename"], "evalue": o["evalue"],
                                        "traceback": o["traceback"]}) for o in outputs]
        return {"grade_id": gid, "score": points if passed else 0.0, "max_score": points, "reason": why, "checks": verdicts}

