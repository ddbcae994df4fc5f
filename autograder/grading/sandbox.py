"""The sandbox a warm worker lives in: a bubblewrap command, the limits, and the fallback.

Bubblewrap (Debian ``bubblewrap``) does the isolation; this module only decides what the
sandbox may see. It sees the system read-only (``/usr``, ``/etc``), the Python install,
this package and the grading user's matplotlib font lists read-only, and one read-write slot directory (the submission's working copy
and a private ``/tmp``). It does not see the course: not ``course/``, not ``solutions/``,
not the gradebook, not other students. No network, its own user/pid/ipc/uts namespaces, uid 65534 inside with no capabilities,
and a pids cgroup (plus a memory cgroup backstop) per slot where the host allows it.

Where bwrap is missing (macOS, a container without it), the worker runs with rlimits and
a private temp copy only, and every result says so in a flag that sends it to a human; so does
every result graded where no pids cgroup could be made, as root (no process limit at all).
"""
from __future__ import annotations

import dataclasses
import os
import resource
import shutil
import sys
import time
from pathlib import Path

from .flags import flag

GiB = 1 << 30
BASE_UID = 60000
WORK = "/submission"  # where the working copy appears inside
NO_SANDBOX_FLAG = flag("no-sandbox", "bubblewrap missing, ran with rlimits and a private temp copy only")
NO_PROCESS_LIMIT_FLAG = flag("no-process-limit", "no pids cgroup could be made, and the grader's uid 0 is exempt from RLIMIT_NPROC")


@dataclasses.dataclass(frozen=True)
class Limits:
    """Per-submission limits. Memory is address space (RLIMIT_AS) of the learner's process:
    the warm interpreter with torch and IPython loaded already takes ~0.75 GiB of it, and
    ``import torch`` itself fails below ~1 GiB, so the default leaves the learner ~1.25 GiB."""

    memory_bytes: int = 2 * GiB
    nproc: int = 64
    cell_timeout: float = 30.0
    notebook_budget: float = 120.0
    output_bytes: int = 2 * 1024 * 1024
    file_bytes: int = 256 * 1024 * 1024
    tmp_bytes: int = 256 * 1024 * 1024


def bwrap_path() -> str | None:
    if os.environ.get("AUTOGRADER_NO_BWRAP"):  # lets the tests exercise the fallback on purpose
        return None
    return shutil.which("bwrap")


