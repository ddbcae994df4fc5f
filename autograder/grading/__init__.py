"""The grader side: only the grader runs this (``nbgrader autograde`` with course/nbgrader_config.py,
or ``autograder grade``). A student's kernel never imports it.

Stage by stage:

* ``sandbox``   what the learner's code may see and use: a **bubblewrap** sandbox (uid 65534 in its own
  user/pid/net/ipc namespaces, no network, read-only system and root, only its own working copy and a
  private ``/tmp``: never ``course/``, ``solutions/``, the gradebook or other students), a pids cgroup
  and RLIMIT_AS (2 GiB) / FSIZE / NOFILE limits. Without bwrap: rlimits and a private temp copy, and
  every result carries a ``no-sandbox`` flag; where no pids cgroup can be made (as root), a
  ``no-process-limit`` flag. Both send the submission to a human.
* ``worker``    warm workers: one zygote per core imports torch, IPython and the checking library once,
  becomes non-dumpable, and forks one fresh process per notebook; per-cell timeout (SIGINT, then
  SIGKILL) and per-notebook budget; afterwards ``kill(-1)`` empties the sandbox's pid namespace (without
  bwrap: every descendant of the zygote, a child subreaper) and ``/tmp`` is wiped. A worker that dies or hangs is killed and restarted.
* ``execute``   the cells run in IPython's InteractiveShell inside that process, in record mode;
  outputs are kept up to a byte budget. ``tape`` is the answers' safe on-disk form (JSON + .npy).
* ``judge``     the trusted side: for each grade cell it takes the ``check()`` calls from the gradebook's
  copy of the instructor notebook, reads that cell's tape defensively and replays each exercise against
  it with torch computing the expected side. ``scan`` flags code that reaches for the machinery.
* ``preprocessors`` nbgrader's side, one preprocessor per module: SandboxedExecute replaces Execute,
  RepairStructure replaces DeduplicateIds, LimitOutputBytes, Judge before SaveAutoGrades, SaveVerdict last.
* ``course``    the course's grading state: the hidden tests' secret and one result file per notebook.
* ``prefetch``  the warm worker pool, and submissions started in it ahead of nbgrader.
* ``batch``     ``autograder grade`` in stages: plan, prefetch, grade one submission under its lock, report.
* ``speedups``, ``gradebook_io`` what the grading process stops paying for again and again; the
  gradebook ends up exactly the same.
* ``reference`` the chapter-09 reference engine (the capstone's solution).
"""
