"""Every chapter follows the course's conventions (chapter 01 is the exemplar)."""
from __future__ import annotations

import ast
import re

import pytest

from autograder.checking.exercise import lookup
from autograder.tools.submissions import answer_ids, graded_ids, read
from conftest import CHAPTERS, release_path, solution_path

NAMES = ["01_creating_tensors", "02_indexing_and_slicing", "03_operations", "04_broadcasting",
         "05_memory_sharing", "06_contiguity", "07_autograd", "08_detach", "09_mini_autograd",
         "10_train_with_your_autograd"]
TEST_CELL = re.compile(r'^(#[^\n]*\n)*check\("(ch\d\d\.\w+)"\)\n### BEGIN HIDDEN TESTS\ncheck\("\2", hidden=True\)\n### END HIDDEN TESTS$')


def test_chapter_names_are_the_fixed_ones():
    assert CHAPTERS and set(CHAPTERS) <= set(NAMES), f"unknown chapter folders: {set(CHAPTERS) - set(NAMES)}"


@pytest.mark.parametrize("ch", CHAPTERS)
def test_exercises_are_graded_the_course_way(ch):
    nb = read(solution_path(ch))
    answers, tests = answer_ids(nb), graded_ids(nb)
    assert len(tests) >= 6, f"{ch}: at least 6 graded exercises, found {len(tests)}"
    assert [f"{a}_test" for a in answers] == tests, f"{ch}: each answer cell exN_slug needs its test cell exN_slug_test"
    prefix = "ch" + ch[:2]
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            m = TEST_CELL.match(cell.source)
            assert m, f"{ch}/{meta['grade_id']}: a test cell is comments + check(name) + a hidden check(name, hidden=True)"
            assert m.group(2).startswith(prefix + "."), f"{ch}: exercise names start with {prefix}."
            lookup(m.group(2))  # registered in autograder/exercises
            assert meta.get("points", 0) > 0 and meta.get("locked")
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in cell.source and not meta.get("grade")


@pytest.mark.parametrize("ch", CHAPTERS)
def test_prose_follows_the_exemplar(ch):
    nb = read(solution_path(ch))
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert md[0].startswith(f"# {ch[:2]} · "), f"{ch}: the first cell is the title '# {ch[:2]} · ...'"
    assert md[-1].startswith("## Summary"), f"{ch}: end with a '## Summary' cell"
    assert sum("Predict, then check" in m for m in md) >= 2, f"{ch}: at least 2 'Predict, then check' exercises"
    assert any("**" in m for m in md), f"{ch}: key facts in bold"
    setup = next(c.source for c in nb.cells if c.cell_type == "code")
    assert "from autograder import check" in setup and "torch.manual_seed" in setup, f"{ch}: the first code cell imports check and seeds torch"


@pytest.mark.parametrize("ch", CHAPTERS)
def test_stored_outputs_have_no_errors_or_stderr(ch):
    nb = read(solution_path(ch))
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{ch}: a stored error output; run `make outputs`"
            assert not (out.output_type == "stream" and out.name == "stderr"), f"{ch}: stray stderr in stored outputs: {out.text[:200]}"
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert " at 0x" not in text, f"{ch}: an object's address is stored as output (e.g. write `_ = torch.manual_seed(0)`): {text[:120]}"
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code"), f"{ch}: run `make outputs` to store outputs"


def test_the_lint_rejects_a_test_cell_with_inline_asserts():
    bad = 'check("ch01.make_grid")\nassert make_grid(1, 1).dtype == torch.float32\n### BEGIN HIDDEN TESTS\ncheck("ch01.make_grid", hidden=True)\n### END HIDDEN TESTS'
    good = '# note\ncheck("ch01.make_grid")\n### BEGIN HIDDEN TESTS\ncheck("ch01.make_grid", hidden=True)\n### END HIDDEN TESTS'
    assert TEST_CELL.match(good) and not TEST_CELL.match(bad)


# ---- skeletons: every answer cell tells the learner what to write ----
# Chapters whose answer cells are not skeletons yet (strict: the entry must go once they are).
SKELETONS_PENDING: dict[str, str] = {}


def _pending(chapters, pending: dict) -> list:
    return [pytest.param(ch, marks=[pytest.mark.xfail(strict=True, reason=pending[ch])] if ch in pending else [])
            for ch in chapters]


def _defined(source: str) -> dict[str, str]:
    """Top-level names a cell defines, each with what it is: 'def f(a, b)', 'class C', or '='."""
    out: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[node.name] = f"def {node.name}({ast.unparse(node.args)})"
        elif isinstance(node, ast.ClassDef):
            out[node.name] = f"class {node.name}"
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        out[name.id] = "="
    return {k: v for k, v in out.items() if not k.startswith("_")}


