"""Comparison primitives: a learner's frozen :class:`Answer` against what torch does.

Every function here compares two pieces of plain data (see :mod:`autograder.checking.answers`),
the learner's ``got`` and torch's ``want``, and raises :class:`CheckFailure` with a
note a teacher would write: what torch gives, what you gave, and a hint (a :class:`Hint` ladder).
``want`` may be a live torch/Python value (computed by the caller, in a process that
never ran learner code) or an Answer; it is frozen the same way as ``got``.
Every message goes through ``_()`` (:mod:`autograder.checking.i18n`).
The memory facts (``meta``, ``shares_memory``, ``same_object``) are compared in :mod:`.memory_checks` and
made verdicts here.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from . import memory_checks as _memory
from .answers import Answer, first_line, freeze, frozen_exception, show
from .failure import CheckFailure, Hint, not_an_answer as _not_an_answer, untouched
from .i18n import _

__all__ = ["CheckFailure", "Hint", "outcome", "tensor", "value", "error", "same_outcome", "grad", "flag", "meta",
           "shares_memory", "same_object", "choice", "parts", "items", "untouched", "ran"]

# Tolerances follow torch.testing.assert_close's defaults, so "close" means what torch means.
_TOL = {
    "float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7), "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7),
}


# Set while the trusted grading process plans an exercise (collects the questions to ask the learner's
# process): every answer is still pending, so every check is a no-op and every question gets asked.
recording = False


def _verdict(fn: Callable) -> Callable:
    def wrapper(*args: Any, **kwargs: Any) -> None:
        __tracebackhide__ = True
        if not recording:
            fn(*args, **kwargs)
    wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = fn.__name__, fn.__doc__, fn  # type: ignore[attr-defined]
    return wrapper


def _want(x: Any) -> Answer:
    return x if isinstance(x, Answer) else freeze(x)


HintArg = "Hint | str | None"


@_verdict
def ran(got: Answer, what: str, *, hint: HintArg = None) -> None:
    """A call judged by what it did to its inputs, not by its result: it must have run, without an error."""
    if untouched(got):
        _not_an_answer(got, Answer("none"), what, hint)
    if got.kind == "exception":
        name, msg = got.value
        raise CheckFailure(what, _("your code raised an error where torch runs without one."), want=_("no error"),
                           got=f"{name}: {first_line(msg)}", hint=hint)


def outcome(fn: Callable, *args: Any, **kwargs: Any) -> Answer:
    """What ``fn(*args)`` gives: its frozen result, or the error it raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return freeze(fn(*args, **kwargs))
        except Exception as exc:
            return frozen_exception(exc)


@_verdict
def tensor(got: Answer, want: Any, what: str, *, hint: HintArg = None, exact: bool | None = None,
           rtol: float | None = None, atol: float | None = None, strides: bool = False,
           kind: str = "tensor") -> None:
    """Same kind (a real torch.Tensor, not a subclass), dtype, shape and values."""
    w = _want(want)
    _not_an_answer(got, w, what, hint)
    if got.kind != w.kind:
        raise CheckFailure(what, _("expected {thing}."), want=w.describe(), got=got.describe(), hint=hint,
                           fields={"thing": w.describe()})
    if got.meta.get("type") != w.meta.get("type"):
        raise CheckFailure(what, _("expected a plain {type}, not a {subclass}."), want=str(w.meta.get("type")),
                           got=str(got.meta.get("type")), fields={"type": w.meta.get("type"), "subclass": got.meta.get("type")},
                           hint=_("return the tensor itself; a subclass can change how == behaves."))
    if got.dtype != w.dtype:
        raise CheckFailure(what, _("wrong dtype."), want=w.describe(), got=got.describe(), hint=hint)
    if got.shape != w.shape:
        raise CheckFailure(what, _("wrong shape."), want=w.describe(), got=got.describe(), hint=hint)
    g, e = np.asarray(got.value), np.asarray(w.value)
    if exact is None:
        exact = not (np.issubdtype(e.dtype, np.floating) or np.issubdtype(e.dtype, np.complexfloating))
    if exact:
        same = np.array_equal(g, e, equal_nan=e.dtype.kind in "fc")
    else:
        r, a = _TOL.get(w.dtype or "", (1.3e-6, 1e-5))
        same = bool(np.allclose(g, e, rtol=rtol if rtol is not None else r, atol=atol if atol is not None else a, equal_nan=True))
    if not same:
        raise CheckFailure(what, _("wrong values."), want=show(w), got=show(got), hint=hint)
    if strides and got.meta.get("stride") != w.meta.get("stride"):
        raise CheckFailure(what, _("right values, wrong memory layout (strides)."), hint=hint,
                           want=_("stride {stride}").format(stride=w.meta.get("stride")),
                           got=_("stride {stride}").format(stride=got.meta.get("stride")))


