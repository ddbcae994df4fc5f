"""The trusted judge: decide each grade cell from the taped answers, never from learner code.

It runs in the grading process, which never executes learner code. For each grade cell it
takes the list of ``check(...)`` calls from the TRUSTED source (the gradebook's copy of
the instructor notebook, parsed with :mod:`ast`, never the submission), finds the answers
the sandbox taped for that cell, and replays each exercise against them
(``run_exercise(name, Learner(tape=..., replay=True), seed, hidden)``): torch's side is
computed here, live. Anything malformed in a tape (forged, truncated, missing) scores 0
for that cell with a reason; it never stops the batch.
"""
from __future__ import annotations

import ast
import hashlib
import hmac

from . import tape as T
from ..checking.answers import Answer
from ..checking.checks import CheckFailure
from ..checking.exercise import VISIBLE_SEED, Learner, label as label_of, passed, run_exercise

Check = tuple[str, bool]

# The templates of verdicts the judge reaches without replaying a check (the tape let it down).
NO_ANSWERS = "no answers were recorded for this test (it did not run to the end)"
UNREADABLE = "forged-tape: the recorded answers are unreadable"
NOT_THIS_CELLS = "forged-tape: the recorded answers are not this cell's"
UNJUDGEABLE = "judge-crash: the grader could not judge these answers; an instructor will look"
MISMATCH = "the recorded answers do not match this test"


def parse_checks(source: str) -> list[Check] | None:
    """The ``check("chNN.slug", hidden=...)`` calls of a trusted test cell, in order.

    None when the cell holds anything else: such a cell cannot be judged outside the sandbox."""
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


def hidden_seed(secret: bytes, student: str, assignment: str, notebook: str) -> int:
    """The hidden tests' seed: fixed per submission (regrades agree), unguessable without the course secret."""
    digest = hmac.new(secret, f"{assignment}/{notebook}/{student}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF or 1


def read_tape(raw: bytes) -> list[dict]:
    """Parse one cell's tape (JSON lines) without trusting it. Raises TapeError."""
    if len(raw) > T.MAX_TAPE_BYTES:
        raise T.TapeError("tape too large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise T.TapeError("tape is not UTF-8 text") from None
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        rec = T.loads(line)
        if not isinstance(rec, dict) or not isinstance(rec.get("tape"), list) or not isinstance(rec.get("exercise"), str):
            raise T.TapeError("malformed record")
        steps = []
        for item in rec["tape"]:
            if not isinstance(item, (list, tuple)) or len(item) != 2 or not isinstance(item[0], str):
                raise T.TapeError("malformed step")
            if item[0] != "!" and not isinstance(item[1], Answer):
                raise T.TapeError("a step without an answer")
            steps.append((item[0], item[1]))
        records.append({"exercise": rec["exercise"], "hidden": rec.get("hidden") is True, "steps": steps})
    return records


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


def judge_cell(checks: list[Check], raw: bytes | None, seed: int, stopped: str | None = None,
               verdicts: list[dict] | None = None) -> tuple[bool, list[dict], str | None]:
    """Replay ``checks`` against one cell's tape. Returns (passed, outputs for the learner, reason if failed).

    Each check's :func:`verdict` is appended to ``verdicts``, up to the first failure."""
    outputs: list[dict] = []
    said = verdicts if verdicts is not None else []
    first = checks[0] if checks else ("", False)
    if not raw:
        why = f"no answers were recorded for this test cell: {stopped}" if stopped else \
            "no answers were recorded for this test cell (it did not run to the end)"
        said.append(verdict(*first, template=NO_ANSWERS, message=why))
        return False, [_fail(why, "NotGraded")], why
    try:
        records = read_tape(raw)
    except T.TapeError as exc:
        why = f"forged-tape: the recorded answers are unreadable ({exc}); this cell scores 0"
        said.append(verdict(*first, template=UNREADABLE, message=why))
        return False, [_fail(why, "NotGraded")], why
    if len(records) > len(checks) or any((r["exercise"], r["hidden"]) != c for r, c in zip(records, checks)):
        why = "forged-tape: the recorded answers are not this cell's (written by something other than its checks)"
        said.append(verdict(*first, template=NOT_THIS_CELLS, message=why))
        return False, [_fail(why, "NotGraded")], why
    for k, (name, hidden) in enumerate(checks):
        label = label_of(name, hidden)
        rec = records[k] if k < len(records) else None
        if rec is None or rec["exercise"] != name or rec["hidden"] != hidden:
            why = f"no answers were recorded for {label} (the test cell did not run to the end, or was changed)"
            said.append(verdict(name, hidden, template=NO_ANSWERS, message=why))
            return False, outputs + [_fail(why, "NotGraded")], why
        steps = [s for s in rec["steps"] if s[0] != "!"]
        learner = Learner(tape=steps, replay=True)
        try:
            run_exercise(name, learner, VISIBLE_SEED if not hidden else seed, hidden)
        except CheckFailure as failure:
            said.append(verdict(name, hidden, failure))
            return False, outputs + [_fail(str(failure))], f"{label}: {str(failure).splitlines()[0]}"
        except Exception as exc:  # a grader bug, or answers forged into a shape no check expects: a human decides
            why = f"judge-crash: {label}: the grader could not judge these answers ({type(exc).__name__}); an instructor will look"
            said.append(verdict(name, hidden, template=UNJUDGEABLE, message=why))
            return False, outputs + [_fail(why, "NotGraded")], why
        if learner._pos != len(steps):
            why = f"{label}: the recorded answers do not match this test"
            said.append(verdict(name, hidden, template=MISMATCH, message=why))
            return False, outputs + [_fail(why, "NotGraded")], why
        said.append(verdict(name, hidden))
        outputs.append(_ok(passed(label) + "\n"))
    return True, outputs, None
