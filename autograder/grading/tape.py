"""The wire form of what crosses the sandbox's wall: questions in, answers out.

Both are JSON with numpy arrays in ``.npy`` form (``allow_pickle=False``), never pickle:
the judge must be able to read anything the learner's process sends without running any
of it, and the learner's process must be able to rebuild a question without being handed
objects. Pickle would hand the reader's process to the writer.

* A **question** is one step of an exercise: the step's name and its arguments (see
  CONTRACTS.md: data only). Tensors keep their exact layout: the bytes of their storage,
  their offset, sizes, strides and dtype, ``requires_grad`` on leaves, and the storages they
  share with other arguments of the same call; an object passed twice is rebuilt once.
  :func:`decode_question` builds fresh objects every time, so a learner's function that
  mutates its inputs cannot change the next call's, nor what torch is compared on.
* An **answer** is an :class:`~autograder.checking.answers.Answer`.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import math
from typing import Any

from _json import encode_basestring_ascii

import numpy as np
import torch

from ..checking.answers import Answer

MAX_TAPE_BYTES = 64 * 1024 * 1024


class TapeError(ValueError):
    """Not a well-formed question or answer."""


def _npy(a: np.ndarray) -> str:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return base64.b64encode(buf.getvalue()).decode()


def _unnpy(text: str) -> np.ndarray:
    return np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


def _enc(x: Any) -> Any:
    if isinstance(x, Answer):
        return {"@a": x.kind, "v": _enc(x.value), "m": _enc(x.meta)}
    if isinstance(x, np.ndarray):
        return {"@nd": _npy(x)}
    if isinstance(x, tuple):
        return {"@t": [_enc(v) for v in x]}
    if isinstance(x, list):
        return [_enc(v) for v in x]
    if isinstance(x, dict):
        return {"@d": [[k, _enc(v)] for k, v in x.items()]}
    if isinstance(x, complex):
        return {"@c": [x.real, x.imag]}
    if x is None or type(x) in (bool, int, float, str):
        return x
    raise TapeError(f"cannot record a {type(x).__name__}")


def _dec(x: Any) -> Any:
    if isinstance(x, dict):
        if "@a" in x:
            kind, meta = x["@a"], _dec(x["m"])
            if not isinstance(kind, str) or not isinstance(meta, dict):
                raise TapeError("malformed answer")
            return Answer(kind, _dec(x["v"]), meta)
        if "@nd" in x:
            return _unnpy(x["@nd"])
        if "@raw" in x:
            return _unraw(x["@raw"])
        if "@t" in x:
            return tuple(_dec(v) for v in x["@t"])
        if "@d" in x:
            return {str(k): _dec(v) for k, v in x["@d"]}
        if "@c" in x:
            return complex(*x["@c"])
        raise TapeError("unknown record")
    if isinstance(x, list):
        return [_dec(v) for v in x]
    return x


def _unraw(raw: Any) -> np.ndarray:
    dtype, shape, data = raw
    dt = np.dtype(dtype)
    if dt.hasobject or not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
        raise TapeError("malformed array")
    return np.frombuffer(base64.b64decode(data), dtype=dt).reshape(shape).copy()


def answer_bytes(x: Any) -> bytes:
    """An answer's wire form, as the learner's process writes it: built from C primitives only
    (``json.dumps`` and ``np.save`` are Python code whose globals learner code could patch)."""
    out: list[str] = []
    _write(x, out)
    return "".join(out).encode("ascii")


def _write(x: Any, out: list) -> None:
    t = type(x)
    if t is str:
        out.append(encode_basestring_ascii(x))
    elif x is None or t is bool:
        out.append("null" if x is None else "true" if x else "false")
    elif t is int:
        out.append(int.__repr__(x))
    elif t is float:
        out.append(float.__repr__(x) if math.isfinite(x) else "NaN" if x != x else "Infinity" if x > 0 else "-Infinity")
    elif isinstance(x, Answer):
        out.append('{"@a":')
        _write(x.kind, out)
        out.append(',"v":')
        _write(x.value, out)
        out.append(',"m":')
        _write(x.meta, out)
        out.append("}")
    elif t is np.ndarray:
        out.append('{"@raw":[')
        _write(x.dtype.str, out)
        out.append(",[" + ",".join(int.__repr__(int(n)) for n in x.shape) + "],")
        out.append('"' + binascii.b2a_base64(x.tobytes(), newline=False).decode("ascii") + '"]}')
    elif t is tuple or t is list or t is dict:
        items = x.items() if t is dict else x
        out.append('{"@t":[' if t is tuple else '{"@d":[' if t is dict else "[")
        for i, item in enumerate(items):
            if i:
                out.append(",")
            if t is dict:
                out.append("[")
                _write(str(item[0]), out)
                out.append(",")
                _write(item[1], out)
                out.append("]")
            else:
                _write(item, out)
        out.append("]" if t is list else "]}")
    elif t is complex:
        out.append('{"@c":[')
        _write(x.real, out)
        out.append(",")
        _write(x.imag, out)
        out.append("]}")
    else:
        raise TapeError(f"cannot record a {t.__name__}")


def dumps(obj: Any) -> str:
    return json.dumps(_enc(obj))


def loads(text: str | bytes) -> Any:
    """An answer (or nested data of answers) from its wire form. Raises TapeError on anything malformed."""
    if len(text) > MAX_TAPE_BYTES:
        raise TapeError("tape too large")
    try:
        return _dec(json.loads(text))
    except TapeError:
        raise
    except Exception as e:  # any malformed input is the tape's fault, never the judge's crash
        raise TapeError(f"unreadable tape: {type(e).__name__}: {e}") from None


# ---------------------------------------------------------------- questions
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
            return {"@T": self._tensor(x)} if type(x) is torch.Tensor else {"@nd": _npy(x)}
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
            return {"@ng": _npy(np.asarray(x))}
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
            self.storages.append(base64.b64encode(raw.numpy().tobytes()).decode())
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
        self.storages = [torch.UntypedStorage.from_buffer(base64.b64decode(s), dtype=torch.uint8) if s else
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
        if "@nd" in x:
            self.objects.append(_unnpy(x["@nd"]))
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
            return _unnpy(x["@ng"])[()]
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
    q = json.loads(wire)
    return q["step"], tuple(_Rebuild(q["storages"]).dec(q["args"]))
