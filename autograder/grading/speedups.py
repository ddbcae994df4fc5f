"""What the trusted grading process stops paying for again and again (none of it changes a grade).

* :func:`skip_iri_grammar` before anything imports ``jsonschema``: its optional ``iri`` format
  checker compiles ~40 lark grammars from ``rfc3987_syntax`` at import (1.4 s of 1.65 s for
  nbformat). Nothing in grading checks formats: nbformat and nbgrader build their validators
  without a ``format_checker``, so no validation result changes.
* :func:`shared_gradebook_engines`: nbgrader opens a new ``Gradebook`` (a new SQLAlchemy engine,
  a schema probe of every table, a new connection) about 15 times per submission, and every new
  engine compiles every query again. One engine per database URL keeps the compiled-query cache
  and the connection pool, and the course's row is checked once; sessions, transactions and
  commits stay exactly as nbgrader makes them. An engine is dropped when its sqlite file is replaced
  (a backup restored under a long-lived Formgrader).
* :func:`compile_cell_schemas` and :mod:`.gradebook_io`: nbgrader's cell checks and gradebook writes
  with fewer queries and commits.

Except for :func:`skip_iri_grammar`, these mirror the internals of one nbgrader release
(:data:`NBGRADER`): on any other version (and with ``AUTOGRADER_NO_SPEEDUPS`` set) nbgrader's own
code runs instead, after one :class:`SpeedupsOff` warning. ``tests/test_speedups.py`` grades a class
with and without them and requires the same gradebook, every table and row.
"""
from __future__ import annotations

import json
import os
import sys
import warnings
from typing import Any

NBGRADER = "0.9.6"  # the release whose Gradebook.__init__, OverwriteCells and SaveAutoGrades these mirror
_ENGINES: dict[str, Any] = {}
_FILES: dict[str, Any] = {}  # url -> identity of the sqlite file its engine opened
_COURSES: set[tuple[str, str]] = set()
_OFF: dict[str, str] = {}


class SpeedupsOff(UserWarning):
    """The speed-ups are off: nbgrader's own code grades (slower, same grades)."""


def active() -> bool:
    """Whether the speed-ups may replace nbgrader's code here; the first time they may not, warn once."""
    import nbgrader
    why = "AUTOGRADER_NO_SPEEDUPS is set" if os.environ.get("AUTOGRADER_NO_SPEEDUPS") else \
        None if nbgrader.__version__ == NBGRADER else \
        f"they mirror nbgrader {NBGRADER}'s internals and this is nbgrader {nbgrader.__version__}"
    if why and not _OFF:
        _OFF["why"] = why
        warnings.warn(f"autograder: grading with nbgrader's own code, without the speed-ups ({why})", SpeedupsOff,
                      stacklevel=2)
    return why is None


def _file_identity(db_url: str) -> Any:
    """Which file a sqlite URL opens now (device, inode), so a replaced file is noticed; None otherwise."""
    from sqlalchemy.engine import make_url
    url = make_url(db_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    try:
        st = os.stat(url.database)
    except OSError:
        return "missing"
    return st.st_dev, st.st_ino


def skip_iri_grammar() -> None:
    """Make ``import rfc3987_syntax`` fail, so jsonschema skips the format checker it would build."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def shared_gradebook_engines() -> None:
    """Every ``nbgrader.api.Gradebook`` in this process reuses one engine per database URL."""
    from nbgrader import api
    if getattr(api.Gradebook, "_autograder_shared", False) or not active():
        return
    from sqlalchemy.orm import scoped_session, sessionmaker

    original_init = api.Gradebook.__init__

    def __init__(self, db_url: str, course_id: str = "default_course", authenticator=None) -> None:
        engine, identity = _ENGINES.get(db_url), _file_identity(db_url)
        if engine is not None and _FILES.get(db_url) != identity:  # the file was replaced: its engine goes
            _ENGINES.pop(db_url).dispose()
            _COURSES.difference_update({k for k in _COURSES if k[0] == db_url})
            engine = None
        if engine is None:  # the first one: nbgrader creates the tables and checks the schema as usual
            original_init(self, db_url, course_id, authenticator)
            _ENGINES[db_url], _FILES[db_url] = self.engine, _file_identity(db_url)
            _COURSES.add((db_url, course_id))
            return
        self.engine = engine
        self.db = scoped_session(sessionmaker(autoflush=True, bind=engine, future=True))
        if (db_url, course_id) not in _COURSES:  # it only makes sure the course's row exists
            self.check_course(course_id=course_id)
            _COURSES.add((db_url, course_id))
        self.course_id = course_id
        self.authenticator = authenticator

    def close(self) -> None:
        self.db.remove()  # the session ends (rollback of anything uncommitted); its connection goes back to the pool
        if self.engine not in _ENGINES.values():
            self.engine.dispose()

    api.Gradebook.__init__ = __init__
    api.Gradebook.close = close
    api.Gradebook._autograder_shared = True

class _CompiledSchemas:
    """``jsonschema.validate`` as nbgrader's CheckCellMetadata calls it, with each schema checked and
    compiled once instead of once per cell (that was 0.12 s per notebook, three times per submission),
    and each distinct cell metadata found valid once: the class's notebooks repeat the same few."""

    def __init__(self, real):
        self._real, self._validators, self._valid = real, {}, set()
        self._seen: dict[int, tuple[str, Any]] = {}  # id -> (content, schema kept alive so its id is not reused)

    def validate(self, instance, schema) -> None:
        seen = self._seen.get(id(schema))
        if seen is None:  # nbgrader loads a fresh copy of the same schema for every notebook
            seen = self._seen[id(schema)] = (json.dumps(schema, sort_keys=True), schema)
        v = self._validators.get(seen[0])
        if v is None:
            cls = self._real.validators.validator_for(schema)
            cls.check_schema(schema)
            v = self._validators[seen[0]] = cls(schema)
        try:
            key = (seen[0], json.dumps(instance, sort_keys=True))
        except (TypeError, ValueError):
            key = None
        if key is not None and key in self._valid:
            return
        error = self._real.exceptions.best_match(v.iter_errors(instance))
        if error is not None:
            raise error
        if key is not None and len(self._valid) < 100_000:
            self._valid.add(key)

    def __getattr__(self, name: str):
        return getattr(self._real, name)


def compile_cell_schemas() -> None:
    """nbgrader's cell-metadata validation through :class:`_CompiledSchemas` (installed once)."""
    from nbgrader.nbgraderformat import common
    if not isinstance(common.jsonschema, _CompiledSchemas) and active():
        common.jsonschema = _CompiledSchemas(common.jsonschema)


_WAL: dict[str, bool] = {}


def fast_gradebook_commits() -> None:
    """WAL journal with synchronous=NORMAL on every sqlite gradebook connection opened from now on.

    nbgrader commits once per cell (SaveAutoGrades: ~16 fsyncs a notebook, most of this process's
    time per notebook). With WAL a commit survives a killed batch but is not fsynced each time; only
    an OS crash could lose the last few, never corrupt the file."""
    if _WAL.get("on") or os.environ.get("AUTOGRADER_NO_SPEEDUPS"):
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        if type(dbapi_conn).__module__.startswith("sqlite3"):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
    _WAL["on"] = True

