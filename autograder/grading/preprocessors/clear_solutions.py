"""nbgrader's ClearSolutions, with a stub that says what to write (minitorch's style) where the solution asks.

A solution region whose first line is a comment ``# todo: <what to do>`` becomes
``raise NotImplementedError("<what to do>")`` in the student's notebook (indented like the region),
so a skeleton's method body tells the learner what it wants. Every other region gets nbgrader's
configured ``code_stub``, as before. ``generate_assignment`` uses it (course/nbgrader_config.py).
"""
from __future__ import annotations

import json
import re

from nbgrader.preprocessors import ClearSolutions

TODO = re.compile(r"^\s*#\s*todo:\s*(.+?)\s*$")


class ClearSolutionsSayingWhat(ClearSolutions):
    def _replace_solution_region(self, cell, language: str) -> bool:
        lines = cell.source.split("\n")
        if cell.cell_type != "code" or not any(self.begin_solution_delimeter in line for line in lines):
            return super()._replace_solution_region(cell, language)
        out: list[str] = []
        region: list[str] | None = None
        indent = ""
        for line in lines:
            if self.begin_solution_delimeter in line:
                if region is not None:
                    raise RuntimeError("encountered nested begin solution statements")
                region, indent = [], re.match(r"\s*", line).group(0)
            elif self.end_solution_delimeter in line and region is not None:
                todo = TODO.match(region[0]) if region else None
                stub = [f"raise NotImplementedError({json.dumps(todo.group(1))})"] if todo else \
                    self.code_stub[language].split("\n")
                out += [indent + s for s in stub]
                region = None
            elif region is not None:
                region.append(line)
            else:
                out.append(line)
        if region is not None:
            raise RuntimeError("no end solution statement found")
        cell.source = "\n".join(out)
        return True
