"""Labels for failures: each names the learner's own expression, never an index they did not write.

A prediction is labelled by its name and by the expression it stands for; a call by the call itself and
its inputs. Every label is a plain ``str`` made through ``_()``, so it travels in verdicts and translates.
"""
from __future__ import annotations

import torch

from .i18n import _


def predicted(name: str, expr: str) -> str:
    """'predicted_x, your prediction of `x.t().stride()`'."""
    return _("{name}, your prediction of `{expr}`").format(name=name, expr=expr)


def of_shape(name: str, t: torch.Tensor) -> str:
    """'x of shape (2, 3)'."""
    return _("{name} of shape {shape}").format(name=name, shape=tuple(t.shape))


def part(call: str, which: str) -> str:
    """'f(x) for x of shape (3,), the leaf x': one thing a call left behind."""
    return _("{call}, {which}").format(call=call, which=which)
