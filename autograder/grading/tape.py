"""The wire form of what crosses the sandbox's wall: questions in, answers out.

Both are JSON, never pickle: the judge must be able to read anything the learner's process
sends without running any of it, and the learner's process must be able to rebuild a question
without being handed objects. Pickle would hand the reader's process to the writer. Numpy arrays
travel as ``{"@nd": ...}`` (base64 ``.npy``, read with ``allow_pickle=False``) where the trusted side
writes them (:func:`dumps`), and as ``{"@raw": [dtype, shape, base64 bytes]}`` where the learner's
process writes them (:func:`answer_bytes`, built from C primitives only); an object dtype is refused.

* A **question** is one step of an exercise: the step's name and its arguments (:mod:`.questions`).
* An **answer** is an :class:`~autograder.checking.answers.Answer`.
"""
from __future__ import annotations

import base64
import binascii
import io
import json
import math
from typing import Any

import types
from _json import encode_basestring_ascii, make_scanner

import numpy as np

from ..checking.answers import Answer

MAX_TAPE_BYTES = 64 * 1024 * 1024


class TapeError(ValueError):
    """Not a well-formed question or answer."""


# JSON read by C alone (no json.decoder code, whose builtins learner code could patch): what the learner's process reads.
_scan = make_scanner(types.SimpleNamespace(
    strict=True, object_hook=None, object_pairs_hook=None, parse_float=float, parse_int=int, memo={},
    parse_constant={"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.__getitem__))


def json_c(text: str) -> Any:
    """``text`` parsed as one JSON value, by the C scanner alone."""
    value, end = _scan(text, 0)
    if end != len(text):
        raise TapeError("trailing data after a JSON value")
    return value


def _raw(a: np.ndarray) -> list:
    return [a.dtype.str, [int(n) for n in a.shape], binascii.b2a_base64(a.tobytes(), newline=False).decode("ascii")]


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
    if dt.hasobject or type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
        raise TapeError("malformed array")
    return np.frombuffer(binascii.a2b_base64(data), dtype=dt).reshape(shape).copy()


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
        dtype, shape, data = _raw(x)
        out.append('{"@raw":[')
        _write(dtype, out)
        out.append(",[" + ",".join(int.__repr__(n) for n in shape) + '],"' + data + '"]}')
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
