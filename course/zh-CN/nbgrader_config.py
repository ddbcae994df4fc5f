"""nbgrader configuration for the course in Simplified Chinese (zh-CN): a second course of its own.

The English course's settings (../nbgrader_config.py: the grading engine, feedback, limits) with this
folder as the course root. Its source folder, ``source/``, holds the Chinese instructor notebooks, which
``make release`` generates from ../../solutions and ../../i18n/zh-CN (never edit them by hand); the student
notebooks it generates go to ../../notebooks/zh-CN. Same assignment names and cell ids as the English
course, its own course id (so one exchange can offer both languages), gradebook and grading state.
"""
import os

here = os.path.dirname(os.path.abspath(__file__))
c = get_config()  # noqa: F821 (injected by traitlets)
load_subconfig(os.path.join(here, "..", "nbgrader_config.py"))  # noqa: F821

c.CourseDirectory.root = here
c.CourseDirectory.course_id = "torch-from-the-ground-up-zh-CN"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = os.path.join("..", "..", "notebooks", "zh-CN")
# A PostgreSQL gradebook of its own (see README); unset, sqlite beside this file.
c.CourseDirectory.db_url = os.environ.get("COURSE_DB_URL_ZH_CN") or "sqlite:///" + os.path.join(here, "gradebook.db")

c.ClearSolutions.code_stub = {
    "python": "# 在这里写你的代码\nraise NotImplementedError(\"把这一行换成你的答案，然后运行下面的测试单元格。\")"
}
