"""nbgrader configuration for the course.

One source: the instructor notebooks in ../solutions are nbgrader's source folder, and
the student notebooks it generates go straight to ../notebooks (committed, so a student
can clone and open them). Everything nbgrader writes per student stays in this folder
and is gitignored.
"""
import os

here = os.path.dirname(os.path.abspath(__file__))
c = get_config()  # noqa: F821 (injected by traitlets)

c.CourseDirectory.root = here
c.CourseDirectory.course_id = "torch-from-the-ground-up"
c.CourseDirectory.source_directory = os.path.join("..", "solutions")
c.CourseDirectory.release_directory = os.path.join("..", "notebooks")
# The gradebook: sqlite beside this file by default; a shared PostgreSQL server when COURSE_DB_URL
# is set, e.g. postgresql+psycopg://grader:PASSWORD@db.example.org/torch_course (see README).
c.CourseDirectory.db_url = os.environ.get("COURSE_DB_URL") or "sqlite:///" + os.path.join(here, "gradebook.db")

# The stub a learner sees in place of a solution (minitorch style: say what to do). A region that starts
# with a `# todo: ...` comment gets `raise NotImplementedError("...")` with that text instead.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError(\"Replace this line with your answer, then run the test cell below.\")"
}
from nbgrader.converters import GenerateAssignment  # noqa: E402
from nbgrader.preprocessors import ClearSolutions  # noqa: E402

from autograder.grading.preprocessors.clear_solutions import ClearSolutionsSayingWhat  # noqa: E402

c.GenerateAssignment.preprocessors = [ClearSolutionsSayingWhat if p is ClearSolutions else p
                                      for p in GenerateAssignment.class_traits()["preprocessors"].default()]
# Chapter 09 saves the learner's engine beside its notebook (mini_autograd.py, the solution's in solutions/):
# it is never part of a release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "mini_autograd.py"]
# Hidden tests are stripped from the release; generated notebooks carry no outputs.
c.ClearOutput.enabled = True
c.ClearHiddenTests.enabled = True
c.Execute.timeout = 60  # only used when the engine is switched off (the benchmark baseline)

# The grading engine (autograder/__init__.py explains it): learner code runs in a warm
# bubblewrap sandbox and only records answers; a trusted judge replays the exercises
# against them before SaveAutoGrades, so a plain `nbgrader autograde` is already safe.
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata,  # noqa: E402
                                    ClearOutput, IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec,
                                    SaveAutoGrades)

from autograder.grading.preprocessors import (Judge, LimitOutputBytes, RepairStructure, SandboxedExecute,  # noqa: E402
                                      SaveVerdict)
from autograder.grading.gradebook_io import OverwriteCellsOnce, SaveAutoGradesOnce  # noqa: E402  (nbgrader's, fewer round trips)
from autograder.grading.links import pre_convert_hook  # noqa: E402

# Links, devices and fifos in a submitted folder are dropped (and flagged) before nbgrader copies it anywhere.
c.Autograde.pre_convert_hook = pre_convert_hook(here)

c.Autograde.sanitize_preprocessors = [ClearOutput, RepairStructure, OverwriteKernelspec, OverwriteCellsOnce, CheckCellMetadata]
c.Autograde.autograde_preprocessors = [
    SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, LimitOutputBytes,
    Judge, SaveAutoGradesOnce, AssignLatePenalties, CheckCellMetadata, SaveVerdict,
]
c.SandboxedExecute.timeout = 30
c.SandboxedExecute.notebook_budget = 120
c.SandboxedExecute.memory_bytes = 2 * 1024**3

# Feedback shows each test cell without its hidden part: nbgrader's default feedback prints the
# autograded notebook verbatim, hidden tests included.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
