"""The judge keeps a verdict per check (exercise, hidden, pass/fail, label, template, hint, message), and the
result file keeps them: what the class report is rebuilt from."""
from __future__ import annotations

from autograder.checking.checks import CheckFailure
from autograder.checking.exercise import VISIBLE_SEED, Learner, run_exercise
from autograder.grading import judge as J
from autograder.grading import results as R
from exercise_harness import answered, namespace, wrong_answers

CH, GID, NAME = "01_creating_tensors", "ex1_make_grid", "ch01.make_grid"
HIDDEN_SEED = 7


def taped(ns: dict, cell: list[tuple[str, bool]]) -> J.Sealed:
    """One test cell's sealed answers, planned and answered as grading plans and answers them."""
    return answered(ns, cell, HIDDEN_SEED)


def failure_in_process(ns: dict, hidden: bool) -> CheckFailure:
    try:
        run_exercise(NAME, Learner(ns=ns), HIDDEN_SEED if hidden else VISIBLE_SEED, hidden)
    except CheckFailure as failure:
        return failure
    raise AssertionError("the answer passed in-process")


CELL = [(NAME, False), (NAME, True)]


def test_a_passing_cell_keeps_one_passed_verdict_per_check():
    verdicts: list[dict] = []
    passed, _, why = J.judge_cell(CELL, taped(namespace(CH), CELL), HIDDEN_SEED, verdicts=verdicts)
    assert passed and why is None
    assert verdicts == [{"exercise": NAME, "hidden": False, "passed": True}, {"exercise": NAME, "hidden": True, "passed": True}]


def test_a_failing_check_keeps_its_label_template_hint_and_message_and_stops_there():
    ns = namespace(CH, {GID: wrong_answers(CH)[GID]})
    want = failure_in_process(ns, hidden=False)
    verdicts: list[dict] = []
    passed, outputs, _ = J.judge_cell(CELL, taped(ns, CELL), HIDDEN_SEED, verdicts=verdicts)
    assert not passed
    hint = None if want.hint is None else want.hint.pointer
    assert verdicts == [{"exercise": NAME, "hidden": False, "passed": False, "label": want.what,
                         "template": want.template, "hint": hint, "message": str(want)}]
    assert outputs[-1]["evalue"] == str(want)  # the learner's feedback says what the verdict keeps


def test_a_check_failing_only_on_hidden_tests_says_so():
    # Right on the visible cases, wrong on any other shape: only the hidden tests catch it.
    src = ("def make_grid(rows, cols):\n    if (rows, cols) in ((3, 4), (1, 5), (4, 1)):\n"
           "        return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)\n"
           "    return torch.zeros(rows, cols)")
    ns = namespace(CH, {GID: src})
    want = failure_in_process(ns, hidden=True)
    verdicts: list[dict] = []
    J.judge_cell(CELL, taped(ns, CELL), HIDDEN_SEED, verdicts=verdicts)
    assert [(v["hidden"], v["passed"]) for v in verdicts] == [(False, True), (True, False)]
    assert verdicts[1]["message"] == str(want) and verdicts[1]["label"] == want.what


def test_a_tape_the_judge_cannot_use_is_a_failed_verdict_without_values():
    right = taped(namespace(CH), CELL)
    garbled = J.Sealed(right.plans, ["\xff not an answer"] * len(right.answers))
    another_cells = taped(namespace(CH), [("ch01.convert", False)])
    for raw, template in ((None, J.NO_ANSWERS), (garbled, J.UNREADABLE), (another_cells, J.NOT_THIS_CELLS)):
        verdicts: list[dict] = []
        passed, _, why = J.judge_cell(CELL, raw, HIDDEN_SEED, verdicts=verdicts)
        assert not passed and len(verdicts) == 1
        assert verdicts[0]["template"] == template and verdicts[0]["message"] == why and not verdicts[0]["passed"]


def test_verdicts_survive_the_result_file(tmp_path):
    ns = namespace(CH, {GID: wrong_answers(CH)[GID]})
    verdicts: list[dict] = []
    J.judge_cell(CELL, taped(ns, CELL), HIDDEN_SEED, verdicts=verdicts)
    res = R.NotebookResult(0.0, 2.0, cells=[R.CellResult(f"{GID}_test", 0.0, 2.0, "why", checks=verdicts)])
    assert isinstance(res.cells[0].checks[0], R.CheckVerdict)
    R.save(tmp_path, "a", "s", "nb", res)
    back = R.load(tmp_path, "a", "s", "nb")
    assert back == res and back.cells[0].checks[0].template == verdicts[0]["template"]
    # a result written before verdicts were kept still loads, with none
    R.result_path(tmp_path, "a", "old", "nb").parent.mkdir(parents=True)
    R.result_path(tmp_path, "a", "old", "nb").write_text(
        '{"score": 0, "max_score": 2, "cells": [{"grade_id": "x", "score": 0, "max_score": 2, "reason": "r"}]}')
    assert R.load(tmp_path, "a", "old", "nb").cells[0].checks == []
