"""Lets nbgrader's JupyterLab extensions find the course when JupyterLab runs from the repo root
(`make lab`): Formgrader, Validate and the Assignments panel read nbgrader_config.py from the
server's root folder. The course's one configuration is course/nbgrader_config.py."""
import os

load_subconfig(os.path.join(os.path.dirname(os.path.abspath(__file__)), "course", "nbgrader_config.py"))  # noqa: F821
