"""Graph pictures (autograder.checking.draw): a PNG Jupyter shows, leaves and constants told apart, a readable layout."""
from __future__ import annotations

import io

import numpy as np
from matplotlib.image import imread

from autograder.checking.draw import _kind, _nodes, columns_of, draw_graph
from autograder.grading.reference.engine import Tensor


class Value:  # micrograd's scalar node, as chapter 09's warm-up builds it
    def __init__(self, data, _children=(), _op=""):
        self.data, self.grad, self._prev, self._op = data, 0.0, tuple(_children), _op

    def __add__(self, other):
        return Value(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        return Value(self.data * other.data, (self, other), "*")


def test_the_picture_is_a_png_with_leaves_constants_and_ops_counted():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    w = Tensor(np.ones(3), requires_grad=True)
    out = x * w + x * 2.0  # 2.0 becomes a constant the op wrapped
    pic = draw_graph(out)
    png = pic._repr_png_()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and imread(io.BytesIO(png)).shape[2] == 4
    assert repr(pic) == "<graph of 6 nodes: 2 leaves, 1 constants, 3 ops; root: +>"
    assert [_kind(v) for v in _nodes(out)].count("constant") == 1


def test_a_leaf_sits_just_left_of_the_first_op_that_reads_it():
    # (a * b + a) * b: a and b are both read by the first op; drawing them next to a later reader put a leaf in
    # the same column as an op, with arrows crossing it
    a, b = Value(2.0), Value(-3.0)
    ab = a * b
    s = ab + a
    e = s * b
    col = columns_of(_nodes(e))
    assert [col[id(v)] for v in (a, b, ab, s, e)] == [0, 0, 1, 2, 3]
    c = Value(5.0)
    late = e * c  # a leaf read only by the last op sits just left of it
    col = columns_of(_nodes(late))
    assert col[id(c)] == col[id(late)] - 1 == 3 and col[id(a)] == 0


def test_every_arrow_goes_right():
    x = Tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    y = ((x * x).sum(axis=0) @ Tensor(np.ones(3))).exp() + x.mean()
    nodes = _nodes(y)
    col = columns_of(nodes)
    assert all(col[id(c)] < col[id(v)] for v in nodes for c in v._prev)
    assert draw_graph(Tensor(1.0, requires_grad=True)).summary.endswith("1 leaves, 0 constants, 0 ops; root: a leaf>")
