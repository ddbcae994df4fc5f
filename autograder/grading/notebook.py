"""One notebook in a zygote: a learner's process forked per notebook, fed one cell at a time, restarted past a killer.

:class:`Notebook` draws the channel key (:mod:`.channel`), forks a learner's process (:class:`Child`, which
runs :func:`.recorder.child_main`), sends it one cell at a time and reads the sealed records each cell
produces (outputs, answers, reports, the end) until the cell ends or its time is up: the deadline of a
cell is measured from the zygote's own send, SIGINT at the cell's timeout, SIGKILL :data:`GRACE` seconds
later, SIGKILL at the notebook's budget. Anything out of protocol (a record without the seal, a
duplicated or out-of-order one, one for another cell) is a ``forged-record`` finding and is not trusted.

**A killed cell costs only itself.** When a cell kills its process (``os._exit``, a segfault, a loop that
ignores SIGINT past its hard limit), the next process is forked from the warm zygote, the cells before
the killer are replayed in it (their questions and seeds are the same; each must end as it first did, a
cell that timed out being interrupted again; earlier killers are left out; no record is kept again), the
killer scores 0 with a ``killed-cell`` finding, and the cells after it run as usual. At most :data:`MAX_RESTARTS` restarts per notebook, all within its budget: a
notebook that kills every cell still ends.
"""
from __future__ import annotations

import json
import os
import select
import signal
import time

from . import channel, tape
from .audit import TAMPERED
from .cleanup import kill_all_others
from .sandbox import Limits

FALLBACK = bool(os.environ.get("AUTOGRADER_FALLBACK"))
MAX_RESTARTS = 4
GRACE = 2.0  # seconds between SIGINT and SIGKILL


class Child:
    """One learner's process, as the zygote sees it: its pid, its end of the channel, what it has sent."""

    def __init__(self, ctx: dict, key: bytes):
        zfd, cfd = channel.pair()
        pid = os.fork()
        if pid == 0:  # the learner's process
            os.close(zfd)
            if FALLBACK:
                os.setpgid(0, 0)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            try:
                ctx["main"](ctx, cfd, key)
            finally:
                os._exit(3)
        os.close(cfd)
        os.set_blocking(zfd, False)
        self.pid, self.fd, self.reader = pid, zfd, channel.Reader(key)
        self.pidfd = os.pidfd_open(pid)

    def close(self) -> None:
        for fd in (self.fd, self.pidfd):
            try:
                os.close(fd)
            except OSError:
                pass


