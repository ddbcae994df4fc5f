"""Freeze whatever learner code produced into plain data: an :class:`Answer`.

Checks never compare the learner's live objects. A live object can lie: a tensor
subclass can override ``==``, a monkeypatched ``Tensor.is_contiguous`` can answer
True, an object can claim to equal everything. So every value a learner hands in
is frozen first, by accessors captured from torch's C type when this module is
imported (before any learner code runs; that type is immutable, so they cannot
be swapped later). An Answer holds only numpy arrays, strings, numbers and
tuples, and crosses a process boundary as JSON (see :mod:`autograder.grading.tape`).
"""
from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any

import numpy as np
import torch

from .i18n import _

_TB = torch._C.TensorBase
_stride = _TB.stride
_storage_offset = _TB.storage_offset
_is_contiguous = _TB.is_contiguous
_untyped_storage = _TB.untyped_storage
_storage_ptr = torch._C.StorageBase.data_ptr
_storage_nbytes = torch._C.StorageBase.nbytes
_detach = _TB.detach
_to = _TB.to
_numpy = _TB.numpy
_clone = _TB.clone
_requires_grad = _TB.requires_grad.__get__
_is_leaf = _TB.is_leaf.__get__
_grad = _TB.grad.__get__
_grad_fn = _TB.grad_fn.__get__
_dtype = _TB.dtype.__get__
_shape = _TB.shape.__get__
_tensor_type = torch.Tensor
_ndarray_type = np.ndarray
_id = id
_type = type
_isinstance = isinstance
_issubclass = issubclass

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


def _tensor_values(t) -> np.ndarray:
    d = _detach(t)
    try:
        return np.array(_numpy(d), copy=True)
    except (TypeError, RuntimeError):  # bfloat16 and friends have no numpy dtype
        return np.array(_numpy(_to(d, torch.float64)), copy=True)


def _quiet_grad(t):
    # Reading .grad of a non-leaf warns on stderr, and nbgrader fails any test cell
    # that writes to stderr: a correct answer must never lose points to a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _grad(t)


def freeze(obj: Any, *, _depth: int = 0) -> Answer:
    """Turn ``obj`` into an :class:`Answer`, without trusting any of its methods."""
    if _depth > 4:
        return Answer("other", meta={"type": "nested too deeply"})
    t = _type(obj)
    if _issubclass(t, _tensor_type):
        meta: dict = {
            "type": f"{t.__module__}.{t.__qualname__}",
            "dtype": str(_dtype(obj)).replace("torch.", ""),
            "shape": tuple(int(s) for s in _shape(obj)),
            "stride": tuple(int(s) for s in _stride(obj)),
            "offset": int(_storage_offset(obj)),
            "contiguous": bool(_is_contiguous(obj)),
            "requires_grad": bool(_requires_grad(obj)),
            "is_leaf": bool(_is_leaf(obj)),
            "grad_fn": None if _grad_fn(obj) is None else _type(_grad_fn(obj)).__name__,
            "id": _id(obj),
        }
        n = math.prod(meta["shape"])
        if n > MAX_ELEMENTS:
            return Answer("other", meta={"type": f"tensor with {n} elements (too large to grade)"})
        storage = _untyped_storage(obj)
        meta["storage"] = int(_storage_ptr(storage))
        meta["storage_nbytes"] = int(_storage_nbytes(storage))
        g = _quiet_grad(obj)
        meta["grad"] = None if g is None else freeze(g, _depth=_depth + 1)
        return Answer("tensor", _tensor_values(obj), meta)
    if _issubclass(t, _ndarray_type):
        if obj.size > MAX_ELEMENTS or obj.dtype.hasobject:
            return Answer("other", meta={"type": f"numpy array of {obj.dtype}"})
        meta = {
            "type": f"{t.__module__}.{t.__qualname__}",
            "dtype": str(obj.dtype),
            "shape": tuple(int(s) for s in obj.shape),
            "stride": tuple(int(s) for s in obj.strides),
            "storage": int(obj.__array_interface__["data"][0]),
            "base_storage": int(np.asarray(obj.base).__array_interface__["data"][0]) if obj.base is not None and _isinstance(obj.base, _ndarray_type) else None,
            "id": _id(obj),
        }
        return Answer("ndarray", np.array(obj, copy=True), meta)
    # Exact types only: a subclass of int or str can override == and lie.
    if t is bool:
        return Answer("bool", bool(obj))
    if t is int:
        return Answer("int", int(obj))
    if t is float:
        return Answer("float", float(obj))
    if t is complex:
        return Answer("complex", complex(obj))
    if t is str:
        return Answer("str", str(obj)[:10_000])
    if obj is None:
        return Answer("none")
    if t is torch.dtype:
        return Answer("dtype", str(obj))
    if t is torch.Size:
        return Answer("size", tuple(int(s) for s in tuple.__iter__(obj)))
    if t in (tuple, list):
        items = list(tuple.__iter__(obj)) if t is tuple else list(list.__iter__(obj))
        if len(items) > 1000:
            return Answer("other", meta={"type": f"{t.__name__} of {len(items)} items"})
        return Answer(t.__name__, tuple(freeze(x, _depth=_depth + 1) for x in items))
    if t is dict:
        items = list(dict.items(obj))[:1000]
        return Answer("dict", tuple((str(k), freeze(v, _depth=_depth + 1)) for k, v in items))
    if _issubclass(t, np.generic) and not obj.dtype.hasobject:
        arr = np.asarray(obj)
        return Answer("ndarray", arr.copy(), {"type": f"numpy.{t.__name__}", "dtype": str(arr.dtype), "shape": (), "stride": (), "scalar": True})
    return Answer("other", meta={"type": f"{t.__module__}.{t.__qualname__}"})


def frozen_exception(exc: BaseException) -> Answer:
    return Answer("exception", (_type(exc).__name__, str(exc)[:2000]))


def missing(name: str) -> Answer:
    return Answer("missing", name)
