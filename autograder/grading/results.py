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
class CellResult:
    grade_id: str
    score: float | None  # None: a human must decide (the judge could not)
    max_score: float
    reason: str | None = None


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
        cells = [CellResult(**c) for c in data.pop("cells", [])]
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(cells=cells, **{k: v for k, v in data.items() if k in known})


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
