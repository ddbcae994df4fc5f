"""student2 against student1's work and the course, through the REST API and with student2's own uid.

Runs after the browser walk: student1 and student2 have submitted, feedback is released and
student1 has fetched it. Every attempt must fail, and nothing of student1's or the course's changes.
"""
from __future__ import annotations

import hashlib
import json
import os
import textwrap
import time
from pathlib import Path

import pytest
from nbgrader.utils import notebook_hash

from .hubserver import CH, COURSE

pytestmark = pytest.mark.browser  # needs the browser walk's state


def tree_digest(*roots: Path) -> dict[str, str]:
    out = {}
    for root in roots:
        for p in sorted([root, *root.rglob("*")]):
            st = p.lstat()
            data = p.read_bytes() if p.is_file() and not p.is_symlink() else b""
            out[str(p)] = f"{st.st_mode:o}:{st.st_uid}:{hashlib.sha256(data).hexdigest()}"
    return out


@pytest.fixture(scope="module")
def targets(hub):
    inbound = hub.exchange / "inbound"
    sub1 = next(p for p in inbound.iterdir() if p.name.startswith(f"student1+{CH}+"))
    secret = (hub.grader_home / "course" / "feedback" / "student1" / CH / "submission_secret.txt").read_text()
    fb1 = hub.exchange / "feedback" / f"{notebook_hash(secret=secret, notebook_id=CH)}.html"
    assert fb1.exists()
    engine = next(Path(hub.roster["grader_env"]).rglob("grading/reference/engine.py"))
    course = hub.grader_home
    return dict(inbound=inbound, feedback=hub.exchange / "feedback", sub1=sub1, sub1_nb=sub1 / f"{CH}.ipynb", fb1=fb1,
                config=course / "course" / "nbgrader_config.py", gradebook=course / "course" / "gradebook.db",
                solution=course / "solutions" / CH / f"{CH}.ipynb", grader_home=course, engine=engine,
                home1=hub.prefix / "home" / "student1", exchange_course=hub.exchange,
                released=hub.exchange / "outbound" / CH / f"{CH}.ipynb")


PROBE = textwrap.dedent('''
    import json, os, shutil, sys
    t = json.loads(sys.argv[1])
    attempts = {
        "list inbound": lambda: os.listdir(t["inbound"]),
        "list feedback": lambda: os.listdir(t["feedback"]),
        "list student1's submission": lambda: os.listdir(t["sub1"]),
        "read student1's submission": lambda: open(t["sub1_nb"]).read(),
        "overwrite student1's submission": lambda: open(t["sub1_nb"], "w").write("{}"),
        "add a file to student1's submission": lambda: open(t["sub1"] + "/extra.ipynb", "w").write("{}"),
        "rename student1's submission": lambda: os.rename(t["sub1"], t["inbound"] + "/student2+stolen+x+y"),
        "delete student1's submission": lambda: shutil.rmtree(t["sub1"]),
        "read student1's feedback": lambda: open(t["fb1"]).read(),
        "overwrite student1's feedback": lambda: open(t["fb1"], "w").write("forged"),
        "delete student1's feedback": lambda: os.unlink(t["fb1"]),
        "read student1's home": lambda: os.listdir(t["home1"]),
        "read the course config": lambda: open(t["config"]).read(),
        "read the gradebook": lambda: open(t["gradebook"], "rb").read(),
        "read the solutions": lambda: open(t["solution"]).read(),
        "list the grader's home": lambda: os.listdir(t["grader_home"]),
        "read the grader's environment": lambda: open(t["engine"]).read(),
        "rename the course's exchange": lambda: os.rename(t["exchange_course"], t["exchange_course"] + "-x"),
        "overwrite the released notebook": lambda: open(t["released"], "w").write("{}"),
    }
    out = {}
    for name, fn in attempts.items():
        try:
            fn()
            out[name] = "ALLOWED"
        except PermissionError as e:
            out[name] = "denied"
        except OSError as e:
            out[name] = f"{type(e).__name__}: {e}"
    print(json.dumps(out))
''')


def test_student2_uid_can_neither_list_read_nor_overwrite(hub, targets):
    watched = [targets["sub1"], targets["fb1"], targets["grader_home"] / "course", targets["grader_home"] / "solutions",
               targets["home1"], targets["released"].parent]
    before = tree_digest(*watched)
    probe = hub.as_user("student2", "python", "-c", PROBE, json.dumps({k: str(v) for k, v in targets.items()}), env="student")
    results = json.loads(probe.stdout)
    assert results and set(results.values()) == {"denied"}, json.dumps(results, indent=1)
    assert tree_digest(*watched) == before


