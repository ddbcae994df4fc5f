"""The chapters' claims about torch, run live on the pinned torch, and the chapters' text tied to them.

Each counterexample of issue 12 §2 runs here: if torch changed, this fails before a learner reads a
false sentence. Then each chapter is held to it: the false wording is gone, and (where the chapter
teaches the rule) a code cell runs the counterexample, so nbval checks its stored output as well.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from torch.autograd import Variable

from autograder.tools.submissions import read
from conftest import CHAPTERS, solution_path


def test_in_place_add_raises_only_across_a_category():
    a = torch.zeros(2, dtype=torch.int32)
    a += torch.ones(2, dtype=torch.int64)  # a wider int: fine, the result stays int32
    assert a.dtype == torch.int32 and a.tolist() == [1, 1]
    h = torch.zeros(2, dtype=torch.float16)
    h += torch.ones(2, dtype=torch.float64)  # a wider float: fine, stays float16
    assert h.dtype == torch.float16
    with pytest.raises(RuntimeError, match="can't be cast"):
        torch.zeros(2, dtype=torch.int64).add_(torch.ones(2))  # float into int: another category
    with pytest.raises(RuntimeError, match="can't be cast"):
        torch.zeros(2, dtype=torch.bool).add_(torch.ones(2, dtype=torch.int64))  # int into bool


def test_uint8_wraps_silently():
    u = torch.zeros(1, dtype=torch.uint8)
    u += 300
    assert u.item() == 300 % 256 == 44


def test_view_works_on_some_non_contiguous_layouts():
    a = torch.arange(6).reshape(2, 3)
    b = a.t()
    assert not b.is_contiguous()
    assert b.view(3, 2).shape == (3, 2) and b.view(3, 1, 2).shape == (3, 1, 2)
    x = torch.arange(24).reshape(4, 6)
    assert not x[:, ::2].is_contiguous() and x[:, ::2].view(2, 2, 3).shape == (2, 2, 3)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        b.view(-1)  # the layout a flat view cannot describe


def test_storage_pointers_are_not_the_sharing_test():
    arr = np.arange(6.0)
    whole, tail = torch.from_numpy(arr), torch.from_numpy(arr[2:])
    tail[0] = -1.0
    assert whole[2].item() == -1.0  # they share memory...
    assert whole.untyped_storage().data_ptr() != tail.untyped_storage().data_ptr()  # ...under different pointers
    e1, e2 = torch.empty(0), torch.empty(0)
    assert e1.untyped_storage().data_ptr() == e2.untyped_storage().data_ptr() == 0  # two storages, one "pointer"


def test_legacy_tensor_follows_the_default_dtype():
    assert torch.Tensor([1, 2]).dtype == torch.get_default_dtype() == torch.float32
    old = torch.get_default_dtype()
    try:
        torch.set_default_dtype(torch.float64)
        assert torch.Tensor([1, 2]).dtype == torch.float64
    finally:
        torch.set_default_dtype(old)


def test_a_zero_dim_index_tensor_gives_a_view():
    X = torch.arange(12.0).reshape(3, 4)
    row = X[torch.tensor(1)]
    row[0] = -1.0
    assert X[1, 0].item() == -1.0 and row.untyped_storage().data_ptr() == X.untyped_storage().data_ptr()
    copy = X[torch.tensor([1])]
    copy[0, 0] = 100.0
    assert X[1, 0].item() == -1.0  # a 1-d index tensor: advanced indexing, a copy


def test_an_add_only_graph_backs_up_twice():
    x = torch.ones(3, requires_grad=True)
    s = (x + 1).sum()
    s.backward()
    s.backward()  # nothing was saved for backward, so nothing was freed
    assert x.grad.tolist() == [2.0, 2.0, 2.0]
    y = torch.ones(3, requires_grad=True)
    q = (y * y).sum()
    q.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        q.backward()


def test_no_grad_allows_numpy_and_a_view_made_there_keeps_the_flag():
    w = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        w.numpy()
    with torch.no_grad():
        assert w.numpy().tolist() == [1.0, 1.0, 1.0]  # allowed here
        computed, copied, view = w * 2, w.clone(), w[:2]
    assert not computed.requires_grad and not copied.requires_grad
    assert view.requires_grad and view.is_leaf and view.grad_fn is None  # the exception: a view keeps the flag


def test_variable_with_requires_grad_tracks():
    v = Variable(torch.ones(2), requires_grad=True)
    assert type(v) is torch.Tensor and v.requires_grad and v.is_leaf
    assert not Variable(torch.ones(2)).requires_grad


# ---- the chapters agree ----
# Wording that states the claims above wrongly; no chapter may contain it.
FALSE = {
    "01_creating_tensors": [r"`torch\.Tensor` always gives float32"],
    "02_indexing_and_slicing": [r"advanced indexing \(masks, lists, index tensors\) returns\s+a copy"],
    "03_operations": [r"raises when the result would need a wider dtype"],
    "05_memory_sharing": [r"memory exactly when it is the same", r"always returns the default float type,\s*float32"],
    "06_contiguity": [r"`view` raises on a non-contiguous tensor"],
    "07_autograd": [r"does not switch on tracking", r"a second pass needs `retain_graph=True`", r"results of ops do not require grad"],
    "08_detach": [r"`t\.numpy\(\)` refuses tensors that require grad\.", r"results are new tensors outside it"],
}
# Code a chapter runs to show the exception to its rule (its stored output is then checked by nbval).
SHOWN = {
    "01_creating_tensors": [r"torch\.set_default_dtype\(torch\.float64\)"],
    "02_indexing_and_slicing": [r"\[torch\.tensor\(\d\)\]"],
    "03_operations": [r"\+= 300", r"dtype=torch\.int32\)\n\w+ \+= "],
    "05_memory_sharing": [r"torch\.set_default_dtype\(torch\.float64\)", r"torch\.from_numpy\(arr\[2:\]\)", r"torch\.empty\(0\)"],
    "06_contiguity": [r"b\.view\(3, 2\)", r"b\.view\(3, 1, 2\)", r"\[:, ::2\]\s*#.*\n.*\.view\(2, 2, 3\)"],
    "07_autograd": [r"\(x \+ 1\)\.sum\(\)", r"Variable\(torch\.ones\(2, 3\), requires_grad=True\)"],
}
PENDING: dict[str, str] = {}


@pytest.mark.parametrize("ch", [pytest.param(ch, marks=[pytest.mark.xfail(strict=True, reason=PENDING[ch])] if ch in PENDING else [])
                                for ch in sorted(set(FALSE) | set(SHOWN))])
def test_the_chapter_agrees_with_torch(ch):
    assert ch in CHAPTERS
    cells = read(solution_path(ch)).cells
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    said = [p for p in FALSE.get(ch, []) if re.search(p, prose)]
    missing = [p for p in SHOWN.get(ch, []) if not re.search(p, code)]
    assert not said and not missing, f"{ch}: false wording {said}; counterexamples not run {missing}"
