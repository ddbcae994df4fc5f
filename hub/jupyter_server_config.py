"""Jupyter Server config of every server on the class hub (students' and Formgrader's): hub/deploy.py
installs it as PREFIX/etc/jupyter/jupyter_server_config.py, on every server's JUPYTER_CONFIG_PATH.

A terminal opened under a hub is a login shell by default, and Debian's /etc/profile resets PATH, so
the grader's `autograder grade` (and a student's `python`) would not be the environment's. The hub's
spawner already sets the environment (PATH, HOME, SHELL): a plain, non-login shell keeps it.
"""
c = get_config()  # noqa: F821
c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}
