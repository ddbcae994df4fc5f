"""``autograder``: the grader's command line (``autograder grade ...``, ``autograder report ...``)."""
from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from .batch import EXIT_CODES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade a class with the sandboxed engine.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="autograde submissions in parallel, write the gradebook and grades.csv",
                       description="Autograde submissions in parallel, write the gradebook and grades.csv.",
                       epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    g.add_argument("--course", default="course", type=Path)
    g.add_argument("--student", action="append", dest="students", metavar="ID")
    g.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, help="sandboxed workers (at least 1)")
    g.add_argument("--force", action="store_true", help="regrade submissions that already have a result")
    r = sub.add_parser("report", help="what the class got wrong: reports/ASSIGNMENT.csv and .html from the saved verdicts")
    r.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    r.add_argument("--course", default="course", type=Path)
    args = parser.parse_args(argv)
    # Python hides DeprecationWarnings outside __main__; nbgrader's (and ours, on nbgrader's internals) are
    # the ones that announce what speedups.py mirrors is changing, so the grader sees them, once each.
    warnings.filterwarnings("default", category=DeprecationWarning, module=r"(nbgrader|autograder)(\.|$)")
    from .speedups import skip_iri_grammar
    skip_iri_grammar()
    if args.command == "report":
        from .classreport import report
        return report(args.course.resolve(), args.assignments)
    from .batch import UsageError, grade
    course = args.course.resolve()
    here = os.getcwd()
    try:
        if not (course / "nbgrader_config.py").is_file():
            raise UsageError(f"{course} is not a course folder (it has no nbgrader_config.py)")
        os.chdir(course)  # nbgrader resolves its folders from the course root
        return grade(course, args.assignments, args.students, args.jobs, args.force)
    except UsageError as exc:
        g.print_usage(sys.stderr)
        print(f"autograder grade: error: {exc}", file=sys.stderr)
        return 2
    finally:
        os.chdir(here)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


if __name__ == "__main__":
    raise SystemExit(main())
