"""Chapter 09 saves the learner's engine as a module; chapter 10 imports it, or falls back and says why.

``save_engine()`` (chapter 09's last cell) writes ``mini_autograd.py`` beside the notebook: ``GradMode``,
the learner's module-level helpers (``unbroadcast`` and any function or constant their methods use),
every ``class Tensor(Tensor)`` cell's class in order, and ``no_grad``, from the source of the very
functions the kernel holds. Then it tests the saved module as a whole with chapter 09's engine checks.

``load_engine()`` (chapter 10's first cell) imports ``mini_autograd.py`` (this folder first, then
``../09_mini_autograd/``) and runs the same checks. When the file is missing, does not import or fails a
check, it says so and returns the torch adapter (:mod:`autograder.checking.torch_engine`), which holds no
chapter-09 answer, instead. While a notebook is graded, save_engine only saves and load_engine always returns the
adapter, so a chapter-10 grade never depends on an engine file.
"""
from __future__ import annotations

import importlib.util
import inspect
import itertools
import os
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

from .i18n import _

FILE = "mini_autograd.py"
HEADER = '''"""Your chapter-09 engine, saved by save_engine() in 09_mini_autograd.ipynb; chapter 10 imports it.

Generated from the cells you ran: edit those and run the last cell of chapter 09 again, not this file.
"""
import contextlib
import math
from contextlib import contextmanager

import numpy as np


class GradMode:
    """Whether ops record a graph; no_grad switches it off."""
    enabled = True
'''
_SKIP = {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__firstlineno__", "__static_attributes__"}
_SIMPLE = (type(None), bool, int, float, complex, str, bytes)
_counter = itertools.count()
_DELIMITERS = {"### BEGIN SOLUTION", "### END SOLUTION"}  # nbgrader's markers in the instructor's notebook


class NotSaved(Exception):
    """Part of the engine has no source to save (it was not defined in a notebook cell)."""


def _source(fn: Any) -> str:
    try:
        lines = inspect.getsource(fn).splitlines(keepends=True)
        return textwrap.dedent("".join(line for line in lines if line.strip() not in _DELIMITERS))
    except (OSError, TypeError):
        raise NotSaved(_("the source of `{name}` is not available: define it in a notebook cell and run that cell "
                         "again").format(name=getattr(fn, "__qualname__", fn))) from None


def _member(cls: type, name: str, value: Any) -> str:
    if isinstance(value, types.FunctionType):
        src = _source(value)
        if value.__name__ in (name, "<lambda>"):
            return src
        return f"{src}\n{name} = {value.__name__}\n" if vars(cls).get(value.__name__) is not value else f"{name} = {value.__name__}\n"
    if isinstance(value, property):
        return "\n".join(_source(f) for f in (value.fget, value.fset, value.fdel) if f is not None)
    if isinstance(value, (staticmethod, classmethod)):
        return _source(value.__func__)
    if isinstance(value, _SIMPLE) or (isinstance(value, tuple) and all(isinstance(v, _SIMPLE) for v in value)):
        return f"{name} = {value!r}\n"
    raise NotSaved(_("`Tensor.{name}` is a {kind}, which cannot be saved as source").format(name=name, kind=type(value).__name__))


def _class_source(cls: type, first: bool) -> str:
    body = [f'"""{cls.__doc__}"""\n'] if cls.__doc__ else []
    body += [_member(cls, k, v) for k, v in vars(cls).items() if k not in _SKIP]
    head = "class Tensor:\n" if first else "class Tensor(Tensor):\n"
    return head + textwrap.indent("\n".join(body) or "pass\n", "    ")


def _helpers(ns: dict, code_objects: list) -> list[str]:
    """Sources of the notebook's functions and simple constants that the engine's code names, transitively."""
    out, seen, todo = [], {"Tensor", "GradMode", "no_grad"}, list(code_objects)
    while todo:
        code = todo.pop()
        todo += [c for c in code.co_consts if isinstance(c, types.CodeType)]
        for name in code.co_names:
            value = ns.get(name)
            if name in seen or value is None:
                continue
            seen.add(name)
            if isinstance(value, types.FunctionType) and value.__globals__ is ns:  # defined in the notebook
                out.append(_source(value))
                todo.append(value.__code__)
            elif isinstance(value, _SIMPLE) and not name.startswith("__"):
                out.append(f"{name} = {value!r}\n")
    return out


def engine_source(ns: dict) -> str:
    """The module text of the engine in namespace ``ns`` (a notebook's globals)."""
    for name in ("Tensor", "no_grad", "GradMode"):
        if name not in ns:
            raise NotSaved(_("`{name}` is not defined: run the chapter's cells first").format(name=name))
    classes = [c for c in reversed(ns["Tensor"].__mro__) if c is not object]
    no_grad = getattr(ns["no_grad"], "__wrapped__", ns["no_grad"])
    codes = [f.__code__ for c in classes for v in vars(c).values()
             for f in ([v] if isinstance(v, types.FunctionType) else [getattr(v, a, None) for a in ("fget", "fset", "fdel", "__func__")])
             if isinstance(f, types.FunctionType)] + [no_grad.__code__]
    parts = [HEADER] + _helpers(ns, codes) + [_class_source(c, i == 0) for i, c in enumerate(classes)] + [_source(no_grad)]
    return "\n\n".join(p.rstrip("\n") + "\n" for p in parts)


def _import(path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(f"mini_autograd_{next(_counter)}", path)
    module = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ beside the learner's notebook
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return module


def _failures(module: types.ModuleType) -> list:
    from .exercises.ch09_mini_autograd import engine_failures  # the chapter-09 checks, the engine tested as a whole
    return engine_failures(vars(module))


def save_engine(path: str = FILE) -> None:
    """Save the engine defined in the calling notebook to ``path`` and test the saved module as a whole."""
    ns = sys._getframe(1).f_globals
    try:
        text = engine_source(ns)
    except NotSaved as why:
        print(_("Not saved: {why}.").format(why=why))
        return
    tmp = f"{path}.{os.getpid()}.tmp"
    Path(tmp).write_text(text)
    os.replace(tmp, path)  # whole or not at all: chapter 10 may be reading it
    print(_("Saved your engine to {path}: GradMode, {n} `class Tensor` cells and no_grad.").format(
        path=path, n=text.count("\nclass Tensor")))
    from .exercise import mode
    if mode() == "sandbox":
        return  # grading: the checks that count are the test cells above
    failing = _failures(_import(Path(path)))
    if failing:
        step, failure = failing[0]
        print(_("Saved as it is, but it fails chapter 09's check of step `ch09.{step}` (tested as a whole), so chapter 10 "
                "will not train it:\n{failure}").format(step=step, failure=str(failure).splitlines()[0]))
    else:
        print(_("It passes chapter 09's engine checks as a whole: chapter 10 will train it."))


def load_engine(folder: str = "../09_mini_autograd") -> tuple[Any, Any, str]:
    """``(Tensor, no_grad, which)``: the learner's saved engine when it passes chapter 09's checks, else the torch adapter."""
    from .exercise import mode
    found = next((p for p in (Path(FILE), Path(folder) / FILE) if p.exists()), None)
    if mode() == "sandbox":  # grading: chapter 10 is graded on the adapter, whatever engine lies beside the notebook
        found, reason = None, _("this notebook is being graded, and grading never depends on chapter 09")
    elif found is None:
        reason = _("{path} was not found (run the last cell of chapter 09 to save your engine)").format(path=Path(folder) / FILE)
    else:
        try:
            module = _import(found)
            failing = _failures(module)
        except Exception as exc:  # the learner's module: any error is a reason to fall back, not a crash
            reason = _("{path} does not import: {error}").format(path=found, error=f"{type(exc).__name__}: {exc}")
        else:
            if not failing:
                print(_("Training your own engine: {path} (it passes chapter 09's engine checks).").format(path=found))
                return module.Tensor, module.no_grad, _("your engine")
            reason = _("{path} fails chapter 09's check of step `ch09.{step}`").format(path=found, step=failing[0][0])
    from . import torch_engine
    print(_("Not training your engine: {reason}. Falling back to the course's torch adapter (the same Tensor API, "
            "computed by torch.autograd): the training and the plots below use it.").format(reason=reason))
    return torch_engine.Tensor, torch_engine.no_grad, _("the torch adapter")
