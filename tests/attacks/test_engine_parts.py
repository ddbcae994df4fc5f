"""The engine's parts on their own: the judge's parsing, the tape reader, the scan, the worker and its fallback,
and a plain `nbgrader autograde` with the course config going through the engine."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.grading import judge as J
from autograder.grading import sandbox, worker
from autograder.tools import submissions as S
from autograder.grading.scan import scan_source
from autograder.grading.tape import TapeError
from conftest import REPO, require, run, solution_path

CH = "01_creating_tensors"


def test_trusted_checks_are_parsed_and_anything_else_refused():
    src = '# Tests (2 points).\ncheck("ch01.make_grid")\n### BEGIN HIDDEN TESTS\ncheck("ch01.make_grid", hidden=True)\n### END HIDDEN TESTS'
    assert J.parse_checks(src) == [("ch01.make_grid", False), ("ch01.make_grid", True)]
    assert J.parse_checks('check("ch01.x")\nassert True') is None
    assert J.parse_checks('check(name)') is None
    assert J.parse_checks('check("a", hidden=1)') is None
    assert J.parse_checks("") is None


@pytest.mark.parametrize("raw", [b"\xff\xfe", b"not json\n", b'{"tape": 3, "exercise": "x"}\n',
                                 b'{"exercise": "x", "tape": [["step"]]}\n', b'{"exercise": "x", "tape": [["s", 5]]}\n',
                                 b'{"exercise": "x", "tape": [["s", {"@nd": "AAAA"}]]}\n', b"[" * 100000])
def test_forged_tapes_are_refused_without_crashing(raw):
    with pytest.raises(TapeError):
        J.read_tape(raw)
    passed, outputs, why = J.judge_cell([("ch01.make_grid", False)], raw, 1)
    assert not passed and why and outputs[-1]["output_type"] == "error"


def test_a_tape_for_another_cell_is_flagged_as_forged():
    rec = b'{"exercise": "ch01.scalars", "hidden": false, "seed": 1, "tape": []}\n'
    passed, _, why = J.judge_cell([("ch01.make_grid", False)], rec, 1)
    assert not passed and why.startswith("forged-tape")


def test_hidden_seed_is_stable_and_secret_dependent():
    assert J.hidden_seed(b"k", "s", "a", "n") == J.hidden_seed(b"k", "s", "a", "n")
    assert J.hidden_seed(b"k", "s", "a", "n") != J.hidden_seed(b"other", "s", "a", "n")


def test_scan_flags_tampering_but_not_honest_code():
    assert scan_source("import numpy as xp\nxp.allclose = lambda *a: True")
    assert scan_source("setattr(torch, 'equal', None)")
    assert scan_source("exec('torch.equal = None')")
    honest = ("def make_grid(rows, cols):\n    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)\n"
              "%timeit make_grid(2, 3)\nclass Tensor:\n    def __init__(self, data):\n        self.data = data\n"
              "        self._backward = lambda: None\n")
    assert scan_source(honest) == []


def test_fallback_without_bwrap_runs_and_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOGRADER_NO_BWRAP", "1")
    pool = worker.Pool(1, tmp_path / "pool")
    try:
        r = pool.run(worker.Job(cells=[(0, "import torch\nprint(torch.ones(2).sum().item())")], files={}, seed=1))
    finally:
        pool.close()
    assert sandbox.NO_SANDBOX_FLAG in r.flags and r.reason is None
    assert json.loads(r.cells.decode().splitlines()[0])["outputs"][0]["text"] == "2.0\n"


def test_sandbox_limits_processes_and_leaves_nothing_behind(tmp_path):
    require(sandbox.bwrap_path() is not None, "bubblewrap")
    pool = worker.Pool(1, tmp_path / "pool")
    fork = ("import os, time\nn = 0\nfor i in range(400):\n    try:\n        pid = os.fork()\n    except OSError:\n        break\n"
            "    if pid == 0:\n        time.sleep(60)\n        os._exit(0)\n    n += 1\nprint(n)")
    count = "import os\nprint(len([p for p in os.listdir('/proc') if p.isdigit()]), os.getuid(), sorted(os.listdir('/')))"
    try:
        first = pool.run(worker.Job(cells=[(0, fork)], files={}, seed=1))
        second = pool.run(worker.Job(cells=[(0, count)], files={}, seed=1))
    finally:
        pool.close()
    forked = int(json.loads(first.cells.decode().splitlines()[0])["outputs"][0]["text"])
    assert forked < 400  # the process limit stopped it
    procs, uid, top = json.loads(second.cells.decode().splitlines()[0])["outputs"][0]["text"].split(" ", 2)
    assert int(procs) <= 3 and uid == "65534"  # bwrap's init, the zygote, this notebook: the sleepers are gone
    assert "course" not in top and "solutions" not in top


def test_plain_nbgrader_autograde_uses_the_engine(course):
    (course / "nbgrader_config.py").write_text((course / "nbgrader_config.py").read_text()
                                               + "\nc.SandboxedExecute.timeout = 5\n")
    run(["nbgrader", "generate_assignment", CH, "--force", "--log-level=WARN"], cwd=course)
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
