"""A question, one step of an exercise asked across the sandbox's wall, in the wire form of :mod:`.tape`.

A question is the step's name and its arguments (see CONTRACTS.md: data only). Tensors keep their exact
layout: the bytes of their storage, their offset, sizes, strides and dtype, ``requires_grad`` on leaves,
and the storages they share with other arguments of the same call; an object passed twice is rebuilt once.
:func:`decode_question` builds fresh objects every time, so a learner's function that mutates its inputs
cannot change the next call's, nor what torch is compared on.
"""
from __future__ import annotations

import binascii
import hashlib
import json
from typing import Any

import numpy as np
import torch

from .tape import TapeError, _raw, _unraw, json_c


class _Questions:
    """Encodes one question's arguments: storages once, objects passed twice once."""

    def __init__(self) -> None:
        self.storages: list[str] = []
        self._storage_ids: dict[int, int] = {}
        self._seen: dict[int, int] = {}
        self._count = 0
        self._keep: list = []  # keeps encoded objects alive, so their ids stay theirs

    def enc(self, x: Any) -> Any:
        if type(x) in (torch.Tensor, np.ndarray):
            if id(x) in self._seen:
                return {"@ref": self._seen[id(x)]}
            self._seen[id(x)], self._count = self._count, self._count + 1
            self._keep.append(x)
            if type(x) is np.ndarray and x.dtype.hasobject:
                raise TapeError("a question's arrays hold numbers, not objects")
            return {"@T": self._tensor(x)} if type(x) is torch.Tensor else {"@raw": _raw(x)}
        if isinstance(x, (torch.Tensor, np.ndarray)):
            raise TapeError(f"a question's arguments are data: no {type(x).__qualname__} (a subclass)")
        if isinstance(x, slice):
            return {"@sl": [self.enc(x.start), self.enc(x.stop), self.enc(x.step)]}
        if x is Ellipsis:
            return {"@el": 1}
        if isinstance(x, torch.dtype):
            return {"@dt": str(x).replace("torch.", "")}
        if isinstance(x, np.dtype):
            return {"@ndt": x.str}
        if isinstance(x, np.generic):
            return {"@ng": _raw(np.asarray(x))}
        if type(x) is torch.Size:
            return {"@sz": [int(s) for s in x]}
        if type(x) is tuple:
            return {"@t": [self.enc(v) for v in x]}
        if type(x) is list:
            return [self.enc(v) for v in x]
        if type(x) is dict:
            if not all(type(k) is str for k in x):
                raise TapeError("a question's dicts have str keys")
            return {"@d": [[k, self.enc(v)] for k, v in x.items()]}
        if type(x) is complex:
            return {"@c": [x.real, x.imag]}
        if x is None or type(x) in (bool, int, float, str):
            return x
        raise TapeError(f"a question's arguments are data: no {type(x).__qualname__}")

    def _tensor(self, t: torch.Tensor) -> dict:
        if t.grad_fn is not None or t.grad is not None or t.layout != torch.strided or t.device.type != "cpu":
            raise TapeError("a question's tensors are CPU leaves without .grad")
        storage = t.untyped_storage()
        key = storage.data_ptr()
        if key not in self._storage_ids:
            raw = torch.empty(0, dtype=torch.uint8).set_(storage, 0, (storage.nbytes(),), (1,))
            self._storage_ids[key] = len(self.storages)
            self.storages.append(binascii.b2a_base64(raw.numpy().tobytes(), newline=False).decode("ascii"))
        return {"s": self._storage_ids[key], "o": t.storage_offset(), "z": list(t.shape), "st": list(t.stride()),
                "dt": str(t.dtype).replace("torch.", ""), "rg": t.requires_grad}


def encode_question(step: str, args: tuple) -> str:
    """The canonical wire form of asking step ``step`` with ``args`` (equal questions encode equally)."""
    q = _Questions()
    body = q.enc(tuple(args))
    return json.dumps({"step": step, "storages": q.storages, "args": body}, sort_keys=True, separators=(",", ":"))


def question_key(wire: str) -> str:
    """A short digest of a question's wire form: what the judge compares its replay's questions with."""
    return hashlib.sha256(wire.encode()).hexdigest()[:32]


class _Rebuild:
    def __init__(self, storages: list) -> None:
        self.storages = [torch.UntypedStorage.from_buffer(binascii.a2b_base64(s), dtype=torch.uint8) if s else
                         torch.UntypedStorage(0) for s in storages]
        self.objects: list = []

    def dec(self, x: Any) -> Any:
        if isinstance(x, list):
            return [self.dec(v) for v in x]
        if not isinstance(x, dict):
            return x
        if "@ref" in x:
            return self.objects[x["@ref"]]
        if "@T" in x:
            d = x["@T"]
            t = torch.empty(0, dtype=getattr(torch, d["dt"])).set_(self.storages[d["s"]], d["o"], tuple(d["z"]), tuple(d["st"]))
            self.objects.append(t.requires_grad_(bool(d["rg"])))
            return t
        if "@raw" in x:
            self.objects.append(_unraw(x["@raw"]))
            return self.objects[-1]
        if "@sl" in x:
            return slice(*(self.dec(v) for v in x["@sl"]))
        if "@el" in x:
            return Ellipsis
        if "@dt" in x:
            return getattr(torch, x["@dt"])
        if "@ndt" in x:
            return np.dtype(x["@ndt"])
        if "@ng" in x:
            return _unraw(x["@ng"])[()]
        if "@sz" in x:
            return torch.Size(x["@sz"])
        if "@t" in x:
            return tuple(self.dec(v) for v in x["@t"])
        if "@d" in x:
            return {k: self.dec(v) for k, v in x["@d"]}
        if "@c" in x:
            return complex(*x["@c"])
        raise TapeError("unknown argument")


def decode_question(wire: str) -> tuple[str, tuple]:
    """``(step, args)`` rebuilt from :func:`encode_question`'s form, as fresh objects."""
    q = json_c(wire)
    return q["step"], tuple(_Rebuild(q["storages"]).dec(q["args"]))
