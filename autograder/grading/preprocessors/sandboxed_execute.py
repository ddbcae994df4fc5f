"""SandboxedExecute: nbgrader's Execute, in a warm sandboxed worker that only records answers."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer

from .. import judge as J
from ..flags import flag
from ..course import assignment_files, course_root, course_secret
from ..prefetch import PREFETCHED, _CLASS_STARTED, _prefetch_class, make_job, pool
from ..sandbox import GiB, Limits
from ..speedups import fast_gradebook_commits, shared_gradebook_engines
from ..worker import RunResult


def _clean_output(raw: Any) -> dict:
    """One output from the sandbox, rebuilt field by field (anything odd becomes a note)."""
    try:
        kind = raw["output_type"]
        if kind == "stream" and raw["name"] in ("stdout", "stderr") and isinstance(raw["text"], str):
            return new_output("stream", name=raw["name"], text=raw["text"])
        if kind in ("display_data", "execute_result") and isinstance(raw["data"], dict):
            data = {str(k): v for k, v in raw["data"].items() if isinstance(v, (str, dict, list))}
            meta = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
            if kind == "execute_result":
                n = raw.get("execution_count")
                return new_output(kind, data=data, metadata=meta, execution_count=n if isinstance(n, int) else None)
            return new_output(kind, data=data, metadata=meta)
        if kind == "error":
            tb = [str(x) for x in raw.get("traceback", [])][:200]
            return new_output("error", ename=str(raw["ename"]), evalue=str(raw["evalue"]), traceback=tb)
    except (KeyError, TypeError, AttributeError, ValueError):
        pass
    return new_output("stream", name="stdout", text="[a malformed output was dropped]\n")



class SandboxedExecute(NbGraderPreprocessor):
    """Run the notebook in a warm, sandboxed worker; the learner's answers are taped, not judged."""

    timeout = Float(30.0, help="Seconds per cell before SIGINT (then SIGKILL).").tag(config=True)
    notebook_budget = Float(120.0, help="Seconds for the whole notebook.").tag(config=True)
    memory_bytes = Integer(2 * GiB, help="Address-space limit of the learner's process.").tag(config=True)
    nproc = Integer(64, help="Process-count limit of the sandbox.").tag(config=True)
    output_bytes = Integer(2 * 1024 * 1024, help="Bytes of outputs kept per notebook.").tag(config=True)
    workers = Integer(os.cpu_count() or 1, help="Warm workers when nbgrader drives the engine (the CLI sets its own).").tag(config=True)

    def limits(self) -> Limits:
        return Limits(memory_bytes=self.memory_bytes, nproc=self.nproc, cell_timeout=self.timeout,
                      notebook_budget=self.notebook_budget, output_bytes=self.output_bytes)

    def preprocess(self, nb, resources):
        fast_gradebook_commits()
        shared_gradebook_engines()
        g = resources["nbgrader"]
        key = (g["student"], g["assignment"], g["notebook"])
        seed = J.hidden_seed(course_secret(course_root(self.config)), *key)
        if (g["assignment"], g["notebook"]) not in _CLASS_STARTED and key not in PREFETCHED:
            _CLASS_STARTED.add((g["assignment"], g["notebook"]))
            try:
                _prefetch_class(self.config, g["assignment"], g["notebook"], self.limits(), pool(self.workers))
            except Exception:
                pass  # prefetching is only a speed-up
        cells, fut = PREFETCHED.pop(key, (None, None))
        if fut is not None and cells != [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]:
            fut = None  # not the notebook nbgrader is grading now: run this one
        if fut is None:
            folder = Path(resources.get("metadata", {}).get("path") or ".")
            fut = pool(self.workers).submit(make_job(nb, seed, assignment_files(folder), self.limits()))
        try:
            result: RunResult = fut.result()
        except Exception as exc:
            result = RunResult(b"", {}, f"the grading worker failed: {type(exc).__name__}: {exc}", [], 0.0, [])
        ran: dict[int, list] = {}
        for line in result.cells.decode("utf-8", "replace").splitlines():
            try:
                rec = json.loads(line)
                ran[int(rec["index"])] = [_clean_output(o) for o in rec["outputs"]][:1000]
            except (ValueError, KeyError, TypeError):
                continue
        memory = [i for i, outs in ran.items() for o in outs if o.get("output_type") == "error"
                  and (o.get("ename") == "MemoryError" or "can't allocate memory" in str(o.get("evalue", "")))]
        told = False
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = ran.get(i, [])
            if i not in ran and result.reason and not told:
                cell.outputs = [new_output("error", ename="NotRun", evalue=result.reason, traceback=[f"NotRun: {result.reason}"])]
                told = True
        resources["autograder"] = {"tapes": result.tapes, "reason": result.reason, "seed": seed,
                                   "flags": list(result.flags) + [flag("cell-timeout", i) for i in result.timed_out]
                                            + [flag("memory-limit", f"cell {i}") for i in sorted(set(memory))],
                                   "seconds": result.seconds,
                                   "timed_out": result.timed_out}
        return nb, resources

