"""What a class report is made of, read from what grading saved: one result file per graded notebook.

Nothing here runs learner code or reads a submission: only ``<course>/.autograder/results/``
(written by the trusted side, :mod:`autograder.grading.results`), the names of the submitted
folders, and the course's source notebooks for the order of the grade cells.
"""
from __future__ import annotations

import collections
import dataclasses
import glob
import json
import re
import string
from pathlib import Path

from .. import results as R
from ..flags import KINDS, kind_of

NO_VERDICT = "lost points without a saved verdict (graded before verdicts were kept: regrade with --force)"
VARIES = "…"  # a placeholder whose value differs within a group


class NothingToReport(Exception):
    """No submission, or no graded submission: the report says so instead of writing an empty page."""


@dataclasses.dataclass
class Group:
    """Submissions that failed an exercise the same way: the same check, message template and hint."""
    check: str  # the exercise's registered name, e.g. "ch06.strides" ("" when the judge kept none)
    template: str
    hint: str | None
    labels: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    messages: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    values: dict[str, set] = dataclasses.field(default_factory=dict)  # placeholder -> the values it took

    def add(self, label: str, message: str) -> None:
        self.labels[label] += 1
        self.messages[message] += 1
        problem = message.split("\n", 1)[0].removeprefix(f"{label}: ") if label else ""
        fields = _fields(self.template, problem)
        for name in _placeholders(self.template):
            self.values.setdefault(name, set()).add(None if fields is None else fields.get(name))

    @property
    def count(self) -> int:
        return sum(self.labels.values())

    @property
    def label(self) -> str:
        """The label most of the group's failures carry (labels may hold values, so they never split a group)."""
        return _most_common(self.labels)

    @property
    def example(self) -> str:
        return _most_common(self.messages)

    def text(self) -> str:
        """The template, each placeholder filled where the whole group agrees on its value, else '…'."""
        out = []
        for literal, name in _parse(self.template):
            out.append(literal)
            if name is not None:
                seen = self.values.get(name, {None})
                out.append(next(iter(seen)) if len(seen) == 1 and None not in seen else VARIES)
        return "".join(out)

    def title(self) -> str:
        return f"{self.label}: {self.text()}" if self.label else self.text()


@dataclasses.dataclass
class Exercise:
    notebook: str
    grade_id: str
    name: str  # the CSV's ``exercise``: the grade cell's id (notebook/id when the assignment has several notebooks)
    max_points: float = 0.0
    full: int = 0
    partial: int = 0
    zero: int = 0
    awaiting: int = 0  # cells the judge could not decide: a human must
    points: float = 0.0
    groups: dict[tuple, Group] = dataclasses.field(default_factory=dict)

    @property
    def students(self) -> int:
        return self.full + self.partial + self.zero

    @property
    def mean(self) -> float | None:
        return self.points / self.students if self.students else None

    @property
    def lost(self) -> float:
        return self.max_points * self.students - self.points

    def failures(self) -> list[Group]:
        """Most common first; ties in a fixed order, so the report is the same on every run."""
        return sorted(self.groups.values(), key=lambda g: (-g.count, g.check, g.template, g.hint or ""))


@dataclasses.dataclass
class Submission:
    student: str
    results: dict[str, R.NotebookResult]  # notebook -> its result
    missing: list[str]  # notebooks of the assignment without a result

    @property
    def graded(self) -> bool:
        return not self.missing

    @property
    def score(self) -> float:
        return sum(r.score or 0.0 for r in self.results.values())

    @property
    def max_score(self) -> float:
        return sum(r.max_score or 0.0 for r in self.results.values())

    @property
    def status(self) -> str:
        if self.missing:
            return "not graded"
        states = {r.status for r in self.results.values()}
        return "error" if "error" in states else "flagged" if "flagged" in states else "graded"

    def problems(self) -> list[str]:
        """Why this submission needs a human: each notebook's reason and flags, in words."""
        out = [f"{nb}: not graded yet" for nb in self.missing]
        for nb, res in sorted(self.results.items()):
            if res.reason:
                out.append(f"{nb}: {res.reason}")
            for f in sorted(set(res.flags)):
                kind = KINDS.get(kind_of(f))
                if kind is None or kind.human or res.reason:
                    out.append(f"{nb}: {f}" + (f" ({kind.means})" if kind else ""))
        return out


@dataclasses.dataclass
class Assignment:
    name: str
    notebooks: list[str]
    submitted: list[str]  # students with a submitted folder
    submissions: list[Submission]  # every student with a submission or a result, sorted
    exercises: list[Exercise]  # in notebook order

    @property
    def graded(self) -> list[Submission]:
        return [s for s in self.submissions if s.graded]

    @property
    def max_score(self) -> float:
        return max((s.max_score for s in self.graded), default=0.0)


def _most_common(counter: collections.Counter) -> str:
    return min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counter else ""


def assignment_names(course: Path, coursedir) -> list[str]:
    """Every assignment with a result or a submitted folder."""
    names = {p.name for p in (course / ".autograder" / "results").glob("*") if p.is_dir()}
    names |= {Path(p).name for p in glob.glob(coursedir.format_path(coursedir.submitted_directory, "*", "*"))}
    return sorted(names)


