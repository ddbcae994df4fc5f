"""LimitOutputBytes: a per-cell output cap in bytes (nbgrader's LimitOutput counts lines)."""
from __future__ import annotations

import json

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer


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

