"""Learner-facing text: every message and hint goes through ``_()`` with named placeholders.

    _("expected {n} items, you gave {m}").format(n=3, m=2)

The first argument is always a string literal, so Babel (``pybabel extract -k _``) can collect the
catalogue. The English text is the msgid; other languages come from gettext catalogues,
``locale/<ll_CC>/LC_MESSAGES/checking.mo`` beside this file (made from the ``.po`` by ``make translations``).
What ``_`` returns remembers its msgid, so a failure can be grouped by the message it came from (its
template), whatever the values and the language.

The language is the process's: English until :func:`use` picks another (a Chinese notebook's setup cell
says ``import autograder.checking.zh_CN``). The grading judge renders each notebook's feedback in that notebook's
language with :func:`using`. Names, code and torch's own error texts are never translated: they are
values filled into the placeholders, not part of a msgid.
"""
from __future__ import annotations

import contextlib
import gettext
import re
from pathlib import Path
from typing import Iterable, Iterator

DOMAIN = "checking"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "zh-CN")
_current = "en"
_catalogues: dict[str, gettext.NullTranslations] = {}


class Text(str):
    """A translated string that remembers the msgid it was translated from.

    It is translated again whenever it is rendered (``str``, ``format``, an f-string), so a text made
    once, say a hint defined at a module's top, speaks the language current when a learner reads it."""

    msgid: str

    def __new__(cls, text: str, msgid: str) -> "Text":
        self = super().__new__(cls, text)
        self.msgid = msgid
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # copy, deepcopy and pickle rebuild it with its msgid
        return str(self), self.msgid

    def __str__(self) -> str:
        return _translate(self.msgid)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def format(self, *args: object, **kwargs: object) -> str:  # type: ignore[override]
        return str(self).format(*args, **kwargs)


def use(lang: str) -> None:
    """Speak ``lang`` (``"en"`` or ``"zh-CN"``) in this process from now on."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    if lang != "en":
        _catalogue(lang)  # a missing catalogue fails here, not in the middle of a failure message
    _current = lang


def language() -> str:
    return _current


@contextlib.contextmanager
def using(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block only (the judge: each notebook's feedback in its own language)."""
    before = _current
    use(lang)
    try:
        yield
    finally:
        use(before)


_LINE = re.compile(r"^import autograder\.checking\.([a-z]{2}_[A-Z]{2})\b", re.M)


def language_of(sources: Iterable[str]) -> str:
    """The language a notebook speaks: the one its setup cell selects (``import autograder.checking.zh_CN``), else English.

    The judge asks this of the trusted sources (the gradebook's copy of the instructor notebook)."""
    for source in sources:
        for module in _LINE.findall(source):
            if module.replace("_", "-") in LANGUAGES:
                return module.replace("_", "-")
    return "en"


def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang not in _catalogues:
        # fallback=False: a language without its compiled catalogue is an installation error, said at once.
        _catalogues[lang] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang.replace("-", "_")])
    return _catalogues[lang]


def _translate(msgid: str) -> str:
    if _current == "en":
        return msgid
    return _catalogue(_current).gettext(msgid)


def _(msgid: str) -> Text:
    """The learner's-language text for ``msgid`` (a literal, with ``{named}`` placeholders)."""
    return Text(_translate(msgid), msgid)


def msgid(text: str) -> str:
    """The msgid behind ``text`` when it came from ``_()``; otherwise the text itself."""
    return getattr(text, "msgid", str(text))
