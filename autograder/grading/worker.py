"""Warm workers: a zygote per core, inside the sandbox, that forks one learner process per submission.

The zygote (``python -m autograder.grading.worker``, started by :class:`Pool` under bwrap) imports
torch, IPython and this package once, builds an IPython shell, makes itself non-dumpable
(same-uid children cannot ptrace it or read its memory) and a child subreaper, then waits
for jobs on stdin. Each job is one notebook: the zygote forks, the child applies the
rlimits and runs the cells (:mod:`autograder.grading.execute`), and the zygote watches it: a cell
past its timeout gets SIGINT, then SIGKILL; the notebook past its budget gets SIGKILL.
When the child is gone the zygote kills every other process in the sandbox (``kill(-1)``:
detached daemons included) and empties ``/tmp``, so nothing survives its notebook and
nothing leaks into the next one. One job at a time per zygote; a zygote that dies or stops
answering is killed by the host, with its whole pid namespace, and restarted.

Everything the child produces (outputs, tapes) is written under ``/out`` and read back by
the host as untrusted data.
"""
from __future__ import annotations

import dataclasses
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import queue
from concurrent.futures import Future
import time
from pathlib import Path

from . import sandbox
from .sandbox import Limits

PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 4, 36


# ---------------------------------------------------------------- inside the sandbox
def _prctl(option: int, value: int) -> None:
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


FALLBACK = bool(os.environ.get("AUTOGRADER_FALLBACK"))


def _kill_all_others(child: int) -> None:
    """SIGKILL every process this uid can signal in the sandbox except us; reap them.

    Without bwrap there is no pid namespace of our own (``kill(-1)`` would reach the host), so every
    descendant goes instead: we are a child subreaper, so daemons in their own session are ours too."""
    me = os.getpid()
    for _ in range(50):
        for pid in sandbox.descendants(me) if FALLBACK else [-1]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _reap()
        alive = sandbox.descendants(me) if FALLBACK else [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (me, 1)]
        if not alive:
            return
        time.sleep(0.01)


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _wipe(path: str, keep: tuple[str, ...] = ()) -> None:
    """Empty ``path``, except read-only binds in ``keep`` (a checkout under /tmp) and the folders leading to them."""
    for entry in Path(path).iterdir() if os.path.isdir(path) else []:
        if str(entry) in keep:
            continue
        if entry.is_dir() and not entry.is_symlink() and any(k.startswith(f"{entry}/") for k in keep):
            _wipe(str(entry), keep)
        elif entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            try:
                entry.unlink()
            except OSError:
                pass


def _watch(pid: int, progress: int, limits: Limits) -> dict:
    """Enforce the per-cell timeout and the notebook budget on child ``pid``; say how it ended.

    The child's own exit ends the watch (its descendants may still hold the progress pipe)."""
    start = time.monotonic()
    budget_end = start + limits.notebook_budget
    cell, cell_end, interrupted, reason, buf, status = None, None, False, None, b"", None
    timed_out: list[int] = []
    open_pipe, finished = True, False
    while True:
        got, st = os.waitpid(pid, os.WNOHANG)
        if got:
            status = st
            break
        now = time.monotonic()
        ends = [budget_end] + ([cell_end] if cell_end else [])
        wait = max(0.0, min(ends + [now + 0.1]) - now)
        # Once the pipe is closed the child is exiting: poll its exit briefly, not once per 0.1 s.
        ready = select.select([progress], [], [], wait)[0] if open_pipe else (time.sleep(min(wait, 0.002)) or [])
        if ready:
            chunk = os.read(progress, 4096)
            if not chunk:
                open_pipe = False
            buf = (buf + chunk)[-4096:]
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if line.startswith(b"s"):
                    cell, cell_end, interrupted = line[1:].decode(errors="replace"), time.monotonic() + limits.cell_timeout, False
                elif line == b"e":
                    cell_end, finished = None, True
            continue
        now = time.monotonic()
        if now >= budget_end:
            reason = f"notebook took longer than its {limits.notebook_budget:g} s budget"
            os.kill(pid, signal.SIGKILL)
        elif cell_end and now >= cell_end:
            if not interrupted:
                timed_out.append(int(cell) if cell and cell.isdigit() else -1)
                os.kill(pid, signal.SIGINT)
                interrupted, cell_end = True, now + 2.0
            else:
                reason = f"cell {cell} ran past its {limits.cell_timeout:g} s timeout and ignored the interrupt"
                os.kill(pid, signal.SIGKILL)
    os.close(progress)
    if reason is None and status is not None:
        if os.WIFSIGNALED(status):
            reason = f"the notebook's process was killed by {signal.Signals(os.WTERMSIG(status)).name}"
        elif os.WEXITSTATUS(status) != 0 or not finished:
            reason = f"the notebook's process exited with code {os.WEXITSTATUS(status)} before its last cell (os._exit or a crash)"
    return {"reason": reason, "timed_out": timed_out, "seconds": round(time.monotonic() - start, 3)}


