"""Leaving nothing behind: every process of a sandbox killed and reaped, a folder emptied."""
from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

from . import sandbox


def kill_all_others(child: int, fallback: bool) -> None:
    """SIGKILL every process this uid can signal in the sandbox except us; reap them.

    Without bwrap there is no pid namespace of our own (``kill(-1)`` would reach the host), so every
    descendant goes instead: we are a child subreaper, so daemons in their own session are ours too."""
    me = os.getpid()
    try:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)  # the learner's process: its exit (a large address space to drop) without polling
    except (ProcessLookupError, ChildProcessError, PermissionError):
        pass
    for _ in range(50):
        for pid in sandbox.descendants(me) if fallback else [-1]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        reap()
        alive = sandbox.descendants(me) if fallback else [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (me, 1)]
        if not alive:
            return
        time.sleep(0.01)


def reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def wipe(path: str, keep: tuple[str, ...] = ()) -> None:
    """Empty ``path``, except read-only binds in ``keep`` (a checkout under /tmp) and the folders leading to them."""
    for entry in Path(path).iterdir() if os.path.isdir(path) else []:
        if str(entry) in keep:
            continue
        if entry.is_dir() and not entry.is_symlink() and any(k.startswith(f"{entry}/") for k in keep):
            wipe(str(entry), keep)
        elif entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            try:
                entry.unlink()
            except OSError:
                pass