@_verdict
def value(got: Answer, want: Any, what: str, *, hint: HintArg = None, rtol: float = 1e-9,
          names: list[str] | None = None) -> None:
    """Plain values: bool, int, float, str, dtype, torch.Size, tuples of them. Kind matters: 1 is not True.

    A tuple is judged whole (a shape, a stride), or, given ``names``, item by item, each failure labelled
    ``what -> name``: never by an index the learner did not write."""
    w = _want(want)
    _not_an_answer(got, w, what, hint)
    if w.kind in ("tensor", "ndarray"):
        return tensor(got, w, what, hint=hint, kind=w.kind)
    if w.kind == "exception":
        return error(got, w, what, hint=hint)
    if got.kind != w.kind and not (w.kind == "size" and got.kind == "tuple" and _all_ints(got)):
        raise CheckFailure(what, _("expected {want_kind}, got {got_kind}."), want=show(w), got=show(got), hint=hint,
                           fields={"want_kind": w.describe_kind(), "got_kind": got.describe_kind()})
    if w.kind in ("tuple", "list", "size", "dict"):
        return _sequence(got, w, what, hint, rtol, names)
    if w.kind == "float":
        ok = np.isclose(got.value, w.value, rtol=rtol, atol=1e-12, equal_nan=True)
    else:
        ok = got.value == w.value
    if not ok:
        raise CheckFailure(what, _("not what torch gives."), want=show(w), got=show(got), hint=hint)


def _sequence(got: Answer, w: Answer, what: str, hint: HintArg, rtol: float, names: list[str] | None) -> None:
    if w.kind == "dict":  # a prediction per expression: judged key by key, labelled what['expr']
        gd, wd = dict(got.value), dict(w.value)
        if set(gd) != set(wd):
            raise CheckFailure(what, _("expected exactly the keys {keys}."), want=", ".join(map(repr, wd)),
                               got=", ".join(map(repr, gd)), hint=hint, fields={"keys": ", ".join(map(repr, wd))})
        for k, wa in wd.items():
            value(gd[k], wa, f"{what}[{k!r}]", hint=hint, rtol=rtol)
        return
    gv = got.value if got.kind != "tuple" or w.kind != "size" else tuple(a.value for a in got.value)
    if len(gv) != len(w.value):
        raise CheckFailure(what, _("torch gives {n} items, you gave {m}."), want=show(w), got=show(got), hint=hint,
                           fields={"n": len(w.value), "m": len(gv)})
    if w.kind == "size":
        if tuple(gv) != tuple(w.value):
            raise CheckFailure(what, _("wrong shape."), want=show(w), got=show(got), hint=hint)
        return
    if names is None:
        try:
            for ga, wa in zip(gv, w.value):
                value(ga, wa, what, hint=hint, rtol=rtol)
        except CheckFailure:  # judged whole: the message shows both tuples, not one item out of context
            raise CheckFailure(what, _("not what torch gives."), want=show(w), got=show(got), hint=hint) from None
        return
    for name, ga, wa in zip(names, gv, w.value):
        value(ga, wa, f"{what} -> {name}", hint=hint, rtol=rtol)


def _all_ints(a: Answer) -> bool:
    return all(x.kind == "int" for x in a.value)


@_verdict
def error(got: Answer, want: Any, what: str, *, hint: HintArg = None, match: str | None = None) -> None:
    """The same exception type, and the same message (its first line, or the ``match`` text in it)."""
    w = _want(want)
    if w.kind != "exception":
        raise ValueError(f"{what}: torch raised nothing; this check expects an error")  # an authoring bug
    _not_an_answer(got, w, what, hint)
    if got.kind != "exception":
        raise CheckFailure(what, _("torch raises an error here, but your code returned a value."),
                           want=show(w), got=got.describe(), hint=hint)
    (gname, gmsg), (wname, wmsg) = got.value, w.value
    if gname != wname:
        raise CheckFailure(what, _("a different kind of error."), want=show(w), got=show(got), hint=hint)
    ok = (match in gmsg) if match is not None else first_line(gmsg) == first_line(wmsg)
    if not ok:
        raise CheckFailure(what, _("the right kind of error, but a different message."), hint=hint,
                           want=repr(match) if match is not None else first_line(wmsg), got=first_line(gmsg))


