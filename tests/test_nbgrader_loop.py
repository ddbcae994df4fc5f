"""The whole nbgrader loop for every chapter, through real `nbgrader generate_assignment` and `autograde`:
the solution scores full, the untouched notebook scores 0 (and grading completes), and each
exercise's typical wrong answer scores less than full on that exercise and only there. None of them
raises a single flag: the sandbox's tampering reports have no false positives on honest work.
The class is graded once for every chapter (graded_class.grade); each chapter's test reads its part."""
from __future__ import annotations

import pytest
from nbgrader.api import Gradebook

from autograder.grading import sandbox
from autograder.tools import submissions as S
from conftest import CHAPTERS, REPO, solution_path
from graded_class import english_class, wrong_answers, wrong_answers_path

# What this host's sandbox cannot enforce is said on every result; anything else would be a false positive.
HOST_FLAGS = [] if sandbox.process_limit_available() else [sandbox.NO_PROCESS_LIMIT_FLAG]


@pytest.fixture(scope="module")
def graded(once, released):
    """Every chapter's class (right, untouched, every typical wrong answer at once, and one typical wrong answer each),
    graded by plain `nbgrader autograde` from the release nbgrader generated, exactly as a student receives it:
    (course, verdicts). The session's English class (graded_class.english_class), shared with
    tests/test_i18n_grading.py."""
    _, plain, course = english_class(once, released)
    return course, plain


def scores(course, ch: str, students) -> dict:
    """{student: {test_id: (score, max)}} from the gradebook plain `nbgrader autograde` wrote."""
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sid in students:
            sub = gb.find_submission_notebook(ch, ch, sid)
            out[sid] = {g.name: (g.score, g.max_score) for g in sub.grades if g.cell.name.endswith("_test")}
    return out


@pytest.mark.parametrize("ch", CHAPTERS)
def test_solution_full_blank_zero_wrong_answers_lose(ch, graded):
    course, plain = graded
    perfect = S.solution_answers(S.read(solution_path(ch)))
    path = wrong_answers_path(ch)
    assert path.exists(), f"chapter {ch} needs typical wrong answers in {path.relative_to(REPO)}"
    wrong = wrong_answers(ch)
    assert set(wrong) == set(perfect), f"one typical wrong answer per exercise: missing {sorted(set(perfect) - set(wrong))}"

    students = [sid for (c, sid) in plain if c == ch]
    assert {"correct", "blank", *(f"wrong-{gid}" for gid in wrong)} <= set(students)
    got = scores(course, ch, students)

    full = got["correct"]
    assert full and all(s == m for s, m in full.values()), f"solution must score full marks: {full}"
    assert sum(m for _, m in full.values()) > 0
    assert all(s == 0 for s, _ in got["blank"].values()), f"untouched notebook must score 0: {got['blank']}"
    for gid in wrong:
        mine = got[f"wrong-{gid}"]
        score, max_score = mine[f"{gid}_test"]
        assert score < max_score, f"the typical wrong answer to {gid} still scores full marks"
        others = {k: v for k, v in mine.items() if k != f"{gid}_test" and v[0] != v[1]}
        assert not others, f"the wrong answer to {gid} also cost points elsewhere: {others}"
    flagged = {sid: v[3] for (c, sid), v in plain.items() if c == ch and v[3] != HOST_FLAGS}
    assert not flagged, f"honest work raised flags: {flagged}"
