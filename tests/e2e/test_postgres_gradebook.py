"""The same class graded into a real PostgreSQL gradebook (two grading processes writing at once)
and into the default sqlite gradebook gives the same grades, cell by cell.

The course reaches PostgreSQL the way an instructor would point it there: COURSE_DB_URL, read by
course/nbgrader_config.py, with psycopg as SQLAlchemy's driver.
"""
from __future__ import annotations

import runpy

from autograder.tools import submissions as S
from classroom import copy_course, grade, instructor, scores
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


def test_postgres_gradebook_matches_sqlite(postgres, tmp_path):  # noqa: F811
    pg_url = postgres.url("torch_course")
    lite_course = copy_course(REPO, tmp_path / "lite")
    pg_course = copy_course(REPO, tmp_path / "pg")
    lite_url = f"sqlite:///{lite_course / 'gradebook.db'}"

    students = make_class(lite_course, None)
    assert make_class(pg_course, pg_url) == students
    grade(lite_course, CH, students, jobs=1)
    grade(pg_course, CH, students, jobs=2, db_url=pg_url)

    in_lite, in_pg = scores(lite_url, CH, students), scores(pg_url, CH, students)
    assert in_pg == in_lite
    # Not a vacuous match: the class spans full marks, zero and partial credit.
    totals = {sid: sum(s for s, _ in cells.values()) for sid, cells in in_pg.items()}
    full = sum(m for _, m in in_pg["perfect"].values())
    assert totals["perfect"] == full > 0 and totals["blank"] == 0
    assert all(0 < t < full for sid, t in totals.items() if sid.startswith("wrong-")), totals
    assert not (pg_course / "gradebook.db").exists(), "the PostgreSQL course fell back to a sqlite file"