def _python_roots() -> list[Path]:
    """Directories the worker's Python needs: the base install and the venv (if any)."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    return sorted(roots)


def package_root() -> Path:
    return Path(__file__).resolve().parents[1]


def bound_roots() -> list[Path]:
    """What the sandbox binds read-only besides the system: Python and this package."""
    return [r for r in _python_roots() + [package_root()] if not str(r).startswith("/usr/")]


FONT_LISTS = "/run/autograder-fonts"  # where the grading user's matplotlib font lists appear inside, read-only


def host_font_lists() -> list[Path]:
    """The grading user's matplotlib font lists, in the cache folder matplotlib itself would use (found
    without importing it). A zygote starts from them instead of scanning every font again (~0.3 s of CPU)."""
    cache = os.environ.get("MPLCONFIGDIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or
                                                            os.path.expanduser("~/.cache"), "matplotlib")
    return sorted(Path(cache).glob("fontlist-v*.json"))


def seed_font_lists() -> None:
    """In the zygote, before matplotlib is imported: copy the bound font lists into its private MPLCONFIGDIR.
    A list naming a font file the sandbox cannot see is rebuilt by matplotlib itself when it finds it missing."""
    dest = os.environ.get("MPLCONFIGDIR")
    if not dest or not os.path.isdir(FONT_LISTS):
        return
    os.makedirs(dest, exist_ok=True)
    for name in os.listdir(FONT_LISTS):
        shutil.copyfile(os.path.join(FONT_LISTS, name), os.path.join(dest, name))


def command(slot_dir: Path, slot: int, limits: Limits) -> tuple[list[str], list[int]]:
    """The bwrap argv that starts a worker for ``slot`` (and fds it must inherit: none today)."""
    bwrap = bwrap_path()
    assert bwrap is not None
    argv = [bwrap, "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--hostname", "sandbox",
            "--die-with-parent", "--new-session", "--clearenv", "--disable-userns",
            "--proc", "/proc", "--dev", "/dev"]
    fds: list[int] = []
    for top in ("/usr", "/etc"):
        argv += ["--ro-bind", top, top]
    for link in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(link):
            argv += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            argv += ["--ro-bind", link, link]
    # The private /tmp first, then the binds: a checkout (and its venv) under /tmp, as in a CI clone,
    # must stay visible on top of the empty tmpfs rather than be hidden by it.
    argv += ["--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    for root in bound_roots():
        argv += ["--ro-bind", str(root), str(root)]
    for fonts in host_font_lists():
        argv += ["--ro-bind", str(fonts), f"{FONT_LISTS}/{fonts.name}"]
    argv += ["--bind", str(slot_dir / "work"), WORK,
             "--remount-ro", "/",  # bwrap's own root tmpfs would otherwise outlive the notebook
             "--chdir", WORK]
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONDONTWRITEBYTECODE": "1",
           "MPLCONFIGDIR": "/tmp/mpl", "OMP_NUM_THREADS": "1"}
    for k, v in env.items():
        argv += ["--setenv", k, v]
    argv += ["--", sys.executable, "-m", "autograder.grading.zygote"]
    return argv, fds


def fallback_command() -> list[str]:
    return [sys.executable, "-m", "autograder.grading.zygote"]


WORKER_NICE = 5


def drop_privileges(slot: int, sandboxed: bool, cgroups: list[Path] | None = None) -> None:
    """preexec_fn for the worker: its own session, its slot's cgroups when there are any, and a lower CPU
    priority than the grading process, whose judging and gradebook writes the whole batch waits on (and
    whose start-up the first jobs wait on: the workers would otherwise slow it while they warm up)."""
    os.setsid()
    os.nice(WORKER_NICE)
    for cg in cgroups or []:
        try:
            (cg / "cgroup.procs").write_text(str(os.getpid()))
        except OSError:
            pass


CGROUP_V1 = Path("/sys/fs/cgroup")


def make_cgroups(name: str, limits: Limits) -> list[Path]:
    """A pids and a memory cgroup for one slot, where the host lets us create them (cgroup v1).

    The sandbox uid is mapped to the grader's uid, and root is exempt from RLIMIT_NPROC,
    so the process count is enforced here: ``pids.max``. The memory cgroup is a backstop
    for the whole slot (tmpfs included), above the per-process RLIMIT_AS. A group whose
    limit could not be written is not returned: it limits nothing."""
    if os.environ.get("AUTOGRADER_NO_CGROUPS"):  # lets the tests see a host without cgroups on purpose
        return []
    sweep_stale_cgroups()
    made = []
    for ctl, settings in (("pids", {"pids.max": str(limits.nproc)}),
                          ("memory", {"memory.limit_in_bytes": str(limits.memory_bytes + GiB),
                                      "memory.memsw.limit_in_bytes": str(limits.memory_bytes + GiB)})):
        d = CGROUP_V1 / ctl / name
        try:
            d.mkdir(exist_ok=True)
            for k, v in settings.items():
                if (d / k).exists():  # memsw exists only with swap accounting; the others must take
                    try:
                        (d / k).write_text(v)
                    except OSError:
                        if k != "memory.memsw.limit_in_bytes":
                            raise
            made.append(d)
        except OSError:
            remove_cgroups([d])
    return made


def has_process_limit(cgroups: list[Path]) -> bool:
    """Whether a slot's processes are counted: its pids cgroup, or RLIMIT_NPROC for a uid other than root."""
    return any(cg.parent.name == "pids" for cg in cgroups) or os.getuid() != 0


def flags(sandboxed: bool, cgroups: list[Path]) -> list[str]:
    """What every result of a slot must say about what its sandbox could not enforce."""
    return ([] if sandboxed else [NO_SANDBOX_FLAG]) + ([] if has_process_limit(cgroups) else [NO_PROCESS_LIMIT_FLAG])


def process_limit_available(limits: Limits | None = None) -> bool:
    """Whether this host gives a slot a process limit (made and removed again at once)."""
    groups = make_cgroups(f"autograder-{os.getpid()}-probe", limits or Limits())
    try:
        return has_process_limit(groups)
    finally:
        remove_cgroups(groups)


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (from /proc: parents, then their children)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    state, ppid = f.read().rsplit(")", 1)[1].split()[:2]
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
            if state != "Z":
                children.setdefault(int(ppid), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def remove_cgroups(groups: list[Path]) -> None:
    """Remove a slot's cgroups once its processes are gone (they can take a moment after bwrap dies)."""
    for _ in range(50):
        for d in list(groups):
            try:
                d.rmdir()
                groups.remove(d)
            except FileNotFoundError:
                groups.remove(d)
            except OSError:
                pass
        if not groups:
            return
        time.sleep(0.02)


def sweep_stale_cgroups() -> None:
    """Empty cgroups left by graders that were killed (named after their pid, which is gone)."""
    for ctl in ("pids", "memory"):
        for d in (CGROUP_V1 / ctl).glob("autograder-*-slot*"):
            pid = d.name.split("-")[1]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                try:
                    d.rmdir()
                except OSError:
                    pass


def child_limits(limits: Limits) -> None:
    """Applied in each learner process (forked from the warm worker) before any learner code."""
    def cap(which: int, value: int) -> None:
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))

    cap(resource.RLIMIT_AS, limits.memory_bytes)
    cap(resource.RLIMIT_FSIZE, limits.file_bytes)
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_NOFILE, 256)
    if os.getuid() != 0:  # root is exempt from RLIMIT_NPROC; the fallback as root relies on the budget
        cap(resource.RLIMIT_NPROC, limits.nproc)
