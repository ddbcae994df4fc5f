"""What the learner's process reports about itself: an audit hook, integrity checks, and no signal handlers.

Learner code shares its process with the recorder. It cannot change what the recorder does by
patching names (the recorder is sealed, :mod:`.seal`), so the remaining routes go *around* names:
frames, the garbage collector, ctypes, trace functions, grader modules loaded again, memory read
through ``/proc``. Three things see them, all installed before the first learner cell:

* :func:`make_hook`: a ``sys.addaudithook`` hook (it cannot be removed) that reports each such event
  through the sealed channel the moment it happens, before the operation returns, attributed to the
  code that caused it: events raised by course code, or by a few standard-library functions that
  never hand the frame they read to their caller (``collections.namedtuple``, ``typing``, ``enum``,
  ``logging``), are not the learner's. The most dangerous routes (the garbage collector's object
  lists, ctypes, trace functions, another audit hook, grader modules, ``/proc`` memory and file
  descriptors) are refused as well as reported. A report that cannot be delivered safely (the
  channel's fd was replaced, or another thread is running) ends the process with :data:`TAMPERED`.
  Measured on Python 3.11: reading ``f_back``, ``f_globals``, ``f_locals``, ``__globals__``,
  ``__closure__`` or assigning ``cell_contents`` raises no event, but each needs a frame or a sealed
  function first, and getting either does.
* :func:`forbid_signal_handlers`: a seccomp filter that refuses ``rt_sigaction`` with a new action,
  so no signal handler (which receives a frame without any audit event) can be installed after it;
  x86_64 and aarch64 (elsewhere :func:`changes` still sees a new handler when a cell ends).
* :class:`Baseline` / :func:`changes`: after every cell and around every question, the namespaces of
  the checking library, torch, numpy, math and builtins, ``torch.Tensor``'s methods, torch's mode
  stacks, the trace and profile functions and the signal handlers are compared with what they were
  (by identity): a changed or deleted name is reported.
"""
from __future__ import annotations

import _signal
import _thread
import os
import sys
from itertools import repeat
from operator import is_
from typing import Any, Callable

import torch

TAMPERED = 87  # exit status of a learner's process that could not report tampering safely
_MISSING = object()

# Events refused as well as reported: nothing honest in a notebook needs them.
_REFUSED = frozenset({"gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames", "sys.settrace",
                      "sys.setprofile", "sys.addaudithook"})
_FRAMES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})
_FUNC_INTERNALS = frozenset({"__code__", "__defaults__", "__kwdefaults__"})
_WATCHED = _REFUSED | {"sys._getframe", "object.__getattr__", "object.__setattr__", "import", "open", "exec",
                       "compile", "code.__new__", "function.__new__", "marshal.loads"}
_PROC_OK = ("/proc/meminfo", "/proc/cpuinfo", "/proc/stat", "/proc/self/stat", "/proc/self/status",
            "/proc/self/cgroup", "/proc/self/mountinfo")
_PROC_OK_ANYWHERE = ("/sys/", "/proc/sys/")
_WALKERS = frozenset({"walk_tb", "walk_stack", "_walk_tb_with_full_positions"})  # traceback.py's frame generators


def _grader_name(name: Any) -> bool:
    return type(name) is str and (name == "autograder.grading" or name.startswith(("autograder.grading.",
                                                                                   "autograder.tools")))


