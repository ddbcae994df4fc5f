"""One module per chapter, ``chNN_name.py``; importing it registers its exercises."""
from __future__ import annotations

import importlib
import pkgutil


def modules() -> dict[str, str]:
    """Map 'ch01' to 'ch01_creating_tensors', for every chapter module present."""
    return {m.name.split("_")[0]: m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch")}


def load(chapter: str) -> None:
    name = modules().get(chapter)
    if name is not None:
        importlib.import_module(f"{__name__}.{name}")


def load_all() -> None:
    for name in modules().values():
        importlib.import_module(f"{__name__}.{name}")
