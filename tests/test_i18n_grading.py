"""Graded the same in every language: the same answers in the English and in a translated notebook get the same
score, status and flags, cell by cell, through `autograder grade` and through plain `nbgrader autograde`; and
the feedback is in the language of the notebook that was submitted."""
from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.grading import results
from autograder.tools import submissions as S
from conftest import LANGS, REPO, TRANSLATED, course_in, release_path, run, solution_path

AUTOGRADER = str(Path(sys.executable).parent / "autograder")
# Phrases of each language's feedback (a test cell's comment; a failed check's lines, rendered by the judge)
# that the other language's feedback never contains.
FEEDBACK_WORDS = {None: ("Tests for your answer above", "    torch gives: ", "    you gave: "),
                  "zh-CN": ("检查你上面的答案", "    torch 给出：", "    你的答案：")}


def _wrong(ch: str) -> dict[str, str]:
    return {k: v.strip("\n") for k, v in runpy.run_path(str(REPO / "tests" / "wrong_answers" / f"{ch}.py"))["WRONG"].items()}


def _class(lang: str | None, ch: str) -> dict:
    """The same three students in either language: every answer right, every answer a typical wrong one, untouched."""
    release = S.read(release_path(ch, lang))
    perfect = S.solution_answers(S.read(solution_path(ch)))
    return {"correct": S.fill(release, perfect), "wrong": S.fill(release, {**perfect, **_wrong(ch)}), "blank": release}


def _verdicts(course: Path, students: dict) -> dict:
    out = {}
    for (ch, sid) in students:
        r = results.load(course, ch, sid, ch)
        assert r is not None, f"no result for {sid} in {ch}"
        out[(ch, sid)] = (r.score, r.max_score, r.status, tuple(r.flags), tuple((c.grade_id, c.score) for c in r.cells))
    return out


def _grade_both_ways(lang: str | None, chapters: list[str], root: Path) -> tuple[dict, dict, Path]:
    """One class over every chapter, graded by `autograder grade`, then again by plain `nbgrader autograde`."""
    course = course_in(root, lang, chapters)
    every = "[0-9][0-9]_*"  # nbgrader takes a glob for the assignment: one command for all chapters
    run(["nbgrader", "generate_assignment", every, "--force", "--log-level=WARN"], cwd=course)
    students = {(ch, sid): nb for ch in chapters for sid, nb in _class(lang, ch).items()}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for (ch, sid), nb in students.items():
            S.write(nb, course / "submitted" / sid / ch / f"{ch}.ipynb")
            gb.update_or_create_student(sid)
    run([AUTOGRADER, "grade", *chapters, "--course", str(course), "--jobs", "2", "--force"], cwd=course, timeout=1800)
    engine = _verdicts(course, students)
    run(["nbgrader", "autograde", every, "--force", "--log-level=WARN"], cwd=course, timeout=1800)
    plain = _verdicts(course, students)
    run(["nbgrader", "generate_feedback", every, "--force", "--log-level=WARN"], cwd=course)
    return engine, plain, course


@pytest.fixture(scope="module", params=LANGS)
def graded(request, tmp_path_factory):
    lang, root = request.param, tmp_path_factory.mktemp(f"i18n-{request.param}")
    chapters = TRANSLATED[lang]
    return lang, _grade_both_ways(None, chapters, root / "en"), _grade_both_ways(lang, chapters, root / "tr")


@pytest.mark.parametrize("ch", sorted({ch for lang in LANGS for ch in TRANSLATED[lang]}))
def test_same_answers_same_grades_in_both_languages(graded, ch):
    lang, (en_engine, en_plain, en_course), (tr_engine, tr_plain, tr_course) = graded
    mine = lambda verdicts: {sid: v for (c, sid), v in verdicts.items() if c == ch}  # noqa: E731
    en = mine(en_engine)
    correct, wrong, blank = (en[s] for s in ("correct", "wrong", "blank"))
    assert correct[0] == correct[1] > 0 and blank[0] == 0 and 0 <= wrong[0] < correct[0], en
    assert mine(en_plain) == en, "English: plain nbgrader autograde and autograder grade disagree"
    assert mine(tr_engine) == en, f"{lang} grades differ from the English ones for the same answers"
    assert mine(tr_plain) == en, f"{lang}: plain nbgrader autograde differs from the English grades"

    for course, mine_lang, other in ((en_course, None, lang), (tr_course, lang, None)):
        page = (course / "feedback" / "wrong" / ch / f"{ch}.html").read_text()
        for words, expected in ((FEEDBACK_WORDS[mine_lang], True), (FEEDBACK_WORDS[other], False)):
            assert all((w in page) == expected for w in words), f"feedback of a {mine_lang or 'English'} notebook"


def test_selecting_the_language_is_not_tampering():
    """The setup cell of a translated chapter selects its language; the integrity check lets that one name change
    in the checking library, and still reports any other change there."""
    from autograder.checking import i18n
    from autograder.grading import integrity
    base = integrity.Baseline({"autograder.checking.i18n": vars(i18n)})
    catalogue = i18n._catalogue
    try:
        i18n.use("zh-CN")
        assert integrity.changes(base) == []
        i18n.extra = "a name the library never had"
        assert integrity.changes(base) == ["autograder.checking.i18n changed"]
        del i18n.extra
        i18n._catalogue = lambda lang: None
        assert integrity.changes(base) == ["autograder.checking.i18n changed"]
    finally:
        i18n._catalogue = catalogue
        i18n.use("en")
    assert integrity.changes(base) == []
