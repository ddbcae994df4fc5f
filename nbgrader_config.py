"""nbgrader looks for its config in the folder JupyterLab starts in (the repo root, for `make lab`).
The course's real config lives in course/; load it so Formgrader and Validate see one course.
With COURSE_LANG set (`make lab COURSE_LANG=zh-CN`), that language's course in course/<lang>/ instead."""
import os

here = os.path.dirname(os.path.abspath(__file__))
lang = os.environ.get("COURSE_LANG", "")
course = os.path.join(here, "course", lang) if lang else os.path.join(here, "course")
if not os.path.isfile(os.path.join(course, "nbgrader_config.py")):
    raise ValueError(f"COURSE_LANG={lang!r}: no course in {course}")
load_subconfig(os.path.join(course, "nbgrader_config.py"))  # noqa: F821
