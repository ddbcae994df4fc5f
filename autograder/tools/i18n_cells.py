"""Translations of a chapter's cells: one gettext catalogue per chapter and language, tied to the English.

``i18n/<lang>/<chapter>.po`` holds one entry per translated cell: ``msgctxt`` is the cell's id, ``msgid``
the English source of that cell as it is in ``solutions/`` (the only source of code, tests and structure),
``msgstr`` its translation. A translation is *current* only while its msgid is still the cell's English
text, so a changed English cell shows up as stale by name (:func:`problems`), and :func:`update` keeps the
old translation as a fuzzy draft with the old English beside it (``#| msgid``), as ``msgmerge`` does.

Which cells are translated: every markdown cell; a code cell when its comments, docstrings or strings hold
words (:func:`translatable`). A code cell's translation may change only comments and the text of strings
(:func:`same_code`); the language line that the generated setup cell gains is not part of any entry.
"""
from __future__ import annotations

import ast
import copy
import io
import re
import tokenize
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileParser, normalize, unescape, write_po

REPO = Path(__file__).resolve().parents[2]
I18N = REPO / "i18n"
LANGS = ("zh-CN",)
# The one line a generated setup cell gains, right after `from autograder import check`.
LANGUAGE_LINE = {"zh-CN": "import autograder.checking.zh_CN  # 检查信息与图中文字用中文显示"}
_WORDS = re.compile(r"[A-Za-z]{2,}[,.;:!?]?\s+[A-Za-z]{2,}")
_MARKER = re.compile(r"^#+ (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")
HEADER = """{lang} translation of chapter {ch}, one entry per cell of solutions/{ch}/{ch}.ipynb.
msgctxt is the cell id, msgid the cell's English source, msgstr its translation (terms: i18n/glossary.tsv).
`make translations` keeps this file in step with the English: a changed cell turns fuzzy, with its old English."""


def catalogue_path(lang: str, ch: str) -> Path:
    return I18N / lang / f"{ch}.po"


def _prose_in_code(source: str) -> bool:
    """Does this code hold words a learner reads: a comment, docstring or string of two words or more?"""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return True
    return any(t.type in (tokenize.COMMENT, tokenize.STRING) and _WORDS.search(t.string) and not _MARKER.match(t.string)
               for t in tokens)


def translatable(cell) -> bool:
    if not cell.source.strip():
        return False
    return cell.cell_type == "markdown" or (cell.cell_type == "code" and _prose_in_code(cell.source))


def load(lang: str, ch: str) -> Catalog:
    path = catalogue_path(lang, ch)
    if not path.exists():
        return Catalog(locale=lang.replace("-", "_"), project=ch, fuzzy=False,
                       header_comment="\n".join(f"# {line}" for line in HEADER.format(lang=lang, ch=ch).splitlines()))
    catalog = Catalog(locale=lang.replace("-", "_"))
    with open(path, "rb") as f:
        _Parser(catalog).parse(f)
    return catalog


class _Parser(PoFileParser):
    """Babel's .po reader, reading a fuzzy entry's old English (``#| msgid``) back too: Babel itself keeps those
    lines as comments, and drops the repeated ones (an empty line of the old cell, say)."""

    def _reset_message_state(self) -> None:
        super()._reset_message_state()
        self.previous: list[str] = []

    def _process_comment(self, line) -> None:
        if not line.startswith("#|"):
            return super()._process_comment(line)
        self._finish_current_message()
        self.previous.append(line[2:].strip())

    def _add_message(self) -> None:
        previous, msgid = self.previous, self.messages[0].denormalize()
        context = self.context.denormalize() if self.context else None
        super()._add_message()
        msg = self.catalog.get(msgid, context=context)
        if msg is not None and previous and previous[0].startswith("msgid "):
            msg.previous_id = ["".join(unescape(part) for part in [previous[0][len("msgid "):], *previous[1:]])]


