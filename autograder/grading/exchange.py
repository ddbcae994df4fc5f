"""The grader's half of an exchange that does not leak (the student's half: autograder.checking.exchange).

On a hub with one uid per person (hub/deploy.py lays it out), ``inbound/`` is a write-only drop box
(3733: setgid with the grader's group, sticky, so nobody renames or removes another's entry), but
anyone may still create entries in it, with any name. So collect trusts the file system, not names:

* :class:`OwnedCollect` takes ``student+assignment+...`` only if it is a real folder owned by that
  student (nbgrader's own check only warns), and copies regular files and folders only: a symlink
  to the grader's solutions, or a FIFO that would hang the copy, is left behind and logged.
* :class:`PrivateReleaseFeedback` writes each feedback page 0640 with the student's own group (the
  grader is a member of each student's group; nobody else is), created private and renamed into
  place, so a student who learns another's feedback path still cannot read it. The student's
  nbgrader fetches it unchanged.
"""
from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import stat

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import ignore_patterns, notebook_hash

FEEDBACK_MODE = 0o640


def owner(path: str) -> str | None:
    try:
        return pwd.getpwuid(os.lstat(path).st_uid).pw_name
    except (KeyError, OSError):
        return None


class OwnedCollect(ExchangeCollect):
    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        student_id = self.coursedir.student_id or "*"
        records = []
        for path in glob.glob(os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")):
            try:
                rec = self._path_to_record(path)
            except Exception as e:  # anyone can create entries in inbound/: a bad name must not stop collect
                self.log.warning("Not collecting %s: %s", path, e)
                continue
            if not stat.S_ISDIR(os.lstat(path).st_mode) or owner(path) != rec["username"]:
                self.log.warning("Not collecting %s: it claims to be %s's but is a %s owned by %s", path,
                                 rec["username"], "folder" if os.path.isdir(path) and not os.path.islink(path)
                                 else "link or file", owner(path))
                continue
            records.append(rec)
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                duedate = None
        self.src_records = []
        for recs in groupby(records, lambda r: r["username"]).values():
            recs = self._sort_by_timestamp(recs)
            on_time = [r for r in recs if duedate is not None and self.before_duedate and r["timestamp"] <= duedate]
            self.src_records.append((on_time or recs)[0])

    def do_copy(self, src, dest, log=None):
        size = self.get_size(src)
        if size > 1000 * self.coursedir.max_dir_size:
            raise RuntimeError(f"Directory size is too big. Size is {size}, maximum size is {1000 * self.coursedir.max_dir_size}")
        nbgrader_ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                          max_file_size=self.coursedir.max_file_size, log=self.log)

        def ignore(folder, names):
            skipped = set(nbgrader_ignore(folder, names))
            for name in names:
                mode = os.lstat(os.path.join(folder, name)).st_mode
                if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                    self.log.warning("Not collecting %s: not a regular file or folder", os.path.join(folder, name))
                    skipped.add(name)
            return skipped

        shutil.copytree(src, dest, ignore=ignore)


class PrivateReleaseFeedback(ExchangeReleaseFeedback):
    def copy_files(self):
        exclude = set(filter(None, (self.coursedir.student_id_exclude or "").split(",")))
        pattern = re.escape(os.path.sep).join([
            self.coursedir.format_path(self.coursedir.feedback_directory, "(?P<student_id>.*)",
                                       self.coursedir.assignment_id, escape=True),
            "(?P<notebook_id>.*).html"])
        for html in glob.glob(os.path.join(self.src_path, "*.html")):
            m = re.match(pattern, html)
            if m is None:
                self.log.error("Could not match %r with %r", html, pattern)
                continue
            student, notebook = m.group("student_id"), m.group("notebook_id")
            if student in exclude:
                continue
            try:
                gid = pwd.getpwnam(student).pw_gid
            except KeyError:
                self.log.error("Not releasing feedback for %s: no such account on this machine", student)
                continue
            with open(os.path.join(os.path.dirname(html), "submission_secret.txt")) as fh:
                checksum = notebook_hash(secret=fh.read(), notebook_id=notebook)
            tmp = os.path.join(self.dest_path, f".{checksum}.tmp")
            with open(html, "rb") as src:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
                with os.fdopen(fd, "wb") as out:
                    shutil.copyfileobj(src, out)
                    os.fchown(out.fileno(), -1, gid)
                    os.fchmod(out.fileno(), FEEDBACK_MODE)
            os.replace(tmp, os.path.join(self.dest_path, f"{checksum}.html"))
            self.log.info("Released feedback for %s on %s/%s", student, self.coursedir.assignment_id, notebook)
