"""nbgrader preprocessors that plug the engine into ``nbgrader autograde`` (see course/nbgrader_config.py).

* :class:`SandboxedExecute` replaces nbgrader's ``Execute``: cells run in a warm sandboxed
  worker (:mod:`autograder.grading.worker`) in record mode; outputs come back as untrusted data.
* :class:`LimitOutputBytes` caps every cell's outputs in bytes (nbgrader's LimitOutput counts lines).
* :class:`Judge` runs before ``SaveAutoGrades``: it rewrites each grade cell from the
  gradebook's trusted source and replaces its outputs with the verdict of the trusted replay
  (:mod:`autograder.grading.judge`), so ``SaveAutoGrades`` scores what the judge decided. It also
  flags structural damage and suspicious code (:mod:`autograder.grading.scan`).
* :class:`SaveVerdict` runs last: one JSON result per submission notebook, written as soon
  as it is graded, and "needs manual grade" in the gradebook for flagged work.
"""
from __future__ import annotations

from ..speedups import compile_cell_schemas
from .judge import Judge
from .limit_output_bytes import LimitOutputBytes
from .repair_structure import RepairStructure
from .sandboxed_execute import SandboxedExecute
from .save_verdict import SaveVerdict

compile_cell_schemas()  # the course config imports this package before nbgrader validates any cell

__all__ = ["Judge", "LimitOutputBytes", "RepairStructure", "SandboxedExecute", "SaveVerdict"]
