"""Exercises, the learner's side of them, and the three modes a check runs in.

An exercise is a function ``fn(L, R, hidden)`` registered with :func:`exercise`.
It reaches the learner's work only through ``L`` (a :class:`Learner`), which hands
back frozen :class:`~autograder.checking.answers.Answer` data; it computes what torch does
itself, with inputs drawn from ``R`` (a seeded :class:`Rand`); and it compares the
two with :mod:`autograder.checking.checks`.

A test cell in a chapter calls ``check("ch01.arange")`` (visible, fixed examples),
and in its hidden part ``check("ch01.arange", hidden=True)`` (random inputs).
The same exercise runs in one of three modes:

* interactive (JupyterLab, nbval, plain nbgrader): learner and judge in one kernel;
* record (inside the grading sandbox): only the learner's answers are taped;
  no verdict is decided there;
* replay (the trusted judge, which never runs learner code): the exercise runs
  again against the taped answers, with torch computing the expected side.

So the verdict is computed where learner code cannot reach it, by the very code a
learner sees pass or fail in JupyterLab.
"""
from __future__ import annotations

import copy
import dataclasses
import inspect
import os
import secrets
import sys
import warnings
from typing import Any, Callable

import numpy as np
import torch

from . import checks
from .answers import Answer, freeze, frozen_exception, missing
from .checks import CheckFailure

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


def step(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark ``fn(ns, *args)`` as course code that ``L.run`` may run in the learner's process.

    A step must be a module-level function of ``autograder.checking``: the judge never runs it (it reads
    the step's recorded answer), so its name is what ties a recorded answer to the question asked."""
    if not fn.__module__.startswith("autograder.checking") or "<locals>" in fn.__qualname__:
        raise ValueError(f"{fn.__qualname__}: a step is a module-level function of autograder.checking")
    STEPS[fn.__qualname__] = fn
    return fn


STEPS: dict[str, Callable[..., Any]] = {}


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
        return tuple(self.int(1, max_size) for _ in range(self.int(min_dims, max_dims)))

    def randn(self, *shape: int, dtype: torch.dtype = torch.float32, requires_grad: bool = False) -> torch.Tensor:
        return torch.randn(shape, generator=self.gen, dtype=dtype).requires_grad_(requires_grad)

    def rand(self, *shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        return torch.rand(shape, generator=self.gen, dtype=dtype)

    def randint(self, low: int, high: int, shape: tuple[int, ...], dtype: torch.dtype = torch.int64) -> torch.Tensor:
        return torch.randint(low, high, shape, generator=self.gen, dtype=dtype)


class TapeMismatch(CheckFailure):
    """The judge asked for an answer the sandbox never recorded (the test cell did not run to the end)."""


@dataclasses.dataclass
class Learner:
    """The learner's namespace, seen only through frozen answers."""

    ns: dict | None = None  # live namespace (interactive, record)
    tape: list | None = None  # recorded (step, Answer) pairs (record: appended; replay: consumed)
    replay: bool = False
    _pos: int = 0

    def run(self, fn: Callable[..., Any], *args: Any) -> Answer:
        """Run library function ``fn(ns, *args)`` against the learner's namespace; freeze what it returns.

        ``fn`` is course code, not learner code, but it calls learner code, so in the
        judge it is never run: its answer comes from the tape instead.
        """
        step = getattr(fn, "__qualname__", str(fn))
        if self.replay:
            assert self.tape is not None
            if self._pos >= len(self.tape):
                raise TapeMismatch("answers", "no answer was recorded for this check: the test cell did not run to the end.")
            got_step, ans = self.tape[self._pos]
            self._pos += 1
            if got_step != step or not isinstance(ans, Answer):
                raise TapeMismatch("answers", "the recorded answers do not match this test (was the test cell changed?).")
            return ans
        with warnings.catch_warnings():
            # Learner code may warn (e.g. reading a non-leaf's .grad); a warning never costs points.
            warnings.simplefilter("ignore")
            try:
                ans = freeze(fn(self.ns, *args))
            except Exception as exc:
                ans = frozen_exception(exc)
        if self.tape is not None:
            self.tape.append((step, ans))
        return ans

    def get(self, name: str) -> Answer:
        """The learner's variable ``name``."""
        return self.run(_get, name)

    def call(self, name: str, *args: Any, inputs: bool = False, **kwargs: Any) -> Answer:
        """The learner's function ``name`` called on copies of ``args``: its result or the error it raised.

        With ``inputs=True`` the answer is a tuple ``(result, *args)`` frozen after the call,
        for checks on the inputs themselves: their ``.grad``, or whether the result shares
        their memory.
        """
        return self.run(_call_with_inputs if inputs else _call, name, args, kwargs)


def _get(ns: dict, name: str) -> Any:
    if name not in ns:
        return _Missing(name)
    return ns[name]


def _call(ns: dict, name: str, args: tuple, kwargs: dict) -> Any:
    if name not in ns:
        return _Missing(name)
    # Copies, so a learner function that mutates its inputs cannot change what torch is compared on.
    return ns[name](*copy.deepcopy(args), **copy.deepcopy(kwargs))


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


def check(name: str, hidden: bool = False) -> None:
    """Grade exercise ``name`` against the caller's namespace (the notebook's globals)."""
    ns = sys._getframe(1).f_globals
    seed = VISIBLE_SEED if not hidden else int(os.environ.get("AUTOGRADER_SEED", "0")) or secrets.randbits(31)
    label = f"{name}{' (hidden tests)' if hidden else ''}"
    if mode() == "record":
        from ..grading.tape import record
        tape: list = []
        learner = Learner(ns=ns, tape=tape)
        checks.recording = True
        try:
            run_exercise(name, learner, seed, hidden)
        except Exception as exc:  # no verdict here: the judge decides from the tape
            tape.append(("!", frozen_exception(exc)))
        finally:
            checks.recording = False
        record(name, hidden, seed, tape)
        print(f"answers recorded for {label}")
        return
    learner = Learner(ns=ns)
    try:
        run_exercise(name, learner, seed, hidden)
    except CheckFailure as failure:
        raise _climb(name, failure).with_traceback(None) from None
    print(f"✓ {label}: correct")


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
