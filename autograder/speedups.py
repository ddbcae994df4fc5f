"""What the trusted grading process stops paying for again and again (none of it changes a grade).

* :func:`skip_iri_grammar` before anything imports ``jsonschema``: its optional ``iri`` format
  checker compiles ~40 lark grammars from ``rfc3987_syntax`` at import (1.4 s of 1.65 s for
  nbformat). Nothing in grading checks formats: nbformat and nbgrader build their validators
  without a ``format_checker``, so no validation result changes.
* :func:`shared_gradebook_engines`: nbgrader opens a new ``Gradebook`` (a new SQLAlchemy engine,
  a schema probe of every table, a new connection) about 15 times per submission, and every new
  engine compiles every query again. One engine per database URL keeps the compiled-query cache
  and the connection pool, and the course's row is checked once; sessions, transactions and
  commits stay exactly as nbgrader makes them.
"""
from __future__ import annotations

import sys
from typing import Any

_ENGINES: dict[str, Any] = {}
_COURSES: set[tuple[str, str]] = set()


def skip_iri_grammar() -> None:
    """Make ``import rfc3987_syntax`` fail, so jsonschema skips the format checker it would build."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def shared_gradebook_engines() -> None:
    """Every ``nbgrader.api.Gradebook`` in this process reuses one engine per database URL."""
    from nbgrader import api
    if getattr(api.Gradebook, "_autograder_shared", False):
        return
    from sqlalchemy.orm import scoped_session, sessionmaker

    original_init = api.Gradebook.__init__

    def __init__(self, db_url: str, course_id: str = "default_course", authenticator=None) -> None:
        engine = _ENGINES.get(db_url)
        if engine is None:  # the first one: nbgrader creates the tables and checks the schema as usual
            original_init(self, db_url, course_id, authenticator)
            _ENGINES[db_url] = self.engine
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

