"""One source, other languages: the translations of a chapter's cells are current, generated notebooks are
made from the English and the catalogues alone, and a translation changes words, never code."""
from __future__ import annotations

import copy

import nbformat
import pytest
from babel.messages.catalog import Catalog, Message

from autograder.tools import i18n_cells as T
from autograder.tools.submissions import read
from conftest import LANGS, TRANSLATED, release_path, solution_path

PAIRS = [(lang, ch) for lang in LANGS for ch in TRANSLATED[lang]]
IDS = [f"{lang}/{ch}" for lang, ch in PAIRS]


def test_every_translated_chapter_has_its_catalogue_and_back():
    for lang in LANGS:
        assert TRANSLATED[lang] == T.translated(lang), \
            f"course/{lang}/source and i18n/{lang}/*.po name different chapters: run `make release`"


@pytest.mark.parametrize("lang,ch", PAIRS, ids=IDS)
def test_translations_are_current(lang, ch):
    found = T.problems(T.english(ch), T.load(lang, ch))
    assert not found, (f"{lang}/{ch}: translations to fix, by cell id: {found}. Run `make translations` (a changed "
                       f"English cell keeps its old translation as a fuzzy draft), translate {T.catalogue_path(lang, ch)}, "
                       f"then `make release`")


def _problems(nb, catalog) -> dict[str, set[str]]:
    return {k: set(v) for k, v in T.problems(nb, catalog).items()}


def _translated_cells(nb, catalog, kind):
    return [c for c in nb.cells if c.cell_type == kind and T.translatable(c) and T.current(catalog, c)
            and T.current(catalog, c) != c.source]


def test_a_changed_english_cell_is_named_stale_and_never_shown_translated():
    lang, ch = PAIRS[0]
    nb, catalog = T.english(ch), T.load(lang, ch)
    assert not T.problems(nb, catalog)
    md, code = _translated_cells(nb, catalog, "markdown")[1], _translated_cells(nb, catalog, "code")[1]  # not the setup cell
    old_md, old_translation = md.source, T.current(catalog, md)
    md.source += "\nOne more sentence in English."
    assert T.problems(nb, catalog) == {"stale": [md.id]}
    code.source += "\n_ = 1"  # the code itself changed, not its comment
    added = nbformat.v4.new_markdown_cell("A new paragraph.")
    nb.cells.insert(3, added)
    assert _problems(nb, catalog) == {"untranslated": {added.id}, "stale": {md.id, code.id}}

    # The generated notebook shows the current English where the translation is stale, never the old text.
    out = {c.id: c.source for c in T.translate(nb, catalog, lang).cells}
    assert out[md.id] == md.source and out[code.id] == code.source and out[added.id] == "A new paragraph."

    # `make translations` keeps the old translation as a fuzzy draft beside the old English.
    updated = T.update(nb, catalog)
    draft = updated.get(md.source, context=md.id)
    assert draft.fuzzy and draft.previous_id == [old_md] and draft.string == old_translation
    assert _problems(nb, updated) == {"untranslated": {added.id}, "fuzzy": {md.id, code.id}}
    # Translating the draft again makes it current.
    draft.flags.discard("fuzzy")
    assert _problems(nb, updated) == {"untranslated": {added.id}, "fuzzy": {code.id}}


def test_update_is_stable_and_keeps_current_entries(tmp_path):
    lang, ch = PAIRS[0]
    nb = T.english(ch)
    path = tmp_path / "c.po"
    T.save(T.update(nb, T.load(lang, ch)), path)
    assert path.read_bytes() == T.catalogue_path(lang, ch).read_bytes(), "the committed catalogue is not in step"


def test_code_may_differ_in_comments_and_string_text_only():
    en = 'x = f(1, "a view")  # why\nprint(f"shape {x.shape} of {x}")\ncheck("ch01.a")'
    assert T.same_code(en, 'x = f(1, "一个视图")  # 原因\nprint(f"{x} 的形状是 {x.shape}")\ncheck("ch01.a")')
    assert T.same_code(en, 'x = f(1, "a view")\nprint(f"shape {x.shape} of {x}")\ncheck("ch01.a")')
    # Near misses: a number, a name, a field of an f-string, the exercise a check names.
    assert not T.same_code(en, 'x = f(2, "a view")  # why\nprint(f"shape {x.shape} of {x}")\ncheck("ch01.a")')
    assert not T.same_code(en, 'y = f(1, "a view")  # why\nprint(f"shape {x.shape} of {x}")\ncheck("ch01.a")')
    assert not T.same_code(en, 'x = f(1, "a view")  # why\nprint(f"shape {x.stride()} of {x}")\ncheck("ch01.a")')
    assert not T.same_code(en, 'x = f(1, "a view")  # why\nprint(f"shape {x.shape} of {x}")\ncheck("ch01.b")')
    assert not T.same_code(en, 'x = f(1, "a view"  # why')


