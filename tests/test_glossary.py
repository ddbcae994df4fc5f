"""The glossary (i18n/glossary.tsv) exists, keeps the study notes' own terms, and every translation uses it."""
from __future__ import annotations

import pytest

from autograder.tools import i18n_cells as T
from conftest import LANGS, TRANSLATED

# The seed notes' own words (信息区/数据区, 数据连续性, 广播, 自动求导, 反向传播, 叶子节点, 计算图): kept, never replaced.
SEED_TERMS = {"header": "信息区", "data": "数据区", "contiguity": "连续性", "broadcast": "广播", "autograd": "自动求导",
              "backpropagation": "反向传播", "leaf": "叶子节点", "computation graph": "计算图"}
PAIRS = [(lang, ch) for lang in LANGS for ch in TRANSLATED[lang]]


def test_the_glossary_has_its_columns_and_the_seed_terms():
    terms = T.glossary()
    assert len(terms) >= 40
    for t in terms:
        assert t["english"] and t["chinese"] and t["checked"] in ("yes", "no") and t["note"] is not None, t
    english = [t["english"].lower() for t in terms]
    assert len(english) == len(set(english)), "a term is listed twice"
    given = {t["english"]: t["chinese"] for t in terms}
    assert {k: given.get(k) for k in SEED_TERMS} == SEED_TERMS


@pytest.mark.parametrize("lang,ch", PAIRS, ids=[f"{lang}/{ch}" for lang, ch in PAIRS])
def test_translations_use_the_glossary(lang, ch):
    terms, catalog = T.glossary(), T.load(lang, ch)
    misses = {}
    for cell in T.english(ch).cells:
        text = T.current(catalog, cell) if cell.cell_type == "markdown" else None
        if text and T.glossary_misses(cell.source, text, terms):
            misses[cell.id] = T.glossary_misses(cell.source, text, terms)
    assert not misses, f"{lang}/{ch}: cells that do not use the glossary's term (i18n/glossary.tsv): {misses}"


def test_a_translation_that_avoids_a_term_is_caught():
    terms = T.glossary()
    en = "**A view shares the header's storage**; `header` is code, not prose."
    assert T.glossary_misses(en, "**视图与原张量的信息区共享存储。**", terms) == []
    assert T.glossary_misses(en, "**视图与原张量的头部共享存储。**", terms) == ["header -> 信息区"]
    assert T.glossary_misses("Call `x.view(2, 3)`.", "调用 `x.view(2, 3)`。", terms) == []  # code is not prose
