"""The speed-ups change no grade: they run only on the nbgrader they mirror, never outlive a replaced
gradebook file, and a class graded with and without them has the same gradebook, table by table."""
from __future__ import annotations

import os
import re
import runpy
import shutil
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

from nbgrader.api import Gradebook

from conftest import REPO
from test_grading_faults import course  # noqa: F401  (fixture: a copy of chapter 01 released, per test)


def _in_fresh_process(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env}, cwd=REPO)


def test_a_replaced_gradebook_file_is_read_afresh(tmp_path):
    # a long-lived process (Formgrader) keeps engines by URL: the file behind the URL may be replaced
    from autograder.grading.speedups import shared_gradebook_engines
    shared_gradebook_engines()
    db, other = tmp_path / "gradebook.db", tmp_path / "restored.db"
    for path, student in ((db, "alice"), (other, "bob")):
        with Gradebook(f"sqlite:///{path}") as gb:
            gb.add_student(student)
    with Gradebook(f"sqlite:///{db}") as gb:
        assert [s.id for s in gb.students] == ["alice"]
    shutil.copy(other, tmp_path / "incoming.db")
    os.replace(tmp_path / "incoming.db", db)  # e.g. a backup restored over it
    with Gradebook(f"sqlite:///{db}") as gb:
        assert [s.id for s in gb.students] == ["bob"]
        gb.add_student("carol")
    with Gradebook(f"sqlite:///{db}") as gb:
        assert sorted(s.id for s in gb.students) == ["bob", "carol"]



def test_the_suite_lets_deprecation_warnings_through():
    # pytest puts pyproject's filterwarnings around every test; a blanket "ignore::DeprecationWarning" there
    # would hide the warning that nbgrader's internals (which the speed-ups mirror) are going away
    with warnings.catch_warnings(record=True) as seen:
        warnings.warn("Gradebook.find_notebook will be removed", DeprecationWarning)
    assert [(w.category, str(w.message)) for w in seen] == [(DeprecationWarning, "Gradebook.find_notebook will be removed")]

OTHER_NBGRADER = """
import warnings
import nbgrader
nbgrader.__version__ = "0.9.7"  # what a newer nbgrader would say
from nbgrader import api
from nbgrader.nbgraderformat import common
from nbgrader.preprocessors import OverwriteCells, SaveAutoGrades
OverwriteCells.preprocess = lambda self, nb, resources: ("nbgrader's OverwriteCells", resources)
SaveAutoGrades.preprocess = lambda self, nb, resources: ("nbgrader's SaveAutoGrades", resources)
original_init, real_jsonschema = api.Gradebook.__init__, common.jsonschema
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from autograder.grading import preprocessors, speedups  # the package installs the compiled schemas
    from autograder.grading.gradebook_io import OverwriteCellsOnce, SaveAutoGradesOnce
    speedups.shared_gradebook_engines()
    speedups.compile_cell_schemas()
    ran = [OverwriteCellsOnce().preprocess(None, {})[0], SaveAutoGradesOnce().preprocess(None, {})[0]]
print(api.Gradebook.__init__ is original_init, common.jsonschema is real_jsonschema)
print(ran)
print([(w.category.__name__, str(w.message)) for w in caught if "speed-ups" in str(w.message)])
"""


def test_on_another_nbgrader_its_own_code_runs_after_one_warning():
    proc = _in_fresh_process(OTHER_NBGRADER)
    assert proc.returncode == 0, proc.stderr
    untouched, ran, warned = proc.stdout.splitlines()
    assert untouched == "True True"
    assert ran == "[\"nbgrader's OverwriteCells\", \"nbgrader's SaveAutoGrades\"]"
    assert warned == ("[('SpeedupsOff', \"autograder: grading with nbgrader's own code, without the speed-ups "
                      "(they mirror nbgrader 0.9.6's internals and this is nbgrader 0.9.7)\")]")


def test_on_the_nbgrader_they_mirror_they_are_on():
    code = OTHER_NBGRADER.replace('nbgrader.__version__ = "0.9.7"', "pass")
    proc = _in_fresh_process(code.replace("ran = [OverwriteCellsOnce()", "ran = [] and [OverwriteCellsOnce()"))
    untouched, ran, warned = proc.stdout.splitlines()
    assert (untouched, warned) == ("False False", "[]"), proc.stderr


def dump(db: Path) -> dict[str, list]:
    """Every row of every table, with nbgrader's random ids replaced by what they point at."""
    con = sqlite3.connect(db)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    cols = {t: [r[1] for r in con.execute(f"PRAGMA table_info('{t}')")] for t in tables}
    fks = {t: {r[3]: (r[2], r[4]) for r in con.execute(f"PRAGMA foreign_key_list('{t}')")} for t in tables}
    rows = {t: con.execute(f"SELECT * FROM '{t}'").fetchall() for t in tables}
    con.close()

    def canon(table: str, row: tuple) -> tuple:
        out = []
        for col, value in zip(cols[table], row):
            if col in fks[table] and value is not None:
                ref_table, ref_col = fks[table][col]
                ref = [r for r in rows[ref_table] if r[cols[ref_table].index(ref_col)] == value]
                value = canon(ref_table, ref[0]) if len(ref) == 1 else ("no single row", value)
            elif col == "id" and isinstance(value, str) and re.fullmatch(r"[0-9a-f]{32}", value):
                value = "<random id>"
            out.append((col, value))
        return tuple(out)

    return {t: sorted((canon(t, r) for r in rows[t]), key=repr) for t in tables}


def test_a_class_graded_with_and_without_the_speedups_has_the_same_gradebook(course):
    from test_grading_faults import CH, grade, make_class
    wrong = runpy.run_path(str(REPO / "tests" / "wrong_answers" / f"{CH}.py"))["WRONG"]
    cheat = {"ex1_make_grid": "torch.allclose = lambda *a, **k: True\\ndef make_grid(rows, cols):\\n    return torch.zeros(rows, cols)"}
    make_class(course, {"perfect": None, "wrong": {"ex2_predict_dtype": wrong["ex2_predict_dtype"].strip("\\n")},
                        "cheat": cheat})
    blank = course / "submitted" / "blank" / CH
    shutil.copytree(course.parent / "notebooks" / CH, blank)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_student("blank")
    plain = course.parent.parent / "plain"
    shutil.copytree(course.parent, plain)
    fast, slow = grade(course, CH), grade(plain / "course", CH, env={"AUTOGRADER_NO_SPEEDUPS": "1"})
    assert (fast.returncode, slow.returncode) == (0, 0), (fast.stderr[-2000:], slow.stderr[-2000:])
    assert "without the speed-ups (AUTOGRADER_NO_SPEEDUPS is set)" in slow.stderr
    assert "speed-ups" not in fast.stderr
    with_speedups, without = dump(course / "gradebook.db"), dump(plain / "course" / "gradebook.db")
    assert sorted(with_speedups) == sorted(without)
    for table in without:
        assert with_speedups[table] == without[table], table
    grades = {dict(r).get("auto_score") for r in without["grade"]}
    assert len(without["grade"]) == 4 * 7 and {0.0, 1.0, 2.0} <= grades  # every student's every test cell, scored