def test_markdown_translation_keeps_code_headings_and_bold():
    en = "## 1. `view`\n\n**A view shares memory** with `x`.\n\n```python\nx.view(2, 3)\n```"
    assert T.markdown_problems(en, "## 1. `view`\n\n**视图与 `x` 共享内存。**\n\n```python\nx.view(2, 3)\n```") == []
    assert T.markdown_problems(en, "## 1. 视图\n\n**视图与 `x` 共享内存。**\n\n```python\nx.view(2, 3)\n```")
    assert T.markdown_problems(en, "### 1. `view`\n\n**视图与 `x` 共享内存。**\n\n```python\nx.view(2, 3)\n```")
    assert T.markdown_problems(en, "## 1. `view`\n\n视图与 `x` 共享内存。\n\n```python\nx.view(2, 3)\n```")
    assert T.markdown_problems(en, "## 1. `view`\n\n**视图与 `x` 共享内存。**\n\n```python\nx.view(3, 2)\n```")


@pytest.mark.parametrize("lang,ch", PAIRS, ids=IDS)
def test_instructor_notebook_is_generated_from_the_english(lang, ch):
    want = T.translate(T.english(ch), T.load(lang, ch), lang)
    have = read(solution_path(ch, lang))
    cells = lambda nb: [(c.id, c.cell_type, c.source, c.metadata) for c in nb.cells]  # noqa: E731
    # A widget's saved state (a progress bar's) is written by the run, like the outputs that refer to it.
    meta = lambda nb: {k: v for k, v in nb.metadata.items() if k != "widgets"}  # noqa: E731
    assert cells(have) == cells(want) and meta(have) == meta(want), \
        f"{solution_path(ch, lang)} is not what solutions/ and the catalogue make: run `make release`"


@pytest.mark.parametrize("lang,ch", PAIRS, ids=IDS)
def test_student_code_is_the_english_code(lang, ch):
    en, tr = read(release_path(ch)), read(release_path(ch, lang))
    assert [(c.id, c.cell_type) for c in tr.cells] == [(c.id, c.cell_type) for c in en.cells]
    first = True
    for a, b in zip(en.cells, tr.cells):
        meta = lambda c: {**c.metadata, "nbgrader": {k: v for k, v in c.metadata.get("nbgrader", {}).items()  # noqa: E731
                                                      if k != "checksum"}}
        assert meta(a) == meta(b), f"{lang}/{ch} cell {a.id}: its metadata differs from the English"
        if a.cell_type != "code":
            continue
        source = b.source
        if first:  # the setup cell: exactly one line more, the one that selects the language
            lines = source.split("\n")
            assert lines.count(T.LANGUAGE_LINE[lang]) == 1, f"{lang}/{ch}: the setup cell lacks its language line"
            lines.remove(T.LANGUAGE_LINE[lang])
            source, first = "\n".join(lines), False
        assert T.same_code(a.source, source), f"{lang}/{ch} cell {a.id}: its code differs from the English"


def test_the_code_comparison_catches_a_changed_release_cell():
    lang, ch = PAIRS[0]
    tr = read(release_path(ch, lang))
    cell = next(c for c in tr.cells if c.cell_type == "code" and "reshape" in c.source)
    changed = copy.deepcopy(cell)
    changed.source = changed.source.replace("reshape(3, 4)", "reshape(4, 3)")
    assert changed.source != cell.source and not T.same_code(cell.source, changed.source)


@pytest.mark.parametrize("lang,ch", PAIRS, ids=IDS)
def test_instructor_outputs_are_clean(lang, ch):
    """No errors and nothing on stderr: a missing glyph in a picture (tofu) is a warning there."""
    nb = read(solution_path(ch, lang))
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{lang}/{ch}: a stored error output; run `make outputs`"
            assert not (out.output_type == "stream" and out.name == "stderr"), f"{lang}/{ch}: stderr: {out.text[:300]}"
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code"), f"{lang}/{ch}: run `make release`"


def test_chinese_is_not_wrapped_mid_paragraph():
    assert T.soft_breaks("**张量**是数组。\n它有形状。") == [1]
    assert T.soft_breaks("**张量**是数组。它有形状。\n\n* 第一项\n* 第二项\n  `x`") == []
    assert T.soft_breaks("A tensor is\nan array.") == []  # English wraps freely
    assert T.join_soft_breaks("**张量**是数组。\n它有形状，\n`shape` 是它的形状。") == "**张量**是数组。它有形状，`shape` 是它的形状。"
    assert T.soft_breaks("形状为\n`(2, 3)`") == []  # Chinese next to code takes a space anyway
    assert T.soft_breaks("**一个张量只有一种 dtype；**\n对整数调用") == [1]  # bold closing the line is still Chinese


def test_a_fuzzy_drafts_old_english_survives_the_file(tmp_path):
    # gettext's `#| msgid` form, one line per line, blank lines included (Babel alone garbles or drops them).
    old, new = "## 1. A\n\nfirst\n\nsecond", "## 1. A\n\nfirst, changed\n\nsecond"
    catalog = Catalog(locale="zh_CN")
    catalog[new] = Message(new, "## 1. 甲\n\n第一\n\n第二", flags={"fuzzy"}, context="md_01", previous_id=[old])
    T.save(catalog, tmp_path / "c.po")
    text = (tmp_path / "c.po").read_text()
    assert '#| msgid ""\n#| "## 1. A\\n"\n#| "\\n"\n#| "first\\n"\n#| "\\n"\n#| "second"\nmsgctxt "md_01"' in text
    back = T._Parser  # the reader that takes it back
    loaded = Catalog(locale="zh_CN")
    with open(tmp_path / "c.po", "rb") as f:
        back(loaded).parse(f)
    msg = loaded.get(new, context="md_01")
    assert msg.fuzzy and msg.previous_id == [old] and not msg.user_comments
