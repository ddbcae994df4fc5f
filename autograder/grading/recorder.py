"""The learner's process: it runs code cells and answers test cells' questions, and nothing else.

:func:`child_main` is what a learner's process runs after the zygote forks it, in its sealed form
(:mod:`.seal`). Before the first learner cell it closes every fd but the channel's, applies the
limits, takes the grader's modules out of ``sys.modules`` and out of reach of the checking library's
public names (an import of one is then a real import, which the audit hook refuses and reports),
forbids signal handlers and installs the audit hook (:mod:`.audit`). Then, one cell at a time:

* a code cell runs in IPython (:mod:`.execute`);
* a test cell is not run at all: for each of its questions the recorder runs that step on the
  learner's namespace, freezes the result (:mod:`autograder.checking.answers`) and sends it at once,
  sealed (:mod:`.channel`): nothing later in the notebook can change an answer already sent;
* the integrity checks run (:func:`.integrity.changes`), and the cell's end is sent.

The zygote reads the records and, only after this process and everything it started are dead, hands
them to the grading process. The channel's key is a local variable of :func:`child_main`, passed
down as an argument and stored nowhere else.
"""
from __future__ import annotations

import _thread
import gc
import os
import sys
import types
from typing import Any

from ..checking.exercise import answer as run_step
from . import audit, channel, execute, integrity
from . import questions as Q
from . import tape as T
from .sandbox import Limits, child_limits

STEP_UNKNOWN = b'{"@a":"other","v":null,"m":{"@d":[["type","unknown step"]]}}'


def answer(steps: dict, ns: dict, wire: str) -> bytes:
    """The wire form of the frozen answer to one question, asked of namespace ``ns``.

    Exceptions the step raises are its answer; KeyboardInterrupt (the zygote's timeout) and other
    BaseExceptions propagate, so that the caller decides what a stopped question means."""
    name, args = Q.decode_question(wire)
    fn = steps.get(name)
    if fn is None:
        return STEP_UNKNOWN
    return T.answer_bytes(run_step(fn, ns, args))


def record(header: dict, payload: bytes = b"") -> bytes:
    """One record: a flat JSON header (str and int values, None), a newline, then the payload."""
    parts = []
    for k, v in header.items():
        parts.append(T.answer_bytes(k).decode() + ":" + T.answer_bytes(v).decode())
    return ("{" + ",".join(parts) + "}\n").encode() + payload


def scrub(package: types.ModuleType) -> None:
    """Put the grader's modules out of learner code's reach (the sealed copies keep what they need)."""
    for name in [n for n in sys.modules if audit._grader_name(n)]:
        del sys.modules[name]
    for attr in ("grading", "tools"):
        vars(package).pop(attr, None)
    for name, module in list(sys.modules.items()):
        if not name.startswith("autograder.checking") or module is None:
            continue
        space = vars(module)
        for key, value in list(space.items()):
            if key == "reference_engine" and callable(value):
                space[key] = type(None)  # the public helper finds no engine here: calling it gives None
            elif _grader_object(value) or (type(value) in (list, tuple) and any(map(_grader_object, value))):
                del space[key]


def _grader_object(value: Any) -> bool:
    return audit._grader_name(value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None))