def skeleton_problems(solution_source: str, released_source: str) -> list[str]:
    """What a released answer cell lacks to be a skeleton of its solution: [] when it is one."""
    want, have = _defined(solution_source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "")), _defined(released_source)
    problems = [f"`{name}` ({what}) is not in the skeleton" for name, what in want.items() if name not in have]
    problems += [f"the skeleton has `{have[name]}`, the solution `{what}`" for name, what in want.items()
                 if name in have and what != "=" and have[name] != what]
    if "NotImplementedError" not in released_source and "..." not in released_source:
        problems.append("nothing in the skeleton says what to do (`...` or `raise NotImplementedError(\"...\")`)")
    return problems


@pytest.mark.parametrize("ch", _pending(CHAPTERS, SKELETONS_PENDING))
def test_every_answer_cell_has_a_skeleton(ch):
    released = {c.metadata["nbgrader"]["grade_id"]: c.source for c in read(release_path(ch)).cells
                if c.metadata.get("nbgrader", {}).get("solution")}
    problems = {gid: p for c in read(solution_path(ch)).cells if c.metadata.get("nbgrader", {}).get("solution")
                for gid in [c.metadata["nbgrader"]["grade_id"]] if (p := skeleton_problems(c.source, released[gid]))}
    assert not problems, f"{ch}: answer cells without a skeleton (names and signatures outside ### BEGIN SOLUTION): {problems}"


def test_the_skeleton_lint_rejects_a_bare_stub_and_a_changed_signature():
    solution = "def f(a, b):\n    ### BEGIN SOLUTION\n    return a\n    ### END SOLUTION\n"
    assert not skeleton_problems(solution, "def f(a, b):\n    raise NotImplementedError(\"return a\")\n")
    assert skeleton_problems(solution, "# YOUR CODE HERE\nraise NotImplementedError()")
    assert skeleton_problems(solution, "def f(a):\n    raise NotImplementedError()\n")
    prediction = "predicted_x = ...\n### BEGIN SOLUTION\npredicted_x = 3\n### END SOLUTION"
    assert not skeleton_problems(prediction, "predicted_x = ...\nraise NotImplementedError()")


def asked(source: str) -> list[str]:
    """The functions and methods an answer cell asks the learner to write: those whose own body holds a solution region."""
    names, stack = [], []  # (indent, name) of the defs enclosing the current line
    for line in source.splitlines():
        indent = len(line) - len(line.lstrip())
        if line.strip():
            stack = [(i, n) for i, n in stack if i < indent]
        if m := re.match(r"\s*def (\w+)", line):
            stack.append((indent, m.group(1)))
        elif line.strip() == "### BEGIN SOLUTION" and stack and stack[-1][1] not in names:
            names.append(stack[-1][1])
    return names


MAX_ASKED = 4  # one concept per graded cell: a few methods, never a whole class at once


@pytest.mark.parametrize("ch", CHAPTERS)
def test_no_answer_cell_asks_for_more_than_four_methods(ch):
    big = {c.metadata["nbgrader"]["grade_id"]: asked(c.source) for c in read(solution_path(ch)).cells
           if c.metadata.get("nbgrader", {}).get("solution") and len(asked(c.source)) > MAX_ASKED}
    assert not big, f"{ch}: answer cells asking for more than {MAX_ASKED} functions: {big}"


def test_asked_counts_what_the_learner_writes_not_what_is_given():
    method = "    def {0}(self):\n        ### BEGIN SOLUTION\n        return 1\n        ### END SOLUTION\n"
    given = "    def __rsub__(self, other):\n        return -self + other\n"
    nested = "    def exp(self):\n        ### BEGIN SOLUTION\n        def _backward():\n            pass\n        ### END SOLUTION\n"
    cell = "class Tensor(Tensor):\n" + "".join(method.format(n) for n in ("a", "b", "c", "d")) + given + nested
    assert asked(cell) == ["a", "b", "c", "d", "exp"]
    assert asked("predicted_x = ...\n### BEGIN SOLUTION\npredicted_x = 3\n### END SOLUTION") == []


# ---- predictions are never spoiled ----
# Each "Predict, then check" exercise's answer cell carries metadata.course.predict:
#   {"exprs": {"predicted_x": "expression it stands for", ...}, "reveals": [grade_ids of the cells that show torch's answer]}
PREDICT_PENDING: dict[str, str] = {}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _text(cell) -> str:
    """What a cell shows: a markdown cell's prose, a code cell's stored outputs."""
    if cell.cell_type == "markdown":
        return cell.source
    return "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", []))


