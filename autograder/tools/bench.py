"""``make bench-grading``: plain serial nbgrader against the engine, side by side, in one run.

Builds a class (correct, partial and blank submissions over the course's first chapters,
at least 40 notebooks) in two identical throwaway courses. One is graded by plain
``nbgrader autograde`` with nbgrader's own Execute (the course config with the engine
switched off), serially; the other by ``autograder grade --jobs N``. Prints per-notebook
p50/p95 and the throughput ratio; exits 1 if any honest submission scores differently.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import submissions as S

REPO = Path(__file__).resolve().parents[2]
PLAIN = """
# --- benchmark baseline: nbgrader's own pipeline, engine off ---
import json as _json, time as _time
from nbgrader.preprocessors import DeduplicateIds, Execute
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
                                       AssignLatePenalties, CheckCellMetadata]
def _stamp(kind):
    def hook(assignment_id=None, student_id=None, **kw):
        with open(os.path.join(here, "timings.jsonl"), "a") as f:
            f.write(_json.dumps({"kind": kind, "student": student_id, "t": _time.monotonic()}) + "\\n")
    return hook
c.Autograde.pre_convert_hook = _stamp("pre")
c.Autograde.post_convert_hook = _stamp("post")
"""


def make_course(root: Path, chapters: list[str], plain: bool) -> Path:
    shutil.copytree(REPO / "solutions", root / "solutions", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (root / "notebooks").mkdir()
    course = root / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text((REPO / "course" / "nbgrader_config.py").read_text() + (PLAIN if plain else ""))
    for ch in chapters:
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ch, "--force", "--log-level=ERROR"],
                       cwd=course, check=True, env=_env())
    return course


def _env() -> dict:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("AUTOGRADER_MODE", None)
    return env


def make_class(course: Path, chapters: list[str], n: int) -> dict[tuple[str, str], str]:
    """``n`` notebooks spread over the chapters: a third correct, a third partial, a third blank."""
    kinds = {}
    for i in range(n):
        ch = chapters[i % len(chapters)]
        kind = ("correct", "partial", "blank")[(i // len(chapters)) % 3]
        sid = f"s{i // len(chapters):03d}"
        release = S.read(course.parent / "notebooks" / ch / f"{ch}.ipynb")
        perfect = S.solution_answers(S.read(REPO / "solutions" / ch / f"{ch}.ipynb"))
        answers = perfect if kind == "correct" else dict(list(perfect.items())[: len(perfect) // 2]) if kind == "partial" else {}
        S.write(S.fill(release, answers), course / "submitted" / sid / ch / f"{ch}.ipynb")
        kinds[(sid, ch)] = kind
    return kinds


def gradebook_scores(course: Path, keys) -> dict[tuple[str, str], float]:
    from nbgrader.api import Gradebook
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sid, ch in keys:
            try:
                out[(sid, ch)] = float(gb.find_submission(ch, sid).score)
            except Exception:
                out[(sid, ch)] = float("nan")
    return out


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--notebooks", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--chapters", nargs="*", default=None, help="default: 01 and 02 where present")
    args = ap.parse_args(argv)
    chapters = args.chapters or sorted(p.name for p in (REPO / "solutions").glob("0[12]_*") if p.is_dir())
    tmp = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        base, eng = make_course(tmp / "plain", chapters, True), make_course(tmp / "engine", chapters, False)
        kinds = make_class(base, chapters, args.notebooks)
        make_class(eng, chapters, args.notebooks)
        print(f"class: {len(kinds)} notebooks over {', '.join(chapters)} "
              f"({sum(k == 'correct' for k in kinds.values())} correct, {sum(k == 'partial' for k in kinds.values())} partial, "
              f"{sum(k == 'blank' for k in kinds.values())} blank)")

        t = time.monotonic()
        for ch in chapters:
            subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ch, "--log-level=ERROR"], cwd=base, env=_env(),
                           check=True, capture_output=True)
        plain_total = time.monotonic() - t
        stamps = [json.loads(x) for x in (base / "timings.jsonl").read_text().splitlines()]
        plain_each = [b["t"] - a["t"] for a, b in zip(stamps[::2], stamps[1::2])]

        t = time.monotonic()
        subprocess.run([str(Path(sys.executable).parent / "autograder"), "grade", *chapters, "--course", str(eng),
                        "--jobs", str(args.jobs)], cwd=eng, env=_env(), check=True, capture_output=True)
        eng_total = time.monotonic() - t
        eng_each = []
        for sid, ch in kinds:
            res = json.loads((eng / ".autograder" / "results" / ch / sid / f"{ch}.json").read_text())
            eng_each.append(float(res.get("seconds") or 0) + float(res.get("judge_seconds") or 0))
        with open(eng / "grades.csv") as f:
            eng_scores = {(r["student_id"], r["assignment"]): float(r["score"]) for r in csv.DictReader(f)}
        plain_scores = gradebook_scores(base, kinds)

        n = len(kinds)
        print(f"{'':28}{'total s':>10}{'nb/s':>8}{'p50 s/nb':>10}{'p95 s/nb':>10}")
        print(f"{'plain nbgrader (serial)':28}{plain_total:10.1f}{n / plain_total:8.2f}{pct(plain_each, .5):10.2f}{pct(plain_each, .95):10.2f}")
        print(f"{f'autograder grade --jobs {args.jobs}':28}{eng_total:10.1f}{n / eng_total:8.2f}{pct(eng_each, .5):10.2f}{pct(eng_each, .95):10.2f}")
        print(f"throughput ratio: {plain_total / eng_total:.1f}x  (per-notebook p50 ratio {statistics.median(plain_each) / max(statistics.median(eng_each), 1e-9):.1f}x)")
        diff = {k: (plain_scores[k], eng_scores.get(k)) for k in kinds if plain_scores[k] != eng_scores.get(k)}
        if diff:
            print(f"FAIL: {len(diff)} honest submissions score differently (plain, engine): {diff}")
            return 1
        print(f"scores identical for all {n} honest submissions")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
