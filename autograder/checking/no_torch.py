"""Run a learner's function with torch and numpy out of its reach: the "work it out yourself" exercises.

``call_without_torch`` is a :func:`~autograder.checking.exercise.step`: it calls a copy of the learner's
function whose globals hold no torch or numpy (no module, no tensor, no function imported from them),
whose ``import`` accepts only a few pure-Python modules, and whose own helper functions are copied the
same way. A function that reaches for torch gets a :class:`TorchNotAllowed` error saying what it used;
the error is the recorded answer, and the check (:mod:`autograder.checking.checks`) turns it into a
failure that says why. This catches the honest shortcut (``return torch.broadcast_shapes(a, b)``), not
a determined attacker: the verdict, as always, is the judge's, on what was recorded.
"""
from __future__ import annotations

import builtins
import copy
import functools
import sys
import types
from typing import Any

from .exercise import _Missing, step
from .i18n import _

ALLOWED_IMPORTS = frozenset({"math", "itertools", "functools", "operator", "collections", "typing", "fractions",
                             "numbers", "string", "re", "dataclasses", "copy", "__future__"})
_BLOCKED_ROOTS = ("torch", "numpy", "autograder")


class TorchNotAllowed(RuntimeError):
    """The learner's function used torch or numpy where the exercise asks for plain Python."""


def _blocked(obj: Any) -> str | None:
    """Why ``obj`` may not be handed to the function, or None."""
    if isinstance(obj, types.ModuleType):
        name = obj.__name__
    else:
        name = getattr(obj, "__module__", None) if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType)) \
            else type(obj).__module__
        if isinstance(obj, types.FunctionType) and obj.__module__ in ("__main__", None):
            return None  # the learner's own function: copied below, not blocked
    name = name or ""
    return name if name.split(".")[0] in _BLOCKED_ROOTS else None


def _guarded_import(subset: Any, name: str, globals: Any = None, locals: Any = None, fromlist: Any = (),
                    level: int = 0) -> Any:
    if subset is not None and name == "torch":
        return subset
    if level or name.split(".")[0] not in ALLOWED_IMPORTS:
        raise TorchNotAllowed(_("`import {name}`: only {allowed} can be imported here").format(
            name=name, allowed=", ".join(sorted(ALLOWED_IMPORTS - {"__future__"}))))
    return builtins.__import__(name, globals, locals, fromlist, level)


class TorchSubset(types.ModuleType):
    """``torch`` as an exercise allows it: its dtypes and the functions named in ``allowed``, nothing else."""

    def __init__(self, allowed: tuple[str, ...]):
        super().__init__("torch")
        import torch
        self.allowed = tuple(allowed)
        for key, val in vars(torch).items():
            if isinstance(val, torch.dtype) or key in allowed:
                setattr(self, key, val)

    def __getattr__(self, key: str) -> Any:
        raise TorchNotAllowed(_("torch.{name} is not available in this exercise; only torch's dtypes and {allowed}")
                              .format(name=key, allowed=", ".join(f"torch.{a}" for a in self.allowed)))


class _Globals(dict):
    """The copy's globals: the learner's names minus torch and numpy, their functions copied the same way."""

    def __init__(self, ns: dict, subset: TorchSubset | None):
        super().__init__()
        self.blocked: dict[str, str] = {}
        self["__builtins__"] = dict(vars(builtins), __import__=functools.partial(_guarded_import, subset))
        for key, val in ns.items():
            why = _blocked(val)
            if subset is not None and (val is sys.modules["torch"] or getattr(val, "__name__", None) in subset.allowed):
                self[key] = subset if val is sys.modules["torch"] else val
            elif why is not None:
                self.blocked[key] = why
            elif _learners(val, ns):
                self[key] = _rebind(val, self)
            elif key != "__builtins__":
                self[key] = val


def _learners(fn: Any, ns: dict) -> bool:
    """A function the learner wrote in this namespace (a notebook cell), as opposed to a library's."""
    return isinstance(fn, types.FunctionType) and (
        fn.__globals__ is ns or fn.__globals__.get("__name__") == ns.get("__name__"))


def _rebind(fn: types.FunctionType, g: dict) -> types.FunctionType:
    """``fn`` with globals ``g``; if it keeps torch in a closure or a default, a function that says so when called."""
    kept = [c.cell_contents for c in fn.__closure__ or () if _filled(c)]
    kept += list(fn.__defaults__ or ()) + list((fn.__kwdefaults__ or {}).values())
    why = next((_blocked(x) for x in kept if _blocked(x) is not None), None)
    if why is not None:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise TorchNotAllowed(_("`{name}` keeps something from {module} (in a default argument or a closure)")
                                  .format(name=fn.__name__, module=why))
        return refuse
    out = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)
    out.__kwdefaults__ = fn.__kwdefaults__
    return out


def _filled(cell: Any) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


@step
def call_without_torch(ns: dict, name: str, args: tuple, kwargs: dict, allowed: tuple[str, ...] = ()) -> Any:
    """``ns[name](*args, **kwargs)``, with torch and numpy out of the function's reach; with ``allowed``, the
    function's ``torch`` is a :class:`TorchSubset`: torch's dtypes and those functions only."""
    if name not in ns:
        return _Missing(name)
    fn = ns[name]
    if _blocked(fn) is not None:
        raise TorchNotAllowed(_("`{name}` is a function of {module}, not yours").format(name=name, module=_blocked(fn)))
    if not _learners(fn, ns):
        raise TorchNotAllowed(_("`{name}` must be a function you write with `def`").format(name=name))
    g = _Globals(ns, TorchSubset(allowed) if allowed else None)
    try:
        return _rebind(fn, g)(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    except NameError as exc:
        missing = getattr(exc, "name", None)
        if missing in g.blocked:
            raise TorchNotAllowed(_("it uses `{name}`, from {module}").format(name=missing, module=g.blocked[missing])) from None
        raise


def plain_call(L: Any, name: str, *args: Any, allowed: tuple[str, ...] = ()) -> Any:
    """In an exercise: the learner's ``name(*args)`` run by :func:`call_without_torch`, as a recorded answer."""
    return L.run(call_without_torch, name, args, {}, tuple(allowed))
