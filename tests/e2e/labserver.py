"""JupyterLab started exactly as `make lab` starts it, in a throwaway copy of the course.

The copy holds what a fresh clone holds (Makefile, lock, config, notebooks) and borrows the
repo's .venv, so `make lab` finds setup done and only adds the flags a test needs: a free
loopback port, a token, no browser. A site nbgrader_config.py (JUPYTER_CONFIG_DIR, where a
real deployment puts /etc/jupyter/nbgrader_config.py) names the exchange folder.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator

from classroom import copy_course
from pgserver import free_port

# JupyterLab's first-run toast ("receive official Jupyter news?") would cover the page.
# Notebook windowing leaves off-screen cells unrendered, so a screenshot of a scrolled-to cell can
# come out blank in headless Chromium: render every cell.
QUIET_SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
                  {"fetchNews": "false", "checkForUpdates": False},
                  "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}


CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def screenshot(page, out: Path, step: str) -> Path:
    """Save the page as ``out/step.png`` and return the path (the tests look at what the learner sees)."""
    path = out / f"{step}.png"
    page.screenshot(path=str(path))
    return path


@contextlib.contextmanager
def browser_page(out: Path) -> Iterator:
    """Debian's Chromium under Playwright, one page in a throwaway profile; ``out`` (emptied) takes the screenshots."""
    from playwright.sync_api import expect, sync_playwright
    # "Idle" can show before a queued run starts: wait on the awaited output itself, torch import included.
    expect.set_options(timeout=120_000)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    profile = tempfile.mkdtemp(prefix="course-chromium-")
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
                                                    viewport={"width": 1400, "height": 900})
        ctx.set_default_timeout(60_000)
        pg = ctx.pages[0] if ctx.pages else ctx.new_page()
        try:
            yield pg
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)


class Lab:
    def __init__(self, repo: Path, root: Path, course_lang: str = ""):
        self.repo, self.root, self.course_lang = repo, root, course_lang  # `make lab COURSE_LANG=...`
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.exchange = root / "exchange"
        self.log = root / "lab.log"
        self.proc: subprocess.Popen | None = None

    @property
    def course(self) -> Path:
        return self.root / "course"

    def url(self, path: str = "") -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{sep}token={self.token}"

    def prepare(self) -> None:
        copy_course(self.repo, self.root)
        for f in ("Makefile", "requirements.lock", "pyproject.toml", "nbgrader_config.py"):
            shutil.copy2(self.repo / f, self.root / f)  # copy2 keeps mtimes: the setup stamp stays newer
        (self.root / ".venv").symlink_to(self.repo / ".venv")
        conf = self.root / "jupyter-config"
        conf.mkdir()
        # The student's exchange cache (their record of submissions) too, or it would land in the real home.
        (conf / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(self.exchange)!r}\n"
                                                 f"c.Exchange.cache = {str(self.root / 'nbgrader_cache')!r}\n")
        settings = self.root / "lab-settings"
        for name, value in QUIET_SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(json.dumps(value))

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_MODE"}
        env.update(JUPYTER_CONFIG_DIR=str(self.root / "jupyter-config"),
                   JUPYTERLAB_SETTINGS_DIR=str(self.root / "lab-settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.root / "lab-workspaces"),
                   JUPYTER_DATA_DIR=str(self.root / "data"),  # kernels still come from the venv's share/
                   JUPYTER_RUNTIME_DIR=str(self.root / "runtime"))
        return env

    def start(self, timeout: float = 120) -> None:
        args = f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={self.port} --ServerApp.port_retries=0 " \
               f"--IdentityProvider.token={self.token}"
        with open(self.log, "w") as log:
            # Own session, so stopping it stops make and jupyter together, and nothing else.
            self.proc = subprocess.Popen(["make", "lab", f"LAB_ARGS={args}", f"COURSE_LANG={self.course_lang}"],
                                         cwd=self.root, env=self.env(),
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"make lab exited ({self.proc.returncode}):\n{self.log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer in {timeout}s:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
