"""nbgrader preprocessors that plug the engine into ``nbgrader autograde`` (see course/nbgrader_config.py).

* :class:`SandboxedExecute` replaces nbgrader's ``Execute``: cells run in a warm sandboxed
  worker (:mod:`autograder.worker`) in record mode; outputs come back as untrusted data.
* :class:`LimitOutputBytes` caps every cell's outputs in bytes (nbgrader's LimitOutput counts lines).
* :class:`Judge` runs before ``SaveAutoGrades``: it rewrites each grade cell from the
  gradebook's trusted source and replaces its outputs with the verdict of the trusted replay
  (:mod:`autograder.judge`), so ``SaveAutoGrades`` scores what the judge decided. It also
  flags structural damage and suspicious code (:mod:`autograder.scan`).
* :class:`SaveVerdict` runs last: one JSON result per submission notebook, written as soon
  as it is graded, and "needs manual grade" in the gradebook for flagged work.
"""
from __future__ import annotations

import atexit
import glob
import json
import os
import secrets
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_output
from nbgrader.api import Assignment, Gradebook, MissingEntry, Notebook, SourceCell
from nbgrader.coursedir import CourseDirectory
from nbgrader.nbgraderformat import common as _nbformat_common
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer

from . import judge as J
from .sandbox import GiB, Limits
from .scan import scan_source
from .speedups import shared_gradebook_engines
from .worker import Job, Pool, RunResult

class _CompiledSchemas:
    """``jsonschema.validate`` as nbgrader's CheckCellMetadata calls it, with each schema checked and
    compiled once instead of once per cell (that was 0.12 s per notebook, three times per submission),
    and each distinct cell metadata found valid once: the class's notebooks repeat the same few."""

    def __init__(self, real):
        self._real, self._validators, self._valid = real, {}, set()
        self._seen: dict[int, tuple[str, Any]] = {}  # id -> (content, schema kept alive so its id is not reused)

    def validate(self, instance, schema) -> None:
        seen = self._seen.get(id(schema))
        if seen is None:  # nbgrader loads a fresh copy of the same schema for every notebook
            seen = self._seen[id(schema)] = (json.dumps(schema, sort_keys=True), schema)
        v = self._validators.get(seen[0])
        if v is None:
            cls = self._real.validators.validator_for(schema)
            cls.check_schema(schema)
            v = self._validators[seen[0]] = cls(schema)
        try:
            key = (seen[0], json.dumps(instance, sort_keys=True))
        except (TypeError, ValueError):
            key = None
        if key is not None and key in self._valid:
            return
        error = self._real.exceptions.best_match(v.iter_errors(instance))
        if error is not None:
            raise error
        if key is not None and len(self._valid) < 100_000:
            self._valid.add(key)

    def __getattr__(self, name: str):
        return getattr(self._real, name)


_nbformat_common.jsonschema = _CompiledSchemas(_nbformat_common.jsonschema)
_LOCK = threading.Lock()
_POOL: dict[str, Any] = {}
PREFETCHED: dict[tuple[str, str, str], tuple[list, Future]] = {}


def pool(jobs: int = 1) -> Pool:
    """The process's worker pool (started on first use, closed at exit)."""
    with _LOCK:
        if "pool" not in _POOL:
            root = Path(os.environ.get("AUTOGRADER_WORKDIR") or f"/tmp/autograder-{os.getpid()}")
            _POOL["pool"] = Pool(jobs, root)
            atexit.register(_POOL["pool"].close)
        return _POOL["pool"]


def course_root(config) -> Path:
    return Path(CourseDirectory(config=config).root)


def course_secret(root: Path) -> bytes:
    """The key of the hidden tests' seeds; it lives with the gradebook, out of the sandbox's sight."""
    path = root / ".autograder-secret"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, secrets.token_hex(32).encode())
        os.close(fd)
    return path.read_bytes().strip()


