"""The grading process's warm worker pool, and submissions started in it ahead of nbgrader.

nbgrader converts one notebook at a time; the engine starts every submission of a batch in
the sandboxes at once (:func:`prefetch`), and :class:`~.preprocessors.SandboxedExecute`
picks each result up when nbgrader gets to it.
"""
from __future__ import annotations

import atexit
import glob
import os
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.coursedir import CourseDirectory

from . import judge as J
from . import links
from .course import assignment_files, course_root, course_secret
from .sandbox import Limits
from .plan import make_job
from .worker import Pool

_LOCK = threading.Lock()
_POOL: dict[str, Any] = {}
PREFETCHED: dict[tuple[str, str, str], tuple[list, dict, Future]] = {}  # key: (code cell sources, plans, result)


def pool(jobs: int = 1) -> Pool:
    """The process's worker pool (started on first use, closed at exit)."""
    with _LOCK:
        if "pool" not in _POOL:
            root = Path(os.environ.get("AUTOGRADER_WORKDIR") or f"/tmp/autograder-{os.getpid()}")
            _POOL["pool"] = Pool(jobs, root)
            atexit.register(_POOL["pool"].close)
        return _POOL["pool"]


def sources(nb) -> list:
    """What identifies a notebook's run: its code cells' sources, in order."""
    return [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def prefetch(coursedir, cfg, a: str, s: str, nb_name: str, secret: bytes, limits: Limits, workers: Pool) -> None:
    """Start one submission in the sandboxes now, sanitized exactly as nbgrader will sanitize it."""
    from nbgrader.converters import Autograde
    folder = Path(coursedir.format_path(coursedir.submitted_directory, s, a))
    links.sanitize(folder, Path(coursedir.root))  # before anything reads it: what it links to stays out
    try:
        nb = nbformat.read(str(folder / f"{nb_name}.ipynb"), as_version=4)
        resources = {"nbgrader": {"student": s, "assignment": a, "notebook": nb_name, "db_url": coursedir.db_url}}
        for pp in Autograde(config=cfg).sanitize_preprocessors:
            nb, resources = pp(config=cfg).preprocess(nb, resources)
    except Exception:
        return  # nbgrader's own run will meet the same problem and report it
    files = assignment_files(folder)
    files.update(assignment_files(Path(coursedir.format_path(coursedir.source_directory, ".", a))))
    files = {k: v for k, v in files.items() if not k.endswith(".ipynb") or k == f"{nb_name}.ipynb"}
    job, plans = make_job(nb, J.hidden_seed(secret, s, a, nb_name), files, limits)
    PREFETCHED[(s, a, nb_name)] = (sources(nb), plans, workers.submit(job))


def _prefetch_class(config, assignment: str, notebook: str, limits: Limits, workers: Pool) -> None:
    """Under a plain ``nbgrader autograde``: start every submission of this notebook at once, so the
    workers run ahead while nbgrader converts them one by one (it asks in sorted student order)."""
    coursedir = CourseDirectory(config=config)
    pattern = coursedir.format_path(coursedir.submitted_directory, coursedir.student_id or "*", assignment)
    secret = course_secret(course_root(config))
    for folder in sorted(glob.glob(pattern)):
        student = Path(folder).parent.name
        if (student, assignment, notebook) not in PREFETCHED:
            prefetch(coursedir, config, assignment, student, notebook, secret, limits, workers)


_CLASS_STARTED: set = set()