def gather(course: Path, coursedir, assignment: str) -> Assignment:
    """Read every saved result of ``assignment``; raises :class:`NothingToReport` when there is none."""
    submitted = sorted(Path(p).parent.name for p in
                       glob.glob(coursedir.format_path(coursedir.submitted_directory, "*", assignment)))
    root = course / ".autograder" / "results" / assignment
    files = sorted(root.glob("*/*.json"))
    if not files:
        where = coursedir.format_path(coursedir.submitted_directory, "*", assignment)
        if not submitted:
            raise NothingToReport(f"no submissions for {assignment!r} ({where} matches nothing): "
                                  f"nothing to report (collect the submissions first: nbgrader collect {assignment})")
        raise NothingToReport(f"{assignment!r} was never graded: {len(submitted)} submissions, no results in {root} "
                              f"(run: autograder grade {assignment} --course {course})")
    found: dict[str, dict[str, R.NotebookResult]] = {}
    for path in files:
        res = R.load(course, assignment, path.parent.name, path.stem)
        if res is not None:  # an unreadable file counts as not graded
            found.setdefault(path.parent.name, {})[path.stem] = res
    notebooks = sorted({nb for by_nb in found.values() for nb in by_nb} |
                       {p.stem for p in files})
    students = sorted(set(submitted) | {p.parent.name for p in files})
    subs = [Submission(s, found.get(s, {}), [nb for nb in notebooks if nb not in found.get(s, {})]) for s in students]
    if not any(s.graded for s in subs):
        raise NothingToReport(f"{assignment!r} has no readable results in {root}: regrade it "
                              f"(autograder grade {assignment} --course {course} --force)")
    exercises = _exercises(coursedir, assignment, notebooks, [s for s in subs if s.graded])
    return Assignment(assignment, notebooks, submitted, subs, exercises)


def _source_order(coursedir, assignment: str, notebook: str) -> list[str]:
    """The grade cells' ids in the course's source notebook, or [] when it is not there."""
    path = Path(coursedir.format_path(coursedir.source_directory, ".", assignment)) / f"{notebook}.ipynb"
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return [c["metadata"]["nbgrader"]["grade_id"] for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []  # no readable source: the order grading saw


def _exercises(coursedir, assignment: str, notebooks: list[str], graded: list[Submission]) -> list[Exercise]:
    out: list[Exercise] = []
    for nb in notebooks:
        order = {gid: i for i, gid in enumerate(_source_order(coursedir, assignment, nb))}
        seen: dict[str, Exercise] = {}
        for sub in graded:  # sorted by student: a cell unknown to the source comes in a fixed place
            for cell in sub.results[nb].cells:
                ex = seen.setdefault(cell.grade_id, Exercise(nb, cell.grade_id, cell.grade_id if len(notebooks) == 1
                                                             else f"{nb}/{cell.grade_id}"))
                _count(ex, cell, sub.student)
        out += sorted(seen.values(), key=lambda e: (order.get(e.grade_id, len(order)), list(seen).index(e.grade_id)))
    return out


def _count(ex: Exercise, cell: R.CellResult, student: str) -> None:
    ex.max_points = max(ex.max_points, float(cell.max_score))
    if cell.score is None:
        ex.awaiting += 1
        return
    score = float(cell.score)
    ex.points += score
    if score >= cell.max_score:
        ex.full += 1
        return
    if score > 0:
        ex.partial += 1
    else:
        ex.zero += 1
    failed = [v for v in cell.checks if not v.passed]
    if failed:
        v = failed[-1]
        key, label, message = (v.exercise, v.template or "", v.hint), v.label or "", v.message or ""
    else:
        # no verdict (a deleted cell, a result from before verdicts were kept): the reason, braces as text
        why = (cell.reason or NO_VERDICT).replace("{", "{{").replace("}", "}}")
        key, label, message = ("", why, None), "", cell.reason or ""
    ex.groups.setdefault(key, Group(*key)).add(label, _anonymised(message, student))


def _parse(template: str) -> list[tuple[str, str | None]]:
    """(literal text, placeholder or None) pairs; a malformed template is all literal."""
    try:
        return [(literal, name) for literal, name, _spec, _conv in string.Formatter().parse(template)]
    except ValueError:
        return [(template, None)]


def _placeholders(template: str) -> list[str]:
    return [name for _, name in _parse(template) if name is not None]


def _fields(template: str, problem: str) -> dict[str, str] | None:
    """The values a problem text gives its template's placeholders, or None when it does not fit it."""
    pattern, names = "", []
    for literal, name in _parse(template):
        pattern += re.escape(literal)
        if name is not None:
            pattern += f"(?P<f{len(names)}>.*?)"
            names.append(name)
    m = re.fullmatch(pattern, problem, re.S)
    return None if m is None else {name: m.group(f"f{i}") for i, name in enumerate(names)}


def _anonymised(message: str, student: str) -> str:
    """The example shows what went wrong, never whose work it was."""
    return message.replace(student, "[student]") if len(student) >= 3 else message
