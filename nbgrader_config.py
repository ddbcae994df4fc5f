"""nbgrader looks for its config in the folder JupyterLab starts in (the repo root, for `make lab`).
The course's real config lives in course/; load it so Formgrader and Validate see one course."""
import os

load_subconfig(os.path.join(os.path.dirname(os.path.abspath(__file__)), "course", "nbgrader_config.py"))  # noqa: F821
