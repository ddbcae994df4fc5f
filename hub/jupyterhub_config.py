"""JupyterHub config of the class hub (`make hub`). hub/deploy.py lays out what it names first.

Environment: HUB_PREFIX (the deployment, default /srv/torch-course), HUB_PORT (default 8000; the hub API, the proxy API and Formgrader take
the next three ports),
HUB_TEST_TOKEN (set by tests/hub only: an API token for the test driver service).

- PAMAuthenticator: the real system accounts deploy.py creates, with the passwords it sets.
- LocalProcessSpawner: each student's server runs as their own uid, from the student environment.
- nbgrader's multiple-classes layout: the course's Formgrader is a hub-managed service running as
  grader-COURSE; groups formgrade-COURSE and nbgrader-COURSE with their roles.
- Subdomains: every user and service gets an origin of its own (COURSE--service.localhost, and
  student1.localhost ...), so the Formgrader service alone may be framed by itself (see
  hub/formgrader_server_config.py) and no student's page can script another origin.
"""
import json
import os
from pathlib import Path

c = get_config()  # noqa: F821

PREFIX = Path(os.environ.get("HUB_PREFIX", "/srv/torch-course"))
PORT = int(os.environ.get("HUB_PORT", "8000"))
roster = json.loads((PREFIX / "hub" / "roster.json").read_text())
COURSE, GRADER = roster["course"], roster["grader"]
STUDENT_ENV, GRADER_ENV = Path(roster["student_env"]), Path(roster["grader_env"])
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


# Everything on loopback; users and services on subdomains of localhost (browsers resolve *.localhost
# to loopback themselves). Behind a real name, set subdomain_host to https://hub.example.org and
# serve a wildcard certificate and DNS entry for *.hub.example.org.
c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.subdomain_host = f"http://localhost:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
# Fixed offsets from the public port, so that a restarted hub finds its proxy and servers find the hub.
c.JupyterHub.hub_port = PORT + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 2}"
# A hub restart (upgrade, crash) leaves the proxy and the students' servers running: no work is lost.
# hub/serve.py starts the proxy, once (a hub that starts it would kill the old one when it starts again).
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.auth_token = (PREFIX / "hub" / "proxy_token").read_text().strip()
c.JupyterHub.cleanup_proxy = False
c.JupyterHub.cleanup_servers = False
c.JupyterHub.db_url = f"sqlite:///{PREFIX / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(PREFIX / "hub" / "jupyterhub_cookie_secret")

c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no login session (utmp, systemd) for a notebook server
c.Authenticator.allowed_users = set(roster["instructors"] + roster["students"])
c.Authenticator.admin_users = set()
# The grader account is a hub user only so that nbgrader can ask the hub for its courses (below: it is in
# formgrade-COURSE, as in nbgrader's demo_multiple_classes). Nobody logs in as it, whatever its password:
# only allowed_users may, not every user the hub's database holds. (blocked_users would not do: JupyterHub
# takes blocked users out of every group at start, and Formgrader would lose its course.)
c.Authenticator.allow_existing_users = False

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(STUDENT_ENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": str(PREFIX / "etc" / "jupyter"),  # the site nbgrader config
    "PATH": f"{STUDENT_ENV / 'bin'}:{SYSTEM_PATH}",
}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.concurrent_spawn_limit = 0  # the load test starts 20 at once

c.JupyterHub.services = [{
    "name": COURSE,  # nbgrader finds a course's Formgrader by this name
    "url": f"http://127.0.0.1:{PORT + 3}",
    "command": [str(GRADER_ENV / "bin" / "jupyterhub-singleuser")],
    "user": GRADER,
    "cwd": str(PREFIX / "home" / GRADER),
    "environment": {
        "JUPYTERHUB_DEFAULT_URL": "/lab",
        "JUPYTER_CONFIG_PATH": f"{PREFIX / 'etc' / 'formgrader'}:{PREFIX / 'etc' / 'jupyter'}",
        "PATH": f"{GRADER_ENV / 'bin'}:{SYSTEM_PATH}",
        "HOME": str(PREFIX / "home" / GRADER),
        "SHELL": "/bin/bash",
    },
    "oauth_no_confirm": True,
    "timeout": 180,  # JupyterLab with nbgrader and torch takes its time on a busy 2-core machine
}]

# Groups: the names nbgrader looks for (JupyterHubAuthPlugin: courses are nbgrader-* and formgrade-*).
# Formgrader's nbgrader asks the hub which courses its own account (JUPYTERHUB_USER: the grader) grades,
# so the grader is in formgrade-COURSE too: without it Formgrader's pages fail with the hub's 404.
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE}": {"users": [*roster["instructors"], GRADER]},
    f"nbgrader-{COURSE}": {"users": roster["students"]},
}
c.JupyterHub.load_roles = roles = [
    {"name": f"formgrade-{COURSE}", "groups": [f"formgrade-{COURSE}"],
     "scopes": [f"access:services!service={COURSE}", "list:services", f"read:services!service={COURSE}",
                f"read:users!group=nbgrader-{COURSE}", f"list:users!group=nbgrader-{COURSE}"]},
    {"name": f"nbgrader-{COURSE}", "groups": [f"nbgrader-{COURSE}"],
     "scopes": ["list:services", f"read:services!service={COURSE}"]},
    # The Formgrader service's own token: read the class list, add and remove students.
    {"name": f"grader-{COURSE}", "services": [COURSE],
     "scopes": ["list:users", "read:users", "read:groups", "list:groups", f"groups!group=nbgrader-{COURSE}"]},
    # A server's token carries its owner's permissions: nbgrader reads the owner's groups with it.
    {"name": "server", "scopes": ["inherit"]},
]

if os.environ.get("HUB_TEST_TOKEN"):
    # tests/hub drive the hub through its REST API as this service: start and stop servers, reach them.
    c.JupyterHub.services.append({"name": "class-test-driver", "api_token": os.environ["HUB_TEST_TOKEN"]})
    roles.append({"name": "class-test-driver", "services": ["class-test-driver"],
                  "scopes": ["admin:users", "admin:servers", "admin:server_state", "access:servers", "tokens", "list:users",
                             "list:services", "read:services",
                             "read:users"]})
