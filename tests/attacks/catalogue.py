"""The attack and fault catalogue: each case is a submission to chapter 01 and its expected outcome.

A case edits the perfect submission: ``answers`` replaces answer cells (``{perfect}`` in a
replacement is that cell's correct answer, ``{course}`` the course folder's absolute path),
``edit`` names a structural change to the notebook. ``expect`` is strict and whole:

* the score, never typed in: ``lost`` names the exercises that score 0 while every other one
  scores its full points, or ``kept`` names the only ones that score (``kept=[]``: 0 points);
  the test computes the number from the chapter's points;
* the status (graded, flagged or error);
* every flag of the row, each a whole entry (``kind`` or ``kind:detail``); ``{each_test}`` in an
  entry stands for every grade cell of the chapter, one entry each. No other flag may appear, but
  for what the host's sandbox lacks (``no-process-limit``), which every notebook that ran carries
  (and which makes a graded row flagged); ``unlimited`` overrides ``expect`` on such a host.

A case may name another ``chapter`` (chapter 01 by default), start from ``stubs`` (every answer cell's names
defined as nothing) instead of the perfect answers, and place ``links`` in its submitted folder
(``{{stub}}`` in a replacement is that cell's stub, ``{{forge_checks}}`` the attack in forge_checks.py).
Cases marked "issue 11" are the attacks that issue showed against the engine before it was fixed.

Many attacks turn a sandbox property into a score: the learner's code sabotages its own answer
if the attack worked, so full marks prove it failed.
"""
from __future__ import annotations

SABOTAGE = "\ndef make_grid(rows, cols):\n    return torch.zeros(rows, cols)\n"
# chapter 01's conversions done by copying: wrong, unless an attack makes the copies pass for shared memory
COPIES = "def to_numpy(t):\n    return np.array(t)\n\n\ndef to_tensor(a):\n    return torch.tensor(a)"

