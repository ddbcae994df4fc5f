"""A class on one machine: instructor and students driving nbgrader's real commands.

The instructor works in the course folder as nbgrader's docs lay it out; each student has a
home folder of their own and, when the tests run as root, a uid of their own (so the exchange's
file permissions are really put to the test). Grading goes through ``autograder grade`` when
the engine is installed, else through plain ``nbgrader autograde``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

VENV_BIN = Path(sys.executable).parent
COURSE_ID = "torch-from-the-ground-up"


def _other_uid_runs_python() -> bool:
    probe = subprocess.run(["setpriv", "--reuid=20001", "--regid=20001", "--clear-groups", "--",
                            sys.executable, "-c", "import nbgrader, autograder"], capture_output=True, timeout=120)
    return probe.returncode == 0


def open_for_other_uids() -> list[Path]:
    """Let other uids reach this checkout, its venv and its Python: search permission (x, never read) for
    others on every folder above them. A `mktemp -d` clone sits in a 0700 folder. Returns what it opened."""
    targets = {Path(__file__).resolve().parents[2], Path(sys.executable).parent, Path(sys.executable).resolve().parent,
               Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    opened = []
    for folder in sorted({d for t in targets for d in (t, *t.parents)}):
        mode = folder.stat().st_mode
        if not mode & 0o001:
            folder.chmod(mode | 0o001)
            opened.append(folder)
    return opened


def _students_can_have_uids() -> bool:
    """Students get uids of their own only as root, and only if another uid can run this venv's Python.
    In CI (``CI`` set) a checkout in a private folder is opened for them (:func:`open_for_other_uids`)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    if _other_uid_runs_python():
        return True
    if not os.environ.get("CI"):
        return False
    open_for_other_uids()  # probe again even if it opened nothing: the other xdist worker may have opened it meanwhile
    return _other_uid_runs_python()


SEPARATE_UIDS = _students_can_have_uids()


def _env(home: Path | None = None, db_url: str | None = None) -> dict:
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("AUTOGRADER_MODE", None)
    if home is not None:
        # A student's jupyter/nbgrader state (the exchange cache) lives in their own home.
        env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"), JUPYTER_DATA_DIR=str(home / ".local"))
    if db_url is not None:
        env["COURSE_DB_URL"] = db_url
    return env


def run(cmd: list, cwd: Path, env: dict, timeout: float = 900, user: "Student | None" = None) -> subprocess.CompletedProcess:
    cmd = [str(c) for c in cmd]
    if user is not None and user.uid is not None:
        cmd = ["setpriv", f"--reuid={user.uid}", f"--regid={user.uid}", "--clear-groups", "--", *cmd]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return proc


@dataclass
class Student:
    name: str
    home: Path
    uid: int | None  # None: same user as the instructor (tests not run as root)

    def nbgrader(self, *args: str, exchange: Path) -> subprocess.CompletedProcess:
        # --student names the student, as JupyterHub's username would; the uid does the isolating.
        return run(["nbgrader", *args, f"--course={COURSE_ID}", f"--Exchange.root={exchange}",
                    f"--CourseDirectory.student_id={self.name}"], cwd=self.home, env=_env(self.home), user=self)

    def as_me(self, code: str) -> subprocess.CompletedProcess:
        """Run a Python snippet as this student (to probe what they can read)."""
        return subprocess.run(["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups", "--",
                               sys.executable, "-c", code] if self.uid is not None else [sys.executable, "-c", code],
                              cwd=self.home, env=_env(self.home), capture_output=True, text=True, timeout=60)


def make_student(root: Path, name: str, uid: int) -> Student:
    home = root / "home" / name
    home.mkdir(parents=True)
    if not SEPARATE_UIDS:
        return Student(name, home, None)
    os.chown(home, uid, uid)
    home.chmod(0o700)
    return Student(name, home, uid)


def instructor(course: Path, *args: str, exchange: Path | None = None, db_url: str | None = None,
               timeout: float = 900) -> subprocess.CompletedProcess:
    extra = [f"--Exchange.root={exchange}"] if exchange is not None else []
    return run(["nbgrader", *args, *extra], cwd=course, env=_env(db_url=db_url), timeout=timeout)


def engine_available() -> bool:
    return (VENV_BIN / "autograder").exists()


def grade(course: Path, assignment: str, students: list[str], jobs: int = 1, db_url: str | None = None) -> None:
    """Grade the collected submissions with the course's engine, or plain nbgrader before it lands."""
    if engine_available():
        run(["autograder", "grade", assignment, "--course", course, "--jobs", jobs, "--force"],
            cwd=course, env=_env(db_url=db_url), timeout=1800)
        return
    if jobs == 1:
        instructor(course, "autograde", assignment, "--force", "--log-level=WARN", db_url=db_url, timeout=1800)
        return
    # Plain nbgrader has no --jobs: the same effect is several autograde processes writing one gradebook.
    groups = [students[i::jobs] for i in range(jobs)]
    with ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(lambda g: [instructor(course, "autograde", assignment, f"--student={s}", "--force",
                                                     "--log-level=WARN", db_url=db_url, timeout=1800) for s in g], g)
                   for g in groups if g]
        for f in futures:
            f.result()


def scores(db_url: str, assignment: str, students: list[str]) -> dict[str, dict[str, tuple[float, float]]]:
    """{student: {test cell: (score, max)}} read back from the gradebook."""
    out = {}
    with Gradebook(db_url) as gb:
        for sid in students:
            nb = gb.find_submission_notebook(assignment, assignment, sid)
            out[sid] = {g.name: (g.score, g.max_score) for g in nb.grades if g.cell.name.endswith("_test")}
    return out


def copy_course(repo: Path, dest: Path) -> Path:
    """The course as a fresh clone has it (config, instructor notebooks, released notebooks, translations)."""
    for sub in ("course", "solutions", "notebooks", "i18n"):
        shutil.copytree(repo / sub, dest / sub, ignore=shutil.ignore_patterns(
            "gradebook.db*", "submitted", "autograded", "feedback", ".ipynb_checkpoints",
            ".autograder", ".autograder-secret", ".locks", "reports", "grades.csv"))  # a checkout's own grading state
    return dest / "course"
