"""What the learner's process checks about itself between steps: no signal handlers, and namespaces as they were.

* :func:`forbid_signal_handlers`: a seccomp filter that refuses ``rt_sigaction`` with a new action,
  so no signal handler (which receives a frame without any audit event) can be installed after it,
  in the learner's process or any process it starts; x86_64 and aarch64 (elsewhere :func:`changes`
  still sees a handler when a cell ends). The SIGINT handler the zygote's timeout relies on is
  installed before.
* :class:`Baseline` / :func:`changes`: after every cell and after every question, the namespaces of
  the checking library, torch, numpy, math and builtins, ``torch.Tensor``'s and ``Parameter``'s
  methods, torch's mode stacks, the trace and profile functions and the signal handlers are compared
  with what they were before the first learner cell, by identity. After a question, a namespace is
  compared only if its dict's version tag moved: CPython 3.11 gives every dict a new tag whenever
  anything changes it through the interpreter (PEP 509), and the only ways around that (ctypes,
  ``/proc/self/mem``) are refused and reported by :mod:`.audit`. After a cell, every namespace is
  compared, tag or not. Elsewhere than CPython 3.11, every check compares everything. A changed or deleted name is
  reported, and so is a name added to the checking library other than a submodule imported since (a
  name added to torch or numpy is not a change: they add their own submodules lazily). The recorder's own
  code is sealed (:mod:`.seal`), so such a change cannot alter what it records; it is reported
  because nothing honest in a notebook makes one.
"""
from __future__ import annotations

import _signal
import sys
from itertools import repeat
from operator import is_
from types import MappingProxyType, ModuleType
from typing import Any

import torch

_MISSING = object()
# Names a library rebinds itself in honest use: importing torch._dynamo (as torch.optim's first step does) wraps
# torch.manual_seed; a Chinese chapter's setup cell (import autograder.checking.zh_CN) sets the language. Sealed code
# reads none of them through these live namespaces, and the judge writes feedback in the trusted notebook's language.
_REBOUND_BY_THEIR_LIBRARY = {"torch": frozenset({"manual_seed"}), "autograder.checking.i18n": frozenset({"_current"})}


def forbid_signal_handlers() -> bool:
    """Refuse ``rt_sigaction`` with a new action from now on, in this process and its children (seccomp)."""
    import ctypes
    import platform

    arch_nr = {"x86_64": (0xC000003E, 13), "aarch64": (0xC00000B7, 134)}.get(platform.machine())
    if arch_nr is None:
        return False
    arch, nr = arch_nr

    class Filter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Filter))]
    ld, jeq, ret = 0x20, 0x15, 0x06
    deny, allow = 0x00050000 | 1, 0x7FFF0000  # SECCOMP_RET_ERRNO | EPERM, SECCOMP_RET_ALLOW
    code = [(ld, 0, 0, 4), (jeq, 0, 6, arch),  # another ABI (32-bit syscalls): refused outright
            (ld, 0, 0, 0), (jeq, 0, 5, nr),
            (ld, 0, 0, 24), (jeq, 0, 2, 0),  # act (args[1]) low word
            (ld, 0, 0, 28), (jeq, 1, 0, 0),  # act high word: NULL means a query, allowed
            (ret, 0, 0, deny), (ret, 0, 0, allow)]
    insns = (Filter * len(code))(*[Filter(*c) for c in code])
    prog = Prog(len(code), insns)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return False
    return libc.prctl(22, 2, ctypes.byref(prog), 0, 0) == 0  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER


class Baseline:
    """Namespaces and hooks as they were before the first learner cell, compared by identity."""

    def __init__(self, spaces: dict[str, Any], closed: tuple[str, ...] = ("autograder",)):
        # a namespace under a ``closed`` prefix may not even gain a name; others may (a submodule imported later)
        self.spaces = []
        for name, d in spaces.items():
            keys = tuple(k for k in d.keys() if k not in _REBOUND_BY_THEIR_LIBRARY.get(name, ()))
            # a closed namespace is compared by its whole set of names (a rebound name is still not a new one)
            self.spaces.append((name, d, keys, tuple(d[k] for k in keys), frozenset(d.keys()) if name.startswith(closed) else None))
        self.signals = tuple((n, _signal.getsignal(n)) for n in range(1, _signal.NSIG) if _valid(n))
        # made before the audit hook is installed: reading a tag later is no ctypes call, and raises no event
        self.tags = _version_tags([d for _, d, *_ in self.spaces])
        self.clean = [tag.value for tag in self.tags] if self.tags else []  # the tag each space last compared clean at


def _version_tags(spaces: list) -> list | None:
    """A reader of each dict's PEP 509 version tag (behind a mappingproxy too), or None where this CPython's
    dict layout is not the one probed here (then every check compares every name)."""
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11):
        return None
    import ctypes

    def tag(d: dict) -> Any:
        return ctypes.c_uint64.from_address(id(d) + 24)  # PyDictObject: refcount, type, ma_used, ma_version_tag
    probe: dict = {}
    before, used = tag(probe).value, ctypes.c_ssize_t.from_address(id(probe) + 16)
    probe["set"] = 1
    if used.value != 1 or tag(probe).value == before:
        return None
    dicts = []
    for space in spaces:
        if type(space) is MappingProxyType:  # a type's namespace: the dict behind the proxy (its only field)
            space = ctypes.cast(ctypes.c_void_p.from_address(id(space) + 16).value, ctypes.py_object).value
        if type(space) is not dict:
            return None
        dicts.append(space)
    return [tag(d) for d in dicts]


def _valid(n: int) -> bool:
    try:
        _signal.getsignal(n)
        return True
    except (ValueError, OSError):
        return False


def changes(base: Baseline, full: bool = True) -> list[str]:
    """What learner code changed that the recorder or the judge's answers could depend on ([] if nothing).
    Unless ``full``, a namespace whose version tag has not moved since it last compared clean is not compared."""
    found = []
    for i, (name, d, keys, values, closed) in enumerate(base.spaces):
        if not full and base.tags and base.tags[i].value == base.clean[i]:
            continue
        tag = base.tags[i].value if base.tags else None
        if (closed is not None and _gained(name, d, closed)) or not all(map(is_, map(d.get, keys, repeat(_MISSING)), values)):
            found.append(f"{name} changed")
        elif base.tags:
            base.clean[i] = tag
    if torch._C._len_torch_function_stack() or torch._C._len_torch_dispatch_stack():
        found.append("a torch mode is active")
    if sys.gettrace() is not None or sys.getprofile() is not None:
        found.append("a trace or profile function is set")
    if any(_signal.getsignal(n) is not h for n, h in base.signals):
        found.append("a signal handler was installed")
    return found


def _gained(name: str, space: Any, old: frozenset) -> bool:
    """Whether a closed namespace gained a name other than one of its own submodules imported since."""
    return any(not (isinstance(v := space.get(k), ModuleType) and v.__name__ == f"{name}.{k}") for k in space.keys() - old)


def spaces_to_watch(modules: dict[str, Any]) -> dict[str, Any]:
    """The namespaces :class:`Baseline` watches: ``modules`` (name to module) plus torch's tensor types."""
    out = {name: vars(m) for name, m in modules.items()}
    out["torch.Tensor"] = vars(torch.Tensor)
    out["torch.nn.Parameter"] = vars(torch.nn.Parameter)
    return out