class Notebook:
    """One job: its cells, run in order, each cell's sealed records kept apart."""

    def __init__(self, ctx: dict, job: dict):
        self.ctx, self.cells, self.limits = ctx, job["cells"], Limits(**job["limits"])
        self.key = os.urandom(32)
        self.start = time.monotonic()
        self.budget_end = self.start + self.limits.notebook_budget
        self.runs: dict[int, dict] = {}
        self.flags: list[list] = []  # [kind, detail, cell index, question]
        self.reason: str | None = None

    def run(self) -> dict:
        killed: list[int] = []
        child = self._start()
        k = 0
        while child is not None and k < len(self.cells):
            status = self._cell(child, self.cells[k], keep=True)
            if status == "not-run":
                break
            if status == "killed":
                killed.append(k)
                child = self._restart(child, killed, k)
            k += 1
        why = self.reason or f"the notebook took longer than its {self.limits.notebook_budget:g} s budget"
        for cell in self.cells[k:]:
            self.runs.setdefault(cell["index"], {"status": "not-run", "reason": why})
        if child is not None:
            self._stop(child)
        return {"cells": self.runs, "flags": self.flags, "seconds": round(time.monotonic() - self.start, 3)}

    # ---------------------------------------------------------------- processes
    def _start(self) -> Child | None:
        child = Child(self.ctx, self.key)
        if self._read(child, None, min(time.monotonic() + 60, self.budget_end)) != "ready":
            self._stop(child)
            self.reason = "the learner's process did not start"
            return None
        return child

    def _stop(self, child: Child) -> None:
        _signal(child.pid, signal.SIGKILL)
        kill_all_others(child.pid, FALLBACK)
        child.close()

    def _restart(self, child: Child, killed: list[int], k: int) -> Child | None:
        """A fresh process in the state the killer cell found: the cells before it replayed, killers left out."""
        self._stop(child)
        if len(killed) > MAX_RESTARTS:
            self.reason = f"{len(killed)} cells killed the notebook's process; the cells after them were not run"
            return None
        fresh = self._start()
        for j in range(k):
            if fresh is None or j in killed:
                continue
            first = self.runs.get(self.cells[j]["index"], {}).get("status")  # a timed-out cell times out again
            if self._cell(fresh, self.cells[j], keep=False) != first:
                self.reason = "a cell before this one did not run again as it first did; the cells after it were not run"
                self._stop(fresh)
                fresh = None
        return fresh

    # ---------------------------------------------------------------- one cell
    def _cell(self, child: Child, cell: dict, keep: bool) -> str:
        """Send ``cell`` and read its records until it ends or its time is up; keep them unless replaying.

        Returns 'ok', 'interrupted' (timed out, and the interrupt worked), 'killed' or 'not-run'."""
        if time.monotonic() >= self.budget_end:
            return "not-run"
        index = cell["index"]
        run = {"status": None, "outputs": [], "answers": [], "asked": len(cell.get("ask", []))}
        start = time.monotonic()
        deadline = min(start + self.limits.cell_timeout, self.budget_end)
        if not _send(child.fd, json.dumps(cell).encode(), deadline):
            status = self._overrun(child, (index, run), interrupted=True)
        else:
            status = self._read(child, (index, run), deadline)
        run["status"], run["seconds"] = status, round(time.monotonic() - start, 3)
        if keep:
            self.runs[index] = run
        return status

    def _read(self, child: Child, current: tuple | None, deadline: float) -> str:
        """Records until the current cell's end (or 'ready' before the first); 'killed' if the process dies."""
        interrupted, watch = False, [child.fd, child.pidfd]
        while True:
            ready = select.select(watch, [], [], max(0.0, deadline - time.monotonic()))[0]
            if child.fd in ready:
                done = self._chunk(child, current)
                if done == "eof":
                    watch = [child.pidfd]  # every copy of the learner's end is closed: only its death is left to see
                elif done is not None:
                    return done
                continue
            if child.pidfd in ready:
                self._drain(child, current)
                return self._died(child, current)
            if current is None or time.monotonic() >= self.budget_end or interrupted:
                return self._overrun(child, current, interrupted)
            self._flag("cell-timeout", "", current)
            _signal(child.pid, signal.SIGINT)
            interrupted, deadline = True, time.monotonic() + GRACE

    def _overrun(self, child: Child, current: tuple | None, interrupted: bool) -> str:
        _signal(child.pid, signal.SIGKILL)
        if current is None:
            why = "did not start"
        elif time.monotonic() >= self.budget_end:
            why = f"ran past the notebook's {self.limits.notebook_budget:g} s budget"
        else:
            why = f"ran past its {self.limits.cell_timeout:g} s timeout and ignored the interrupt"
        return self._died(child, current, why)

    def _chunk(self, child: Child, current: tuple | None) -> str | None:
        forged = child.reader.forged
        try:
            chunk = os.read(child.fd, channel.RECV)
        except OSError:
            chunk = b""
        if not chunk:
            return "eof"
        record = child.reader.feed(chunk)
        if child.reader.forged > forged:
            self._flag("forged-record", "a record without the channel's seal", current)
        return None if record is None else self._record(record, current)

    def _drain(self, child: Child, current: tuple | None) -> None:
        """Records the process sent before it died are still in the socket: keep them."""
        while select.select([child.fd], [], [], 0)[0]:
            if self._chunk(child, current) == "eof":
                return

    def _record(self, record: bytes, current: tuple | None) -> str | None:
        head, _, payload = record.partition(b"\n")
        try:
            h = json.loads(head)
            kind = h["k"]
        except (ValueError, KeyError, TypeError):
            return self._flag("forged-record", "a sealed record that is not one", current)
        if kind == "flag":
            self.flags.append([str(h.get("kind")), str(h.get("detail")), h.get("cell"), h.get("q")])
            return None
        if current is None:
            return "ready" if kind == "ready" else self._flag("forged-record", f"'{kind}' before the first cell", current)
        index, run = current
        if h.get("cell") != index:
            return self._flag("forged-record", f"a '{kind}' record for another cell", current)
        if kind == "ans" and h.get("q") == len(run["answers"]) < run["asked"]:
            run["answers"].append(payload.decode("ascii", "replace"))
        elif kind == "out" and "count" not in run:
            run["count"] = h.get("count")
            try:
                run["outputs"] = tape.loads(payload)
            except tape.TapeError:
                run["outputs"] = []
        elif kind == "end":
            return "interrupted" if h.get("status") == "interrupted" else "ok"
        else:
            run["forged"] = True
            return self._flag("forged-record", f"an unexpected '{kind}' record (duplicated or out of order)", current)
        return None

    def _flag(self, kind: str, detail: str, current: tuple | None) -> None:
        entry = [kind, detail, None if current is None else current[0], None]
        if entry not in self.flags[-64:]:  # a flood of forged chunks is one finding, not a million
            self.flags.append(entry)

    def _died(self, child: Child, current: tuple | None, why: str | None = None) -> str:
        try:
            _, status = os.waitpid(child.pid, 0)
        except ChildProcessError:
            status = 0
        if why is None:
            if os.WIFSIGNALED(status):
                why = f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
            elif os.WEXITSTATUS(status) == TAMPERED:
                why = "ended itself: it could not report tampering safely"
                self._flag("tampering", "the channel's fd was replaced, or a thread ran while a report was due", current)
            else:
                why = f"exited with code {os.WEXITSTATUS(status)} (os._exit or a crash)"
        if current is not None:
            current[1]["reason"] = f"this cell {why}"
            self._flag("killed-cell", why, current)
        return "killed"


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _send(fd: int, data: bytes, deadline: float) -> bool:
    """Send a cell to the learner's process (non-blocking fd); False if it would not take it in time."""
    for chunk in channel.chunks(None, data):
        while True:
            try:
                os.write(fd, chunk)
                break
            except BlockingIOError:
                if not select.select([], [fd], [], max(0.0, deadline - time.monotonic()))[1]:
                    return False
    return True