def assignment_files(folder: Path, limit: int = 50 << 20) -> dict[str, bytes]:
    """Regular files beside the notebook (data a chapter may read), up to ``limit`` bytes."""
    files, total = {}, 0
    for p in sorted(folder.iterdir()) if folder.is_dir() else []:
        if p.is_file() and not p.is_symlink() and not p.name.startswith("."):
            size = p.stat().st_size
            if total + size <= limit:
                files[p.name] = p.read_bytes()
                total += size
    return files


def make_job(nb, seed: int, files: dict[str, bytes], limits: Limits) -> Job:
    cells = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    return Job(cells=cells, files=files, seed=seed, limits=limits)


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


def prefetch(coursedir, cfg, a: str, s: str, nb_name: str, secret: bytes, limits: Limits, workers: Pool) -> None:
    """Start one submission in the sandboxes now, sanitized exactly as nbgrader will sanitize it."""
    from nbgrader.converters import Autograde
    folder = Path(coursedir.format_path(coursedir.submitted_directory, s, a))
    try:
        nb = nbformat.read(str(folder / f"{nb_name}.ipynb"), as_version=4)
        resources = {"nbgrader": {"student": s, "assignment": a, "notebook": nb_name, "db_url": coursedir.db_url}}
        for pp in Autograde(config=cfg).sanitize_preprocessors:
            nb, resources = pp(config=cfg).preprocess(nb, resources)
    except Exception:
        return  # nbgrader's own run will meet the same problem and report it
    files = assignment_files(folder)
    files.update(assignment_files(Path(coursedir.format_path(coursedir.source_directory, ".", a))))
    files = {k: v for k, v in files.items() if not k.endswith(".ipynb") or k == f"{nb_name}.ipynb"}
    job = make_job(nb, J.hidden_seed(secret, s, a, nb_name), files, limits)
    PREFETCHED[(s, a, nb_name)] = (job.cells, workers.submit(job))


def _prefetch_class(config, assignment: str, notebook: str, limits: Limits, workers: Pool) -> None:
    """Under a plain ``nbgrader autograde``: start every submission of this notebook at once, so the
    workers run ahead while nbgrader converts them one by one (it asks in sorted student order)."""
    coursedir = CourseDirectory(config=config)
    pattern = coursedir.format_path(coursedir.submitted_directory, coursedir.student_id or "*", assignment)
    secret = course_secret(course_root(config))
    for folder in sorted(glob.glob(pattern)):
        student = Path(folder).parent.name
        if (student, assignment, notebook) not in PREFETCHED:
            prefetch(coursedir, config, assignment, student, notebook, secret, limits, workers)


_CLASS_STARTED: set = set()


def fast_gradebook_commits() -> None:
    """WAL journal with synchronous=NORMAL on every sqlite gradebook connection opened from now on.

    nbgrader commits once per cell (SaveAutoGrades: ~16 fsyncs a notebook, most of this process's
    time per notebook). With WAL a commit survives a killed batch but is not fsynced each time; only
    an OS crash could lose the last few, never corrupt the file."""
    if _POOL.get("wal"):
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        if type(dbapi_conn).__module__.startswith("sqlite3"):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
    _POOL["wal"] = True