def _serve() -> None:
    os.environ.pop("AUTOGRADER_MODE", None)
    import torch  # noqa: F401  (warm: every learner process inherits these imports)
    import numpy  # noqa: F401
    from . import execute
    from ..checking import exercises
    exercises.load_all()
    shell = execute.make_shell()
    execute.warm_up(shell)
    import gc
    gc.freeze()  # the warm heap is permanent: a learner process's collections never walk (and copy) its pages
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ctl_in, ctl_out = os.fdopen(0, "rb", buffering=0), 1
    os.write(ctl_out, b'{"ready": true}\n')
    for line in ctl_in:
        job = json.loads(line)
        limits = Limits(**job["limits"])
        _wipe(job["out"])
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the learner's process
            os.close(r)
            if FALLBACK:
                os.setpgid(0, 0)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            code = 0
            try:
                sandbox.child_limits(limits)
                execute.run_job(shell, job, w, limits)
            except BaseException:
                code = 3
            os._exit(code)
        os.close(w)
        result = _watch(pid, r, limits)
        _kill_all_others(pid)
        for d in (() if FALLBACK else ("/tmp", "/dev/shm")):
            _wipe(d, tuple(str(r) for r in sandbox.bound_roots()))
        os.write(ctl_out, (json.dumps(result) + "\n").encode())


# ---------------------------------------------------------------- the host side
@dataclasses.dataclass
class Job:
    """One notebook to run: code cells as (index, source), the files of its working copy."""

    cells: list[tuple[int, str]]
    files: dict[str, bytes]
    seed: int
    limits: Limits = dataclasses.field(default_factory=Limits)


@dataclasses.dataclass
class RunResult:
    """What came back: raw, untrusted bytes per cell, plus how the process ended (trusted)."""

    cells: bytes  # JSON lines written by the learner's process
    tapes: dict[int, bytes]
    reason: str | None
    timed_out: list[int]
    seconds: float
    flags: list[str]


