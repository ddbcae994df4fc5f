"""The attack and fault catalogue: each case is a submission to chapter 01 and its expected outcome.

A case edits the perfect submission: ``answers`` replaces answer cells (``{perfect}`` in a
replacement is that cell's correct answer, ``{course}`` the course folder's absolute path),
``edit`` names a structural change to the notebook. ``expect`` gives the score (or
``lost`` = exercises that must score 0 while every other one scores full), the status, and
substrings that must appear in the flags. Many attacks turn a sandbox property into a score:
the learner's code sabotages its own answer if the attack worked, so full marks prove it failed.
"""
from __future__ import annotations

SABOTAGE = "\ndef make_grid(rows, cols):\n    return torch.zeros(rows, cols)\n"

CASES: dict[str, dict] = {
    "allclose_monkeypatch": dict(
        answers={"ex1_make_grid": "import torch, torch.testing\ntorch.allclose = lambda *a, **k: True\n"
                                  "torch.equal = lambda *a, **k: True\ntorch.testing.assert_close = lambda *a, **k: None\n"
                                  "def make_grid(rows, cols):\n    return torch.zeros(rows, cols)"},
        expect=dict(lost=["ex1"], status="flagged", flags=["suspicious:assigns into torch.allclose"])),
    "input_transformers_pass": dict(
        answers={"ex1_make_grid": "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"},
        expect=dict(score=0, status="flagged", flags=["input_transformers_cleanup"])),
    "set_custom_exc_hides_errors": dict(
        answers={"ex1_make_grid": "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n" + SABOTAGE},
        expect=dict(lost=["ex1"], status="flagged", flags=["set_custom_exc"])),
    "read_hidden_tests": dict(
        answers={"ex1_make_grid": "import glob, os\nleaked = []\n"
                                  "for p in ['../../../source', '../../../solutions', '{course}', '{course}/../solutions', '/work']:\n"
                                  "    for f in glob.glob(p + '/**/*.ipynb', recursive=True):\n"
                                  "        try:\n            leaked.append(open(f).read(100))\n        except OSError:\n            pass\n"
                                  "{perfect}\nif leaked:\n" + "    " + SABOTAGE.strip().replace("\n", "\n    ")},
        expect=dict(score="full", status="graded")),
    "write_other_students_gradebook": dict(
        answers={"ex1_make_grid": "import sqlite3\nhit = False\n"
                                  "for db in ['../../../gradebook.db', '{course}/gradebook.db']:\n"
                                  "    try:\n        con = sqlite3.connect(db)\n"
                                  "        con.execute(\"update grade set manual_score = 0\")\n        con.commit()\n        hit = True\n"
                                  "    except Exception:\n        pass\n"
                                  "{perfect}\nif hit:\n" + "    " + SABOTAGE.strip().replace("\n", "\n    ")},
        expect=dict(score="full", status="graded")),
    "detached_process_outlives_kernel": dict(
        answers={"ex1_make_grid": "import subprocess, sys\n"
                                  "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120); "
                                  "open(\"{course}/pwned-by-daemon\", \"w\")', 'attack-daemon-marker'], start_new_session=True)\n"
                                  "{perfect}"},
        expect=dict(score="full", status="graded")),
    "memory_bomb": dict(
        answers={"ex1_make_grid": "x = torch.empty(20_000_000_000, dtype=torch.uint8)\nx.fill_(1)\n{perfect}"},
        expect=dict(lost=["ex1"], status="flagged", flags=["memory-limit"])),
    "fork_bomb": dict(
        answers={"ex1_make_grid": "{perfect}\nimport os, time\nend = time.time() + 4\nkids = 0\n"
                                  "while time.time() < end and kids < 5000:\n    try:\n        os.fork()\n        kids += 1\n"
                                  "    except OSError:\n        break"},
        expect=dict(score="any", status="any")),
    "sys_exit": dict(
        answers={"ex1_make_grid": "import sys\nsys.exit(0)\n{perfect}"},
        expect=dict(lost=["ex1"], status="graded")),
    "os_exit": dict(
        answers={"ex3_predict_reshape": "import os\nos._exit(1)"},
        expect=dict(score=4, status="error", flags=["exited with code 1"])),
    "loop_ignoring_sigint": dict(
        answers={"ex2_predict_dtype": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"},
        expect=dict(score=2, status="error", flags=["ignored the interrupt"])),
    "infinite_loop": dict(
        answers={"ex2_predict_dtype": "while True:\n    pass"},
        expect=dict(lost=["ex2"], status="flagged", flags=["cell-timeout"])),
    "network_attempt": dict(
        answers={"ex1_make_grid": "import socket\nonline = False\n"
                                  "for host in [('pypi.org', 443), ('1.1.1.1', 53), ('127.0.0.1', 22)]:\n"
                                  "    try:\n        socket.create_connection(host, timeout=2).close()\n        online = True\n"
                                  "    except OSError:\n        pass\n"
                                  "{perfect}\nif online:\n" + "    " + SABOTAGE.strip().replace("\n", "\n    ")},
        expect=dict(score="full", status="graded")),
    "write_outside_working_copy": dict(
        answers={"ex1_make_grid": "wrote = []\n"
                                  "for p in ['{course}/evil.txt', '../../../evil.txt', '/usr/evil.txt', '/etc/evil.txt', "
                                  "'{course}/../solutions/evil.txt', '/root/evil.txt']:\n"
                                  "    try:\n        open(p, 'w').write('x')\n        wrote.append(p)\n    except OSError:\n        pass\n"
                                  "{perfect}\nif wrote:\n" + "    " + SABOTAGE.strip().replace("\n", "\n    ")},
        expect=dict(score="full", status="graded")),
    "eq_always_true": dict(
        answers={"ex1_make_grid": "class Liar:\n    def __eq__(self, other):\n        return True\n"
                                  "    def __ne__(self, other):\n        return False\n"
                                  "def make_grid(rows, cols):\n    return Liar()"},
        expect=dict(lost=["ex1"], status="graded")),
    "tensor_subclass_comparison": dict(
        answers={"ex1_make_grid": "class Sneaky(torch.Tensor):\n    def __eq__(self, other):\n        return True\n"
                                  "    def allclose(self, *a, **k):\n        return True\n"
                                  "def make_grid(rows, cols):\n    return torch.zeros(rows, cols).as_subclass(Sneaky)"},
        expect=dict(lost=["ex1"], status="graded")),
    "patch_memory_accessors": dict(
        answers={"ex5_convert": "torch.Tensor.is_contiguous = lambda self, *a, **k: True\n"
                                "torch.Tensor.data_ptr = lambda self: 1\n"
                                "def to_numpy(t):\n    return np.array(t)\n\n\ndef to_tensor(a):\n    return torch.tensor(a)"},
        expect=dict(lost=["ex5"], status="flagged", flags=["assigns into torch.Tensor.data_ptr"])),
    "forge_freezing_accessors": dict(
        answers={"ex5_convert": "import autograder.checking.answers as A\nA._storage_ptr = lambda s: 1\n"
                                "def to_numpy(t):\n    return np.array(t)\n\n\ndef to_tensor(a):\n    return torch.tensor(a)"},
        expect=dict(score="any", status="flagged", flags=["suspicious"])),
    "forged_tape_garbage": dict(
        answers={"ex1_make_grid": "{perfect}\nimport os\n_t = os.environ.get('AUTOGRADER_TAPE', '')\n"
                                  "_d = os.path.dirname(_t)\n"
                                  "for i in range(200):\n    try:\n"
                                  "        open(os.path.join(_d, f'tape-{{i}}.jsonl'), 'w').write('{{\"@nd\": \"!!not base64\"}}\\n' + 'x' * 1000)\n"
                                  "    except OSError:\n        pass\n"
                                  "os.chmod(_d, 0o500) if _d else None"},
        expect=dict(score="any", status="flagged", flags=["forged-tape"])),
    "forged_tape_claims_correct": dict(
        answers={"ex1_make_grid": "import json, os\n"
                                  "def make_grid(rows, cols):\n    return torch.zeros(rows, cols)\n"
                                  "_t = os.environ.get('AUTOGRADER_TAPE', '')\n"
                                  "_rec = {{'exercise': 'ch01.make_grid', 'hidden': False, 'seed': 1, 'tape': [['_call', {{'@a': 'tensor', "
                                  "'v': {{'@nd': 'bm90IGFuIGFycmF5'}}, 'm': {{'@d': [['dtype', 'float32'], ['shape', {{'@t': [3, 4]}}]]}}}}]]}}\n"
                                  "for i in range(100):\n    open(os.path.join(os.path.dirname(_t), f'tape-{{i}}.jsonl'), 'a').write(json.dumps(_rec) + '\\n')"},
        # forging only garbles the forger's own later cells: all 0, flagged
        expect=dict(score=0, status="flagged", flags=["forged-tape:ex2_predict_dtype_test"])),
    "huge_single_line_output": dict(
        answers={"ex1_make_grid": "{perfect}\nprint('x' * 50_000_000)"},
        expect=dict(score="full", status="graded")),
    "userwarning_on_stderr": dict(
        answers={"ex1_make_grid": "import sys, warnings\n"
                                  "def make_grid(rows, cols):\n    warnings.warn('careful', UserWarning)\n"
                                  "    print('to stderr', file=sys.stderr)\n"
                                  "    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)"},
        expect=dict(score="full", status="graded")),
    "builtins_patch": dict(
        answers={"ex1_make_grid": "import builtins\nbuiltins.isinstance = lambda *a: True\n" + SABOTAGE},
        # it breaks the kernel itself (the executor uses isinstance too): the notebook stops, scores 0
        expect=dict(score=0, status="error", flags=["assigns into builtins.isinstance"])),
    "test_cell_edited_to_pass": dict(
        answers={"ex1_make_grid": SABOTAGE}, edit="test_cell_to_pass",
        expect=dict(lost=["ex1"], status="graded")),
    "corrupt_notebook": dict(edit="corrupt", expect=dict(score=0, status="error", flags=["corrupt-notebook"])),
    "deleted_grade_cell": dict(edit="delete_test", expect=dict(lost=["ex1"], status="flagged", flags=["missing-cell:ex1_make_grid_test"])),
    "renamed_grade_cell": dict(edit="rename_test", expect=dict(lost=["ex1"], status="flagged", flags=["missing-cell:ex1_make_grid_test"])),
    "duplicated_cell_ids": dict(edit="duplicate_test", expect=dict(score="any", status="flagged", flags=["duplicate"])),
    "retyped_grade_cell": dict(edit="retype_test", expect=dict(score="any", status="flagged", flags=["retyped-cell:ex1_make_grid_test"])),
    "blank": dict(blank=True, expect=dict(score=0, status="graded")),
}

# Honest students graded in the same batch: their grades must not move, whatever the others did.
VICTIMS = {"victim-perfect": "full", "victim-blank": 0}
