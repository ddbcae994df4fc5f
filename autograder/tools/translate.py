"""The course in other languages, generated from the English: catalogues, instructor notebooks, status.

Usage: python -m autograder.tools.translate COMMAND [--lang zh-CN] [CHAPTER ...]

* ``update``  bring ``i18n/<lang>/<chapter>.po`` in step with ``solutions/``: new cells get empty entries,
  changed cells keep their old translation as a fuzzy draft beside the old English, removed cells go obsolete.
  A chapter named on the command line gets a catalogue if it has none: that starts its translation.
* ``status``  list, per chapter, the cells whose translation is missing or stale; exit 1 if any.
* ``build``   write the instructor notebooks ``course/<lang>/source/<chapter>/<chapter>.ipynb`` (the language's
  nbgrader source folder) from ``solutions/`` and the catalogues, and run them so their stored outputs are
  the ones strict nbval expects. A notebook whose code cells did not change keeps its outputs, unless
  ``--execute`` (``make outputs``) asks for a fresh run.

``make release`` runs ``build`` and then ``nbgrader generate_assignment`` in ``course/<lang>/``, which writes
the student notebooks to ``notebooks/<lang>/<chapter>/<chapter>.ipynb``.
"""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import nbformat

from . import i18n_cells as T
from .refresh import refresh


def source_path(lang: str, ch: str) -> Path:
    return T.REPO / "course" / lang / "source" / ch / f"{ch}.ipynb"


def release_path(lang: str, ch: str) -> Path:
    return T.REPO / "notebooks" / lang / ch / f"{ch}.ipynb"


def _code(nb) -> list[tuple[str, str]]:
    return [(c.id, c.source) for c in nb.cells if c.cell_type == "code"]


def build(lang: str, ch: str, execute: bool = False) -> str:
    """Write the chapter's instructor notebook in ``lang``; say whether it was run or kept its outputs."""
    nb = T.translate(T.english(ch), T.load(lang, ch), lang)
    dest = source_path(lang, ch)
    old = nbformat.read(str(dest), as_version=4) if dest.exists() else None
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    if old is not None and not execute and _code(old) == _code(nb):
        stored = {c.id: c for c in old.cells if c.cell_type == "code"}
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = stored[cell.id].outputs, stored[cell.id].execution_count
        if nbformat.writes(nb) == nbformat.writes(old):
            return "unchanged"
        nbformat.write(nb, str(dest))
        return "prose updated"
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(dest))
    refresh(dest)
    return "run"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m autograder.tools.translate", description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["update", "status", "build"])
    ap.add_argument("chapters", nargs="*")
    ap.add_argument("--lang", action="append", choices=T.LANGS)
    ap.add_argument("--execute", action="store_true", help="build: run every notebook, changed or not")
    args = ap.parse_args(argv)
    bad = 0
    for lang in args.lang or T.LANGS:
        for ch in args.chapters or T.translated(lang):
            if args.command == "update":
                T.save(T.update(T.english(ch), T.load(lang, ch)), T.catalogue_path(lang, ch))
                print(f"{lang}/{ch}: catalogue updated")
            elif args.command == "status":
                catalog = T.load(lang, ch)
                found = T.problems(T.english(ch), catalog)
                bad += bool(found)
                print(f"{lang}/{ch}: " + ("; ".join(f"{k}: {', '.join(v)}" for k, v in found.items()) or "up to date"))
                for msg in catalog:  # what changed in the English since a fuzzy draft was translated
                    if msg.id and msg.fuzzy and msg.previous_id:
                        print(f"  {msg.context}:", *difflib.unified_diff(msg.previous_id[0].splitlines(),
                                                                         msg.id.splitlines(), lineterm="", n=0),
                              sep="\n    ")
            else:
                print(f"{lang}/{ch}: {build(lang, ch, args.execute)}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
