"""The checking library's messages come from one gettext catalogue, every one has a zh-CN translation, and a
learner in a Chinese notebook reads "torch 给出 … / 你的答案 … / 提示 …" while names, code and torch's own
error texts stay as they are."""
from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from babel.messages.catalog import Catalog

from autograder.checking import checks as C, i18n
from autograder.checking.answers import freeze
from autograder.checking.checks import CheckFailure, Hint
from autograder.checking.i18n import _
from autograder.tools import messages as M

EARLY = Hint(_("wrong shape."))  # made at import, in English: it must still speak the language it is read in


def test_every_message_has_a_current_chinese_translation():
    found = M.problems(M.load("zh-CN"), M.extract())
    assert not found, f"messages without a current zh-CN translation: {found}. Run `make translations` and " \
                      f"translate them in {M.po_path('zh-CN').relative_to(M.PACKAGE.parent)}"


def test_the_catalogue_files_are_in_step_with_the_code():
    po = M.po_path("zh-CN")
    assert po.read_bytes() == M.po_bytes(M.merged("zh-CN")), "run `make translations` (the .po is behind the code)"
    assert po.with_suffix(".mo").read_bytes() == M.mo_bytes(M.load("zh-CN")), "run `make translations` (the .mo is stale)"


def test_a_missing_or_broken_translation_is_named():
    template = Catalog()
    template.add("wrong shape.")
    template.add("torch gives {n} items, you gave {m}.")
    template.add("a brand-new message")
    catalog = Catalog(locale="zh_CN")
    catalog.add("wrong shape.", "形状不对。")
    catalog.add("torch gives {n} items, you gave {m}.", "torch 给出 {n} 项，你给出了 {k} 项。")
    assert M.problems(catalog, template) == {
        "untranslated": ["a brand-new message"],
        "placeholders": ["'torch gives {n} items, you gave {m}.': ['m', 'n'] vs ['k', 'n']"]}


def _failure(lang: str, got, want, hint=None) -> str:
    with i18n.using(lang):
        with pytest.raises(CheckFailure) as info:
            C.value(got, want, "reshape_result(24, (2, -1, 4))", hint=hint)
        return str(info.value)


def test_a_chinese_learner_reads_chinese_and_names_stay():
    zh = _failure("zh-CN", freeze(torch.zeros(2, dtype=torch.int64)), torch.zeros(3), hint=EARLY)
    assert zh.startswith("reshape_result(24, (2, -1, 4)): dtype 不对。")
    assert "    torch 给出：形状为 (3,) 的 float32 张量" in zh and "    你的答案：  形状为 (2,) 的 int64 张量" in zh
    assert "    提示：形状不对。" in zh
    en = _failure("en", freeze(torch.zeros(2, dtype=torch.int64)), torch.zeros(3), hint=EARLY)
    assert "torch gives: a float32 tensor of shape (3,)" in en and "hint: wrong shape." in en and "你" not in en
    # torch's own error text is what a learner searches for: never translated.
    raised = _failure("zh-CN", C.outcome(lambda: torch.ones(2).view(3)), torch.ones(2))
    assert "你的代码却抛出了错误" in raised and "RuntimeError: shape '[3]' is invalid for input of size 2" in raised
    assert i18n.language() == "en", "using() restores the language it found"


def test_the_language_line_selects_chinese_in_a_fresh_kernel():
    code = ("import torch\nfrom autograder import check\nimport autograder.checking.zh_CN\n"
            "from autograder.checking.exercise import passed, label\nprint(passed(label('ch01.make_grid', True)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "✓ ch01.make_grid（隐藏测试）：正确", out.stderr[-2000:]


def test_the_judge_finds_the_language_in_the_trusted_setup_cell():
    setup = "import torch\nfrom autograder import check\n{}\n_ = torch.manual_seed(0)"
    assert i18n.language_of(["# md", setup.format("import autograder.checking.zh_CN  # 中文")]) == "zh-CN"
    assert i18n.language_of([setup.format("")]) == "en"
    assert i18n.language_of([setup.format("# import autograder.checking.zh_CN")]) == "en"  # a comment selects nothing
    with pytest.raises(ValueError):
        i18n.use("fr-FR")


def test_graph_pictures_label_in_the_learners_language():
    from types import SimpleNamespace

    from autograder.checking.draw import _label
    leaf = SimpleNamespace(data=torch.zeros(2).numpy(), requires_grad=True, _prev=())
    const = SimpleNamespace(data=torch.zeros(2, 3).numpy(), requires_grad=False, _prev=())
    assert _label(leaf, "leaf", None) == "leaf\nrequires grad\nshape (2,)"
    with i18n.using("zh-CN"):
        assert _label(leaf, "leaf", "x") == "x\n需要梯度\n形状 (2,)"  # the learner's name for it stays
        assert _label(const, "constant", None) == "常数\n形状 (2, 3)"
