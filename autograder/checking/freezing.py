"""Freeze whatever learner code produced into an :class:`~autograder.checking.answers.Answer`, trusting none of it.

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
* **No learner code runs**, except an exception's own ``__str__`` (its message is the answer). Dict
  keys must be exact ``str``; an array's ``base`` is read only when it is an exact ndarray; types
  are compared by identity and named with ``type``'s own getters.

When grading, the sandbox runs a sealed copy of this module (:mod:`autograder.grading.seal`),
so patching its globals from learner code changes nothing.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import torch

from .answers import MAX_ELEMENTS, Answer

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
_tensor_type, _param_type = torch.Tensor, torch.nn.Parameter
_ndarray_type = np.ndarray
_qualname = type.__dict__["__qualname__"].__get__
_typename = type.__dict__["__name__"].__get__
_modname = type.__dict__["__module__"].__get__
_NP_SCALARS = {id(t): t for t in np.sctypeDict.values() if t is not np.object_}  # by identity: no __hash__ of theirs
_id = id
_type = type
_issubclass = issubclass
_str, _int, _float, _complex, _bool, _tuple, _list, _dict = str, int, float, complex, bool, tuple, list, dict
_len, _slice, _prod = len, slice, math.prod
_dtype_type, _size_type = torch.dtype, torch.Size
_np_array, _np_asarray, _np_conj, _np_negative = np.array, np.asarray, np.conj, np.negative
_catch_warnings, _simplefilter = warnings.catch_warnings, warnings.simplefilter

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
    if t is _tensor_type or t is _param_type:  # identity only: a metaclass's __eq__ is never asked
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
    if _NP_SCALARS.get(_id(t)) is t:
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
