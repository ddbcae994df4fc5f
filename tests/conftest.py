"""Shared fixtures: the repo's chapters, and a throwaway copy of the course for real nbgrader runs."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(p.name for p in (REPO / "solutions").glob("[0-9][0-9]_*") if p.is_dir())
VENV_BIN = str(Path(sys.executable).parent)
# The course's other languages: an nbgrader course each, in course/<lang>/, whose source/ holds the
# instructor notebooks generated from solutions/ and i18n/<lang>/ for the chapters translated so far.
LANGS = ("zh-CN",)
TRANSLATED = {lang: sorted(p.name for p in (REPO / "course" / lang / "source").glob("[0-9][0-9]_*")) for lang in LANGS}
# (lang, chapter) for every student notebook the course releases; lang None is the English course.
EDITIONS = [(None, ch) for ch in CHAPTERS] + [(lang, ch) for lang in LANGS for ch in TRANSLATED[lang]]


def solution_path(ch: str, lang: str | None = None) -> Path:
    if lang:
        return REPO / "course" / lang / "source" / ch / f"{ch}.ipynb"
    return REPO / "solutions" / ch / f"{ch}.ipynb"


def release_path(ch: str, lang: str | None = None) -> Path:
    return REPO / "notebooks" / (lang or "") / ch / f"{ch}.ipynb"


def require(available: bool, what: str) -> None:
    """Skip a test where ``what`` is missing, except in CI (``CI`` set): .ci/run installs it there, so it fails."""
    if not available:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is missing, and CI must have it (.ci/run installs it)", pytrace=False)
        pytest.skip(f"{what} is missing")


def run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run a real command (nbgrader, jupyter) with the venv first on PATH, as the Makefile does."""
    env = {**os.environ, "PATH": VENV_BIN + os.pathsep + os.environ.get("PATH", "")}
    env.pop("AUTOGRADER_MODE", None)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return proc


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A private course root with the real config and a copy of the instructor notebooks."""
    return course_in(tmp_path, None)


def course_in(tmp_path: Path, lang: str | None, chapters: list[str] | None = None) -> Path:
    """A private course root for ``lang`` (None: English) with the real configs and instructor notebooks
    (of ``chapters`` only, when given)."""
    keep = None if chapters is None else (lambda folder, names: [n for n in names if n not in chapters and
                                                                 folder.endswith(("solutions", "source"))])
    shutil.copytree(REPO / "solutions", tmp_path / "solutions", ignore=keep)
    (tmp_path / "course").mkdir()
    shutil.copy(REPO / "course" / "nbgrader_config.py", tmp_path / "course" / "nbgrader_config.py")
    if not lang:
        return tmp_path / "course"
    shutil.copytree(REPO / "course" / lang / "source", tmp_path / "course" / lang / "source", ignore=keep)
    shutil.copy(REPO / "course" / lang / "nbgrader_config.py", tmp_path / "course" / lang / "nbgrader_config.py")
    return tmp_path / "course" / lang


def copy_of(root: Path, dest: Path, lang: str | None = None) -> Path:
    """A private copy in ``dest`` of a course root that ``released`` made: its course folder, to submit and grade."""
    shutil.copytree(root, dest, dirs_exist_ok=True)
    return dest / "course" / (lang or "")


def release_key(lang: str | None, chapters: list[str] | None) -> str:
    """A name for a release of ``chapters`` (None: every chapter of that language) in ``lang`` (None: English)."""
    every = CHAPTERS if lang is None else TRANSLATED[lang]
    return f"{lang or 'en'}-" + ("all" if chapters is None or sorted(chapters) == every else "+".join(sorted(chapters)))


@pytest.fixture(scope="session")
def once(tmp_path_factory, request):
    """``once(name, make)``: the folder ``make(folder)`` fills, made once per test session and shared by the xdist
    workers (the first to ask makes it under a file lock, the others wait for it). Read it, never write into it."""
    base = tmp_path_factory.getbasetemp()  # an xdist worker's is popen-gwN/ in the session's folder
    shared = base.parent if hasattr(request.config, "workerinput") else base
    (shared / "once").mkdir(exist_ok=True)

    def build(name: str, make) -> Path:
        root = shared / "once" / name
        with FileLock(f"{root}.lock"):
            if not root.exists():
                partial = root.with_name(root.name + ".partial")
                shutil.rmtree(partial, ignore_errors=True)
                make(partial)
                partial.rename(root)
        return root
    return build


@pytest.fixture(scope="session")
def released(once):
    """``released(lang=None, chapters=None)``: the root of a course (``course_in``) on which one real `nbgrader
    generate_assignment` released ``chapters`` (None: all): ``solutions/``, the course folder whose gradebook knows
    the assignments, and the release, ``notebooks/``. Made once per session (``once``): copy it (``copy_of``) to
    submit and grade."""
    def release(lang: str | None = None, chapters: list[str] | None = None) -> Path:
        return once(f"release-{release_key(lang, chapters)}", lambda root: run(
            ["nbgrader", "generate_assignment", "[0-9][0-9]_*", "--force", "--log-level=WARN"],
            cwd=course_in(root, lang, chapters)))
    return release


# Longest first (measured with --durations): `make test` runs pytest-xdist with --dist loadfile and
# --no-loadscope-reorder, which hands out whole files in collection order (a worker takes the next file when it has
# two tests or fewer left); these grade whole classes or build an environment, and started last they would leave one
# worker running alone at the end. test_nbgrader_loop grades the session's English class (graded_class.english_class)
# that test_i18n_grading also reads: it starts first, and test_i18n_grading, which grades its translated class before
# it reads the English one, comes after two other long files, so that the English class is ready by then rather than
# a worker waiting for it.
SLOW_FIRST = ("test_nbgrader_loop.py", "test_student_env.py", "test_attacks.py", "test_i18n_grading.py",
              "test_report.py", "test_exchange.py", "test_grading_faults.py", "test_speedups.py",
              "test_engine_parts.py", "test_postgres_gradebook.py", "test_exercises_ch10.py", "test_release.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))  # stable: each file keeps its order