def _prepare(ctx: dict, fd: int) -> execute.Capture:
    """The process, before any learner code: fds, limits, working directory, environment, streams."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):  # the zygote's control pipes must not reach learner code
        os.dup2(devnull, std)
    os.closerange(3, fd)
    os.closerange(fd + 1, 1 << 16)
    child_limits(Limits(**ctx["limits"]))
    os.chdir(ctx["cwd"])
    for var in ("AUTOGRADER_SEED", "AUTOGRADER_TAPE"):
        os.environ.pop(var, None)
    os.environ["AUTOGRADER_MODE"] = "sandbox"
    cap = execute.Capture(ctx["limits"]["output_bytes"])
    execute.CURRENT[0] = cap
    sys.stdout, sys.stderr = execute._Stream(execute.CURRENT, "stdout"), execute._Stream(execute.CURRENT, "stderr")
    return cap


def child_main(ctx: dict, fd: int, key: bytes) -> None:
    """Run the zygote's cells until it stops sending them (it then kills this process)."""
    cap = _prepare(ctx, fd)
    scrub(ctx["package_module"])
    base = integrity.Baseline(integrity.spaces_to_watch({n: m for n, m in sys.modules.items()
                                                 if n == "autograder" or n.startswith("autograder.checking")} | ctx["watch"]))
    ino = os.fstat(fd).st_ino
    where: list = [None, None]  # the cell and question now running, for reports
    said: set = set()

    def intact() -> None:  # a record that might not arrive must not be trusted to: end the process instead
        if os.fstat(fd).st_ino != ino:
            os._exit(audit.TAMPERED)

    def guard() -> None:  # before a report: another thread could swap the fd between the check and the write
        intact()
        if _thread._count():
            os._exit(audit.TAMPERED)

    def send(header: dict, payload: bytes = b"") -> None:
        enabled = gc.isenabled()
        gc.disable()  # no finalizer (learner code) may run between the check and the write
        try:
            intact()
            channel.send(fd, key, record(header, payload))
        finally:
            if enabled:
                gc.enable()

    def report(kind: str, detail: str) -> None:
        # once per process, where it first happened; grader code once per cell, as each such cell earns nothing
        key = (kind, detail, where[0]) if kind == "grader-import" else (kind, detail)
        if key not in said:
            said.add(key)
            send({"k": "flag", "cell": where[0], "q": where[1], "kind": kind, "detail": detail})

    def check(full: bool = False) -> None:  # after a question, the namespaces whose dict changed; after a cell, all
        for change in integrity.changes(base, full):
            report("tampering", change)

    blocked = integrity.forbid_signal_handlers()
    trusted: set = set()  # locked cells with the course's own source: they may import grader modules themselves
    sys.addaudithook(audit.make_hook(report, guard, ctx["course"], ctx["package"], ctx["grader_dirs"],
                                     lambda: where[0] in trusted))
    send({"k": "ready", "seccomp": int(blocked)})
    shell, ns, steps, reader = ctx["shell"], ctx["shell"].user_ns, ctx["steps"], channel.Reader(None)
    while True:
        msg = channel.recv(fd, reader)
        if msg is None:
            os._exit(0)
        cell = T.json_c(msg.decode())
        where[0], where[1] = cell["index"], None
        if cell.get("trusted"):
            trusted.add(cell["index"])
        try:
            if "code" in cell:
                status = execute.run_code(shell, cell["code"], cap)
            else:
                cap.outputs = []
                status = _ask(cell, steps, ns, send, check, where)
        except KeyboardInterrupt:  # the zygote's interrupt, landing between two of this loop's own statements
            status = "interrupted"
        send({"k": "out", "cell": cell["index"], "count": shell.execution_count - 1}, _outputs(cap.outputs))
        where[1] = None
        check(full=True)
        send({"k": "end", "cell": cell["index"], "status": status})


def _outputs(outputs: list) -> bytes:
    try:
        return T.answer_bytes(outputs)
    except (T.TapeError, TypeError, ValueError, RecursionError):
        return T.answer_bytes([{"output_type": "stream", "name": "stdout", "text": "[unserialisable output]\n"}])


def _ask(cell: dict, steps: dict, ns: dict, send: Any, check: Any, where: list) -> str:
    """Answer a test cell's questions in order, sending each answer as soon as it is frozen."""
    # checked after each question only: between the last check and the next question runs no learner code
    # but finalizers, and what those change in between is still there at the next question's check
    for q, wire in enumerate(cell["ask"]):
        where[1] = q
        try:
            payload = answer(steps, ns, wire)
        except KeyboardInterrupt:  # the cell's time is up: the questions left stay unanswered
            return "interrupted"
        except BaseException as exc:  # noqa: BLE001  SystemExit inside a learner's function is its answer
            payload = b'{"@a":"exception","v":{"@t":[' + T.answer_bytes(type(exc).__name__) + b',""]},"m":{"@d":[]}}'
        check()
        send({"k": "ans", "cell": cell["index"], "q": q}, payload)
    return "ok"
