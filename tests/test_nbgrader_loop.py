"""The whole nbgrader loop, per chapter, through real `nbgrader generate_assignment` and `autograde`:
the solution scores full, the untouched notebook scores 0 (and grading completes), and each
exercise's typical wrong answer scores less than full on that exercise and only there. None of them
raises a single flag: the sandbox's tampering reports have no false positives on honest work."""
from __future__ import annotations

import runpy

import pytest
from nbgrader.api import Gradebook

from autograder.grading import results, sandbox
from autograder.tools import submissions as S
from conftest import CHAPTERS, REPO, run, solution_path

# What this host's sandbox cannot enforce is said on every result; anything else would be a false positive.
HOST_FLAGS = [] if sandbox.process_limit_available() else [sandbox.NO_PROCESS_LIMIT_FLAG]


def wrong_answers(ch: str) -> dict[str, str]:
    path = REPO / "tests" / "wrong_answers" / f"{ch}.py"
    assert path.exists(), f"chapter {ch} needs typical wrong answers in {path.relative_to(REPO)}"
    return {k: v.strip("\n") for k, v in runpy.run_path(str(path))["WRONG"].items()}


def grade_chapter(course, ch: str, students: dict):
    """Submit each student's notebook, autograde them all, return {student: {test_id: (score, max)}}."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sid, nb in students.items():
            S.write(nb, course / "submitted" / sid / ch / f"{ch}.ipynb")
            gb.update_or_create_student(sid)
    run(["nbgrader", "autograde", ch, "--force", "--log-level=WARN"], cwd=course, timeout=1200)
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sid in students:
            sub = gb.find_submission_notebook(ch, ch, sid)
            out[sid] = {g.name: (g.score, g.max_score) for g in sub.grades if g.cell.name.endswith("_test")}
    return out


@pytest.mark.parametrize("ch", CHAPTERS)
def test_solution_full_blank_zero_wrong_answers_lose(ch, course):
    sol = S.read(solution_path(ch))
    perfect = S.solution_answers(sol)
    wrong = wrong_answers(ch)
    assert set(wrong) == set(perfect), f"one typical wrong answer per exercise: missing {sorted(set(perfect) - set(wrong))}"

    # Build from the release nbgrader generates, exactly as a student receives it.
    run(["nbgrader", "generate_assignment", ch, "--force", "--log-level=WARN"], cwd=course)
    release = S.read(course.parent / "notebooks" / ch / f"{ch}.ipynb")
    students = {"perfect": S.fill(release, perfect), "blank": release}
    for gid, src in wrong.items():
        students[f"wrong-{gid}"] = S.fill(release, {**perfect, gid: src})
    scores = grade_chapter(course, ch, students)

    full = scores["perfect"]
    assert full and all(s == m for s, m in full.values()), f"solution must score full marks: {full}"
    assert sum(m for _, m in full.values()) > 0
    assert all(s == 0 for s, _ in scores["blank"].values()), f"untouched notebook must score 0: {scores['blank']}"
    for gid in wrong:
        got = scores[f"wrong-{gid}"]
        score, max_score = got[f"{gid}_test"]
        assert score < max_score, f"the typical wrong answer to {gid} still scores full marks"
        others = {k: v for k, v in got.items() if k != f"{gid}_test" and v[0] != v[1]}
        assert not others, f"the wrong answer to {gid} also cost points elsewhere: {others}"
    flagged = {sid: r.flags for sid in students if (r := results.load(course, ch, sid, ch)) is None or r.flags != HOST_FLAGS}
    assert not flagged, f"honest work raised flags: {flagged}"
