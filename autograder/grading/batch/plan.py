"""Which submissions a batch grades: every submitted folder of the assignments asked for."""
from __future__ import annotations

import dataclasses
import glob
from pathlib import Path

from ..results import result_path
from . import UsageError




@dataclasses.dataclass
class Plan:
    config: object
    notebooks: dict[str, list[str]]  # assignment -> its notebooks, from the gradebook
    maxima: dict[tuple[str, str], float]  # (assignment, notebook) -> max score
    work: list[tuple[str, str]]  # every (assignment, student) submitted
    todo: list[tuple[str, str]]  # the ones this run grades


def load_config(course: Path):
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def done(course: Path, assignment: str, student: str, notebooks: list[str]) -> bool:
    return all(result_path(course, assignment, student, nb).exists() for nb in notebooks)


def make_plan(course: Path, assignments: list[str], students: list[str] | None, force: bool) -> Plan:
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    cfg = load_config(course)
    cfg.CourseDirectory.root = str(course)
    coursedir = CourseDirectory(config=cfg)
    with Gradebook(coursedir.db_url) as gb:
        known = {a.name: [nb.name for nb in a.notebooks] for a in gb.assignments}
        maxima = {(a.name, nb.name): float(nb.max_score) for a in gb.assignments for nb in a.notebooks}
    work = []
    for a in assignments or sorted(known):
        if a not in known:
            raise UsageError(f"unknown assignment {a!r} (run nbgrader generate_assignment first)")
        for folder in sorted(glob.glob(coursedir.format_path(coursedir.submitted_directory, "*", a))):
            sid = Path(folder).parent.name
            if students is None or sid in students:
                work.append((a, sid))
    absent = sorted(set(students or []) - {s for _, s in work})
    if absent:
        raise UsageError(f"no submission from {', '.join(map(repr, absent))} (run nbgrader collect first?)")
    todo = [(a, s) for a, s in work if force or not done(course, a, s, known[a])]
    return Plan(cfg, known, maxima, work, todo)
