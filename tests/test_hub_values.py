"""The Zero to JupyterHub files (hub/values.yaml, hub/k8s-formgrader.yaml) describe the class that
hub/jupyterhub_config.py runs (README, "Scale-out"): the same groups, roles, Formgrader service and
a grader account that cannot log in, a ReadWriteMany exchange volume and the PostgreSQL gradebook. Nothing here
needs a hub: the local config is evaluated on a roster of the demo class."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

REPO = Path(__file__).resolve().parents[1]
COURSE = "torch-from-the-ground-up"
GRADER = f"grader-{COURSE}"


@pytest.fixture(scope="module")
def local(tmp_path_factory, monkeypatch_module):
    prefix = tmp_path_factory.mktemp("hub")
    (prefix / "hub").mkdir()
    (prefix / "hub" / "roster.json").write_text(json.dumps(dict(
        course=COURSE, grader=GRADER, instructors=["instructor"], students=["student1", "student2", "student3"],
        student_env="/opt/s", grader_env="/opt/g", proxy="/opt/p")))
    (prefix / "hub" / "proxy_token").write_text("t")  # hub/serve.py writes it before the hub reads its config
    monkeypatch_module.setenv("HUB_PREFIX", str(prefix))
    monkeypatch_module.delenv("HUB_TEST_TOKEN", raising=False)
    c = Config()
    exec(compile((REPO / "hub" / "jupyterhub_config.py").read_text(), "jupyterhub_config.py", "exec"),
         {"get_config": lambda: c})
    return c


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((REPO / "hub" / "values.yaml").read_text())


def test_same_groups_and_a_grader_who_cannot_log_in(local, values):
    hub = values["hub"]["config"]
    assert hub["JupyterHub"]["load_groups"] == {k: {"users": v["users"]} for k, v in local.JupyterHub.load_groups.items()}
    assert GRADER in hub["JupyterHub"]["load_groups"][f"formgrade-{COURSE}"]["users"]
    # Only the allowed users log in: not the grader, though the hub's database holds it.
    assert hub["Authenticator"]["allow_existing_users"] is local.Authenticator.allow_existing_users is False
    assert set(hub["Authenticator"]["allowed_users"]) == local.Authenticator.allowed_users
    assert GRADER not in local.Authenticator.allowed_users


def test_same_roles(local, values):
    ours = {r["name"]: {k: v for k, v in r.items() if k != "name"} for r in local.JupyterHub.load_roles}
    assert values["hub"]["loadRoles"] == ours


def test_formgrader_service_and_its_pod(local, values):
    (service,) = [s for s in local.JupyterHub.services if s["name"] == COURSE]
    z2jh = values["hub"]["services"][COURSE]
    assert z2jh["oauth_no_confirm"] is service["oauth_no_confirm"] is True
    pod = next(d for d in yaml.safe_load_all((REPO / "hub" / "k8s-formgrader.yaml").read_text()) if d["kind"] == "Deployment")
    env = {e["name"]: e.get("value") for e in pod["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["JUPYTERHUB_USER"] == service["user"] == GRADER
    assert env["JUPYTERHUB_SERVICE_NAME"] == COURSE
    assert "COURSE_DB_URL" in env  # the PostgreSQL gradebook, from a Secret
    assert z2jh["url"].endswith(":8888") and pod["spec"]["template"]["spec"]["containers"][0]["ports"] == [{"containerPort": 8888}]


def test_subdomains_and_the_exchange_volume(local, values):
    assert values["hub"]["config"]["JupyterHub"]["subdomain_host"].startswith("https://")
    assert local.JupyterHub.subdomain_host.startswith("http://localhost:")
    # The exchange's claim (created outside the chart, so written as a commented manifest) is ReadWriteMany.
    text = (REPO / "hub" / "values.yaml").read_text()
    claim = values["singleuser"]["storage"]["extraVolumes"][0]["persistentVolumeClaim"]["claimName"]
    commented = text[text.index("# apiVersion: v1"):]
    manifest = yaml.safe_load("\n".join(line[2:] for line in commented.splitlines()))
    assert manifest["kind"] == "PersistentVolumeClaim" and manifest["metadata"]["name"] == claim
    assert manifest["spec"]["accessModes"] == ["ReadWriteMany"]


def test_readme_scale_out_names_what_values_yaml_holds():
    readme = (REPO / "README.md").read_text()
    section = readme.split("### Scale-out: Zero to JupyterHub", 1)[1].split("\n## ", 1)[0]
    for phrase in ("hub/values.yaml", "hub/k8s-formgrader.yaml", "KubeSpawner", "ReadWriteMany", "PostgreSQL gradebook",
                   "pre_spawn_hook", GRADER, "allow_existing_users"):
        assert phrase in section, phrase