def make_hook(report: Callable[[str, str], None], guard: Callable[[], None], course: dict[int, Any],
              course_dir: str, grader_dirs: tuple[str, ...], trusted_cell: Callable[[], bool]) -> Callable:
    """The audit hook: ``report(kind, detail)`` for each event learner code causes on a watched route.

    ``guard()`` runs before each report and ends the process if the report could not be trusted to
    arrive. ``course`` holds the code objects of course code (:func:`code_objects`); ``grader_dirs``
    are the directories only the grader may load code from. Code is recognised by identity, so code
    compiled under a course file's name is still the learner's. ``trusted_cell()`` says whether the cell
    running now is a locked cell with the course's own source: its top-level code may import grader modules."""
    import inspect
    import linecache
    import logging
    import sysconfig
    import tokenize
    import traceback

    inside: set = set()
    getframe, ident, realpath, fspath = sys._getframe, _thread.get_ident, os.path.realpath, os.fspath
    trusted = {**course, **code_objects([_harmless_functions()])}
    walkers = [traceback.walk_tb, traceback.walk_stack, traceback._walk_tb_with_full_positions]
    text = {k: v for k, v in code_objects([traceback]).items() if k not in code_objects([walkers])}
    leaky = code_objects([walkers, [inspect.currentframe, inspect.stack, inspect.trace, inspect.getouterframes,
                                    inspect.getinnerframes, logging.currentframe]])
    reading = code_objects([linecache, tokenize])
    from IPython.core.interactiveshell import InteractiveShell
    cell_runner = InteractiveShell.run_code.__code__  # a cell's top-level code is exec-ed by this frame

    def cell_itself(f: Any) -> bool:
        """Whether ``f`` is the top-level code of the cell running now (not a function defined earlier)."""
        back = f.f_back
        while back is not None and back.f_code.co_filename.startswith("<frozen importlib"):
            back = back.f_back  # an import statement's own machinery
        return f.f_code.co_name == "<module>" and back is not None and back.f_code is cell_runner
    library = tuple({realpath(sysconfig.get_paths()[k]) + "/" for k in ("stdlib", "platstdlib", "purelib", "platlib")}) + ("<frozen ",)

    def known(table: dict, f: Any) -> bool:
        return table.get(id(f.f_code)) is f.f_code

    def lib(f: Any) -> bool:
        name = f.f_code.co_filename
        return type(name) is str and name.startswith(library)

    def innocent(f: Any) -> bool:
        """Whether the event raised in frame ``f`` is not the learner's doing: course code raised it, or a library
        function that keeps nothing of the frame it reads (names, text), or any library code called by library
        code, once the helpers that hand frames out (``inspect.stack``...) are passed to whoever asked them."""
        if known(trusted, f) or known(text, f):
            return True
        while f is not None and lib(f) and known(leaky, f):
            f = f.f_back
        if f is None or not lib(f):
            return f is not None and (known(trusted, f) or known(text, f))
        back = f.f_back
        return back is not None and (lib(back) or known(trusted, back))

    def grader_path(path: Any) -> bool:
        return type(path) is str and realpath(path).startswith(grader_dirs)

    def finding(event: str, args: tuple) -> tuple[str, str, bool, str] | None:
        """(kind, detail, refuse, whose) for a watched event, or None when it is not a finding. ``whose`` says how
        to tell course code's events from the learner's: 'caller', 'reader' (linecache reading a source file for
        a traceback: refused, quietly) or 'anyone' (always the learner's)."""
        if event in _REFUSED:
            return "tampering", event, True, "anyone"
        if event.startswith("ctypes."):
            return "tampering", "ctypes", True, "anyone"
        if event == "sys._getframe":
            return "tampering", "frame access (sys._getframe)", False, "caller"
        if event == "object.__getattr__" and len(args) == 2:
            obj, name = args
            if name in _FRAMES:
                return "tampering", f"frame access (.{name})", False, "caller"
            if name == "__code__" and _grader_name(getattr(obj, "__module__", None)):
                return "grader-import", f"code of {obj.__module__}", True, "caller"
            return None
        if event == "object.__setattr__" and len(args) >= 2 and args[1] in _FUNC_INTERNALS:
            mod = getattr(args[0], "__module__", None)
            if type(mod) is str and mod.startswith("autograder"):
                return "tampering", f"{args[1]} of {mod}", True, "caller"
            return None
        if event == "import" and args and _grader_name(args[0]):
            return "grader-import", args[0], True, "anyone"
        if event == "open" and args:
            path = fspath(args[0]) if isinstance(args[0], (str, os.PathLike)) else args[0]
            if type(path) is not str:
                return None
            if grader_path(path):
                return "grader-import", f"opened {path}", True, "reader"
            real = realpath(path)
            if (real.startswith("/proc/") or path.startswith(("/proc/", "/dev/fd"))) and \
                    real not in _PROC_OK and not real.startswith(_PROC_OK_ANYWHERE):
                return "tampering", f"opened {path}", True, "anyone"
            return None
        if event in ("exec", "function.__new__") and args and type(getattr(args[0], "co_filename", None)) is str:
            code = args[0]
            if grader_path(code.co_filename):
                return "grader-import", f"ran code of {code.co_filename}", True, "anyone" if event == "exec" else "caller"
            if event == "function.__new__" and trusted.get(id(code)) is code:
                return "tampering", "course code re-created with other globals", False, "caller"
            return None
        if event in ("compile", "code.__new__") and len(args) >= 2 and type(args[1]) is str and \
                args[1].startswith(library + (course_dir,)):  # code claiming to be a library's or the course's
            return "tampering", f"code compiled as {args[1]}", True, "caller"
        if event == "marshal.loads":  # code objects from bytes: the import system's own business
            return "tampering", "marshal.loads", True, "caller"
        return None

    def hook(event: str, args: tuple) -> None:
        if event not in _WATCHED and not event.startswith("ctypes."):
            return
        me = ident()
        if me in inside:  # the hook's own frame lookups raise events too
            return
        inside.add(me)
        try:
            found = finding(event, args)
            if found is None:
                return
            kind, detail, refuse, whose = found
            caller = getframe(1)
            if kind == "grader-import" and trusted_cell() and cell_itself(_importer(caller)):
                return
            quiet = innocent(caller) if whose == "caller" else known(reading, caller) if whose == "reader" else False
            if not quiet:
                guard()
                report(kind, detail + (_stack(caller) if os.environ.get("AUTOGRADER_AUDIT_DEBUG") else ""))
        finally:
            inside.discard(me)
        if refuse and not (quiet and whose == "caller"):
            raise PermissionError(f"{event}: not allowed while grading (reported to your instructor)")
    return hook


