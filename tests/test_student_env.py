"""The student environment (`make student-env` -> .venv-student) is what a class's student gets, and holds no solution.

- the grader side is not there: `autograder.grading` (so the chapter-09 reference engine) and `autograder.engine`
  fail to import, and the installed `autograder` package is `__init__.py` + `checking/` only;
- every chapter's visible check passes there with the solution's answers, and fails (a lesson, not a crash) with
  each exercise's typical wrong answer: run through `check()` itself by the environment's own Python, outside
  the repo (`python -I`, so nothing from the checkout can be imported).

Building the environment the first time takes a few minutes (`make student-env`, idempotent afterwards).
"""
from __future__ import annotations

import json
import subprocess

import pytest

from autograder.tools.submissions import read, solution_answers
from conftest import CHAPTERS, REPO, run, solution_path
from exercise_harness import answers_file, exercise_name

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


def test_a_chinese_notebook_speaks_chinese_there(student_env, tmp_path):
    # The Chinese course's language line, its message catalogue and its CJK font are in the student package too.
    probe = ("import autograder.checking.zh_CN\nfrom autograder.checking import fonts\n"
             "from autograder.checking.exercise import label, passed\n"
             "print(passed(label('ch01.make_grid', True)), fonts.use_cjk())")
    proc = student_python(["-c", probe], tmp_path)
    assert proc.returncode == 0 and proc.stdout.split() == ["✓", "ch01.make_grid（隐藏测试）：正确", "True"], proc.stderr[-2000:]


# Chapter 09's interactive check tests the learner's engine as a whole where the reference engine is missing;
# that lands with the chapter's rewrite (issue 13), and chapter 09 joins this list then.
CHECKED = [ch for ch in CHAPTERS if ch != "09_mini_autograd"]


def jobs() -> dict:
    out = {}
    for ch in CHECKED:
        nb = read(solution_path(ch))
        setup = next(c.source for c in nb.cells if c.cell_type == "code")
        answers = solution_answers(nb)
        out[f"{ch}/solution"] = {"setup": setup, "answers": answers, "checks": [exercise_name(ch, g) for g in answers]}
        for gid, src in answers_file(ch)["WRONG"].items():
            out[f"{ch}/wrong/{gid}"] = {"setup": setup, "answers": {**answers, gid: src}, "checks": [exercise_name(ch, gid)]}
    return out


@pytest.fixture(scope="module")
def verdicts(student_env, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("student")
    out = tmp / "verdicts.json"
    proc = student_python([str(REPO / "tests" / "student_env_runner.py"), str(out)], tmp, stdin=json.dumps(jobs()))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.parametrize("ch", CHECKED)
def test_every_visible_check_passes_with_the_solution(ch, verdicts):
    failing = {k: v for k, v in verdicts[f"{ch}/solution"].items() if v != "pass"}
    assert not failing, f"{ch} in .venv-student: {failing}"


@pytest.mark.parametrize("ch", CHECKED)
def test_every_typical_wrong_answer_fails_its_visible_check(ch, verdicts):
    for key, got in verdicts.items():
        if key.startswith(f"{ch}/wrong/"):
            (name, verdict), = got.items()
            assert verdict.startswith("fail: "), f"{key}: the wrong answer gets {verdict[:300]!r}"
