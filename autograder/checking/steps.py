"""Which Tensor class a chapter-09 step is tested on: one step on top of the reference, or the learner's whole engine.

* **Per step** (grading, and any environment where the course's reference engine is installed):
  :func:`hybrid` makes a Tensor class from the reference engine with only that step's methods taken from
  the learner, so a mistake in one step costs points in that step only.
* **As a whole** (a student's environment, which holds no reference engine, and chapter 10's check of a
  saved engine): the learner's own ``Tensor``. A mistake in an early step may then make a later step's
  test fail too; :func:`first_failing_step` finds the earliest step to fix, for the message.

The learner builds the class cell by cell, ``class Tensor(Tensor): ...``: each cell subclasses the class so
far, adds a step's methods and takes over the name. ``STEPS`` lists each step's methods, in chapter order.
"""
from __future__ import annotations

import contextlib
import inspect
import types
from typing import Any, Iterator

from . import graphs  # graphs.reference_engine, looked up on each call: grading swaps in its sealed engine there
from .i18n import _

STEPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # step: (methods, module-level names)
    "tensor": (("__init__", "shape"), ()),
    "mul": (("__mul__", "__rmul__"), ()),
    "topo": (("topological_order",), ()),
    "backward": (("backward",), ()),
    "unary": (("exp", "log", "tanh", "relu"), ()),
    "arith": (("__pow__", "__neg__", "__sub__", "__truediv__", "__rsub__", "__rtruediv__"), ()),
    "sum_mean": (("sum", "mean"), ()),
    "shapes": (("reshape", "transpose", "T"), ()),
    "matmul": (("__matmul__", "__rmatmul__"), ()),
    "detach_no_grad": (("detach",), ("no_grad",)),
}
_SKIP = {"__dict__", "__weakref__", "__module__", "__qualname__", "__doc__", "__firstlineno__", "__static_attributes__"}
_WHOLE: list[bool] = [False]


@contextlib.contextmanager
def as_a_whole() -> Iterator[None]:
    """Test the learner's own Tensor as a whole inside the block, even where the reference engine is installed."""
    saved, _WHOLE[0] = _WHOLE[0], True
    try:
        yield
    finally:
        _WHOLE[0] = saved


def whole() -> bool:
    """Whether steps are tested on the learner's whole engine (no reference engine here, or :func:`as_a_whole`)."""
    return _WHOLE[0] or graphs.reference_engine() is None


def engine_class(ns: dict, step: str) -> type:
    """The Tensor class that ``step``'s test runs on."""
    if "Tensor" not in ns:
        raise NameError(_("Tensor is not defined: run the cell of the Tensor class (exercise 2) first."))
    return ns["Tensor"] if whole() else hybrid(ns, step)


def grad_mode(ns: dict) -> Any:
    """The notebook's GradMode: the switch the learner's Tensor reads and their no_grad flips."""
    mode = ns.get("GradMode")
    if mode is None:
        if whole():
            raise NameError(_("GradMode is not defined: run the chapter's first code cell."))
        mode = graphs.reference_engine().GradMode
    return mode


def with_grad_mode_restored(ns: dict, fn, *args):
    """Run fn; whatever the learner's no_grad did, leave the notebook's grad mode as it was."""
    mode = grad_mode(ns)
    saved = mode.enabled
    try:
        return fn(*args)
    finally:
        mode.enabled = saved


def _rebind(attr: Any, g: dict) -> Any:
    """The same code, reading its globals (Tensor, unbroadcast, ...) from ``g``."""
    if isinstance(attr, types.FunctionType):
        f = types.FunctionType(attr.__code__, g, attr.__name__, attr.__defaults__, attr.__closure__)
        f.__kwdefaults__, f.__qualname__ = attr.__kwdefaults__, attr.__qualname__
        return f
    if isinstance(attr, property):
        return property(*(None if x is None else _rebind(x, g) for x in (attr.fget, attr.fset, attr.fdel)))
    if isinstance(attr, (staticmethod, classmethod)):
        return type(attr)(_rebind(attr.__func__, g))
    return attr


def hybrid(ns: dict, step: str) -> type:
    """A Tensor class: the reference engine, with ``step``'s methods and helpers taken from the learner."""
    learner_cls = ns["Tensor"]
    engine = graphs.reference_engine()
    methods, names = STEPS[step]
    H = type("Tensor", (), {})
    mode = ns.get("GradMode", engine.GradMode)  # the notebook's switch, the one the learner's no_grad flips
    g_ref = {**vars(engine), "Tensor": H, "GradMode": mode}
    g_ln = dict(ns)
    for k, v in ns.items():  # learner helpers must build H tensors too
        if isinstance(v, types.FunctionType) and v.__globals__ is ns:
            g_ln[k] = _rebind(v, g_ln)
    for step_name, (_m, helpers) in STEPS.items():
        for h in helpers if step_name != step else ():
            g_ln[h] = _rebind(getattr(engine, h), g_ref)  # other steps' helpers: the reference's
    g_ln.update(Tensor=H, GradMode=mode)
    mine = {}
    if step == "tensor":
        base = learner_cls.__mro__[-2]  # the first Tensor cell's class: the root of the `class Tensor(Tensor)` chain
        mine = {k: v for k, v in vars(base).items() if k not in _SKIP and (k in methods or k not in vars(engine.Tensor) or k == "is_leaf")}
        if "__init__" not in mine:
            raise AttributeError(_("your first Tensor class has no __init__ yet."))
        drop = set(methods) | {"is_leaf"}
    else:
        for cls in reversed(learner_cls.__mro__[:-1]):  # the learner's own helper methods, whatever step added them
            mine.update({k: v for k, v in vars(cls).items() if k not in _SKIP and k not in vars(engine.Tensor)})
        for m in methods:
            try:
                mine[m] = inspect.getattr_static(learner_cls, m)
            except AttributeError:
                raise AttributeError(_("your Tensor has no `{method}` yet: run the cell of this step "
                                       "(`class Tensor(Tensor): ...`) first.").format(method=m)) from None
        drop = set(methods)
    for k, v in vars(engine.Tensor).items():
        if k not in _SKIP and k not in drop:
            setattr(H, k, _rebind(v, g_ref))
    for k, v in mine.items():
        setattr(H, k, _rebind(v, g_ln))
    for h in names:
        if h not in ns:
            raise NameError(_("`{name}` is not defined yet: run the cell of this step first.").format(name=h))
        g_ref[h] = g_ln[h]  # the reference ops use the learner's helper of this step too
    return H


def first_failing_step(ns: dict, step: str, run_visible) -> tuple[str, Exception] | None:
    """The earliest step before ``step`` whose visible test fails on ``ns`` (``run_visible(step)`` raises), or None."""
    for earlier in list(STEPS)[:list(STEPS).index(step)]:
        try:
            run_visible(earlier)
        except AssertionError as failure:
            return earlier, failure
    return None
