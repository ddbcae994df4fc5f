"""Run by the student environment's own Python (``.venv-student/bin/python -I``), outside the repo: nothing
here may import the tests or the repo's source. Reads jobs as JSON on stdin, writes verdicts as JSON to the file named by argv[1] (stdout is the cells').

A job is one notebook state: the chapter's setup cell, then its answer cells and the course's given code, in
notebook order (a cell that raises is skipped, as in a notebook), then test cells ``check("chNN.x")`` run through ``check()`` itself. A verdict is "pass",
"fail: <the lesson>" (a CheckFailure) or "crash: <error>" (anything else: a traceback where a lesson belongs).
"""
import json
import sys
import traceback

from autograder import CheckFailure


def run(job: dict) -> dict:
    ns: dict = {"__name__": "__main__"}
    exec(compile(job["setup"], "setup", "exec"), ns)
    for gid, src in job["cells"]:
        try:
            exec(compile(src, gid, "exec"), ns)
        except Exception:
            pass
    out = {}
    for name in job["checks"]:
        try:
            exec(f"check({name!r})", ns)
            out[name] = "pass"
        except CheckFailure as failure:
            out[name] = f"fail: {failure}"
        except Exception:
            out[name] = "crash: " + traceback.format_exc(limit=4)
    return out


if __name__ == "__main__":
    jobs = json.load(sys.stdin)
    verdicts = {key: run(job) for key, job in jobs.items()}
    with open(sys.argv[1], "w") as f:
        json.dump(verdicts, f)