@_verdict
def same_outcome(got: Answer, want: Any, what: str, *, hint: HintArg = None, names: list[str] | None = None) -> None:
    """Value where torch gives a value; the same error where torch raises."""
    w = _want(want)
    if w.kind == "exception":
        return error(got, w, what, hint=hint)
    return value(got, w, what, hint=hint, names=names)


@_verdict
def grad(got: Answer, want: Any, what: str, *, hint: HintArg = None) -> None:
    """``got`` is a frozen tensor (a leaf); its ``.grad`` must be torch's gradient, or None where torch has None."""
    _not_an_answer(got, Answer("tensor"), what, hint)
    if got.kind != "tensor":
        raise CheckFailure(what, _("expected a tensor whose .grad to read."), want=_("a tensor"), got=got.describe(), hint=hint)
    g = got.meta.get("grad")
    w = want.meta.get("grad") if isinstance(want, Answer) and want.kind == "tensor" else (None if want is None else _want(want))
    if w is None:
        if g is not None:
            raise CheckFailure(what + ".grad", _("torch leaves .grad as None here."), want="None", got=g.describe(), hint=hint)
        return
    if g is None:
        raise CheckFailure(what + ".grad", _("is None: no gradient reached this tensor."), want=w.describe(), got="None",
                           hint=hint or _("did you call .backward() on a result built from this tensor?"))
    tensor(g, w, what + ".grad", hint=hint)


@_verdict
def flag(got: Answer, want: Any, what: str, *, hint: HintArg = None) -> None:
    """A True/False fact (is_contiguous, requires_grad, is_leaf, a prediction)."""
    value(got, bool(want) if not isinstance(want, Answer) else want, what, hint=hint)


# The memory facts (metadata, shared storage, identity) are compared in memory_checks; here they become verdicts.
meta = _verdict(_memory.meta)
shares_memory = _verdict(_memory.shares_memory)
same_object = _verdict(_memory.same_object)


@_verdict
def choice(got: Answer, want: str, options: dict[str, str], what: str, *, hint: HintArg = None) -> None:
    """A multiple-choice explanation: ``options`` maps letters to statements. A wrong letter is named, the right one never."""
    _not_an_answer(got, Answer("str"), what, hint)
    g = got.value.strip().upper() if got.kind == "str" else None
    if g not in options:
        raise CheckFailure(what, _("answer with one of the letters {letters}."), want=", ".join(sorted(options)),
                           got=show(got), hint=hint, fields={"letters": ", ".join(sorted(options))})
    if g != want:
        raise CheckFailure(what, _("({letter}) \"{statement}\" is not the reason. Re-read the cells above."), hint=hint,
                           fields={"letter": g, "statement": options[g]})


def parts(got: Answer, what: str, *, hint: HintArg = None) -> tuple:
    """The items of a tuple answer, e.g. ``(result, *inputs)`` from ``L.call(..., inputs=True)``.

    Not a verdict but a guard: when the learner's function is not defined yet the answer is
    'missing', not a tuple, and indexing it would crash with a traceback instead of a lesson.
    """
    if got.kind == "pending":  # planning: the answer will be a tuple of this many items
        if got.value is None:
            raise TypeError(f"{what}: C.parts needs an answer of known length, from L.call(..., inputs=True)")
        return got.value
    if got.kind != "tuple":
        _not_an_answer(got, Answer("tuple"), what, hint)
        raise CheckFailure(what, _("expected a tuple."), want=_("a tuple"), got=got.describe(), hint=hint)
    return got.value


@_verdict
def items(got: Answer, want: Any, names: list[str], what: str, *, hint: HintArg = None) -> None:
    """A tuple of results against torch's, item by item, each failure named: 'f(x) -> x.grad: wrong values'.

    None is a value here: where torch leaves a ``.grad`` as None, a zero array is wrong, and the reverse.
    """
    w = _want(want)
    if w.kind == "exception":
        return error(got, w, what, hint=hint)
    _not_an_answer(got, w, what, hint)
    if got.kind != "tuple" or len(got.value) != len(w.value):
        raise CheckFailure(what, _("expected {n} results: {names}."), want=", ".join(names), got=got.describe(), hint=hint,
                           fields={"n": len(w.value), "names": ", ".join(names)})
    for name, g, x in zip(names, got.value, w.value):
        label = f"{what} -> {name}"
        if x.kind == "none" and g.kind != "none":
            raise CheckFailure(label, _("torch leaves this as None."), want="None", got=g.describe(), hint=hint)
        if x.kind != "none" and g.kind == "none":
            raise CheckFailure(label, _("is None, but torch has a value here."), want=x.describe(), got="None", hint=hint)
        value(g, x, label, hint=hint)
