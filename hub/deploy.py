"""Lay out the class hub on this machine: users, environments, the course and the exchange.

Run as root (``make hub`` does). Idempotent: a second run changes nothing that is already right,
and never touches a running class's course folder, gradebook or submissions.

    PREFIX/                       root 0755     everything the hub serves (default /srv/torch-course)
      hub/                        root 0700     the hub's own state: sqlite, cookie secret, passwords.json, roster.json
      etc/jupyter/                root 0755     site configs every server reads: nbgrader's (the exchange, the auth
                                                  plugin), Jupyter Server's (terminals keep the environment's PATH)
      etc/formgrader/             root 0755     the Formgrader service's server config (its CSP)
      exchange/                   root 1777     nbgrader's exchange root; sticky: nobody renames another's entry
        COURSE/{outbound,feedback}  grader 0755 / 0711
        COURSE/inbound            grader 3733   write-only drop box: setgid (group: grader), sticky
      home/USER/                  USER 0700     one home per account; the grader's holds course/, solutions/, notebooks/
    ENVS/                         root 0755     the environments (default /opt/torch-course), shared by hub prefixes
      student/                    root 0755     what a student's server runs: no solution
      grader/                     root:grader 0750   nbgrader + the engine + JupyterHub; students cannot read it
      proxy/                      root 0700     configurable-http-proxy from npm

Students get the exchange's default protections plus ours (README, "A class on JupyterHub"):
submissions are 0750 folders of group grader, feedback files belong to the student's own group.
"""
from __future__ import annotations

import argparse
import grp
import hashlib
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COURSE = "torch-from-the-ground-up"
GRADER = f"grader-{COURSE}"
NBGRADER_EXTENSIONS = ("assignment_list", "course_list", "validate_assignment")


def run(*cmd, **kw) -> None:
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def ensure_user(name: str, home: Path) -> pwd.struct_passwd:
    """A real account with its own uid and private group, its home under the prefix."""
    try:
        pw = pwd.getpwnam(name)
        if pw.pw_dir != str(home):
            run("usermod", "--home", home, name)
    except KeyError:
        run("useradd", "--user-group", "--no-create-home", "--home-dir", home, "--shell", "/bin/bash", name)
    pw = pwd.getpwnam(name)
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, pw.pw_uid, pw.pw_gid)
    home.chmod(0o700)
    return pw


def mkdir(path: Path, mode: int, user: str = "root", group: str | None = None) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, pwd.getpwnam(user).pw_uid, grp.getgrnam(group or user).gr_gid)
    path.chmod(mode)  # after chown: chown clears setgid


def fingerprint(*paths: Path) -> str:
    """What an environment was built from: the lock, the package's sources, the proxy's lock."""
    h = hashlib.sha256()
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for f in files:
            h.update(str(f.relative_to(REPO)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def reachable(path: Path) -> bool:
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents])


def shared_python(envs: Path) -> str:
    """The interpreter of every hub environment: this one (the lock's Python), where every uid can run it.
    The students' and the grader's servers run as their own uids, so an interpreter under a private home
    (pyenv's in /root, say) is copied to ENVS/python, its library path made relative (patchelf)."""
    base = Path(sys._base_executable).resolve()
    if reachable(base):
        return str(base)
    dest = envs / "python"
    stamp = f"{base} {sys.version}"
    if not ((dest / ".stamp").exists() and (dest / ".stamp").read_text() == stamp):
        if shutil.which("patchelf") is None:
            raise SystemExit(f"{base} is out of other users' reach and patchelf is missing: apt-get install patchelf")
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(sys.base_prefix, dest, symlinks=True,
                        ignore=shutil.ignore_patterns("site-packages", "test", "__pycache__", "*.a"))
        run("patchelf", "--set-rpath", "$ORIGIN/../lib", dest / "bin" / base.name)
        (dest / ".stamp").write_text(stamp)
    for p in [dest, *dest.rglob("*")]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | (0o005 if p.is_dir() or p.stat().st_mode & 0o100 else 0o004))
    return str(dest / "bin" / base.name)


