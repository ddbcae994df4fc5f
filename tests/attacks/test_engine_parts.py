"""The engine's parts on their own: the judge's parsing, the tape reader, the scan, the worker and its fallback,
and a plain `nbgrader autograde` with the course config going through the engine."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

import dataclasses

import torch

from autograder.checking.exercise import STEPS
from autograder.grading import judge as J
from autograder.grading import sandbox, worker
from autograder.grading import tape as T
from autograder.grading.plan import plan_cell
from autograder.grading.recorder import answer
from autograder.grading.scan import scan_source
from autograder.grading.tape import TapeError
from autograder.tools import submissions as S
from conftest import REPO, copy_of, require, run, solution_path

CH = "01_creating_tensors"


def test_trusted_checks_are_parsed_and_anything_else_refused():
    src = '# Tests (2 points).\ncheck("ch01.make_grid")\n### BEGIN HIDDEN TESTS\ncheck("ch01.make_grid", hidden=True)\n### END HIDDEN TESTS'
    assert J.parse_checks(src) == [("ch01.make_grid", False), ("ch01.make_grid", True)]
    assert J.parse_checks('check("ch01.x")\nassert True') is None
    assert J.parse_checks('check(name)') is None
    assert J.parse_checks('check("a", hidden=1)') is None
    assert J.parse_checks("") is None


@pytest.mark.parametrize("wire", ["\xff\xfe", "not json", '{"@a": 3, "v": 1, "m": {}}', '{"@nd": "AAAA"}',
                                  '{"@raw": ["|O", [1], "AAAA"]}', '{"@raw": ["<f8", [-1], ""]}', "[" * 100000])
def test_unreadable_answers_are_refused_without_crashing(wire):
    with pytest.raises(TapeError):
        T.loads(wire)
    sealed = J.Sealed(plan_cell([("ch01.make_grid", False)], 1), [wire] * 3)
    passed, outputs, why = J.judge_cell([("ch01.make_grid", False)], sealed, 1)
    assert not passed and why and outputs[-1]["output_type"] == "error"


def test_answers_planned_for_another_cell_are_not_judged():
    sealed = J.Sealed(plan_cell([("ch01.convert", False)], 1), [])
    passed, _, why = J.judge_cell([("ch01.make_grid", False)], sealed, 1)
    assert not passed and why.startswith("the questions sent for this test cell are not")


def test_a_replay_asking_other_questions_is_a_judge_crash_not_a_wrong_answer():
    plan = plan_cell([("ch01.make_grid", False)], 1)[0]
    forged = dataclasses.replace(plan, keys=tuple("0" * 32 for _ in plan.keys))
    ns = {"make_grid": lambda r, c: torch.arange(r * c, dtype=torch.float32).reshape(r, c)}
    answers = [answer(STEPS, ns, w).decode() for w in plan.questions]
    passed, _, why = J.judge_cell([("ch01.make_grid", False)], J.Sealed([forged], answers), 1)
    assert not passed and why.startswith("judge-crash")
    assert J.judge_cell([("ch01.make_grid", False)], J.Sealed([plan], answers), 1)[0]


def test_hidden_seed_is_stable_and_secret_dependent():
    assert J.hidden_seed(b"k", "s", "a", "n") == J.hidden_seed(b"k", "s", "a", "n")
    assert J.hidden_seed(b"k", "s", "a", "n") != J.hidden_seed(b"other", "s", "a", "n")


def test_scan_flags_tampering_but_not_honest_code():
    assert scan_source("import numpy as xp\nxp.allclose = lambda *a: True")
    assert scan_source("setattr(torch, 'equal', None)")
    assert scan_source("exec('torch.equal = None')")
    for part in ("checks", "memory_checks"):  # the verdicts, and the module they make verdicts of
        assert scan_source(f"from autograder.checking import {part}") == [f"imports autograder.checking.{part}"]
    honest = ("def make_grid(rows, cols):\n    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)\n"
              "%timeit make_grid(2, 3)\nclass Tensor:\n    def __init__(self, data):\n        self.data = data\n"
              "        self._backward = lambda: None\n")
    assert scan_source(honest) == []


def test_fallback_without_bwrap_runs_and_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOGRADER_NO_BWRAP", "1")
    pool = worker.Pool(1, tmp_path / "pool")
    try:
        r = pool.run(worker.Job.of("import torch\nprint(torch.ones(2).sum().item())"))
    finally:
        pool.close()
    assert sandbox.NO_SANDBOX_FLAG in r.flags and r.reason is None
    assert r.cells[0]["outputs"][0]["text"] == "2.0\n"


def test_sandbox_limits_processes_and_leaves_nothing_behind(tmp_path):
    require(sandbox.bwrap_path() is not None, "bubblewrap")
    pool = worker.Pool(1, tmp_path / "pool")
    fork = ("import os, time\nn = 0\nfor i in range(400):\n    try:\n        pid = os.fork()\n    except OSError:\n        break\n"
            "    if pid == 0:\n        time.sleep(60)\n        os._exit(0)\n    n += 1\nprint(n)")
    count = "import os\nprint(len([p for p in os.listdir('/proc') if p.isdigit()]), os.getuid(), sorted(os.listdir('/')))"
    try:
        first = pool.run(worker.Job.of(fork))
        second = pool.run(worker.Job.of(count))
    finally:
        pool.close()
    forked = int(first.cells[0]["outputs"][0]["text"])
    assert forked < 400  # the process limit stopped it
    procs, uid, top = second.cells[0]["outputs"][0]["text"].split(" ", 2)
    assert int(procs) <= 3 and uid == "65534"  # bwrap's init, the zygote, this notebook: the sleepers are gone
    assert "course" not in top and "solutions" not in top


def test_plain_nbgrader_autograde_uses_the_engine(released, tmp_path):
    course = copy_of(released(None, [CH]), tmp_path)  # its gradebook knows chapter 01: one generate_assignment
    (course / "nbgrader_config.py").write_text((course / "nbgrader_config.py").read_text()
                                               + "\nc.SandboxedExecute.timeout = 5\n")
    release = S.read(REPO / "notebooks" / CH / f"{CH}.ipynb")
    perfect = S.solution_answers(S.read(solution_path(CH)))
    cheat = {**perfect, "ex1_make_grid": "torch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n"
                                         "def make_grid(rows, cols):\n    return torch.zeros(rows, cols)"}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sid, answers in {"honest": perfect, "cheat": cheat}.items():
            S.write(S.fill(release, answers), course / "submitted" / sid / CH / f"{CH}.ipynb")
            gb.update_or_create_student(sid)
    run(["nbgrader", "autograde", CH, "--force", "--log-level=WARN"], cwd=course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        honest, cheat_nb = gb.find_submission_notebook(CH, CH, "honest"), gb.find_submission_notebook(CH, CH, "cheat")
        assert honest.score == honest.max_score > 0
        assert cheat_nb.score == honest.max_score - 2 and cheat_nb.needs_manual_grade
    result = json.loads((course / ".autograder" / "results" / CH / "cheat" / f"{CH}.json").read_text())
    assert any("torch.allclose" in f for f in result["flags"])
    autograded = (course / "autograded" / "cheat" / CH / f"{CH}.ipynb").read_text()
    assert "answers recorded for" not in autograded and "ch01.make_grid: wrong" not in autograded


def test_a_killed_cell_costs_only_itself_even_after_a_timed_out_cell(tmp_path):
    """The cells before a killer are replayed in a fresh process; one that timed out first times out again, and
    the cells after the killer still run on the state the cells before it built."""
    require(sandbox.bwrap_path() is not None, "bubblewrap")
    pool = worker.Pool(1, tmp_path / "pool")
    limits = sandbox.Limits(cell_timeout=2, notebook_budget=60)
    try:
        r = pool.run(worker.Job.of("x = 41", "x += 1\nwhile True:\n    pass", "import os\nos._exit(1)", "print(x)",
                                   limits=limits))
    finally:
        pool.close()
    assert [r.cells[i]["status"] for i in range(4)] == ["ok", "interrupted", "killed", "ok"], r.cells
    assert r.cells[3]["outputs"][0]["text"] == "42\n"
    assert sorted(f[:3] for f in r.found) == [["cell-timeout", "", 1],
                                              ["killed-cell", "exited with code 1 (os._exit or a crash)", 2]]


@pytest.mark.parametrize("raw", [{"output_type": "display_data", "data": {"text/plain": {"a": 1}}, "metadata": {}},
                                 {"output_type": "stream", "name": "stdout", "text": 3},
                                 {"output_type": "nonsense"}])
def test_a_malformed_output_from_the_sandbox_becomes_a_note_not_a_failed_notebook(raw):
    from autograder.grading.preprocessors.sandboxed_execute import _clean_output
    assert _clean_output(raw) == {"output_type": "stream", "name": "stdout", "text": "[a malformed output was dropped]\n"}


def test_a_well_formed_output_is_kept_as_it_is():
    from autograder.grading.preprocessors.sandboxed_execute import _clean_output
    raw = {"output_type": "display_data", "data": {"text/plain": "tensor([1])"}, "metadata": {}}
    assert _clean_output(raw) == raw


def test_both_array_forms_read_back_and_an_object_dtype_is_refused():
    import numpy as np
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert np.array_equal(T.loads(T.answer_bytes(a)), a) and T.loads(T.answer_bytes(a)).dtype == a.dtype
    assert np.array_equal(T.loads(T.dumps(a)), a)
    with pytest.raises(TapeError):
        T.loads('{"@raw":["|O",[1],"AAAAAAAAAAA="]}')
