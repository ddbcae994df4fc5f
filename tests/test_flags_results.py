"""The flag vocabulary and the per-notebook result files: one meaning for every flag, everywhere."""
from __future__ import annotations

import pytest

from autograder.grading import flags as F
from autograder.grading import results as R


def test_a_flag_is_kind_and_detail_and_its_kind_must_be_declared():
    assert F.flag("missing-cell", "ex1_make_grid_test") == "missing-cell:ex1_make_grid_test"
    assert F.flag("corrupt-notebook") == "corrupt-notebook"
    assert F.kind_of("missing-cell:ex1:odd") == "missing-cell"
    with pytest.raises(KeyError, match="undeclared"):
        F.flag("missing-cel", "x")  # a typo is an error, not a silently ignored flag


@pytest.mark.parametrize("kind", sorted(F.KINDS))
def test_needs_human_follows_the_declaration(kind):
    assert F.needs_human([F.flag(kind, "x")]) is F.KINDS[kind].human
    assert F.status([F.flag(kind, "x")], failed=False) == ("flagged" if F.KINDS[kind].human else "graded")
    assert F.status([F.flag(kind, "x")], failed=True) == "error"


def test_an_undeclared_flag_read_back_needs_a_human():
    assert F.needs_human(["something-new:x"])
    assert not F.needs_human([])
    assert F.status([], failed=False) == "graded"


def test_a_result_survives_its_file_and_says_its_status(tmp_path):
    res = R.NotebookResult(score=3.0, max_score=11.0, flags=[F.flag("cell-timeout", 4)],
                           cells=[R.CellResult("ex1_make_grid_test", 0.0, 2.0, "wrong dtype")], seconds=1.5)
    R.save(tmp_path, "a", "s", "nb", res)
    back = R.load(tmp_path, "a", "s", "nb")
    assert back == res and back.status == "flagged"
    assert R.load(tmp_path, "a", "other", "nb") is None
    R.result_path(tmp_path, "a", "s", "nb").write_text("{not json")
    assert R.load(tmp_path, "a", "s", "nb") is None  # unreadable: graded again, never a crash
    assert R.NotebookResult(0.0, 2.0, reason="could not grade").status == "error"
