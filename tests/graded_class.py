"""A class over many chapters graded in one batch: one `nbgrader autograde` for every chapter (nbgrader takes a
glob for the assignment) of a course that one `nbgrader generate_assignment` released (conftest.released), so
nbgrader's start-up and the warm sandbox's are paid once, not once per chapter (tests/test_nbgrader_loop.py, tests/test_i18n_grading.py)."""
from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.grading import results
from autograder.tools import submissions as S
from conftest import CHAPTERS, REPO, copy_of, run, solution_path

AUTOGRADER = str(Path(sys.executable).parent / "autograder")
EVERY = "[0-9][0-9]_*"


def wrong_answers_path(ch: str) -> Path:
    return REPO / "tests" / "wrong_answers" / f"{ch}.py"


def wrong_answers(ch: str) -> dict[str, str]:
    """The chapter's typical wrong answers, {grade_id: source}; {} where the chapter has none yet."""
    path = wrong_answers_path(ch)
    return {k: v.strip("\n") for k, v in runpy.run_path(str(path))["WRONG"].items()} if path.exists() else {}


# The students both graders see: every answer right, untouched, and every answer a typical wrong one.
WHOLE = ("correct", "blank", "wrong")


def students(release, ch: str, one_by_one: bool) -> dict:
    """The ``WHOLE`` class; with ``one_by_one``, also a student per exercise whose only wrong answer is that
    exercise's typical one."""
    perfect = S.solution_answers(S.read(solution_path(ch)))
    wrong = wrong_answers(ch)
    out = {"correct": S.fill(release, perfect), "blank": release, "wrong": S.fill(release, {**perfect, **wrong})}
    if one_by_one:
        return out | {f"wrong-{gid}": S.fill(release, {**perfect, gid: src}) for gid, src in wrong.items()}
    return out


def verdicts(course: Path, keys) -> dict:
    """{(chapter, student): [score, max_score, status, flags, [[grade_id, score], ...]]} from the saved results
    (JSON-shaped, so a verdict read back from disk compares equal)."""
    out = {}
    for (ch, sid) in keys:
        r = results.load(course, ch, sid, ch)
        assert r is not None, f"no result for {sid} in {ch}"
        out[(ch, sid)] = json.loads(json.dumps([r.score, r.max_score, r.status, r.flags,
                                                [(c.grade_id, c.score) for c in r.cells]]))
    return out


def grade(course: Path, chapters: list[str], release_of, one_by_one: bool = False) -> tuple:
    """Submit to ``course`` (a copy of conftest.released: its gradebook knows every chapter) the class
    (``students``), grade the ``WHOLE`` class by `autograder grade`, then every student by plain `nbgrader
    autograde`, and write the feedback of the student "wrong". Returns (engine, plain) verdicts; the gradebook keeps
    plain nbgrader's scores."""
    subs = {(ch, sid): nb for ch in chapters for sid, nb in students(S.read(release_of(ch)), ch, one_by_one).items()}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for (ch, sid), nb in subs.items():
            S.write(nb, course / "submitted" / sid / ch / f"{ch}.ipynb")
            gb.update_or_create_student(sid)
    run([AUTOGRADER, "grade", *chapters, *(f"--student={sid}" for sid in WHOLE), "--course", str(course), "--jobs",
         "2", "--force"], cwd=course, timeout=1800)
    by_engine = verdicts(course, [(ch, sid) for (ch, sid) in subs if sid in WHOLE])
    run(["nbgrader", "autograde", EVERY, "--force", "--log-level=WARN"], cwd=course, timeout=1800)
    plain = verdicts(course, subs)
    run(["nbgrader", "generate_feedback", EVERY, "--student", "wrong", "--force", "--log-level=WARN"], cwd=course)
    return by_engine, plain


def english_class(once, released) -> tuple[dict, dict, Path]:
    """Every chapter's English class, one by one (``students``), graded as ``grade`` grades it, from the release
    nbgrader generated, exactly as a student receives it: (engine, plain, course). Made once per session and shared
    (conftest.once): tests/test_nbgrader_loop.py reads its gradebook, tests/test_i18n_grading.py its verdicts and
    feedback. Read it, never write into it."""
    def make(root: Path) -> None:
        course = copy_of(released(), root)
        both = grade(course, CHAPTERS, lambda ch: root / "notebooks" / ch / f"{ch}.ipynb", one_by_one=True)
        (root / "verdicts.json").write_text(json.dumps([[[*key, v] for key, v in side.items()] for side in both]))
    root = once("english-class", make)
    engine, plain = ({(ch, sid): v for ch, sid, v in side} for side in json.loads((root / "verdicts.json").read_text()))
    return engine, plain, root / "course"
