# Two commands do everything on a fresh clone:  make lab  and  make test.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# nbgrader shells out to alembic (and the tests to jupyter/nbgrader): the venv's bin/ must be on PATH.
export PATH := $(abspath $(VENV))/bin:$(PATH)
CHAPTERS := $(notdir $(wildcard solutions/[0-9][0-9]_*))
# JupyterLab refuses to run as root unless told to; add the flag only when we are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
JOBS ?= 2

.PHONY: setup lab test test-e2e test-fast release outputs grade clean-grades bench bench-grading student-env

setup: $(STAMP)

# Idempotent: the stamp is newer than the lock once everything is installed, so a second run installs nothing.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(VENV)/bin/jupyter server extension enable --sys-prefix nbgrader.server_extensions.formgrader >/dev/null
	$(VENV)/bin/jupyter server extension enable --sys-prefix nbgrader.server_extensions.assignment_list >/dev/null
	$(VENV)/bin/jupyter server extension enable --sys-prefix nbgrader.server_extensions.course_list >/dev/null
	$(VENV)/bin/jupyter server extension enable --sys-prefix nbgrader.server_extensions.validate_assignment >/dev/null
	@touch $@

# What a student's server or laptop gets in a class (README: "What a student's environment gets"): the
# checking library (autograder/__init__.py + autograder/checking/, copied into a throwaway package dir and
# installed from there), JupyterLab with nbgrader's student extensions, torch; no autograder/grading, so no
# reference engine and no solution. Idempotent like setup: the stamp is newer than its inputs once installed.
STUDENT_VENV  := .venv-student
STUDENT_STAMP := $(STUDENT_VENV)/.installed
STUDENT_SRC   := autograder/__init__.py $(shell find autograder/checking -name '*.py' -not -path '*/__pycache__/*')

student-env: $(STUDENT_STAMP)

$(STUDENT_STAMP): student/requirements.txt student/pyproject.toml requirements.lock $(STUDENT_SRC)
	@test -x $(STUDENT_VENV)/bin/python || python3 -m venv $(STUDENT_VENV)
	$(STUDENT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r student/requirements.txt -c requirements.lock
	set -e; pkg=$$(mktemp -d); trap 'rm -rf "$$pkg"' EXIT; cp student/pyproject.toml "$$pkg"/; \
	tar -c --exclude=__pycache__ autograder/__init__.py autograder/checking | tar -x -C "$$pkg"; \
	$(STUDENT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --force-reinstall "$$pkg"
	for ext in formgrader course_list; do $(STUDENT_VENV)/bin/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$ext >/dev/null 2>&1; done
	for ext in formgrader course-list create-assignment; do $(STUDENT_VENV)/bin/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader:$$ext >/dev/null 2>&1; done
	@touch $@

# Students land in notebooks/; instructors open Nbgrader > Formgrader from the menu.
lab: setup
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR) --ServerApp.default_url=/lab/tree/notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: setup
	$(PY) -m pytest -n $(JOBS) --dist loadfile tests solutions --nbval --nbval-sanitize-with tests/sanitize.cfg -p no:randomly $(PYTEST_ARGS)

# The users' paths in a real browser (Debian's chromium) against JupyterLab started as `make lab`
# starts it; screenshots land in test-output/e2e/. `make test` skips these (it has no browser).
test-e2e: setup
	E2E_BROWSER=1 $(PY) -m pytest tests/e2e -m browser -p no:randomly -v $(PYTEST_ARGS)

# Regenerate the student notebooks from the instructor notebooks (commit the result).
release: setup
	cd course && for ch in $(CHAPTERS); do nbgrader generate_assignment $$ch --force --log-level=WARN || exit 1; done

# Re-run the instructor notebooks in place so their stored outputs are fresh (strict nbval compares them).
outputs: setup
	for ch in $(CHAPTERS); do $(PY) -m autograder.tools.refresh solutions/$$ch/$$ch.ipynb || exit 1; done

grade: setup
	$(PY) -m autograder.tools.demo --course course

# Plain serial nbgrader vs `autograder grade --jobs 2` on one generated class, side by side (not a timed test).
bench-grading: setup
	$(PY) -m autograder.tools.bench --jobs $(JOBS)

# The reference engine vs torch CPU eager, side by side in one process (prints ratios; not a test).
# OPENBLAS_CORETYPE/L2_SIZE are unset for this command alone: they slow a current numpy's kernels.
bench: setup
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) bench/bench_engine.py
