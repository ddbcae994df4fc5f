"""Graded the same in every language: the same answers in the English and in a translated notebook get the same
score, status and flags, cell by cell, through `autograder grade` and through plain `nbgrader autograde`; and
the feedback is in the language of the notebook that was submitted."""
from __future__ import annotations

import pytest

import graded_class as G
from conftest import LANGS, TRANSLATED, copy_of, release_path

# Phrases of each language's feedback (a test cell's comment; a failed check's lines, rendered by the judge)
# that the other language's feedback never contains.
FEEDBACK_WORDS = {None: ("Tests for your answer above", "    torch gives: ", "    you gave: "),
                  "zh-CN": ("检查你上面的答案", "    torch 给出：", "    你的答案：")}


@pytest.fixture(scope="module", params=LANGS)
def graded(request, tmp_path_factory, once, released):
    """The same class in the translation, over every translated chapter, graded both ways in one batch
    (graded_class.grade), and in English: the session's English class (graded_class.english_class), which
    tests/test_nbgrader_loop.py, started beside this file, grades meanwhile."""
    lang, chapters = request.param, TRANSLATED[request.param]
    course = copy_of(released(lang, chapters), tmp_path_factory.mktemp(f"i18n-{lang}"), lang)
    translated = (*G.grade(course, chapters, lambda ch: release_path(ch, lang)), course)
    return lang, G.english_class(once, released), translated


@pytest.mark.parametrize("ch", sorted({ch for lang in LANGS for ch in TRANSLATED[lang]}))
def test_same_answers_same_grades_in_both_languages(graded, ch):
    lang, (en_engine, en_plain, en_course), (tr_engine, tr_plain, tr_course) = graded
    mine = lambda verdicts: {sid: v for (c, sid), v in verdicts.items() if c == ch}  # noqa: E731
    en = mine(en_engine)
    assert set(en) == set(G.WHOLE), en
    correct, wrong, blank = (en[s] for s in ("correct", "wrong", "blank"))
    assert correct[0] == correct[1] > 0 and blank[0] == 0 and 0 <= wrong[0] < correct[0], en
    # the English class also has a student per typical wrong answer (tests/test_nbgrader_loop.py), graded plainly only
    whole = lambda verdicts: {sid: v for sid, v in mine(verdicts).items() if sid in G.WHOLE}  # noqa: E731
    assert whole(en_plain) == en, "English: plain nbgrader autograde and autograder grade disagree"
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
