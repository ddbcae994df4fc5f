"""What the learner's process reports about itself, the moment it happens: an audit hook.

Learner code shares its process with the recorder. It cannot change what the recorder does by
patching names (the recorder is sealed, :mod:`.seal`), so what is left goes *around* names: frames,
the garbage collector, ctypes, trace functions, grader modules loaded again, memory read through
``/proc``. :func:`make_hook` returns a ``sys.addaudithook`` hook (it cannot be removed) that reports
each such event through the sealed channel before the operation returns:

* **refused and reported**: the garbage collector's object lists, ``sys._current_frames``, ctypes,
  trace and profile functions, another audit hook, ``marshal.loads``, opening ``/proc`` files other
  than a few harmless ones (memory, maps and file descriptors included) or ``/dev/fd``, importing a
  grader module or loading or running grader code (``grader-import``), setting ``__code__`` or
  defaults of course functions, compiling code under a library's or the course's file name;
* **reported**: taking a frame (``sys._getframe``, ``tb_frame``, ``gi_frame``, ...), re-creating course
  code with other globals. A frame is the way to the recorder's locals, and so to the channel's key;
  signal handlers, which get a frame without any event, cannot be installed (:mod:`.integrity`).

An event counts against the learner unless the code that raised it is course code (recognised by
identity of its code objects, so code compiled under a course file's name is still the learner's), a
library function that keeps only names or text from the frame it reads (``collections.namedtuple``,
``typing``, ``enum``, ``logging``'s ``findCaller``, everything in ``traceback`` but its frame walkers),
or library code called by library code, once the helpers that hand frames out (``inspect.stack``,
``inspect.currentframe``, ``traceback.walk_stack``...) are passed back to whoever called them. A report
that cannot be delivered safely (the channel's fd was replaced, or another thread runs that could
replace it) ends the process with :data:`TAMPERED`, which the zygote flags.

Measured on Python 3.11: reading ``f_back``, ``f_globals``, ``f_locals``, ``__globals__``, ``__closure__``
or assigning ``cell_contents`` raises no audit event, but each needs a frame or a sealed function first.
"""
from __future__ import annotations

import _thread
import os
import sys
from typing import Any, Callable

TAMPERED = 87  # exit status of a learner's process that could not report tampering safely

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
    debug = bool(os.environ.get("AUTOGRADER_AUDIT_DEBUG"))  # each report names the stack it came from
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

    def shown(path: str) -> str:
        """A grader file as a flag names it: from the package's folder on, a cached module as its source."""
        real = realpath(path)
        top = os.path.dirname(course_dir.rstrip("/")) + "/"
        if real.startswith(top):
            real = real[len(top):]
        head, cached, name = real.rpartition("/__pycache__/")
        return f"{head}/{name.split('.')[0]}.py" if cached else real

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
                return "grader-import", f"opened {shown(path)}", True, "reader"
            real = realpath(path)
            if (real.startswith("/proc/") or path.startswith(("/proc/", "/dev/fd"))) and \
                    real not in _PROC_OK and not real.startswith(_PROC_OK_ANYWHERE):
                return "tampering", f"opened {path}", True, "anyone"
            return None
        if event in ("exec", "function.__new__") and args and type(getattr(args[0], "co_filename", None)) is str:
            code = args[0]
            if grader_path(code.co_filename):
                return "grader-import", f"ran code of {shown(code.co_filename)}", True, "anyone" if event == "exec" else "caller"
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
                report(kind, detail + (_stack(caller) if debug else ""))
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
