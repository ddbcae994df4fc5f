"""Chinese words in the course's pictures, with no missing glyphs ("tofu").

matplotlib's own fonts have no Chinese glyphs. The setup installs Noto Sans CJK from PyPI (the package
``noto-cjk-sans-otc``, pinned in requirements.lock): :func:`use_cjk` tells matplotlib about it and makes
it the fallback after DejaVu Sans, so Latin text looks as in the English course and Chinese text is drawn
in Noto Sans CJK SC (Simplified Chinese glyph forms). ``import autograder.checking.zh_CN`` calls it.
"""
from __future__ import annotations

import importlib.util
import warnings

SANS, MONO = "Noto Sans CJK SC", "Noto Sans Mono CJK SC"


def cjk_font_path() -> str | None:
    """Where the installed Noto Sans CJK collection is, or None when the package is missing."""
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return None
    return str(FONT_PATH)


def use_cjk() -> bool:
    """Let matplotlib draw Chinese text (a no-op where matplotlib is not installed). True when it can."""
    if importlib.util.find_spec("matplotlib") is None:
        return False
    import matplotlib
    from matplotlib import font_manager

    path = cjk_font_path()
    if path is None:
        warnings.warn("Chinese labels need the font package noto-cjk-sans-otc (`make setup` installs it)", stacklevel=2)
        return False
    if not any(f.fname == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)  # every face of the collection, SC included
    rc = matplotlib.rcParams
    # A list of named families falls back glyph by glyph; a generic one ("monospace") takes its first font only.
    rc["font.family"] = ["DejaVu Sans", SANS]
    rc["font.sans-serif"] = [SANS, *[f for f in rc["font.sans-serif"] if f != SANS]]
    rc["font.monospace"] = [MONO, *[f for f in rc["font.monospace"] if f != MONO]]
    return True
