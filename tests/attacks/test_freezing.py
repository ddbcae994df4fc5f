"""Freezing sees through nothing and trusts nothing: values that lie about themselves are refused or read truly.

Each case is a lie a learner's value can tell (the attacks of issue 11, item 3); the check it would fool is
run on the frozen answer and must fail, while torch's own answer of the same facts passes.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from autograder.checking import checks as C
from autograder.checking.answers import freeze
from autograder.checking.checks import CheckFailure


def _fails(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as info:
        fn(*args, **kwargs)
    return str(info.value)


def _lying_subclass(view: torch.Tensor, name=("torch", "Tensor")):
    """A subclass that names itself torch.Tensor and answers every memory question with ``view``'s facts."""
    class Liar(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            lie = {"stride": view.stride, "untyped_storage": view.untyped_storage, "storage_offset": view.storage_offset,
                   "is_contiguous": view.is_contiguous}.get(getattr(func, "__name__", ""))
            if lie is not None:
                return lie()
            return super().__torch_function__(func, types, args, kwargs)
    Liar.__module__, Liar.__qualname__ = name
    return Liar


def test_a_copy_claiming_a_views_storage_and_strides_is_refused():
    x = torch.arange(12.0).reshape(3, 4)
    view = x.t()
    copy = view.contiguous().as_subclass(_lying_subclass(view))
    assert torch._C.TensorBase.stride(copy) == view.stride()  # the lie works on the raw accessors
    got = freeze(copy)
    assert got.kind == "other" and "subclass of torch.Tensor" in got.describe() and "torch.Tensor" in got.meta["type"]
    _fails(C.shares_memory, got, freeze(x), True, "x.t()")
    _fails(C.meta, got, "stride", view.stride(), "x.t()")
    C.shares_memory(freeze(view), freeze(x), True, "x.t()")  # the honest view passes


def test_an_int64_tensor_claiming_float32_requires_grad_and_leaf_is_refused():
    class Claims(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            name = getattr(getattr(func, "__self__", None), "__name__", "") or getattr(func, "__name__", "")
            fake = {"dtype": torch.float32, "requires_grad": True, "is_leaf": True}
            for attr, value in fake.items():
                if attr in str(func):
                    return value
            return super().__torch_function__(func, types, args, kwargs)
    Claims.__module__, Claims.__qualname__ = "torch", "Tensor"
    t = torch.arange(3).as_subclass(Claims)
    got = freeze(t)
    assert got.kind == "other"
    _fails(C.tensor, got, torch.arange(3.0, requires_grad=True), "trainable(...)")
    _fails(C.meta, got, "requires_grad", True, "trainable(...)")


def test_an_ndarray_subclass_claiming_another_arrays_memory_is_refused():
    a = np.arange(6.0)

    class Claims(np.ndarray):
        @property
        def __array_interface__(self):
            return {**np.asarray(self).__array_interface__, "data": (a.__array_interface__["data"][0], False)}
    copy = np.array(a).view(Claims)
    assert copy.__array_interface__["data"][0] == a.__array_interface__["data"][0]
    got = freeze(copy)
    assert got.kind == "other" and "subclass of numpy.ndarray" in got.describe()
    _fails(C.shares_memory, got, freeze(a), True, "to_numpy(t)")
    _fails(C.value, got, a, "to_numpy(t)")


def test_exact_tensors_and_parameters_are_read_truly_even_with_patched_torch_function():
    saved_t, saved_p = torch.Tensor.__dict__["__torch_function__"], torch.nn.Parameter.__dict__["__torch_function__"]

    def lie(cls, func, types, args=(), kwargs=None):
        return (7, 7) if getattr(func, "__name__", "") == "stride" else saved_t.__func__(cls, func, types, args, kwargs)
    try:
        torch.Tensor.__torch_function__ = classmethod(lie)
        torch.nn.Parameter.__torch_function__ = classmethod(lie)
        t = torch.arange(6.0).reshape(2, 3)
        p = torch.nn.Parameter(torch.ones(2, 3))
        assert freeze(t).meta["stride"] == (3, 1)
        fp = freeze(p)
        assert fp.kind == "tensor" and fp.meta["stride"] == (3, 1) and fp.meta["type"] == "torch.nn.parameter.Parameter"
        assert fp.meta["requires_grad"] and fp.meta["is_leaf"]
    finally:
        torch.Tensor.__torch_function__ = saved_t
        torch.nn.Parameter.__torch_function__ = saved_p


def test_a_parameter_is_a_tensor_but_not_a_plain_one_for_checks():
    p = torch.nn.Parameter(torch.ones(2))
    assert "Parameter" in _fails(C.tensor, freeze(p), torch.ones(2, requires_grad=True), "w")


def test_a_subclass_instance_whose_class_is_set_back_to_tensor_is_read_truly():
    x = torch.arange(4.0)
    t = x.clone().as_subclass(_lying_subclass(x[::2], name=("liar", "Liar")))
    t.__class__ = torch.Tensor
    got = freeze(t)
    assert got.kind == "tensor" and got.meta["stride"] == (1,) and got.meta["storage"] != freeze(x).meta["storage"]


def test_values_are_read_past_a_kernel_registered_over_detach():
    lib = torch.library.Library("aten", "IMPL")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lib.impl("detach", lambda t: torch.full_like(t, 42.0), "CPU")
    try:
        t = torch.arange(3.0, requires_grad=True)
        assert torch._C.TensorBase.detach(t).tolist() == [42.0] * 3  # the kernel really lies
        got = freeze(t)
        assert got.value.tolist() == [0.0, 1.0, 2.0]
        _fails(C.tensor, got, torch.full((3,), 42.0), "t")
    finally:
        del lib


@pytest.mark.parametrize("mode", [TorchFunctionMode, TorchDispatchMode])
def test_nothing_is_read_while_a_torch_mode_is_active(mode):
    class Lies(mode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            return (1,) if getattr(func, "__name__", "") == "stride" else func(*args, **(kwargs or {}))

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            return func(*args, **(kwargs or {}))
    t = torch.arange(4.0)[::2]
    with Lies():
        got = freeze(t)
    assert got.kind == "other" and "mode" in got.describe()
    _fails(C.meta, got, "stride", (2,), "t")
    assert freeze(t).meta["stride"] == (2,)


def test_no_learner_code_runs_while_freezing():
    ran = []

    class Key(str):
        def __hash__(self):
            ran.append("hash")
            return str.__hash__(self)

        def __str__(self):
            ran.append("str")
            return "k"

    class Pretends:
        @property
        def __class__(self):
            ran.append("__class__")
            return torch.Tensor

    class Base(np.ndarray):
        pass
    arr = np.frombuffer(bytearray(16), dtype=np.float64)  # base is a bytearray, not an ndarray
    got = freeze({Key("k"): 1})
    assert got.kind == "other"
    assert freeze(arr).meta["base_storage"] is None
    assert isinstance(Pretends(), torch.Tensor) and ran == ["hash", "__class__"]  # isinstance would be fooled
    ran.remove("__class__")
    assert freeze(Pretends()).kind == "other"
    assert freeze(np.arange(3).view(Base)).kind == "other"
    assert ran == ["hash"]  # building the dict hashed the key; freezing called nothing
