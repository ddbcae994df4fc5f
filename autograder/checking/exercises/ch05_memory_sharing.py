"""Chapter 05, memory sharing: the exercises behind the notebook's test cells."""
from __future__ import annotations

import math

import numpy as np
import torch

from .. import checks as C
from ..exercise import Learner, Rand, _Missing, exercise, step

LEGACY_DTYPES = ["float32", "float64", "int64", "int32", "int16", "uint8", "float16"]


def same_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def _with_offset(R: Rand) -> torch.Tensor:
    """A contiguous tensor that may start part-way into its storage (a row slice of a bigger one)."""
    shape = R.shape(1, 3, 4)
    extra = R.int(0, 2)
    return R.randn(shape[0] + extra, *shape[1:])[extra:]


@exercise("ch05.flat_view")
def flat_view(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        a = R.rand(2, 2)
        b = a.view(-1)
        b[1] = 0
        C.value(L.get("predicted_a01"), a[0, 1].item(), "predicted_a01",
                hint="b is a new header over a's data: writing b[1] writes the storage that a[0, 1] reads. Write a float.")
        C.value(L.get("predicted_same_shape"), a.shape == b.shape, "predicted_same_shape",
                hint="the headers differ: a is (2, 2), b is (4,).")
        C.value(L.get("predicted_same_storage"), same_storage(a, b), "predicted_same_storage",
                hint="view never copies: both headers point at one storage.")
        cases = [torch.arange(6.0).reshape(2, 3), torch.arange(24).reshape(2, 3, 4)[1]]
    else:
        cases = [_with_offset(R) for _ in range(5)]
    for t in cases:
        want = t.view(-1)
        res, t_after = C.parts(L.call("flat_view", t, inputs=True), "flat_view")
        what = f"flat_view(t) for t of shape {tuple(t.shape)} at storage offset {t.storage_offset()}"
        C.tensor(res, want, what, hint="t.view(-1) gives the same numbers in one dim.")
        C.meta(res, "offset", want.storage_offset(), what, hint="a view starts where t starts in the storage; a copy starts at 0.")
        C.shares_memory(res, t_after, True, what, hint="no .clone(), torch.tensor(...) or .tolist(): they copy.")


def _legacy_shares(dtype: str) -> bool:
    a = np.zeros(3, dtype=dtype)
    return bool(np.shares_memory(torch.Tensor(a).numpy(), a))


@exercise("ch05.who_shares")
def who_shares(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        a64 = np.ones(3)
        a32 = np.ones(3, dtype=np.float32)
        t = torch.ones(3)
        facts = {
            "predicted_numpy": t.untyped_storage().data_ptr() == t.numpy().__array_interface__["data"][0],
            "predicted_from_numpy": np.shares_memory(torch.from_numpy(a64).numpy(), a64),
            "predicted_torch_tensor": np.shares_memory(torch.tensor(a64).numpy(), a64),
            "predicted_legacy_float32": _legacy_shares("float32"),
            "predicted_legacy_float64": _legacy_shares("float64"),
        }
        for name, want in facts.items():
            C.value(L.get(name), bool(want), name,
                    hint=".numpy() and from_numpy always share, torch.tensor always copies; torch.Tensor shares only when no dtype change is needed.")
        dtypes = ["float32", "float64", "int64"]
    else:
        dtypes = [R.choice(LEGACY_DTYPES) for _ in range(8)]
    for name in dtypes:
        C.value(L.call("shares_with_legacy_tensor", np.dtype(name)), _legacy_shares(name),
                f"shares_with_legacy_tensor(np.dtype('{name}'))",
                hint="torch.Tensor(array) always ends up float32: it can keep the array's memory only if that is float32 already.")


def _id_facts() -> dict[str, bool]:
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
    return {"predicted_plus_same": plus, "predicted_slice_same": sliced, "predicted_iadd_same": id(X) == before}


@exercise("ch05.object_identity")
def object_identity(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        for name, want in _id_facts().items():
            C.value(L.get(name), want, name, hint="`Y = Y + X` binds Y to a new tensor; `Z[:] = ...` and `X += ...` write into the old one.")
        X = torch.arange(12, dtype=torch.float32).reshape(3, 4)
        cases = [(torch.zeros(3, 4), X, torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]))]
    else:
        cases = []
        for _ in range(4):
            n, m = R.int(1, 5), R.int(1, 5)
            cases.append((R.randn(n, m), R.randn(n, m), R.randn(R.choice([1, n]), m)))
    for Z, X, Y in cases:
        res, Z_after, _, _ = C.parts(L.call("add_into", Z, X, Y, inputs=True), "add_into")
        what = f"add_into(Z, X, Y) for Z of shape {tuple(Z.shape)}"
        C.same_object(res, Z_after, True, what + ": the returned tensor",
                      hint="write into Z with Z[:] = X + Y (or torch.add(X, Y, out=Z)), then return Z itself.")
        C.tensor(Z_after, X + Y, what + ": Z afterwards", hint="Z itself must now hold X + Y.")


@exercise("ch05.inplace")
def inplace(L: Learner, R: Rand, hidden: bool) -> None:
    cases = ([torch.tensor([1.0, 2.0, 3.0, 4.0]), torch.arange(6.0).reshape(2, 3)] if not hidden
             else [R.randn(R.int(2, 6), *R.shape(1, 2, 4)[:R.int(0, 1)]) for _ in range(5)])
    for t in cases:
        res, t_after = C.parts(L.call("standardize_", t, inputs=True), "standardize_")
        what = f"standardize_(t) for t of shape {tuple(t.shape)}"
        C.tensor(t_after, (t - t.mean()) / t.std(), what + ": t afterwards",
                 hint="t.sub(...) makes a new tensor; t.sub_(...) (trailing underscore) changes t itself.")
        C.same_object(res, t_after, True, what + ": the returned tensor", hint="in-place methods return t itself; return it too.")


def _pairs(R: Rand) -> list[tuple[str, torch.Tensor, torch.Tensor]]:
    r, c = R.int(2, 5), R.int(2, 5)
    x = R.randn(r, c)
    k = R.int(1, r - 1)
    ops = [("x.view(-1)", lambda: x.view(-1)), (f"x[{k}:]", lambda: x[k:]), (f"x[:, {k % c}]", lambda: x[:, k % c]),
           ("x.clone()", lambda: x.clone()), ("x.t()", lambda: x.t()), ("x[x > 0]", lambda: x[x > 0]),
           ("x.detach()", lambda: x.detach()), ("x.t().contiguous()", lambda: x.t().contiguous()),
           ("x.unsqueeze(0)", lambda: x.unsqueeze(0)), ("x + 0", lambda: x + 0), (f"x[{k}]", lambda: x[k])]
    out = []
    for _ in range(6):
        name, op = R.choice(ops)
        out.append((f"x, {name}", x, op()) if R.int(0, 1) else (f"{name}, x", op(), x))
    out.append((f"x[{k}:], x[:{k}]", x[k:], x[:k]))
    return out


@exercise("ch05.same_storage")
def same_storage_ex(L: Learner, R: Rand, hidden: bool) -> None:
    if not hidden:
        x = torch.arange(12.0).reshape(3, 4)
        pairs = [("x, x.view(12)", x, x.view(12)), ("x, x[1:]", x, x[1:]), ("x, x.clone()", x, x.clone()),
                 ("x, x.t()", x, x.t()), ("x, x[x > 5]", x, x[x > 5]), ("x[:, 0], x[:, 1]", x[:, 0], x[:, 1]),
                 ("x, torch.arange(12.0).reshape(3, 4)", x, torch.arange(12.0).reshape(3, 4))]
    else:
        pairs = _pairs(R)
    for desc, a, b in pairs:
        C.value(L.call("same_storage", a, b), same_storage(a, b), f"same_storage({desc})",
                hint="t.data_ptr() is where t's first element sits, which moves with the offset; "
                     "t.untyped_storage().data_ptr() is where its storage starts.")


@step
def _run_sgd(ns: dict, flat: torch.Tensor, shapes: list, grads: list, lr: float) -> object:
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
        for _ in range(3):
            shapes = [R.shape(1, 2, 3) for _ in range(R.int(1, 3))]
            grads = [R.randn(*s) for s in shapes]
            cases.append((shapes, R.randn(sum(math.prod(s) for s in shapes)), grads, R.int(1, 9) / 10))
    for shapes, flat, grads, lr in cases:
        want = flat - lr * torch.cat([g.reshape(-1) for g in grads])
        C.tensor(L.run(_run_sgd, flat, shapes, grads, lr), want, f"the model's buffer after sgd_step_(params of shapes {shapes}, grads, {lr})",
                 hint="p -= lr * g writes into p's memory, which is the buffer; p = p - lr * g only rebinds the local name p.")
