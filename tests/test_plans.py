"""Every exercise is plan-compatible (CONTRACTS.md): grading can plan it, and its replay asks exactly what it planned.

- planning never fails, for the visible seed and many hidden ones, and every question is data the wire
  form rebuilds exactly (its encoding is stable through a decode);
- the replay on the solution's answers asks the plan's questions and passes;
- the replay on a typical wrong answer's answers, with every check switched off, still asks exactly the
  plan's questions: what an exercise asks never depends on what the learner answered.
"""
from __future__ import annotations

import pytest

from autograder.checking import checks
from autograder.checking.exercise import STEPS
from autograder.grading import questions as Q, tape as T
from autograder.grading.judge import judge_cell
from autograder.grading.plan import Plan, plan_check, replay
from autograder.grading.recorder import answer
from autograder.tools.submissions import answer_ids, read
from conftest import CHAPTERS, solution_path
from exercise_harness import answered, exercise_name, namespace, wrong_answers

HIDDEN = (1, 2, 3, 17, 2024)
CASES = [pytest.param(ch, gid, id=f"{ch[:2]}-{gid}") for ch in CHAPTERS for gid in answer_ids(read(solution_path(ch)))]


@pytest.mark.parametrize("ch,gid", CASES)
def test_plans_are_data_and_the_solutions_replay_asks_the_same(ch, gid):
    name, ns = exercise_name(ch, gid), namespace(ch)
    for hidden, seed in [(False, 0)] + [(True, s) for s in HIDDEN]:
        plan = plan_check(name, hidden, seed)
        assert plan.error is None and plan.questions, f"{name} (hidden={hidden}, seed {seed}): {plan.error}"
        for wire in plan.questions:
            step, args = Q.decode_question(wire)
            assert step in STEPS and Q.encode_question(step, args) == wire
        passed, outputs, why = judge_cell([(name, hidden)], answered(ns, [(name, hidden)], seed), seed)
        assert passed, f"{name} (hidden={hidden}, seed {seed}): {why}"


@pytest.mark.parametrize("ch,gid", CASES)
def test_what_an_exercise_asks_does_not_depend_on_the_answers(ch, gid):
    name, ns = exercise_name(ch, gid), namespace(ch, {gid: wrong_answers(ch)[gid]})
    for hidden, seed in ((False, 0), (True, 5)):
        plan: Plan = plan_check(name, hidden, seed)
        got = [T.loads(answer(STEPS, ns, w)) for w in plan.questions]
        saved, checks.recording = checks.recording, True
        try:
            replay(plan, got, seed)  # PlanMismatch if the wrong answers change what is asked
        finally:
            checks.recording = saved
