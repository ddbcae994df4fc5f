# Two commands do everything on a fresh clone:  make lab  and  make test.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# nbgrader shells out to alembic (and the tests to jupyter/nbgrader): the venv's bin/ must be on PATH.
export PATH := $(abspath $(VENV))/bin:$(PATH)
CHAPTERS := $(notdir $(wildcard solutions/[0-9][0-9]_*))
# The course's other languages: each is an nbgrader course of its own in course/<lang>/ (README: "Languages").
LANGS := zh-CN
# JupyterLab refuses to run as root unless told to; add the flag only when we are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
JOBS ?= 2

.PHONY: setup lab test test-e2e test-fast release outputs translations grade clean-grades bench bench-grading student-env hub test-hub

# This package's own bytecode too, for the reasons below (an editable install is not compiled by pip; every
# grading process and worker would compile autograder/ from source, ~0.5 s each); ~0.1 s when up to date.
setup: $(STAMP)
	@$(PY) -m compileall -q autograder

# Idempotent: the stamp is newer than the lock once everything is installed, so a second run installs nothing.
# pip byte-compiles every module at install (about 40 s of a fresh setup on 2 cores) and that stays: the sandboxed
# workers cannot write bytecode into the read-only venv, and where PYTHONDONTWRITEBYTECODE is set nothing else
# does either, so without it every process would compile torch from source (import torch: 5.5 s instead of 2.0 s).
# nbgrader's wheel enables its server extensions itself (jupyter_server_config.d/nbgrader.json; tests/test_environment.py).
$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# What a student's server or laptop gets in a class (README: "What a student's environment gets"): the
# checking library (autograder/__init__.py + autograder/checking/, copied into a throwaway package dir and
# installed from there), JupyterLab with nbgrader's student extensions, torch; no autograder/grading, so no
# reference engine and no solution. Idempotent like setup: the stamp is newer than its inputs once installed.
STUDENT_VENV  := .venv-student
STUDENT_STAMP := $(STUDENT_VENV)/.installed
STUDENT_SRC   := autograder/__init__.py $(shell find autograder/checking \( -name '*.py' -o -name '*.mo' \) -not -path '*/__pycache__/*')

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

# Students land in notebooks/ (LabApp's default_url: JupyterLab overrides ServerApp's); instructors open
# Nbgrader > Formgrader from the menu.
# `make lab COURSE_LANG=zh-CN`: the Chinese course (notebooks/zh-CN; Formgrader and Validate on course/zh-CN),
# with JupyterLab's own UI in Chinese unless the user picked another language in Settings > Language.
COURSE_LANG ?=
lab: setup
	$(if $(filter-out $(LANGS),$(COURSE_LANG)),$(error COURSE_LANG must be one of: $(LANGS)))
	COURSE_LANG=$(COURSE_LANG) $(VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR) \
	  --LabApp.default_url=/lab/tree/notebooks$(if $(COURSE_LANG),/$(COURSE_LANG)) \
	  $(if $(COURSE_LANG),--LabApp.app_settings_dir=$(CURDIR)/i18n/$(COURSE_LANG)/lab) $(ROOT_FLAG) $(LAB_ARGS)

test: setup
	$(PY) -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder -m 'not browser' --ignore=tests/hub tests solutions $(LANGS:%=course/%/source) --nbval --nbval-sanitize-with tests/sanitize.cfg -p no:randomly $(PYTEST_ARGS)

# The users' paths in a real browser (Debian's chromium) against JupyterLab started as `make lab`
# starts it; screenshots land in test-output/e2e/. `make test` deselects these and tests/hub (`make test-hub`).
test-e2e: setup
	E2E_BROWSER=1 $(PY) -m pytest tests/e2e -m browser -p no:randomly -v $(PYTEST_ARGS)

# Regenerate the student notebooks from the instructor notebooks (commit the result). Each language's
# instructor notebooks (course/<lang>/source) are generated first, from solutions/ and i18n/<lang>/ (run
# again only where their code changed), then nbgrader releases them to notebooks/<lang>/.
release: setup
	cd course && for ch in $(CHAPTERS); do nbgrader generate_assignment $$ch --force --log-level=WARN || exit 1; done
	$(PY) -m autograder.tools.translate build
	for lang in $(LANGS); do (cd course/$$lang && for ch in $$(ls source); do \
	  nbgrader generate_assignment $$ch --force --log-level=WARN || exit 1; done) || exit 1; done

# Bring the translation catalogues i18n/<lang>/<chapter>.po in step with solutions/ (a changed English cell
# keeps its old translation as a fuzzy draft beside the old English), then list what is left to translate.
# The same for the checking library's messages (autograder/checking/locale/<ll_CC>/LC_MESSAGES/checking.po,
# from the _() calls in autograder/), compiled to the .mo the library reads.
translations: setup
	$(PY) -m autograder.tools.translate update
	$(PY) -m autograder.tools.messages update
	$(PY) -m autograder.tools.translate status

# Re-run the instructor notebooks in place so their stored outputs are fresh (strict nbval compares them).
outputs: setup
	for ch in $(CHAPTERS); do $(PY) -m autograder.tools.refresh solutions/$$ch/$$ch.ipynb || exit 1; done
	$(PY) -m autograder.tools.translate build --execute

grade: setup
	$(PY) -m autograder.tools.demo --course course

# Plain serial nbgrader vs `autograder grade --jobs 2` on one generated class, side by side (not a timed test).
bench-grading: setup
	$(PY) -m autograder.tools.bench --jobs $(JOBS)

# The reference engine vs torch CPU eager, side by side in one process (prints ratios; not a test).
# OPENBLAS_CORETYPE/L2_SIZE are unset for this command alone: they slow a current numpy's kernels.
bench: setup
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) bench/bench_engine.py

# The class on JupyterHub (README, "A class on JupyterHub"): as root, hub/deploy.py creates the accounts
# (instructor, student1..3, the grader), the environments, the course and the exchange under HUB_PREFIX,
# then JupyterHub serves it on http://localhost:$(HUB_PORT). Passwords: $(HUB_PREFIX)/hub/passwords.json.
HUB_PREFIX ?= /srv/torch-course
HUB_ENVS   ?= /opt/torch-course
HUB_PORT   ?= 8000
hub: setup
	$(PY) hub/deploy.py --prefix $(HUB_PREFIX) --envs $(HUB_ENVS)
	@echo "class hub: http://localhost:$(HUB_PORT)/  (log in as instructor or student1..3; passwords: $(HUB_PREFIX)/hub/passwords.json)"
	@echo "Formgrader (as instructor): http://torch-from-the-ground-up--service.localhost:$(HUB_PORT)/services/torch-from-the-ground-up/"
	HUB_PREFIX=$(HUB_PREFIX) HUB_PORT=$(HUB_PORT) $(PY) hub/serve.py  # the proxy (left running), then JupyterHub

# A real hub with real users on a free loopback port: the browser walk (screenshots in test-output/hub/),
# the exchange's isolation with each student's uid, 20 servers at once and a hub restart. Root only.
test-hub: setup
	HUB_TESTS=1 $(PY) -m pytest tests/hub -p no:randomly -v $(PYTEST_ARGS)
	@cat test-output/hub/load.txt 2>/dev/null || true
