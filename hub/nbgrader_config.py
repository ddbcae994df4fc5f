"""Site-wide nbgrader config of the class hub, read by every server on it (students' and Formgrader):
hub/deploy.py installs it as PREFIX/etc/jupyter/nbgrader_config.py, and the hub points
JUPYTER_CONFIG_PATH there. nbgrader's multiple-classes layout (its demo_multiple_classes)."""
import os

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821

prefix = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
c.Exchange.root = os.path.join(prefix, "exchange")
# Students fetch into ~/COURSE/ASSIGNMENT: one folder per course, as with several classes on one hub.
c.Exchange.path_includes_course = True
# Courses come from the hub's groups: nbgrader-COURSE (students), formgrade-COURSE (graders).
c.Authenticator.plugin_class = JupyterHubAuthPlugin

# The exchange that does not leak, students' half (autograder/checking/exchange.py): a submission is a
# 0750 folder readable by the grader's group only. The grader's half (collect only what its student owns,
# feedback readable by its student only) is set in the grader's own config: the student environment has
# no autograder.grading to import it from (hub/deploy.py, install_course).
c.ExchangeFactory.submit = "autograder.checking.exchange.PrivateSubmit"
