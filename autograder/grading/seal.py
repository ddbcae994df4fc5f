"""Sealed copies of the code that runs in the learner's process on the grader's behalf.

The recorder, the steps it runs and the freezing they use live in ordinary modules, which learner
code can reach and patch (``setattr(getattr(autograder, "checking"), ...)``, ``vars(m).update``,
aliases, ``sys.modules``). So the zygote makes private copies before any learner code exists:
:func:`seal` re-creates every function and class defined in the given modules on a private copy
of its module's globals, in which

* names of other sealed modules, and of their functions and classes, point to the copies;
* every other module but ``sys`` is a snapshot (a new module object holding a copy of that module's
  namespace as it was), so ``np.array`` or ``json.loads`` stay the functions they were even if
  learner code later assigns ``numpy.array = ...`` (what sealed code itself assigns there reaches the
  real module too);
* mutable containers (dicts, lists, sets) are copied, so ``graphs.BINARY["add"] = ...`` reaches
  only the public one; defaults and closure cells are copied the same way;
* the builtins are a private copy too, so ``builtins.isinstance = ...`` changes nothing sealed.

Nothing refers to a copy except the zygote and what it hands the learner's process: learner code
reaches a sealed object only through a frame or the garbage collector, both of which the audit
hook reports (:mod:`autograder.grading.audit`). What sealing does not freeze: attributes of
classes outside the sealed modules (``torch.Tensor.clone = ...``); the integrity checks watch
those.
"""
from __future__ import annotations

import builtins
import types
from typing import Any, Iterable

from ..checking.no_torch import _filled  # a closure cell that holds a value

_LIVE = {"sys"}  # the interpreter's own state: sealed code sets sys.stdout, reads sys.modules, as they are


class _Snapshot(types.ModuleType):
    """A module's namespace as it was when sealed. Sealed code reads names from it; what sealed code itself
    assigns or deletes (a step blocking ``torch.reshape`` while a learner's function runs) goes to the real
    module too, so that the learner's code sees it, as it would outside grading."""

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.__dict__["_Snapshot__of"], name, value)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self.__dict__["_Snapshot__of"], name)
        object.__delattr__(self, name)


