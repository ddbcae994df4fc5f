"""Where a course keeps its grading state: its root, the hidden tests' secret, its locks, the files beside a notebook.

Everything here lives in the course folder, out of the sandbox's sight.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import tempfile
from pathlib import Path
from typing import Iterator

from nbgrader.coursedir import CourseDirectory


def course_root(config) -> Path:
    return Path(CourseDirectory(config=config).root)


def course_secret(root: Path) -> bytes:
    """The key of the hidden tests' seeds; it lives with the gradebook, out of the sandbox's sight.

    The first run writes it whole to a private temp file and links it into place: two first runs
    never crash, never read a half-written key, and agree on the one that was linked first."""
    path = root / ".autograder-secret"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=root, prefix=".autograder-secret.", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
            os.link(tmp, path)  # fails if another run linked its key first: then that one is the key
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_bytes().strip()


@contextlib.contextmanager
def locked(course: Path, *name: str) -> Iterator[None]:
    """Hold the course-wide lock ``<course>/.locks/<name...>.lock`` (between processes, and threads)."""
    path = course.joinpath(".locks", *name[:-1], f"{name[-1]}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def assignment_files(folder: Path, limit: int = 50 << 20) -> dict[str, bytes]:
    """Regular files beside the notebook (data a chapter may read), up to ``limit`` bytes."""
    files, total = {}, 0
    for p in sorted(folder.iterdir()) if folder.is_dir() else []:
        if p.is_file() and not p.is_symlink() and not p.name.startswith("."):
            size = p.stat().st_size
            if total + size <= limit:
                files[p.name] = p.read_bytes()
                total += size
    return files
