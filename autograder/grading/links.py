"""Nothing a submission links to leaves the submission: links, devices and fifos are dropped before grading reads it.

nbgrader's autograde copies every file of ``submitted/<student>/<assignment>/`` into
``autograded/<student>/`` with ``shutil.copy``, which follows symlinks, and ``generate_feedback``
copies that folder again into ``feedback/<student>/``. A symlink to the course secret, the gradebook
or an instructor notebook would carry its target along; a hard link to a file outside the folder
would too; a fifo would block the copy. So before anything reads a submitted folder
(:func:`sanitize` runs when the engine starts a submission, and as nbgrader's ``pre_convert_hook``
under a plain ``nbgrader autograde``), every such entry is deleted from it and recorded, and the
submission is flagged ``linked-file`` for a human. The record lives in
``<course>/.autograder/dropped/<assignment>/<student>.json``, so a regrade still says so.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from .flags import flag


def _record(course: Path, assignment: str, student: str) -> Path:
    return Path(course) / ".autograder" / "dropped" / assignment / f"{student}.json"


def sanitize(folder: Path, course: Path) -> list[str]:
    """Drop every symlink, hard-linked file, device, fifo and socket under ``folder``; remember them.

    Returns the paths (relative to ``folder``) dropped now or by an earlier run."""
    folder = Path(folder)
    dropped: list[str] = []
    if folder.is_symlink() or not folder.is_dir():
        return dropped
    for top, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = Path(top) / name
            try:
                st = os.lstat(path)
            except OSError:
                continue
            kind = _odd(st)
            if kind is None:
                continue
            dropped.append(f"{path.relative_to(folder)} ({kind})")
            try:
                path.unlink()
            except IsADirectoryError:
                pass
            except OSError:
                dropped[-1] += " (could not be removed)"
        dirs[:] = [d for d in dirs if not (Path(top) / d).is_symlink()]
    record = _record(course, folder.name, folder.parent.name)
    earlier = load(course, folder.name, folder.parent.name)
    if dropped:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(sorted(set(earlier + dropped))))
    return sorted(set(earlier + dropped))


def _odd(st: os.stat_result) -> str | None:
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISREG(mode) and st.st_nlink > 1:
        return "hard link"
    return None


def load(course: Path, assignment: str, student: str) -> list[str]:
    try:
        got = json.loads(_record(course, assignment, student).read_text())
    except (OSError, ValueError):
        return []
    return [str(x) for x in got] if isinstance(got, list) else []


def flags(course: Path, assignment: str, student: str) -> list[str]:
    """The submission's ``linked-file`` flags, one per dropped entry."""
    return [flag("linked-file", entry) for entry in load(course, assignment, student)]


def pre_convert_hook(course: str | Path) -> Any:
    """nbgrader's ``Autograde.pre_convert_hook`` for ``course``: sanitize the folder of the notebooks about to be graded."""
    def hook(assignment: str | None = None, student: str | None = None, notebooks: Any = (), **_: Any) -> None:
        for folder in {Path(nb).parent for nb in notebooks or ()}:
            sanitize(folder, Path(course))
    return hook
