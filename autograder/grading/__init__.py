"""The grader side: only the grader runs this (``nbgrader autograde`` with course/nbgrader_config.py,
or ``autograder grade``). A student's kernel never imports it.

Stage by stage:

* ``sandbox``   what the learner's code may see and use: a **bubblewrap** sandbox (uid 65534 in its own
  user/pid/net/ipc namespaces, no network, read-only system and root, only its own working copy and a
  private ``/tmp``: never ``course/``, ``solutions/``, the gradebook or other students), a pids cgroup
  and RLIMIT_AS (2 GiB) / FSIZE / NOFILE limits. Without bwrap: rlimits and a private temp copy, and
  every result carries a ``no-sandbox`` flag; where no pids cgroup can be made (as root), a
  ``no-process-limit`` flag. Both send the submission to a human.
* ``worker``    the host's side of the warm workers: one sandboxed zygote per core, a job per notebook.
* ``zygote``    inside the sandbox: imports torch, IPython and the checking library once, seals the code
  that will run beside learner code (``seal``), becomes non-dumpable, and forks one learner's process
  per notebook; sends it one cell at a time, measures every deadline from its own sends (SIGINT, then
  SIGKILL), keeps the sealed records, restarts past a killed cell; afterwards ``kill(-1)`` empties the
  sandbox's pid namespace (without bwrap: every descendant, ``cleanup``) and ``/tmp`` is wiped.
* ``recorder``  the learner's process: runs code cells in IPython (``execute``), answers test cells'
  questions, and sends every output and answer sealed over ``channel`` (a MAC-ed socketpair);
  ``audit`` reports tampering (an audit hook, integrity checks, no signal handlers).
* ``plan``      the trusted side before the notebook runs: each test cell's questions, and the job.
  ``questions`` and ``tape`` are the wire form of questions and of answers (JSON + .npy, never pickle).
* ``judge``     the trusted side afterwards: for each grade cell it takes the ``check()`` calls from the
  gradebook's copy of the instructor notebook and replays each exercise on that cell's sealed answers
  with torch computing the expected side. ``scan`` flags code that reaches for the machinery;
  ``links`` drops links, devices and fifos from submitted folders before anything copies them.
* ``preprocessors`` nbgrader's side, one preprocessor per module: SandboxedExecute replaces Execute,
  RepairStructure replaces DeduplicateIds, LimitOutputBytes, Judge before SaveAutoGrades, SaveVerdict last.
* ``course``    the course's grading state: the hidden tests' secret and one result file per notebook.
* ``prefetch``  the warm worker pool, and submissions started in it ahead of nbgrader.
* ``batch``     ``autograder grade`` in stages: plan, prefetch, grade one submission under its lock, report.
* ``speedups``, ``gradebook_io`` what the grading process stops paying for again and again; the
  gradebook ends up exactly the same.
* ``reference`` the chapter-09 reference engine (the capstone's solution).
"""
