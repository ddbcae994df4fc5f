"""Plans and replays: the trusted side of "answers out, verdicts in".

Before a notebook runs, :func:`plan_cell` runs each check of a test cell in *plan* mode: the
exercise asks its questions (step and arguments, see :mod:`autograder.checking.exercise`), every
check is a no-op, and every answer stays pending. The questions (their wire form, :mod:`.questions`)
are all the learner's process is ever sent for that cell. Afterwards :func:`replay` runs the same
exercise again on the sealed answers, with torch computing the expected side here, and refuses
a replay that asks anything other than what was planned.

A visible check's plan is the same for every student (its seed is fixed), so it is made once per
process and reused.
"""
from __future__ import annotations

import ast
import dataclasses
import functools
from typing import Any

from ..checking import checks
from ..checking.answers import Answer
from ..checking.exercise import VISIBLE_SEED, Learner, TapeMismatch, pending, run_exercise
from . import questions as Q


Check = tuple[str, bool]


def parse_checks(source: str) -> list[Check] | None:
    """The ``check("chNN.slug", hidden=...)`` calls of a test cell, in order.

    None when the cell holds anything else: such a cell is run as code, not planned."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    out: list[Check] = []
    for stmt in tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "check"):
            return None
        if len(call.args) != 1 or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
            return None
        hidden = False
        for kw in call.keywords:
            if kw.arg != "hidden" or not isinstance(kw.value, ast.Constant) or not isinstance(kw.value.value, bool):
                return None
            hidden = kw.value.value
        out.append((call.args[0].value, hidden))
    return out or None


class PlanMismatch(RuntimeError):
    """The replay asked something other than the plan: a nondeterministic exercise (a course bug)."""


@dataclasses.dataclass(frozen=True)
class Plan:
    """One check of a test cell: its exercise, its questions (wire form) and their keys."""

    exercise: str
    hidden: bool
    questions: tuple[str, ...]
    keys: tuple[str, ...]
    error: str | None = None  # the exercise itself failed while planning (e.g. unknown name)


def seed_for(hidden: bool, seed: int) -> int:
    return seed if hidden else VISIBLE_SEED


def plan_check(name: str, hidden: bool, seed: int) -> Plan:
    """The questions exercise ``name`` asks with ``seed`` (fixed for visible checks)."""
    if not hidden:
        return _visible(name)
    return _plan(name, True, seed)


@functools.lru_cache(maxsize=None)
def _visible(name: str) -> Plan:
    return _plan(name, False, VISIBLE_SEED)


def _plan(name: str, hidden: bool, seed: int) -> Plan:
    wires: list[str] = []

    def ask(step: str, args: tuple, parts: int) -> Answer:
        wires.append(Q.encode_question(step, args))
        return pending(parts)
    error = None
    saved, checks.recording = checks.recording, True
    try:
        run_exercise(name, Learner(source=ask), seed_for(hidden, seed), hidden)
    except Exception as exc:  # noqa: BLE001  an unknown exercise, a course bug: the judge fails the check, saying so
        error = f"{type(exc).__name__}: {exc}"
    finally:
        checks.recording = saved
    return Plan(name, hidden, tuple(wires), tuple(Q.question_key(w) for w in wires), error)


def plan_cell(calls: list[tuple[str, bool]], seed: int) -> list[Plan]:
    return [plan_check(name, hidden, seed) for name, hidden in calls]


def replay(plan: Plan, answers: list[Answer], seed: int) -> None:
    """Judge ``answers`` (one per planned question, in order) by running the exercise again.

    Raises CheckFailure on a wrong answer, PlanMismatch if the replay asks what the plan did not."""
    pos = [0]

    def source(step: str, args: tuple, parts: int) -> Any:
        k = pos[0]
        if k < len(plan.keys) and k >= len(answers):
            raise TapeMismatch("answers", "no answer was recorded for this check: the test cell did not run to the end.")
        if k >= len(plan.keys) or Q.question_key(Q.encode_question(step, args)) != plan.keys[k]:
            raise PlanMismatch(f"{plan.exercise}: question {k} of the replay is not the plan's")
        pos[0] += 1
        return answers[k]
    run_exercise(plan.exercise, Learner(source=source), seed_for(plan.hidden, seed), plan.hidden)
    if pos[0] != len(plan.keys):
        raise PlanMismatch(f"{plan.exercise}: the replay asked {pos[0]} of the plan's {len(plan.keys)} questions")


def make_job(nb: Any, seed: int, files: dict[str, bytes], limits: Any) -> tuple[Any, dict[int, list[Plan]]]:
    """The sandbox's job for notebook ``nb``, and the plans of its test cells (by cell index).

    A check()-only cell is sent as its questions; every other code cell as its source."""
    from .worker import Job
    cells, plans = [], {}
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        calls = parse_checks(c.source)
        if calls is None:
            meta = c.metadata.get("nbgrader", {})
            # a locked cell's source is the course's (nbgrader's OverwriteCells put it back): it may use grader modules
            cells.append({"index": i, "code": c.source, **({"trusted": True} if meta.get("locked") and not meta.get("solution") else {})})
            continue
        plans[i] = plan_cell(calls, seed)
        cells.append({"index": i, "ask": [w for p in plans[i] for w in p.questions]})
    return Job(cells=cells, files=files, limits=limits), plans

