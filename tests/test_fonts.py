"""Chinese labels in pictures: the font comes from a pinned package the setup installs, and matplotlib
draws Chinese text with no missing glyph ("tofu") once a notebook has said `import autograder.checking.zh_CN`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from autograder.checking import fonts
from conftest import REPO

DRAW = """
import warnings
warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" where it would draw tofu
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
{setup}
fig, ax = plt.subplots()
ax.set_title("x[:, 1:]：形状 (3, 2)，步长 (3, 1)", family="monospace")
ax.set_xlabel("数据区（存储）与信息区")
ax.text(0.5, 0.5, "叶子节点的梯度", fontsize=9)
fig.savefig({out!r})
print("drawn")
"""


def _draw(tmp_path: Path, setup: str) -> subprocess.CompletedProcess:
    code = DRAW.format(setup=setup, out=str(tmp_path / "labels.png"))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={"MPLCONFIGDIR": str(tmp_path / "mpl"), "PATH": "/usr/bin:/bin"})


def test_the_font_is_a_pinned_package_that_the_setup_installs():
    path = Path(fonts.cjk_font_path())
    assert path.is_file() and path.suffix == ".ttc" and "site-packages" in path.parts
    lock = (REPO / "requirements.lock").read_text().splitlines()
    assert "noto-cjk-sans-otc==0.0.1" in lock and "jupyterlab-language-pack-zh-CN==4.5.post3" in lock
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "noto-cjk-sans-otc==0.0.1" in pip and "jupyterlab-language-pack-zh-CN==4.5.post3" in pip


def test_chinese_labels_draw_without_tofu(tmp_path):
    proc = _draw(tmp_path, "import autograder.checking.zh_CN")
    assert proc.returncode == 0 and "drawn" in proc.stdout, proc.stderr[-2000:]
    assert (tmp_path / "labels.png").stat().st_size > 5000


def test_without_the_language_line_the_same_labels_are_tofu(tmp_path):
    # The near miss: matplotlib's own fonts lack the glyphs, and says so.
    proc = _draw(tmp_path, "")
    assert proc.returncode != 0 and "missing from font" in proc.stderr, proc.stderr[-2000:]
