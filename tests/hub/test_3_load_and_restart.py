"""The load step: the hub starts 20 students' servers through its REST API, and each student, through
their own server's API, fetches chapter 01, saves an answer that carries a marker of its own and
submits, all at once. The hub is restarted while the submissions are in flight. Then the grader
collects: every submission arrives intact, every earlier grade is still there, and every listening
socket of the class is on loopback. Times go to test-output/hub/load.txt.
"""
from __future__ import annotations

import json
import secrets
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest
import requests
from nbgrader.api import Gradebook

from .hubserver import CH, COURSE, OUT, STUDENTS

NB = f"{COURSE}/{CH}/{CH}.ipynb"


def retrying(fn, *, timeout: float = 180):
    """A client's patience: while the hub restarts, a server cannot check tokens and answers 5xx."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            r = fn()
            if r.status_code < 500:
                return r
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"no answer in {timeout}s")
        time.sleep(0.5)


def nbgrader_action(hub, user: str, action: str, timeout: float = 300) -> dict:
    """nbgrader's own REST call of the Assignments panel. While the hub restarts, nbgrader cannot ask it
    for the student's courses and the call fails: the student presses the button again."""
    deadline = time.monotonic() + timeout
    while True:
        r = retrying(lambda: hub.on_server(user, "POST", f"/assignments/{action}",
                                           data={"course_id": COURSE, "assignment_id": CH}))
        assert r.status_code == 200, (user, action, r.status_code, r.text[:500])
        out = r.json()
        if out["success"] or (action == "fetch" and "already exists" in str(out.get("value"))):
            return out
        assert time.monotonic() < deadline, (user, action, out)
        time.sleep(1)


def one_student(hub, user: str, started: threading.Event) -> dict:
    t0 = time.monotonic()
    # student1 and student2 still hold their first fetch: they keep it under another name, as a student would.
    listing = retrying(lambda: hub.on_server(user, "GET", f"/api/contents/{COURSE}"))
    assert listing.status_code in (200, 404), (user, listing.status_code, listing.text[:300])  # 404: never fetched
    if listing.status_code == 200 and any(item["name"] == CH for item in listing.json()["content"]):
        r = retrying(lambda: hub.on_server(user, "PATCH", f"/api/contents/{COURSE}/{CH}",
                                           json={"path": f"{COURSE}/{CH}-first-try"}))
        assert r.status_code == 200, r.text
    nbgrader_action(hub, user, "fetch")
    t_fetch = time.monotonic() - t0
    nb = retrying(lambda: hub.on_server(user, "GET", f"/api/contents/{NB}?content=1")).json()["content"]
    marker = f"load-marker {user} {secrets.token_hex(8)}"
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": marker})
    r = retrying(lambda: hub.on_server(user, "PUT", f"/api/contents/{NB}", json={"type": "notebook", "content": nb}))
    assert r.status_code == 200, r.text
    started.set()
    nbgrader_action(hub, user, "submit")
    return dict(user=user, marker=marker, fetch=t_fetch, total=time.monotonic() - t0)


def listening_sockets(pids: set[int]) -> list[tuple[int, str]]:
    out = []
    for c in psutil.net_connections(kind="inet"):
        if c.status == psutil.CONN_LISTEN and c.pid in pids:
            out.append((c.pid, c.laddr.ip))
    return out


def class_pids(hub) -> set[int]:
    pids = set()
    users = {hub.roster["grader"], *hub.students, *hub.instructors}
    for p in psutil.process_iter(["pid", "username", "cmdline"]):
        cmd = " ".join(p.info["cmdline"] or [])
        if p.info["username"] in users or p.info["pid"] == hub.proc.pid or "configurable-http-proxy" in cmd:
            pids.add(p.info["pid"])
    return pids


def test_twenty_servers_fetch_and_submit_at_once_through_a_hub_restart(hub):
    gradebook = f"sqlite:///{hub.grader_home / 'course' / 'gradebook.db'}"
    with Gradebook(gradebook) as gb:
        grades_before = {s: gb.find_submission(CH, s).score for s in ("student1", "student2")}
    for user in ("student1", "student2"):
        hub.stop_server(user)

    t0 = time.monotonic()
    for user in STUDENTS:
        hub.start_server(user)
    spawn = {}
    for user in STUDENTS:
        hub.wait_server(user)
        spawn[user] = time.monotonic() - t0
    t_spawned = time.monotonic() - t0

    started = threading.Event()
    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        futures = [pool.submit(one_student, hub, u, started) for u in STUDENTS]
        assert started.wait(300), "no student got as far as saving an answer"
        restart_seconds = hub.restart()  # while the others are still fetching and submitting
        results = [f.result() for f in futures]
    t_all = time.monotonic() - t0

    for user in STUDENTS:  # the servers outlived the hub's restart
        info = hub.api("GET", f"/users/{user}").json()
        assert info["servers"][""]["ready"], user

    hub.as_user(hub.roster["grader"], "nbgrader", "collect", CH, "--update", cwd=hub.grader_home / "course")
    submitted = hub.grader_home / "course" / "submitted"
    for res in results:
        collected = (submitted / res["user"] / CH / f"{CH}.ipynb").read_bytes()
        on_disk = (hub.prefix / "home" / res["user"] / NB).read_bytes()
        assert collected == on_disk, f"{res['user']}'s submission changed on the way"
        assert "".join(json.loads(collected)["cells"][-1]["source"]) == res["marker"]  # saved as a list of lines
    with Gradebook(gradebook) as gb:
        grades_after = {s: gb.find_submission(CH, s).score for s in ("student1", "student2")}
    assert grades_after == grades_before

    servers = [p for p in psutil.process_iter(["username"]) if p.info["username"] in STUDENTS
               and "jupyterhub-singleuser" in " ".join(p.cmdline())]
    assert sorted({p.info["username"] for p in servers}) == sorted(STUDENTS)
    assert all(hub.roster["student_env"] in " ".join(p.cmdline()) for p in servers)

    listening = listening_sockets(class_pids(hub))
    assert len(listening) >= len(STUDENTS) + 3, listening  # the proxy, the hub, Formgrader and every server
    assert {ip for _, ip in listening} == {"127.0.0.1"}, listening

    totals = sorted(r["total"] for r in results)
    report = "\n".join([
        f"load step: {len(STUDENTS)} student servers, fetch + save + submit each, concurrently, hub restarted mid-run",
        f"  servers started through the hub API: all ready after {t_spawned:.1f} s "
        f"(median {statistics.median(spawn.values()):.1f} s)",
        f"  per student fetch: median {statistics.median(r['fetch'] for r in results):.2f} s",
        f"  per student fetch+save+submit: median {statistics.median(totals):.2f} s, max {totals[-1]:.2f} s",
        f"  hub restart (stop + start + Formgrader up): {restart_seconds:.1f} s",
        f"  everything, from the first spawn request: {t_all:.1f} s",
        f"  submissions collected intact: {len(results)}/{len(STUDENTS)}; grades kept: {grades_after}",
        f"  listening sockets of the class: {len(listening)}, all on 127.0.0.1",
    ])
    (OUT / "load.txt").write_text(report + "\n")
    print(report)
