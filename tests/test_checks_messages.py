"""What a learner reads: messages through _(), labels that name the learner's expression, untouched answers
that reveal nothing, and the hint ladder (pointer first, the direct hint only on a repeated failure in the
learner's own kernel, never in grading feedback)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch

from autograder.checking import checks as C
from autograder.checking.answers import Answer, freeze, missing
from autograder.checking.checks import CheckFailure, Hint
from autograder.checking.exercise import REGISTRY, check, exercise
from autograder.checking.i18n import _

LADDER = Hint(_("look at the dtype arange counts in."), _("ask arange for dtype=torch.float32."))


@exercise("zz.ladder")
def _ladder(L, R, hidden):
    C.tensor(L.call("grid", 2), torch.arange(2, dtype=torch.float32), "grid(2)", hint=LADDER)


def failure(fn, *args, **kwargs) -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        fn(*args, **kwargs)
    return info.value


def test_a_repeated_failure_in_the_kernel_climbs_to_the_direct_hint():
    ns = {"check": check, "grid": lambda n: torch.arange(n)}
    first = failure(exec, 'check("zz.ladder")', ns)
    assert "hint: look at the dtype" in str(first) and "dtype=torch.float32" not in str(first)
    second = failure(exec, 'check("zz.ladder")', ns)
    assert "hint: ask arange for dtype=torch.float32." in str(second) and second.direct
    assert first.key() == second.key() and first.template == "wrong dtype."


def test_another_check_failing_starts_on_the_first_rung():
    ns = {"check": check, "grid": lambda n: torch.arange(n)}
    failure(exec, 'check("zz.ladder")', ns)  # whatever rung this one is on now
    ns["grid"] = lambda n: torch.arange(n + 1, dtype=torch.float32)  # now a shape mistake: another check
    msg = str(failure(exec, 'check("zz.ladder")', ns))
    assert "wrong shape" in msg and "hint: look at the dtype" in msg


def test_grading_replay_shows_the_pointer_only_however_often_it_fails():
    from autograder.grading.plan import replay
    from exercise_harness import recorded

    plan, answers = recorded("zz.ladder", {"grid": lambda n: torch.arange(n)}, 1, False)
    for _round in range(3):
        msg = str(failure(replay, plan, answers, 1))
        assert "hint: look at the dtype" in msg and "dtype=torch.float32" not in msg


@pytest.mark.parametrize("got,says", [
    (Answer("exception", ("NotImplementedError", "Replace this line with your answer")), "replace the `raise NotImplementedError(...)` line"),
    (missing("grid"), "`grid` is not defined: replace the `raise NotImplementedError(...)` line"),
    (freeze(...), "still `...`: replace the `...`"),
])
def test_an_untouched_answer_says_what_to_do_and_reveals_nothing(got, says):
    for check_fn, want in ((C.tensor, torch.ones(2)), (C.value, (2, 3)), (C.error, C.outcome(torch.ones(2).view, 3))):
        f = failure(check_fn, got, want, "grid(2)", hint=LADDER)
        assert says in str(f) and "hint" not in str(f) and f.hint is None and "torch gives" not in str(f)


def test_a_near_miss_of_untouched_is_judged_as_an_answer():
    # an error of the learner's own (not the stub's) is a wrong answer, with what torch gives and the hint
    f = failure(C.tensor, Answer("exception", ("TypeError", "bad")), torch.ones(2), "grid(2)", hint=LADDER)
    assert "torch gives" in str(f) and "hint: look at" in str(f)


def test_every_value_failure_shows_what_torch_gives_and_what_you_gave():
    cases = [(C.tensor, freeze(torch.zeros(2)), torch.ones(2)), (C.tensor, freeze(torch.zeros(2, dtype=torch.int64)), torch.ones(2)),
             (C.value, freeze(3), 4), (C.value, freeze(True), 1), (C.value, freeze((1, 2)), (1, 2, 3)),
             (C.value, freeze({"a": True}), {"b": True}), (C.meta, freeze(torch.ones(2, 2).t()), "stride", (2, 1)),
             (C.error, freeze(1), C.outcome(torch.ones(2).view, 3))]
    for fn, *args in cases:
        msg = str(failure(fn, *args, "x"))
        assert "torch gives: " in msg and "you gave: " in msg, msg


def test_tuples_are_described_by_their_items_never_as_a_tuple_of_n_items():
    got = freeze((torch.zeros(2), 3, (1, 2)))
    assert "a tuple of" not in got.describe() and "float32 tensor of shape (2,)" in got.describe()
    msg = str(failure(C.items, freeze((torch.ones(2), 3)), freeze((torch.ones(2), 3, 4)), ["result", "n", "m"], "f(t)"))
    assert "a tuple of" not in msg and "result, n, m" in msg


def test_tuple_parts_are_labelled_by_name_and_predictions_by_expression():
    msg = str(failure(C.value, freeze((torch.ones(2), 3)), (torch.ones(2), 4), "to_numpy(t)", names=["result", "count"]))
    assert msg.startswith("to_numpy(t) -> count: ") and "[1]" not in msg
    want = {"X[1]": True, "X[:, 1]": True, "X[[0, 2]]": False}
    msg = str(failure(C.value, freeze({**want, "X[:, 1]": False}), want, "predicted_views"))
    assert msg.startswith("predicted_views['X[:, 1]']: ")
    whole = str(failure(C.value, freeze((2, 4)), (2, 3), "predicted_shape"))  # a shape is judged whole
    assert whole.startswith("predicted_shape: ") and "(2, 3)" in whole and "(2, 4)" in whole


def test_a_failure_keeps_its_template_for_the_class_report():
    f = failure(C.items, freeze((1,)), freeze((1, 2)), ["a", "b"], "f(x)")
    assert f.template == "expected {n} results: {names}." and f.problem == "expected 2 results: a, b."
    assert f.what == "f(x)" and str(f).startswith("f(x): expected 2 results")


# ---- every learner-facing string is extractable by Babel ----
CHECKING = Path(__file__).resolve().parent.parent / "autograder" / "checking"
MESSAGE_MODULES = ["checks.py", "memory_checks.py", "failure.py", "answers.py", "no_torch.py", "exercise.py"] + \
    [f"exercises/{p.name}" for p in sorted((CHECKING / "exercises").glob("ch0[1-4]_*.py"))]


def gettext_calls(source: str) -> tuple[list[str], list[str]]:
    """The literal msgids of the _() calls in ``source``, and the calls whose first argument is not a literal."""
    ok, bad = [], []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
            (ok if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else bad).append(ast.unparse(node))
    return ok, bad


def rebinds_underscore(source: str) -> list[int]:
    """Lines that bind the name `_` (a loop variable, an assignment): there, _() is no longer the translator."""
    return [n.lineno for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)]


@pytest.mark.parametrize("module", MESSAGE_MODULES)
def test_messages_have_a_literal_msgid(module):
    source = (CHECKING / module).read_text()
    ok, bad = gettext_calls(source)
    assert not bad, f"{module}: _() needs one string literal (Babel extracts only literals): {bad}"
    if ok:  # a module that translates must not rebind `_`
        assert not rebinds_underscore(source), f"{module}: `_` is rebound on lines {rebinds_underscore(source)}"


def test_the_lint_sees_a_rebound_underscore():
    assert rebinds_underscore("for _ in range(3):\n    pass\nx = [1 for _ in y]") == [1, 3]
    assert rebinds_underscore("for _i in range(3):\n    _('x')") == []


def test_babel_extracts_the_messages_and_the_lint_rejects_a_computed_one():
    from babel.messages.extract import extract_from_file
    found = {m[1] for m in extract_from_file("python", str(CHECKING / "checks.py"))}
    ok, _bad = gettext_calls((CHECKING / "checks.py").read_text())
    assert {ast.literal_eval(c[2:-1]) for c in ok} <= found and "wrong dtype." in found
    assert gettext_calls('_(f"wrong {x}")\n_("a" + b)\n_("fine {x}").format(x=1)') == (["_('fine {x}')"], ["_(f'wrong {x}')", "_('a' + b)"])


def test_text_remembers_its_msgid():
    t = _("expected {n} items")
    assert t == "expected {n} items" and t.msgid == "expected {n} items"
    assert "zz.ladder" in REGISTRY


def test_a_call_judged_by_its_effect_must_have_run():
    C.ran(freeze(None), "set_entry(X, 1, 2, 17)")
    C.ran(freeze(torch.ones(2)), "set_entry(X, 1, 2, 17)")  # a result is not what is judged here
    assert "replace the" in str(failure(C.ran, Answer("exception", ("NotImplementedError", "x")), "f(X)"))
    msg = str(failure(C.ran, Answer("exception", ("IndexError", "index 5 is out of bounds")), "f(X)"))
    assert "torch gives: no error" in msg and "IndexError" in msg


def test_the_judge_feedback_shows_the_first_rung_even_after_the_learner_climbed():
    # The learner failed twice in their kernel (and saw the direct hint); grading feedback, rendered by the
    # judge from the sealed answers, shows the pointer only.
    from autograder.grading import judge as J
    from exercise_harness import answered
    ns = {"check": check, "grid": lambda n: torch.arange(n)}
    for _round in range(2):
        failure(exec, 'check("zz.ladder")', ns)
    passed, outputs, _why = J.judge_cell([("zz.ladder", False)], answered(ns, [("zz.ladder", False)], 1), 1)
    shown = outputs[-1]["evalue"]
    assert not passed and "hint: look at the dtype" in shown and "dtype=torch.float32" not in shown
