"""The same class graded into a real PostgreSQL gradebook (two grading processes writing at once)
and into the default sqlite gradebook gives the same grades, cell by cell; a run after that,
without --force, regrades nothing.

The course reaches PostgreSQL the way an instructor would point it there: COURSE_DB_URL, read by
course/nbgrader_config.py, with psycopg as SQLAlchemy's driver.
"""
from __future__ import annotations

import runpy
import subprocess

from autograder.tools import submissions as S
from classroom import VENV_BIN, _env, copy_course, grade, instructor, scores
from conftest import REPO, solution_path
from pgserver import postgres  # noqa: F401 (fixture)

CH = "01_creating_tensors"


def make_class(course, db_url: str | None) -> list[str]:
    """A class of submissions: a perfect one, a blank one, and one per typical wrong answer."""
    instructor(course, "generate_assignment", CH, "--force", "--log-level=WARN", db_url=db_url)
    release = S.read(course.parent / "notebooks" / CH / f"{CH}.ipynb")
    perfect = S.solution_answers(S.read(solution_path(CH)))
    wrong = runpy.run_path(str(REPO / "tests" / "wrong_answers" / f"{CH}.py"))["WRONG"]
    students = {"perfect": S.fill(release, perfect), "blank": release}
    for gid, src in wrong.items():
        students[f"wrong-{gid.replace('_', '-')}"] = S.fill(release, {**perfect, gid: src.strip(chr(10))})
    for sid, nb in students.items():
        S.write(nb, course / "submitted" / sid / CH / f"{CH}.ipynb")
    return sorted(students)


def start_grading(course, students: list[str], db_url: str, *more: str) -> subprocess.Popen:
    args = [a for s in students for a in ("--student", s)]
    return subprocess.Popen([str(VENV_BIN / "autograder"), "grade", CH, *args, *more, "--jobs", "1", "--course", str(course)],
                            cwd=course, env=_env(db_url=db_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> str:
    _, err = proc.communicate(timeout=1800)
    assert proc.returncode == 0, err[-3000:]
    return err


def saved(course, students: list[str]) -> dict[str, int]:
    """When each student's result file was written (ns)."""
    return {s: (course / ".autograder" / "results" / CH / s / f"{CH}.json").stat().st_mtime_ns for s in students}


def test_postgres_gradebook_matches_sqlite(postgres, tmp_path):  # noqa: F811
    pg_url = postgres.url("torch_course")
    lite_course = copy_course(REPO, tmp_path / "lite")
    pg_course = copy_course(REPO, tmp_path / "pg")
    lite_url = f"sqlite:///{lite_course / 'gradebook.db'}"

    students = make_class(lite_course, None)
    assert make_class(pg_course, pg_url) == students
    grade(lite_course, CH, students, jobs=1)
    # two grading processes, each with half the class, writing into the one PostgreSQL gradebook at once
    halves = students[::2], students[1::2]
    runs = [start_grading(pg_course, half, pg_url) for half in halves]
    for proc, half in zip(runs, halves):
        assert f"graded {len(half)} notebooks" in finish(proc)
    when = [saved(pg_course, half) for half in halves]
    assert max(min(w.values()) for w in when) < min(max(w.values()) for w in when), \
        "the two processes did not grade at the same time"

    in_lite, in_pg = scores(lite_url, CH, students), scores(pg_url, CH, students)
    assert in_pg == in_lite
    # Not a vacuous match: the class spans full marks, zero and partial credit.
    totals = {sid: sum(s for s, _ in cells.values()) for sid, cells in in_pg.items()}
    full = sum(m for _, m in in_pg["perfect"].values())
    assert totals["perfect"] == full > 0 and totals["blank"] == 0
    assert all(0 < t < full for sid, t in totals.items() if sid.startswith("wrong-")), totals
    assert not (pg_course / "gradebook.db").exists(), "the PostgreSQL course fell back to a sqlite file"

    # A second run without --force regrades nothing: no result file is written again, the gradebook stays.
    before, csv_before = saved(pg_course, students), (pg_course / "grades.csv").read_text()
    again = finish(start_grading(pg_course, students, pg_url))
    assert "graded" not in again, again[-2000:]
    assert saved(pg_course, students) == before and (pg_course / "grades.csv").read_text() == csv_before
    assert scores(pg_url, CH, students) == in_pg
