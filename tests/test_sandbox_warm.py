"""What a zygote warms before any learner code: matplotlib's font list, from the grading user's (bound
read-only) instead of scanning every font, and a figure drawn the way a learner's is."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from autograder.grading import sandbox, worker
from conftest import require

FONTS = ("from matplotlib import font_manager as fm\n"
         "print(sorted({f.name for f in fm.fontManager.ttflist} & {'AutograderMarker'}))")


def _run(root, source: str) -> list[list[dict]]:
    pool = worker.Pool(1, root)
    try:
        result = pool.run(worker.Job.of(source))
    finally:
        pool.close()
    assert result.reason is None, result.reason
    return [cell["outputs"] for _, cell in sorted(result.cells.items())]


def _marked_font_list(folder) -> None:
    """A real font list with one more entry, whose name no font on this machine has."""
    from matplotlib import font_manager as fm
    manager = fm.FontManager()
    first = manager.ttflist[0]
    manager.ttflist.append(fm.FontEntry(fname=first.fname, name="AutograderMarker", style=first.style,
                                        variant=first.variant, weight=first.weight, stretch=first.stretch,
                                        size=first.size))
    folder.mkdir()
    fm.json_dump(manager, folder / f"fontlist-v{fm.FontManager.__version__}.json")


def test_the_zygote_starts_from_the_grading_users_font_list(monkeypatch, tmp_path):
    require(sandbox.bwrap_path() is not None, "bubblewrap")
    _marked_font_list(tmp_path / "mpl")
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))  # where matplotlib (and the grader) find the list
    outputs = _run(tmp_path / "pool", FONTS)
    assert [o.get("text") for o in outputs[0]] == ["['AutograderMarker']\n"], outputs


def test_without_a_font_list_the_zygote_builds_its_own(monkeypatch, tmp_path):
    require(sandbox.bwrap_path() is not None, "bubblewrap")
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "empty"))
    assert sandbox.host_font_lists() == []
    outputs = _run(tmp_path / "pool", FONTS + "\nprint(len(fm.fontManager.ttflist) > 0)")
    assert [o.get("text") for o in outputs[0]] == ["[]\nTrue\n"], outputs



WARM_UP = """
import json
from autograder.grading import execute
seen = []
class Logged(execute.Capture):
    def rich(self, output):
        seen.append((output["output_type"], sorted(output.get("data", {}))))
        super().rich(output)
execute.Capture = Logged
shell = execute.make_shell()
execute.warm_up(shell)
import matplotlib.pyplot as plt
print(json.dumps({"seen": seen, "open": plt.get_fignums(), "count": shell.execution_count}))
"""


def test_the_warm_up_renders_a_figure_through_the_display_path_and_closes_it(tmp_path):
    """The zygote's warm-up draws a PNG the way a learner's plt.show() does (it once failed silently, drawing nothing)."""
    env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline", "MPLCONFIGDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", WARM_UP], env=env, capture_output=True, text=True, check=True).stdout
    report = json.loads(out.splitlines()[-1])
    assert report["seen"][-1] == ["display_data", ["image/png", "text/plain"]], report
    assert report["open"] == [] and report["count"] == 1, report