class RepairStructure(NbGraderPreprocessor):
    """Replaces nbgrader's DeduplicateIds in sanitizing: a duplicated or unknown grade id loses its
    nbgrader metadata entirely (nbgrader's own ``{}`` makes CheckCellMetadata abort the notebook).
    Like nbgrader, the last copy of a duplicated cell is the one kept; the judge flags both cases."""

    def preprocess(self, nb, resources):
        g = resources["nbgrader"]
        with Gradebook(g["db_url"]) as gb:  # the names alone: loading 45 whole source cells was most of this step
            known = {name for (name,) in gb.db.query(SourceCell.name)
                     .join(Notebook, Notebook.id == SourceCell.notebook_id)
                     .join(Assignment, Assignment.id == Notebook.assignment_id)
                     .filter(Notebook.name == g["notebook"], Assignment.name == g["assignment"])}
        seen: set = set()
        for cell in reversed(nb.cells):
            meta = cell.metadata.get("nbgrader")
            if meta is None:
                continue
            gid = meta.get("grade_id") if isinstance(meta, dict) else None
            if gid not in known or gid in seen:
                del cell.metadata["nbgrader"]
            else:
                seen.add(gid)
        return nb, resources


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
                                   "flags": list(result.flags) + [f"cell-timeout:{i}" for i in result.timed_out]
                                            + [f"memory-limit:cell {i}" for i in sorted(set(memory))],
                                   "seconds": result.seconds,
                                   "timed_out": result.timed_out}
        return nb, resources


