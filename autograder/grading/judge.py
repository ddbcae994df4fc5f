"""The trusted judge: decide each grade cell from its plan and its sealed answers, never from learner code.

It runs in the grading process, which never executes learner code. Before the notebook ran, each
test cell's ``check(...)`` calls, taken from the TRUSTED source (the gradebook's copy of the
instructor notebook after nbgrader's OverwriteCells, parsed with :mod:`ast`, never run), were
planned (:mod:`.plan`): the learner's process was sent their questions and nothing else. Now each
exercise is replayed on the answers the zygote sealed for that cell, torch computing the expected
side here, live, and every replay must ask exactly what its plan asked. Anything malformed, missing,
or unsealed scores 0 for that cell with a reason; it never stops the batch.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac

from . import tape as T
from ..checking.checks import CheckFailure
from ..checking.exercise import TapeMismatch, label as label_of, passed
from .plan import Check, Plan, PlanMismatch, parse_checks, replay

__all__ = ["Check", "Sealed", "hidden_seed", "judge_cell", "parse_checks"]

# The templates of verdicts the judge reaches without replaying a check (the answers let it down).
NO_ANSWERS = "no answers were recorded for this test (it did not run to the end)"
UNREADABLE = "the sealed answers are unreadable"
NOT_THIS_CELLS = "the planned questions are not this cell's"
UNJUDGEABLE = "judge-crash: the grader could not judge these answers; an instructor will look"
MISMATCH = "the recorded answers do not match this test"
DENIED = "grader-internal code was used: no credit"


@dataclasses.dataclass
class Sealed:
    """What the judge has for one test cell: the plans made before it ran, and how its run ended."""

    plans: list[Plan] | None  # None: the cell was not planned (its source was not check()-only then)
    answers: list[str]  # wire form, one per question answered, in order
    stopped: str | None = None  # why the cell's answers stop short (it was killed, timed out, never ran)
    denied: str | None = None  # grader-internal code used by this exercise: no credit


def hidden_seed(secret: bytes, student: str, assignment: str, notebook: str) -> int:
    """The hidden tests' seed: fixed per submission (regrades agree), unguessable without the course secret."""
    digest = hmac.new(secret, f"{assignment}/{notebook}/{student}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF or 1


def _ok(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def _fail(message: str, ename: str = "CheckFailure") -> dict:
    return {"output_type": "error", "ename": ename, "evalue": message, "traceback": [f"{ename}: {message}"]}


def verdict(name: str, hidden: bool, failure: CheckFailure | None = None, template: str | None = None,
            message: str | None = None) -> dict:
    """One check's verdict as grading keeps it (:class:`~autograder.grading.results.CheckVerdict`).

    A failure keeps its message template and hint pointer apart from its values, so a class
    report groups failures by what went wrong, never by the numbers in the message."""
    out = {"exercise": name, "hidden": hidden, "passed": failure is None and message is None}
    if failure is not None:
        out.update(label=failure.what, template=failure.template, message=str(failure),
                   hint=None if failure.hint is None else str(failure.hint.pointer))
    elif message is not None:
        out.update(label=label_of(name, hidden), template=template, message=message)
    return out


def judge_cell(checks: list[Check], sealed: Sealed | None, seed: int, verdicts: list[dict] | None = None
               ) -> tuple[bool, list[dict], str | None]:
    """Replay ``checks`` against one cell's sealed answers. Returns (passed, outputs for the learner, reason if failed).

    Each check's :func:`verdict` is appended to ``verdicts``, up to the first failure."""
    outputs: list[dict] = []
    said = verdicts if verdicts is not None else []
    first = checks[0] if checks else ("", False)

    def refuse(template: str, why: str, check: Check = first) -> tuple[bool, list[dict], str]:
        said.append(verdict(*check, template=template, message=why))
        return False, outputs + [_fail(why, "NotGraded")], why
    if sealed is None or sealed.plans is None:
        return refuse(NOT_THIS_CELLS if sealed is not None else NO_ANSWERS,
                      "this test cell was not planned as the trusted source has it" if sealed is not None else
                      "no answers were recorded for this test cell (it did not run)")
    if [(p.exercise, p.hidden) for p in sealed.plans] != list(checks):
        return refuse(NOT_THIS_CELLS, "the questions sent for this test cell are not its trusted checks'")
    if sealed.denied:
        return refuse(DENIED, f"this exercise used grader-internal code ({sealed.denied}): it earns no credit")
    try:
        answers = [T.loads(a) for a in sealed.answers]
    except T.TapeError as exc:
        return refuse(UNREADABLE, f"the sealed answers are unreadable ({exc}); this cell scores 0")
    pos = 0
    for plan in sealed.plans:
        label = label_of(plan.exercise, plan.hidden)
        mine, pos = answers[pos:pos + len(plan.questions)], pos + len(plan.questions)
        try:
            if plan.error:
                raise PlanMismatch(plan.error)
            replay(plan, mine, seed)
        except TapeMismatch:
            why = f"no answers were recorded for {label}: {sealed.stopped or 'the test cell did not run to the end'}"
            return refuse(NO_ANSWERS, why, (plan.exercise, plan.hidden))
        except CheckFailure as failure:
            said.append(verdict(plan.exercise, plan.hidden, failure))
            return False, outputs + [_fail(str(failure))], f"{label}: {str(failure).splitlines()[0]}"
        except Exception as exc:  # noqa: BLE001  a grader bug, or an answer of a shape no check expects: a human decides
            why = f"judge-crash: {label}: the grader could not judge these answers ({type(exc).__name__}); an instructor will look"
            return refuse(UNJUDGEABLE, why, (plan.exercise, plan.hidden))
        said.append(verdict(plan.exercise, plan.hidden))
        outputs.append(_ok(passed(label) + "\n"))
    return True, outputs, None
