"""Serve the class hub laid out by hub/deploy.py: the proxy first, once, then JupyterHub (`make hub`).

The proxy (configurable-http-proxy) runs on its own, as JupyterHub's docs describe for a proxy that
outlives the hub: a hub that starts the proxy itself kills the previous one when it starts again
(ConfigurableHTTPProxy._check_previous_process), and every student's route is gone until the new hub
has put them back. Started here, the proxy keeps routing to the students' servers while the hub
restarts (an upgrade, a crash), and the hub finds it again with the token kept in PREFIX/hub.

    HUB_PREFIX=/srv/torch-course HUB_PORT=8000 python hub/serve.py
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def proxy_token(state: Path) -> str:
    path = state / "proxy_token"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def running(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text().strip()), 0)
        return True
    except (OSError, ValueError):
        return False


def start_proxy(prefix: Path, port: int) -> None:
    """configurable-http-proxy on 127.0.0.1:PORT (API on PORT+2), routing by host name, to the hub (PORT+1)
    by default, with the flags JupyterHub gives a proxy it starts; left alone when it already runs."""
    state = prefix / "hub"
    pid_file = state / "proxy.pid"
    if running(pid_file):
        return
    roster = json.loads((state / "roster.json").read_text())
    hub = f"http://127.0.0.1:{port + 1}"
    env = dict(os.environ, CONFIGPROXY_AUTH_TOKEN=proxy_token(state))
    with open(state / "proxy.log", "a") as log:
        proc = subprocess.Popen([roster["proxy"], "--ip", "127.0.0.1", "--port", str(port),
                                 "--api-ip", "127.0.0.1", "--api-port", str(port + 2),
                                 "--default-target", hub, "--error-target", f"{hub}/hub/error",
                                 "--host-routing"],  # users and services on subdomains (subdomain_host)
                                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)  # not the hub's: stopping the hub leaves it running
    pid_file.write_text(str(proc.pid))


def main() -> None:
    prefix = Path(os.environ.get("HUB_PREFIX", "/srv/torch-course"))
    port = int(os.environ.get("HUB_PORT", "8000"))
    start_proxy(prefix, port)
    roster = json.loads((prefix / "hub" / "roster.json").read_text())
    jupyterhub = str(Path(roster["grader_env"]) / "bin" / "jupyterhub")
    os.chdir(prefix / "hub")
    os.execv(jupyterhub, [jupyterhub, "-f", str(REPO / "hub" / "jupyterhub_config.py"), *sys.argv[1:]])


if __name__ == "__main__":
    main()