class _Slot:
    def __init__(self, index: int, root: Path):
        self.index, self.dir = index, root / f"slot{index}"
        self.proc: subprocess.Popen | None = None
        self.sandboxed = sandbox.bwrap_path() is not None
        self.fds: list[int] = []
        self.cgroups: list[Path] = []

    def _prepare(self) -> None:
        for sub in ("work", "out"):
            d = self.dir / sub
            if d.exists():
                shutil.rmtree(d)
            d.mkdir(parents=True)

    def start(self, limits: Limits) -> None:
        self._prepare()
        if not self.cgroups:
            self.cgroups = sandbox.make_cgroups(f"autograder-{os.getpid()}-slot{self.index}", limits)
        if self.sandboxed:
            argv, self.fds = sandbox.command(self.dir, self.index, limits)
            env = None
        else:
            (self.dir / "tmp").mkdir(parents=True, exist_ok=True)
            argv = sandbox.fallback_command()
            env = {"PATH": os.environ.get("PATH", ""), "HOME": str(self.dir / "tmp"), "TMPDIR": str(self.dir / "tmp"),
                   "AUTOGRADER_FALLBACK": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.dir / "worker.log", "ab"),
                                     pass_fds=self.fds, env=env, cwd=self.dir / "work",
                                     preexec_fn=lambda: sandbox.drop_privileges(self.index, self.sandboxed, self.cgroups))
        for fd in self.fds:
            os.close(fd)
        self.fds = []
        line = self._readline(300)
        if not line.startswith(b'{"ready"'):
            self.stop()
            raise RuntimeError(f"worker {self.index} did not start: {line[:200]!r}")

    def _readline(self, timeout: float) -> bytes:
        assert self.proc and self.proc.stdout
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        return self.proc.stdout.readline() if ready else b""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # bwrap is pid 1 of the sandbox: all of it goes
            self.proc.wait()
        self.proc = None

    def run(self, job: Job) -> RunResult:
        if self.proc is None or self.proc.poll() is not None:
            self.start(job.limits)
        work, out = self.dir / "work", self.dir / "out"
        for d in (work, out, self.dir / "tmp"):
            if d.is_dir():  # the last notebook may have chmod-ed or filled them: reset before this one
                os.chmod(d, 0o755)
                _wipe(str(d))
        for name, data in job.files.items():
            (work / name).write_bytes(data)
        inside = Path(sandbox.WORK) if self.sandboxed else work
        outside = Path(sandbox.OUT) if self.sandboxed else out
        msg = {"cells": job.cells, "seed": job.seed, "cwd": str(inside), "out": str(outside),
               "limits": dataclasses.asdict(job.limits)}
        assert self.proc and self.proc.stdin
        flags = sandbox.flags(self.sandboxed, self.cgroups)
        try:
            self.proc.stdin.write((json.dumps(msg) + "\n").encode())
            self.proc.stdin.flush()
            line = self._readline(job.limits.notebook_budget + 30)
            status = json.loads(line) if line else None
            if os.environ.get("AUTOGRADER_DEBUG"): print("worker said", line[:300], file=sys.stderr)
        except (OSError, ValueError):
            status = None
        if not isinstance(status, dict):
            self.stop()
            status = {"reason": "the sandboxed worker died or stopped answering (restarted)", "timed_out": [], "seconds": 0}
        return RunResult(cells=_read_capped(out / "cells.jsonl", 64 << 20),
                         tapes={i: _read_capped(out / f"tape-{i}.jsonl", 64 << 20) for i, _ in job.cells
                                if (out / f"tape-{i}.jsonl").is_file()},
                         reason=status.get("reason"), timed_out=list(status.get("timed_out") or []),
                         seconds=float(status.get("seconds") or 0), flags=flags)


def _read_capped(path: Path, limit: int) -> bytes:
    try:
        if path.is_symlink() or not path.is_file():
            return b""
        with open(path, "rb") as f:
            return f.read(limit)
    except OSError:
        return b""


class Pool:
    """``n`` warm sandboxed workers, each owned by one long-lived thread.

    bwrap's ``--die-with-parent`` is tied to the thread that started it, so a worker is
    started, used and restarted only by its own thread. ``submit`` queues a job and returns
    a Future; jobs run one per worker at a time."""

    def __init__(self, n: int, root: Path, limits: Limits | None = None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        self.limits = limits or Limits()
        self.slots = [_Slot(i, self.root) for i in range(n)]
        self._jobs: queue.Queue = queue.Queue()
        self._threads = [threading.Thread(target=self._loop, args=(s,), daemon=True) for s in self.slots]
        self._ready = [threading.Event() for _ in self.slots]
        for t in self._threads:
            t.start()

    def _loop(self, slot: "_Slot") -> None:
        try:
            slot.start(self.limits)
        except Exception:
            pass  # started again on its first job
        self._ready[slot.index].set()
        while True:
            item = self._jobs.get()
            if item is None:
                slot.stop()
                sandbox.remove_cgroups(slot.cgroups)
                return
            job, fut = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(slot.run(job))
            except BaseException as exc:
                slot.stop()
                fut.set_exception(exc)

    def warm(self) -> None:
        """Wait until every worker has imported torch (or failed to, and will retry)."""
        for ev in self._ready:
            ev.wait()

    def submit(self, job: Job) -> Future:
        fut: Future = Future()
        self._jobs.put((job, fut))
        return fut

    def run(self, job: Job) -> RunResult:
        return self.submit(job).result()

    def close(self) -> None:
        for _ in self.slots:
            self._jobs.put(None)
        for t in self._threads:
            t.join(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)  # working copies and results of the last notebooks


if __name__ == "__main__":
    sys.exit(_serve())
