"""Simplified Chinese for this kernel: a Chinese chapter's setup cell says ``import autograder.zh_CN``.

From then on matplotlib draws Chinese labels with Noto Sans CJK SC (:mod:`autograder.checking.fonts`).
"""
from .checking import fonts

fonts.use_cjk()
