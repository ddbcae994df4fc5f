"""The student environment (`make student-env` -> .venv-student) is what a class's student gets, and holds no solution.

- the grader side is not there: `autograder.grading` (so the chapter-09 reference engine) and `autograder.engine`
  fail to import, and the installed `autograder` package is `__init__.py` + `checking/` only;
- no file anywhere in the environment contains a line of the chapter-09 solution (the same search finds those
  lines in the repo's grader side, where the reference engine lives);
- every chapter's visible check passes there with the solution's answers, and fails (a lesson, not a crash) with
  each exercise's typical wrong answer: run through `check()` itself by the environment's own Python, outside
  the repo (`python -I`, so nothing from the checkout can be imported).

Building the environment the first time takes a few minutes (`make student-env`, idempotent afterwards).
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import torch

from autograder.tools.submissions import read, solution_answers
from conftest import CHAPTERS, REPO, release_path, run, solution_path
from exercise_harness import answers_file, exercise_name, kernel_cells

STUDENT = REPO / ".venv-student"
PY = STUDENT / "bin" / "python"


@pytest.fixture(scope="module")
def student_env():
    run(["make", "student-env"], cwd=REPO, timeout=1800)
    return STUDENT


def student_python(args: list[str], cwd, stdin: str = "") -> subprocess.CompletedProcess:
    """The student environment's Python, isolated (-I: neither the checkout nor the cwd is on sys.path)."""
    return subprocess.run([str(PY), "-I", *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=900,
                          env={"PATH": f"{STUDENT / 'bin'}:/usr/bin:/bin", "HOME": str(cwd), "MPLBACKEND": "Agg"})


def test_the_grader_side_is_not_installed(student_env, tmp_path):
    probe = ("import importlib, json, os, autograder\n"
             "out = {'files': sorted(os.listdir(os.path.dirname(autograder.__file__)))}\n"
             "for name in ('autograder.grading', 'autograder.grading.reference.engine', 'autograder.engine', 'autograder.tools'):\n"
             "    try:\n        importlib.import_module(name); out[name] = 'imported'\n"
             "    except ImportError as e:\n        out[name] = 'ImportError'\n"
             "print(json.dumps(out))")
    proc = student_python(["-c", probe], tmp_path)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert set(got.pop("files")) - {"__pycache__"} == {"__init__.py", "checking"}
    assert got == dict.fromkeys(got, "ImportError") and len(got) == 4, got


def solution_lines() -> set[str]:
    """Distinctive lines of the chapter-09 solution: inside its solution regions, not given in the release."""
    ch = "09_mini_autograd"
    released = "\n".join(c.source for c in read(release_path(ch)).cells)
    lines = set()
    for src in solution_answers(read(solution_path(ch))).values():
        lines |= {line.strip() for line in src.splitlines() if len(line.strip()) > 24}
    # signatures and decorators are the API every engine shares (the torch adapter too), not the solution; and a
    # line torch's own source holds (e.g. `if not self.requires_grad:`) is torch's, whatever the solution says
    lines = {line for line in lines if line not in released and not line.startswith(("#", "def ", "@"))}
    return lines - grep(lines, Path(torch.__file__).parent)


def grep(lines: set[str], where) -> set[str]:
    """The lines found in any file under ``where`` (binary files too)."""
    proc = subprocess.run(["grep", "-rhoaF", "-f", "-", str(where)], input="\n".join(sorted(lines)),
                          capture_output=True, text=True, errors="replace")
    assert proc.returncode in (0, 1), proc.stderr
    return {line for line in lines if line in proc.stdout}


def test_no_file_holds_the_chapter_09_solution(student_env):
    lines = solution_lines()
    assert len(lines) >= 20, f"too few distinctive lines to search for: {sorted(lines)}"
    # the near-miss: the same search finds the solution where it does live, the grader side of the repo
    assert len(grep(lines, REPO / "autograder" / "grading" / "reference")) >= 15
    found = grep(lines, student_env)
    assert not found, f"chapter-09 solution lines in .venv-student: {sorted(found)[:5]}"


def test_a_chinese_notebook_speaks_chinese_there(student_env, tmp_path):
    # The Chinese course's language line, its message catalogue and its CJK font are in the student package too.
    probe = ("import autograder.checking.zh_CN\nfrom autograder.checking import fonts\n"
             "from autograder.checking.exercise import label, passed\n"
             "print(passed(label('ch01.make_grid', True)), fonts.use_cjk())")
    proc = student_python(["-c", probe], tmp_path)
    assert proc.returncode == 0 and proc.stdout.split() == ["✓", "ch01.make_grid（隐藏测试）：正确", "True"], proc.stderr[-2000:]


def jobs() -> dict:
    out = {}
    for ch in CHAPTERS:
        nb = read(solution_path(ch))
        setup = next(c.source for c in nb.cells if c.cell_type == "code")
        checks = [exercise_name(ch, g) for g in solution_answers(nb)]
        out[f"{ch}/solution"] = {"setup": setup, "cells": [c[:2] for c in kernel_cells(ch)], "checks": checks}
        for gid, src in answers_file(ch)["WRONG"].items():
            cells = [c[:2] for c in kernel_cells(ch, {gid: src})]
            out[f"{ch}/wrong/{gid}"] = {"setup": setup, "cells": cells, "checks": [exercise_name(ch, gid)]}
    return out


@pytest.fixture(scope="module")
def verdicts(student_env, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("student")
    out = tmp / "verdicts.json"
    proc = student_python([str(REPO / "tests" / "student_env_runner.py"), str(out)], tmp, stdin=json.dumps(jobs()))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.parametrize("ch", CHAPTERS)
def test_every_visible_check_passes_with_the_solution(ch, verdicts):
    failing = {k: v for k, v in verdicts[f"{ch}/solution"].items() if v != "pass"}
    assert not failing, f"{ch} in .venv-student: {failing}"


@pytest.mark.parametrize("ch", CHAPTERS)
def test_every_typical_wrong_answer_fails_its_visible_check(ch, verdicts):
    for key, got in verdicts.items():
        if key.startswith(f"{ch}/wrong/"):
            (name, verdict), = got.items()
            assert verdict.startswith("fail: "), f"{key}: the wrong answer gets {verdict[:300]!r}"
