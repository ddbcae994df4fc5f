"""Freeze whatever learner code produced into plain data: an :class:`Answer`.

Checks never compare the learner's live objects. A live object can lie: a tensor
subclass can override ``==`` or ``__torch_function__``, an ndarray subclass can claim
another array's memory through ``__array_interface__``, an object can claim to equal
everything. So every value a learner hands in is frozen first, and freezing trusts no
method of the value:

* **Exact types only.** A tensor is read only when its type is exactly ``torch.Tensor`` or
  ``torch.nn.Parameter`` (torch's C++ treats both as plain tensors and never consults their
  ``__torch_function__``, even a patched one); an array only when its type is exactly
  ``np.ndarray``; a scalar, str, tuple, list, dict or dtype only when its type is exactly the
  built-in one. **Anything else, a subclass included, is recorded as "not a tensor" (kind
  ``other``, its type named) and fails every check** that expects a tensor or array: it is
  refused, never read through. A type is compared by identity, so a subclass that names
  itself ``torch.Tensor`` is still a subclass.
* **No dispatch.** Metadata (dtype, shape, strides, storage, offset, requires_grad, is_leaf,
  grad) is read through accessors captured from torch's C type when this module is imported;
  values are read through DLPack, which goes through neither ``__torch_function__`` nor the
  dispatcher (``Tensor.numpy()`` calls ``detach``, which a registered kernel could replace).
  While a TorchFunctionMode or TorchDispatchMode is active nothing is read: the answer is
  recorded as refused (the grader also flags it).
* **No learner code runs.** Dict keys must be exact ``str``; an array's ``base`` is read only
  when it is an exact ndarray; type names are read with ``type``'s own getters.

When grading, the sandbox runs a sealed copy of this module (:mod:`autograder.grading.seal`),
so patching its globals from learner code changes nothing. An Answer holds only numpy
arrays, strings, numbers and tuples, and crosses a process boundary as JSON (see
:mod:`autograder.grading.tape`).
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
_is_conj = _TB.is_conj
_is_neg = _TB.is_neg
_is_sparse = _TB.is_sparse.__get__
_requires_grad = _TB.requires_grad.__get__
_is_leaf = _TB.is_leaf.__get__
_grad = _TB.grad.__get__
_grad_fn = _TB.grad_fn.__get__
_dtype = _TB.dtype.__get__
_shape = _TB.shape.__get__
_to_dlpack = torch._C._to_dlpack
_from_dlpack = np.from_dlpack
_modes = (torch._C._len_torch_function_stack, torch._C._len_torch_dispatch_stack)
_TENSOR_TYPES = (torch.Tensor, torch.nn.Parameter)
_tensor_type = torch.Tensor
_ndarray_type = np.ndarray
_qualname = type.__dict__["__qualname__"].__get__
_typename = type.__dict__["__name__"].__get__
_modname = type.__dict__["__module__"].__get__
_NP_SCALARS = frozenset(t for t in np.sctypeDict.values() if t is not np.object_)
_id = id
_type = type
_isinstance = isinstance
_issubclass = issubclass
_str, _int, _float, _complex, _bool, _tuple, _list, _dict = str, int, float, complex, bool, tuple, list, dict
_len, _slice, _prod = len, slice, math.prod
_dtype_type, _size_type = torch.dtype, torch.Size
_np_array, _np_asarray, _np_conj, _np_negative = np.array, np.asarray, np.conj, np.negative
_catch_warnings, _simplefilter = warnings.catch_warnings, warnings.simplefilter

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


class _DLPack:
    """Hands a tensor's DLPack capsule to ``np.from_dlpack``: its memory, read without any dispatch."""

    __slots__ = ("capsule",)

    def __init__(self, capsule: Any):
        self.capsule = capsule

    def __dlpack__(self, **_: Any) -> Any:
        return self.capsule

    def __dlpack_device__(self) -> tuple:
        return (1, 0)  # kDLCPU


def _tensor_values(t) -> np.ndarray:
    try:
        arr = _np_array(_from_dlpack(_DLPack(_to_dlpack(t))), copy=True)
    except (TypeError, RuntimeError, BufferError, ValueError):  # bfloat16 and friends: numpy has no such dtype
        arr = _np_array(_numpy(_to(_detach(t), torch.float64)), copy=True)
    if _is_conj(t):  # DLPack exports the stored values, not the lazy conjugate or negation on top of them
        arr = _np_conj(arr)
    if _is_neg(t):
        arr = _np_negative(arr)
    return arr


def _quiet_grad(t):
    # Reading .grad of a non-leaf warns on stderr, and nbgrader fails any test cell
    # that writes to stderr: a correct answer must never lose points to a warning.
    with _catch_warnings():
        _simplefilter("ignore")
        return _grad(t)


def _type_name(t: type) -> str:
    """``module.qualname`` of a type, through ``type``'s own getters (a metaclass cannot answer instead)."""
    mod, name = _modname(t), _qualname(t)
    return f"{mod if _type(mod) is _str else '?'}.{name if _type(name) is _str else '?'}"