def po_text(catalog: Catalog) -> str:
    """The catalogue as .po text. width=0: no wrapping, one .po line per source line, so a diff of the catalogue
    reads like a diff of the cell. A fuzzy entry's old English is written as gettext does (``#| msgid ""`` then
    one ``#| "..."`` line per line): Babel's own writer wraps it into one unreadable paragraph."""
    buf = io.BytesIO()
    write_po(buf, catalog, width=0, include_previous=False, no_location=True, omit_header=False)
    text = buf.getvalue().decode("utf-8")
    for msg in catalog:
        if msg.id and msg.fuzzy and msg.previous_id and msg.context:
            anchor = f"msgctxt {normalize(msg.context, width=0)}\n"
            previous = f"#| msgid {normalize(msg.previous_id[0], prefix='#| ', width=0)}\n"
            text = text.replace(anchor, previous + anchor, 1)
    return text


def save(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(po_text(catalog), encoding="utf-8")


def current(catalog: Catalog, cell) -> str | None:
    """The cell's translation when it is up to date with the English, else None."""
    msg = catalog.get(cell.source, context=cell.id)
    if msg is None or msg.fuzzy or not msg.string:
        return None
    return msg.string


def problems(nb, catalog: Catalog) -> dict[str, list[str]]:
    """Cell ids whose translation is missing, stale (the English changed after it was translated), or unusable."""
    out: dict[str, list[str]] = {"untranslated": [], "stale": [], "fuzzy": [], "code changed": [], "markdown": []}
    by_ctx = {m.context: m for m in catalog if m.id and m.context}
    for cell in nb.cells:
        if not translatable(cell):
            continue
        msg = catalog.get(cell.source, context=cell.id)
        if msg is None:
            out["stale" if cell.id in by_ctx else "untranslated"].append(cell.id)
        elif msg.fuzzy or not msg.string:
            out["fuzzy" if msg.string else "untranslated"].append(cell.id)
        elif cell.cell_type == "code" and not same_code(cell.source, msg.string):
            out["code changed"].append(cell.id)
        elif cell.cell_type == "markdown" and markdown_problems(cell.source, msg.string):
            out["markdown"].append(f"{cell.id}: {'; '.join(markdown_problems(cell.source, msg.string))}")
    return {k: v for k, v in out.items() if v}


def update(nb, catalog: Catalog) -> Catalog:
    """The catalogue for the notebook as it is now: current entries kept, a changed cell's old translation
    kept as a fuzzy draft (with the old English as ``previous_id``), new cells empty, removed cells obsolete."""
    new = Catalog(locale=catalog.locale, project=catalog.project, fuzzy=False, header_comment=catalog.header_comment,
                  creation_date=catalog.creation_date, revision_date=catalog.revision_date)
    by_ctx = {m.context: m for m in catalog if m.id and m.context}
    for cell in nb.cells:
        if not translatable(cell):
            continue
        old = by_ctx.pop(cell.id, None)
        if old is not None and old.id == cell.source:
            msg = Message(cell.source, old.string, flags=old.flags, context=cell.id, previous_id=old.previous_id)
        elif old is not None and old.string:
            prev = old.previous_id if old.fuzzy and old.previous_id else old.id
            msg = Message(cell.source, old.string, flags={"fuzzy"}, context=cell.id, previous_id=prev)
        else:
            msg = Message(cell.source, "", context=cell.id)
        msg.auto_comments = [f"{cell.cell_type} cell {cell.id}"]
        new[cell.source] = msg
    for old in by_ctx.values():
        if old.string:
            new.obsolete[(old.id, old.context)] = old
    return new


def _masked(source: str) -> str:
    """The code with comments gone and the text of strings blanked (check() names stay: they are code)."""
    class Mask(ast.NodeTransformer):
        def visit_Call(self, node):
            if isinstance(node.func, ast.Name) and node.func.id == "check":
                return node
            return self.generic_visit(node)

        def visit_Constant(self, node):
            return ast.Constant("") if isinstance(node.value, str) else node

        def visit_JoinedStr(self, node):  # an f-string: its text may be reordered around the same fields
            fields = sorted((v for v in node.values if isinstance(v, ast.FormattedValue)), key=ast.dump)
            return ast.Tuple([self.visit(f) for f in fields], ast.Load())

    return ast.dump(Mask().visit(ast.parse(source)))


def same_code(english: str, translated: str) -> bool:
    """True when the two differ only in comments and in the text of strings."""
    if english == translated:
        return True
    try:
        return _masked(english) == _masked(translated)
    except SyntaxError:
        return False


_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def markdown_problems(english: str, translated: str) -> list[str]:
    """What a translation of a markdown cell must keep: its code (blocks and `spans`), its heading levels,
    and bold where the English has a key sentence in bold."""
    out = []
    blocks = _FENCE.findall(english)
    if blocks != _FENCE.findall(translated):
        out.append("code blocks differ")
    spans = {m.group(2) for m in _SPAN.finditer(_FENCE.sub("", english))}
    kept = {m.group(2) for m in _SPAN.finditer(_FENCE.sub("", translated))}
    if spans - kept:
        out.append(f"code spans missing: {sorted(spans - kept)[:3]}")
    if re.findall(r"^#+ ", english, re.M) != re.findall(r"^#+ ", translated, re.M):
        out.append("headings differ")
    if "**" in english and "**" not in translated:
        out.append("no bold")
    if soft_breaks(translated):
        out.append(f"a line break after Chinese text renders as a stray space: join lines {soft_breaks(translated)[:3]}")
    return out


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")
_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef]$")
_BLOCK = re.compile(r"^\s*([#>|]|[*-] |\d+\. |```|$)")