def test_student_servers_run_the_student_environment(hub):
    """What a student's server and kernel import from: the checking library, and no grading side at all."""
    code = "import autograder.checking, sys; print(sys.prefix); import autograder.grading"
    probe = hub.as_user("student2", "python", "-c", code, env="student", check=False)
    assert probe.stdout.strip() == hub.roster["student_env"], probe.stdout
    assert "No module named 'autograder.grading'" in probe.stderr, probe.stderr


def test_forged_and_linked_submissions_are_not_collected(hub, targets):
    """inbound/ is a drop box anyone may write into: a submission named after student1, or a link to the
    grader's solutions, is left behind by collect, and student1's real submission is what gets graded."""
    collected1 = hub.grader_home / "course" / "submitted" / "student1" / CH / f"{CH}.ipynb"
    collected2 = hub.grader_home / "course" / "submitted" / "student2" / CH / f"{CH}.ipynb"
    genuine = collected1.read_bytes()
    later = time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime(time.time() + 3600))
    forge = textwrap.dedent(f'''
        import os
        d = {str(targets["inbound"])!r} + "/student1+{CH}+{later}+forged0000"
        os.mkdir(d)
        open(d + "/{CH}.ipynb", "w").write(open("/dev/null").read() + '{{"cells": [], "forged": true}}')
        open(d + "/timestamp.txt", "w").write("{later}")
        os.symlink({str(targets["solution"].parent)!r}, {str(targets["inbound"])!r} + "/student2+{CH}+{later}+linked0000")
    ''')
    hub.as_user("student2", "python", "-c", forge, env="student")
    try:
        hub.as_user(hub.roster["grader"], "nbgrader", "collect", CH, "--update", cwd=hub.grader_home / "course")
        assert collected1.read_bytes() == genuine, "a forged submission replaced student1's"
        assert b"BEGIN SOLUTION" not in collected2.read_bytes(), "a link to the solutions was collected as student2's"
    finally:
        for p in targets["inbound"].glob(f"*+{CH}+{later}+*"):
            p.unlink() if p.is_symlink() else __import__("shutil").rmtree(p)


def test_student2_through_the_rest_api(hub, targets):
    token2 = hub.user_token("student2")
    for user in ("student1", "student2"):
        hub.start_server(user)
        hub.wait_server(user)
    # student2's token opens neither student1's server nor Formgrader, nor the hub's view of student1.
    r = hub.request("GET", f"/user/student1/api/contents/{COURSE}/{CH}", hub.host("student1"), token2)
    assert r.status_code == 403, (r.status_code, r.text[:300])
    r = hub.request("GET", f"/services/{COURSE}/api/contents/course", hub.host(f"{COURSE}--service"), token2)
    assert r.status_code == 403, (r.status_code, r.text[:300])
    # The hub does not even say whether student1 exists (404, as for a name nobody has), while student2
    # reads their own record with the same token.
    r = hub.api("GET", "/users/student1", token=token2)
    assert r.status_code == 404 and "No access to resources" in r.text and "servers" not in r.text, (r.status_code, r.text[:300])
    assert hub.api("GET", "/users/student2", token=token2).json()["name"] == "student2"
    # Through student2's own server: a link in their home to student1's submission and to the gradebook.
    home2 = hub.prefix / "home" / "student2"
    links = {"peek-submission.ipynb": targets["sub1_nb"], "peek-feedback.html": targets["fb1"],
             "peek-gradebook.db": targets["gradebook"], "peek-solution.ipynb": targets["solution"]}
    code = "import os, sys\nfor name, target in zip(sys.argv[1::2], sys.argv[2::2]): os.symlink(target, os.path.join(os.environ['HOME'], name))"
    hub.as_user("student2", "python", "-c", code, *[str(x) for kv in links.items() for x in kv], env="student")
    for name in links:
        r = hub.on_server("student2", "GET", f"/api/contents/{name}?content=1", token=token2)
        # The server, as student2, cannot read the target, and says so as Jupyter Server does: "not found"
        # where it cannot even stat it (the grader's home is 0700), "permission denied" where it can stat
        # it, or an empty "Unhandled error" (a PermissionError raised past the contents manager).
        refusals = {(404, f"No such file or directory: {name}"), (403, f"Permission denied: {name}"), (500, "Unhandled error")}
        assert (r.status_code, r.json().get("message")) in refusals, (name, r.status_code, r.text[:300])
        assert "ex1_make_grid" not in r.text and "SQLite" not in r.text
        assert (home2 / name).is_symlink()
