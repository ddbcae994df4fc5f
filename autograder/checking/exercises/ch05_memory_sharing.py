"""Chapter 05, memory sharing: the exercises behind the notebook's test cells.

Each exercise names the mistakes it exists to catch (``MISTAKES``); its hidden inputs always hold a case
that exposes each one, so a typical wrong answer fails on every seed, not on lucky ones.
"""
from __future__ import annotations

import contextlib
import math

import numpy as np
import torch

from .. import checks as C
from ..exercise import Learner, Rand, _Missing, exercise, step
from ..failure import Hint
from ..i18n import _
from ..labels import part, predicted
from ..layouts import shares
from .inputs_ch05 import PAIR_DTYPES, _build_pair, _changed_when_writing, _describe_pair, _overlapping

MISTAKES = {  # what each exercise exists to catch; tests/wrong_answers/ holds an answer making each mistake
    "ch05.flat_view": ["'a view is a copy': copies with .clone()",
                       "copies through a Python list: torch.tensor(t.tolist())"],
    "ch05.who_shares": ["'torch.Tensor shares only float32': ignores the default dtype",
                        "'torch.Tensor shares any float array'"],
    "ch05.object_identity": ["Z = X + Y rebinds the local name: the caller's Z is untouched", "returns a copy of Z"],
    "ch05.inplace": ["out-of-place methods (sub, div): t unchanged", "t = (t - m) / s rebinds the local name"],
    "ch05.shared_elements": ["compares untyped_storage().data_ptr(): from_numpy slices of one array share, yet are two storages",
                             "counts bytes, not elements", "mixes bytes and elements in the range's end",
                             "compares first-element addresses only"],
    "ch05.sgd_step": ["p = p - lr * g rebinds the loop variable",
                      "replaces the list's items, not the tensors' values"],
}


# ----------------------------------------------------------------------------- ex1


def _with_offset(R: Rand, extra: int) -> torch.Tensor:
    """A contiguous tensor that starts ``extra`` rows into its storage (a row slice of a bigger one)."""
    shape = R.shape(1, 3, 4)
    return R.randn(shape[0] + extra, *shape[1:])[extra:]


FLAT_HINT = Hint(_("a view is a new header over t's own storage, starting where t starts: which methods copy nothing?"),
                 _("t.view(-1) (or t.reshape(-1), which views a contiguous t); no .clone(), torch.tensor(...) or .tolist()."))


@exercise("ch05.flat_view")
def flat_view(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        a = R.rand(2, 2)
        b = a.view(-1)
        b[1] = 0
        C.value(L.get("predicted_a01"), a[0, 1].item(), predicted("predicted_a01", "a[0, 1].item()"),
                hint=Hint(_("b is a new header over a's data: which storage cell does b[1] write, and which does a[0, 1] read?")))
        C.value(L.get("predicted_same_shape"), a.shape == b.shape, predicted("predicted_same_shape", "a.shape == b.shape"),
                hint=Hint(_("compare the headers: print a.shape and b.shape.")))
        C.value(L.get("predicted_same_storage"), shares(a, b),
                predicted("predicted_same_storage", "a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()"),
                hint=Hint(_("does view ever copy the numbers?")))
        cases = [torch.arange(6.0).reshape(2, 3), torch.arange(24).reshape(2, 3, 4)[1]]
    else:  # always one that starts part-way into its storage: ignoring the offset must fail
        cases = [_with_offset(R, R.int(1, 2))] + [_with_offset(R, R.int(0, 2)) for _ in range(4)]
    for t in cases:
        want = t.view(-1)
        what = _("flat_view(t) for t of shape {shape} at storage offset {offset}").format(
            shape=tuple(t.shape), offset=t.storage_offset())
        res, t_after = C.parts(L.call("flat_view", t, inputs=True), what)
        C.tensor(res, want, what, hint=FLAT_HINT)
        C.meta(res, "offset", want.storage_offset(), what,
               hint=Hint(_("a view starts where t starts in the storage; a copy starts at 0.")))
        C.shares_memory(res, t_after, True, what, hint=FLAT_HINT)


# ----------------------------------------------------------------------------- ex2

DEFAULTS = [torch.float32, torch.float64, torch.float16]
NUMPY_DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "uint8", "bool"]
# Every hidden draw holds these: (float64, float64) shares, against "only float32 shares";
# (float64, float32) copies, against "any float shares"; (float32, float64) copies, against both.
EXPOSING = [("float64", torch.float64), ("float64", torch.float32), ("float32", torch.float64), ("float32", torch.float32)]


@contextlib.contextmanager
def default_dtype(dtype: torch.dtype):
    before = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(before)


def _legacy_shares(np_dtype: str, default: torch.dtype) -> bool:
    a = np.zeros(3, dtype=np_dtype)
    with default_dtype(default):
        return bool(np.shares_memory(torch.Tensor(a).numpy(), a))


