"""Graph pictures: the graph behind a tensor (or a micrograd-style Value), drawn by matplotlib as a PNG image.

``draw_graph(root)`` returns an object that Jupyter shows as an image (``_repr_png_``), so the picture is an
ordinary PNG output: JupyterLab shows it, and so do the nbconvert HTML of the notebook and nbgrader's
feedback pages. No Graphviz or other system binary is needed.

Inputs are on the left and the root on the right; an arrow goes from each input to the op that used it
(two arrows when an op uses one node twice, as in ``x * x``). A node with no recorded inputs is a **leaf**
(green: it requires grad, or it is a Value) or a **constant** (grey: a number an op wrapped, or a result
computed without grad, shown as a constant whatever op made it). Op nodes (blue) show their op and shape;
the root has a thick border. A leaf that one of the caller's variables names is labelled with that name.
"""
from __future__ import annotations

import io
import sys
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from .i18n import _

COLORS = {"leaf": "#cdeccd", "constant": "#e3e3e3", "op": "#cfe0f7"}


def _nodes(root: Any) -> list:
    """Every node behind root, each once, each after its inputs (an explicit stack: graphs can be deep)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((c, False) for c in reversed(tuple(getattr(v, "_prev", ()))))
    return order


def _kind(v: Any) -> str:
    if tuple(getattr(v, "_prev", ())):
        return "op"
    return "leaf" if getattr(v, "requires_grad", True) else "constant"


def _number(x: Any) -> str:
    return f"{float(np.asarray(x).reshape(-1)[0]):.4g}"


def _label(v: Any, kind: str, name: str | None) -> str:
    data = np.asarray(getattr(v, "data", 0.0))
    scalar_node = not hasattr(v, "requires_grad")  # a Value: show its numbers, as micrograd's pictures do
    if scalar_node:
        head = (name or _("leaf")) if kind != "op" else v._op
        return f"{head}\ndata {_number(data)}\ngrad {_number(v.grad)}"
    shape = _("shape {shape}").format(shape=tuple(data.shape))
    if kind == "op":
        return (v._op or _("op")) + "\n" + shape
    if kind == "leaf":
        return "\n".join([name or _("leaf"), _("requires grad"), shape])
    return (name or _("constant")) + "\n" + (_number(data) if data.size == 1 else shape)


class GraphPicture:
    """A drawn graph: Jupyter shows the PNG; the text form says what is in it."""

    def __init__(self, png: bytes, summary: str):
        self.png, self.summary = png, summary

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return self.summary


def _names(frame_globals: dict, nodes: list) -> dict[int, str]:
    ids = {id(v) for v in nodes}
    return {id(val): key for key, val in frame_globals.items()
            if not key.startswith("_") and key not in ("In", "Out") and id(val) in ids}


def columns_of(nodes: list) -> dict[int, int]:
    """Each node's column: an op one right of its deepest input; a leaf or constant just left of the first op that
    reads it (so a leaf read by a late op is not drawn far from it), a lone root leaf at 0."""
    depth: dict[int, int] = {}
    readers: dict[int, list[int]] = {}
    for v in nodes:  # inputs first
        if _kind(v) == "op":
            depth[id(v)] = 1 + max(depth.get(id(c), 0) for c in v._prev)
            for c in v._prev:
                if _kind(c) != "op":
                    readers.setdefault(id(c), []).append(depth[id(v)])
    for v in nodes:
        if _kind(v) != "op":
            depth[id(v)] = min(readers.get(id(v), [1])) - 1
    return depth


def draw_graph(root: Any, names: dict[str, Any] | None = None) -> GraphPicture:
    """The graph behind ``root`` as a picture. ``names`` maps labels to nodes; by default the caller's variables."""
    nodes = _nodes(root)
    label_of = {id(v): k for k, v in (names or {}).items()} or _names(sys._getframe(1).f_globals, nodes)
    depth = columns_of(nodes)
    columns: dict[int, list] = {}
    for v in nodes:
        columns.setdefault(depth[id(v)], []).append(v)
    y: dict[int, float] = {}
    for d in sorted(columns):  # order each column by where its nodes' inputs are (fewer crossing arrows)
        col = sorted(columns[d], key=lambda v: np.mean([y[id(c)] for c in v._prev]) if v._prev and all(id(c) in y for c in v._prev) else 0.0)
        for i, v in enumerate(col):
            y[id(v)] = i - (len(col) - 1) / 2
    tall = max(len(c) for c in columns.values())
    fig = Figure(figsize=(1.9 * len(columns) + 0.6, 0.95 * tall + 0.7))
    ax = fig.subplots()
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(-tall / 2, tall / 2)
    ax.axis("off")
    boxes = {}
    first = min(columns)
    for v in nodes:
        kind = _kind(v)
        boxes[id(v)] = ax.text(depth[id(v)] - first, -y[id(v)], _label(v, kind, label_of.get(id(v))), ha="center",
                               va="center", fontsize=8, family="monospace",
                               bbox=dict(boxstyle="round,pad=0.35", fc=COLORS[kind], ec="black", lw=2.2 if v is root else 0.8))
    for v in nodes:
        prev = list(v._prev)
        for i, c in enumerate(prev):
            twice = prev.count(c) > 1
            rad = (0.25 if prev.index(c) == i else -0.25) if twice else 0.0
            if not twice and depth[id(v)] - depth[id(c)] > 1:  # a long arrow bows outwards, around the ops between
                rad = 0.3 if y[id(c)] >= y[id(v)] else -0.3
            ax.annotate("", xy=(0, 0.5), xycoords=boxes[id(v)], xytext=(1, 0.5), textcoords=boxes[id(c)],
                        arrowprops=dict(arrowstyle="->", color="#444444", lw=0.9, connectionstyle=f"arc3,rad={rad}"))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    counts = {k: sum(_kind(v) == k for v in nodes) for k in ("leaf", "constant", "op")}
    return GraphPicture(buf.getvalue(), f"<graph of {len(nodes)} nodes: {counts['leaf']} leaves, {counts['constant']} "
                                        f"constants, {counts['op']} ops; root: {root._op or 'a leaf'}>")
