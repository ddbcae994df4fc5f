"""The report's two plots, drawn with matplotlib as SVG and embedded as data URIs (the page works offline).

The same data always gives the same bytes: SVG ids are salted with a constant and no date is written.
"""
from __future__ import annotations

import base64
import io
import math

from .gather import Assignment, Exercise

FULL, PARTIAL, ZERO = "#2e7d32", "#f9a825", "#c62828"
RC = {"svg.hashsalt": "autograder-report", "svg.fonttype": "path", "font.size": 10, "axes.spines.top": False,
      "axes.spines.right": False, "font.family": "DejaVu Sans"}


def _embed(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def score_histogram(a: Assignment) -> str:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    scores = [s.score for s in a.graded]
    top = a.max_score
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(5.6, 2.6))
        # One bar per point when the scale is small (scores are whole points here), else 20 bins.
        edges = [i - 0.5 for i in range(int(math.ceil(top)) + 2)] if top <= 40 else 20
        ax.hist(scores, bins=edges, color="#1565c0", edgecolor="white")
        ax.set_xlim(-0.5, top + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(f"score (out of {top:g})")
        ax.set_ylabel("submissions")
        ax.set_title(f"Score distribution ({len(scores)} graded submissions)", loc="left")
        uri = _embed(fig)
        plt.close(fig)
    return uri


def by_points_lost(exercises: list[Exercise]) -> list[Exercise]:
    """Most points lost first; notebook order among equals."""
    return sorted(exercises, key=lambda e: -e.lost)


def pass_rates(a: Assignment) -> str:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    rows = [e for e in by_points_lost(a.exercises) if e.students]
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(5.6, 0.9 + 0.32 * max(len(rows), 1)))
        y = list(range(len(rows)))[::-1]  # the most points lost at the top
        share = [[getattr(e, k) / e.students * 100 for e in rows] for k in ("full", "partial", "zero")]
        ax.barh(y, share[0], color=FULL, label="full marks")
        ax.barh(y, share[1], left=share[0], color=PARTIAL, label="partial")
        ax.barh(y, share[2], left=[f + p for f, p in zip(share[0], share[1])], color=ZERO, label="zero")
        ax.set_yticks(y, [e.name for e in rows])
        ax.set_xlim(0, 100)
        ax.set_xlabel("% of submissions")
        for yi, e in zip(y, rows):
            ax.text(101, yi, f"−{e.lost:g} pt{'' if e.lost == 1 else 's'}" if e.lost else "", va="center", fontsize=8, clip_on=False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=8)
        ax.set_title("Pass rate per exercise, most points lost at the top", loc="left", pad=22)
        uri = _embed(fig)
        plt.close(fig)
    return uri
