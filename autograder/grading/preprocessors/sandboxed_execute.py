"""SandboxedExecute: nbgrader's Execute, in a warm sandboxed worker; test cells are asked, never run."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from nbformat import ValidationError
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer

from .. import judge as J
from .. import links
from ..course import assignment_files, course_root, course_secret
from ..flags import flag
from ..plan import make_job
from ..prefetch import PREFETCHED, _CLASS_STARTED, _prefetch_class, pool, sources
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
    except (KeyError, TypeError, AttributeError, ValueError, ValidationError):  # e.g. a dict as text/plain
        pass
    return new_output("stream", name="stdout", text="[a malformed output was dropped]\n")



class SandboxedExecute(NbGraderPreprocessor):
    """Run the notebook in a warm, sandboxed worker: code cells run, test cells only answer their planned questions."""

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
        ran, plans, fut = PREFETCHED.pop(key, (None, None, None))
        if fut is not None and ran != sources(nb):
            fut = None  # not the notebook nbgrader is grading now: run this one
        if fut is None:
            folder = Path(resources.get("metadata", {}).get("path") or ".")
            job, plans = make_job(nb, seed, assignment_files(folder), self.limits())
            fut = pool(self.workers).submit(job)
        try:
            result: RunResult = fut.result()
        except Exception as exc:
            result = RunResult({}, [], f"the grading worker failed: {type(exc).__name__}: {exc}", 0.0, [])
        labels = {i: (c.metadata.get("nbgrader", {}).get("grade_id") or f"cell {i}") for i, c in enumerate(nb.cells)}
        told = False
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            run = result.cells.get(i) or {}
            cell.outputs = [_clean_output(o) for o in run.get("outputs") or [] if isinstance(run.get("outputs"), list)][:1000]
            status, why = run.get("status"), str(run.get("reason") or result.reason or "")
            if status == "killed" or (status in (None, "not-run") and not told and why):
                cell.outputs.append(new_output("error", ename="NotRun", evalue=why, traceback=[f"NotRun: {why}"]))
                told = told or status != "killed"
        flags, denied = _flags(result, labels, set(plans))
        memory = sorted({i for i, c in enumerate(nb.cells) if c.cell_type == "code" for o in c.outputs
                         if o.get("output_type") == "error" and (o.get("ename") == "MemoryError"
                                                                 or "can't allocate memory" in str(o.get("evalue", "")))})
        sealed = {}
        for i, cell_plans in plans.items():
            run = result.cells.get(i) or {}
            answers = [a for a in run.get("answers") or [] if isinstance(a, str)] if not run.get("forged") else []
            stopped = run.get("reason") or (result.reason if not run else None)
            sealed[i] = J.Sealed(cell_plans, answers, str(stopped) if stopped else None, denied.get(i))
        dropped = links.flags(course_root(self.config), g["assignment"], g["student"])
        resources["autograder"] = {"sealed": sealed, "reason": result.reason, "seed": seed,
                                   "flags": list(result.flags) + flags + dropped + [flag("memory-limit", f"cell {i}") for i in memory],
                                   "seconds": result.seconds}
        return nb, resources


def _flags(result: RunResult, labels: dict[int, str], test_cells: set[int]) -> tuple[list[str], dict[int, str]]:
    """The zygote's reports as flags naming their cells, and the test cells that earn nothing (grader code used)."""
    out, denied = [], {}
    for kind, detail, cell, _q in result.found:
        cell = cell if isinstance(cell, int) else None
        where = labels.get(cell, "before the first cell") if cell is not None else "before the first cell"
        if kind == "cell-timeout":
            out.append(flag(kind, cell))
        elif kind == "killed-cell":
            out.append(flag(kind, f"{where} ({detail})"))
        elif kind == "forged-record":
            out.append(flag(kind, where))
        elif kind in ("tampering", "grader-import"):
            out.append(flag(kind, f"{detail} (in {where})"))
            if kind == "grader-import":
                for t in _exercises_of(cell, labels, test_cells):
                    denied.setdefault(t, detail)
        else:
            out.append(flag("tampering", f"{kind}: {detail} (in {where})"))
    return sorted(set(out)), denied


def _exercises_of(cell: int | None, labels: dict[int, str], test_cells: set[int]) -> list[int]:
    """The test cells a grader-internal import in ``cell`` earns nothing on: that cell if it is one; the tests of
    its exercise if it is an answer cell (``exN_...``); otherwise every test cell after it."""
    if cell in test_cells:
        return [cell]
    later = sorted(t for t in test_cells if cell is None or t > cell)
    m = re.match(r"(ex\d+)_", labels.get(cell, "")) if cell is not None else None
    if m:
        return [t for t in later if labels.get(t, "").startswith(m.group(1) + "_")]
    return later