def _refused(t: type, base: str) -> Answer:
    return Answer("other", meta={"type": _type_name(t), "subclass_of": base})


def freeze(obj: Any, *, _depth: int = 0) -> Answer:
    """Turn ``obj`` into an :class:`Answer`, without trusting any of its methods (see the module docstring)."""
    if _depth > 4:
        return Answer("other", meta={"type": "nested too deeply"})
    t = _type(obj)
    if t in _TENSOR_TYPES:
        return _freeze_tensor(obj, t, _depth)
    if t is _ndarray_type:
        return _freeze_array(obj, t)
    if _issubclass(t, _tensor_type):
        return _refused(t, "torch.Tensor")
    if _issubclass(t, _ndarray_type):
        return _refused(t, "numpy.ndarray")
    # Exact types only: a subclass of int or str can override == and lie.
    if t is _bool:
        return Answer("bool", _bool(obj))
    if t is _int:
        return Answer("int", _int(obj))
    if t is _float:
        return Answer("float", _float(obj))
    if t is _complex:
        return Answer("complex", _complex(obj))
    if t is _str:
        return Answer("str", _str.__getitem__(obj, _slice(0, 10_000)))
    if obj is None:
        return Answer("none")
    if t is _dtype_type:
        return Answer("dtype", _str(obj))
    if t is _size_type:
        return Answer("size", _tuple(_int(s) for s in _tuple.__iter__(obj)))
    if t is _tuple or t is _list:
        items = _list(_tuple.__iter__(obj)) if t is _tuple else _list(_list.__iter__(obj))
        if _len(items) > 1000:
            return Answer("other", meta={"type": f"{_typename(t)} of {_len(items)} items"})
        return Answer("tuple" if t is _tuple else "list", _tuple(freeze(x, _depth=_depth + 1) for x in items))
    if t is _dict:
        items = _list(_dict.items(obj))[:1000]
        if not all(_type(k) is _str for k, _ in items):
            return Answer("other", meta={"type": "dict with keys that are not plain str"})
        return Answer("dict", _tuple((k, freeze(v, _depth=_depth + 1)) for k, v in items))
    if t in _NP_SCALARS:
        arr = _np_asarray(obj)
        return Answer("ndarray", arr.copy(), {"type": f"numpy.{_typename(t)}", "dtype": _str(arr.dtype), "shape": (), "stride": (), "scalar": True})
    return Answer("other", meta={"type": _type_name(t)})


def _freeze_tensor(obj: Any, t: type, depth: int) -> Answer:
    if _modes[0]() or _modes[1]():  # a mode sees (and may answer) every read: read nothing
        return Answer("other", meta={"type": "unreadable"})
    if _is_sparse(obj):
        return Answer("other", meta={"type": "sparse tensor"})
    shape = _tuple(_int(s) for s in _shape(obj))
    n = _prod(shape)
    if n > MAX_ELEMENTS:
        return Answer("other", meta={"type": f"tensor with {n} elements (too large to grade)"})
    fn = _grad_fn(obj)
    storage = _untyped_storage(obj)
    meta: dict = {
        "type": "torch.Tensor" if t is _tensor_type else "torch.nn.parameter.Parameter",
        "dtype": _str(_dtype(obj)).replace("torch.", ""),
        "shape": shape,
        "stride": _tuple(_int(s) for s in _stride(obj)),
        "offset": _int(_storage_offset(obj)),
        "contiguous": _bool(_is_contiguous(obj)),
        "requires_grad": _bool(_requires_grad(obj)),
        "is_leaf": _bool(_is_leaf(obj)),
        "grad_fn": None if fn is None else _qualname(_type(fn)),
        "id": _id(obj),
        "storage": _int(_storage_ptr(storage)),
        "storage_nbytes": _int(_storage_nbytes(storage)),
    }
    g = _quiet_grad(obj)
    meta["grad"] = None if g is None else freeze(g, _depth=depth + 1)
    return Answer("tensor", _tensor_values(obj), meta)


def _freeze_array(obj: Any, t: type) -> Answer:
    if obj.size > MAX_ELEMENTS or obj.dtype.hasobject:
        return Answer("other", meta={"type": f"numpy array of {obj.dtype}"})
    base = obj.base
    meta = {
        "type": "numpy.ndarray",
        "dtype": _str(obj.dtype),
        "shape": _tuple(_int(s) for s in obj.shape),
        "stride": _tuple(_int(s) for s in obj.strides),
        "storage": _int(obj.__array_interface__["data"][0]),
        "base_storage": _int(base.__array_interface__["data"][0]) if _type(base) is _ndarray_type else None,
        "id": _id(obj),
    }
    return Answer("ndarray", _np_array(obj, copy=True), meta)


def frozen_exception(exc: BaseException) -> Answer:
    name = _typename(_type(exc))
    try:
        text = _str(exc)
    except Exception:  # an exception whose message itself raises: keep its name
        text = "<unprintable message>"
    return Answer("exception", (name if _type(name) is _str else "?", text[:2000] if _type(text) is _str else "?"))


def missing(name: str) -> Answer:
    return Answer("missing", name)
