"""The pins: requirements.lock pins everything with ==, torch is the CPU 2.13.0 build, and
environment.yml (for conda users) lists the same versions."""
from __future__ import annotations

import re

import yaml

from conftest import REPO

# conda-forge names some packages differently from PyPI.
CONDA_TO_PIP = {"pytorch": "torch"}


def lock() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"requirements.lock must pin with ==: {line!r}"
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_lock_pins_the_key_packages():
    pins = lock()
    assert pins["torch"] == "2.13.0", "pin torch==2.13.0 (the CPU build here); unpinned pulls a multi-GB CUDA build"
    assert pins["nbgrader"] == "0.9.6"
    assert pins["jupyterlab"].startswith("4.6.")
    for name in ("nbval", "numpy", "pytest", "hypothesis", "nbclient"):
        assert name in pins


def test_environment_yml_agrees_with_the_lock():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pins = lock()
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in conda
    checked = 0
    for dep in conda:
        m = re.fullmatch(r"([\w.-]+)=([\w.]+)(=.*)?", dep)
        if not m or m.group(1) == "python":
            continue
        name = CONDA_TO_PIP.get(m.group(1), m.group(1))
        assert name in pins, f"environment.yml lists {name}, which requirements.lock does not pin"
        assert pins[name] == m.group(2), f"{name}: environment.yml has {m.group(2)}, requirements.lock has {pins[name]}"
        checked += 1
    assert "pytorch=2.13.0=cpu*" in conda, "conda users get the CPU build too"
    assert checked >= 10


def test_nbgrader_has_a_ceiling_and_the_speedups_mirror_the_pinned_release():
    import tomllib

    from packaging.requirements import Requirement

    from autograder.grading.speedups import NBGRADER
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    spec = next(Requirement(d).specifier for d in deps if Requirement(d).name == "nbgrader")
    assert any(s.operator == "<" for s in spec), "pyproject.toml: nbgrader needs a version ceiling"
    assert lock()["nbgrader"] == NBGRADER and NBGRADER in spec and "0.10" not in spec


def test_setup_leaves_nbgrader_server_extensions_enabled():
    """Formgrader and the student tools are on in the venv `make setup` builds: nbgrader's wheel installs
    etc/jupyter/jupyter_server_config.d/nbgrader.json, which enables its four server extensions."""
    import sys
    from pathlib import Path

    from jupyter_server.extension.config import ExtensionConfigManager
    venv_config = str(Path(sys.prefix) / "etc" / "jupyter")
    enabled = ExtensionConfigManager(read_config_path=[venv_config]).get_jpserver_extensions()
    assert {name: on for name, on in enabled.items() if name.startswith("nbgrader.")} == {
        f"nbgrader.server_extensions.{ext}": True
        for ext in ("formgrader", "assignment_list", "course_list", "validate_assignment")}


def test_setup_byte_compiles_the_autograder_package_and_torch():
    """`make setup` leaves bytecode the sandboxed workers can read but never write (README, grading throughput):
    for every module of autograder/ (compileall) and of torch (pip), a .pyc at least as new as its source."""
    import importlib.util
    import os

    import torch

    def stale(root):
        for py in root.rglob("*.py"):
            pyc = importlib.util.cache_from_source(str(py))
            if not os.path.exists(pyc) or os.path.getmtime(pyc) < os.path.getmtime(py):
                yield py.relative_to(root.parent)
    from pathlib import Path
    assert list(stale(REPO / "autograder")) == []
    assert list(stale(Path(torch.__file__).parent / "nn")) == []
