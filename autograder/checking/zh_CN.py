"""Simplified Chinese for this kernel: a Chinese chapter's setup cell says ``import autograder.checking.zh_CN``.

From then on check() messages and hints are in Chinese (``torch 给出 … / 你的答案 … / 提示 …``; names, code
and torch's own error texts stay as they are), and matplotlib draws Chinese labels with Noto Sans CJK SC.
The grading judge reads this line in the trusted copy of the notebook to write feedback in Chinese.
"""
from . import fonts, i18n

i18n.use("zh-CN")
fonts.use_cjk()