def pip_env(venv: Path, *install: str, extensions: tuple[str, ...], stamp: str) -> None:
    python = shared_python(venv.parent)
    stamp = f"{python} {stamp}"
    if (venv / ".stamp").exists() and (venv / ".stamp").read_text() == stamp:
        return
    if (venv / "bin" / "python").exists() and (venv / "bin" / "python").resolve() != Path(python):
        shutil.rmtree(venv)  # built on another interpreter
    if not (venv / "bin" / "python").exists():
        run(python, "-m", "venv", venv)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "-qq", "--disable-pip-version-check"]
    run(*pip, "-r", REPO / "requirements.lock")
    # A copy of the package, not an editable link: the environment must not reach into the checkout.
    run(*pip, "--no-deps", "--force-reinstall", "--no-build-isolation", *install)
    for ext in ("formgrader", "create_assignment", *NBGRADER_EXTENSIONS):
        state = "enable" if ext in extensions else "disable"
        run(venv / "bin" / "jupyter", "server", "extension", state, "--sys-prefix",
            f"nbgrader.server_extensions.{ext}", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (venv / ".stamp").write_text(stamp)


# A class's JupyterLab defaults (the site's overrides.json): no "Jupyter news?" toast over the students'
# work, and every notebook cell rendered (so long notebooks print and screenshot whole).
LAB_OVERRIDES = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
                 "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}


def lab_overrides(venv: Path) -> None:
    settings = venv / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=1))


def build_student_env(envs: Path) -> Path:
    """The student environment: `make student-env` (the checking library, no autograder/grading and so no
    reference engine), built at ENVS/student on the shared interpreter, plus jupyterhub-singleuser."""
    venv = envs / "student"
    python = shared_python(envs)
    stale = (venv / "bin" / "python").exists() and (venv / "bin" / "python").resolve() != Path(python)
    if stale or any(venv.glob("lib/python3*/site-packages/autograder/grading")):  # another interpreter, or a grader's copy
        shutil.rmtree(venv)
    if not (venv / "bin" / "python").exists():
        run(python, "-m", "venv", venv)
    run("make", "--no-print-directory", "-C", REPO, "student-env", f"STUDENT_VENV={venv}")
    run(venv / "bin" / "python", "-m", "pip", "install", "-qq", "--disable-pip-version-check",
        "-c", REPO / "requirements.lock", "jupyterhub")
    for ext in NBGRADER_EXTENSIONS:
        state = "disable" if ext == "course_list" else "enable"  # the course list is for instructors
        run(venv / "bin" / "jupyter", "server", "extension", state, "--sys-prefix",
            f"nbgrader.server_extensions.{ext}", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return venv


def build_grader_env(envs: Path) -> Path:
    venv = envs / "grader"
    pip_env(venv, str(REPO), extensions=("formgrader", "create_assignment", *NBGRADER_EXTENSIONS),
            stamp=fingerprint(REPO / "requirements.lock", REPO / "autograder"))
    return venv


def build_proxy(envs: Path) -> Path:
    """configurable-http-proxy, pinned by hub/package-lock.json, from the npm registry."""
    dest = envs / "proxy"
    stamp = fingerprint(REPO / "hub" / "package-lock.json")
    if not ((dest / ".stamp").exists() and (dest / ".stamp").read_text() == stamp):
        dest.mkdir(parents=True, exist_ok=True)
        for f in ("package.json", "package-lock.json"):
            shutil.copy(REPO / "hub" / f, dest / f)
        run("npm", "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error", cwd=dest)
        (dest / ".stamp").write_text(stamp)
    dest.chmod(0o700)
    return dest / "node_modules" / ".bin" / "configurable-http-proxy"


def install_course(home: Path, prefix: Path) -> None:
    """The course as the grader keeps it: nbgrader's root, the instructor notebooks, the releases.
    Only when missing: a running class's gradebook and submissions are never overwritten."""
    pw = pwd.getpwnam(GRADER)
    if not (home / "course").exists():
        skip = shutil.ignore_patterns("gradebook.db*", "submitted", "autograded", "feedback", "samples",
                                      ".ipynb_checkpoints", "__pycache__", ".autograder*")
        for sub in ("course", "solutions", "notebooks"):
            shutil.copytree(REPO / sub, home / sub, ignore=skip)
    jupyter = home / ".jupyter"
    jupyter.mkdir(exist_ok=True)
    (jupyter / "nbgrader_config.py").write_text(
        "# The course's own config (from the repo's course/), loaded for Formgrader and the grader's terminal.\n"
        f"load_subconfig({str(home / 'course' / 'nbgrader_config.py')!r})  # noqa: F821\n"
        "# The exchange's grader half (the students' half is in the site config).\n"
        "c.ExchangeFactory.collect = 'autograder.grading.exchange.OwnedCollect'  # noqa: F821\n"
        "c.ExchangeFactory.release_feedback = 'autograder.grading.exchange.PrivateReleaseFeedback'  # noqa: F821\n")
    for p in [home, *home.rglob("*")]:
        os.lchown(p, pw.pw_uid, pw.pw_gid)
    for p in (home / "course", home / "solutions"):
        p.chmod(0o700)


def write_configs(prefix: Path) -> None:
    etc = prefix / "etc" / "jupyter"
    etc.mkdir(parents=True, exist_ok=True)
    for name in ("nbgrader_config.py", "jupyter_server_config.py"):
        shutil.copy(REPO / "hub" / name, etc / name)
        (etc / name).chmod(0o644)
    form = prefix / "etc" / "formgrader"
    form.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "hub" / "formgrader_server_config.py", form / "jupyter_server_config.py")
    for d in (prefix / "etc", etc, form):
        d.chmod(0o755)


