"""Leaving nothing behind: every process of a sandbox killed and reaped, a folder emptied."""
from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path


def kill_all_others(child: int, fallback: bool) -> None:
    """SIGKILL every process this uid can signal in the sandbox except us; reap them.

    Without bwrap there is no pid namespace of our own, so only the child's process group goes."""
    me = os.getpid()
    if fallback:
        try:
            os.killpg(child, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        reap()
        return
    for _ in range(50):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        reap()
        alive = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (me, 1)]
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