def _printed(value) -> list[str]:
    """How a predicted value would show up in an output or in prose, when it is distinctive enough to search for
    (dtypes and booleans are too common: those predictions are guarded by their expressions instead)."""
    import torch
    if isinstance(value, torch.Size):
        return [repr(value)] + ([repr(tuple(value))] if len(value) else [])
    if isinstance(value, tuple) and value and all(type(v) is int for v in value):
        return [repr(value), repr(torch.Size(value))]
    if isinstance(value, dict):
        return [p for v in value.values() for p in _printed(v)]
    return []


def spoilers(nb, ns: dict) -> list[str]:
    """Every way the notebook gives a prediction away before the learner has run its test: [] when none."""
    cells, ids = nb.cells, [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    found = []
    for k, cell in enumerate(cells):
        md = cells[k - 1].source if k and cells[k - 1].cell_type == "markdown" else ""
        predict = cell.metadata.get("course", {}).get("predict")
        if "Predict, then check" in md and cell.metadata.get("nbgrader", {}).get("solution") and not predict:
            found.append(f"{ids[k]}: a Predict exercise without metadata.course.predict")
        if not predict:
            continue
        gid, exprs, reveals = ids[k], predict.get("exprs", {}), predict.get("reveals", [])
        test_at = ids.index(f"{gid}_test")
        assigned = {n for n in _assigned_names(cell.source) if n.startswith("predicted_")}
        if set(exprs) != assigned or not reveals:
            found.append(f"{gid}: metadata names {sorted(exprs)} and reveals {reveals}; the cell predicts {sorted(assigned)}")
        for r in reveals:
            if r not in ids or ids.index(r) <= test_at:
                found.append(f"{gid}: reveal cell {r} is not after the test cell")
        shown = _squash("\n".join(cells[ids.index(r)].source for r in reveals if r in ids))
        before = [c for j, c in enumerate(cells[:test_at]) if j != k]
        for name, expr in ((n, e) for n, es in exprs.items() for e in (es if isinstance(es, list) else [es])):
            if _squash(expr) not in shown:
                found.append(f"{gid}: no reveal cell runs `{expr}` ({name})")
            ran = [ids[j] for j, c in enumerate(cells[:test_at]) if j != k and c.cell_type == "code" and _squash(expr) in _squash(c.source)]
            if ran:
                found.append(f"{gid}: `{expr}` ({name}) is run before the test cell, in {ran}")
        for name in exprs:
            for text in _printed(ns.get(name)):
                where = [ids[cells.index(c)] for c in before if text in _text(c)]
                if where:
                    found.append(f"{gid}: {name}'s answer {text} is shown before the test cell, in {where}")
    return found


def _assigned_names(source: str) -> set[str]:
    return {n.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Assign)
            for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}


@pytest.mark.parametrize("ch", _pending(CHAPTERS, PREDICT_PENDING))
def test_predictions_are_not_spoiled(ch):
    from exercise_harness import namespace
    found = spoilers(read(solution_path(ch)), namespace(ch))
    assert not found, f"{ch}: " + "\n".join(found)


def test_the_spoiler_test_catches_a_reveal_before_the_test_cell():
    import nbformat

    def cell(kind, gid, source, meta=None, out=None):
        c = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
        c.metadata = {"nbgrader": {"grade_id": gid, "solution": gid == "ex1_p"}, **(meta or {})}
        if out is not None:
            c.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": out})]
        return c
    predict = {"course": {"predict": {"exprs": {"predicted_shape": "x.reshape(2, -1).shape"}, "reveals": ["reveal"]}}}
    good = [cell("md", "m", "### Exercise 1 (Predict, then check)"), cell("code", "ex1_p", "predicted_shape = (2, 3)", predict),
            cell("code", "ex1_p_test", 'check("ch01.p")'), cell("code", "reveal", "x.reshape(2, -1).shape", out="torch.Size([2, 3])")]
    ns = {"predicted_shape": (2, 3)}
    assert spoilers(nbformat.v4.new_notebook(cells=good), ns) == []
    early = good[:1] + [cell("code", "peek", "x.reshape(2,-1).shape", out="torch.Size([2, 3])")] + good[1:]
    assert len(spoilers(nbformat.v4.new_notebook(cells=early), ns)) == 2  # run before, and its value shown
    told = [cell("md", "m0", "So the shape is (2, 3).")] + good
    assert spoilers(nbformat.v4.new_notebook(cells=told), ns)
    moved = good[:2] + good[3:] + good[2:3]
    assert spoilers(nbformat.v4.new_notebook(cells=moved), ns)
    assert spoilers(nbformat.v4.new_notebook(cells=[good[0], cell("code", "ex1_p", "predicted_shape = (2, 3)")] + good[2:]), ns)