def lay_exchange(prefix: Path) -> None:
    root = prefix / "exchange"
    mkdir(root, 0o1777)
    course = root / COURSE
    mkdir(course, 0o755, GRADER)
    mkdir(course / "outbound", 0o755, GRADER)
    mkdir(course / "inbound", 0o3733, GRADER)
    mkdir(course / "feedback", 0o711, GRADER)


def set_passwords(state: Path, users: list[str]) -> dict[str, str]:
    """PAM logins: one random password per person, kept root-only in PREFIX/hub/passwords.json."""
    path = state / "passwords.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    for u in users:
        known.setdefault(u, secrets.token_urlsafe(12))
    path.touch(mode=0o600)
    path.write_text(json.dumps(known, indent=1))
    run("chpasswd", input="".join(f"{u}:{known[u]}\n" for u in users).encode())
    return known


def deploy(prefix: Path, envs: Path, instructors: list[str], students: list[str]) -> dict:
    if os.geteuid() != 0:
        raise SystemExit("hub/deploy.py creates users and sets file owners: run it as root (make hub does)")
    prefix.mkdir(parents=True, exist_ok=True)
    prefix.chmod(0o755)
    (prefix / "home").mkdir(exist_ok=True)
    (prefix / "home").chmod(0o755)
    state = prefix / "hub"
    state.mkdir(exist_ok=True)
    state.chmod(0o700)
    grader_home = prefix / "home" / GRADER
    ensure_user(GRADER, grader_home)
    for u in instructors + students:
        ensure_user(u, prefix / "home" / u)
    # The grader joins each student's private group: released feedback belongs to that group alone.
    run("usermod", "--append", "--groups", ",".join(students), GRADER)
    passwords = set_passwords(state, instructors + students)

    envs.mkdir(parents=True, exist_ok=True)
    envs.chmod(0o755)
    student_env, grader_env, proxy = build_student_env(envs), build_grader_env(envs), build_proxy(envs)
    for venv in (student_env, grader_env):
        lab_overrides(venv)
    os.chown(grader_env, 0, grp.getgrnam(GRADER).gr_gid)
    grader_env.chmod(0o750)

    install_course(grader_home, prefix)
    write_configs(prefix)
    lay_exchange(prefix)
    roster = dict(course=COURSE, grader=GRADER, instructors=instructors, students=students,
                  student_env=str(student_env), grader_env=str(grader_env), proxy=str(proxy), prefix=str(prefix))
    (state / "roster.json").write_text(json.dumps(roster, indent=1))
    return dict(roster, passwords=passwords)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--prefix", type=Path, default=Path(os.environ.get("HUB_PREFIX", "/srv/torch-course")))
    ap.add_argument("--envs", type=Path, default=Path(os.environ.get("HUB_ENVS", "/opt/torch-course")))
    ap.add_argument("--instructors", default="instructor")
    ap.add_argument("--students", default="student1,student2,student3")
    a = ap.parse_args(argv)
    out = deploy(a.prefix, a.envs, a.instructors.split(","), a.students.split(","))
    print(f"class hub laid out in {a.prefix} (environments in {a.envs}); passwords in {a.prefix}/hub/passwords.json")
    del out


if __name__ == "__main__":
    main()