def code_objects(roots: list) -> dict[int, Any]:
    """Every code object of the functions and classes in ``roots`` (modules, or lists of functions), nested ones
    included, by id (their objects kept alive with them, so an id cannot be reused)."""
    import types
    out: dict[int, Any] = {}
    seen: set[int] = set()

    def code(c: Any) -> None:
        if id(c) not in out:
            out[id(c)] = c
            for k in c.co_consts:
                if isinstance(k, types.CodeType):
                    code(k)

    def visit(obj: Any, depth: int = 0) -> None:
        if id(obj) in seen or depth > 3:
            return
        seen.add(id(obj))
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
        if isinstance(obj, types.FunctionType):
            code(obj.__code__)
        elif isinstance(obj, property):
            for f in (obj.fget, obj.fset, obj.fdel):
                visit(f, depth)
        elif isinstance(obj, type):
            for v in list(vars(obj).values()):
                visit(v, depth + 1)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                visit(v, depth)
        elif isinstance(obj, types.ModuleType):
            for v in list(vars(obj).values()):
                if isinstance(v, (types.FunctionType, type)) and getattr(v, "__module__", None) == obj.__name__:
                    visit(v, depth + 1)
    for root in roots:
        visit(root)
    return out


def _importer(f: Any) -> Any:
    """The frame an import statement ran in, past the import system's own frames."""
    while f is not None and f.f_code.co_filename.startswith("<frozen importlib") and f.f_back is not None:
        f = f.f_back
    return f


def _stack(f: Any) -> str:
    out = []
    while f is not None and len(out) < 8:
        out.append(f"{f.f_code.co_filename.rsplit('/', 2)[-1]}:{f.f_code.co_name}")
        f = f.f_back
    return f" [{' < '.join(out)}]"


def _harmless_functions() -> list:
    """Library functions that read a frame and keep nothing of it but names (a module's, a caller's)."""
    import collections
    import enum
    import logging
    import typing
    return [collections.namedtuple, typing._caller, typing.NamedTuple, typing._namedtuple_mro_entries,
            typing.NamedTupleMeta.__new__, enum.EnumType.__new__, enum.EnumType._create_, enum.EnumType._convert_,
            logging.Logger.findCaller]


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

    def __init__(self, spaces: dict[str, Any]):
        self.spaces = [(name, d, tuple(d.keys()), tuple(d.values())) for name, d in spaces.items()]
        self.signals = tuple((n, _signal.getsignal(n)) for n in range(1, _signal.NSIG) if _valid(n))


def _valid(n: int) -> bool:
    try:
        _signal.getsignal(n)
        return True
    except (ValueError, OSError):
        return False


def changes(base: Baseline) -> list[str]:
    """What learner code changed that the recorder or the judge's answers could depend on ([] if nothing)."""
    found = [f"{name} changed" for name, d, keys, values in base.spaces
             if not all(map(is_, map(d.get, keys, repeat(_MISSING)), values))]
    if torch._C._len_torch_function_stack() or torch._C._len_torch_dispatch_stack():
        found.append("a torch mode is active")
    if sys.gettrace() is not None or sys.getprofile() is not None:
        found.append("a trace or profile function is set")
    if any(_signal.getsignal(n) is not h for n, h in base.signals):
        found.append("a signal handler was installed")
    return found


def spaces_to_watch(modules: dict[str, Any]) -> dict[str, Any]:
    """The namespaces :class:`Baseline` watches: ``modules`` (name to module) plus torch's tensor types."""
    out = {name: vars(m) for name, m in modules.items()}
    out["torch.Tensor"] = vars(torch.Tensor)
    out["torch.nn.Parameter"] = vars(torch.nn.Parameter)
    return out
