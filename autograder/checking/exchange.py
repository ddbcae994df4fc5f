"""The student's half of an exchange that does not leak: nbgrader's submit, with private folders.

nbgrader's default submit leaves each submission in ``inbound/`` as a 0777 folder of 0644 files,
hidden only by a random suffix in its name (jupyter/nbgrader#1225, #978): whoever learns the name
can read it, and, the folder being 0777, replace the files in it. Here the folder is created 0700
(so nothing is visible while it fills), then opened to its group alone: the hub lays ``inbound/``
out setgid with the grader's group (hub/deploy.py), so that group is the grader's and no student's.
The grader's half, :mod:`autograder.grading.exchange`, collects a submission only from the student
who owns it. This module runs in the student's server, so it imports nothing from the grading side.
"""
from __future__ import annotations

import os
import secrets
import shutil

from nbgrader.exchange.default.submit import ExchangeSubmit

SUBMISSION_DIR_MODE = 0o750  # the student, and the grader's group (inherited from inbound/)
SUBMISSION_FILE_MODE = 0o640


class PrivateSubmit(ExchangeSubmit):
    """Submit into ``inbound/`` as nbgrader does, but readable by the grader's group only."""

    def copy_files(self):
        self.init_release()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        self.log.info("Source: %s", self.src_path)
        self.log.info("Destination: %s", dest)
        self.check_filename_diff()
        secret = secrets.token_hex(64)
        os.mkdir(dest, 0o700)  # private from its first moment, whatever the umask
        staged = os.path.join(dest, ".staged")
        self.do_copy(self.src_path, staged)  # nbgrader's size limits and ignore patterns
        for name in os.listdir(staged):
            os.rename(os.path.join(staged, name), os.path.join(dest, name))
        os.rmdir(staged)
        self._stamp(dest, secret)
        self.set_perms(dest, fileperms=SUBMISSION_FILE_MODE, dirperms=SUBMISSION_DIR_MODE)

        # The student's own record (nbgrader's cache, in their home), which fetch_feedback reads.
        cache = os.path.join(self.cache_path, self.assignment_filename.rsplit("+", 1)[0]
                             if self.add_random_string else self.assignment_filename)
        os.makedirs(self.cache_path, exist_ok=True)
        if os.path.isdir(cache):
            shutil.rmtree(cache)
        self.do_copy(self.src_path, cache)
        self._stamp(cache, secret)
        self.log.info("Submitted as: %s %s %s", self.coursedir.course_id, self.coursedir.assignment_id, self.timestamp)

    def _stamp(self, folder: str, secret: str) -> None:
        for name, text in (("timestamp.txt", str(self.timestamp)), ("submission_secret.txt", secret)):
            with open(os.path.join(folder, name), "w") as fh:
                fh.write(text)