def soft_breaks(markdown: str) -> list[int]:
    """Line numbers where a paragraph goes on across a line break between Chinese characters (or after Chinese
    punctuation): markdown renders the break as a space, which Chinese text must not have there."""
    lines, out, fence = markdown.split("\n"), [], False
    for i, (line, nxt) in enumerate(zip(lines, lines[1:])):
        fence ^= line.lstrip().startswith("```")
        head, tail = line.rstrip().rstrip("*_"), nxt.strip()  # bold or italics closing the line: still Chinese
        if not fence and not _BLOCK.match(nxt) and (_PUNCT.search(head) or (_CJK.search(head) and _CJK.search(tail[:1]))):
            out.append(i + 1)
    return out


def join_soft_breaks(markdown: str) -> str:
    """The same markdown with each :func:`soft_breaks` line joined to the next (no space between Chinese)."""
    lines = markdown.split("\n")
    for i in reversed(soft_breaks(markdown)):
        head, tail = lines[i - 1].rstrip(), lines[i].strip()
        lines[i - 1: i + 1] = [head + tail]
    return "\n".join(lines)


def language_line_added(setup: str, lang: str) -> str:
    lines = setup.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("from autograder import check"))
    return "\n".join(lines[: at + 1] + [LANGUAGE_LINE[lang]] + lines[at + 1:])


def translate(nb, catalog: Catalog, lang: str):
    """The notebook in ``lang``: each translatable cell from its current translation (English where none is
    current, so nothing stale is ever shown as if it were true), the setup cell with the language line."""
    out = copy.deepcopy(nb)
    setup = next(c for c in out.cells if c.cell_type == "code")
    for cell in out.cells:
        text = current(catalog, cell) if translatable(cell) else None
        if text is not None and (cell.cell_type == "markdown" or same_code(cell.source, text)):
            cell.source = text
    setup.source = language_line_added(setup.source, lang)
    return out


def english(ch: str):
    return nbformat.read(str(REPO / "solutions" / ch / f"{ch}.ipynb"), as_version=4)


def translated(lang: str) -> list[str]:
    """The chapters being translated into ``lang``: those with a catalogue."""
    return sorted(p.stem for p in (I18N / lang).glob("[0-9][0-9]_*.po"))


def glossary() -> list[dict[str, str]]:
    """``i18n/glossary.tsv``: english, chinese, checked (yes/no), note."""
    import csv
    with open(I18N / "glossary.tsv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def prose(markdown: str) -> str:
    """A markdown cell without its code (blocks and spans): the words a glossary speaks of."""
    return _SPAN.sub(" ", _FENCE.sub(" ", markdown))


def glossary_misses(english: str, translated: str, terms: list[dict[str, str]]) -> list[str]:
    """The checked terms the English prose uses whose Chinese term the translation lacks."""
    words = prose(english)
    return [f"{t['english']} -> {t['chinese']}" for t in terms if t["checked"] == "yes"
            and re.search(rf"\b{re.escape(t['english'])}", words, re.I) and t["chinese"] not in translated]
