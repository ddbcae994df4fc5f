"""The class hub as `make hub` runs it, on a free loopback port, in a throwaway prefix.

hub/deploy.py lays the class out (real users, the environments in HUB_ENVS, the course, the
exchange) under a fresh PREFIX; JupyterHub then runs hub/jupyterhub_config.py from it as root.
Requests go to 127.0.0.1 with the Host header of the subdomain they are meant for: the proxy
routes by host, and nothing leaves the loopback interface.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parents[2]
COURSE = "torch-from-the-ground-up"
GRADER = f"grader-{COURSE}"
ENVS = Path(os.environ.get("HUB_ENVS", "/opt/torch-course"))
CH = "01_creating_tensors"
OUT = REPO / "test-output" / "hub"
STUDENTS = [f"student{i}" for i in range(1, 21)]  # student1..3 are the demo class; all 20 take the load step


def free_base_port() -> int:
    """A port whose next three are free too (the hub API, the proxy API and Formgrader use them)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + 3 < 65536 and all(_free(base + i) for i in range(4)):
            return base
    raise RuntimeError("no four consecutive free ports on 127.0.0.1")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class Hub:
    def __init__(self, prefix: Path, students: list[str], instructors: tuple[str, ...] = ("instructor",)):
        self.prefix, self.students, self.instructors = prefix, students, list(instructors)
        self.port = free_base_port()
        self.token = secrets.token_hex(32)
        self.proc: subprocess.Popen | None = None
        self.log = prefix.parent / f"{prefix.name}-jupyterhub.log"
        self.passwords: dict[str, str] = {}
        self.server_pids: set[int] = set()

    # --- setup -----------------------------------------------------------------------------------
    def deploy(self) -> None:
        if self.prefix.exists():
            shutil.rmtree(self.prefix)
        subprocess.run([sys.executable, REPO / "hub" / "deploy.py", "--prefix", self.prefix, "--envs", ENVS,
                        "--instructors", ",".join(self.instructors), "--students", ",".join(self.students)],
                       check=True, timeout=3600)
        self.passwords = json.loads((self.prefix / "hub" / "passwords.json").read_text())
        self.roster = json.loads((self.prefix / "hub" / "roster.json").read_text())

    @property
    def grader_home(self) -> Path:
        return self.prefix / "home" / GRADER

    @property
    def exchange(self) -> Path:
        return self.prefix / "exchange" / COURSE

    def as_user(self, user: str, *cmd, env: str = "grader", cwd: Path | None = None, check: bool = True,
                timeout: float = 1800) -> subprocess.CompletedProcess:
        """Run a command as `user` (own uid, own groups), with that user's environment and config."""
        pw = pwd.getpwnam(user)
        venv = ENVS / env
        config = [self.prefix / "etc" / "jupyter"]
        environ = {"HOME": pw.pw_dir, "USER": user, "LANG": "C.UTF-8", "JUPYTER_CONFIG_PATH": ":".join(map(str, config)),
                   "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin"}
        argv = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", "--", *map(str, cmd)]
        proc = subprocess.run(argv, cwd=cwd or pw.pw_dir, env=environ, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
        return proc

    # --- the hub process ---------------------------------------------------------------------------
    def start(self, timeout: float = 180) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "AUTOGRADER"))}
        env.update(HUB_PREFIX=str(self.prefix), HUB_PORT=str(self.port), HUB_TEST_TOKEN=self.token)
        with open(self.log, "a") as log:
            # As `make hub`: the proxy once (a restart finds it running), then JupyterHub in this process.
            self.proc = subprocess.Popen([sys.executable, REPO / "hub" / "serve.py"],
                                         cwd=self.prefix / "hub", env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({self.proc.returncode}):\n{self.log.read_text()[-5000:]}")
            try:
                if self.api("GET", "/").status_code == 200 and self.service_ready():
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the hub did not answer in {timeout}s:\n{self.log.read_text()[-5000:]}")

    def service_ready(self) -> bool:
        """Formgrader's server answers through the proxy (its /api tells its version to anyone)."""
        r = self.request("GET", f"/services/{COURSE}/api", self.host(f"{COURSE}--service"))
        return r.status_code == 200 and "version" in r.json()

    def stop_hub(self) -> None:
        """Stop the hub process alone: the proxy and the students' servers keep running."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # the hub alone: the proxy and the servers have sessions of their own
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def restart(self) -> float:
        t0 = time.monotonic()
        self.stop_hub()
        self.start()
        return time.monotonic() - t0

    def shutdown(self) -> None:
        """Stop every server the hub started, the hub, then the proxy it left running."""
        if self.proc is not None and self.proc.poll() is None:
            for user in self.students + self.instructors:
                try:
                    self.stop_server(user)
                except requests.RequestException:
                    pass
        self.stop_hub()
        # Whatever the hub started and left behind (servers, kernels, the proxy), by pid.
        users = {GRADER, *self.students, *self.instructors}
        leftover = {p.pid for p in psutil.process_iter(["username"]) if p.info["username"] in users}
        for pid in self.server_pids | leftover | {self._pid_file("proxy.pid")}:
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def _pid_file(self, name: str) -> int:
        try:
            return int((self.prefix / "hub" / name).read_text().strip())
        except (OSError, ValueError):
            return 0

    # --- REST --------------------------------------------------------------------------------------
    def host(self, user: str | None = None) -> str:
        return f"{user}.localhost:{self.port}" if user else f"localhost:{self.port}"

    def url(self, path: str, user: str | None = None) -> str:
        return f"http://{self.host(user)}{path}"

    def request(self, method: str, path: str, host: str, token: str | None = None, **kw) -> requests.Response:
        headers = {"Host": host, **({"Authorization": f"token {token}"} if token else {}), **kw.pop("headers", {})}
        return requests.request(method, f"http://127.0.0.1:{self.port}{path}", headers=headers, timeout=kw.pop("timeout", 120),
                                allow_redirects=False, **kw)

    def api(self, method: str, path: str, token: str | None = None, **kw) -> requests.Response:
        return self.request(method, f"/hub/api{path}", self.host(), token or self.token, **kw)

    def on_server(self, user: str, method: str, path: str, token: str | None = None, **kw) -> requests.Response:
        return self.request(method, f"/user/{user}/{path.lstrip('/')}", self.host(user), token or self.token, **kw)

    def login(self, user: str, password: str) -> requests.Response:
        """The hub's login form, as a browser posts it (with the form's _xsrf token and cookie)."""
        with requests.Session() as s:
            form = s.get(f"http://127.0.0.1:{self.port}/hub/login", headers={"Host": self.host()}, timeout=60)
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)
            return s.post(f"http://127.0.0.1:{self.port}/hub/login", headers={"Host": self.host()}, timeout=120,
                          data={"username": user, "password": password, "_xsrf": xsrf}, allow_redirects=False)

    def user_token(self, user: str) -> str:
        r = self.api("POST", f"/users/{user}/tokens", json={"note": "tests/hub", "expires_in": 3600})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def start_server(self, user: str) -> None:
        server = self.api("GET", f"/users/{user}").json().get("servers", {}).get("")
        if server and server.get("ready"):
            return
        r = self.api("POST", f"/users/{user}/server")
        assert r.status_code in (201, 202), f"{user}: {r.status_code} {r.text}"

    def wait_server(self, user: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.api("GET", f"/users/{user}").json()
            server = info.get("servers", {}).get("")
            if server and server.get("ready"):
                pid = (server.get("state") or {}).get("pid")
                if pid:
                    self.server_pids.add(pid)
                return
            time.sleep(0.5)
        raise RuntimeError(f"{user}'s server did not start in {timeout}s:\n{self.log.read_text()[-5000:]}")

    def stop_server(self, user: str) -> None:
        r = self.api("DELETE", f"/users/{user}/server")
        if r.status_code == 202:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and self.api("GET", f"/users/{user}").json().get("servers"):
                time.sleep(0.3)
