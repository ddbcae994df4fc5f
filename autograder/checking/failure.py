"""What a learner reads when a check fails: :class:`CheckFailure`, and the hint ladder :class:`Hint`.

A failure names the learner's expression (``what``), says what is wrong (``problem``, whose msgid is
kept as ``template`` so a class report can group failures by message, not by values), shows what
torch gives next to what the learner gave, and ends with a hint. Hints are a ladder: the first
failure of a check shows the ``pointer`` (what to look at, never the fix); only when the same check
fails again in the learner's own kernel does :func:`autograder.checking.exercise.check` switch to the
``direct`` rung. Grading feedback is rendered from ``str(failure)``, which is always the pointer.

An answer the learner has not touched yet (:func:`untouched`) fails without any hint: it says which line to
replace, because a hint written for a wrong answer would give the answer away (:func:`not_an_answer`).
"""
from __future__ import annotations

import dataclasses

from .answers import Answer, first_line
from .i18n import _, msgid


@dataclasses.dataclass(frozen=True)
class Hint:
    """Two rungs: ``pointer`` says where to look; ``direct`` says more, for a learner who is stuck."""

    pointer: str
    direct: str | None = None

    def __str__(self) -> str:
        return self.pointer


def as_hint(hint: "Hint | str | None") -> Hint | None:
    if hint is None or isinstance(hint, Hint):
        return hint
    return Hint(hint)


class CheckFailure(AssertionError):
    """A learner's answer differs from torch's. The message is the lesson.

    ``problem`` is a text from ``_()`` with ``{named}`` placeholders, filled from ``fields``.
    """

    def __init__(self, what: str, problem: str, want: str = "", got: str = "", hint: "Hint | str | None" = None,
                 *, fields: dict | None = None):
        self.what, self.want, self.got = what, want, got
        self.template = msgid(problem)
        self.problem = problem.format(**fields) if fields else str(problem)
        self.hint = as_hint(hint)
        self.direct = False
        super().__init__(self.render())

    def render(self, direct: bool = False) -> str:
        lines = [f"{self.what}: {self.problem}"]
        if self.want or self.got:
            lines += [_("    torch gives: {want}").format(want=self.want), _("    you gave:    {got}").format(got=self.got)]
        if self.hint is not None:
            text = self.hint.direct if direct and self.hint.direct else self.hint.pointer
            lines.append(_("    hint: {hint}").format(hint=text))
        return "\n".join(lines)

    def key(self) -> tuple:
        """Which check failed, whatever the values: the same key twice means the learner is stuck on it."""
        return self.template, None if self.hint is None else msgid(self.hint.pointer)

    def with_direct_hint(self) -> "CheckFailure":
        """The second rung: the same failure, with the hint's direct text (when it has one)."""
        self.direct = True
        self.args = (self.render(direct=True),)
        return self

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the learner sees the lesson, not our internals.
        return ["\x1b[31mCheckFailure\x1b[0m: " + str(self)]


NOT_ALLOWED = "TorchNotAllowed"  # raised by autograder.checking.no_torch when a function reaches for torch


def untouched(got: Answer) -> bool:
    """The learner has not answered yet: the stub still raises, the name is not defined, or it is still ``...``."""
    return (got.kind == "missing" or (got.kind == "exception" and got.value[0] == "NotImplementedError")
            or (got.kind == "other" and got.meta.get("type") == "builtins.ellipsis"))


def not_an_answer(got: Answer, want: Answer, what: str, hint: "Hint | str | None") -> None:
    """Fail early, and kindly, when the learner produced an error or nothing at all.

    An untouched answer gets no hint: a hint written for a wrong answer would give the answer away."""
    if got.kind == "missing":
        raise CheckFailure(what, _("`{name}` is not defined: replace the `raise NotImplementedError(...)` line in its "
                                   "cell with your answer, then run that cell."), fields={"name": got.value})
    if untouched(got) and got.kind == "other":
        raise CheckFailure(what, _("still `...`: replace the `...` with your answer, then run that cell."))
    if got.kind == "exception" and (want.kind != "exception" or got.value[0] in ("NotImplementedError", NOT_ALLOWED)):
        name, msg = got.value
        if name == "NotImplementedError" and not (want.kind == "exception" and want.value[0] == name):
            raise CheckFailure(what, _("not answered yet: replace the `raise NotImplementedError(...)` line with your "
                                       "answer, then run that cell."))
        if name == NOT_ALLOWED:
            raise CheckFailure(what, _("this exercise is to be worked out without torch or numpy (or with only the "
                                       "parts of torch it names), and your function used more: {detail}"),
                               fields={"detail": first_line(msg)})
        if want.kind != "exception":
            raise CheckFailure(what, _("your code raised an error where torch returns a value."),
                               want=want.describe(), got=f"{name}: {first_line(msg)}", hint=hint)
