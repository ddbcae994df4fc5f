"""A real PostgreSQL server from the machine's packages, private to one test module.

initdb + pg_ctl into a fresh directory, listening on 127.0.0.1 only on a free port, password
auth (scram) with a random password, stopped and deleted afterwards. PostgreSQL refuses to run
as root, so under root the server runs as an unprivileged system user (``postgres`` if the
Debian package created it, else ``nobody``). Without the server binaries the tests skip, but in
CI (``CI`` set), where .ci/run installs them, they fail.
"""
from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import require

SKIP_REASON = ("PostgreSQL's server binaries (initdb, pg_ctl; "
               "`apt-get install postgresql` to run the PostgreSQL gradebook tests)")


def server_bindir() -> Path | None:
    """Where initdb and pg_ctl live: PATH first, then Debian's versioned folders (newest wins)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if os.access(f"{d}/initdb", os.X_OK) and os.access(f"{d}/pg_ctl", os.X_OK):
            return Path(d)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


class Postgres:
    """A running server; ``url(db)`` creates database ``db`` and returns its SQLAlchemy URL."""

    def __init__(self, bindir: Path, base: Path):
        self.bindir, self.base = bindir, base
        self.data, self.log = base / "data", base / "server.log"
        self.port = free_port()
        self.user, self.password = "course", secrets.token_urlsafe(16)
        self.runas = _server_user()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.runas is not None:
            cmd = ["setpriv", f"--reuid={self.runas.pw_uid}", f"--regid={self.runas.pw_gid}", "--clear-groups", "--", *cmd]
        env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C", "HOME": str(self.base)}
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        if check and proc.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}\n{log[-3000:]}")
        return proc

    def start(self) -> None:
        pwfile = self.base / "pw"
        pwfile.write_text(self.password + "\n")
        if self.runas is not None:
            os.chown(self.base, self.runas.pw_uid, self.runas.pw_gid)
            os.chown(pwfile, self.runas.pw_uid, self.runas.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", self.user, f"--pwfile={pwfile}",
                  "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync")
        pwfile.unlink()
        # Loopback only, socket in our own folder (not /var/run/postgresql), fsync off: a throwaway server.
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.base} -c fsync=off -c max_connections=50"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def url(self, db: str) -> str:
        import psycopg
        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, password=self.password,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
        return f"postgresql+psycopg://{self.user}:{self.password}@127.0.0.1:{self.port}/{db}"


@pytest.fixture(scope="module")
def postgres():
    bindir = server_bindir()
    require(bindir is not None, SKIP_REASON)
    # Not under pytest's tmp folder: that is private to root (0700) and the server user must enter it.
    base = Path(tempfile.mkdtemp(prefix="course-pg-"))
    server = Postgres(bindir, base)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
