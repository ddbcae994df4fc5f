"""One class hub for the whole of tests/hub: deployed, chapter 01 released by the grader, started.

The test files run in name order (a class's term in order): the browser walk, the isolation checks,
then the load step and the hub restart. Screenshots land in test-output/hub/.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))  # tests/e2e/test_browser.py's helpers

from .hubserver import CH, OUT, STUDENTS, Hub  # noqa: E402


def why_not() -> str | None:
    if not os.environ.get("HUB_TESTS"):
        return "runs under `make test-hub` (a real JupyterHub with real users)"
    if os.geteuid() != 0:
        return "the class hub needs root: it creates system users, sets file owners and spawns servers as those users"
    for tool in ("useradd", "setpriv", "npm", "bwrap"):
        if shutil.which(tool) is None:
            return f"{tool} is missing (.ci/run installs it)"
    return None


@pytest.fixture(scope="session")
def hub():
    reason = why_not()
    if reason:
        if os.environ.get("CI") and os.environ.get("HUB_TESTS"):
            pytest.fail(f"tests/hub must run in CI: {reason}")
        pytest.skip(reason)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    h = Hub(Path("/srv/torch-course-test"), STUDENTS)
    try:
        h.deploy()
        # The instructor's first step, scripted: generate chapter 01 and release it to the exchange.
        h.as_user(h.roster["grader"], "nbgrader", "generate_assignment", CH, "--force", cwd=h.grader_home / "course")
        h.as_user(h.roster["grader"], "nbgrader", "release_assignment", CH, "--force", cwd=h.grader_home / "course")
        h.start()
        yield h
    finally:
        h.shutdown()
