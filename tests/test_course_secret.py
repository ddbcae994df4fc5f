"""The course secret (the hidden tests' key) is made once, whole, even by first runs started together."""
from __future__ import annotations

import multiprocessing as mp

from autograder.grading.course import course_secret


def _first_run(root, barrier, out) -> None:
    barrier.wait()
    try:
        out.put(course_secret(root))
    except Exception as exc:  # noqa: BLE001  what a grading run would crash on
        out.put(f"crashed: {type(exc).__name__}: {exc}")


def test_concurrent_first_runs_agree_on_one_whole_secret(tmp_path):
    ctx = mp.get_context("fork")
    for attempt in range(20):  # the race needs the processes to meet inside course_secret; give it many chances
        root = tmp_path / f"course{attempt}"
        root.mkdir()
        barrier, out = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_first_run, args=(root, barrier, out)) for _ in range(6)]
        for p in procs:
            p.start()
        got = [out.get(timeout=60) for _ in procs]
        for p in procs:
            p.join()
        assert all(isinstance(g, bytes) for g in got), got
        assert len(set(got)) == 1 and len(got[0]) == 64, got
        assert (root / ".autograder-secret").read_bytes().strip() == got[0]
        assert (root / ".autograder-secret").stat().st_mode & 0o777 == 0o600
