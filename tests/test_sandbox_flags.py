"""What the sandbox cannot enforce is said, in a flag a human must read: the fallback without bubblewrap,
and a host where no pids cgroup can be made. And the fallback still leaves no process behind."""
from __future__ import annotations

from autograder.grading import flags as F
from autograder.grading import sandbox, worker
from conftest import require

DAEMON = ("import subprocess, sys\n"
          "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)', 'fallback-daemon-marker'],"
          " start_new_session=True)\nprint(p.pid)")


def _outputs(result: worker.RunResult) -> list[str]:
    return [o.get("text", "") for _, cell in sorted(result.cells.items()) for o in cell["outputs"]]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def run_one(root, source: str) -> worker.RunResult:
    pool = worker.Pool(1, root)
    try:
        return pool.run(worker.Job.of(source))
    finally:
        pool.close()


def test_the_fallback_kills_a_daemon_in_its_own_session(monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOGRADER_NO_BWRAP", "1")
    pool = worker.Pool(1, tmp_path / "pool")
    try:
        first = pool.run(worker.Job.of(DAEMON))
        daemon = int(_outputs(first)[0])
        # the zygote has already answered, so it is done cleaning up; nothing waits on a timer here
        alive_after_notebook = _alive(daemon)
        pool.run(worker.Job.of("print(1)"))
    finally:
        pool.close()
    assert first.reason is None, first.reason
    assert not alive_after_notebook, f"the daemon {daemon} in its own session outlived its notebook"


def test_running_without_bubblewrap_needs_a_human(monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOGRADER_NO_BWRAP", "1")
    r = run_one(tmp_path / "pool", "print(2)")
    assert sandbox.NO_SANDBOX_FLAG in r.flags and F.needs_human(r.flags), r.flags
    assert F.status(r.flags, failed=False) == "flagged"


def test_without_cgroups_there_is_no_process_limit_and_a_flag_says_so(monkeypatch, tmp_path):
    require(sandbox.bwrap_path() is not None, "bubblewrap")
    monkeypatch.setenv("AUTOGRADER_NO_CGROUPS", "1")
    r = run_one(tmp_path / "pool", "print(3)")
    assert r.flags == [sandbox.NO_PROCESS_LIMIT_FLAG], r.flags
    assert F.status(r.flags, failed=False) == "flagged"


def test_the_sandbox_flags_only_what_it_lacks(tmp_path):
    require(sandbox.bwrap_path() is not None, "bubblewrap")
    r = run_one(tmp_path / "pool", "print(4)")
    assert r.flags == ([] if sandbox.process_limit_available() else [sandbox.NO_PROCESS_LIMIT_FLAG]), r.flags
    assert r.reason is None


def test_workers_exist_when_the_pool_returns_and_run_below_the_grading_process(tmp_path):
    import os
    require(sandbox.bwrap_path() is not None, "bubblewrap")
    pool = worker.Pool(1, tmp_path / "pool")
    try:
        assert pool.slots[0].proc is not None  # started before the caller's own imports take the GIL
        r = pool.run(worker.Job.of("import os\nprint(os.nice(0))"))
    finally:
        pool.close()
    assert r.cells[0]["outputs"][0]["text"] == f"{os.nice(0) + sandbox.WORKER_NICE}\n"
