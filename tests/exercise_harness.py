"""Run a chapter's exercises in-process, fast: the solution (or a typical wrong answer) against many seeds.

The nbgrader loop (test_nbgrader_loop.py) proves the real pipeline once per chapter; this proves that
hidden randomized tests neither fail a correct answer on an unlucky seed nor let a wrong one through.
"""
from __future__ import annotations

import re
import runpy

import nbformat

from autograder.checking.checks import CheckFailure
from autograder.checking.exercise import Learner, run_exercise
from autograder.tools.submissions import solution_answers
from conftest import REPO, release_path, solution_path


def _setup_source(ch: str) -> str:
    nb = nbformat.read(str(solution_path(ch)), as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code")


def kernel_cells(ch: str, overrides: dict[str, str] | None = None) -> list[tuple[str, str, bool]]:
    """(grade_id, source, is_answer) of what a learner's kernel runs after the setup cell, in notebook order: every
    answer cell (the solution's, or ``overrides``) and every cell of code the course gives the answers to build on
    (a locked cell marked ``metadata.course.given``, e.g. chapter 09's worked ``+``)."""
    nb = nbformat.read(str(solution_path(ch)), as_version=4)
    answers = {**solution_answers(nb), **(overrides or {})}
    out = []
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in answers:
            out.append((meta["grade_id"], answers[meta["grade_id"]], True))
        elif c.cell_type == "code" and c.metadata.get("course", {}).get("given"):
            out.append((meta.get("grade_id", "given"), c.source, False))
    return out


def solution_answers_of(ch: str) -> dict[str, str]:
    """What a perfect student types in each answer cell of chapter ``ch``."""
    return solution_answers(nbformat.read(str(solution_path(ch)), as_version=4))


def namespace(ch: str, overrides: dict[str, str] | None = None, broken: list[str] | None = None) -> dict:
    """The globals a learner's kernel would have after the setup cell and every answer cell (and the given code).

    Every answer cell must run: one that raises fails the test, so a broken wrong answer never passes
    for a wrong one. Where cells are meant to raise (a blank stub), pass ``broken``: then, as in a
    notebook, such a cell is skipped, later cells run on, and its grade_id is appended to ``broken``."""
    ns: dict = {}
    exec(_setup_source(ch), ns)
    for gid, src, is_answer in kernel_cells(ch, overrides):
        try:
            exec(compile(src, gid, "exec"), ns)
        except Exception as exc:
            if broken is None or not is_answer:
                raise AssertionError(f"{ch}: the answer cell {gid} does not run ({type(exc).__name__}: {exc})") from exc
            broken.append(gid)
    return ns


def answers_file(ch: str) -> dict:
    """tests/wrong_answers/NN_name.py: WRONG = {grade_id: source}, and what the chapter declares about them."""
    return runpy.run_path(str(REPO / "tests" / "wrong_answers" / f"{ch}.py"))


def wrong_answers(ch: str) -> dict[str, str]:
    return answers_file(ch)["WRONG"]


def released_stubs(ch: str) -> dict[str, str]:
    """What a learner finds in each answer cell before typing anything."""
    nb = nbformat.read(str(release_path(ch)), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


def exercise_name(ch: str, grade_id: str) -> str:
    return f"ch{ch[:2]}.{re.sub(r'^ex[0-9]+_', '', grade_id)}"


def passes(name: str, ns: dict, seed: int, hidden: bool) -> bool:
    try:
        run_exercise(name, Learner(ns=ns), seed, hidden)
    except CheckFailure:
        return False
    return True


def passes_quietly(name: str, ns: dict, seed: int, hidden: bool) -> bool:
    """passes(), and not one warning escapes to stderr (nbgrader fails a test cell that writes there).

    Learner code runs with warnings suppressed (Learner.run); this holds torch's side of a check to
    the same standard, e.g. reading a non-leaf's .grad there would warn."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return passes(name, ns, seed, hidden)


def answered(ns: dict, checks: list[tuple[str, bool]], seed: int):
    """One test cell as the grader sees it: planned on the trusted side, its questions answered on ``ns`` by the
    sandbox's own answering code (wire form in, wire form out), sealed for the judge."""
    from autograder.checking.exercise import STEPS
    from autograder.grading.judge import Sealed
    from autograder.grading.plan import plan_cell
    from autograder.grading.recorder import answer

    plans = plan_cell(checks, seed)
    return Sealed(plans, [answer(STEPS, ns, w).decode() for p in plans for w in p.questions])


def recorded(name: str, ns: dict, seed: int, hidden: bool):
    """(plan, answers) of one check, as grading makes them: planned on the trusted side, answered on ``ns``."""
    from autograder.checking.exercise import STEPS
    from autograder.grading.plan import plan_check
    from autograder.grading.recorder import answer
    from autograder.grading.tape import loads

    plan = plan_check(name, hidden, seed)
    return plan, [loads(answer(STEPS, ns, w)) for w in plan.questions]


def judged_by_replay(name: str, ns: dict, seed: int, hidden: bool) -> bool:
    """Plan the exercise, answer its questions as the sandbox would, and let a judge with no learner namespace
    replay the exercise on the answers. True when the judge finds no fault."""
    from autograder.grading.judge import judge_cell

    return judge_cell([(name, hidden)], answered(ns, [(name, hidden)], seed), seed)[0]


def failures(ch: str, ns: dict, runs=((False, 0), (True, 1), (True, 2), (True, 3))) -> set[str]:
    """The chapter's exercises that fail on any of the (hidden, seed) runs: where an answer loses points."""
    nb = nbformat.read(str(solution_path(ch)), as_version=4)
    names = [exercise_name(ch, gid) for gid in solution_answers(nb)]
    return {name for name in names if not all(passes(name, ns, seed, hidden) for hidden, seed in runs)}


def rejected_visible_and_hidden(ch: str, gid: str, src: str, hidden_seeds=range(1, 11)) -> list[str]:
    """Why a near-miss answer to ``gid`` is not rejected everywhere: [] when the visible test and every hidden run fail it."""
    ns, name = namespace(ch, {gid: src}), exercise_name(ch, gid)
    slips = ["visible"] if passes(name, ns, 1, hidden=False) else []
    return slips + [f"hidden seed {seed}" for seed in hidden_seeds if passes(name, ns, seed, hidden=True)]


def near_miss_tests(ch: str, near_misses: dict, also_right: dict, seeds=range(1, 21)):
    """Two parametrized tests for a chapter's near-miss module, bound there as
    ``test_near_misses_fail_..., test_other_right_answers_pass = near_miss_tests(CH, NEAR_MISSES, ALSO_RIGHT)``.

    ``near_misses`` and ``also_right`` map a reason to ``(grade_id, source)``: each near miss must fail the
    visible test and every hidden seed tried; each right alternative must pass them."""
    import pytest

    @pytest.mark.parametrize("why", list(near_misses))
    def near(why):
        gid, src = near_misses[why]
        assert rejected_visible_and_hidden(ch, gid, src, hidden_seeds=seeds) == [], why

    @pytest.mark.parametrize("why", list(also_right))
    def right(why):
        gid, src = also_right[why]
        ns, name = namespace(ch, {gid: src}), exercise_name(ch, gid)
        assert passes(name, ns, 0, hidden=False) and all(passes(name, ns, s, hidden=True) for s in seeds[:10]), why

    return near, right


def unmade_mistakes(ch: str) -> dict[str, list[str]]:
    """The mistakes an exercise says it catches (its module's ``MISTAKES``) against those its wrong answers make
    (``WRONG_MISTAKE`` and ``MORE_WRONG`` in tests/wrong_answers/NN_name.py): {exercise: both lists} where they
    differ, empty when every listed mistake has an answer that makes it."""
    import importlib

    from autograder.checking.exercises import modules
    listed = importlib.import_module(f"autograder.checking.exercises.{modules()['ch' + ch[:2]]}").MISTAKES
    declared = answers_file(ch)
    out = {}
    for gid in declared["WRONG"]:
        name = exercise_name(ch, gid)
        made = [declared["WRONG_MISTAKE"][gid], *declared.get("MORE_WRONG", {}).get(gid, {})]
        if listed.get(name) != made:
            out[name] = [f"listed {listed.get(name)}", f"made {made}"]
    return out


def mistake_tests(ch: str, seeds=range(1, 21)):
    """Two tests for a chapter that lists its exercises' mistakes, bound there as
    ``test_every_listed_mistake_is_made, test_every_other_mistake_fails_everywhere = mistake_tests(CH)``:
    each listed mistake has a wrong answer that makes it (WRONG or MORE_WRONG), and each MORE_WRONG answer fails
    the visible test and every hidden seed tried (WRONG itself is held to that by test_exercises.py)."""
    import pytest

    def listed():
        assert not unmade_mistakes(ch)

    more = [(gid, why, src) for gid, mistakes in answers_file(ch).get("MORE_WRONG", {}).items() for why, src in mistakes.items()]

    @pytest.mark.parametrize("gid,why,src", more, ids=[f"{gid}: {why}" for gid, why, _src in more])
    def other(gid, why, src):
        assert rejected_visible_and_hidden(ch, gid, src, hidden_seeds=seeds) == [], why

    return listed, other


def prediction_miss_test(ch: str, misses: dict):
    """A test for answers wrong only in a prediction (``misses`` maps a reason to ``(grade_id, source)``): only the
    visible test grades predictions, and it must fail each."""
    import pytest

    @pytest.mark.parametrize("why", list(misses))
    def test(why):
        gid, src = misses[why]
        assert src != solution_answers_of(ch)[gid] and not passes(exercise_name(ch, gid), namespace(ch, {gid: src}), 1, hidden=False), why

    return test
