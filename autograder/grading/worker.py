"""Warm workers, the host's side: a pool of sandboxed zygotes, each owned by one thread.

:class:`Pool` starts ``n`` zygotes (:mod:`.zygote`) under bubblewrap (:mod:`.sandbox`) and hands
each a :class:`Job` (one notebook: its code cells, and its test cells as the questions the plan
made, :mod:`.plan`) on its stdin. The zygote's answer comes back on its stdout, the one channel no
learner process can write to: per cell, the outputs, the answers and the flags it sealed, and how
the cell ended. Everything in it is read as untrusted data. A zygote that dies or stops answering
is killed with its whole pid namespace and restarted.
"""
from __future__ import annotations

import dataclasses
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path

from . import sandbox
from .cleanup import wipe
from .sandbox import Limits


# ---------------------------------------------------------------- the host side
@dataclasses.dataclass
class Job:
    """One notebook to run: its cells in order, ``{"index": i, "code": source}`` or ``{"index": i, "ask": [question, ...]}``
    (questions in :mod:`.tape`'s wire form), and the files of its working copy."""

    cells: list[dict]
    files: dict[str, bytes]
    limits: Limits = dataclasses.field(default_factory=Limits)

    @classmethod
    def of(cls, *sources: str, limits: Limits | None = None) -> "Job":
        """A job of code cells only (numbered from 0), with no files: what the sandbox's own tests run."""
        return cls([{"index": i, "code": s} for i, s in enumerate(sources)], {}, limits or Limits())


@dataclasses.dataclass
class RunResult:
    """What the zygote sealed, per cell index: ``status`` ('ok', 'interrupted', 'killed', 'not-run'), ``reason``,
    ``outputs``, ``answers`` (wire form), ``count``; ``found``: [kind, detail, cell index, question] for each report."""

    cells: dict[int, dict]
    found: list[list]
    reason: str | None  # the notebook could not be run at all (the worker died)
    seconds: float
    flags: list[str]  # about the sandbox itself (no-sandbox)


class _Slot:
    def __init__(self, index: int, root: Path):
        self.index, self.dir = index, root / f"slot{index}"
        self.proc: subprocess.Popen | None = None
        self.sandboxed = sandbox.bwrap_path() is not None
        self.fds: list[int] = []
        self.cgroups: list[Path] = []

    def _prepare(self) -> None:
        for sub in ("work",):
            d = self.dir / sub
            if d.exists():
                shutil.rmtree(d)
            d.mkdir(parents=True)

    def start(self, limits: Limits, spawned: threading.Event | None = None) -> None:
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
                   "AUTOGRADER_FALLBACK": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                   "AUTOGRADER_AUDIT_DEBUG": os.environ.get("AUTOGRADER_AUDIT_DEBUG", "")}
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.dir / "worker.log", "ab"),
                                     pass_fds=self.fds, env=env, cwd=self.dir / "work",
                                     preexec_fn=lambda: sandbox.drop_privileges(self.index, self.sandboxed, self.cgroups))
        for fd in self.fds:
            os.close(fd)
        self.fds = []
        if spawned is not None:
            spawned.set()
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
        work = self.dir / "work"
        for d in (work, self.dir / "tmp"):
            if d.is_dir():  # the last notebook may have chmod-ed or filled them: reset before this one
                os.chmod(d, 0o755)
                wipe(str(d))
        for name, data in job.files.items():
            (work / name).write_bytes(data)
        inside = Path(sandbox.WORK) if self.sandboxed else work
        msg = {"cells": job.cells, "cwd": str(inside), "limits": dataclasses.asdict(job.limits)}
        assert self.proc and self.proc.stdin
        flags = sandbox.flags(self.sandboxed, self.cgroups)
        try:
            self.proc.stdin.write((json.dumps(msg) + "\n").encode())
            self.proc.stdin.flush()
            line = self._readline(job.limits.notebook_budget + 30)
            status = json.loads(line) if line else None
        except (OSError, ValueError):
            status = None
        if not isinstance(status, dict) or not isinstance(status.get("cells"), dict):
            self.stop()
            return RunResult({}, [], "the sandboxed worker died or stopped answering (restarted)", 0.0, flags)
        cells = {int(k): v for k, v in status["cells"].items() if str(k).lstrip("-").isdigit() and isinstance(v, dict)}
        found = [f for f in status.get("flags") or [] if isinstance(f, list) and len(f) == 4]
        return RunResult(cells, found, None, float(status.get("seconds") or 0), flags)


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
        self._spawned = [threading.Event() for _ in self.slots]
        for t in self._threads:
            t.start()
        # Return once every worker process exists: the caller's own imports hold the GIL for seconds, and
        # the threads need it to start them (measured: the workers began their imports 3 s late).
        for ev in self._spawned:
            ev.wait(timeout=30)

    def _loop(self, slot: "_Slot") -> None:
        try:
            slot.start(self.limits, self._spawned[slot.index])
        except Exception:
            pass  # started again on its first job
        self._spawned[slot.index].set()
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
