"""One vocabulary for what grading noticed about a submission, and whether a human must look.

A flag is a string ``kind`` or ``kind:detail`` (``missing-cell:ex1_make_grid_test``). Every kind
is declared once, here, with whether it sends the submission to a human: the judge, the
preprocessors, the result files and ``grades.csv`` all read :func:`needs_human` and :func:`status`.
A kind not declared here needs a human too, so a new flag is never silently ignored.
"""
from __future__ import annotations

import dataclasses
from typing import Iterable


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    human: bool  # the grade does not stand until a human has looked
    means: str


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("suspicious", True, "learner code reaches for the grader's machinery (static scan)"),
    Kind("untrusted-verdict", True, "a test cell that is not check()-only: its outputs came from the sandbox"),
    Kind("forged-tape", True, "recorded answers that the test's own checks did not write"),
    Kind("judge-crash", True, "the judge raised on these answers (a grader bug, or answers forged out of shape): scored 0"),
    Kind("missing-cell", True, "a grade cell was deleted or renamed: restored, scored 0"),
    Kind("retyped-cell", True, "a grade cell's type was changed"),
    Kind("duplicate-cell-id", True, "two cells share an id"),
    Kind("duplicate-grade-id", True, "two cells share a grade id: the last one is graded"),
    Kind("unknown-grade-cell", True, "a grade cell the gradebook does not know"),
    Kind("memory-limit", True, "a cell hit the memory limit"),
    Kind("cell-timeout", True, "a cell ran past its timeout and was interrupted"),
    Kind("killed-cell", True, "a cell killed its process (os._exit, a crash, an ignored interrupt): it scores 0, the others go on"),
    Kind("forged-record", True, "something in the learner's process sent records the recorder did not seal: they were not trusted"),
    Kind("tampering", True, "learner code reached for the recorder's internals (frames, gc, ctypes, patched namespaces, ...)"),
    Kind("grader-import", True, "learner code loaded grader-only code: that exercise earns no credit"),
    Kind("linked-file", True, "a link, device or fifo in the submission folder was dropped before grading"),
    Kind("corrupt-notebook", False, "the file is not a notebook: scored 0, status error"),
    Kind("no-sandbox", True, "graded without bubblewrap: learner code could read and write what the grader can"),
    Kind("no-process-limit", True, "graded with no limit on the number of processes (no pids cgroup, as root)"),
    Kind("error", False, "grading failed; the reason follows"),
)}


def flag(kind: str, detail: object = "") -> str:
    """The flag ``kind:detail``; ``kind`` must be declared in :data:`KINDS`."""
    if kind not in KINDS:
        raise KeyError(f"undeclared flag kind {kind!r}: declare it in autograder/grading/flags.py")
    detail = str(detail)
    return f"{kind}:{detail}" if detail else kind


def kind_of(text: str) -> str:
    return text.split(":", 1)[0].strip()


def needs_human(flags: Iterable[str]) -> bool:
    return any(KINDS.get(kind_of(f), Kind("", True, "")).human for f in flags)


def status(flags: Iterable[str], failed: bool) -> str:
    """``error`` when grading could not finish, ``flagged`` when a human must look, else ``graded``."""
    flags = list(flags)
    if failed:
        return "error"
    return "flagged" if needs_human(flags) else "graded"
