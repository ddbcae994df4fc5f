"""Learner-facing text: every message and hint goes through ``_()`` with named placeholders.

    _("expected {n} items, you gave {m}").format(n=3, m=2)

The first argument is always a string literal, so Babel (``pybabel extract -k _``) can collect the
catalogue. Today ``_`` returns the English text itself; the Chinese course (issue 16) backs it with
gettext catalogues without changing a caller. What ``_`` returns remembers its msgid, so a failure
can be grouped by the message it came from (its template), whatever the values and the language.
"""
from __future__ import annotations


class Text(str):
    """A translated string that remembers the msgid it was translated from."""

    msgid: str

    def __new__(cls, text: str, msgid: str) -> "Text":
        self = super().__new__(cls, text)
        self.msgid = msgid
        return self


def _translate(msgid: str) -> str:
    return msgid  # the English source is the msgid; catalogues come with issue 16


def _(msgid: str) -> Text:
    """The learner's-language text for ``msgid`` (a literal, with ``{named}`` placeholders)."""
    return Text(_translate(msgid), msgid)


def msgid(text: str) -> str:
    """The msgid behind ``text`` when it came from ``_()``; otherwise the text itself."""
    return getattr(text, "msgid", str(text))
