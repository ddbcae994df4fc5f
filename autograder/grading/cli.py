"""``autograder``: the grader's command line (``autograder grade ...``, ``autograder report ...``)."""
from __future__ import annotations

import argparse
import os
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade a class with the sandboxed engine.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="autograde submissions in parallel, write the gradebook and grades.csv")
    g.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    g.add_argument("--course", default="course", type=Path)
    g.add_argument("--student", action="append", dest="students", metavar="ID")
    g.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    g.add_argument("--force", action="store_true", help="regrade submissions that already have a result")
    r = sub.add_parser("report", help="what the class got wrong: reports/ASSIGNMENT.csv and .html from the saved verdicts")
    r.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    r.add_argument("--course", default="course", type=Path)
    args = parser.parse_args(argv)
    from .speedups import skip_iri_grammar
    skip_iri_grammar()
    if args.command == "report":
        from .classreport import report
        return report(args.course.resolve(), args.assignments)
    from .batch import grade
    course = args.course.resolve()
    here = os.getcwd()
    os.chdir(course)  # nbgrader resolves its folders from the course root
    try:
        return grade(course, args.assignments, args.students, max(1, args.jobs), args.force)
    finally:
        os.chdir(here)


if __name__ == "__main__":
    raise SystemExit(main())
