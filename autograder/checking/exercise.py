"""Exercises, the learner's side of them, and the three modes a check runs in.

An exercise is a function ``fn(L, R, hidden)`` registered with :func:`exercise`.
It reaches the learner's work only through ``L`` (a :class:`Learner`), which hands
back frozen :class:`~autograder.checking.answers.Answer` data; it computes what torch does
itself, with inputs drawn from ``R`` (a seeded :class:`Rand`); and it compares the
two with :mod:`autograder.checking.checks`.

A test cell in a chapter calls ``check("ch01.arange")`` (visible, fixed examples),
and in its hidden part ``check("ch01.arange", hidden=True)`` (random inputs).
The same exercise runs in one of three modes, told apart by where a :class:`Learner`'s
answers come from:

* **interactive** (a student's own JupyterLab, nbval): ``Learner(ns=...)`` runs each step
  against the live namespace, and the checks compare in the same kernel;
* **plan** (the trusted grading process, before the sandbox runs): ``Learner(source=...)``
  only collects the questions (which step, which arguments); every check is a no-op and each
  answer is *pending*. The sandbox is sent those questions, never the exercise;
* **replay** (the trusted judge, afterwards): ``Learner(source=...)`` hands back the answers the
  sandbox sealed, one per question, after checking that the replay asks exactly what the plan
  asked; torch's side is computed here, and the checks decide.

Between plan and replay, the learner's process only answers: it runs each step (a
:func:`step`: ``_get``, ``_call``, ``_call_with_inputs`` or course code registered with
``@step``) on the learner's namespace and freezes what comes back. No exercise, no expected
value and no hidden seed ever enter it. So the verdict is computed where learner code cannot
reach it, by the very code a learner sees pass or fail in JupyterLab.
"""
from __future__ import annotations

import copy
import dataclasses
import os
import secrets
import sys
import warnings
from typing import Any, Callable

import numpy as np
import torch

from .answers import Answer, freeze, frozen_exception, missing
from .checks import CheckFailure
from .i18n import _

ExerciseFn = Callable[["Learner", "Rand", bool], None]
REGISTRY: dict[str, ExerciseFn] = {}
VISIBLE_SEED = 20240601


def exercise(name: str) -> Callable[[ExerciseFn], ExerciseFn]:
    """Register an exercise under ``chNN.slug``."""
    def register(fn: ExerciseFn) -> ExerciseFn:
        if name in REGISTRY and REGISTRY[name] is not fn:
            raise ValueError(f"exercise {name} is registered twice")
        REGISTRY[name] = fn
        fn.exercise_name = name  # type: ignore[attr-defined]
        return fn
    return register


def step(fn: Callable[..., Any] | None = None, *, parts: int = 0) -> Any:
    """Mark ``fn(ns, *args)`` as course code that ``L.run`` may run in the learner's process.

    A step must be a module-level function of ``autograder.checking``: the judge never runs it (it reads
    the step's recorded answer), so its name is what ties a recorded answer to the question asked. A step
    that always returns a tuple of ``parts`` items says so (``@step(parts=2)``): planning, which runs no step,
    then hands ``C.parts`` that many pending items."""
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if not fn.__module__.startswith("autograder.checking") or "<locals>" in fn.__qualname__:
            raise ValueError(f"{fn.__qualname__}: a step is a module-level function of autograder.checking")
        STEPS[_name(fn)] = fn
        STEP_PARTS[_name(fn)] = parts
        return fn
    return register(fn) if fn is not None else register