def _shares_with(t: torch.Tensor, arr: np.ndarray) -> bool:
    return bool(np.shares_memory(t.numpy(), arr))


@step
def call_keeping_default_dtype(ns: dict, name: str, args: tuple) -> object:
    """``ns[name](*args)``, with torch's default dtype put back afterwards: a learner may experiment."""
    if name not in ns:
        return _Missing(name)
    with default_dtype(torch.get_default_dtype()):
        return ns[name](*args)


@exercise("ch05.who_shares")
def who_shares(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        arr, arr32 = np.ones(3), np.ones(3, dtype=np.float32)
        facts = {
            "predicted_from_numpy": ("torch.from_numpy(arr)", _shares_with(torch.from_numpy(arr), arr)),
            "predicted_torch_tensor": ("torch.tensor(arr32)", _shares_with(torch.tensor(arr32), arr32)),
            "predicted_legacy_float32": ("torch.Tensor(arr32)", _shares_with(torch.Tensor(arr32), arr32)),
            "predicted_legacy_float64": ("torch.Tensor(arr)", _shares_with(torch.Tensor(arr), arr)),
            "predicted_float_of_float32": ("torch.from_numpy(arr32).float()", _shares_with(torch.from_numpy(arr32).float(), arr32)),
            "predicted_float_of_float64": ("torch.from_numpy(arr).float()", _shares_with(torch.from_numpy(arr).float(), arr)),
        }
        for name, (expr, want) in facts.items():
            C.value(L.get(name), want, predicted(name, expr),
                    hint=Hint(_("what dtype does the result have, and is it the array's dtype? A conversion has to write new numbers.")))
        cases = [("float32", torch.float32), ("float64", torch.float32), ("int64", torch.float32), ("float64", torch.float64)]
    else:
        cases = EXPOSING + [(R.choice(NUMPY_DTYPES), R.choice(DEFAULTS)) for _ in range(6)]
        cases = [cases[i] for i in R.np.permutation(len(cases))]
    for np_dtype, default in cases:
        C.value(L.run(call_keeping_default_dtype, "shares_with_legacy_tensor", (np.dtype(np_dtype), default)),
                _legacy_shares(np_dtype, default),
                f"shares_with_legacy_tensor(np.dtype('{np_dtype}'), {default})",
                hint=Hint(_("which dtype does torch.Tensor(arr) build, and when can it keep arr's memory as it is?"),
                          _("torch.Tensor builds the default dtype (torch.get_default_dtype()); it shares only when "
                            "the array already has exactly that dtype.")))


# ----------------------------------------------------------------------------- ex3


def _id_facts() -> dict[str, tuple[str, bool]]:
    """The chapter's three statements, run by torch here, each answering: is the name still the same object?"""
    X = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    Y = torch.ones(3, 4)
    before = id(Y)
    Y = Y + X
    plus = id(Y) == before
    Z = torch.zeros_like(Y)
    before = id(Z)
    Z[:] = X + Y
    sliced = id(Z) == before
    before = id(X)
    X += Y
    return {"predicted_plus_same": ("Y = Y + X", plus), "predicted_slice_same": ("Z[:] = X + Y", sliced),
            "predicted_iadd_same": ("X += Y", id(X) == before)}


@exercise("ch05.object_identity")
def object_identity(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        for name, (expr, want) in _id_facts().items():
            C.value(L.get(name), want, predicted(name, expr),
                    hint=Hint(_("does the statement build a new tensor and bind the name to it, or write into the old one?")))
        X = torch.arange(12, dtype=torch.float32).reshape(3, 4)
        cases = [(torch.zeros(3, 4), X, torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]))]
    else:
        cases = []
        for _i in range(4):
            n, m = R.int(1, 5), R.int(1, 5)
            cases.append((R.randn(n, m), R.randn(n, m), R.randn(R.choice([1, n]), m)))
    for Z, X, Y in cases:
        what = _("add_into(Z, X, Y) for Z of shape {shape}").format(shape=tuple(Z.shape))
        res, Z_after, _x, _y = C.parts(L.call("add_into", Z, X, Y, inputs=True), what)
        C.same_object(res, Z_after, True, part(what, _("the tensor it returns")),
                      hint=Hint(_("return the caller's Z itself, not a tensor made inside the function.")))
        C.tensor(Z_after, X + Y, part(what, _("Z afterwards")),
                 hint=Hint(_("assigning to the name Z inside the function does not touch the caller's tensor."),
                           _("write into Z's memory: Z[:] = X + Y, or torch.add(X, Y, out=Z).")))


# ----------------------------------------------------------------------------- ex4


