"""The report as one self-contained HTML page: no script, no server, no network (plots are data URIs).

It reads well in a browser and in JupyterLab's HTML viewer, which shows it untrusted (no scripts)
from the file browser. The grading-time section sits between ``<!-- grading-time -->`` markers:
it is the one part a regrade changes (it is measured), everything else depends on verdicts only.
"""
from __future__ import annotations

import re
import statistics
from html import escape

from . import plots
from .gather import Assignment, Group, Submission

TIME_START, TIME_END = "<!-- grading-time -->", "<!-- /grading-time -->"

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1a1a1a;
       max-width: 1180px; margin: 1.5em auto; padding: 0 1.2em; line-height: 1.45; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
h3 { margin: 1.2em 0 .3em; font-size: 1.1em; } h3 .facts { font-weight: normal; color: #555; font-size: .9em; }
.summary { color: #333; } .plots { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
.plots img { flex: 0 1 calc(50% - .5em); box-sizing: border-box; min-width: 340px; height: auto; border: 1px solid #eee; }
ol.failures { margin: .2em 0 .6em; padding-left: 1.6em; } ol.failures li { margin-bottom: .5em; }
.count { font-weight: 600; } .hint { color: #555; font-size: .92em; }
pre.example { background: #f6f6f6; border-left: 3px solid #bbb; padding: .4em .7em; margin: .3em 0 0;
              white-space: pre-wrap; font-size: .85em; }
.ok { color: #2e7d32; } table { border-collapse: collapse; margin: .5em 0; font-size: .92em; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr:target { background: #fff8c4; } code { background: #f3f3f3; padding: 0 .2em; border-radius: 3px; }
.status-flagged { color: #a15c00; font-weight: 600; } .status-error, .status-not-graded { color: #c62828; font-weight: 600; }
"""


def anchors(a: Assignment) -> dict[str, str]:
    """A fragment id per student, safe whatever characters the id holds."""
    return {s.student: f"student-{i}-{re.sub(r'[^A-Za-z0-9_.-]', '_', s.student)}" for i, s in enumerate(a.submissions)}


def render(a: Assignment, csv_name: str) -> str:
    ids = anchors(a)
    graded = a.graded
    attention = [s for s in a.submissions if s.status != "graded"]
    mean = statistics.fmean(s.score for s in graded)
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             f"<title>{escape(a.name)}: what the class got wrong</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
             f"<h1>{escape(a.name)}: what the class got wrong</h1>\n",
             f"<p class=\"summary\">{len(graded)} graded submissions of {len(a.submissions)} "
             f"({len(a.submitted)} submitted folders) · mean score {mean:.2f} / {a.max_score:g} · "
             f"<a href=\"#attention\">{len(attention)} flagged, with errors or not graded</a> · "
             f"the same numbers per exercise: <code>{escape(csv_name)}</code></p>\n",
             "<div class=\"plots\">\n"
             f"<img alt=\"Histogram of the graded submissions' scores\" src=\"{plots.score_histogram(a)}\">\n"
             f"<img alt=\"Share of full, partial and zero marks per exercise\" src=\"{plots.pass_rates(a)}\">\n</div>\n",
             "<h2 id=\"exercises\">Exercises, most points lost first</h2>\n"]
    parts += [_exercise(e) for e in plots.by_points_lost(a.exercises)]
    parts.append(_attention(attention, ids))
    parts.append(_submissions(a, ids))
    parts.append(_timing(a, ids))
    parts.append(f"<p class=\"hint\">Made by <code>autograder report {escape(a.name)}</code> from the verdicts grading "
                 f"saved in <code>.autograder/results/{escape(a.name)}/</code>; run it again at any time.</p>\n"
                 "</body>\n</html>\n")
    return "".join(parts)


def _exercise(e) -> str:
    facts = (f"{_points(e.max_points)} · {e.full}/{e.students} full marks · mean {e.mean:.2f} · "
             f"{e.lost:g} points lost" if e.students else "no submission was scored here")
    if e.awaiting:
        facts += f" · {e.awaiting} awaiting a human"
    out = f"<section id=\"ex-{escape(e.name)}\">\n<h3>{escape(e.name)} <span class=\"facts\">{facts}</span></h3>\n"
    groups = e.failures()
    if not groups:
        return out + "<p class=\"ok\">Nobody lost points here.</p>\n</section>\n"
    return out + "<ol class=\"failures\">\n" + "".join(_group(g) for g in groups) + "</ol>\n</section>\n"


def _points(x: float) -> str:
    return f"{x:g} point{'' if x == 1 else 's'}"


def _group(g: Group) -> str:
    who = f"{g.count} student{'s' if g.count != 1 else ''}"
    label = f"<code>{escape(g.label)}</code>: " if g.label else ""
    hint = f"<br><span class=\"hint\">hint: {escape(g.hint)}</span>" if g.hint else ""
    check = f" <span class=\"hint\">({escape(g.check)})</span>" if g.check else ""
    # The example shows what the line above cannot (torch's value and the student's); when it adds nothing, omit it.
    said = [g.title(), *([f"hint: {g.hint}"] if g.hint else [])]
    example = "" if [x.strip() for x in g.example.splitlines()] == said else \
        f"<pre class=\"example\">{escape(g.example)}</pre>"
    return f"<li><span class=\"count\">{who}</span>: {label}{escape(g.text())}{check}{hint}\n{example}</li>\n"


def _link(s: Submission, ids: dict[str, str]) -> str:
    return f"<a href=\"#{ids[s.student]}\">{escape(s.student)}</a>"


def _status(s: Submission) -> str:
    return f"<span class=\"status-{s.status.replace(' ', '-')}\">{s.status}</span>"


def _attention(subs: list[Submission], ids: dict[str, str]) -> str:
    out = f"<h2 id=\"attention\">Flagged and error submissions ({len(subs)})</h2>\n"
    if not subs:
        return out + "<p class=\"ok\">None: every submission was graded without a flag.</p>\n"
    rows = "".join(f"<tr><td>{_link(s, ids)}</td><td>{_status(s)}</td><td>"
                   + "<br>".join(escape(p) for p in s.problems()) + "</td></tr>\n" for s in subs)
    return out + f"<table>\n<tr><th>student</th><th>status</th><th>why</th></tr>\n{rows}</table>\n"


def _submissions(a: Assignment, ids: dict[str, str]) -> str:
    rows = []
    for s in a.submissions:
        lost = [e.name for e in a.exercises for nb, res in s.results.items() if nb == e.notebook
                for c in res.cells if c.grade_id == e.grade_id and c.score is not None and c.score < c.max_score]
        score = f"{s.score:g} / {s.max_score:g}" if s.graded else "—"
        rows.append(f"<tr id=\"{ids[s.student]}\"><td>{escape(s.student)}</td><td class=\"num\">{score}</td>"
                    f"<td>{_status(s)}</td><td>{escape(', '.join(lost))}</td></tr>\n")
    return (f"<h2 id=\"submissions\">Submissions ({len(a.submissions)})</h2>\n<table>\n"
            "<tr><th>student</th><th>score</th><th>status</th><th>exercises that lost points</th></tr>\n"
            + "".join(rows) + "</table>\n")


def _timing(a: Assignment, ids: dict[str, str]) -> str:
    rows, sandbox, judge = [], [], []
    for s in a.submissions:
        for nb, res in sorted(s.results.items()):
            sandbox += [res.seconds] if res.seconds is not None else []
            judge += [res.judge_seconds] if res.judge_seconds is not None else []
            rows.append(f"<tr><td>{_link(s, ids)}</td><td>{escape(nb)}</td><td class=\"num\">{_secs(res.seconds)}</td>"
                        f"<td class=\"num\">{_secs(res.judge_seconds)}</td></tr>\n")
    summary = []
    for what, xs in (("in the sandbox", sandbox), ("in the trusted process", judge)):
        if xs:
            summary.append(f"{what}: median {statistics.median(xs):.2f} s, slowest {max(xs):.2f} s")
    head = "<p>" + "; ".join(summary) + ".</p>\n" if summary else ""
    return (f"{TIME_START}\n<h2 id=\"grading-time\">Grading time per notebook</h2>\n{head}<table>\n"
            "<tr><th>student</th><th>notebook</th><th>sandbox (s)</th><th>trusted side (s)</th></tr>\n"
            + "".join(rows) + f"</table>\n{TIME_END}\n")


def _secs(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"
