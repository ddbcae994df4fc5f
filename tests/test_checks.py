"""Unit tests of the checking library. Each check is shown passing on torch's own answer and
rejecting a near-miss that would pass a careless check (right values, wrong dtype; a copy where a
view was asked for; a subclass that lies about ==)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from autograder.checking import checks as C
from autograder.checking.answers import Answer, freeze
from autograder.checking.exercise import Learner, run_exercise
from autograder.grading import tape
from autograder.checking.checks import CheckFailure


def fails(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_tensor_passes_torch_itself_and_rejects_wrong_dtype():
    want = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    C.tensor(freeze(want.clone()), want, "X")
    msg = fails(C.tensor, freeze(torch.arange(6).reshape(2, 3)), want, "X", hint="ask for float32")
    assert "wrong dtype" in msg and "float32" in msg and "int64" in msg and "hint: ask for float32" in msg


def test_tensor_rejects_right_values_in_the_wrong_shape():
    want = torch.arange(6.0).reshape(2, 3)
    assert "wrong shape" in fails(C.tensor, freeze(torch.arange(6.0)), want, "X")
    assert "wrong shape" in fails(C.tensor, freeze(want.t().contiguous()), want, "X")


def test_tensor_tolerance_is_dtype_aware():
    want = torch.tensor([1.0, 2.0])
    C.tensor(freeze(want + 1e-7), want, "x")  # float32 rounding noise is fine
    assert "wrong values" in fails(C.tensor, freeze(want + 1e-3), want, "x")
    ints = torch.tensor([1, 2])
    assert "wrong values" in fails(C.tensor, freeze(torch.tensor([1, 3])), ints, "x")


def test_a_tensor_subclass_that_lies_about_equality_is_rejected():
    class Liar(torch.Tensor):
        def __eq__(self, other):
            return torch.ones_like(self, dtype=torch.bool)
    liar = torch.zeros(3).as_subclass(Liar)
    assert "not a" in fails(C.tensor, freeze(liar), torch.ones(3), "x")


def test_an_object_equal_to_everything_is_not_an_answer():
    class Everything:
        def __eq__(self, other):
            return True
    ans = freeze(Everything())
    assert ans.kind == "other"
    fails(C.value, ans, torch.float32, "dtype")
    fails(C.value, ans, 3, "n")


def test_value_kind_matters_true_is_not_1():
    C.value(freeze(True), True, "flag")
    assert "expected a bool" in fails(C.value, freeze(1), True, "flag")
    C.value(freeze(torch.float32), torch.float32, "dtype")
    fails(C.value, freeze(torch.float64), torch.float32, "dtype")
    C.value(freeze((2, 3)), torch.Size([2, 3]), "shape")  # a tuple of ints answers a shape
    fails(C.value, freeze([2, 3]), torch.Size([2, 3]), "shape")


def test_memory_sharing_is_judged_by_storage_not_values():
    x = torch.arange(6.0)
    view, copy = x[1:4], x[1:4].clone()
    C.shares_memory(freeze(view), freeze(x), True, "x[1:4]")
    msg = fails(C.shares_memory, freeze(copy), freeze(x), True, "x[1:4]")
    assert "separate copies" in msg
    a = np.zeros(3, dtype=np.float32)
    C.shares_memory(freeze(torch.from_numpy(a)), freeze(a), True, "from_numpy")
    fails(C.shares_memory, freeze(torch.tensor(a)), freeze(a), True, "tensor(a)")


def test_monkeypatched_tensor_methods_cannot_change_a_frozen_answer(monkeypatch):
    t = torch.arange(6.0).reshape(2, 3).t()
    monkeypatch.setattr(torch.Tensor, "is_contiguous", lambda self, *a, **k: True)
    monkeypatch.setattr(torch.Tensor, "data_ptr", lambda self: 0)
    monkeypatch.setattr(torch.Tensor, "stride", lambda self, *a: (1,))
    ans = freeze(t)
    assert ans.meta["contiguous"] is False and ans.meta["stride"] == (1, 3) and ans.meta["storage"] != 0
    fails(C.meta, ans, "contiguous", True, "t")


def test_grad_of_a_non_leaf_is_read_without_a_warning():
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning would be a stderr line, failing an nbgrader test cell
        ans = freeze(y)
    assert ans.meta["grad"] is None and ans.meta["is_leaf"] is False
    C.grad(freeze(x), torch.full((3,), 2.0), "x")
    assert "is None" in fails(C.grad, ans, torch.full((3,), 1.0), "y")
    assert "wrong values" in fails(C.grad, freeze(x), torch.full((3,), 4.0), "x")


def test_errors_compare_type_and_message():
    want = C.outcome(lambda: torch.ones(2, 3).t().view(-1))
    assert want.kind == "exception" and want.value[0] == "RuntimeError"
    C.error(C.outcome(lambda: torch.ones(3, 2).t().view(-1)), want, "view")
    assert "different kind" in fails(C.error, Answer("exception", ("ValueError", want.value[1])), want, "view")
    assert "different message" in fails(C.error, Answer("exception", ("RuntimeError", "nope")), want, "view")
    assert "returned a value" in fails(C.error, freeze(torch.ones(6)), want, "view")


def test_unanswered_exercises_say_so_kindly():
    stub = Answer("exception", ("NotImplementedError", "Replace this line"))
    msg = fails(C.tensor, stub, torch.ones(2), "x", hint="reveals the answer")
    assert "not answered yet: replace the `raise NotImplementedError(...)` line" in msg and "reveals" not in msg
    msg = fails(C.tensor, Answer("missing", "x"), torch.ones(2), "x", hint="reveals the answer")
    assert "`x` is not defined: replace the `raise NotImplementedError(...)` line" in msg and "reveals" not in msg


def test_same_object_uses_identity():
    x = torch.ones(2)
    C.same_object(freeze(x), freeze(x), True, "x.contiguous()")
    fails(C.same_object, freeze(x.clone()), freeze(x), True, "x.contiguous()")


def test_choice_rejects_the_wrong_letter_without_revealing_the_right_one():
    opts = {"A": "it copies", "B": "it returns a new tensor and leaves b as it was"}
    C.choice(freeze("b"), "B", opts, "why")
    msg = fails(C.choice, freeze("A"), "B", opts, "why")
    assert "it copies" in msg and "leaves b" not in msg
    fails(C.choice, freeze("Z"), "B", opts, "why")


def test_checks_are_silent_while_recording():
    C.recording = True
    try:
        C.tensor(freeze(torch.zeros(2)), torch.ones(3), "x")  # would fail; the judge decides later
    finally:
        C.recording = False
    fails(C.tensor, freeze(torch.zeros(2)), torch.ones(3), "x")



@pytest.mark.parametrize("check", ["meta", "shares_memory", "same_object"])
def test_the_memory_checks_are_verdicts_too(check):
    """Written in memory_checks, made verdicts in checks: silent while recording, failing otherwise."""
    a = torch.zeros(2)
    args = {"meta": (freeze(a), "is_leaf", False, "a"), "shares_memory": (freeze(a), freeze(a.clone()), True, "a"),
            "same_object": (freeze(a), freeze(a.clone()), True, "a")}[check]
    C.recording = True
    try:
        getattr(C, check)(*args)
    finally:
        C.recording = False
    fails(getattr(C, check), *args)

@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.sampled_from([torch.float32, torch.float64, torch.int64, torch.bool]))
def test_tape_round_trip_keeps_every_fact(shape, dtype):
    t = (torch.arange(int(np.prod(shape))).reshape(shape) % 3).to(dtype)
    ans = freeze((t, t.t() if t.dim() == 2 else t, "s", 1.5, None, torch.Size(shape)))
    back = tape.loads(tape.dumps(ans))
    assert back.kind == ans.kind and len(back.value) == len(ans.value)
    for a, b in zip(ans.value, back.value):
        assert a.kind == b.kind and a.meta == b.meta
        if a.kind == "tensor":
            assert np.array_equal(a.value, b.value) and b.value.dtype == a.value.dtype


def test_a_forged_tape_is_rejected_not_executed():
    import base64, pickle
    evil = base64.b64encode(pickle.dumps(print)).decode()
    with pytest.raises(tape.TapeError):
        tape.loads('{"@nd": "%s"}' % evil)
    with pytest.raises(tape.TapeError):
        tape.loads("{not json")


def test_replay_reads_answers_from_the_tape_only():
    from autograder.checking.exercise import STEPS
    from autograder.grading.plan import PlanMismatch, plan_check, replay
    from autograder.grading.recorder import answer

    ns = {"make_grid": lambda r, c: torch.arange(r * c, dtype=torch.float32).reshape(r, c)}
    plan = plan_check("ch01.make_grid", True, 7)
    recorded = [tape.loads(answer(STEPS, ns, w)) for w in plan.questions]
    replay(plan, recorded, 7)
    # The near-miss: the same answers judged with other hidden inputs (another seed) must fail.
    with pytest.raises((CheckFailure, PlanMismatch)):
        replay(plan, recorded, 8)
    with pytest.raises(CheckFailure):  # a truncated tape (test cell cut short) fails, never passes
        replay(plan, recorded[:1], 7)