@exercise("ch05.inplace")
def inplace(L: Learner, R: Rand, hidden: bool) -> None:
    cases = ([torch.tensor([1.0, 2.0, 3.0, 4.0]), torch.arange(6.0).reshape(2, 3)] if not hidden
             else [R.randn(R.int(2, 6), *R.shape(1, 2, 4)[:R.int(0, 1)]) for _i in range(5)])
    for t in cases:
        what = _("standardize_(t) for t of shape {shape}").format(shape=tuple(t.shape))
        res, t_after = C.parts(L.call("standardize_", t, inputs=True), what)
        C.ran(res, what)
        C.tensor(t_after, (t - t.mean()) / t.std(), part(what, _("t afterwards")),
                 hint=Hint(_("t itself must change: which methods change a tensor instead of returning a new one?"),
                           _("t.sub(...) makes a new tensor; t.sub_(...) (trailing underscore) changes t itself.")))
        C.same_object(res, t_after, True, part(what, _("the tensor it returns")),
                      hint=Hint(_("torch's own `_` methods return the tensor they changed.")))


# ----------------------------------------------------------------------------- ex5
# A pair is built from a recipe (plain data, see inputs_ch05.py), in the learner's process by a step and here by torch.


@step
def call_on_pair(ns: dict, name: str, recipe: tuple) -> object:
    """The learner's ``name(a, b)`` on a pair built in their own process (from_numpy pairs cannot be copied over)."""
    if name not in ns:
        return _Missing(name)
    return ns[name](*_build_pair(recipe))


@exercise("ch05.shared_elements")
def shared_elements(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        recipes = [("slices", "float32", 8, (0, 5), (3, 8)), ("numpy", "float64", 6, (0, 6), (2, 6)),
                   ("slices", "float32", 8, (0, 3), (3, 8)), ("rows", "int16", (4, 3), (1, 3), (2, 4)),
                   ("clone", "float32", 6, (0, 6), (0, 6)), ("empty", "float32", 0, (0, 0), (0, 0))]
    else:  # each draw exposes every mistake: overlapping numpy slices (elements not 4 bytes wide), overlapping rows
        recipes = [_overlapping(R, "numpy", R.choice(["float64", "int16", "int64"])), _overlapping(R, "slices", R.choice(PAIR_DTYPES))]
        r, c = R.int(3, 5), R.int(1, 4)
        recipes.append(("rows", R.choice(PAIR_DTYPES), (r, c), (0, R.int(2, r)), (1, r)))
        n, k = R.int(4, 9), R.int(1, 3)
        recipes += [("slices", R.choice(PAIR_DTYPES), n, (0, k), (k, n)), ("clone", R.choice(PAIR_DTYPES), n, (0, n), (0, n)),
                    ("empty", R.choice(PAIR_DTYPES), 0, (0, 0), (0, 0))]
        recipes = [recipes[i] for i in R.np.permutation(len(recipes))]
    for recipe in recipes:
        C.value(L.run(call_on_pair, "shared_elements", recipe), _changed_when_writing(recipe),
                f"shared_elements(a, b) for {_describe_pair(recipe)}",
                hint=Hint(_("where do a's elements start and end in memory, in bytes? And b's? Count what the two ranges have in common."),
                          _("a contiguous t occupies the bytes from t.data_ptr() to t.data_ptr() + t.numel() * t.element_size(); "
                            "the overlap of the two ranges, divided by the element size, is the answer.")))


# ----------------------------------------------------------------------------- ex6


@step
def run_sgd(ns: dict, flat: torch.Tensor, shapes: list, grads: list, lr: float) -> object:
    """A model whose parameters are views of one flat buffer, as real optimizers often keep them."""
    if "sgd_step_" not in ns:
        return _Missing("sgd_step_")
    flat = flat.clone()
    params, start = [], 0
    for s in shapes:
        n = math.prod(s)
        params.append(flat[start:start + n].view(s))
        start += n
    ns["sgd_step_"](params, [g.clone() for g in grads], lr)
    return flat


@exercise("ch05.sgd_step")
def sgd_step(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        cases = [([(2, 2), (3,)], torch.arange(7.0), [torch.ones(2, 2), torch.ones(3)], 0.1)]
    else:
        cases = []
        for _i in range(3):
            shapes = [R.shape(1, 2, 3) for _j in range(R.int(1, 3))]
            grads = [R.randn(*s) for s in shapes]
            cases.append((shapes, R.randn(sum(math.prod(s) for s in shapes)), grads, R.int(1, 9) / 10))
    for shapes, flat, grads, lr in cases:
        want = flat - lr * torch.cat([g.reshape(-1) for g in grads])
        C.tensor(L.run(run_sgd, flat, shapes, grads, lr), want,
                 _("the model's buffer after sgd_step_(params, grads, {lr}), params of shapes {shapes}").format(lr=lr, shapes=shapes),
                 hint=Hint(_("the parameters are views of one buffer: does your update write into their memory, or make new tensors?"),
                           _("p -= lr * g writes into p's memory, which is the buffer; p = p - lr * g only rebinds the local name p.")))
