"""Re-run an instructor notebook in place, so its stored outputs are the ones strict nbval expects.

Usage: python -m autograder.tools.refresh solutions/NN_name/NN_name.ipynb [...]

Timing metadata is not recorded: it would change on every run and leak into the release.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def refresh(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, str(path))


def main(argv: list[str]) -> int:
    for arg in argv:
        refresh(Path(arg))
        print(f"refreshed {arg}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
