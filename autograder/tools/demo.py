"""`make grade`: the instructor demo on the embedded sqlite gradebook.

Copies the sample class in ``course/samples/<student>/<assignment>/`` into nbgrader's
``submitted/`` folder (as `nbgrader collect` would), autogrades it, prints a score table,
writes ``course/grades.csv`` and the class report ``course/reports/<assignment>.csv`` and ``.html``
(``autograder report``). ``python -m autograder.tools.demo --make-samples`` rebuilds the samples of
the chapters the class has from the current release: alice answers everything, bob half, carol
nothing; dave and erin answer everything, with the chapter's typical wrong answers
(``tests/wrong_answers/``) to every other exercise (dave) and to the first three (erin).
"""
from __future__ import annotations

import argparse
import csv
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

from . import submissions as S

STUDENTS = {"alice": 1.0, "bob": 0.5, "carol": 0.0}
MISTAKES = {"dave": slice(0, None, 2), "erin": slice(0, 3)}  # which answers are the typical wrong ones


def make_samples(course: Path) -> None:
    repo = course.parent
    chapters = sorted({p.name for p in (course / "samples").glob("*/*") if p.is_dir()})
    for ch in chapters or sorted(p.name for p in (repo / "notebooks").glob("*") if p.is_dir()):
        release = repo / "notebooks" / ch / f"{ch}.ipynb"
        answers = S.solution_answers(S.read(repo / "solutions" / ch / release.name))
        wrong = runpy.run_path(str(repo / "tests" / "wrong_answers" / f"{ch}.py"))["WRONG"]
        ids = list(answers)
        classes = {s: {k: answers[k] for k in ids[: round(len(ids) * share)]} for s, share in STUDENTS.items()}
        classes |= {s: {**answers, **{k: wrong[k].strip("\n") for k in ids[pick]}} for s, pick in MISTAKES.items()}
        for student, given in classes.items():
            S.write(S.fill(S.read(release), given), course / "samples" / student / ch / release.name)


def grade(course: Path) -> list[dict]:
    """Collect the samples, then grade them with ``autograder grade`` (the sandboxed engine)."""
    from nbgrader.api import Gradebook

    from ..grading.cli import main as autograder_main

    samples = course / "samples"
    assignments = sorted({p.name for p in samples.glob("*/*") if p.is_dir()})
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    students = sorted({p.parent.name for p in samples.glob("*/*") if p.is_dir()})
    for a in assignments:
        subprocess.run(["nbgrader", "generate_assignment", a, "--force", "--log-level=WARN"], cwd=course, env=env, check=True)
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            for s in sorted(p.parent.name for p in samples.glob(f"*/{a}")):
                gb.update_or_create_student(s)
                dest = course / "submitted" / s / a
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(samples / s / a, dest)
    autograder_main(["grade", *assignments, "--course", str(course), "--force",
                     *[x for s in students for x in ("--student", s)]])
    if autograder_main(["report", *assignments, "--course", str(course)]) != 0:
        raise SystemExit("autograder report failed (see above)")
    with open(course / "grades.csv", newline="") as f:
        return [r for r in csv.DictReader(f) if r["assignment"] in assignments and r["student_id"] in students]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--course", default="course", type=Path)
    ap.add_argument("--make-samples", action="store_true")
    args = ap.parse_args(argv)
    course = args.course.resolve()
    if args.make_samples:
        make_samples(course)
        return 0
    rows = grade(course)  # autograder grade wrote course/grades.csv
    print(f"{'student':<10} {'assignment':<30} {'score':>7}  status")
    for r in rows:
        print(f"{r['student_id']:<10} {r['assignment']:<30} {r['score']:>4}/{r['max_score']:<3} {r['status']} {r['flags']}")
    print(f"wrote {course / 'grades.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