class LimitOutputBytes(NbGraderPreprocessor):
    """Keep at most ``max_bytes`` of outputs per cell (nbgrader's LimitOutput counts lines, not bytes)."""

    max_bytes = Integer(1024 * 1024).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        kept, used = [], 0
        for out in cell.get("outputs", []):
            size = len(json.dumps(out, default=str))
            if used + size > self.max_bytes:
                if out.get("output_type") == "stream":
                    room = max(0, self.max_bytes - used)
                    out.text = out.text[: room // 4]
                    kept.append(out)
                kept.append(new_output("stream", name="stdout", text=f"\n[output truncated at {self.max_bytes} bytes]\n"))
                break
            kept.append(out)
            used += size
        cell.outputs = kept
        return cell, resources


def _raw_structure(path: Path, trusted: dict[str, str]) -> list[str]:
    """Structural damage in the submitted file itself (before nbgrader's own repairs)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        cells = raw["cells"]
    except Exception:
        return ["corrupt-notebook"]
    flags, seen_gid, seen_id = [], {}, set()
    for c in cells if isinstance(cells, list) else []:
        if not isinstance(c, dict):
            continue
        cid = c.get("id")
        if isinstance(cid, str):
            if cid in seen_id:
                flags.append(f"duplicate-cell-id:{cid}")
            seen_id.add(cid)
        meta = (c.get("metadata") or {}).get("nbgrader") if isinstance(c.get("metadata"), dict) else None
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        if isinstance(gid, str):
            seen_gid[gid] = seen_gid.get(gid, 0) + 1
            if gid in trusted and c.get("cell_type") != trusted[gid]:
                flags.append(f"retyped-cell:{gid}")
    flags += [f"duplicate-grade-id:{g}" for g, n in seen_gid.items() if n > 1]
    flags += [f"missing-cell:{g}" for g in trusted if g not in seen_gid]
    return sorted(set(flags))


class Judge(NbGraderPreprocessor):
    """Decide every grade cell in this process, from the trusted source and the taped answers."""

    def preprocess(self, nb, resources):
        g = resources["nbgrader"]
        info = resources.setdefault("autograder", {"tapes": {}, "reason": "the notebook was not executed by the engine",
                                                   "seed": 0, "flags": [], "timed_out": []})
        with Gradebook(g["db_url"]) as gb:
            notebook = gb.find_notebook(g["notebook"], g["assignment"])
            grade_cells = {c.name: (c.cell_type, float(c.max_score)) for c in notebook.grade_cells}
            sources = {c.name: c.source for c in notebook.source_cells}
        coursedir = CourseDirectory(config=self.config)
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, g["student"], g["assignment"])) / f"{g['notebook']}.ipynb"
        flags = list(info["flags"]) + _raw_structure(submitted, {k: v[0] for k, v in grade_cells.items()})
        trusted_sources = set(sources.values())
        cells_out, present = [], set()
        for i, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            gid = meta.get("grade_id")
            if cell.cell_type == "code" and cell.source not in trusted_sources:
                flags += [f"suspicious: {r}" for r in scan_source(cell.source)]
            if not meta.get("grade"):
                continue
            if gid not in grade_cells or gid in present:
                del cell.metadata["nbgrader"]
                flags.append(f"unknown-grade-cell:{gid}")
                continue
            present.add(gid)
            kind, points = grade_cells[gid]
            if kind != "code":
                continue  # written answers are graded by hand
            if cell.cell_type != "code":
                nb.cells[i] = cell = new_code_cell(sources[gid], metadata=cell.metadata)
            cell.source = sources[gid]
            cells_out.append(self._judge(cell, i, gid, points, info, flags))
        for gid, (kind, points) in grade_cells.items():
            if kind == "code" and gid not in present:  # deleted or renamed: restore it, score 0, tell a human
                why = "this test cell was missing from the submission (deleted or renamed); it scores 0"
                cell = new_code_cell(sources.get(gid, ""), metadata={"nbgrader": {
                    "grade": True, "grade_id": gid, "locked": True, "points": points, "schema_version": 3,
                    "solution": False, "task": False}})
                cell.outputs = [new_output("error", ename="NotGraded", evalue=why, traceback=[f"NotGraded: {why}"])]
                nb.cells.append(cell)
                cells_out.append({"grade_id": gid, "score": 0.0, "max_score": points, "reason": why})
        info["cells"] = cells_out
        info["flags"] = sorted(set(flags))
        return nb, resources

    def _judge(self, cell, index: int, gid: str, points: float, info: dict, flags: list[str]) -> dict:
        checks = J.parse_checks(cell.source)
        if checks is None:  # not a check()-only cell: its outputs came from the sandbox, so a human must look
            flags.append(f"untrusted-verdict:{gid}")
            return {"grade_id": gid, "score": None, "max_score": points, "reason": "not a check()-only test cell"}
        stopped = info.get("reason")
        passed, outputs, why = J.judge_cell(checks, info["tapes"].get(index), info["seed"], stopped)
        if why and why.startswith("forged-tape"):
            flags.append(f"forged-tape:{gid}")
        cell.outputs = [new_output("stream", name="stdout", text=o["text"]) if o["output_type"] == "stream" else
                        new_output("error", ename=o["ename"], evalue=o["evalue"], traceback=o["traceback"]) for o in outputs]
        return {"grade_id": gid, "score": points if passed else 0.0, "max_score": points, "reason": why}


class SaveVerdict(NbGraderPreprocessor):
    """Write this notebook's result (score, status, flags) as soon as it is graded; mark flagged work for a human."""

    def preprocess(self, nb, resources):
        g = resources["nbgrader"]
        info = resources.get("autograder", {})
        flags = info.get("flags", [])
        with Gradebook(g["db_url"]) as gb:
            sub = gb.find_submission_notebook(g["notebook"], g["assignment"], g["student"])
            if any(f.startswith(("suspicious", "untrusted", "missing", "retyped", "duplicate", "unknown", "forged", "memory", "cell-timeout")) for f in flags):
                for grade in sub.grades:
                    grade.needs_manual_grade = True
                gb.db.commit()
            score, max_score = float(sub.score), float(sub.max_score)
        write_result(course_root(self.config), g["assignment"], g["student"], g["notebook"], {
            "score": score, "max_score": max_score, "flags": flags, "reason": info.get("reason"),
            "cells": info.get("cells", []), "seconds": info.get("seconds")})
        return nb, resources


def result_path(root: Path, assignment: str, student: str, notebook: str) -> Path:
    return root / ".autograder" / "results" / assignment / student / f"{notebook}.json"


def write_result(root: Path, assignment: str, student: str, notebook: str, data: dict) -> None:
    path = result_path(root, assignment, student, notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str))
    os.replace(tmp, path)


__all__ = ["SandboxedExecute", "LimitOutputBytes", "Judge", "SaveVerdict", "MissingEntry", "nbformat"]
