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

Many attacks turn a sandbox property into a score: the learner's code sabotages its own answer
if the attack worked, so full marks prove it failed.
"""
from __future__ import annotations

SABOTAGE = "\ndef make_grid(rows, cols):\n    return torch.zeros(rows, cols)\n"

CASES: dict[str, dict] = {
    "allclose_monkeypatch": dict(
        answers={"ex1_make_grid": "import torch, torch.testing\ntorch.allclose = lambda *a, **k: True\n"
                                  "torch.equal = lambda *a, **k: True\ntorch.testing.assert_close = lambda *a, **k: None\n"
                                  "def make_grid(rows, cols):\n    return torch.zeros(rows, cols)"},
        expect=dict(lost=["ex1"], status="flagged", flags=["suspicious:assigns into torch.allclose",
                                                            "suspicious:assigns into torch.equal",
                                                            "suspicious:assigns into torch.testing.assert_close"])),
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
    "os_exit": dict(
        answers={"ex3_predict_reshape": "import os\nos._exit(1)"},
        expect=dict(kept=["ex1", "ex2"], status="error",
                    flags=["error:the notebook's process exited with code 1 before its last cell (os._exit or a crash)"])),
    "loop_ignoring_sigint": dict(
        answers={"ex2_predict_dtype": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"},
        expect=dict(kept=["ex1"], status="error",
                    flags=["cell-timeout:11", "error:cell 11 ran past its 3 s timeout and ignored the interrupt"])),
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
                                "torch.Tensor.data_ptr = lambda self: 1\n"
                                "def to_numpy(t):\n    return np.array(t)\n\n\ndef to_tensor(a):\n    return torch.tensor(a)"},
        expect=dict(lost=["ex5"], status="flagged", flags=["suspicious:assigns into torch.Tensor.data_ptr",
                                                            "suspicious:assigns into torch.Tensor.is_contiguous"])),
    "forge_freezing_accessors": dict(
        answers={"ex5_convert": "import autograder.checking.answers as A\nA._storage_ptr = lambda s: 1\n"
                                "def to_numpy(t):\n    return np.array(t)\n\n\ndef to_tensor(a):\n    return torch.tensor(a)"},
        expect=dict(lost=["ex5"], status="flagged", flags=["suspicious:assigns into A._storage_ptr",
                                                            "suspicious:imports autograder.checking.answers"])),
    "forged_tape_garbage": dict(
        answers={"ex1_make_grid": "{perfect}\nimport os\n_t = os.environ.get('AUTOGRADER_TAPE', '')\n"
                                  "_d = os.path.dirname(_t)\n"
                                  "for i in range(200):\n    try:\n"
                                  "        open(os.path.join(_d, f'tape-{{i}}.jsonl'), 'w').write('{{\"@nd\": \"!!not base64\"}}\\n' + 'x' * 1000)\n"
                                  "    except OSError:\n        pass\n"
                                  "os.chmod(_d, 0o500) if _d else None"},
        # its garbage and the read-only folder spoil every later tape of its own: all 0, flagged
        expect=dict(kept=[], status="flagged", flags=["forged-tape:{each_test}"])),
    "forged_tape_claims_correct": dict(
        answers={"ex1_make_grid": "import json, os\n"
                                  "def make_grid(rows, cols):\n    return torch.zeros(rows, cols)\n"
                                  "_t = os.environ.get('AUTOGRADER_TAPE', '')\n"
                                  "_rec = {{'exercise': 'ch01.make_grid', 'hidden': False, 'seed': 1, 'tape': [['_call', {{'@a': 'tensor', "
                                  "'v': {{'@nd': 'bm90IGFuIGFycmF5'}}, 'm': {{'@d': [['dtype', 'float32'], ['shape', {{'@t': [3, 4]}}]]}}}}]]}}\n"
                                  "for i in range(100):\n    open(os.path.join(os.path.dirname(_t), f'tape-{{i}}.jsonl'), 'a').write(json.dumps(_rec) + '\\n')"},
        # forging only garbles the forger's own later cells: all 0, flagged
        expect=dict(kept=[], status="flagged", flags=["forged-tape:{each_test}"])),
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
        # it breaks the kernel itself (the executor uses isinstance too): the notebook stops, scores 0
        expect=dict(kept=[], status="error", flags=["suspicious:assigns into builtins.isinstance", "error:the notebook's process exited with code 3 before its last cell (os._exit or a crash)"])),
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
