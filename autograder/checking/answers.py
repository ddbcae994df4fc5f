"""A learner's value as plain data: an :class:`Answer`, and the words a check uses to describe one.

Checks never compare the learner's live objects: every value is frozen first into an Answer
(:mod:`autograder.checking.freezing` says how, and what it refuses). An Answer holds only numpy
arrays, strings, numbers and tuples, and crosses a process boundary as JSON (see
:mod:`autograder.grading.tape`).
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .i18n import _

MAX_ELEMENTS = 1_000_000  # an answer larger than this is a mistake, not an answer


@dataclasses.dataclass(frozen=True)
class Answer:
    """A learner's value, as data.

    ``kind`` is one of: tensor, ndarray, bool, int, float, complex, str, none,
    dtype, size, tuple, list, dict, exception, missing, other.
    """

    kind: str
    value: Any = None
    meta: dict = dataclasses.field(default_factory=dict)

    # The few views a check needs; everything else reads ``meta``.
    @property
    def dtype(self) -> str | None:
        return self.meta.get("dtype")

    @property
    def shape(self) -> tuple | None:
        s = self.meta.get("shape")
        return None if s is None else tuple(s)

    def describe(self) -> str:
        """A short phrase a teacher would use: 'a float32 tensor of shape (3, 4)'. A tuple lists its items."""
        if self.kind == "tensor":
            return (_("an {dtype} tensor of shape {shape}") if article(self.dtype) == "an" else
                    _("a {dtype} tensor of shape {shape}")).format(dtype=self.dtype, shape=fmt_shape(self.shape))
        if self.kind == "ndarray":
            return _("a numpy {dtype} array of shape {shape}").format(dtype=self.dtype, shape=fmt_shape(self.shape))
        if self.kind == "exception":
            name, msg = self.value
            return _("an error, {name}: {message}").format(name=name, message=first_line(msg))
        if self.kind == "missing":
            return _("nothing: `{name}` is not defined").format(name=self.value)
        if self.kind == "other":
            if self.meta.get("subclass_of"):
                return _("a subclass of {base} ({type}), not a plain {base}").format(
                    base=self.meta["subclass_of"], type=self.meta.get("type"))
            if self.meta.get("type") == "unreadable":
                return _("a tensor that could not be read: a torch mode was active")
            return _("an object of type {type}").format(type=self.meta.get("type"))
        if self.kind in ("tuple", "list"):
            inner = ", ".join(x.describe() for x in self.value[:6]) + (", ..." if len(self.value) > 6 else "")
            return (_("a tuple ({items})") if self.kind == "tuple" else _("a list [{items}]")).format(items=inner)
        if self.kind == "dict":
            return _("a dict with keys {keys}").format(keys=", ".join(repr(k) for k, _v in self.value))
        return f"{self.kind} {show(self)}"

    def describe_kind(self) -> str:
        """What kind of thing this is, with its article: 'a bool', 'an int', 'a tensor'."""
        return _KINDS.get(self.kind, self.kind)


_KINDS = {"tensor": _("a tensor"), "ndarray": _("a numpy array"), "bool": _("a bool"), "int": _("an int"),
          "float": _("a float"), "complex": _("a complex number"), "str": _("a string"), "none": _("None"),
          "dtype": _("a dtype"), "size": _("a torch.Size"), "tuple": _("a tuple"), "list": _("a list"),
          "dict": _("a dict"), "exception": _("an error"), "missing": _("nothing"), "other": _("another object")}


def article(word: str | None) -> str:
    return "an" if (word or "x")[0] in "aeiou" else "a"


def fmt_shape(shape) -> str:
    return "()" if not shape else "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def first_line(msg: str) -> str:
    line = (msg or "").strip().splitlines()[0] if (msg or "").strip() else ""
    return line if len(line) <= 160 else line[:157] + "..."


def show(a: Answer) -> str:
    """The value as a learner would see it printed."""
    if a.kind in ("tensor", "ndarray"):
        with np.printoptions(precision=4, threshold=20, edgeitems=3):
            return np.array2string(np.asarray(a.value), separator=", ")
    if a.kind == "dtype":
        return a.value
    if a.kind == "size":
        return f"torch.Size({list(a.value)})"
    if a.kind == "dict":
        return "{" + ", ".join(f"{k!r}: {show(v)}" for k, v in a.value) + "}"
    if a.kind in ("tuple", "list"):
        inner = ", ".join(show(x) for x in a.value)
        return f"({inner}{',' if len(a.value) == 1 else ''})" if a.kind == "tuple" else f"[{inner}]"
    if a.kind == "exception":
        return f"{a.value[0]}: {first_line(a.value[1])}"
    if a.kind == "missing":
        return f"<{a.value} is not defined>"
    if a.kind == "other":
        return f"<{a.meta.get('type')}>"
    return repr(a.value)


from .freezing import freeze, frozen_exception, missing  # noqa: E402  (freezing builds Answers)

__all__ = ["Answer", "MAX_ELEMENTS", "article", "first_line", "fmt_shape", "freeze", "frozen_exception", "missing", "show"]