CASES: dict[str, dict] = {
    "allclose_monkeypatch": dict(
        answers={"ex1_make_grid": "import torch, torch.testing\ntorch.allclose = lambda *a, **k: True\n"
                                  "torch.equal = lambda *a, **k: True\ntorch.testing.assert_close = lambda *a, **k: None\n"
                                  "def make_grid(rows, cols):\n    return torch.zeros(rows, cols)"},
        expect=dict(lost=["ex1"], status="flagged", flags=["suspicious:assigns into torch.allclose",
                                                            "suspicious:assigns into torch.equal",
                                                            "suspicious:assigns into torch.testing.assert_close",
                                                            "tampering:torch changed (in ex1_make_grid)"])),
    "input_transformers_pass": dict(
        answers={"ex1_make_grid": "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"},
        expect=dict(kept=[], status="flagged",
                    flags=["suspicious:uses .input_transformers_cleanup", "suspicious:uses get_ipython"])),
    "set_custom_exc_hides_errors": dict(
        answers={"ex1_make_grid": "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n" + SABOTAGE},
        expect=dict(lost=["ex1"], status="flagged", flags=["suspicious:uses .set_custom_exc", "suspicious:uses get_ipython"])),
    "read_hidden_tests": dict(
        answers={"ex1_make_grid": "import glob, os\nleaked = []\n"
                                  "for p in ['../../../source', '../../../solutions', '{course}', '{course}/../solutions', '/work']:\n"
                                  "    for f in glob.glob(p + '/**/*.ipynb', recursive=True):\n"
                                  "        try:\n            leaked.append(open(f).read(100))\n        except OSError:\n            pass\n"
                                  "{perfect}\nif leaked:\n" + "    " + SABOTAGE.strip().replace("\n", "\n    ")},
        expect=dict(lost=[], status="graded", flags=[])),
    "write_other_students_gradebook": dict(
        answers={"ex1_make_grid": "import sqlite3\nhit = False\n"
                                  "for db in ['../../../gradebook.db', '{course}/gradebook.db']:\n"
                                  "    try:\n        con = sqlite3.connect(db)\n"
                                  "        con.execute(\"update grade set manual_score = 0\")\n        con.commit()\n        hit = True\n"
                                  "    except Exception:\n        pass\n"
                                  "{perfect}\nif hit:\n" + "    " + SABOTAGE.strip().replace("\n", "\n    ")},
        expect=dict(lost=[], status="graded", flags=[])),
    "detached_process_outlives_kernel": dict(
        answers={"ex1_make_grid": "import subprocess, sys\n"
                                  "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120); "
                                  "open(\"{course}/pwned-by-daemon\", \"w\")', 'attack-daemon-marker'], start_new_session=True)\n"
                                  "{perfect}"},
        expect=dict(lost=[], status="graded", flags=[])),
    "memory_bomb": dict(
        answers={"ex1_make_grid": "x = torch.empty(20_000_000_000, dtype=torch.uint8)\nx.fill_(1)\n{perfect}"},
        expect=dict(lost=["ex1"], status="flagged", flags=["memory-limit:cell 8"])),
    "fork_bomb": dict(
        # starts processes until refused, each parked: the process limit (64 per sandbox) must stop it short
        # of 70. posix_spawn, not fork: copying the warm interpreter 70 times could outlast the cell's timeout
        answers={"ex1_make_grid": "{perfect}\nimport os\nkids = 0\n"
                                  "while kids < 70:\n    try:\n"
                                  "        os.posix_spawn('/bin/sleep', ['sleep', '120', 'fork-bomb-marker'], {{}})\n"
                                  "    except OSError:\n        break\n    kids += 1\n"
                                  "if kids >= 70:\n" + "    " + SABOTAGE.strip().replace("\n", "\n    ")},
        expect=dict(lost=[], status="graded", flags=[]),
        unlimited=dict(lost=["ex1"])),  # on a host with no process limit (flagged no-process-limit), it gets 70
    "sys_exit": dict(
        answers={"ex1_make_grid": "import sys\nsys.exit(0)\n{perfect}"},
        expect=dict(lost=["ex1"], status="graded", flags=[])),
    # issue 11, item 8: a cell that kills its process costs only its own exercise; the cells after it still run
    "os_exit": dict(
        answers={"ex3_predict_reshape": "import os\nos._exit(1)"},
        expect=dict(lost=["ex3"], status="flagged",
                    flags=["killed-cell:ex3_predict_reshape (exited with code 1 (os._exit or a crash))"])),
    "loop_ignoring_sigint": dict(
        answers={"ex2_predict_dtype": "while True:\n    try:\n        while True:\n            pass\n"
                                      "    except KeyboardInterrupt:\n        pass"},
        expect=dict(lost=["ex2"], status="flagged",
                    flags=["cell-timeout:11", "killed-cell:ex2_predict_dtype (ran past its 5 s timeout and ignored the interrupt)"])),
    "segfault": dict(
        answers={"ex4_blank_batch": "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n{perfect}"},
        expect=dict(lost=["ex4"], status="flagged", flags=["killed-cell:ex4_blank_batch (was killed by SIGSEGV)"])),
    "every_cell_kills_its_process": dict(
        # at most 4 restarts: the fifth killer ends the notebook, which still gets a row in time
        answers={g: "import os\nos._exit(1)" for g in ("ex1_make_grid", "ex2_predict_dtype", "ex3_predict_reshape",
                                                      "ex4_blank_batch", "ex5_convert", "ex6_where_is", "ex7_arange_rules")},
        expect=dict(kept=[], status="flagged", flags=[
            f"killed-cell:{g} (exited with code 1 (os._exit or a crash))"
            for g in ("ex1_make_grid", "ex2_predict_dtype", "ex3_predict_reshape", "ex4_blank_batch", "ex5_convert")])),
    "signal_handler_refused": dict(
        # no signal handler can be installed in the learner's process (a handler gets a frame without any audit event)
        answers={"ex2_predict_dtype": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"},
        expect=dict(lost=["ex2"], status="graded", flags=[])),
    "infinite_loop": dict(
        answers={"ex2_predict_dtype": "while True:\n    pass"},
        expect=dict(lost=["ex2"], status="flagged", flags=["cell-timeout:11"])),
    "network_attempt": dict(
        answers={"ex1_make_grid": "import socket\nonline = False\n"
                                  "for host in [('pypi.org', 443), ('1.1.1.1', 53), ('127.0.0.1', 22)]:\n"
                                  "    try:\n        socket.create_connection(host, timeout=2).close()\n        online = True\n"
                                  "    except OSError:\n        pass\n"
                                  "{perfect}\nif online:\n" + "    " + SABOTAGE.strip().replace("\n", "\n    ")},
        expect=dict(lost=[], status="graded", flags=[])),
    "write_outside_working_copy": dict(
        answers={"ex1_make_grid": "wrote = []\n"
                                  "for p in ['{course}/evil.txt', '../../../evil.txt', '/usr/evil.txt', '/etc/evil.txt', "
                                  "'{course}/../solutions/evil.txt', '/root/evil.txt']:\n"
                                  "    try:\n        open(p, 'w').write('x')\n        wrote.append(p)\n    except OSError:\n        pass\n"
                                  "{perfect}\nif wrote:\n" + "    " + SABOTAGE.strip().replace("\n", "\n    ")},
        expect=dict(lost=[], status="graded", flags=[])),
    "eq_always_true": dict(
        answers={"ex1_make_grid": "class Liar:\n    def __eq__(self, other):\n        return True\n"
                                  "    def __ne__(self, other):\n        return False\n"
                                  "def make_grid(rows, cols):\n    return Liar()"},
        expect=dict(lost=["ex1"], status="graded", flags=[])),
    "tensor_subclass_comparison": dict(
        answers={"ex1_make_grid": "class Sneaky(torch.Tensor):\n    def __eq__(self, other):\n        return True\n"
                                  "    def allclose(self, *a, **k):\n        return True\n"
                                  "def make_grid(rows, cols):\n    return torch.zeros(rows, cols).as_subclass(Sneaky)"},
        expect=dict(lost=["ex1"], status="graded", flags=[])),
    "patch_memory_accessors": dict(
        answers={"ex5_convert": "torch.Tensor.is_contiguous = lambda self, *a, **k: True\n"
                                "torch.Tensor.data_ptr = lambda self: 1\n" + COPIES},
        expect=dict(lost=["ex5"], status="flagged", flags=["suspicious:assigns into torch.Tensor.data_ptr",
                                                            "suspicious:assigns into torch.Tensor.is_contiguous"])),
    "forge_freezing_accessors": dict(
        # the accessors live in freezing.py since issue 11 (answers.py before it): the attack aims at either
        answers={"ex5_convert": "try:\n    import autograder.checking.freezing as A\nexcept ImportError:\n"
                                "    import autograder.checking.answers as A\nA._storage_ptr = lambda s: 1\n" + COPIES},
        expect=dict(lost=["ex5"], status="flagged", flags=["suspicious:imports autograder.checking.answers",
                                                            "tampering:autograder.checking.freezing changed (in ex5_convert)"])),
    # issue 11, item 1: the answer key never enters the learner's process, so replaced checks have nothing to forge
    "stubs_forging_checks_05": dict(
        chapter="05_memory_sharing", stubs=True, answers={"ex1_flat_view": "{forge_checks}\n{stub}"},
        expect=dict(kept=[], status="flagged", flags=["tampering:autograder.checking.checks changed (in ex1_flat_view)"])),
    "stubs_forging_checks_07": dict(
        chapter="07_autograd", stubs=True, answers={"ex1_trainable": "{forge_checks}\n{stub}"},
        expect=dict(kept=[], status="flagged", flags=["tampering:autograder.checking.checks changed (in ex1_trainable)"])),
    # issue 11, item 3: values that lie about their memory are refused, not read through
    "array_subclass_claims_memory": dict(
        answers={"ex5_convert": "class ndarray(np.ndarray):\n    @property\n    def __array_interface__(self):\n"
                                "        d = dict(np.asarray(self).__array_interface__)\n        d['data'] = (self.claim, False)\n"
                                "        return d\nndarray.__module__ = 'numpy'\n"
                                "def to_numpy(t):\n    out = np.array(t).view(ndarray)\n"
                                "    out.claim = t.untyped_storage().data_ptr()\n    return out\n"
                                "def to_tensor(a):\n    return torch.from_numpy(a)"},
        expect=dict(lost=["ex5"], status="graded", flags=[])),
    "tensor_subclass_claims_view_05": dict(
        chapter="05_memory_sharing",
        answers={"ex1_flat_view": "{perfect}\nclass Tensor(torch.Tensor):\n    @classmethod\n"
                                  "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
                                  "        name = getattr(func, '__name__', '')\n"
                                  "        if name in ('untyped_storage', 'storage_offset') and hasattr(args[0], 'src'):\n"
                                  "            return getattr(args[0].src, name)()\n"
                                  "        return super().__torch_function__(func, types, args, kwargs)\n"
                                  "Tensor.__module__ = 'torch'\n"
                                  "def flat_view(t):\n    out = t.reshape(-1).clone().as_subclass(Tensor)\n    out.src = t\n    return out"},
        expect=dict(lost=["ex1"], status="graded", flags=[])),
    # issue 11, item 2: the recorder's accessors reached by getattr chains (past the static scan): sealed, and seen
    "freezing_accessors_by_getattr": dict(
        answers={"ex5_convert": "import autograder\nfor _n in ('answers', 'freezing'):\n"
                                "    _A = getattr(getattr(autograder, 'checking'), _n, None)\n    if hasattr(_A, '_storage_ptr'):\n"
                                "        setattr(_A, '_storage_ptr', lambda s: 1)\n        setattr(_A, '_storage_nbytes', lambda s: 1 << 62)\n"
                                + COPIES},
        expect=dict(lost=["ex5"], status="flagged", flags=["tampering:autograder.checking.freezing changed (in ex5_convert)"])),
    # issue 11, item 4: a later cell rewrites an earlier cell's answers (the files it wrote, then the channel itself)
    "rewrite_earlier_answers": dict(
        answers={"ex1_make_grid": SABOTAGE,
                 "ex7_arange_rules": "{perfect}\nimport os, autograder\n"
                                     "try:\n    _e, _c = autograder.checking.exercise, autograder.checking.checks\n"
                                     "    _good = dict(make_grid=lambda r, c: torch.arange(r * c, dtype=torch.float32).reshape(r, c))\n"
                                     "    _lines = []\n"
                                     "    for _h, _s in ((False, _e.VISIBLE_SEED), (True, int(os.environ.get('AUTOGRADER_SEED', '0')))):\n"
                                     "        _tape = []\n        _c.recording = True\n"
                                     "        _e.run_exercise('ch01.make_grid', _e.Learner(ns=_good, tape=_tape), _s, _h)\n"
                                     "        _c.recording = False\n"
                                     "        _lines.append(autograder.grading.tape.dumps(dict(exercise='ch01.make_grid', hidden=_h, seed=_s, "
                                     "tape=[[a, b] for a, b in _tape])))\n"
                                     "    _d = os.path.dirname(os.environ.get('AUTOGRADER_TAPE', ''))\n"
                                     "    open(os.path.join(_d, 'tape-9.jsonl'), 'w').write('\\n'.join(_lines) + '\\n')\n"
                                     "except Exception:\n    pass\n"
                                     "for _fd in range(3, 256):\n    try:\n"
                                     "        if os.readlink(f'/proc/self/fd/{{_fd}}').startswith('socket:'):\n"
                                     "            os.write(_fd, bytes(32) + b'rewrite!' + bytes(8) + b'{{\"k\": \"ans\", \"cell\": 9, \"q\": 0}}\\n[]')\n"
                                     "    except OSError:\n        pass"},
        expect=dict(lost=["ex1"], status="flagged", flags=["forged-record:ex7_arange_rules",
                                                            "tampering:autograder.checking.checks changed (in ex7_arange_rules)"])),
    # issue 11, item 5: the learner's process holds no pipe whose messages reset its deadline
    "deadline_reset_through_pipes": dict(
        answers={"ex2_predict_dtype": "import os, time\n_end = time.time() + 8\nwhile time.time() < _end:\n"
                                      "    for _fd in range(3, 256):\n        try:\n            os.write(_fd, b's11\\n')\n"
                                      "        except OSError:\n            pass\n    time.sleep(0.2)\n{perfect}"},
        expect=dict(lost=["ex2"], status="flagged", flags=["cell-timeout:11", "forged-record:ex2_predict_dtype"])),
    # issue 11, item 6: links, hard links and fifos stay in the submission (test_nothing_a_submission_links_to_leaves_it)
    "links_to_course_files": dict(
        links={"secret.txt": "symlink:{course}/.autograder-secret", "gradebook.db": "symlink:{course}/gradebook.db",
               "solution.ipynb": "symlink:{course}/../solutions/01_creating_tensors/01_creating_tensors.ipynb",
               "passwd": "symlink:/etc/passwd", "hard-secret.txt": "hardlink:{course}/.autograder-secret", "pipe": "fifo"},
        expect=dict(lost=[], status="flagged", flags=[
            "linked-file:gradebook.db (symlink)", "linked-file:hard-secret.txt (hard link)", "linked-file:passwd (symlink)",
            "linked-file:pipe (fifo)", "linked-file:secret.txt (symlink)", "linked-file:solution.ipynb (symlink)"])),
    # issue 11, item 7: grader-internal code, by any spelling, earns nothing on that exercise
    "grader_imports": dict(
        answers={"ex1_make_grid": "try:\n    from autograder.grading.reference import engine\nexcept Exception:\n    pass\n{perfect}",
                 "ex2_predict_dtype": "import importlib\ntry:\n    importlib.import_module('autograder.grading.tape')\n"
                                      "except Exception:\n    pass\n{perfect}",
                 "ex4_blank_batch": "import sys\n_engine = sys.modules.get('autograder.grading.reference.engine')\n{perfect}"},
        expect=dict(lost=["ex1", "ex2"], status="flagged", flags=[
            "grader-import:autograder.grading.reference (in ex1_make_grid)", "grader-import:opened autograder/grading/__init__.py (in ex2_predict_dtype)",
            "suspicious:imports autograder.grading.reference.engine", "suspicious:imports importlib", "suspicious:uses sys.modules"])),
    # issue 13: chapter 09's reference engine (the capstone's solution) is grader-only; each step that loads it,
    # by whatever spelling, earns nothing, even when that step's own answer follows and is right
    "ch09_reference_engine_imports": dict(
        chapter="09_mini_autograd",
        answers={"ex4_mul": "try:\n    from autograder.grading.reference.engine import Tensor as _Ref\nexcept Exception:\n    pass\n{perfect}",
                 "ex6_backward": "try:\n    __import__('autograder.grading.reference.engine')\nexcept Exception:\n    pass\n{perfect}",
                 "ex8_unary": "import importlib\ntry:\n    importlib.import_module('autograder.grading.reference.engine')\n"
                              "except Exception:\n    pass\n{perfect}"},
        expect=dict(lost=["ex4", "ex6", "ex8"], status="flagged", flags=[
            "grader-import:autograder.grading.reference.engine (in ex4_mul)",
            "grader-import:autograder.grading.reference.engine (in ex6_backward)",
            "grader-import:opened autograder/grading/__init__.py (in ex8_unary)",
            "suspicious:imports autograder.grading.reference.engine.Tensor", "suspicious:imports importlib",
            "suspicious:uses __import__"])),
    "forged_tape_garbage": dict(
        answers={"ex1_make_grid": "{perfect}\nimport os\n_t = os.environ.get('AUTOGRADER_TAPE', '')\n"
                                  "_d = os.path.dirname(_t)\n"
                                  "for i in range(200):\n    try:\n"
                                  "        open(os.path.join(_d, f'tape-{{i}}.jsonl'), 'w').write('{{\"@nd\": \"!!not base64\"}}\\n' + 'x' * 1000)\n"
                                  "    except OSError:\n        pass\n"
                                  "os.chmod(_d, 0o500) if _d else None"},
        # files the learner can write are never the source of answers: the garbage is never read
        expect=dict(lost=[], status="graded", flags=[])),
    "forged_tape_claims_correct": dict(
        answers={"ex1_make_grid": "import json, os\n"
                                  "def make_grid(rows, cols):\n    return torch.zeros(rows, cols)\n"
                                  "_t = os.environ.get('AUTOGRADER_TAPE', '')\n"
                                  "_rec = {{'exercise': 'ch01.make_grid', 'hidden': False, 'seed': 1, 'tape': [['_call', {{'@a': 'tensor', "
                                  "'v': {{'@nd': 'bm90IGFuIGFycmF5'}}, 'm': {{'@d': [['dtype', 'float32'], ['shape', {{'@t': [3, 4]}}]]}}}}]]}}\n"
                                  "for i in range(100):\n    open(os.path.join(os.path.dirname(_t), f'tape-{{i}}.jsonl'), 'a').write(json.dumps(_rec) + '\\n')"},
        # files the learner can write are never the source of answers: its own wrong answer stands
        expect=dict(lost=["ex1"], status="graded", flags=[])),
    "huge_single_line_output": dict(
        answers={"ex1_make_grid": "{perfect}\nprint('x' * 50_000_000)"},
        expect=dict(lost=[], status="graded", flags=[])),
    "userwarning_on_stderr": dict(
        answers={"ex1_make_grid": "import sys, warnings\n"
                                  "def make_grid(rows, cols):\n    warnings.warn('careful', UserWarning)\n"
                                  "    print('to stderr', file=sys.stderr)\n"
                                  "    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)"},
        expect=dict(lost=[], status="graded", flags=[])),
    "builtins_patch": dict(
        answers={"ex1_make_grid": "import builtins\nbuiltins.isinstance = lambda *a: True\n" + SABOTAGE},
        # it breaks IPython in its own process (every later cell fails), never the recorder, which keeps private builtins
        expect=dict(kept=[], status="flagged", flags=["suspicious:assigns into builtins.isinstance",
                                                      "tampering:builtins changed (in ex1_make_grid)"])),
    "test_cell_edited_to_pass": dict(
        answers={"ex1_make_grid": SABOTAGE}, edit="test_cell_to_pass",
        expect=dict(lost=["ex1"], status="graded", flags=[])),
    "corrupt_notebook": dict(edit="corrupt", expect=dict(kept=[], status="error", flags=[
        "corrupt-notebook", "error:could not grade 01_creating_tensors: the notebook is unreadable (NotJSONError)"])),
    "deleted_grade_cell": dict(edit="delete_test", expect=dict(lost=["ex1"], status="flagged", flags=["missing-cell:ex1_make_grid_test"])),
    "renamed_grade_cell": dict(edit="rename_test", expect=dict(lost=["ex1"], status="flagged", flags=["missing-cell:ex1_make_grid_test"])),
    "duplicated_cell_ids": dict(edit="duplicate_test", expect=dict(lost=[], status="flagged", flags=["duplicate-grade-id:ex1_make_grid_test"])),
    "retyped_grade_cell": dict(edit="retype_test", expect=dict(lost=[], status="flagged", flags=["retyped-cell:ex1_make_grid_test"])),
    "blank": dict(blank=True, expect=dict(kept=[], status="graded", flags=[])),
}

# Honest students graded in the same batch: their grades must not move, whatever the others did.
VICTIMS = {"victim-perfect": dict(lost=[]), "victim-blank": dict(kept=[])}
