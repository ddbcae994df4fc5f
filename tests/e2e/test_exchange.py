"""The nbgrader exchange, scripted with nbgrader's real commands in the order a term runs them:
release, fetch (each student), edit, submit, collect, grade, generate/release/fetch feedback.

Two students: alice answers every exercise correctly, bob gives each exercise's typical wrong
answer. Run as root, each student is a uid of their own, so the exchange's permissions decide
what one student can see of the other's work; otherwise the same checks run on the modes alone.
"""
from __future__ import annotations

import os
import runpy
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder.tools import submissions as S
from classroom import SEPARATE_UIDS, COURSE_ID, copy_course, grade, instructor, make_student, scores
from conftest import REPO, require, solution_path

CH = "01_creating_tensors"


@pytest.fixture(scope="module")
def term():
    """Everything up to the students holding their feedback; the tests then inspect the result."""
    # Not under pytest's tmp folder: that is private to its owner, and students must reach the exchange.
    root = Path(tempfile.mkdtemp(prefix="course-term-"))
    root.chmod(0o755)
    try:
        yield _run_term(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_term(root: Path) -> dict:
    course = copy_course(REPO, root)
    exchange = root / "exchange"
    alice, bob = make_student(root, "alice", 20001), make_student(root, "bob", 20002)

    instructor(course, "generate_assignment", CH, "--force", "--log-level=WARN")
    instructor(course, "release_assignment", CH, "--force", exchange=exchange)
    for st in (alice, bob):
        st.nbgrader("fetch_assignment", CH, exchange=exchange)

    perfect = S.solution_answers(S.read(solution_path(CH)))
    wrong = {k: v.strip("\n") for k, v in runpy.run_path(str(REPO / "tests" / "wrong_answers" / f"{CH}.py"))["WRONG"].items()}
    for st, answers in ((alice, perfect), (bob, wrong)):
        nb_path = st.home / CH / f"{CH}.ipynb"
        S.write(S.fill(S.read(nb_path), answers), nb_path)
        if st.uid is not None:  # the student's edit: the file stays theirs
            os.chown(nb_path, st.uid, st.uid)
        st.nbgrader("submit", CH, exchange=exchange)

    instructor(course, "collect", CH, exchange=exchange)
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    grade(course, CH, ["alice", "bob"], db_url=db_url)
    instructor(course, "generate_feedback", CH, "--force")
    instructor(course, "release_feedback", CH, exchange=exchange)
    for st in (alice, bob):
        st.nbgrader("fetch_feedback", CH, exchange=exchange)
    return dict(course=course, exchange=exchange, alice=alice, bob=bob, db_url=db_url, perfect=perfect, wrong=wrong)


def feedback_html(student) -> list[Path]:
    return sorted((student.home / CH / "feedback").rglob("*.html"))


def test_each_student_gets_the_right_score(term):
    got = scores(term["db_url"], CH, ["alice", "bob"])
    assert got["alice"] and all(s == m for s, m in got["alice"].values()), f"alice answered everything: {got['alice']}"
    # Each of bob's typical wrong answers costs points on its own exercise.
    lost = {k: v for k, v in got["bob"].items() if v[0] < v[1]}
    assert set(lost) == {f"{gid}_test" for gid in term["wrong"]}, f"bob: {got['bob']}"


def test_each_student_fetches_their_own_feedback_without_hidden_tests(term):
    for me, other, mine in (("alice", "bob", term["perfect"]), ("bob", "alice", term["wrong"])):
        files = feedback_html(term[me])
        assert len(files) == 1, f"{me} should hold exactly one feedback page, has {files}"
        html = page_text(files[0])
        theirs = term["perfect"] if other == "alice" else term["wrong"]
        # Their own answers are on the page; the other student's differing answers are not.
        distinct = [gid for gid in mine if mine[gid] != theirs[gid]]
        assert distinct
        for gid in distinct:
            first = next(line for line in mine[gid].splitlines() if line.strip() and not line.startswith("#"))
            assert first.strip() in html, f"{me}'s feedback lacks their answer to {gid}: {first!r}"
        assert "BEGIN HIDDEN TESTS" not in html and "hidden=True" not in html, f"{me}'s feedback shows hidden tests"


def page_text(path: Path) -> str:
    """What a reader sees on the page: the text, without the syntax highlighting's markup."""
    from bs4 import BeautifulSoup
    return BeautifulSoup(path.read_text(), "html.parser").get_text()


def test_students_cannot_list_each_others_submissions_or_feedback(term):
    inbound = term["exchange"] / COURSE_ID / "inbound"
    feedback = term["exchange"] / COURSE_ID / "feedback"
    # nbgrader's layout: students may write into inbound and enter feedback/, never list either.
    assert inbound.stat().st_mode & 0o777 == 0o733  # (plus setgid)
    assert feedback.stat().st_mode & 0o777 == 0o711
    subs = sorted(p.name for p in inbound.iterdir())
    assert [s.split("+")[0] for s in subs] == ["alice", "bob"]
    # A submission folder is found only by its name, which ends in 12 random characters.
    assert all(len(s.split("+")[3]) == 12 for s in subs), subs
    require(SEPARATE_UIDS, "a uid of their own for each student (root, setpriv, a checkout other uids can reach)")
    bob = term["bob"]
    for folder in (inbound, feedback):
        probe = bob.as_me(f"import os; os.listdir({str(folder)!r})")
        assert "PermissionError" in probe.stderr, f"bob could list {folder}: {probe.stdout}{probe.stderr}"
    probe = bob.as_me(f"import os; os.listdir({str(term['alice'].home)!r})")
    assert "PermissionError" in probe.stderr, "bob could read alice's home"
