"""The learner process's namespace check: after a question it compares only the namespaces whose dict version
tag moved; after a cell, every namespace."""
from __future__ import annotations

import types

from autograder.grading import integrity


class Tensorish:
    def add(self):
        return "add"


def _base():
    module = types.ModuleType("watched")
    module.value = object()
    return module, integrity.Baseline({"watched": vars(module), "Tensorish": vars(Tensorish)})


def test_a_change_through_the_interpreter_is_seen_after_a_question():
    module, base = _base()
    assert base.tags is not None and integrity.changes(base, full=False) == []
    module.value = object()
    assert integrity.changes(base, full=False) == ["watched changed"]
    original = Tensorish.add
    Tensorish.add = lambda self: "not add"
    try:
        assert integrity.changes(base, full=False) == ["watched changed", "Tensorish changed"]
    finally:
        Tensorish.add = original
    assert integrity.changes(base, full=False) == ["watched changed"]  # add is back; value is still not


def test_a_namespace_whose_tag_did_not_move_is_compared_only_at_the_cell_end():
    _, base = _base()
    name, d, keys, values, closed = base.spaces[0]
    base.spaces[0] = (name, d, keys, (object(),), closed)  # as if its value had changed without the dict knowing
    assert integrity.changes(base, full=False) == []
    assert integrity.changes(base, full=True) == ["watched changed"]


def test_a_name_added_and_removed_again_leaves_the_space_clean():
    module, base = _base()
    module.extra = 1
    del module.extra
    assert integrity.changes(base, full=False) == [] and integrity.changes(base) == []
    module.value, before = object(), module.value
    assert integrity.changes(base, full=False) == ["watched changed"]
    module.value = before
    assert integrity.changes(base, full=False) == []
