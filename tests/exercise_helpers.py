"""Run a chapter's exercises in-process against a namespace built from answer-cell sources.

Fast companions to the real nbgrader loop: the solution passes (visible and hidden, several
seeds), and each extra near-miss raises CheckFailure on exactly the exercise it targets.
"""
from __future__ import annotations

import runpy
import warnings

import pytest

from autograder import CheckFailure
from autograder import submissions as S
from autograder.exercise import Learner, run_exercise
from conftest import REPO, solution_path

PRELUDE = "import warnings\nimport numpy as np\nimport torch\nfrom torch.autograd import Variable\n"


def namespace(*sources: str) -> dict:
    ns: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an answer cell that warns would show stderr to the learner
        exec(PRELUDE + "\n".join(sources), ns)
    return ns


def solutions(ch: str) -> dict[str, str]:
    return S.solution_answers(S.read(solution_path(ch)))


def wrong(ch: str) -> dict[str, str]:
    return runpy.run_path(str(REPO / "tests" / "wrong_answers" / f"{ch}.py"))["WRONG"]


def exercise_name(ch: str, grade_id: str) -> str:
    return f"ch{ch[:2]}.{grade_id.split('_', 1)[1]}"


def passes(name: str, ns: dict, seeds=(1, 2, 3)) -> None:
    """Visible and hidden checks pass, and not a single warning escapes to stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run_exercise(name, Learner(ns=ns), 20240601, hidden=False)
        for seed in seeds:
            run_exercise(name, Learner(ns=ns), seed, hidden=True)


def fails(name: str, ns: dict, seeds=(1, 2, 3)) -> None:
    """Rejected on the visible checks, and on every hidden run."""
    for hidden, seed in [(False, 20240601)] + [(True, s) for s in seeds]:
        with pytest.raises(CheckFailure):
            run_exercise(name, Learner(ns=ns), seed, hidden=hidden)


def fails_hidden(name: str, ns: dict, seeds=(1, 2, 3)) -> None:
    """Rejected by the hidden checks (on every seed), whatever the visible ones say."""
    for seed in seeds:
        with pytest.raises(CheckFailure):
            run_exercise(name, Learner(ns=ns), seed, hidden=True)


def loses_points(name: str, ns: dict, seeds=(1, 2, 3)) -> None:
    """As a test cell grades it: fails the visible checks, or else the hidden ones on every seed."""
    try:
        run_exercise(name, Learner(ns=ns), 20240601, hidden=False)
    except CheckFailure:
        return
    fails_hidden(name, ns, seeds)


def judged_by_replay(name: str, ns: dict, seed: int, hidden: bool) -> None:
    """Record the answers as the sandbox would, send them through the tape's JSON form, and let a
    judge with no namespace at all replay the exercise on them. Raises CheckFailure on a wrong answer."""
    from autograder import checks
    from autograder.tape import dumps, loads

    tape: list = []
    checks.recording = True
    try:
        run_exercise(name, Learner(ns=ns, tape=tape), seed, hidden=hidden)
    finally:
        checks.recording = False
    replayed = [tuple(step) for step in loads(dumps([list(step) for step in tape]))]
    run_exercise(name, Learner(tape=replayed, replay=True), seed, hidden=hidden)
