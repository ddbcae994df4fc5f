"""One result per graded notebook, written by the trusted side as soon as the notebook is graded.

``<course>/.autograder/results/<assignment>/<student>/<notebook>.json`` holds a :class:`NotebookResult`.
``grades.csv`` is made from these files, so a killed batch loses nothing already graded.
"""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .flags import status


@dataclasses.dataclass
class CheckVerdict:
    """What the judge decided for one ``check()`` call of a grade cell (the class report reads these)."""
    exercise: str  # "ch06.strides"
    hidden: bool
    passed: bool
    label: str | None = None  # the learner's expression, as the failure names it (may carry values)
    template: str | None = None  # the problem's msgid before formatting: no values
    hint: str | None = None  # the hint's first rung (the pointer), as feedback shows it
    message: str | None = None  # the whole failure, as the learner's feedback shows it


@dataclasses.dataclass
class CellResult:
    grade_id: str
    score: float | None  # None: a human must decide (the judge could not)
    max_score: float
    reason: str | None = None
    checks: list[CheckVerdict] = dataclasses.field(default_factory=list)  # in order, up to the first failure

    def __post_init__(self) -> None:
        self.checks = [v if isinstance(v, CheckVerdict) else CheckVerdict(**_known(CheckVerdict, v)) for v in self.checks]


@dataclasses.dataclass
class NotebookResult:
    score: float
    max_score: float
    flags: list[str] = dataclasses.field(default_factory=list)
    reason: str | None = None  # why grading could not finish; set means status "error"
    cells: list[CellResult] = dataclasses.field(default_factory=list)
    seconds: float | None = None  # in the sandbox
    judge_seconds: float | None = None  # in the trusted process

    @property
    def status(self) -> str:
        return status(self.flags, failed=self.reason is not None)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=1, default=str)

    @classmethod
    def from_json(cls, text: str) -> "NotebookResult":
        data: dict[str, Any] = json.loads(text)
        cells = [CellResult(**_known(CellResult, c)) for c in data.pop("cells", [])]
        return cls(cells=cells, **_known(cls, data))


def _known(cls: type, data: dict) -> dict:
    """The fields ``cls`` knows: a result file written by a newer version still loads."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def result_path(root: Path, assignment: str, student: str, notebook: str) -> Path:
    return Path(root) / ".autograder" / "results" / assignment / student / f"{notebook}.json"


def save(root: Path, assignment: str, student: str, notebook: str, result: NotebookResult) -> None:
    path = result_path(root, assignment, student, notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(result.to_json())
    os.replace(tmp, path)


def load(root: Path, assignment: str, student: str, notebook: str) -> NotebookResult | None:
    """The saved result, or None when there is none (or it is unreadable: then it is graded again)."""
    try:
        return NotebookResult.from_json(result_path(root, assignment, student, notebook).read_text())
    except (OSError, ValueError, TypeError):
        return None
