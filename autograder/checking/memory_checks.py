"""The memory facts' comparisons: a tensor's metadata, shared storage, object identity.

Plain comparisons of frozen answers (:mod:`autograder.checking.answers`) that raise :class:`CheckFailure`;
:mod:`autograder.checking.checks` makes them verdicts (silent while the grader plans) and is where the
exercises call them from: ``C.meta``, ``C.shares_memory``, ``C.same_object``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .answers import Answer, freeze
from .failure import CheckFailure, Hint, not_an_answer as _not_an_answer
from .i18n import _


def meta(got: Answer, key: str, want: Any, what: str, *, hint: Hint | str | None = None) -> None:
    """One memory fact of a frozen tensor: stride, offset, contiguous, requires_grad, is_leaf."""
    _not_an_answer(got, Answer("tensor"), what, hint)
    if got.kind not in ("tensor", "ndarray"):
        raise CheckFailure(what, _("expected a tensor."), want=_("a tensor"), got=got.describe(), hint=hint)
    if isinstance(want, torch.Tensor):  # a live tensor: read the fact from its frozen form
        want = freeze(want)
    w = want.meta.get(key) if isinstance(want, Answer) else want
    if isinstance(w, (list, tuple)):
        w = tuple(w)
    if got.meta.get(key) != w:
        raise CheckFailure(f"{what} ({key})", _("not what torch gives."), want=repr(w), got=repr(got.meta.get(key)), hint=hint)


def _say_shared(shared: bool) -> str:
    return _("they share one storage (a view)") if shared else _("they are separate copies")


def shares_memory(a: Answer, b: Answer, want: bool, what: str, *, hint: Hint | str | None = None) -> None:
    """Whether two frozen tensors/arrays sit on the same storage (their data pointers, not their values)."""
    for x in (a, b):
        _not_an_answer(x, Answer("tensor"), what, hint)
        if x.kind not in ("tensor", "ndarray"):
            raise CheckFailure(what, _("expected a tensor or array."), want=_("a tensor or array"), got=x.describe(), hint=hint)
    got = _shares(a, b)
    if got != bool(want):
        raise CheckFailure(what, _("wrong memory relationship."), want=_say_shared(bool(want)), got=_say_shared(got), hint=hint)


def _shares(a: Answer, b: Answer) -> bool:
    def span(x: Answer) -> tuple[int, int]:
        start = x.meta.get("storage", 0)
        return start, start + max(int(x.meta.get("storage_nbytes", np.asarray(x.value).nbytes)), 1)
    (a0, a1), (b0, b1) = span(a), span(b)
    return a0 < b1 and b0 < a1


def same_object(a: Answer, b: Answer, want: bool, what: str, *, hint: Hint | str | None = None) -> None:
    """Whether two names are one Python object (``is``), read from the ids frozen at answer time."""
    for x in (a, b):
        _not_an_answer(x, Answer("tensor"), what, hint)
    got = a.meta.get("id") is not None and a.meta.get("id") == b.meta.get("id")
    if got != bool(want):
        say = lambda s: _("the same object") if s else _("two different objects")  # noqa: E731
        raise CheckFailure(what, _("wrong object identity."), want=say(want), got=say(got), hint=hint)