def _name(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', '?')}"


def step_name(fn: Callable[..., Any]) -> str:
    """The name a question calls a step by: ``module:qualname``, the same in every process."""
    name = _name(fn)
    if STEPS.get(name) is not fn:
        raise TypeError(f"L.run({name}): steps are module-level functions of autograder.checking decorated with @step")
    return name


STEPS: dict[str, Callable[..., Any]] = {}
STEP_PARTS: dict[str, int] = {}


def lookup(name: str) -> ExerciseFn:
    if name not in REGISTRY:
        from . import exercises  # noqa: F401  (importing registers every chapter)
        exercises.load(name.split(".")[0])
    if name not in REGISTRY:
        raise KeyError(f"no exercise named {name!r}")
    return REGISTRY[name]


class Rand:
    """Seeded randomness for test inputs. Private generators: the learner's global RNG
    (their `torch.manual_seed`) is never touched, so their own outputs stay reproducible."""

    def __init__(self, seed: int):
        self.seed = seed
        self.np = np.random.default_rng(seed)
        self.gen = torch.Generator().manual_seed(seed)

    def int(self, low: int, high: int) -> int:
        """An int in [low, high] (both ends included)."""
        return int(self.np.integers(low, high + 1))

    def choice(self, options: list) -> Any:
        return options[int(self.np.integers(0, len(options)))]

    def shape(self, min_dims: int = 1, max_dims: int = 3, max_size: int = 4) -> tuple[int, ...]:
        return tuple(self.int(1, max_size) for _dim in range(self.int(min_dims, max_dims)))

    def randn(self, *shape: int, dtype: torch.dtype = torch.float32, requires_grad: bool = False) -> torch.Tensor:
        return torch.randn(shape, generator=self.gen, dtype=dtype).requires_grad_(requires_grad)

    def rand(self, *shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        return torch.rand(shape, generator=self.gen, dtype=dtype)

    def randint(self, low: int, high: int, shape: tuple[int, ...], dtype: torch.dtype = torch.int64) -> torch.Tensor:
        return torch.randint(low, high, shape, generator=self.gen, dtype=dtype)


class TapeMismatch(CheckFailure):
    """The judge asked for an answer the sandbox never recorded (the test cell did not run to the end)."""


Source = Callable[[str, tuple, int], Answer]  # (step name, arguments, parts) -> the answer to that question


@dataclasses.dataclass
class Learner:
    """The learner's namespace, seen only through frozen answers.

    Interactive: ``Learner(ns=...)`` runs each step on the live namespace. Plan and replay:
    ``Learner(source=...)`` asks ``source(step, args, parts)`` for each answer instead, and never
    runs a step (``parts`` is how many items the answer's tuple will have, when that is known)."""

    ns: dict | None = None
    source: Source | None = None

    def run(self, fn: Callable[..., Any], *args: Any, parts: int = 0) -> Answer:
        """Run step ``fn(ns, *args)`` against the learner's namespace; freeze what it returns."""
        name = step_name(fn)
        if self.source is not None:
            return self.source(name, args, parts or STEP_PARTS.get(name, 0))
        return answer(fn, self.ns, args)

    def get(self, name: str) -> Answer:
        """The learner's variable ``name``."""
        return self.run(_get, name)

    def call(self, name: str, *args: Any, inputs: bool = False, **kwargs: Any) -> Answer:
        """The learner's function ``name`` called on copies of ``args``: its result or the error it raised.

        With ``inputs=True`` the answer is a tuple ``(result, *args)`` frozen after the call,
        for checks on the inputs themselves: their ``.grad``, or whether the result shares
        their memory.
        """
        if inputs:
            return self.run(_call_with_inputs, name, args, kwargs, parts=1 + len(args))
        return self.run(_call, name, args, kwargs)


def answer(fn: Callable[..., Any], ns: dict | None, args: tuple) -> Answer:
    """What step ``fn`` gives on ``ns``, frozen: its value, or the error it raised. Never raises an Exception."""
    with warnings.catch_warnings():
        # Learner code may warn (e.g. reading a non-leaf's .grad); a warning never costs points.
        warnings.simplefilter("ignore")
        try:
            return freeze(fn(ns, *args))
        except Exception as exc:
            return frozen_exception(exc)


def pending(parts: int) -> Answer:
    """The answer a plan hands back for a question not asked yet (``C.parts`` unpacks one of ``parts`` items)."""
    return Answer("pending", tuple(Answer("pending") for _part in range(parts)) if parts else None)


@step
def _get(ns: dict, name: str) -> Any:
    if name not in ns:
        return _Missing(name)
    return ns[name]


@step
def _call(ns: dict, name: str, args: tuple, kwargs: dict) -> Any:
    if name not in ns:
        return _Missing(name)
    # Copies, so a learner function that mutates its inputs cannot change what torch is compared on.
    return ns[name](*copy.deepcopy(args), **copy.deepcopy(kwargs))


@step
def _call_with_inputs(ns: dict, name: str, args: tuple, kwargs: dict) -> Any:
    if name not in ns:
        return _Missing(name)
    args = copy.deepcopy(args)
    try:
        result = ns[name](*args, **copy.deepcopy(kwargs))
    except Exception as exc:
        result = _Raised(exc)
    return (result, *args)


class _Raised:
    def __init__(self, exc: BaseException):
        self.exc = exc


class _Missing:
    def __init__(self, name: str):
        self.name = name


# freeze() knows nothing of _Missing; teach it here so answers.py stays free of exercise concerns.
_freeze = freeze


def freeze(obj: Any) -> Answer:  # noqa: F811
    if type(obj) is _Missing:
        return missing(obj.name)
    if type(obj) is _Raised:
        return frozen_exception(obj.exc)
    if type(obj) is tuple:
        return Answer("tuple", tuple(freeze(x) for x in obj))
    return _freeze(obj)


def run_exercise(name: str, learner: Learner, seed: int, hidden: bool) -> None:
    """Run one exercise; raise CheckFailure on the first wrong answer."""
    fn = lookup(name)
    fn(learner, Rand(seed), hidden)


def mode() -> str:
    return os.environ.get("AUTOGRADER_MODE", "interactive")


def label(name: str, hidden: bool) -> str:
    """How a check is named to the learner: ``ch01.make_grid``, or with its hidden tests."""
    return _("{name} (hidden tests)").format(name=name) if hidden else name


def passed(label: str) -> str:
    """The line a passing check prints (here and in grading feedback)."""
    return _("✓ {label}: correct").format(label=label)


def check(name: str, hidden: bool = False) -> None:
    """Grade exercise ``name`` against the caller's namespace (the notebook's globals)."""
    ns = sys._getframe(1).f_globals
    label_ = label(name, hidden)
    if mode() == "sandbox":  # grading: the grader asks its questions itself; nothing is decided in this process
        print(_("{label}: checked by the grader").format(label=label_))
        return
    seed = VISIBLE_SEED if not hidden else secrets.randbits(31)
    learner = Learner(ns=ns)
    try:
        run_exercise(name, learner, seed, hidden)
    except CheckFailure as failure:
        raise _climb(name, failure).with_traceback(None) from None
    print(passed(label_))


# The hint ladder's memory: which checks have failed in this kernel. Only the interactive check() climbs it;
# a recorded or replayed check (grading) never does, so grading feedback shows the first rung only.
_FAILED: set[tuple] = set()


def _climb(name: str, failure: CheckFailure) -> CheckFailure:
    """The first failure of a check shows its hint's pointer; the same check failing again shows the direct hint.

    "The same check" is the same exercise failing with the same message template and the same hint,
    whatever the values: a hidden test's random inputs change the values, not the mistake."""
    key = (name, *failure.key())
    if key in _FAILED:
        return failure.with_direct_hint()
    _FAILED.add(key)
    return failure
