"""The tape: answers recorded in the sandbox, read back by the trusted judge.

It is JSON with numpy arrays in ``.npy`` form (``allow_pickle=False``), because the
judge must be able to read a tape forged by hostile code without running any of it.
Pickle would hand that code the judge's process.
"""
from __future__ import annotations

import base64
import io
import json
import os
from typing import Any

import numpy as np

from ..checking.answers import Answer

MAX_TAPE_BYTES = 64 * 1024 * 1024


class TapeError(ValueError):
    """The tape is not a well-formed record of answers."""


def _enc(x: Any) -> Any:
    if isinstance(x, Answer):
        return {"@a": x.kind, "v": _enc(x.value), "m": _enc(x.meta)}
    if isinstance(x, np.ndarray):
        buf = io.BytesIO()
        np.save(buf, x, allow_pickle=False)
        return {"@nd": base64.b64encode(buf.getvalue()).decode()}
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
            arr = np.load(io.BytesIO(base64.b64decode(x["@nd"])), allow_pickle=False)
            return arr
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


def dumps(obj: Any) -> str:
    return json.dumps(_enc(obj))


def loads(text: str) -> Any:
    if len(text) > MAX_TAPE_BYTES:
        raise TapeError("tape too large")
    try:
        return _dec(json.loads(text))
    except TapeError:
        raise
    except Exception as e:  # any malformed input is the tape's fault, never the judge's crash
        raise TapeError(f"unreadable tape: {type(e).__name__}: {e}") from None


def record(exercise: str, hidden: bool, seed: int, tape: list) -> None:
    """Append one check's answers to the tape file the sandbox was given."""
    path = os.environ["AUTOGRADER_TAPE"]
    line = dumps({"exercise": exercise, "hidden": hidden, "seed": seed, "tape": [[s, a] for s, a in tape]})
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def read(path: str) -> list[dict]:
    """Every record in a tape file, oldest first. Raises TapeError on anything malformed."""
    with open(path, encoding="utf-8") as f:
        text = f.read(MAX_TAPE_BYTES + 1)
    out = []
    for line in text.splitlines():
        if line.strip():
            rec = loads(line)
            if not isinstance(rec, dict) or not isinstance(rec.get("tape"), list):
                raise TapeError("malformed record")
            rec["tape"] = [tuple(x) for x in rec["tape"]]
            out.append(rec)
    return out
