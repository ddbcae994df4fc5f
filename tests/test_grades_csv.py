"""grades.csv under concurrent writers: every row is made from the result files, under the course's lock."""
from __future__ import annotations

import csv
import multiprocessing as mp

from autograder.grading import results as R
from autograder.grading.batch.report import write_csv

NOTEBOOKS = {"a1": ["nb"]}


def _writer(course, students, barrier) -> None:
    barrier.wait()
    for _ in range(40):
        for s in students:
            write_csv(course, [("a1", s)], NOTEBOOKS)


def test_concurrent_writers_lose_no_row(tmp_path):
    students = [f"s{i:02d}" for i in range(16)]
    for i, s in enumerate(students):
        R.save(tmp_path, "a1", s, "nb", R.NotebookResult(score=float(i), max_score=20.0))
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_writer, args=(tmp_path, students[k::4], barrier)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    with open(tmp_path / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert sorted(rows) == students
    assert all(float(rows[s]["score"]) == i and rows[s]["status"] == "graded" for i, s in enumerate(students))
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".grades.csv.*"))


def test_a_row_is_made_from_the_results_as_they_are_when_written(tmp_path):
    R.save(tmp_path, "a1", "x", "nb", R.NotebookResult(score=1.0, max_score=2.0))
    write_csv(tmp_path, [("a1", "x")], NOTEBOOKS)
    R.save(tmp_path, "a1", "x", "nb", R.NotebookResult(score=2.0, max_score=2.0))  # another run regraded x
    write_csv(tmp_path, [("a1", "x")], NOTEBOOKS)
    with open(tmp_path / "grades.csv", newline="") as f:
        assert [(r["student_id"], r["score"]) for r in csv.DictReader(f)] == [("x", "2.0")]
