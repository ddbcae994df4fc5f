"""The kernel part of the learner's process: an IPython shell whose outputs are captured as nbformat outputs.

An IPython ``InteractiveShell`` runs each code cell (built once, in the zygote, and inherited by every
learner's process), so magics and ``!`` work and the display machinery is IPython's. Outputs are
captured with one budget in BYTES for the whole notebook (a 50 MB line is cut like 50 MB of lines).
Errors are shown as their name and message, without frames: IPython's own traceback display walks
frames, which the audit hook (:mod:`.audit`) reports as learner code reaching for the recorder's.
Nothing here decides a grade; :mod:`.recorder` runs the cells and answers the test cells' questions.
"""
from __future__ import annotations

import io
import json
import sys
from typing import Any


class Capture:
    """Outputs of the current cell, within the notebook's byte budget."""

    def __init__(self, budget: int):
        self.budget, self.used, self.outputs, self.cut = budget, 0, [], False

    def _take(self, nbytes: int) -> int:
        room = max(0, self.budget - self.used)
        self.used += min(room, nbytes)
        return min(room, nbytes)

    def _note_cut(self) -> None:
        if not self.cut:
            self.cut = True
            self.outputs.append({"output_type": "stream", "name": "stdout",
                                 "text": f"\n[output truncated: this notebook's outputs passed {self.budget} bytes]\n"})

    def stream(self, name: str, text: str) -> None:
        data = text.encode("utf-8", "replace")
        n = self._take(len(data))
        if n < len(data):
            text = data[:n].decode("utf-8", "ignore")
        if text:
            last = self.outputs[-1] if self.outputs else None
            if last and last["output_type"] == "stream" and last["name"] == name and not self.cut:
                last["text"] += text
            else:
                self.outputs.append({"output_type": "stream", "name": name, "text": text})
        if n < len(data):
            self._note_cut()

    def rich(self, output: dict) -> None:
        size = len(json.dumps(output, default=str))
        if self._take(size) < size:
            self._note_cut()
            return
        self.outputs.append(output)


class _Stream(io.TextIOBase):
    def __init__(self, cap: "list[Capture]", name: str):
        self._cap, self.name = cap, name

    def write(self, s: str) -> int:
        self._cap[0].stream(self.name, str(s))
        return len(s)

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"


CURRENT: list[Capture] = [Capture(0)]


def _json_safe(bundle: Any) -> dict:
    out = {}
    for k, v in dict(bundle or {}).items():
        out[str(k)] = v if isinstance(v, (str, dict, list)) else str(v)
    return out


def make_shell():
    """An InteractiveShell whose displays, results and tracebacks land in CURRENT (built once, in the zygote)."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Hook(DisplayHook):
        def write_output_prompt(self) -> None:
            pass

        def write_format_data(self, format_dict, md_dict=None) -> None:
            CURRENT[0].rich({"output_type": "execute_result", "execution_count": self.prompt_count,
                             "data": _json_safe(format_dict), "metadata": _json_safe(md_dict)})

        def finish_displayhook(self) -> None:
            pass

    class Pub(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw) -> None:
            CURRENT[0].rich({"output_type": "display_data", "data": _json_safe(data), "metadata": _json_safe(metadata)})

        def clear_output(self, wait=False) -> None:
            CURRENT[0].outputs.clear()

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "nocolor"
    shell = InteractiveShell.instance(config=cfg)
    shell.displayhook = Hook(shell=shell, cache_size=shell.cache_size)
    shell.display_trap.hook = shell.displayhook
    shell.display_pub = Pub(shell=shell)

    def showtraceback(exc_tuple=None, *args: Any, **kwargs: Any) -> None:
        etype, evalue, _tb = exc_tuple or sys.exc_info()
        try:  # the exception alone: its traceback's frames, and its chained exceptions', stay unread
            ename, text = getattr(etype, "__name__", str(etype)), str(evalue)
            lines = [f"{ename}: {text}"] if text else [ename]
            if isinstance(evalue, SyntaxError) and evalue.text:
                lines[:0] = [f"  line {evalue.lineno}: {evalue.text.rstrip()}"]
        except Exception:
            ename, text, lines = "Exception", "<unprintable exception>", []
        CURRENT[0].rich({"output_type": "error", "ename": ename, "evalue": text[:10_000],
                         "traceback": [str(line)[:10_000] for line in lines]})

    shell.showtraceback = showtraceback
    shell.showsyntaxerror = lambda *args, **kwargs: showtraceback()
    shell._format_exception_for_storage = lambda exc, *args, **kwargs: {  # IPython's history copy: frameless too
        "ename": type(exc).__name__, "evalue": str(exc), "traceback": []}
    shell.system = shell.system_piped  # `!cmd` output is captured, as in a kernel
    return shell


def run_code(shell: Any, source: str, cap: Capture) -> str:
    """Run one code cell into ``cap``; never raises for anything the cell does. 'ok', or 'interrupted'."""
    CURRENT[0] = cap
    cap.outputs = []
    try:
        shell.run_cell(source, store_history=True)
    except KeyboardInterrupt:  # the zygote's SIGINT between two statements IPython catches
        cap.rich({"output_type": "error", "ename": "KeyboardInterrupt", "evalue": "", "traceback": []})
        return "interrupted"
    except BaseException as exc:  # noqa: BLE001  SystemExit from an exit hook, an error in IPython itself
        cap.rich({"output_type": "error", "ename": type(exc).__name__, "evalue": "", "traceback": []})
    interrupted = any(o.get("ename") == "KeyboardInterrupt" for o in cap.outputs if o.get("output_type") == "error")
    return "interrupted" if interrupted else "ok"


def warm_up(shell) -> None:
    """Trusted warm-up in the zygote (never learner code): IPython's path through a failing cell, and
    matplotlib's inline backend, fonts and PNG rendering, so the first figure does not pay for them again.
    The figure uses what the course's figures use (a torch mask in imshow, numbers in cells, a monospace
    title, a label) and goes out the way a learner's does, through ``plt.show`` and the display path."""
    count, names = shell.execution_count, set(shell.user_ns)
    shell.run_cell("raise NotImplementedError('warm-up')", store_history=False)
    for name in set(shell.user_ns) - names:
        del shell.user_ns[name]
    shell.execution_count = count
    for attr in ("last_type", "last_value", "last_traceback", "last_exc"):
        sys.__dict__.pop(attr, None)
    CURRENT[0] = Capture(0)
    import matplotlib.pyplot as plt  # the inline backend (MPLBACKEND) hooks itself into this shell on import
    import torch
    fig, axes = plt.subplots(1, 2, figsize=(3, 1))
    axes[0].imshow(torch.tensor([[0, 1], [1, 0]]) > 0, cmap="Blues", vmin=0, vmax=1.6)
    axes[0].text(0, 0, 1, ha="center", va="center", color="white")
    axes[1].plot([0, 1], [1, 0])
    axes[0].set_title("warm-up", family="monospace")
    axes[1].set_xlabel("warm-up")
    axes[0].set_xticks([]), axes[0].set_yticks([])
    plt.show()  # closes it
    CURRENT[0] = Capture(0)
