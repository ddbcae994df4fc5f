"""The channel between a learner's process and its zygote: records out, sealed; cells in, one at a time.

A ``SOCK_SEQPACKET`` socketpair, made by the zygote for each notebook. The zygote's end stays in the
zygote; the learner's process holds the other. Every record the learner's process sends (outputs,
answers, audit flags, the end of a cell) is cut into chunks, and each chunk carries an HMAC-SHA256
under a key the zygote draws for that notebook and hands to the learner's process at fork, as a
local variable, never stored where learner code can name it. So:

* learner code that writes to the socket itself (it can find the fd) sends records without a valid
  MAC: the zygote counts them as forged and flags the cell instead of trusting them;
* a record, once sent, sits in the zygote's receive queue: nothing in the learner's process can read
  it back, change it or take it out (a socket, unlike a pipe, cannot be reopened through
  ``/proc/self/fd`` to read what was written);
* the cells travel the other way, unsigned: a thief that reads one learns only the questions, and
  the cell then never ends (it times out).

Everything the learner's side of this module uses is bound when the zygote seals it
(:mod:`autograder.grading.seal`): C functions only (``os.write``, ``_hashlib.hmac_digest``).
"""
from __future__ import annotations

import _hashlib
import hmac
import os
import socket
import struct

CHUNK = 60_000  # a SOCK_SEQPACKET message must fit the socket buffer (~208 KiB here); leave room
MAC = 32
HEAD = struct.Struct(">8sII")  # record id, chunk index, chunk count
RECV = MAC + HEAD.size + CHUNK
MAX_RECORD = 96 << 20


def pair() -> tuple[int, int]:
    """(zygote's fd, learner's fd), both blocking, close-on-exec."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    return a.detach(), b.detach()


def chunks(key: bytes | None, data: bytes) -> list[bytes]:
    """One record as chunks: MAC-ed when ``key`` is given (learner to zygote), plain ones otherwise."""
    rid = os.urandom(8)
    n = max(1, -(-len(data) // CHUNK))
    out = []
    for i in range(n):
        body = HEAD.pack(rid, i, n) + data[i * CHUNK:(i + 1) * CHUNK]
        out.append((_hashlib.hmac_digest(key, body, "sha256") if key else b"\0" * MAC) + body)
    return out


def send(fd: int, key: bytes | None, data: bytes) -> None:
    """Send one record on a blocking fd."""
    for chunk in chunks(key, data):
        os.write(fd, chunk)


class Reader:
    """Reassembles records from chunks; with a key, keeps only chunks whose MAC is right and counts the rest."""

    def __init__(self, key: bytes | None, limit: int = MAX_RECORD):
        self.key, self.limit = key, limit
        self.parts: dict[bytes, dict[int, bytes]] = {}
        self.counts: dict[bytes, int] = {}
        self.forged = 0  # chunks that failed their MAC or did not fit a record
        self.size = 0

    def feed(self, chunk: bytes) -> bytes | None:
        """One received chunk; the whole record when this was its last missing chunk."""
        if len(chunk) < MAC + HEAD.size:
            self.forged += 1
            return None
        mac, body = chunk[:MAC], chunk[MAC:]
        if self.key is not None and not hmac.compare_digest(mac, _hashlib.hmac_digest(self.key, body, "sha256")):
            self.forged += 1
            return None
        rid, i, n = HEAD.unpack_from(body)
        if n == 0 or i >= n or self.counts.setdefault(rid, n) != n or i in self.parts.get(rid, {}):
            self.forged += 1
            return None
        self.size += len(body)
        if self.size > self.limit:
            self.forged += 1
            return None
        got = self.parts.setdefault(rid, {})
        got[i] = body[HEAD.size:]
        if len(got) < n:
            return None
        del self.parts[rid], self.counts[rid]
        return b"".join(got[k] for k in range(n))


def recv(fd: int, reader: Reader) -> bytes | None:
    """Block until one whole record arrives on ``fd``; None when the other end is gone."""
    while True:
        chunk = os.read(fd, RECV)
        if not chunk:
            return None
        record = reader.feed(chunk)
        if record is not None:
            return record