class _Sealer:
    def __init__(self, modules: Iterable[types.ModuleType], overrides: dict[tuple[str, str], Any]):
        self.modules = {id(m): m for m in modules}
        self.copies: dict[int, Any] = {}
        self.snapshots: dict[int, types.ModuleType] = {}
        self.pending: list[tuple[types.FunctionType, types.FunctionType]] = []  # (copy, original)
        self.overrides = overrides
        for m in self.modules.values():
            self.copies[id(m)] = types.ModuleType(m.__name__, m.__doc__)
            # before any function is made on it: a function takes its builtins from its globals when created
            self.copies[id(m)].__dict__["__builtins__"] = self._builtins(vars(m).get("__builtins__", builtins))
        self.by_globals = {id(vars(m)): self.copies[id(m)].__dict__ for m in self.modules.values()}

    def owned(self, obj: Any, m: types.ModuleType) -> bool:
        if isinstance(obj, type):  # exceptions keep their identity, so `except` clauses mean the same everywhere
            return obj.__module__ == m.__name__ and not issubclass(obj, BaseException)
        return isinstance(obj, types.FunctionType) and obj.__globals__ is vars(m)

    def run(self) -> dict[str, types.ModuleType]:
        # Every function and class gets its copy first, so that references between them can then be mapped.
        for m in self.modules.values():
            g = self.copies[id(m)].__dict__
            for obj in list(vars(m).values()):
                if id(obj) not in self.copies and self.owned(obj, m):
                    self.copies[id(obj)] = self._function(obj, g) if isinstance(obj, types.FunctionType) else \
                        self._class(obj, vars(m), g)
        for m in self.modules.values():
            g = self.copies[id(m)].__dict__
            for key, value in vars(m).items():
                if key == "__builtins__":
                    continue
                g[key] = self.overrides[(m.__name__, key)] if (m.__name__, key) in self.overrides else self.sub(value)
        while self.pending:  # defaults and closures last: they may name anything sealed
            copy, original = self.pending.pop()
            copy.__defaults__ = self.sub(original.__defaults__) if original.__defaults__ else None
            copy.__kwdefaults__ = self.sub(original.__kwdefaults__) if original.__kwdefaults__ else None
            for new, old in zip(copy.__closure__ or (), original.__closure__ or ()):
                if _filled(old):
                    new.cell_contents = self.sub(old.cell_contents)
        return {m.__name__: self.copies[id(m)] for m in self.modules.values()}

    def sub(self, value: Any) -> Any:
        """``value`` as sealed code must see it."""
        if id(value) in self.copies:
            return self.copies[id(value)]
        if isinstance(value, types.FunctionType) and id(value.__globals__) in self.by_globals:
            # a function of a sealed module met elsewhere (in a closure, a default, a container): sealed too
            self.copies[id(value)] = self._function(value, self.by_globals[id(value.__globals__)])
            return self.copies[id(value)]
        if isinstance(value, types.ModuleType):
            return value if value.__name__ in _LIVE else self._snapshot(value)
        if type(value) is dict:
            return {k: self.sub(v) for k, v in value.items()}
        if type(value) in (list, set, tuple, frozenset):
            return type(value)(self.sub(v) for v in value)
        return value

    def _builtins(self, b: Any) -> dict:
        """One private copy of the builtins namespace, shared by every sealed module."""
        space = vars(b) if isinstance(b, types.ModuleType) else b
        if id(space) not in self.copies:
            self.copies[id(space)] = dict(space)
        return self.copies[id(space)]

    def _snapshot(self, m: types.ModuleType) -> types.ModuleType:
        if id(m) not in self.snapshots:
            snap = _Snapshot(m.__name__, getattr(m, "__doc__", None))
            snap.__dict__.update(vars(m))
            object.__setattr__(snap, "_Snapshot__of", m)
            self.snapshots[id(m)] = snap
        return self.snapshots[id(m)]

    def _function(self, fn: types.FunctionType, g: dict) -> types.FunctionType:
        cells = tuple(types.CellType() for _ in fn.__closure__) if fn.__closure__ else None
        out = types.FunctionType(fn.__code__, g, fn.__name__, None, cells)
        out.__qualname__, out.__module__, out.__doc__ = fn.__qualname__, fn.__module__, fn.__doc__
        out.__dict__.update(fn.__dict__)
        self.pending.append((out, fn))
        return out

    def _class(self, cls: type, public: dict, g: dict) -> type:
        slots = vars(cls).get("__slots__", ())
        slots = (slots,) if isinstance(slots, str) else tuple(slots)
        ns: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
        if "__slots__" in vars(cls):
            ns["__slots__"] = slots
        bases = tuple(self.copies.get(id(b), b) for b in cls.__bases__)
        shell = type(cls)(cls.__name__, bases, ns)
        self.copies[id(cls)] = shell
        for key, value in vars(cls).items():
            if key in ("__dict__", "__weakref__", "__module__", "__qualname__", "__slots__") or key in slots:
                continue
            setattr(shell, key, self._member(value, public, g))
        return shell

    def _member(self, value: Any, public: dict, g: dict) -> Any:
        """A class member, its functions re-created on the copy's globals if they were written in the module."""
        if isinstance(value, types.FunctionType):
            return self._function(value, g) if value.__globals__ is public else value
        if isinstance(value, (staticmethod, classmethod)):
            return type(value)(self._member(value.__func__, public, g))
        if isinstance(value, property):
            return property(*(None if f is None else self._member(f, public, g) for f in (value.fget, value.fset, value.fdel)),
                            value.__doc__)
        return self.sub(value)


def seal(modules: Iterable[types.ModuleType], overrides: dict[tuple[str, str], Any] | None = None) -> dict[str, types.ModuleType]:
    """Private copies of ``modules`` (by name), built as the module docstring says.

    ``overrides[(module, name)]`` replaces a name in a copy (e.g. a function that would load grader
    code from disk, replaced by one that returns the zygote's private copy)."""
    return _Sealer(list(modules), overrides or {}).run()
